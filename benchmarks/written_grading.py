"""Written answers: formgrader one submission at a time vs the grouped page, side by side.

Both grade the same simulated cohort (tests/test_written_page.py's 150 learners on unit
01's written question) in a real Chromium against a real instructor JupyterLab; the
script refuses to print a ratio unless both leave identical scores in the gradebook.

What is measured is the machine part (page loads, saving); what a person spends reading is
counted, not timed: formgrader shows every submission on its own page, the grouped page
shows each distinct wording once. The projection for 5,000 learners states its
assumptions in the output.

    python benchmarks/written_grading.py            # 150 learners, formgrader on 40 of them
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

import test_written_page as cohort_source  # noqa: E402
from harness import make_course, nbgrader, simulated_written_cohort  # noqa: E402
from nbgrader.api import Gradebook  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402
from test_browser import CHROMIUM, CHROMIUM_ARGS, jupyterlab  # noqa: E402

from workbench import lab  # noqa: E402
from workbench.grading.written_groups import is_unanswered  # noqa: E402

UNIT, WRITTEN = cohort_source.UNIT, cohort_source.WRITTEN
NB_ID = cohort_source.NB_ID  # the part of the unit that holds the written answer
# What a person reads, per the formgrader measurement and 400 字/分 reading.
FORMGRADER_SECONDS_PER_ANSWER = (30, 45)  # Next, scroll 12–26 screens, read, type
READ_SECONDS_PER_VARIANT = 10  # a 2–3 sentence answer at 400 字/分, plus the decision


def intended_score(text: str) -> int:
    """The score a grader gives each answer of the cohort (same rule for both tools)."""
    if text in cohort_source.MODEL:
        return 3
    if text in cohort_source.INDIVIDUAL:
        return {0: 0, 1: 1, 2: 2, 3: 1, 4: 2}[cohort_source.INDIVIDUAL.index(text)]
    return 0


def build(tmp: Path, answers: dict[str, str]) -> Path:
    root = make_course(tmp)
    nbgrader(root, "generate_assignment", UNIT, "--force")
    simulated_written_cohort(root, UNIT, answers)
    return root


def scores(root: Path, students) -> dict[str, float | None]:
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gradebook:
        return {s: gradebook.find_grade(WRITTEN, NB_ID, UNIT, s).manual_score for s in students}


def serve(root: Path, tmp: Path):
    os.environ["WORKBENCH_GRADING_DIR"] = str(root)
    os.environ["WORKBENCH_COURSES_DIR"] = str(root.parent / "courses")
    return jupyterlab(lab.instructor_launch(open_browser=False), tmp / "lab")


def run_formgrader(page, server, root: Path, answers: dict[str, str]) -> float:
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gradebook:
        ids = {s: gradebook.find_submission_notebook(NB_ID, UNIT, s).id for s in answers}
    # Log in first: formgrader's page accepts ?token= but sets no cookie, so its own API
    # calls (grades, comments) would be sent to /login and the page never becomes gradable.
    page.goto(server.url("api/status"))
    start = time.perf_counter()
    for student, text in answers.items():
        page.goto(server.url(f"formgrader/submissions/{ids[student]}/"))
        page.wait_for_function(
            "() => typeof formgrader !== 'undefined' && formgrader.grades"
            " && formgrader.grades.loaded && formgrader.grade_uis.length > 0"
        )
        box = page.locator(f"input.score#{WRITTEN}")
        box.scroll_into_view_if_needed()
        with page.expect_response(lambda r: "/formgrader/api/grade/" in r.url):
            box.fill(str(intended_score(text)))
            box.press("Tab")
    return time.perf_counter() - start


def run_grouped(page, server, answers: dict[str, str]) -> tuple[float, int, int]:
    start = time.perf_counter()
    page.goto(server.url(f"workbench/written/{UNIT}/{NB_ID}/{WRITTEN}/"))
    groups = page.locator("article.group")
    count = groups.count()
    variants = page.locator("article.group .variant").count()
    for index in range(count):
        first = groups.nth(index).locator(".variant").first.inner_text()
        with page.expect_response(lambda r: "/workbench/written/api/score" in r.url):
            page.keyboard.press(str(intended_score(first)))
    page.locator("article.group.done").nth(count - 1).wait_for()
    return time.perf_counter() - start, count, variants


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--formgrader-n", type=int, default=40, help="submissions in formgrader")
    args = parser.parse_args()
    answers = cohort_source.cohort()
    sample = dict(list(answers.items())[:: max(1, len(answers) // args.formgrader_n)])
    with tempfile.TemporaryDirectory() as folder, sync_playwright() as playwright:
        tmp = Path(folder)
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        page.set_default_timeout(120_000)
        formgrader_root = build(tmp / "formgrader", answers)
        with serve(formgrader_root, tmp / "formgrader") as server:
            formgrader_seconds = run_formgrader(page, server, formgrader_root, sample)
        grouped_root = build(tmp / "grouped", answers)
        with serve(grouped_root, tmp / "grouped") as server:
            grouped_seconds, groups, variants = run_grouped(page, server, answers)
        browser.close()
        by_formgrader = scores(formgrader_root, sample)
        by_groups = scores(grouped_root, answers)
    expected = {s: intended_score(t) for s, t in answers.items()}
    if by_groups != expected or any(by_formgrader[s] != expected[s] for s in sample):
        print("scores differ between the two tools; no ratio reported")
        return 1
    n = len(answers)
    per_formgrader = formgrader_seconds / len(sample)
    per_grouped = grouped_seconds / n
    blank = sum(is_unanswered(t) for t in answers.values())
    print(f"learners {n} (unanswered {blank}); formgrader sample {len(sample)}")
    print(f"machine s/answer: formgrader {per_formgrader:.2f}, grouped {per_grouped:.3f}, "
          f"ratio {per_formgrader / per_grouped:.0f}x")  # fmt: skip
    print(
        f"what a person reads: formgrader {n} pages; grouped {groups} groups, "
        f"{variants} distinct wordings shown, {blank} unanswered scored automatically"
    )  # noqa: E501
    low, high = FORMGRADER_SECONDS_PER_ANSWER
    human_grouped = variants * READ_SECONDS_PER_VARIANT + grouped_seconds
    print(f"person-seconds per answer (assumed {low}-{high} s per formgrader page, "
          f"{READ_SECONDS_PER_VARIANT} s per distinct wording): formgrader {low}-{high}, "
          f"grouped {human_grouped / n:.1f}")  # fmt: skip
    print("identical scores in both gradebooks: yes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
