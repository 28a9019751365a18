"""The tier machinery of the root conftest.py: scheduling scopes and the closing summary."""

from __future__ import annotations

import importlib.util
from types import SimpleNamespace

from workbench.paths import REPO_ROOT

_spec = importlib.util.spec_from_file_location("root_conftest", REPO_ROOT / "conftest.py")
tiers = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(tiers)


def test_scope_keeps_notebooks_units_and_servers_together():
    scope = tiers._scope
    # pytest 9 writes courses/04_t_test/04a_x.ipynb as .../04a_x::ipynb
    unit04 = "courses/04_t_test/04a_hypothesis_welch::ipynb::Cell "
    unit05 = "courses/05_regression/05a_simple_multiple.ipynb::Cell "
    assert scope(unit04 + "3") == scope(unit04 + "40") != scope(unit05 + "3")
    assert scope(unit05 + "3") == scope(unit05 + "40")
    graded = [
        "tests/test_course_grading.py::test_blank_submission_earns_zero[04_t_test]",
        "tests/test_course_grading.py::test_fast_grader_equals_nbgrader_cell_by_cell[04_t_test]",
    ]
    assert scope(graded[0]) == scope(graded[1]) == "graded:04_t_test"
    assert scope("tests/test_hub.py::test_a") == scope("tests/test_hub.py::test_b")
    # One nbgrader-graded course for the feedback tests, built on one worker only.
    feedback = "tests/test_feedback_report.py::test_"
    assert scope(feedback + "report_html") == scope(feedback + "feedback_escapes_hostile_content")
    # Anything else is scheduled test by test, even with a parameter.
    other = "tests/test_datasets.py::test_same_seed_gives_identical_bytes[chat_activity]"
    assert scope(other) == other
    assert scope("tests/test_checks.py::test_a") != scope("tests/test_checks.py::test_b")


def _report(tier: str, outcome: str, reason: str = "", when: str = "call"):
    return SimpleNamespace(
        when=when,
        passed=outcome == "passed",
        skipped=outcome == "skipped",
        failed=outcome == "failed",
        keywords={tier: 1, "test_x": 1},
        longrepr=("tests/test_x.py", 1, f"Skipped: {reason}") if outcome == "skipped" else None,
    )


def test_summary_names_what_ran_what_was_skipped_and_why(monkeypatch):
    monkeypatch.setattr(tiers, "bubblewrap_missing", lambda: True)
    outcomes = tiers.Outcomes()
    outcomes.add(_report("fast", "passed"))
    outcomes.add(_report("fast", "failed"))
    outcomes.add(_report("course", "passed"))
    outcomes.add(_report("browser", "skipped", "chromium がありません", when="setup"))
    outcomes.add(_report("postgres", "skipped", "WORKBENCH_TEST_POSTGRES_URL 未設定"))
    outcomes.add(_report("fast", "passed", when="setup"))  # setup of a passing test: not a run
    line = outcomes.summary("not hub")
    ran, skipped, unselected = line.split(" / ")
    assert ran == "実行した層: fast 2件, course 1件"
    assert "browser（chromium がありません）" in skipped
    assert "postgres（WORKBENCH_TEST_POSTGRES_URL 未設定）" in skipped
    assert "sandbox（bubblewrap がありません" in skipped
    assert unselected.startswith("実行しなかった層: slow, hub") and "not hub" in unselected


def test_summary_without_skips_and_with_a_sandbox(monkeypatch):
    monkeypatch.setattr(tiers, "bubblewrap_missing", lambda: False)
    outcomes = tiers.Outcomes()
    for tier in tiers.TIERS:
        outcomes.add(_report(tier, "passed"))
    assert outcomes.summary("") == "実行した層: " + ", ".join(f"{t} 1件" for t in tiers.TIERS)


def test_every_test_gets_exactly_one_tier():
    assert tiers.tier_of(["parametrize"]) == "fast"
    assert tiers.tier_of(["slow", "browser"]) == "browser"
    assert tiers.tier_of(["slow", "postgres"]) == "postgres"
    assert tiers.tier_of(["course", "slow"]) == "course"
