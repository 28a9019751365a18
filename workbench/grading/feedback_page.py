"""The feedback page: a safe model of one autograded notebook, rendered by pages/.

Learner content is hostile: everything is escaped (Jinja2 autoescape), HTML outputs are
never rendered, images are inlined as validated base64 data URIs, and outputs that could
quote hidden tests are withheld.
"""

from __future__ import annotations

import base64
import binascii
import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from workbench.grading import pages
from workbench.grading.faults import LABELS, Fault
from workbench.grading.gradebook_views import GradeView
from workbench.grading.hidden_tests import (
    ANSI,
    HIDDEN_BEGIN,
    HIDDEN_END,
    HiddenTestGuard,
    TestSource,
    failure_of,
    learner_message,
    stream_text,
    text_of,
)
from workbench.grading.notebook_cells import (
    HEADING,
    is_grader_note,
    nbgrader_meta,
    question_labels,
    test_sources,
    visible_text,
)

WITHHELD = "（採点用テストの内容を含むおそれがあるため、この出力は表示していません）"
NO_IMAGE = "（画像を表示できません）"
NOT_TEXT = "（この出力は HTML などの形式のため、ここでは表示していません）"

#: Faults after which later cells ran on a cut-short namespace (or not at all).
STOPPING_FAULTS = frozenset(
    {"CellTimeout"} | {LABELS[f] for f in (Fault.TIMEOUT, Fault.MEMORY, Fault.KERNEL_DIED,
                                           Fault.INTERNAL)}
)  # fmt: skip


def follows_fault(origin: FaultOrigin) -> str:
    """The message of a failed check that ran after ``origin`` stopped the notebook."""
    return (
        f"❌ {origin.label}で採点時の問題（{origin.fault}）が起きたため、この確認は正しく"
        "判定できませんでした。その演習を直してから、もう一度実行してみましょう。"
    )


MAX_TEXT_CHARS = 5_000
MAX_TEXT_LINES = 200
MAX_IMAGE_BYTES = 3_000_000
BASE64 = re.compile(r"^[A-Za-z0-9+/]+={0,2}$")
IMAGE_TYPES = ("image/png", "image/jpeg", "image/gif")


@dataclass(frozen=True)
class FaultOrigin:
    """Where grading of a notebook was cut short: the exercise and the fault's label."""

    label: str
    fault: str


def stopping_fault(cell: dict) -> str:
    """The fault label when this cell's run was cut short (timeout, crash), else ''."""
    for output in cell.get("outputs") or []:
        ename = str(output.get("ename") or "")
        if output.get("output_type") == "error" and ename in STOPPING_FAULTS:
            return LABELS[Fault.TIMEOUT] if ename == "CellTimeout" else ename
    return ""


def fault_origin(cells: Sequence[dict]) -> FaultOrigin | None:
    """The first cell whose run was cut short (a timeout, the process dying), if any.

    A per-cell timeout leaves ``CellTimeout`` in the cell that looped; when the whole
    notebook was stopped, the cell that was running is the first one marked as not run.
    """
    heading = ""
    for cell in cells:
        if is_grader_note(cell):
            continue
        if cell.get("cell_type") == "markdown":  # the exercise is named by its heading
            for line in text_of(cell.get("source")).splitlines():
                match = HEADING.match(line)
                heading = match.group(1).strip() if match else heading
            continue
        fault = stopping_fault(cell)
        if fault:
            return FaultOrigin(heading or "ノートブックの先頭", fault)
    return None


@dataclass
class Output:
    """One learner output, already made safe. ``kind``: text, stderr, error, image, note."""

    kind: str
    text: str = ""
    data_uri: str = ""


@dataclass
class Block:
    """One part of the page. ``kind``: heading, code, test, written."""

    kind: str
    grade_id: str = ""
    label: str = ""
    source: str = ""
    outputs: list[Output] = field(default_factory=list)
    score: float | None = None
    max_score: float | None = None
    passed: bool | None = None
    message: str = ""
    comment: str = ""
    pending: bool = False


@dataclass
class Question:
    grade_id: str
    label: str
    kind: str  # "auto" or "manual"
    score: float | None
    max_score: float
    icon: str
    status: str


@dataclass
class Page:
    student: str
    student_name: str
    assignment: str
    notebook: str
    timestamp: str
    score: float
    max_score: float
    assignment_score: float
    assignment_max: float
    multiple_notebooks: bool
    notes: list[str]
    problem: str
    questions: list[Question]
    blocks: list[Block]


def _truncate(text: str) -> str:
    lines = text.splitlines()
    if len(lines) > MAX_TEXT_LINES:
        text = "\n".join(lines[:MAX_TEXT_LINES]) + "\n…（以下省略）"
    if len(text) > MAX_TEXT_CHARS:
        text = text[:MAX_TEXT_CHARS] + "\n…（以下省略）"
    return text


def _image_uri(mime: str, data) -> str:
    payload = re.sub(r"\s+", "", text_of(data))
    if not payload or len(payload) > MAX_IMAGE_BYTES or not BASE64.match(payload):
        return ""
    try:
        base64.b64decode(payload, validate=True)
    except (binascii.Error, ValueError):
        return ""
    return f"data:{mime};base64,{payload}"


def safe_outputs(outputs: Sequence[dict], guard: HiddenTestGuard) -> list[Output]:
    """Learner outputs as plain text and inline images; nothing is rendered as HTML."""
    result: list[Output] = []
    for output in outputs:
        kind = output.get("output_type")
        if kind == "stream":
            name = "stderr" if output.get("name") == "stderr" else "text"
            item = Output(name, _truncate(ANSI.sub("", text_of(output.get("text")))))
        elif kind == "error":
            evalue = ANSI.sub("", text_of(output.get("evalue")))
            item = Output("error", _truncate(f"{output.get('ename', '')}: {evalue}"))
        elif kind in ("execute_result", "display_data"):
            data = output.get("data") or {}
            image = next((m for m in IMAGE_TYPES if m in data), None)
            if image:
                uri = _image_uri(image, data[image])
                item = Output("image", data_uri=uri) if uri else Output("note", NO_IMAGE)
            elif "image/svg+xml" in data:
                svg = text_of(data["image/svg+xml"])
                uri = "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode("ascii")
                if guard.leaks(svg):
                    item = Output("note", WITHHELD)
                elif len(uri) > MAX_IMAGE_BYTES:
                    item = Output("note", NO_IMAGE)
                else:
                    item = Output("image", data_uri=uri)
            elif "text/plain" in data:
                item = Output("text", _truncate(ANSI.sub("", text_of(data["text/plain"]))))
            elif data:
                item = Output("note", NOT_TEXT)
            else:
                continue
        else:
            continue
        if item.text and guard.leaks(item.text):
            item = Output("note", WITHHELD)
        result.append(item)
    return result


@functools.lru_cache(maxsize=32)
def _cached_guard(tests: tuple[tuple[str, TestSource], ...], visible: str) -> HiddenTestGuard:
    # Test cells are restored from the gradebook, so every submission has the same ones.
    return HiddenTestGuard(tests, visible)


def build_blocks(
    cells: Sequence[dict],
    grades: dict[str, GradeView],
    comments: dict[str, str],
    begin: str = HIDDEN_BEGIN,
    end: str = HIDDEN_END,
) -> tuple[list[Block], list[Question]]:
    """The page body and the summary rows for one autograded notebook."""
    tests = test_sources(cells, begin, end)
    guard = _cached_guard(tuple(tests.values()), visible_text(cells, tests))
    labels = question_labels(cells)
    origin = fault_origin(cells)
    stopped = False  # a cell at or after the fault origin has been reached
    blocks: list[Block] = []
    questions: list[Question] = []
    seen: set[str] = set()
    for cell in cells:
        # any cell, graded or not, can be where the timeout happened
        stopped = stopped or bool(origin and stopping_fault(cell))
        meta = nbgrader_meta(cell)
        grade_id = meta.get("grade_id", "")
        source = text_of(cell.get("source"))
        if not grade_id or is_grader_note(cell) or not (meta.get("grade") or meta.get("solution")):
            continue
        label = labels.get(grade_id, grade_id)
        if not blocks or blocks[-1].label != label:
            blocks.append(Block("heading", label=label))
        grade = grades.get(grade_id)
        score = None if grade is None else float(grade.score)
        max_score = float(meta.get("points", 0) if grade is None else grade.max_score)
        if meta.get("solution") and cell.get("cell_type") == "code":
            code_block = Block(
                "code",
                grade_id=grade_id,
                label=label,
                source=source,
                comment=comments.get(grade_id, ""),
            )
            if guard.reaches_grader_state(source):
                code_block.outputs = [Output("note", WITHHELD)]
            else:
                code_block.outputs = safe_outputs(cell.get("outputs", []), guard)
            blocks.append(code_block)
            if not meta.get("grade"):
                continue
        if grade_id in tests and cell.get("cell_type") == "code":
            test = tests[grade_id][1]
            failure = failure_of(cell, test)
            passed = score is not None and score >= max_score
            if passed:
                message = _passed_line(cell, test, guard)
            elif stopped and origin is not None:
                # the hint would describe what the fault left behind, not the answer
                message = follows_fault(origin)
            elif failure is not None:
                message = learner_message(failure, guard)
            elif score is not None and score > 0:
                message = "❌ 一部の点数のみ得られました。"
            else:
                message = "❌ 採点時にこのセルが正しく実行されませんでした。"
            blocks.append(
                Block("test", grade_id=grade_id, label=label,
                      source=test.visible, score=score, max_score=max_score, passed=passed,
                      message=message)
            )  # fmt: skip
            questions.append(
                Question(grade_id, label, "auto", score, max_score,
                         "✅" if passed else "❌", "正解" if passed else "不正解")
            )  # fmt: skip
        elif meta.get("grade"):
            pending = grade is None or (grade.needs_manual_grade and grade.manual_score is None)
            kind = "manual" if cell.get("cell_type") == "markdown" else "auto"
            if cell.get("cell_type") == "markdown":
                blocks.append(
                    Block("written", grade_id=grade_id, label=label,
                          source=source, score=None if pending else score, max_score=max_score,
                          comment=comments.get(grade_id, ""), pending=pending)
                )  # fmt: skip
            full = score is not None and score >= max_score
            if pending:
                icon, status = "⏳", "採点待ち"
            elif kind == "auto":  # an autograded answer cell: full points unless it failed
                icon, status = ("✅", "正解") if full else ("❌", "不正解")
            elif grade is not None and grade.manual_score is None and not grade.auto_score:
                icon, status = "❌", "未回答"
            else:
                icon, status = ("✅" if full else "📝"), "採点済み"
            questions.append(
                Question(grade_id, label, kind,
                         None if pending else score, max_score, icon, status)
            )  # fmt: skip
        seen.add(grade_id)
    for grade_id, grade in grades.items():  # graded in the gradebook but not in the file
        if grade_id not in seen:
            questions.append(
                Question(grade_id, grade_id, "auto" if grade.cell_type == "code" else "manual",
                         float(grade.score), float(grade.max_score), "❌", "提出にありません")
            )  # fmt: skip
    return blocks, questions


def _passed_line(cell: dict, test: TestSource, guard: HiddenTestGuard) -> str:
    """The test's own ✅ line when its text is in the visible source, else a plain ✅."""
    for line in stream_text(cell).splitlines():
        line = line.strip()
        if line.startswith("✅"):
            body = line[1:].strip()
            if body and body in test.visible and not guard.leaks(line):
                return line
    return "✅ 正解です"


def render(page: Page) -> str:
    """The page as self-contained HTML (inline CSS, data-URI images, all text escaped)."""
    return pages.render("feedback.html.j2", page=page)
