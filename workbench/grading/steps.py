"""nbgrader's autograde, split around execution: sanitize → (execute elsewhere) → record.

``nbgrader autograde`` runs, per notebook, the sanitizing preprocessors, then executes,
then the scoring preprocessors. The same preprocessor classes, with the course's own
configuration, run here on both sides of the parallel execution; only ``Execute`` is
replaced by merging the outputs that came back from the sandbox.
"""

from __future__ import annotations

import copy

import nbformat
from nbconvert.preprocessors import ClearMetadataPreprocessor
from nbformat import NotebookNode
from nbgrader import utils
from nbgrader.preprocessors import (
    AssignLatePenalties,
    ClearOutput,
    DeduplicateIds,
    IgnorePattern,
    LimitOutput,
    OverwriteCells,
    OverwriteKernelspec,
    SaveAutoGrades,
)

from workbench.grading.checker import referenced_names
from workbench.grading.faults import EXPLANATIONS, Fault

# nbgrader ends sanitizing with CheckCellMetadata (a JSON-schema check of every cell's
# nbgrader metadata, ~4 ms a cell). Here every nbgrader metadata block that survives
# sanitizing comes from the gradebook (unknown ones are removed first), so it is skipped.
SANITIZE = (ClearOutput, DeduplicateIds, OverwriteKernelspec, OverwriteCells)
# nbgrader re-validates cell metadata after executing; here execution returns outputs
# only and cannot touch metadata, so the (slow, schema-based) second check is skipped.
RECORD = (
    IgnorePattern,
    ClearMetadataPreprocessor,
    LimitOutput,
    SaveAutoGrades,
    AssignLatePenalties,
)


def resources(course, student: str, assignment: str, notebook: str) -> dict:
    return {
        "unique_key": notebook,
        "output_files_dir": f"{notebook}_files",
        "nbgrader": {
            "student": student,
            "assignment": assignment,
            "notebook": notebook,
            "db_url": course.db_url,
        },
    }


def _apply(preprocessors, course, nb: NotebookNode, res: dict) -> NotebookNode:
    for cls in preprocessors:
        nb, res = cls(config=course.config)(nb, res)
    return nb


def sanitize(course, gradebook, nb: NotebookNode, res: dict) -> NotebookNode:
    """Restore instructor cells from the gradebook, as nbgrader does before executing.

    A cell whose nbgrader id is unknown (a learner renamed it) becomes an ordinary cell
    first: nbgrader would crash on it and fail the whole notebook; instead the real test
    cell is put back by ``OverwriteCells.add_missing_cells`` and runs.
    """
    info = res["nbgrader"]
    known = {
        cell.name
        for cell in gradebook.find_notebook(info["notebook"], info["assignment"]).source_cells
    }
    for cell in nb.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if "nbgrader" in cell.metadata and grade_id not in known:
            del cell.metadata["nbgrader"]
    return _apply(SANITIZE, course, nb, res)


def job_cells(nb: NotebookNode, checked: dict[str, bool] | None = None) -> list[dict]:
    """The code cells to execute, with what the executor must know about each.

    ``checked`` (from the plan run of the instructor's notebook) says which test cells
    the checker decides outside the learner's process (``checker.py``).
    """
    cells = []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        grade = utils.is_grade(cell) and not utils.is_solution(cell)
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        entry = {
            "index": index,
            "source": cell.source,
            "grade": grade,
            "locked": utils.is_locked(cell),
            "grade_id": grade_id,
        }
        if grade:
            entry["names"] = referenced_names(cell.source)
            entry["check"] = bool(checked and checked.get(grade_id))
        cells.append(entry)
    return cells


def verdict(outputs: list[dict]) -> str:
    """ "fail", "partial: x" or "pass", as nbgrader's ``determine_grade`` reads outputs."""
    for output in outputs:
        if output.get("output_type") == "error":
            return "fail"
        if output.get("output_type") == "stream" and output.get("name") == "stderr":
            return "fail"
    for output in outputs:
        if output.get("output_type") == "execute_result":
            try:
                return f"partial: {float(output['data']['text/plain'])}"
            except (KeyError, TypeError, ValueError):
                pass
    return "pass"


def printable(value):
    """Outputs with unencodable text (lone surrogates) escaped, so they always save."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
            return value
        except UnicodeEncodeError:
            return value.encode("utf-8", "backslashreplace").decode("utf-8")
    if isinstance(value, list):
        return [printable(v) for v in value]
    if isinstance(value, dict):
        return {printable(k): printable(v) for k, v in value.items()}
    return value


def merge_outputs(nb: NotebookNode, result: dict) -> NotebookNode:
    """Put executed outputs into the notebook; cells that never ran fail explicitly.

    A code cell without outputs scores full points in nbgrader, so a test cell that did
    not run because the process died must carry an error (nbgrader issue #427).
    """
    nb = copy.deepcopy(nb)
    executed = {cell["index"]: cell for cell in result["cells"]}
    faults = [Fault(code) for code in result["faults"]]
    reason = faults[0].label if faults else Fault.KERNEL_DIED.label
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        if index in executed:
            outputs = printable(executed[index]["outputs"])
            cell.outputs = [nbformat.from_dict(o) for o in outputs]
            cell.execution_count = executed[index]["execution_count"]
        else:
            cell.outputs = [
                nbformat.v4.new_output(
                    "error",
                    ename=reason,
                    evalue="このセルは実行されませんでした（" + (result["detail"] or reason) + "）",
                    traceback=[],
                )
            ]
            cell.execution_count = None
    if faults:
        nb.cells.insert(0, grader_note(faults, result["detail"]))
    return nb


def grader_note(faults: list[Fault], detail: str) -> NotebookNode:
    """A markdown cell at the top saying why grading was not normal (read by feedback)."""
    lines = ["## ⚠ 採点メモ", ""]
    lines += [f"- **{fault.label}**: {EXPLANATIONS[fault]}" for fault in faults]
    if detail:
        lines.append(f"- 詳細: {printable(detail)}")
    cell = nbformat.v4.new_markdown_cell("\n".join(lines), id="workbench-grader-note")
    cell.metadata["workbench"] = {"grader_note": True, "faults": [f.value for f in faults]}
    return cell


def record(course, nb: NotebookNode, res: dict) -> NotebookNode:
    """Score the executed notebook into the gradebook with nbgrader's own preprocessors."""
    return _apply(RECORD, course, nb, res)


def changed_answers(previous: dict | None, nb: NotebookNode) -> list[str]:
    """Grade ids of answer cells (graded solution cells) whose source differs from before.

    ``previous`` is the previously autograded notebook as plain JSON (None: first grading).
    """
    if previous is None:
        return []

    def answers(cells) -> dict[str, str]:
        found = {}
        for cell in cells:
            meta = (cell.get("metadata") or {}).get("nbgrader") or {}
            if meta.get("grade") and meta.get("solution") and meta.get("grade_id"):
                source = cell.get("source") or ""
                found[meta["grade_id"]] = ("".join(source) if isinstance(source, list)
                                           else source).strip()  # fmt: skip
        return found

    before = answers(previous.get("cells") or [])
    return sorted(
        grade_id
        for grade_id, source in answers(nb.cells).items()
        if grade_id in before and before[grade_id] != source
    )


def invalidate_manual_scores(gradebook, grade_ids: list[str], res: dict) -> list[str]:
    """A changed answer loses its hand score: it waits for a grader again (要採点).

    nbgrader's SaveAutoGrades keeps ``manual_score`` across resubmissions, so a score
    given to the old text would silently stand for the new one. Returns the ids reset.
    """
    info = res["nbgrader"]
    reset = []
    for grade_id in grade_ids:
        grade = gradebook.find_grade(
            grade_id, info["notebook"], info["assignment"], info["student"]
        )
        if grade.manual_score is not None:
            grade.manual_score = None
            grade.needs_manual_grade = True
            reset.append(grade_id)
    return reset


def imported_modules(notebooks: list[NotebookNode]) -> tuple[str, ...]:
    """Modules the instructor's notebooks import, for the warm process to import once."""
    import ast

    found: set[str] = set()
    for nb in notebooks:
        for cell in nb.cells:
            if cell.cell_type != "code":
                continue
            try:
                tree = ast.parse(cell.source)
            except SyntaxError:  # magics and stubs: nothing to learn from this cell
                continue
            for node in ast.walk(tree):
                if isinstance(node, ast.Import):
                    found.update(alias.name for alias in node.names)
                elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                    found.add(node.module)
                    found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return tuple(sorted(found))
