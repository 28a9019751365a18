"""Per-learner HTML feedback in Japanese that never shows hidden tests (nbgrader #917).

Reads what ``nbgrader autograde`` or ``python -m workbench grade`` wrote (autograded
notebooks and the gradebook) and writes one self-contained page per notebook into
nbgrader's feedback layout, ``feedback/STUDENT/ASSIGNMENT/NOTEBOOK.html``, so that
``nbgrader release_feedback`` delivers it.

nbgrader's own feedback renders the autograded notebook, which holds the hidden tests
and their tracebacks. Here every cell is rebuilt from what the learner may see:

- test cells: the visible part of the test source, the points, and ✅ or the ❌ hint
  raised by the *visible* part. A failure inside the hidden part gets one generic
  message, because its message, traceback and outputs belong to the hidden test.
- solution cells: the learner's code and outputs, except outputs that quote hidden test
  code and cells whose code reaches for the grader's state (``In``, ``globals()``,
  names the hidden tests defined): a learner could otherwise print the hidden tests.
- written answers: the learner's text, the manual score and the instructor's comment.

Learner content is hostile: everything is escaped (Jinja2 autoescape), HTML outputs are
never rendered, images are inlined as validated base64 data URIs.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from nbgrader import api

from workbench.course import put_tools_on_path
from workbench.errors import WorkbenchError
from workbench.grading.course import Course
from workbench.grading.feedback_page import Page, build_blocks, fault_origin, render
from workbench.grading.gradebook_views import (
    SubmissionView,
    format_timestamp,
    load_submissions,
    max_scores,
)
from workbench.grading.hidden_tests import HIDDEN_BEGIN, HIDDEN_END
from workbench.grading.notebook_cells import is_grader_note, note_text, read_notebook
from workbench.paths import grading_dir

SCORES_ONLY = "得点だけを表示しています。講師に連絡してください。"

#: Copied next to the HTML: ``nbgrader release_feedback`` needs both.
RELEASE_FILES = ("timestamp.txt", "submission_secret.txt")


class FeedbackError(WorkbenchError, RuntimeError):
    """Feedback could not be made; the message says what to do, in Japanese."""


def open_course(course_root: Path | str | None = None) -> Course:
    root = Path(course_root) if course_root else grading_dir()
    try:
        return Course.load(root)
    except FileNotFoundError as error:
        raise FeedbackError(str(error)) from error


def open_gradebook(course: Course) -> api.Gradebook:
    url = course.db_url
    if url.startswith("sqlite:///") and not Path(url[len("sqlite:///") :]).is_file():
        raise FeedbackError(
            f"gradebook（{url[len('sqlite:///') :]}）がありません。先に採点してください"
            "（python -m workbench grade または nbgrader autograde）。"
        )
    put_tools_on_path()
    return api.Gradebook(url, course_id=course.coursedir.course_id)


@contextlib.contextmanager
def assignment_gradebook(
    course: Course, assignment: str, error: type[WorkbenchError] = FeedbackError
) -> Iterator[api.Gradebook]:
    """The open gradebook, once ``assignment`` is known to be in it (else ``error``)."""
    with open_gradebook(course) as gradebook:
        try:
            gradebook.find_assignment(assignment)
        except api.MissingEntry as missing:
            known = "、".join(a.name for a in gradebook.assignments) or "なし"
            raise error(
                f"課題「{assignment}」は gradebook にありません（ある課題: {known}）。"
            ) from missing
        yield gradebook


def hidden_delimiters(course: Course) -> tuple[str, str]:
    section = course.config.get("ClearHiddenTests", {})
    return (
        section.get("begin_test_delimeter", HIDDEN_BEGIN),
        section.get("end_test_delimeter", HIDDEN_END),
    )


def feedback_folder(course: Course, student: str, assignment: str) -> Path:
    coursedir = course.coursedir
    return Path(coursedir.format_path(coursedir.feedback_directory, student, assignment))


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)


@dataclass
class Written:
    student: str
    notebook: str
    path: Path
    score: float
    max_score: float
    problem: bool


@dataclass
class FeedbackSummary:
    assignment: str
    written: list[Written] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # requested but not submitted


def notebook_page(
    course: Course,
    assignment: str,
    submission: SubmissionView,
    notebook: str,
    maxima: dict[tuple[str, str], tuple],
    begin: str = HIDDEN_BEGIN,
    end: str = HIDDEN_END,
) -> Page:
    path = course.autograded(submission.student, assignment) / f"{notebook}.ipynb"
    problem = ""
    try:
        cells = read_notebook(path)["cells"]
    except FileNotFoundError:
        cells, problem = [], "採点済みのノートブックが見つかりません。" + SCORES_ONLY
    except (OSError, ValueError):
        cells, problem = [], "採点済みのノートブックを読み込めませんでした。" + SCORES_ONLY
    grades = submission.grades.get(notebook, {})
    blocks, questions = build_blocks(
        cells, grades, submission.comments.get(notebook, {}), begin, end
    )
    return Page(
        student=submission.student,
        student_name=submission.name,
        assignment=assignment,
        notebook=notebook,
        timestamp=format_timestamp(submission.timestamp),
        score=submission.score(notebook),
        max_score=sum(m for (book, _), (m, _) in maxima.items() if book == notebook),
        assignment_score=submission.score(),
        assignment_max=sum(m for m, _ in maxima.values()),
        multiple_notebooks=len({book for book, _ in maxima}) > 1,
        notes=_notes(cells),
        problem=problem,
        questions=questions,
        blocks=blocks,
    )


def _notes(cells: list[dict]) -> list[str]:
    """The grader notes, and which exercise the timeout or crash happened in."""
    notes = [note_text(cell) for cell in cells if is_grader_note(cell)]
    origin = fault_origin(cells)
    if origin is not None:
        notes.append(f"{origin.fault}が起きた演習: {origin.label}")
    return notes


def generate(
    assignment: str,
    students: Sequence[str] | None = None,
    course_root: Path | str | None = None,
) -> FeedbackSummary:
    """Write feedback pages for ``assignment`` (all submissions, or only ``students``)."""
    course = open_course(course_root)
    begin, end = hidden_delimiters(course)
    summary = FeedbackSummary(assignment)
    with assignment_gradebook(course, assignment) as gradebook:
        wanted = list(dict.fromkeys(students)) if students else None
        submissions = load_submissions(gradebook, assignment, wanted)
        maxima = max_scores(gradebook, assignment)
    summary.missing = [s for s in wanted or [] if s not in submissions]
    for student in sorted(submissions):
        submission = submissions[student]
        folder = feedback_folder(course, student, assignment)
        for notebook in sorted(submission.grades):
            page = notebook_page(course, assignment, submission, notebook, maxima, begin, end)
            target = folder / f"{notebook}.html"
            _write(target, render(page))
            summary.written.append(
                Written(student, notebook, target, page.score, page.max_score,
                        bool(page.notes or page.problem))
            )  # fmt: skip
        source = course.autograded(student, assignment)
        for name in RELEASE_FILES:
            if (source / name).is_file():
                folder.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(source / name, folder / name)
    return summary
