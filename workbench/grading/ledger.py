"""What has been graded, so an interrupted run resumes and a repeated run does nothing.

A submission is marked only after its scores are committed to the gradebook and its
autograded files are written. A crash between those steps means the submission is graded
again on the next run, which writes the same scores: nothing is lost and nothing is
counted twice.
"""

from __future__ import annotations

import json
import sqlite3
import time
from pathlib import Path

SCHEMA = """
CREATE TABLE IF NOT EXISTS graded (
    assignment TEXT NOT NULL,
    student TEXT NOT NULL,
    digest TEXT NOT NULL,
    faults TEXT NOT NULL,
    detail TEXT NOT NULL,
    seconds REAL NOT NULL,
    graded_at REAL NOT NULL,
    PRIMARY KEY (assignment, student)
)
"""


class Ledger:
    def __init__(self, path: Path):
        path.parent.mkdir(parents=True, exist_ok=True)
        self.connection = sqlite3.connect(path)
        self.connection.execute("PRAGMA journal_mode=WAL")
        self.connection.execute(SCHEMA)
        self.connection.commit()

    def digest(self, assignment: str, student: str) -> str | None:
        row = self.connection.execute(
            "SELECT digest FROM graded WHERE assignment = ? AND student = ?", (assignment, student)
        ).fetchone()
        return row[0] if row else None

    def mark(
        self,
        assignment: str,
        student: str,
        digest: str,
        faults: list[str],
        detail: str,
        seconds: float,
    ) -> None:
        with self.connection:
            self.connection.execute(
                "INSERT OR REPLACE INTO graded VALUES (?, ?, ?, ?, ?, ?, ?)",
                (assignment, student, digest, json.dumps(faults), detail, seconds, time.time()),
            )

    def faults(self, assignment: str) -> dict[str, list[str]]:
        rows = self.connection.execute(
            "SELECT student, faults FROM graded WHERE assignment = ?", (assignment,)
        )
        return {student: json.loads(faults) for student, faults in rows}

    def close(self) -> None:
        self.connection.close()
