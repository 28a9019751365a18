"""The fast grader: faults contained, tampering gains nothing, runs resume and lock.

Faults and tampering are graded on unit 01 (they name its exercises and checks); what
does not depend on teaching content (regrading, resume after SIGKILL, grader faults,
Dask, PostgreSQL) on the small anchor assignment of tests/harness.py. Each module course
has its grading plan decided once (harness.precompute_plan), not once per test.

Cell-by-cell equality with `nbgrader autograde`, with the checker on, is tested on every
unit by tests/test_course_grading.py::test_fast_grader_equals_nbgrader_cell_by_cell.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time

import nbformat
import pytest
from harness import (
    ANCHOR_UNIT,
    answered,
    auto_points,
    cells_by_id,
    make_anchor_course,
    make_course,
    nbgrader,
    notebook_holding,
    precompute_plan,
    scores,
    submit,
)

from workbench.grading.executor import Limits
from workbench.grading.ledger import Ledger
from workbench.grading.pipeline import Options, grade

pytestmark = pytest.mark.slow

UNIT = "01_excel_basics"
# The notebook holding exercises 1-5 (unit 01 is in parts; found by content, not by name).
NB = notebook_holding(UNIT, "ex5").name
FAST_LIMITS = Limits(cell_timeout=5, notebook_timeout=60, memory_mb=1024, output_bytes=1_000_000)


@pytest.fixture(scope="module")
def released(tmp_path_factory):
    """A course with the unit released; returns (root, source notebook, released notebook)."""
    root = make_course(tmp_path_factory.mktemp("released"))
    nbgrader(root, "generate_assignment", UNIT, "--force")
    precompute_plan(root, UNIT, FAST_LIMITS)
    source = nbformat.read(root.parent / "courses" / UNIT / NB, as_version=4)
    release = nbformat.read(root / "release" / UNIT / NB, as_version=4)
    return root, source, release


ANCHOR_NB = f"{ANCHOR_UNIT}.ipynb"
ANCHOR_FULL = 2  # points of the anchor assignment


@pytest.fixture(scope="module")
def anchor(tmp_path_factory):
    """The anchor assignment released, its plan decided: (root, source, release)."""
    root = make_anchor_course(tmp_path_factory.mktemp("anchor"))
    precompute_plan(root, ANCHOR_UNIT, FAST_LIMITS)
    source = nbformat.read(root.parent / "courses" / ANCHOR_UNIT / ANCHOR_NB, as_version=4)
    release = nbformat.read(root / "release" / ANCHOR_UNIT / ANCHOR_NB, as_version=4)
    return root, source, release


def _fresh_course(tmp_path, released):
    root, _, _ = released
    fresh = tmp_path / "course"
    shutil.copytree(root.parent, fresh, ignore=shutil.ignore_patterns("submitted", "autograded"))
    return fresh / "grading"


def _ledger(root, unit=UNIT):
    """Faults per graded student, read through the grader's own ledger."""
    ledger = Ledger(root / ".workbench" / "grader-ledger.sqlite")
    try:
        return ledger.faults(unit)
    finally:
        ledger.close()


def _with_cell(source, release, gid, code):
    return answered(release, source, {gid: code})


def test_faults_are_contained_and_explained(tmp_path, released):
    root = _fresh_course(tmp_path, released)
    _, source, release = released
    good = answered(release, source)
    bad = {
        "loop": _with_cell(source, release, "ex2", "while True:\n    pass"),
        "membomb": _with_cell(source, release, "ex3", "hog = bytearray(4 * 1024**3)"),
        "exit": _with_cell(source, release, "ex4", "import os\nos._exit(0)"),
        "crash": _with_cell(source, release, "ex5", "import ctypes\nctypes.string_at(0)"),
        "bigprint": _with_cell(
            source,
            release,
            "ex1",
            'print("x" * 100_000_000)\n'
            'usage = pd.read_csv(datasets.path("facility_usage"), encoding="cp932")',
        ),
    }
    submit(root, "honest", UNIT, NB, good)
    for student, notebook in bad.items():
        submit(root, student, UNIT, NB, notebook)
    broken = root / "submitted" / "broken" / UNIT
    broken.mkdir(parents=True)
    (broken / NB).write_text('{"cells": [ this is not json', encoding="utf-8")

    summary = grade(UNIT, root, Options(workers=2, progress=False, limits=FAST_LIMITS))
    assert summary.graded == 7
    faults = _ledger(root)
    assert faults["honest"] == []
    assert faults["loop"] == ["timeout"]
    assert faults["membomb"] == ["memory"]
    assert faults["exit"] == ["kernel_died"]
    assert faults["crash"] == ["kernel_died"]
    assert faults["bigprint"] == ["output_limit"]
    assert faults["broken"] == ["malformed"]

    full = scores(root, UNIT, "honest")
    assert sum(score for score, _ in full.values()) == auto_points(source)
    got = {student: scores(root, UNIT, student) for student in bad}
    assert got["loop"]["ex2_test"][0] == 0 and got["loop"]["ex3_test"][0] == 3
    assert got["membomb"]["ex3_test"][0] == 0 and got["membomb"]["ex4_test"][0] == 2
    # A dead kernel never counts as passing: every test after the crash scores 0.
    tests = [gid for gid in cells_by_id(source) if re.fullmatch(r"ex\d+_test", gid)]
    for student, first in (("exit", 4), ("crash", 5)):
        later = [gid for gid in tests if int(gid[2:-5]) >= first]
        assert later, "the notebook has tests after the crash"
        assert all(got[student][gid][0] == 0 for gid in later), got[student]
        assert got[student]["ex1_test"][0] == 1
    assert got["bigprint"]["ex1_test"][0] == 1
    assert (root / "autograded" / "bigprint" / UNIT / NB).stat().st_size < 5_000_000
    assert sum(s for s, _ in scores(root, UNIT, "broken").values()) == 0
    note = nbformat.read(root / "autograded" / "exit" / UNIT / NB, as_version=4).cells[0]
    assert note.metadata["workbench"]["grader_note"] and "カーネル停止" in note.source


def _tampered(source, release):
    """Submissions that try to score without answering; each must earn 0 on its test."""
    wrong_ex2 = 'top_libraries = usage[["年月", "施設名", "利用者数"]].head(5)\n'
    variants = {
        "patch_checks": wrong_ex2
        + "from workbench import checks as c\nc.expect = lambda *a, **k: None\n"
        "c.fail = lambda *a, **k: None\nc.dataframe = c.descending = lambda *a, **k: None",
        "rebind_checks": wrong_ex2
        + "class _Pass:\n    def __getattr__(self, name):\n        return lambda *a, **k: None\n"
        "checks = _Pass()",
        "swallow_errors": wrong_ex2
        + "get_ipython().set_custom_exc((BaseException,), lambda *a, **k: None)",
        "patch_pandas": wrong_ex2 + "pd.Series.all = lambda self, *a, **k: True",
    }
    return {name: answered(release, source, {"ex2": code}) for name, code in variants.items()}


def _edit(notebook, gid, change):
    notebook = nbformat.from_dict(notebook)
    cells = cells_by_id(notebook)
    change(notebook, cells[gid])
    return notebook


def test_tampering_gains_nothing(tmp_path, released):
    root = _fresh_course(tmp_path, released)
    _, source, release = released
    for student, notebook in _tampered(source, release).items():
        submit(root, student, UNIT, NB, notebook)
    wrong = {"ex3": "total_users = mean_users = n_reported = max_users = 1"}
    base = answered(release, source, wrong)

    def delete(nb, cell):
        nb.cells.remove(cell)

    def to_markdown(nb, cell):
        cell.cell_type = "markdown"
        cell.pop("outputs", None)
        cell.pop("execution_count", None)

    def rename(nb, cell):
        cell.metadata["nbgrader"]["grade_id"] = "renamed"

    def gut(nb, cell):
        cell.source = "pass"

    for student, change in (
        ("deleted", delete),
        ("markdown", to_markdown),
        ("renamed", rename),
        ("gutted", gut),
    ):
        submit(root, student, UNIT, NB, _edit(base, "ex3_test", change))
    kernelspec = answered(release, source)
    kernelspec.metadata["kernelspec"] = {
        "name": "evil",
        "display_name": "evil",
        "language": "python",
    }
    submit(root, "kernelspec", UNIT, NB, kernelspec)

    grade(UNIT, root, Options(workers=2, progress=False, limits=FAST_LIMITS))
    for student in ("patch_checks", "rebind_checks", "swallow_errors", "patch_pandas"):
        got = scores(root, UNIT, student)
        assert got["ex2_test"][0] == 0, student
        assert got["ex3_test"][0] == 3, "the guard repairs and later tests run honestly"
    # The checker decided ex2_test: the patch changed nothing it runs. The guard still
    # protects the tests the plan keeps in the learner's process: with the checker
    # switched off, it detects the same patch and that test scores 0.
    guarded = _fresh_course(tmp_path / "guarded", released)
    submit(guarded, "patch_checks", UNIT, NB, _tampered(source, release)["patch_checks"])
    options = Options(workers=1, progress=False, limits=FAST_LIMITS, disabled_defences={"checker"})
    grade(UNIT, guarded, options)
    assert scores(guarded, UNIT, "patch_checks")["ex2_test"][0] == 0
    assert "tampering" in _ledger(guarded)["patch_checks"]
    for student in ("deleted", "markdown", "renamed", "gutted"):
        got = scores(root, UNIT, student)
        assert got["ex3_test"] == (0, 3), student
        assert got["ex4_test"][0] == 2, student
    assert sum(s for s, _ in scores(root, UNIT, "kernelspec").values()) == auto_points(source)


def test_regrading_is_idempotent_and_resubmissions_are_archived(tmp_path, anchor):
    root = _fresh_course(tmp_path, anchor)
    _, source, release = anchor
    submit(root, "a", ANCHOR_UNIT, ANCHOR_NB, answered(release, source))
    submit(root, "b", ANCHOR_UNIT, ANCHOR_NB, release)
    first = grade(ANCHOR_UNIT, root, Options(workers=1, progress=False, limits=FAST_LIMITS))
    again = grade(ANCHOR_UNIT, root, Options(workers=1, progress=False, limits=FAST_LIMITS))
    assert (first.graded, again.graded, again.skipped) == (2, 0, 2)

    # b resubmits a full answer
    submit(root, "b", ANCHOR_UNIT, ANCHOR_NB, answered(release, source))
    (root / "submitted" / "b" / ANCHOR_UNIT / "timestamp.txt").write_text(
        "2024-04-02 09:00:00.000000 UTC"
    )
    third = grade(ANCHOR_UNIT, root, Options(workers=1, progress=False, limits=FAST_LIMITS))
    assert third.graded == 1
    assert sum(s for s, _ in scores(root, ANCHOR_UNIT, "b").values()) == ANCHOR_FULL
    archived = list((root / ".workbench" / "archive" / ANCHOR_UNIT / "b").iterdir())
    assert len(archived) == 1 and (archived[0] / ANCHOR_NB).exists()


def test_sigkill_mid_run_then_resume_finishes_everything_once(tmp_path, anchor):
    root = _fresh_course(tmp_path, anchor)
    _, source, release = anchor
    count = 16  # the anchor grades fast: enough to be caught mid-run
    for index in range(count):
        submit(root, f"s{index}", ANCHOR_UNIT, ANCHOR_NB, answered(release, source))
    command = [
        sys.executable,
        "-m",
        "workbench",
        "grade",
        ANCHOR_UNIT,
        "--course-root",
        str(root),
        "--workers",
        "2",
        "--no-progress",
    ]
    process = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    ledger_path = root / ".workbench" / "grader-ledger.sqlite"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if ledger_path.exists() and 1 <= len(_ledger(root, ANCHOR_UNIT)) < count:
            break
        time.sleep(0.05)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    interrupted = len(_ledger(root, ANCHOR_UNIT))
    assert interrupted < count, "the run finished before it could be interrupted"
    resumed = grade(ANCHOR_UNIT, root, Options(workers=2, progress=False, limits=FAST_LIMITS))
    assert resumed.graded == count - interrupted
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gradebook:
        assert len(gradebook.assignment_submissions(ANCHOR_UNIT)) == count
        for index in range(count):
            assert gradebook.find_submission(ANCHOR_UNIT, f"s{index}").score == ANCHOR_FULL


def test_dask_cluster_grades_like_local_processes(tmp_path, anchor):
    from distributed import LocalCluster

    root = _fresh_course(tmp_path, anchor)
    # The plan is decided on the cluster too, as in a real run: not taken from the cache.
    shutil.rmtree(root / ".workbench" / "plan-cache")
    _, source, release = anchor
    submit(root, "good", ANCHOR_UNIT, ANCHOR_NB, answered(release, source))
    submit(root, "blank", ANCHOR_UNIT, ANCHOR_NB, release)
    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        summary = grade(
            ANCHOR_UNIT,
            root,
            Options(scheduler=cluster.scheduler_address, progress=False, limits=FAST_LIMITS),
        )
    assert summary.graded == 2
    assert sum(s for s, _ in scores(root, ANCHOR_UNIT, "good").values()) == ANCHOR_FULL
    assert sum(s for s, _ in scores(root, ANCHOR_UNIT, "blank").values()) == 0


@pytest.mark.postgres
def test_postgresql_gradebook(tmp_path, anchor, monkeypatch):
    url = os.environ.get("WORKBENCH_TEST_POSTGRES_URL")
    if not url:
        if os.environ.get("CI"):
            pytest.fail("CI must provide WORKBENCH_TEST_POSTGRES_URL (see .ci/run)")
        pytest.skip("no PostgreSQL server configured")
    import sqlalchemy

    database = f"gradebook_{os.getpid()}"
    admin = sqlalchemy.create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sqlalchemy.text(f"DROP DATABASE IF EXISTS {database}"))
        connection.execute(sqlalchemy.text(f"CREATE DATABASE {database}"))
    db_url = url.rsplit("/", 1)[0] + "/" + database
    try:
        monkeypatch.setenv("WORKBENCH_GRADEBOOK_URL", db_url)  # read by nbgrader_config.py
        root = make_anchor_course(tmp_path)
        _, source, release = anchor
        submit(root, "good", ANCHOR_UNIT, ANCHOR_NB, answered(release, source))
        submit(root, "blank", ANCHOR_UNIT, ANCHOR_NB, release)
        grade(
            ANCHOR_UNIT, root, Options(workers=2, progress=False, db_url=db_url, limits=FAST_LIMITS)
        )
        from nbgrader.api import Gradebook

        with Gradebook(db_url) as gradebook:
            assert gradebook.find_submission(ANCHOR_UNIT, "good").score == ANCHOR_FULL
            assert gradebook.find_submission(ANCHOR_UNIT, "blank").score == 0
    finally:
        admin.dispose()
        with sqlalchemy.create_engine(url, isolation_level="AUTOCOMMIT").connect() as connection:
            connection.execute(sqlalchemy.text(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)"))


# --- reliability: each item of issue #11 that is not an attack -------------------------


def test_commit_failure_rolls_back_and_surfaces(tmp_path, monkeypatch):
    from nbgrader.api import Gradebook

    from workbench.course import environment_with_tools
    from workbench.grading.course import GradebookWriteError, one_transaction

    # A new gradebook asks the `alembic` command for its schema version.
    monkeypatch.setenv("PATH", environment_with_tools()["PATH"])
    gradebook = Gradebook(f"sqlite:///{tmp_path / 'gradebook.db'}")
    session = gradebook.db

    def failing_commit(self):
        raise RuntimeError("disk full")

    with monkeypatch.context() as patch:
        patch.setattr(type(session), "commit", failing_commit)  # the database refuses
        with pytest.raises(GradebookWriteError, match="gradebook への書き込みに失敗しました"):
            with one_transaction(gradebook):
                gradebook.add_student("ghost")
    assert [s.id for s in gradebook.students] == []  # rolled back, nothing half-written
    gradebook.close()


def test_one_run_per_assignment(tmp_path, released):
    from workbench.course import CourseError
    from workbench.grading.course import Course, assignment_lock

    course = Course.load(_fresh_course(tmp_path, released))
    with assignment_lock(course, UNIT):
        with pytest.raises(CourseError, match="別の `workbench grade` が採点中"):
            with assignment_lock(course, UNIT):
                pass
        with assignment_lock(course, "another_unit"):
            pass
    with assignment_lock(course, UNIT):  # released again afterwards
        pass


def test_archive_names_never_collide(tmp_path):
    from workbench.grading.autograded_files import archive_name

    first = archive_name(tmp_path, "a" * 64)
    first.mkdir()
    second = archive_name(tmp_path, "a" * 64)  # A → B → A: the same digest again
    assert second != first and not second.exists()


def test_limits_come_from_the_course_config_and_flags_override(tmp_path, released):
    from workbench.grading.course import Course

    root = _fresh_course(tmp_path, released)
    assert Course.load(root).limits().cell_timeout == 60  # c.ExecutePreprocessor.timeout
    (root / "nbgrader_config.py").write_text(
        (root / "nbgrader_config.py").read_text() + "\nc.ExecutePreprocessor.timeout = 12\n"
    )
    assert Course.load(root).limits().cell_timeout == 12
    from workbench import cli

    seen = {}

    def fake_grade(assignment, course_root, options):
        seen["limits"] = options.limits
        from workbench.grading.pipeline import Summary

        return Summary()

    import workbench.grading.pipeline as pipeline

    original = pipeline.grade
    pipeline.grade = fake_grade
    try:
        cli.main(["grade", UNIT, "--course-root", str(root), "--no-progress"])
        assert seen["limits"] is None  # the grader reads the course's config itself
        cli.main(["grade", UNIT, "--course-root", str(root), "--memory-mb", "512"])
        assert (seen["limits"].cell_timeout, seen["limits"].memory_mb) == (12, 512)
    finally:
        pipeline.grade = original


def test_without_bubblewrap_grading_fails_closed(monkeypatch):
    from workbench.grading import sandbox

    monkeypatch.setattr(sandbox, "bubblewrap", lambda: None)
    with pytest.raises(sandbox.SandboxUnavailable, match="bubblewrap") as error:
        sandbox.warm_process_command()
    assert "--no-sandbox" in str(error.value)
    with pytest.warns(sandbox.SandboxUnavailableWarning):
        command, _ = sandbox.warm_process_command(sandbox=False)
    assert "bwrap" not in command[0]


def test_grader_faults_are_retried_on_resume(tmp_path, anchor, monkeypatch):
    """A warm process that dies is the grader's fault: recorded, then graded again."""
    from workbench.grading import warm

    root = _fresh_course(tmp_path, anchor)
    _, source, release = anchor
    submit(root, "a", ANCHOR_UNIT, ANCHOR_NB, answered(release, source))
    real_run = warm.WarmProcess.run

    def dying_run(self, job):
        if job["job_id"].startswith("plan"):  # (decided before: cached)
            return real_run(self, job)
        self.close()
        return warm.internal_fault(job, "test: the warm process died")

    monkeypatch.setattr(warm.WarmProcess, "run", dying_run)
    first = grade(ANCHOR_UNIT, root, Options(workers=1, progress=False, limits=FAST_LIMITS))
    assert first.graded == 1 and _ledger(root, ANCHOR_UNIT)["a"] == ["internal"]
    monkeypatch.setattr(warm.WarmProcess, "run", real_run)
    second = grade(ANCHOR_UNIT, root, Options(workers=1, progress=False, limits=FAST_LIMITS))
    assert second.graded == 1, "the grader's fault is retried, not kept as the learner's"
    assert _ledger(root, ANCHOR_UNIT)["a"] == []
    assert sum(s for s, _ in scores(root, ANCHOR_UNIT, "a").values()) == ANCHOR_FULL


# --- the grading plan, kept per digest of the instructor's files (plan_cache.py) --------


def test_plan_is_kept_until_an_instructor_file_changes_and_a_tampered_cache_is_refused(
    tmp_path, monkeypatch
):
    import json

    from harness import ANCHOR_UNIT, make_anchor_course

    from workbench.grading import plan

    root = make_anchor_course(tmp_path)
    name = f"{ANCHOR_UNIT}.ipynb"
    path = root.parent / "courses" / ANCHOR_UNIT / name
    source = nbformat.read(path, as_version=4)
    release = nbformat.read(root / "release" / ANCHOR_UNIT / name, as_version=4)
    decided = []
    real_decide = plan._decide
    monkeypatch.setattr(plan, "_decide", lambda *a: decided.append(1) or real_decide(*a))
    options = Options(workers=1, progress=False, limits=FAST_LIMITS, force=True)

    def run(student, notebook):
        submit(root, student, ANCHOR_UNIT, name, notebook)
        grade(ANCHOR_UNIT, root, options)
        return len(decided), sum(s for s, _ in scores(root, ANCHOR_UNIT, student).values())

    cache = root / ".workbench" / "plan-cache" / f"{ANCHOR_UNIT}.json"
    assert run("a", answered(release, source)) == (1, 2)
    stored = json.loads(cache.read_text(encoding="utf-8"))
    # Both tests are decided by the checker (the anchor needs nothing it cannot give).
    assert stored["body"]["plans"] == {ANCHOR_UNIT: {"ex1_test": True, "ex2_test": True}}
    # Another learner, another answer: nothing a learner sends enters the key.
    attack = "import scipy.stats\nscipy.stats.ttest_ind = lambda *a, **k: (0.0, 0.5)"
    assert run("b", answered(release, source, {"ex1": attack})) == (1, 1)

    # Tampered: a test moved back into the learner's process, the checksum now wrong.
    edited = json.loads(cache.read_text(encoding="utf-8"))
    edited["body"]["plans"][ANCHOR_UNIT]["ex1_test"] = False
    cache.write_text(json.dumps(edited), encoding="utf-8")
    assert run("c", answered(release, source)) == (2, 2)
    assert json.loads(cache.read_text(encoding="utf-8")) == stored  # decided again

    # The instructor's source changes, with a slip: decided again, and since the
    # solution fails its own test, not kept (the old plan stays, under the old key).
    cells_by_id(source)["ex2"].source = "slope = 0.0"
    nbformat.write(source, path)
    assert run("d", answered(release, source))[0] == 3
    assert json.loads(cache.read_text(encoding="utf-8")) == stored
    # Fixed: decided again and kept under a new key.
    source = nbformat.read(root.parent / "courses" / ANCHOR_UNIT / name, as_version=4)
    cells_by_id(source)["ex2"].source = cells_by_id(source)["ex2"].source.replace(
        "slope = 0.0", 'model = smf.ols("y ~ x", data=df).fit()\nslope = model.params["x"]'
    )
    source.cells.append(nbformat.v4.new_markdown_cell("補足"))
    nbformat.write(source, path)
    assert run("e", answered(release, source)) == (4, 2)
    assert json.loads(cache.read_text(encoding="utf-8"))["body"]["key"] != stored["body"]["key"]


def test_plan_cache_key_and_refusals(tmp_path):
    """Without grading: what enters the key, and which stored files are refused."""
    import json
    from types import SimpleNamespace

    from workbench.grading import plan_cache

    (tmp_path / "courses" / "u").mkdir(parents=True)
    (tmp_path / "grading").mkdir()
    notebook, config = tmp_path / "courses" / "u" / "u.ipynb", tmp_path / "grading" / "c.py"
    notebook.write_text("{}")
    (tmp_path / "grading" / "nbgrader_config.py").write_text("c = get_config()\n")
    course = SimpleNamespace(root=tmp_path / "grading", source=lambda a: tmp_path / "courses" / a)

    def key(settings=(False, ())):
        return plan_cache.key(course, "u", FAST_LIMITS, settings)

    first = key()
    assert key() == first
    (tmp_path / "courses" / "u" / "data.csv").write_text("a\n1\n")  # a data file read
    second = key()
    (tmp_path / "grading" / "nbgrader_config.py").write_text("c = get_config()\n# x\n")
    third = key()
    assert len({first, second, third, key((True, ()))}) == 4
    config.write_text("")  # not the course config: no effect
    assert key() == third

    names = {"u": {"ex1_test"}}
    plan_cache.store(course, "u", third, {"u": {"ex1_test": True}})
    assert plan_cache.load(course, "u", third, names) == {"u": {"ex1_test": True}}
    assert plan_cache.load(course, "u", first, names) is None  # other inputs
    assert plan_cache.load(course, "u", third, {"u": {"ex1_test", "ex2_test"}}) is None
    file = plan_cache.path(course, "u")
    good = file.read_text()
    file.write_text(good.replace("true", "false"))  # edited, checksum now wrong
    assert plan_cache.load(course, "u", third, names) is None
    body = {"key": third, "plans": {"u": {"ex1_test": "yes"}}}  # right checksum, wrong shape
    file.write_text(json.dumps({"body": body, "checksum": plan_cache._checksum(body)}))
    assert plan_cache.load(course, "u", third, names) is None
    file.write_text("{ not json")
    assert plan_cache.load(course, "u", third, names) is None
    file.write_text(good)  # negative control: the intact file reads back
    assert plan_cache.load(course, "u", third, names) == {"u": {"ex1_test": True}}
