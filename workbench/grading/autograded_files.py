"""``autograded/STUDENT/ASSIGNMENT``: written whole or not at all, earlier versions kept.

A graded submission is staged next to its target and renamed into place, so a crash
leaves either the old folder or the new one; a previous version graded from different
files is moved to ``.workbench/archive/ASSIGNMENT/STUDENT/<digest>`` instead of deleted.
"""

from __future__ import annotations

import fnmatch
import shutil
from pathlib import Path

import nbformat

from workbench.grading.submissions import Submission, regular_files

#: Ledger digests of a submission whose grading must be retried carry this prefix.
RETRY_PREFIX = "retry:"


def write_autograded(course, ledger, submission: Submission, notebooks: dict) -> None:
    """Replace ``autograded/STUDENT/ASSIGNMENT``; a previous version is archived, not lost."""
    target = course.autograded(submission.student, submission.assignment)
    staging = target.with_name(target.name + ".grading")
    shutil.rmtree(staging, ignore_errors=True)
    # Only the learner's regular files are copied: links and devices are left out
    # (submissions.refused_paths), so no link can pull a file from outside into view.
    staging.mkdir(parents=True)
    for relative in regular_files(submission.folder):
        if relative.suffix != ".ipynb":
            (staging / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(submission.folder / relative, staging / relative, follow_symlinks=False)
    source = course.source(submission.assignment)
    for path in source.rglob("*") if source.is_dir() else []:
        relative = path.relative_to(source)
        if path.is_file() and path.suffix != ".ipynb" and not ignored(course, relative):
            (staging / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, staging / relative)
    for name, notebook in notebooks.items():
        nbformat.write(notebook, staging / f"{name}.ipynb")
    previous = (ledger.digest(submission.assignment, submission.student) or "").removeprefix(
        RETRY_PREFIX
    )
    if target.exists():
        if previous and previous != submission.digest:
            archive = (
                course.root / ".workbench" / "archive" / submission.assignment / submission.student
            )
            archive.mkdir(parents=True, exist_ok=True)
            target.rename(archive_name(archive, previous))
        else:
            shutil.rmtree(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    staging.rename(target)


def archive_name(archive: Path, digest: str) -> Path:
    """A name no earlier archive has: A → B → A resubmissions keep every version."""
    candidate = archive / digest[:16]
    count = 1
    while candidate.exists():
        count += 1
        candidate = archive / f"{digest[:16]}-{count}"
    return candidate


def ignored(course, relative: Path) -> bool:
    """Matches the course's ``CourseDirectory.ignore`` (checkpoints, caches, output/)."""
    return any(
        fnmatch.fnmatch(part, pattern)
        for part in relative.parts
        for pattern in course.coursedir.ignore
    )
