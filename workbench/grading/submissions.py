"""Find submissions in nbgrader's layout and fingerprint them."""

from __future__ import annotations

import base64
import hashlib
import os
import stat
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
    """A fingerprint of everything submitted: a resubmission changes it.

    Links are fingerprinted by where they point, never followed.
    """
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if path.is_symlink():
            digest.update(b"link:" + str(path.relative_to(folder)).encode() + b"\0")
            digest.update(os.readlink(path).encode())
        elif path.is_file():
            digest.update(str(path.relative_to(folder)).encode())
            digest.update(b"\0")
            digest.update(path.read_bytes())
    return digest.hexdigest()


def regular_files(folder: Path) -> list[Path]:
    """Relative paths of the regular files in ``folder``, never through a link."""
    return [folder_path for folder_path, _ in _walk(folder)[0]]


def _walk(folder: Path) -> tuple[list[tuple[Path, int]], list[str]]:
    """(relative path, size) of regular files, and the names refused with the reason.

    A submission carries data, not links: a symbolic link (to a file or folder), a
    device, a FIFO or a socket is refused, so it can never bring a file from outside the
    submission (the gradebook, another learner's work) into the sandbox or the feedback.
    """
    files, refused = [], []
    for root, dirs, names in os.walk(folder, followlinks=False):
        for name in sorted(dirs):
            if os.path.islink(os.path.join(root, name)):
                refused.append(str(Path(root, name).relative_to(folder)) + "（リンク）")
        for name in sorted(names):
            path = Path(root, name)
            mode = path.lstat().st_mode
            relative = path.relative_to(folder)
            if stat.S_ISLNK(mode):
                refused.append(f"{relative}（リンク）")
            elif not stat.S_ISREG(mode):
                refused.append(f"{relative}（特殊ファイル）")
            else:
                files.append((relative, path.lstat().st_size))
    return sorted(files), refused


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


def extra_files(folder: Path, follow_links: bool = False) -> tuple[dict[str, str], list[str]]:
    """Non-notebook files the notebook may read, and the names refused (see ``_walk``).

    ``follow_links`` restores the old, unsafe behaviour for the hostile-submission
    suite's negative control only.
    """
    files: dict[str, str] = {}
    if not folder.is_dir():
        return files, []
    if follow_links:
        found = [
            (p.relative_to(folder), p.stat().st_size) for p in folder.rglob("*") if p.is_file()
        ]
        refused = []
    else:
        found, refused = _walk(folder)
    for relative, size in found:
        if relative.suffix != ".ipynb" and size <= MAX_EXTRA_FILE_BYTES:
            data = (folder / relative).read_bytes()
            files[str(relative)] = base64.b64encode(data).decode()
    return files, refused
