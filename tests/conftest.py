"""Shared fixtures: one real nbgrader run per unit, reused by the grading tests."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import nbformat
import pytest
from harness import answered, make_course, nbgrader, submit
from wrong_answers import WRONG_ANSWERS

from workbench import course


@dataclass
class GradedUnit:
    unit: str
    root: Path
    sources: dict[str, nbformat.NotebookNode]
    released: dict[str, nbformat.NotebookNode]

    def autograded(self, student: str, name: str):
        return nbformat.read(self.root / "autograded" / student / self.unit / name, as_version=4)


def wrong_student(index: int) -> str:
    return f"wrong{index:02d}"


@pytest.fixture(scope="session", params=course.units())
def graded_unit(request, tmp_path_factory) -> GradedUnit:
    """Release the unit with nbgrader, submit solution / blank / each wrong answer, autograde.

    Every submission answers each notebook of the unit; a wrong answer replaces one cell
    of the notebook that contains it and leaves every other answer correct.
    """
    unit = request.param
    root = make_course(tmp_path_factory.mktemp(unit))
    nbgrader(root, "generate_assignment", unit, "--force")
    sources, released = {}, {}
    for path in course.notebooks(unit):
        sources[path.name] = nbformat.read(path, as_version=4)
        released[path.name] = nbformat.read(root / "release" / unit / path.name, as_version=4)

    for name in sources:
        submit(root, "solution", unit, name, answered(released[name], sources[name]))
        submit(root, "blank", unit, name, released[name])
    for index, wrong in enumerate(WRONG_ANSWERS.get(unit, [])):
        for name in sources:
            submission = answered(released[name], sources[name], {wrong.cell: wrong.code})
            submit(root, wrong_student(index), unit, name, submission)
    nbgrader(root, "autograde", unit, "--force")
    return GradedUnit(unit, root, sources, released)
