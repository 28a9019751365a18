"""``python -m workbench grade``: the coordinator that ties the grading stages together.

One thread here is the only writer to the gradebook: it sanitizes notebooks (reading the
gradebook's copy of the instructor cells), hands them to the execution backend, and
records each result as it comes back. Execution is the only parallel stage.
"""

from __future__ import annotations

import time
import warnings
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path

import nbformat
from nbgrader.api import Gradebook, MissingEntry

from workbench import datasets
from workbench.course import CourseError
from workbench.grading import plan, steps
from workbench.grading.autograded_files import RETRY_PREFIX, write_autograded
from workbench.grading.backends import DaskBackend, LocalBackend
from workbench.grading.course import (
    Course,
    assignment_lock,
    one_transaction,
    open_gradebook,
    shared_gradebook,
)
from workbench.grading.executor import Limits
from workbench.grading.faults import Fault
from workbench.grading.ledger import Ledger
from workbench.grading.notebook_cells import read_notebook
from workbench.grading.submissions import Submission, discover, extra_files
from workbench.grading.warm import internal_fault


class GradingError(CourseError):
    """The run cannot start; the message says why and what to do, in Japanese."""


@dataclass
class Options:
    students: list[str] | None = None
    workers: int = 2
    # None: the course's nbgrader_config.py decides (ExecutePreprocessor.timeout), so
    # `workbench grade` and `nbgrader autograde` agree; a Limits given here overrides it.
    limits: Limits | None = None
    scheduler: str | None = None
    force: bool = False
    figures: bool = False
    progress: bool = True
    db_url: str | None = None
    sandbox: bool = True  # False = --no-sandbox (learner code runs without bubblewrap)
    # Defences to switch off ("checker", "reaper", "nondumpable", "links"): only for the
    # hostile-submission suite's negative controls, never for real grading.
    disabled_defences: frozenset[str] | set[str] = frozenset()


@dataclass
class Summary:
    graded: int = 0
    skipped: int = 0
    faults: Counter = field(default_factory=Counter)
    seconds: float = 0.0
    students_with_faults: dict[str, list[str]] = field(default_factory=dict)  # student → codes

    def lines(self) -> list[str]:
        rate = self.graded / self.seconds if self.seconds else 0.0
        lines = [
            f"採点: {self.graded} 件（{self.seconds:.1f} 秒、{rate:.2f} 件/秒）",
            f"採点済みのため省略: {self.skipped} 件",
        ]
        for code, count in sorted(self.faults.items()):
            lines.append(f"  {Fault(code).label}: {count} 件")
        if self.students_with_faults:
            lines.append(
                "採点時の問題があった受講者（フィードバックとレポートで確認してください）:"
            )
            for student, codes in sorted(self.students_with_faults.items()):
                labels = "・".join(Fault(code).label for code in codes)
                lines.append(f"  {student}: {labels}")
        return lines


@dataclass
class _Pending:
    submission: Submission
    notebooks: dict[str, nbformat.NotebookNode | None]  # executed (or None = missing)
    waiting: set[str]
    faults: set[str] = field(default_factory=set)
    details: list[str] = field(default_factory=list)
    seconds: float = 0.0


def grade(assignment: str, course_root: Path, options: Options | None = None) -> Summary:
    options = options or Options()
    # nbgrader's gradebook API triggers SQLAlchemy autoflush warnings on every submission,
    # with `nbgrader autograde` too; they are noise to an instructor.
    warnings.filterwarnings("ignore", message=".*not in session.*")
    started = time.monotonic()
    course = Course.load(course_root, options.db_url)
    if options.limits is None:
        options = replace(options, limits=course.limits())
    disabled = frozenset(options.disabled_defences)
    with assignment_lock(course, assignment):
        for name in datasets.names():  # the sandbox sees datasets read-only: build them first
            datasets.build(name, "small")
        ledger = Ledger(course.root / ".workbench" / "grader-ledger.sqlite")
        summary = _grade_locked(course, assignment, options, ledger, disabled)
    summary.seconds = time.monotonic() - started
    return summary


def _grade_locked(course, assignment, options, ledger, disabled) -> Summary:
    gradebook = open_gradebook(course)
    try:
        notebook_names = _notebook_names(gradebook, assignment)
        submissions = discover(course, assignment, options.students)
        todo = [
            s
            for s in submissions
            if options.force or ledger.digest(assignment, s.student) != s.digest
        ]
        summary = Summary(skipped=len(submissions) - len(todo))
        preload = _instructor_imports(course, assignment, notebook_names)
        settings = (options.figures, preload, options.sandbox, disabled)
        backend = (
            DaskBackend(options.scheduler, *settings)
            if options.scheduler
            else LocalBackend(options.workers, *settings)
        )
        try:
            if todo:
                checked = (
                    {}
                    if "checker" in disabled
                    else plan.plan(course, backend, assignment, options.limits)
                )
                with shared_gradebook(gradebook) as cached:
                    _run(
                        course,
                        cached,
                        ledger,
                        backend,
                        todo,
                        notebook_names,
                        options,
                        summary,
                        checked,
                    )
        finally:
            backend.close()
    finally:
        gradebook.close()
        ledger.close()
    return summary


def _instructor_imports(course, assignment: str, names: list[str]) -> tuple[str, ...]:
    paths = [course.source(assignment) / f"{name}.ipynb" for name in names]
    return steps.imported_modules([nbformat.read(p, as_version=4) for p in paths if p.exists()])


def _notebook_names(gradebook: Gradebook, assignment: str) -> list[str]:
    try:
        return [notebook.name for notebook in gradebook.find_assignment(assignment).notebooks]
    except MissingEntry:
        raise GradingError(
            f"課題「{assignment}」が gradebook にありません。先に "
            f"`nbgrader generate_assignment {assignment}` を実行してください。"
        ) from None


def _run(
    course, gradebook, ledger, backend, todo, notebook_names, options, summary, checked
) -> None:
    from tqdm import tqdm

    progress = tqdm(total=len(todo), unit="件", desc="採点", disable=not options.progress)
    in_flight: dict = {}
    queue = iter(todo)
    limit = max(2, backend.workers * 2)  # enough queued work to keep every worker busy
    exhausted = False
    # The course's own files (data the notebooks read) are the same for everyone: read
    # them once, not once per submission.
    course_files = extra_files(course.source(todo[0].assignment))[0] if todo else {}
    while in_flight or not exhausted:
        while not exhausted and len(in_flight) < limit:
            submission = next(queue, None)
            if submission is None:
                exhausted = True
                break
            pending = _prepare(
                course,
                gradebook,
                submission,
                notebook_names,
                options,
                in_flight,
                backend,
                course_files,
                checked,
            )
            if not pending.waiting:
                _finish(course, gradebook, ledger, pending, summary, progress)
        if not in_flight:
            continue
        for future in backend.completed(list(in_flight)):
            pending, name, sanitized = in_flight.pop(future)
            try:
                result = future.result()
            except Exception as error:  # a lost worker or a crashed backend: our fault
                result = internal_fault(
                    {"job_id": f"{pending.submission.student}/{name}"},
                    f"採点システムのエラー: {type(error).__name__}",
                )
            pending.notebooks[name] = steps.merge_outputs(sanitized, result)
            pending.faults.update(result["faults"])
            if result["detail"]:
                pending.details.append(result["detail"])
            pending.seconds += result["seconds"]
            pending.waiting.discard(name)
            if not pending.waiting:
                _finish(course, gradebook, ledger, pending, summary, progress)
    progress.close()


def _prepare(
    course,
    gradebook,
    submission,
    notebook_names,
    options,
    in_flight,
    backend,
    course_files,
    checked,
) -> _Pending:
    """Sanitize each notebook of a submission and send it off; malformed ones fail here."""
    pending = _Pending(submission, {}, set())
    follow = "links" in options.disabled_defences
    learner_files, refused = extra_files(submission.folder, follow_links=follow)
    if refused:
        pending.faults.add(Fault.REFUSED_FILE.value)
        pending.details.append("受け付けないファイル: " + "、".join(refused))
    # As nbgrader does, the course's files replace same-named files the learner sent.
    files = {**learner_files, **course_files}
    limits = options.limits
    for name in notebook_names:
        path = submission.notebook(name)
        if not path.exists():
            pending.notebooks[name] = None
            continue
        res = steps.resources(course, submission.student, submission.assignment, name)
        try:
            notebook = nbformat.read(path, as_version=4)
            sanitized = steps.sanitize(course, gradebook, notebook, res)
        except Exception as error:  # anything unreadable is the learner's broken file
            pending.notebooks[name] = _malformed_notebook(
                course, gradebook, submission, name, error
            )
            pending.faults.add(Fault.MALFORMED.value)
            pending.details.append(f"{name}.ipynb: {type(error).__name__}")
            continue
        job = {
            "job_id": f"{submission.student}/{name}",
            "limits": limits.__dict__,
            "cells": steps.job_cells(sanitized, checked.get(name)),
            "files": files,
        }
        in_flight[backend.submit(job)] = (pending, name, sanitized)
        pending.waiting.add(name)
    return pending


def _malformed_notebook(course, gradebook, submission, name, error) -> nbformat.NotebookNode:
    """The released notebook with every cell failing, so every test scores 0."""
    release = Path(
        course.coursedir.format_path(course.coursedir.release_directory, ".", submission.assignment)
    )
    source = release / f"{name}.ipynb"
    notebook = (
        nbformat.read(source, as_version=4) if source.exists() else nbformat.v4.new_notebook()
    )
    res = steps.resources(course, submission.student, submission.assignment, name)
    notebook = steps.sanitize(course, gradebook, notebook, res)
    result = {
        "cells": [],
        "faults": [Fault.MALFORMED.value],
        "detail": f"{type(error).__name__}: {error}"[:300],
    }
    return steps.merge_outputs(notebook, result)


def _finish(course, gradebook, ledger, pending: _Pending, summary: Summary, progress) -> None:
    """Record one submission: gradebook first, then files, then the ledger."""
    submission = pending.submission
    recorded = {}
    with one_transaction(gradebook):
        gradebook.update_or_create_student(submission.student)
        if submission.timestamp:
            gradebook.update_or_create_submission(
                submission.assignment, submission.student, timestamp=submission.timestamp
            )
        else:
            gradebook.update_or_create_submission(submission.assignment, submission.student)
        for name, notebook in pending.notebooks.items():
            if notebook is None:
                _score_missing(gradebook, submission, name)
                continue
            res = steps.resources(course, submission.student, submission.assignment, name)
            recorded[name] = steps.record(course, notebook, res)
            previous = _previous_autograded(course, submission, name)
            changed = steps.changed_answers(previous, notebook)
            steps.invalidate_manual_scores(gradebook, changed, res)
    write_autograded(course, ledger, submission, recorded)
    detail = " / ".join(pending.details)
    # A fault the grader caused is not the learner's: the submission is recorded (so the
    # instructor sees it) under a digest that never matches, so a resumed run retries it.
    retry = Fault.INTERNAL.value in pending.faults
    ledger.mark(
        submission.assignment,
        submission.student,
        RETRY_PREFIX + submission.digest if retry else submission.digest,
        sorted(pending.faults),
        detail,
        pending.seconds,
    )
    summary.graded += 1
    summary.faults.update(pending.faults)
    if pending.faults:
        summary.students_with_faults[submission.student] = sorted(pending.faults)
    progress.update(1)


def _previous_autograded(course, submission: Submission, name: str) -> dict | None:
    """The notebook as last graded (still in place until ``_write_autograded``), if any."""
    path = course.autograded(submission.student, submission.assignment) / f"{name}.ipynb"
    try:
        return read_notebook(path)
    except (OSError, ValueError):
        return None


def _score_missing(gradebook, submission: Submission, name: str) -> None:
    """A notebook that was not submitted scores 0, as nbgrader records it."""
    notebook = gradebook.find_submission_notebook(name, submission.assignment, submission.student)
    for grade in notebook.grades:
        grade.auto_score = 0
        grade.needs_manual_grade = False
