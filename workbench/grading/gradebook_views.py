"""Submissions, grades and comments of one assignment, read from nbgrader's gradebook in bulk."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from nbgrader import api


def format_timestamp(timestamp) -> str:
    """A gradebook timestamp (naive UTC) in Japan time."""
    if timestamp is None:
        return ""
    from datetime import UTC, timedelta, timezone

    jst = timezone(timedelta(hours=9), "JST")
    if timestamp.tzinfo is None:
        timestamp = timestamp.replace(tzinfo=UTC)
    return timestamp.astimezone(jst).strftime("%Y-%m-%d %H:%M（日本時間）")


@dataclass(frozen=True)
class GradeView:
    """One grade as a page needs it, read in bulk rather than through lazy ORM objects."""

    name: str
    cell_type: str
    score: float
    max_score: float
    auto_score: float | None
    manual_score: float | None
    needs_manual_grade: bool


@dataclass
class SubmissionView:
    student: str
    name: str
    timestamp: datetime | None
    grades: dict[str, dict[str, GradeView]] = field(default_factory=dict)  # notebook → cell
    comments: dict[str, dict[str, str]] = field(default_factory=dict)  # notebook → cell

    def score(self, notebook: str | None = None) -> float:
        books = [notebook] if notebook else list(self.grades)
        return sum(g.score for book in books for g in self.grades.get(book, {}).values())


def _joined(query, gradebook_entity, assignment: str, students: Sequence[str] | None):
    """Join a per-cell query (Grade or Comment) up to its submission and down to its cell."""
    submitted = api.SubmittedAssignment
    query = (
        query.select_from(gradebook_entity)
        .join(api.SubmittedNotebook, gradebook_entity.notebook_id == api.SubmittedNotebook.id)
        .join(submitted, api.SubmittedNotebook.assignment_id == submitted.id)
        .join(api.Assignment, submitted.assignment_id == api.Assignment.id)
        .join(api.BaseCell, gradebook_entity.cell_id == api.BaseCell.id)
        .join(api.Notebook, api.BaseCell.notebook_id == api.Notebook.id)
        .filter(api.Assignment.name == assignment)
    )
    if students is not None:
        query = query.filter(submitted.student_id.in_(list(students)))
    return query


def max_scores(gradebook: api.Gradebook, assignment: str) -> dict[tuple[str, str], tuple]:
    """(notebook, cell) → (max score, cell type) for every graded cell of the assignment."""
    result = {}
    for notebook in gradebook.find_assignment(assignment).notebooks:
        for cell in list(notebook.grade_cells) + list(notebook.task_cells):
            result[(notebook.name, cell.name)] = (float(cell.max_score), cell.cell_type)
    return result


def load_submissions(
    gradebook: api.Gradebook, assignment: str, students: Sequence[str] | None = None
) -> dict[str, SubmissionView]:
    """Submissions of ``assignment`` with their grades and comments, in four queries."""
    submitted = api.SubmittedAssignment
    query = (
        gradebook.db.query(
            submitted.student_id, submitted.timestamp, api.Student.first_name,
            api.Student.last_name,
        )
        .join(api.Assignment, submitted.assignment_id == api.Assignment.id)
        .join(api.Student, submitted.student_id == api.Student.id)
        .filter(api.Assignment.name == assignment)
    )  # fmt: skip
    if students is not None:
        query = query.filter(submitted.student_id.in_(list(students)))
    views = {
        sid: SubmissionView(sid, " ".join(p for p in (last, first) if p), timestamp)
        for sid, timestamp, first, last in query
    }
    books = (
        gradebook.db.query(submitted.student_id, api.Notebook.name)
        .select_from(api.SubmittedNotebook)
        .join(submitted, api.SubmittedNotebook.assignment_id == submitted.id)
        .join(api.Assignment, submitted.assignment_id == api.Assignment.id)
        .join(api.Notebook, api.SubmittedNotebook.notebook_id == api.Notebook.id)
        .filter(api.Assignment.name == assignment)
    )
    for sid, book in books:
        if sid in views:
            views[sid].grades.setdefault(book, {})
    maxima = max_scores(gradebook, assignment)
    grades = _joined(
        gradebook.db.query(
            submitted.student_id, api.Notebook.name, api.BaseCell.name, api.Grade.score,
            api.Grade.auto_score, api.Grade.manual_score, api.Grade.needs_manual_grade,
        ),
        api.Grade, assignment, students,
    )  # fmt: skip
    for sid, book, cell, score, auto, manual, needs_manual in grades:
        maximum, cell_type = maxima.get((book, cell), (0.0, "code"))
        views[sid].grades.setdefault(book, {})[cell] = GradeView(
            cell, cell_type, float(score or 0), maximum, auto, manual, bool(needs_manual)
        )
    comments = _joined(
        gradebook.db.query(
            submitted.student_id, api.Notebook.name, api.BaseCell.name, api.Comment.manual_comment
        ),
        api.Comment, assignment, students,
    ).filter(api.Comment.manual_comment.isnot(None))  # fmt: skip
    for sid, book, cell, text in comments:
        if text and text.strip():
            views[sid].comments.setdefault(book, {})[cell] = text
    return views
