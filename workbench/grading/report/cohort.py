"""The cohort as the report sees it, read once from nbgrader's gradebook.

Scores and submission times come from the gradebook; the ❌ hints learners saw and the
grader notes (faults) come from the autograded notebooks. A manually graded item that is
not graded yet is ``None``: left out of that item's statistics, 0 in the total.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import numpy as np
import pandas as pd
from nbgrader import api

from workbench.errors import WorkbenchError
from workbench.grading import feedback, feedback_page, gradebook_views, hidden_tests
from workbench.grading import notebook_cells as nb_cells
from workbench.grading.faults import Fault
from workbench.grading.report.followup import UNATTEMPTED

JST = timezone(timedelta(hours=9), "JST")

STATUS_MISSING = "未提出"
STATUS_DONE = "採点済み"
STATUS_PENDING = "手採点待ち"
STATUS_CHECK = "要確認"

TOP_HINTS = 15


class ReportError(WorkbenchError, RuntimeError):
    """The report could not be made; the message says what to do, in Japanese."""


@dataclass(frozen=True)
class Item:
    """One graded question of the assignment."""

    notebook: str
    grade_id: str
    label: str
    kind: str  # "auto" or "manual"
    max_score: float

    @property
    def short(self) -> str:
        """``演習2`` from ``演習2（2点）: 図書館の…``; the grade id when there is no heading."""
        short = re.split(r"[（(:：\s]", self.label, maxsplit=1)[0].strip()
        return short or self.grade_id


@dataclass
class StudentRecord:
    student_id: str
    name: str
    submitted: bool
    timestamp: datetime | None = None  # Japan time, naive
    score: float | None = None
    max_score: float = 0.0
    scores: dict[tuple[str, str], float | None] = field(default_factory=dict)
    status: str = STATUS_MISSING
    faults: list[str] = field(default_factory=list)
    pending_items: int = 0  # written answers waiting for a grader
    pending_points: float = 0.0  # their points

    @property
    def rate(self) -> float | None:
        if self.score is None or not self.max_score:
            return None
        return self.score / self.max_score


@dataclass(frozen=True)
class Hint:
    grade_id: str
    label: str
    message: str
    hidden: bool
    count: int

    @property
    def unattempted(self) -> bool:
        """「変数 X がまだありません」: the exercise was not tried, not answered wrongly."""
        return bool(UNATTEMPTED.search(self.message))


@dataclass
class Cohort:
    assignment: str
    items: list[Item]
    students: list[StudentRecord]
    hints: list[Hint]

    @property
    def submitted(self) -> list[StudentRecord]:
        return [s for s in self.students if s.submitted]

    @property
    def max_score(self) -> float:
        return sum(item.max_score for item in self.items)

    @property
    def mistakes(self) -> list[Hint]:
        return [h for h in self.hints if not h.unattempted]

    @property
    def unattempted(self) -> list[Hint]:
        return [h for h in self.hints if h.unattempted]

    def pending_count(self, item: Item) -> int:
        """Submitted learners whose answer to ``item`` waits for a grader."""
        key = (item.notebook, item.grade_id)
        return sum(key in s.scores and s.scores[key] is None for s in self.submitted)

    def item_columns(self) -> list[str]:
        """Column headers for the items: ``演習2（ex2_test）``, unique per assignment."""
        single = len({item.notebook for item in self.items}) == 1
        columns = []
        for item in self.items:
            name = item.grade_id if single else f"{item.notebook}:{item.grade_id}"
            columns.append(f"{item.short}（{name}）" if item.short != item.grade_id else name)
        if len(set(columns)) != len(columns):
            columns = [f"{item.notebook}:{item.grade_id}" for item in self.items]
        return columns

    def score_matrix(self) -> pd.DataFrame:
        """Submitted students × items; NaN where a manual grade is still pending."""
        keys = [(item.notebook, item.grade_id) for item in self.items]
        rows = {
            s.student_id: [np.nan if s.scores.get(k) is None else s.scores[k] for k in keys]
            for s in self.submitted
        }
        return pd.DataFrame.from_dict(
            rows, orient="index", columns=pd.MultiIndex.from_tuples(keys), dtype="float64"
        )


def _items(course, gradebook: api.Gradebook, assignment: str) -> list[Item]:
    items = []
    for notebook in sorted(gradebook.find_assignment(assignment).notebooks, key=lambda n: n.name):
        cells: list[dict] = []
        for folder in (course.source(assignment), Path(course.coursedir.format_path(
                course.coursedir.release_directory, ".", assignment))):  # fmt: skip
            try:
                cells = nb_cells.read_notebook(folder / f"{notebook.name}.ipynb")["cells"]
                break
            except (OSError, ValueError):
                continue
        order = {
            nb_cells.nbgrader_meta(cell).get("grade_id"): index for index, cell in enumerate(cells)
        }
        labels = nb_cells.question_labels(cells)
        graded = list(notebook.grade_cells) + list(notebook.task_cells)
        graded.sort(key=lambda c: (order.get(c.name, len(order)), c.name))
        for cell in graded:
            code = isinstance(cell, api.GradeCell) and cell.cell_type == "code"
            kind = "auto" if code else "manual"
            items.append(
                Item(notebook.name, cell.name, labels.get(cell.name, cell.name), kind,
                     float(cell.max_score))
            )  # fmt: skip
    return items


def _to_japan_time(timestamp: datetime | None) -> datetime | None:
    if timestamp is None:
        return None
    if timestamp.tzinfo is None:
        timestamp = timestamp.replace(tzinfo=UTC)
    return timestamp.astimezone(JST).replace(tzinfo=None)


def _fault_labels(cell: dict) -> list[str]:
    """Fault labels of a grader note: from its metadata codes, else its first line."""
    meta = (cell.get("metadata") or {}).get("workbench") or {}
    labels = []
    for code in meta.get("faults") or []:
        try:
            labels.append(Fault(code).label)
        except ValueError:
            labels.append(str(code))
    if not labels:
        lines = [line.lstrip("-• ").strip() for line in nb_cells.note_text(cell).splitlines()]
        labels = [line for line in lines[1:2] if line] or ["採点メモあり"]
    return labels


def _scan_notebook(
    cells: list[dict], begin: str, end: str, labels: dict[str, str], hints: Counter
) -> list[str]:
    """Count the ❌ hints of one autograded notebook; return its grader-note fault labels."""
    faults: list[str] = []
    stopped = False
    for cell in cells:
        if nb_cells.is_grader_note(cell):
            faults += _fault_labels(cell)
            continue
        # after a timeout or crash the ❌ lines describe what the fault left behind
        stopped = stopped or bool(feedback_page.stopping_fault(cell))
        meta = nb_cells.nbgrader_meta(cell)
        if (
            stopped
            or cell.get("cell_type") != "code"
            or not meta.get("grade")
            or meta.get("solution")
        ):
            continue
        test = hidden_tests.split_hidden(hidden_tests.text_of(cell.get("source")), begin, end)
        seen = set()
        failure = hidden_tests.failure_of(cell, test)
        if failure is not None and failure.message.startswith("❌"):
            seen.add((failure.message, failure.where == "hidden"))
        for line in hidden_tests.stream_text(cell).splitlines():
            if line.strip().startswith("❌"):
                seen.add((line.strip(), False))
        grade_id = meta.get("grade_id", "")
        for message, hidden in seen:
            hints[(grade_id, labels.get(grade_id, grade_id), message, hidden)] += 1
    return faults


def load_cohort(assignment: str, course_root: Path | str | None = None) -> Cohort:
    """Everything the report shows, read once from the gradebook and autograded files."""
    course = feedback.open_course(course_root)
    begin, end = feedback.hidden_delimiters(course)
    with feedback.assignment_gradebook(course, assignment, ReportError) as gradebook:
        items = _items(course, gradebook, assignment)
        students = {
            sid: StudentRecord(sid, " ".join(p for p in (last, first) if p), submitted=False)
            for sid, first, last in gradebook.db.query(
                api.Student.id, api.Student.first_name, api.Student.last_name
            )
        }
        pending: set[str] = set()
        for sid, view in gradebook_views.load_submissions(gradebook, assignment).items():
            record = students.setdefault(sid, StudentRecord(sid, view.name, submitted=False))
            record.submitted = True
            record.timestamp = _to_japan_time(view.timestamp)
            for notebook, grades in view.grades.items():
                for cell, grade in grades.items():
                    waiting = grade.needs_manual_grade and grade.manual_score is None
                    record.scores[(notebook, cell)] = None if waiting else grade.score
                    if waiting:
                        pending.add(sid)
                        record.pending_items += 1
                        record.pending_points += grade.max_score
    maximum = sum(item.max_score for item in items)
    labels_by_notebook: dict[str, dict[str, str]] = {}
    for item in items:
        labels_by_notebook.setdefault(item.notebook, {})[item.grade_id] = item.label
    hints: Counter = Counter()
    for record in students.values():
        record.max_score = maximum
        if not record.submitted:
            continue
        record.score = sum(v for v in record.scores.values() if v is not None)
        for notebook in labels_by_notebook:
            path = course.autograded(record.student_id, assignment) / f"{notebook}.ipynb"
            try:
                cells = nb_cells.read_notebook(path)["cells"]
            except FileNotFoundError:
                record.faults.append("採点済みノートブックなし")
                continue
            except (OSError, ValueError):
                record.faults.append("採点済みノートブックが読めない")
                continue
            record.faults += _scan_notebook(cells, begin, end, labels_by_notebook[notebook], hints)
        record.faults = list(dict.fromkeys(record.faults))
        if record.faults:
            record.status = f"{STATUS_CHECK}（{'・'.join(record.faults)}）"
        elif record.student_id in pending:
            record.status = STATUS_PENDING
        else:
            record.status = STATUS_DONE
    ranked = [
        Hint(grade_id, label, message, hidden, count)
        for (grade_id, label, message, hidden), count in sorted(
            hints.items(), key=lambda kv: (-kv[1], kv[0][0], kv[0][2])
        )
    ]
    # Untried exercises would crowd out the real mistakes: each kind keeps its own top.
    top = [h for h in ranked if not h.unattempted][:TOP_HINTS]
    top += [h for h in ranked if h.unattempted][:TOP_HINTS]
    ordered = sorted(students.values(), key=lambda s: s.student_id)
    return Cohort(assignment, items, ordered, top)
