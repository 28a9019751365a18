"""Honest time: a notebook's learner time estimated from its own content (issue #14).

The rates are the issue's: explanations read at 400 字/分, example code at 150 characters
a minute, 6 minutes per autograded and 10 per written (manually graded) exercise. What
counts as what, and why:

- **Explanation** (400/min): every markdown cell a learner sees, including exercise
  statements, the header and the summary, as visible characters: whitespace and markdown
  syntax (``**``, backticks, ``#``, ``|``, table rules, list markers, ``$``, link targets,
  HTML tags and comments) are not read. Inline code such as ``df.head()`` stays prose: it is
  a word in a sentence, and the issue names only code *blocks* as code.
- **Example code** (150/min): code cells that are neither exercise (solution) cells nor
  check cells, including locked setup cells (a novice reads the imports), and fenced code
  blocks inside markdown (``` … ```, also inside ``>`` quotes), which is where tracebacks
  and ❌ messages are shown. Counted per line without indentation or line breaks: inner
  spaces are part of what is read (``x = 1``), indentation is layout.
- **Not reading**: an exercise's solution cell and its check cell (hidden tests included)
  are covered by the exercise's minutes; the rubric between ``BEGIN/END MARK SCHEME`` is
  removed from the released notebook; a written answer cell holds the model answer, which
  the learner replaces; outputs are not counted (they are what running shows, the same
  for every reader, and counting them would reward not saving outputs).
- **Exercises**: each autograded check cell (nbgrader ``grade`` and not ``solution``) is
  one autograded exercise, each manually graded answer cell (``grade`` and ``solution``)
  one written exercise. An exercise with both parts (e.g. unit 11 演習5) is counted twice,
  because the learner does both.

The stated 目安時間 is read from the first cell: ``**目安時間: 50分**`` or
``（目安時間 120分・配点 20点）``.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from pathlib import Path

from workbench.errors import WorkbenchError

PROSE_CHARS_PER_MINUTE = 400
CODE_CHARS_PER_MINUTE = 150
AUTOGRADED_MINUTES = 6
WRITTEN_MINUTES = 10
# Python入門 → 01 → 03 → 04 → 05 (courses/README.md).
ALL_STAFF_PATH = (
    "00_python_basics",
    "01_excel_basics",
    "03_statistics_visualization",
    "04_t_test",
    "05_regression",
)

STATED_PATTERN = re.compile(r"目安時間\s*[:：]?\s*(\d+)\s*分")
_MARK_SCHEME = re.compile(
    r"<!--\s*BEGIN MARK SCHEME\s*-->.*?<!--\s*END MARK SCHEME\s*-->", re.DOTALL
)
_QUOTE_PREFIX = re.compile(r"^\s*(?:>\s?)*")
_MARKUP = [
    (re.compile(r"<!--.*?-->", re.DOTALL), ""),
    (re.compile(r"!?\[([^\]]*)\]\([^)]*\)"), r"\1"),  # links and images: their text only
    (re.compile(r"<[^>\n]+>"), ""),  # HTML tags
    (re.compile(r"^\s*\|?[\s:|-]*-[\s:|-]*$", re.MULTILINE), ""),  # table rules, ---
    (re.compile(r"^\s*#+\s*", re.MULTILINE), ""),  # heading marks
    (re.compile(r"^\s*(?:[-*+]|\d+\.)\s+", re.MULTILINE), ""),  # list markers
    (re.compile(r"__|[*`|$]"), ""),  # emphasis, inline code, table pipes, math
]


class CourseTimeError(WorkbenchError, ValueError):
    """A notebook's time cannot be read; the message says which and how to fix it."""


@dataclass(frozen=True)
class Estimate:
    """What a notebook asks of a learner, counted from its cells."""

    prose_chars: int = 0
    code_chars: int = 0
    autograded: int = 0
    written: int = 0

    @property
    def minutes(self) -> float:
        return (
            self.prose_chars / PROSE_CHARS_PER_MINUTE
            + self.code_chars / CODE_CHARS_PER_MINUTE
            + AUTOGRADED_MINUTES * self.autograded
            + WRITTEN_MINUTES * self.written
        )


@dataclass(frozen=True)
class NotebookTime:
    path: Path
    stated: int
    estimate: Estimate

    @property
    def ratio(self) -> float:
        """Stated over estimated: below 1 the notebook promises less time than it needs."""
        return self.stated / self.estimate.minutes


def _source(cell: dict) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source


def split_markdown(text: str) -> tuple[str, str]:
    """(prose, code) of a markdown cell: fenced blocks are code, the mark scheme neither."""
    prose: list[str] = []
    code: list[str] = []
    in_block = False
    for line in _MARK_SCHEME.sub("", text).split("\n"):
        body = line[_QUOTE_PREFIX.match(line).end() :]
        if body.lstrip().startswith(("```", "~~~")):
            in_block = not in_block
            continue
        (code if in_block else prose).append(body)
    return "\n".join(prose), "\n".join(code)


def prose_chars(text: str) -> int:
    """Visible characters of markdown prose (no whitespace, no markdown syntax)."""
    for pattern, replacement in _MARKUP:
        text = pattern.sub(replacement, text)
    return len(re.sub(r"\s", "", text))


def code_chars(text: str) -> int:
    """Characters of code, per line without indentation and line breaks."""
    return sum(len(line.strip()) for line in text.split("\n"))


def estimate_cells(cells: list[dict]) -> Estimate:
    prose = code = autograded = written = 0
    for cell in cells:
        grader = cell.get("metadata", {}).get("nbgrader", {})
        if grader.get("grade") and grader.get("solution"):
            written += 1
        elif grader.get("grade"):
            autograded += 1
        elif grader.get("solution"):
            continue  # the exercise cell: its minutes are the exercise's
        elif cell.get("cell_type") == "markdown":
            text, block = split_markdown(_source(cell))
            prose += prose_chars(text)
            code += code_chars(block)
        elif cell.get("cell_type") == "code":
            code += code_chars(_source(cell))
    return Estimate(prose, code, autograded, written)


def stated_minutes(cells: list[dict], name: str = "ノートブック") -> int:
    """The 目安時間 written in the header (first) cell."""
    first = _source(cells[0]) if cells else ""
    found = STATED_PATTERN.search(first)
    if not found:
        raise CourseTimeError(
            f"{name} の最初のセルに目安時間がありません。"
            "「**目安時間: 50分**」のように、分で書いてください。"
        )
    return int(found.group(1))


def notebook_time(path: Path) -> NotebookTime:
    try:
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    except (OSError, ValueError, KeyError) as error:
        raise CourseTimeError(
            f"{path} をノートブックとして読めません（{error}）。"
            "JupyterLab で開いて保存し直してください。"
        ) from error
    return NotebookTime(path, stated_minutes(cells, path.name), estimate_cells(cells))


def honest(stated: float, estimated: float, factor: float = 1.3) -> bool:
    """Stated time neither over- nor understated by more than ``factor``."""
    return estimated / factor <= stated <= estimated * factor


def rounded_up(minutes: float, step: int = 5) -> int:
    """The time to state for an estimate: up to the next ``step`` minutes."""
    return step * math.ceil(minutes / step)


def table(times: dict[str, list[NotebookTime]]) -> list[str]:
    """Japanese report lines: one row per notebook, then the all-staff path total."""
    lines = [
        "| ノートブック | 目安時間（記載） | 見積り | 記載 ÷ 見積り | 判定 |",
        "|---|---|---|---|---|",
    ]
    for unit, notebooks in times.items():
        for item in notebooks:
            verdict = "○" if honest(item.stated, item.estimate.minutes) else "× 1.3倍を超えてずれ"
            if item.estimate.minutes > 65:
                verdict += "・65分超（分割が必要）"
            lines.append(
                f"| {unit}/{item.path.name} | {item.stated}分 | {item.estimate.minutes:.1f}分"
                f" | {item.ratio:.2f} | {verdict} |"
            )
    path = [item for unit in ALL_STAFF_PATH for item in times.get(unit, [])]
    if path and all(unit in times for unit in ALL_STAFF_PATH):
        stated = sum(item.stated for item in path)
        estimated = sum(item.estimate.minutes for item in path)
        lines.append(
            f"| **全職員コース合計**（{' → '.join(u[:2] for u in ALL_STAFF_PATH)}）"
            f" | {stated}分 | {estimated:.1f}分 | {stated / estimated:.2f} | |"
        )
    return lines
