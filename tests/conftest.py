"""Shared fixtures: one grading run per unit (the tiers are in the root conftest.py)."""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pytest
from harness import answered, make_course, nbgrader, submit
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


def worker_count() -> int:
    """Grader processes per unit: one per core, unless xdist already uses the cores."""
    return 1 if os.environ.get("PYTEST_XDIST_WORKER") else 2


# --------------------------------------------------------------------------- grading


@dataclass
class GradedUnit:
    """One unit released by nbgrader, its submissions graded twice.

    ``root``: real ``nbgrader autograde`` on the solution, the blank and the first wrong
    answer (every wrong answer on ``NBGRADER_EVERY_SUBMISSION``). ``fast_root``: the same
    release with every submission graded by ``workbench.grading`` (what instructors run).
    """

    unit: str
    root: Path
    fast_root: Path
    sources: dict[str, nbformat.NotebookNode]
    released: dict[str, nbformat.NotebookNode]
    nbgrader_students: tuple[str, ...]

    def autograded(self, student: str, name: str, root: Path | None = None):
        folder = (root or self.fast_root) / "autograded" / student / self.unit
        return nbformat.read(folder / name, as_version=4)


def wrong_student(index: int) -> str:
    return f"wrong{index:02d}"


@pytest.fixture(scope="session", params=course.units())
def graded_unit(request, tmp_path_factory) -> GradedUnit:
    """Release the unit with nbgrader, submit solution / blank / each wrong answer, grade.

    Every submission answers each notebook of the unit; a wrong answer replaces one cell
    of the notebook that contains it and leaves every other answer correct. Each xdist
    worker has its own temporary directory, so no two workers share a course root.
    """
    unit = request.param
    tmp = tmp_path_factory.mktemp(unit)
    root = make_course(tmp / "nbgrader")
    nbgrader(root, "generate_assignment", unit, "--force")
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
    for index, wrong in enumerate(WRONG_ANSWERS.get(unit, [])):
        for name in sources:
            submission = answered(released[name], sources[name], {wrong.cell: wrong.code})
            submissions[(wrong_student(index), name)] = submission
    everyone = tuple(dict.fromkeys(student for student, _ in submissions))
    by_nbgrader = everyone if unit == NBGRADER_EVERY_SUBMISSION else everyone[:3]
    for (student, name), notebook in submissions.items():
        submit(fast_root, student, unit, name, notebook)
        if student in by_nbgrader:
            submit(root, student, unit, name, notebook)
    nbgrader(root, "autograde", unit, "--force")
    # The wrong answers' hints are checked on the in-process path: the out-of-process
    # checker replays the instructor's locked cells per submission (≈4× the time on the
    # case studies). tests/test_grading.py::test_scores_equal_nbgrader_cell_by_cell grades
    # the solution, the blank and the first wrong answer of every unit with the checker on.
    options = Options(
        workers=worker_count(),
        progress=False,
        limits=COURSE_LIMITS,
        disabled_defences=frozenset({"checker"}),
    )
    summary = grade(unit, fast_root, options)
    assert summary.graded == len(everyone), summary.lines()
    return GradedUnit(unit, root, fast_root, sources, released, by_nbgrader)
