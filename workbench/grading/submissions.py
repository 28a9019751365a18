"""Find submissions in nbgrader's layout and fingerprint them."""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

MAX_EXTRA_FILE_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True)
class Submission:
    student: str
    assignment: str
    folder: Path
    digest: str
    timestamp: datetime | None

    def notebook(self, name: str) -> Path:
        return self.folder / f"{name}.ipynb"


def digest_folder(folder: Path) -> str:
    """A fingerprint of everything submitted: a resubmission changes it."""
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        digest.update(str(path.relative_to(folder)).encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()


def discover(course, assignment: str, students: list[str] | None = None) -> list[Submission]:
    submitted_root = Path(course.coursedir.root) / course.coursedir.submitted_directory
    found = []
    if not submitted_root.is_dir():
        return found
    for student_dir in sorted(p for p in submitted_root.iterdir() if p.is_dir()):
        if students and student_dir.name not in students:
            continue
        folder = student_dir / assignment
        if not folder.is_dir():
            continue
        timestamp = course.coursedir.get_existing_timestamp(str(folder))
        found.append(
            Submission(student_dir.name, assignment, folder, digest_folder(folder), timestamp)
        )
    return found


def extra_files(*folders: Path) -> dict[str, str]:
    """Non-notebook files the notebook may read (data the learner or course provides).

    Later folders win, as nbgrader copies the course's own files over the learner's.
    """
    files: dict[str, str] = {}
    for folder in folders:
        if not folder.is_dir():
            continue
        for path in sorted(folder.rglob("*")):
            if (
                path.is_file()
                and path.suffix != ".ipynb"
                and path.stat().st_size <= MAX_EXTRA_FILE_BYTES
            ):
                files[str(path.relative_to(folder))] = base64.b64encode(path.read_bytes()).decode()
    return files
