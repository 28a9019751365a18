"""A resubmitted written answer: changed text loses its hand score, unchanged keeps it.

Graded with ``workbench grade`` into a real nbgrader gradebook; the manual score is
set through nbgrader's API, as formgrader does.
"""

from __future__ import annotations

import nbformat
import pytest
from harness import (
    answered,
    cells_by_id,
    make_course,
    nbgrader,
    notebook_holding,
    solution_cells,
    submit,
)
from nbgrader.api import Gradebook

from workbench import course
from workbench.grading import feedback, report
from workbench.grading.executor import Limits
from workbench.grading.pipeline import Options, grade
from workbench.grading.report.followup import score_state

pytestmark = pytest.mark.slow

UNIT = "01_excel_basics"
WRITTEN = "ex10_written"
# The part of unit 01 that holds the written answer (found by content, not by name).
NB = notebook_holding(UNIT, WRITTEN).name
NB_ID = NB.removesuffix(".ipynb")
LIMITS = Limits(cell_timeout=5, notebook_timeout=60, memory_mb=1024, output_bytes=1_000_000)


def _resubmit(root, notebook, stamp: str) -> None:
    """Submit the unit whole, as learners do: this part as given, every other part answered
    (a part left out would rightly be reported as 要確認, 採点済みノートブックなし)."""
    submit(root, "a", UNIT, NB, notebook)
    for path in course.notebooks(UNIT):
        if path.name != NB:
            other = nbformat.read(root / "release" / UNIT / path.name, as_version=4)
            source = nbformat.read(root.parent / "courses" / UNIT / path.name, as_version=4)
            submit(root, "a", UNIT, path.name, answered(other, source))
    (root / "submitted" / "a" / UNIT / "timestamp.txt").write_text(f"{stamp} 09:00:00.000000 UTC")


def _written(notebook, text: str):
    notebook = nbformat.from_dict(notebook)
    cells_by_id(notebook)[WRITTEN].source = text
    return notebook


def _manual(root, score: float | None = None):
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gradebook:
        found = gradebook.find_grade(WRITTEN, NB_ID, UNIT, "a")
        if score is not None:
            found.manual_score = score
            gradebook.db.commit()
        return found.manual_score, found.needs_manual_grade


def test_changed_written_answer_loses_its_hand_score(tmp_path):
    root = make_course(tmp_path)
    nbgrader(root, "generate_assignment", UNIT, "--force")
    source = nbformat.read(root.parent / "courses" / UNIT / NB, as_version=4)
    release = nbformat.read(root / "release" / UNIT / NB, as_version=4)
    options = Options(workers=1, progress=False, limits=LIMITS)

    first = _written(answered(release, source), "図書館の利用者数が最も多い。")
    _resubmit(root, first, "2024-04-01")
    assert grade(UNIT, root, options).graded == 1
    assert _manual(root, 2.0) == (2.0, True)

    # unchanged written answer, another code answer changed: the hand score stays
    code_changed = nbformat.from_dict(first)
    other = next(iter(solution_cells(source)))  # a code answer in the same notebook
    cells_by_id(code_changed)[other].source += "\nprint('見直しました')"
    _resubmit(root, code_changed, "2024-04-02")
    assert grade(UNIT, root, options).graded == 1
    assert _manual(root)[0] == 2.0

    # changed written answer: back to 要採点
    _resubmit(root, _written(code_changed, "体育館の使用料収入が最も多い。"), "2024-04-03")
    assert grade(UNIT, root, options).graded == 1
    manual, needs = _manual(root)
    assert manual is None and needs
    opened = feedback.open_course(root)
    with feedback.assignment_gradebook(opened, UNIT) as gradebook:
        view = feedback.load_submissions(gradebook, UNIT)["a"].grades[NB_ID][WRITTEN]
    assert view.manual_score is None and view.needs_manual_grade  # shown as 採点待ち
    record = {s.student_id: s for s in report.load_cohort(UNIT, root).students}["a"]
    assert record.status == "手採点待ち" and record.pending_items == 1
    assert score_state(record) == "暫定（採点待ち 1問）"
    pages = feedback.generate(UNIT, ["a"], root).written  # one page per part
    written = next(page for page in pages if page.notebook == NB_ID)
    assert "講師の採点待ち" in written.path.read_text(encoding="utf-8")
