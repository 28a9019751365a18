"""Every unit releases cleanly and every autograded question discriminates.

Real ``nbgrader autograde`` scores the solution and the blank; the wrong answers are
graded by ``workbench grade`` (what instructors run on thousands of submissions), and
each unit checks that both graders agree cell for cell on the submissions nbgrader graded.
"""

from __future__ import annotations

import re

import pytest
from harness import HIDDEN_BEGIN, cell_output_text, cells_by_id, scores, solution_cells
from wrong_answers import WRONG_ANSWERS

pytestmark = pytest.mark.course


def _graded_tests(graded_unit) -> dict[str, float]:
    points = {}
    for notebook in graded_unit.sources.values():
        for gid, cell in cells_by_id(notebook).items():
            meta = cell.metadata["nbgrader"]
            if meta.get("grade") and cell.cell_type == "code":
                points[gid] = float(meta["points"])
    return points


def test_released_notebooks_have_no_solutions_or_hidden_tests(graded_unit):
    # A unit split into parts needs a written answer somewhere in the unit, not in each part.
    written = []
    for name, source in graded_unit.sources.items():
        released_text = "\n".join(cell.source for cell in graded_unit.released[name].cells)
        assert "BEGIN SOLUTION" not in released_text
        assert HIDDEN_BEGIN not in released_text
        for gid, cell in solution_cells(source).items():
            answer_lines = [
                line.strip()
                for line in cell.source.split("### BEGIN SOLUTION")[1]
                .split("### END SOLUTION")[0]
                .splitlines()
                if len(line.strip()) >= 12  # short lines like ")" are not telling
            ]
            leaked = [line for line in answer_lines if line in released_text]
            assert not leaked, f"{name}:{gid} leaks solution lines {leaked}"
        for gid, cell in cells_by_id(source).items():
            if HIDDEN_BEGIN in cell.source:
                hidden = cell.source.split(HIDDEN_BEGIN)[1].split("### END HIDDEN TESTS")[0]
                secret = [ln.strip() for ln in hidden.splitlines() if len(ln.strip()) > 20]
                assert not [ln for ln in secret if ln in released_text], f"{gid} hidden leak"
        written += [
            cell
            for cell in graded_unit.released[name].cells
            if cell.cell_type == "markdown" and cell.metadata.get("nbgrader", {}).get("solution")
        ]
    assert written, "each unit has at least one manually graded written answer"
    assert all(cell.source == "ここに回答を書いてください。" for cell in written)


def test_unit_has_enough_graded_work(graded_unit):
    tests = _graded_tests(graded_unit)
    assert len(tests) >= 6
    manual = [
        cell
        for notebook in graded_unit.sources.values()
        for cell in notebook.cells
        if cell.cell_type == "markdown" and cell.metadata.get("nbgrader", {}).get("grade")
    ]
    # Case studies (units 10+) end with a written recommendation besides their analysis.
    assert len(manual) >= (2 if int(graded_unit.unit[:2]) >= 10 else 1)


def test_solution_earns_full_autograded_points(graded_unit):
    tests = _graded_tests(graded_unit)
    got = scores(graded_unit.root, graded_unit.unit, "solution")
    for gid, points in tests.items():
        assert got[gid] == (points, points), f"solution lost points on {gid}"


def test_blank_submission_earns_zero(graded_unit):
    tests = _graded_tests(graded_unit)
    # Real nbgrader's gradebook where it graded the blank (unit 01), ours elsewhere; the
    # two agree cell by cell on unit 01 (test_fast_grader_equals_nbgrader_cell_by_cell).
    graded_by_nbgrader = "blank" in graded_unit.nbgrader_students
    root = graded_unit.root if graded_by_nbgrader else graded_unit.fast_root
    got = scores(root, graded_unit.unit, "blank")
    assert sum(got[gid][0] for gid in tests) == 0


def test_every_question_has_a_realistic_wrong_answer(graded_unit):
    covered = {wrong.test for wrong in WRONG_ANSWERS.get(graded_unit.unit, [])}
    assert set(_graded_tests(graded_unit)) <= covered


def test_every_wrong_answer_loses_points_with_its_hint(graded_unit, subtests):
    # One subtest per wrong answer: each is reported on its own, and no unit pays for
    # parameter slots it does not have.
    for index, wrong in enumerate(WRONG_ANSWERS.get(graded_unit.unit, [])):
        with subtests.test(msg=f"{wrong.cell}: {wrong.hint}", index=index):
            _check_wrong_answer(graded_unit, index, wrong)


def test_choice_variables_are_read_only_by_their_own_test(graded_unit):
    # What lets conftest.wrong_students put several judgement questions' wrong options in
    # one submission: a choice variable that another cell read could turn one wrong option
    # into another question's failure.
    for name, source in graded_unit.sources.items():
        for cell in (c for c in source.cells if c.cell_type == "code"):
            gid = cell.metadata.get("nbgrader", {}).get("grade_id")
            for variable in set(re.findall(r"\bchoice_(\w+)", cell.source)):
                owners = (variable, f"{variable}_test")
                assert gid in owners, f"{name}:{gid or cell.id} uses choice_{variable}"


def _check_wrong_answer(graded_unit, index, wrong):
    student = graded_unit.wrong_students[index]
    score, max_score = scores(graded_unit.fast_root, graded_unit.unit, student)[wrong.test]
    assert score < max_score, f"wrong answer for {wrong.cell} still earned full points"
    for name in graded_unit.sources:
        if not (graded_unit.fast_root / "autograded" / student / graded_unit.unit / name).exists():
            continue  # a wrong answer is submitted with the notebook it is in (conftest.py)
        cells = cells_by_id(graded_unit.autograded(student, name))
        if wrong.test in cells:
            shown = cell_output_text(cells[wrong.test])
            assert wrong.hint in shown, f"hint {wrong.hint!r} not shown; output was:\n{shown}"
            return
    pytest.fail(f"test cell {wrong.test} not found")


def test_fast_grader_equals_nbgrader_cell_by_cell(graded_unit):
    # The solution and one wrong answer on every unit, every submission (blank included)
    # on unit 01, graded with the checker on as instructors grade.
    assert {"solution", "wrong00"} <= set(graded_unit.nbgrader_students)
    for student in graded_unit.nbgrader_students:
        ours = scores(graded_unit.fast_root, graded_unit.unit, student)
        theirs = scores(graded_unit.root, graded_unit.unit, student)
        assert ours == theirs, f"{student}: workbench {ours} != nbgrader {theirs}"
