"""Reading autograded notebooks as plain JSON: nbgrader metadata, labels, grader notes."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from pathlib import Path

from workbench.grading.hidden_tests import TestSource, split_hidden, text_of

HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.+?)\s*#*\s*$")


def nbgrader_meta(cell: dict) -> dict:
    return (cell.get("metadata") or {}).get("nbgrader") or {}


def is_grader_note(cell: dict) -> bool:
    note = (cell.get("metadata") or {}).get("workbench") or {}
    return isinstance(note, dict) and bool(note.get("grader_note"))


def question_labels(cells: Sequence[dict]) -> dict[str, str]:
    """Each graded cell's label: the last markdown heading above it (``### 演習2 …``)."""
    labels: dict[str, str] = {}
    heading = ""
    for cell in cells:
        if cell.get("cell_type") == "markdown" and not is_grader_note(cell):
            for line in text_of(cell.get("source")).splitlines():
                match = HEADING.match(line)
                if match:
                    heading = match.group(1).strip()
        meta = nbgrader_meta(cell)
        if (meta.get("grade") or meta.get("solution")) and meta.get("grade_id"):
            labels[meta["grade_id"]] = heading or meta["grade_id"]
    return labels


def note_text(cell: dict) -> str:
    """A grader note as plain lines (markdown emphasis and heading marks removed)."""
    lines = []
    for line in text_of(cell.get("source")).splitlines():
        line = re.sub(r"^\s{0,3}#{1,6}\s*", "", line).replace("**", "")
        if line.strip():
            lines.append(line.rstrip())
    return "\n".join(lines)


def test_sources(cells: Sequence[dict], begin: str, end: str) -> dict[str, tuple[str, TestSource]]:
    tests = {}
    for cell in cells:
        meta = nbgrader_meta(cell)
        if cell.get("cell_type") == "code" and meta.get("grade") and not meta.get("solution"):
            source = text_of(cell.get("source"))
            tests[meta.get("grade_id", "")] = (source, split_hidden(source, begin, end))
    return tests


def visible_text(cells: Sequence[dict], tests: dict[str, tuple[str, TestSource]]) -> str:
    """What the learner received: released cells, test cells without hidden parts."""
    parts = []
    for cell in cells:
        meta = nbgrader_meta(cell)
        if meta.get("solution") or is_grader_note(cell):
            continue
        grade_id = meta.get("grade_id")
        if grade_id in tests:
            parts.append(tests[grade_id][1].visible)
        else:
            parts.append(text_of(cell.get("source")))
    return "\n".join(parts)


def read_notebook(path: Path) -> dict:
    """The notebook as plain JSON (no nbformat validation: speed, and tolerance)."""
    with open(path, encoding="utf-8") as handle:
        notebook = json.load(handle)
    if not isinstance(notebook, dict) or not isinstance(notebook.get("cells"), list):
        raise ValueError("not a notebook")
    return notebook
