"""Shared fixtures: one grading run per unit (the tiers are in the root conftest.py)."""

from __future__ import annotations

import json
import os
import re
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pytest
from harness import answered, cells_by_id, make_course, nbgrader, submit
from wrong_answers import WRONG_ANSWERS

from workbench import course
from workbench.grading.executor import Limits
from workbench.grading.pipeline import Options, grade

# Real nbgrader grades every submission of this unit, so tests/test_grading.py can compare
# the fast grader with it on every wrong answer; on the other units it grades the
# solution, the blank and the first wrong answer (the per-unit equivalence check).
NBGRADER_EVERY_SUBMISSION = "01_excel_basics"
# Generous: the whole solution of a case study runs in a few seconds on a loaded machine.
COURSE_LIMITS = Limits(cell_timeout=120, notebook_timeout=900, memory_mb=4096)


# Grader processes per unit, even under xdist: most of the other worker's time is spent
# waiting (on kernels, servers, nbgrader's subprocess), so a CI run on 2 cores used about
# 1.2 of them (2,780 s of CPU in 2,362 s); a second grader fills the gap.
GRADER_WORKERS = 2


# --------------------------------------------------------------------------- grading


@dataclass
class GradedUnit:
    """One unit released by nbgrader, its submissions graded twice.

    ``root``: real ``nbgrader autograde`` on the solution, the blank and the first wrong
    answer (every wrong answer on ``NBGRADER_EVERY_SUBMISSION``). ``fast_root``: the same
    release with every submission graded by ``workbench.grading`` with every defence on,
    the checker included (what instructors run).
    """

    unit: str
    root: Path
    fast_root: Path
    sources: dict[str, nbformat.NotebookNode]
    released: dict[str, nbformat.NotebookNode]
    nbgrader_students: tuple[str, ...]
    wrong_students: tuple[str, ...]  # who carries WRONG_ANSWERS[unit][i]

    def autograded(self, student: str, name: str, root: Path | None = None):
        folder = (root or self.fast_root) / "autograded" / student / self.unit
        return nbformat.read(folder / name, as_version=4)


def wrong_student(index: int) -> str:
    return f"wrong{index:02d}"


CHOICE_ANSWER = re.compile(r'choice_(?P<cell>\w+) = "[^"]*"')


def wrong_students(wrongs) -> tuple[str, ...]:
    """The student whose submission carries each wrong answer.

    A wrong option of a judgement question changes only its own ``choice_…`` variable,
    which nothing but its own test reads (test_course_grading.py checks that), so the
    k-th wrong option of every judgement question rides in one submission ``choicesK``:
    one notebook run instead of one per option. Every other wrong answer, and the first
    one (which real nbgrader also grades), keeps a submission of its own.
    """
    students, seen = [], {}
    for index, wrong in enumerate(wrongs):
        match = CHOICE_ANSWER.fullmatch(wrong.code)
        if index == 0 or not match or match["cell"] != wrong.cell:
            students.append(wrong_student(index))
            continue
        seen[wrong.cell] = seen.get(wrong.cell, -1) + 1
        students.append(f"choices{seen[wrong.cell]:02d}")
    return tuple(students)


@pytest.fixture(scope="session", params=course.units())
def graded_unit(request, tmp_path_factory) -> GradedUnit:
    """Release the unit with nbgrader, submit solution / blank / each wrong answer, grade.

    Every submission answers each notebook of the unit; a wrong answer replaces one cell
    of the notebook that contains it and leaves every other answer correct. Each xdist
    worker has its own temporary directory, so no two workers share a course root.
    """
    unit = request.param
    phases = Phases()
    tmp = tmp_path_factory.mktemp(unit)
    root = make_course(tmp / "nbgrader")
    nbgrader(root, "generate_assignment", unit, "--force")
    phases.lap("generate_assignment")
    fast_root = tmp / "fast" / "grading"
    shutil.copytree(root.parent, fast_root.parent)  # same release and gradebook, no grades
    sources, released = {}, {}
    for path in course.notebooks(unit):
        sources[path.name] = nbformat.read(path, as_version=4)
        released[path.name] = nbformat.read(root / "release" / unit / path.name, as_version=4)

    submissions = {}
    for name in sources:
        submissions[("solution", name)] = answered(released[name], sources[name])
        submissions[("blank", name)] = released[name]
    wrongs = WRONG_ANSWERS.get(unit, [])
    carriers = wrong_students(wrongs)
    replacements: dict[str, dict[str, str]] = {}
    for wrong, student in zip(wrongs, carriers, strict=True):
        replacements.setdefault(student, {})[wrong.cell] = wrong.code
    students = ["solution", "blank", *replacements]
    # Real nbgrader runs each submission's whole notebook (≈10–20 s): on the other units
    # it grades the solution and the first wrong answer; the blank, which scores 0 the
    # same way on every unit, is compared with nbgrader on NBGRADER_EVERY_SUBMISSION.
    chosen = [s for s in students if s in ("solution", wrong_student(0))]
    by_nbgrader = tuple(students if unit == NBGRADER_EVERY_SUBMISSION else chosen)
    for student, replace in replacements.items():
        for name in sources:
            # A unit of several notebooks: a wrong answer graded only by workbench is
            # submitted with the notebook it is in; the others would grade the solution's
            # answers once more (nbgrader's students keep every notebook, for equality).
            holds = any(cell in cells_by_id(sources[name]) for cell in replace)
            if holds or student in by_nbgrader:
                submission = answered(released[name], sources[name], replace)
                submissions[(student, name)] = submission
    everyone = tuple(dict.fromkeys(student for student, _ in submissions))
    for (student, name), notebook in submissions.items():
        submit(fast_root, student, unit, name, notebook)
        if student in by_nbgrader:
            submit(root, student, unit, name, notebook)
    phases.lap("submit")
    nbgrader(root, "autograde", unit, "--force")
    phases.lap("nbgrader autograde")
    # Graded as instructors grade: every defence on, checked tests decided by the checker
    # (its instructor state is built once per notebook, workbench/grading/checkpoints.py).
    options = Options(workers=GRADER_WORKERS, progress=False, limits=COURSE_LIMITS)
    summary = grade(unit, fast_root, options)
    phases.lap("workbench grade")
    phases.write(unit, len(everyone))
    assert summary.graded == len(everyone), summary.lines()
    return GradedUnit(unit, root, fast_root, sources, released, by_nbgrader, carriers)


class Phases:
    """Seconds per phase of ``graded_unit``, appended as JSON lines to the file named by
    ``WORKBENCH_PHASE_LOG`` (for measuring the course tier; never asserted)."""

    def __init__(self) -> None:
        self.last, self.seconds = time.monotonic(), {}

    def lap(self, name: str) -> None:
        now = time.monotonic()
        self.seconds[name], self.last = round(now - self.last, 1), now

    def write(self, unit: str, submissions: int) -> None:
        path = os.environ.get("WORKBENCH_PHASE_LOG")
        if path:
            line = {"unit": unit, "submissions": submissions, **self.seconds}
            with open(path, "a", encoding="utf-8") as log:
                log.write(json.dumps(line, ensure_ascii=False) + "\n")
