"""Test helpers that drive the real nbgrader on a throw-away copy of the course."""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import nbformat

from workbench import course
from workbench.paths import REPO_ROOT

SOLUTION_MARKER = re.compile(r"^\s*### (BEGIN|END) SOLUTION\s*$")
HIDDEN_BEGIN = "### BEGIN HIDDEN TESTS"
HIDDEN_END = "### END HIDDEN TESTS"


@dataclass(frozen=True)
class WrongAnswer:
    """A realistic mistake: replaces one solution cell; ``test`` must fail with ``hint``."""

    cell: str
    test: str
    code: str
    hint: str


def choice_answer(cell: str, option: str, hint: str) -> WrongAnswer:
    """A judgement question (``choice_<cell> = "A"``) answered with another option."""
    return WrongAnswer(
        cell=cell, test=f"{cell}_test", code=f'choice_{cell} = "{option}"', hint=hint
    )


def choice_answers(cell: str, hints: dict[str, str]) -> list[WrongAnswer]:
    """Every wrong option of one judgement question, each with its own hint."""
    return [choice_answer(cell, option, hint) for option, hint in hints.items()]


def make_course(tmp: Path, units: tuple[str, ...] | None = None) -> Path:
    """Copy the nbgrader config and the course sources into ``tmp``; return the course root.

    ``units`` copies only those units: a test of what happens to *every* unit (release,
    workspace) pays ≈10 s of nbgrader per unit, and the property does not depend on which.
    """
    root = tmp / "grading"
    root.mkdir(parents=True)
    shutil.copy2(REPO_ROOT / "grading" / "nbgrader_config.py", root / "nbgrader_config.py")
    source = REPO_ROOT / "courses"
    skipped = shutil.ignore_patterns("output", ".ipynb_checkpoints", "__pycache__")

    def ignore(folder: str, names: list[str]) -> set[str]:
        other_units = set()
        if units is not None and Path(folder) == source:
            other_units = {n for n in names if (source / n).is_dir() and n not in units}
        return set(skipped(folder, names)) | other_units

    shutil.copytree(source, tmp / "courses", ignore=ignore)
    return root


def nbgrader(root: Path, *args: str) -> str:
    result = course.nbgrader(*args, cwd=root)
    return result.stdout + result.stderr


def cells_by_id(notebook) -> dict[str, nbformat.NotebookNode]:
    return {
        cell.metadata["nbgrader"]["grade_id"]: cell
        for cell in notebook.cells
        if "nbgrader" in cell.metadata and "grade_id" in cell.metadata["nbgrader"]
    }


def notebook_holding(unit: str, grade_id: str) -> Path:
    """The source notebook of ``unit`` that holds the cell ``grade_id``.

    A unit may be one notebook or several parts; tests that need "the notebook with the
    written answer" find it by content, so they follow when a unit is split again.
    """
    for path in course.notebooks(unit):
        if grade_id in cells_by_id(nbformat.read(path, as_version=4)):
            return path
    raise LookupError(f"no notebook of {unit} holds a cell {grade_id!r}")


def auto_points(notebook) -> float:
    """Autograded points of a notebook, summed from its nbgrader cell metadata."""
    return sum(
        float(cell.metadata["nbgrader"].get("points", 0))
        for cell in notebook.cells
        if cell.cell_type == "code" and cell.metadata.get("nbgrader", {}).get("grade")
    )


def solution_code(source_cell) -> str:
    """The learner's answer: the solution cell without nbgrader's delimiter lines."""
    return "\n".join(
        line for line in source_cell.source.splitlines() if not SOLUTION_MARKER.match(line)
    )


def solution_cells(notebook) -> dict[str, nbformat.NotebookNode]:
    return {
        gid: cell
        for gid, cell in cells_by_id(notebook).items()
        if cell.metadata["nbgrader"].get("solution") and cell.cell_type == "code"
    }


def answered(released, source, replace: dict[str, str] | None = None):
    """A copy of the released notebook with every code exercise answered as in ``source``.

    ``replace`` maps solution cell ids to other code (wrong answers).
    """
    notebook = nbformat.from_dict(released)
    answers = {gid: solution_code(cell) for gid, cell in solution_cells(source).items()}
    answers.update(replace or {})
    for gid, cell in cells_by_id(notebook).items():
        if gid in answers and cell.cell_type == "code":
            cell.source = answers[gid]
    return notebook


def submit(root: Path, student: str, assignment: str, name: str, notebook) -> None:
    folder = root / "submitted" / student / assignment
    folder.mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook, folder / name)
    (folder / "timestamp.txt").write_text("2024-04-01 09:00:00.000000 UTC")


def scores(root: Path, assignment: str, student: str) -> dict[str, tuple[float, float]]:
    """Autograded score and max score per graded cell, read from nbgrader's gradebook."""
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gradebook:
        submission = gradebook.find_submission(assignment, student)
        return {
            grade.name: (grade.score, grade.max_score)
            for notebook in submission.notebooks
            for grade in notebook.grades
        }


def cell_output_text(cell) -> str:
    """Everything a cell showed: streams, results and error messages."""
    parts = []
    for output in cell.get("outputs", []):
        if output.output_type == "stream":
            parts.append(output.text)
        elif output.output_type == "error":
            parts.append(f"{output.ename}: {output.evalue}")
        elif "text/plain" in output.get("data", {}):
            parts.append(output.data["text/plain"])
    return "\n".join(parts)


def simulated_written_cohort(root: Path, unit: str, answers: dict[str, str]) -> None:
    """Learners whose only answer is the written one, put in nbgrader's gradebook as
    ``nbgrader autograde`` leaves them: a submission row per learner, the written answer
    waiting for a person, the autograded notebook holding the text.

    For pages that grade written answers; running the code cells of 150 notebooks would
    test the autograder again and cost minutes.
    """
    from nbgrader.api import Gradebook

    released = root / "release" / unit
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}", course_id="data_literacy") as gradebook:
        for student, text in answers.items():
            gradebook.update_or_create_student(student)
            gradebook.add_submission(unit, student)
            for path in sorted(released.glob("*.ipynb")):
                notebook = nbformat.read(path, as_version=4)
                for cell in notebook.cells:
                    meta = cell.metadata.get("nbgrader", {})
                    if cell.cell_type == "markdown" and meta.get("solution"):
                        cell.source = text
                        grade = gradebook.find_grade(meta["grade_id"], path.stem, unit, student)
                        grade.needs_manual_grade = True
                target = root / "autograded" / student / unit / path.name
                target.parent.mkdir(parents=True, exist_ok=True)
                nbformat.write(notebook, target)
        gradebook.db.commit()


# --------------------------------------------------------------------------- small units

ANCHOR_UNIT = "stats_anchor"


def make_anchor_course(tmp: Path) -> Path:
    """A course holding, besides the real units, REFERENCE.md §D's anchor assignment
    (benchmarks/grading.py: statistics imports, one t-test, one OLS fit; 2 tests of 1
    point), released with nbgrader. For the grader's properties that do not depend on
    teaching content (attacks, faults, resume): a submission runs in well under a second
    where a teaching notebook takes several."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "benchmark_grading", REPO_ROOT / "benchmarks" / "grading.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    root = make_course(tmp)
    module.write_anchor_unit(root.parent / "courses")
    nbgrader(root, "generate_assignment", ANCHOR_UNIT, "--force")
    return root


def precompute_plan(root: Path, unit: str, limits) -> None:
    """Decide the grading plan once for ``root`` (workbench/grading/plan_cache.py), so that
    every copy of this course made afterwards grades without deciding it again.

    Decided on a scratch copy graded with one blank submission, so ``root`` itself keeps
    no submission, gradebook row or ledger entry.
    """
    import tempfile

    from workbench.grading.pipeline import Options, grade

    with tempfile.TemporaryDirectory(prefix="plan-") as scratch:
        copy = Path(scratch) / "course"
        shutil.copytree(root.parent, copy, ignore=shutil.ignore_patterns("submitted", "autograded"))
        for path in sorted((root / "release" / unit).glob("*.ipynb")):
            submit(copy / "grading", "plan_warmup", unit, path.name, nbformat.read(path, 4))
        grade(unit, copy / "grading", Options(workers=1, progress=False, limits=limits))
        cache = copy / "grading" / ".workbench" / "plan-cache"
        shutil.copytree(cache, root / ".workbench" / "plan-cache", dirs_exist_ok=True)
