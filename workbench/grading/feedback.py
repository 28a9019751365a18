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

import ast
import base64
import binascii
import functools
import json
import os
import re
import shutil
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import jinja2
from nbgrader import api

from workbench.grading.course import Course
from workbench.grading.faults import EXPLANATIONS, LABELS
from workbench.paths import grading_dir

HIDDEN_BEGIN = "BEGIN HIDDEN TESTS"
HIDDEN_END = "END HIDDEN TESTS"

GENERIC_HIDDEN = "採点用の追加テストで不正解でした（見えているチェックは通過しています）"
GENERIC_UNKNOWN = (
    "このテストで不正解でした。JupyterLab で確認セルを実行し、表示されるヒントを確認しましょう。"
)
WITHHELD = "（採点用テストの内容を含むおそれがあるため、この出力は表示していません）"
NO_IMAGE = "（画像を表示できません）"
NOT_TEXT = "（この出力は HTML などの形式のため、ここでは表示していません）"
SCORES_ONLY = "得点だけを表示しています。講師に連絡してください。"

#: Copied next to the HTML: ``nbgrader release_feedback`` needs both.
RELEASE_FILES = ("timestamp.txt", "submission_secret.txt")

MAX_TEXT_CHARS = 5_000
MAX_TEXT_LINES = 200
MAX_MESSAGE_CHARS = 400
MAX_IMAGE_BYTES = 3_000_000

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
#: IPython >= 8.5 ``Cell In[12], line 21``; 8.0-8.4 ``Input In [12], in <cell line: 21>``.
FRAME_PATTERNS = (
    re.compile(r"Cell In\s*\[(\d*)\], line (\d+)"),
    re.compile(r"Input In \[(\d*)\].*?<cell line: (\d+)>"),
)
HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.+?)\s*#*\s*$")
BASE64 = re.compile(r"^[A-Za-z0-9+/]+={0,2}$")
IMAGE_TYPES = ("image/png", "image/jpeg", "image/gif")

#: Ways to read the grader's namespace or input history from a learner cell. Names are
#: matched as identifiers that are not attributes (``df.eval`` is fine).
INTROSPECTION_NAMES = frozenset(
    {
        "In", "Out", "_ih", "_oh", "_dh", "_i", "_ii", "_iii", "_", "__", "___",
        "globals", "locals", "vars", "get_ipython", "__builtins__", "__import__",
        "builtins", "eval", "exec", "compile", "getattr", "inspect", "gc", "sys",
        "importlib", "__main__", "breakpoint", "pdb", "traceback", "dis",
    }
)  # fmt: skip
#: The same, but matched anywhere (attributes of frames, shells, modules).
INTROSPECTION_ATTRIBUTES = frozenset(
    {
        "__dict__", "__globals__", "__code__", "__closure__", "f_globals", "f_locals",
        "f_back", "f_code", "tb_frame", "_getframe", "user_ns", "user_global_ns",
        "history_manager", "input_hist_raw", "input_hist_parsed", "__subclasses__",
        "ev", "ex", "run_cell", "run_line_magic", "run_cell_magic", "magic", "getoutput",
        "user_expressions", "get_ipython",
    }
)  # fmt: skip
MAGICS = re.compile(r"^\s*(!|%{1,2}(hist|history|recall|rerun|who|whos|who_ls|save|"
                    r"pastebin|load|store|edit|macro|psource|pfile|pinfo2?|pdef|pdoc|run|"
                    r"debug|tb|xmode|env|system|sx|sc|bash|sh|script|writefile)\b)",
                    re.MULTILINE)  # fmt: skip
HIDDEN_NUMBER_DIGITS = 4
HIDDEN_STRING_CHARS = 6
HIDDEN_LINE_CHARS = 12
HIDDEN_NAME_CHARS = 4


class FeedbackError(RuntimeError):
    """Feedback could not be made; the message says what to do, in Japanese."""


# ---------------------------------------------------------------------------------------
# Hidden tests: what is hidden, and whether a text or a learner cell could reveal it
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TestSource:
    """A test cell's source split as nbgrader's ClearHiddenTests splits it."""

    visible: str
    hidden: str
    hidden_lines: frozenset[int]  # 1-based line numbers of the full source (as IPython counts)


def split_hidden(source: str, begin: str = HIDDEN_BEGIN, end: str = HIDDEN_END) -> TestSource:
    """Separate the hidden region(s) from a test cell, including the delimiter lines."""
    visible, hidden, hidden_lines = [], [], set()
    inside = False
    for number, line in enumerate(source.split("\n"), start=1):
        if begin in line:
            inside = True
        if inside:
            hidden.append(line)
            hidden_lines.add(number)
        else:
            visible.append(line)
        if end in line:
            inside = False
    return TestSource("\n".join(visible).rstrip(), "\n".join(hidden), frozenset(hidden_lines))


def _global_names(tree: ast.AST, lines: frozenset[int]) -> set[str]:
    """Names a hidden region binds in the notebook's global namespace."""
    names: set[str] = set()
    scoped = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda, ast.ListComp,
              ast.SetComp, ast.DictComp, ast.GeneratorExp)  # fmt: skip

    def visit(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if getattr(child, "lineno", None) in lines:
                if isinstance(child, ast.Name) and isinstance(child.ctx, ast.Store):
                    names.add(child.id)
                elif isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                    names.add(child.name)
            if not isinstance(child, scoped):
                visit(child)

    visit(tree)
    return names


def _identifiers(text: str) -> set[str]:
    return set(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", text))


class HiddenTestGuard:
    """Recognises hidden test content of one notebook in learner-facing text.

    ``visible`` is everything the learner received anyway (the released cells); a
    fragment that also occurs there is not a secret.
    """

    def __init__(self, tests: Iterable[tuple[str, TestSource]], visible: str):
        self.lines: set[str] = {HIDDEN_BEGIN, HIDDEN_END}
        self.literals: set[str] = set()
        self.names: set[str] = set()
        visible_names = _identifiers(visible)
        for source, test in tests:
            if not test.hidden_lines:
                continue
            for line in test.hidden.split("\n"):
                stripped = line.strip()
                if len(stripped) >= HIDDEN_LINE_CHARS and stripped not in visible:
                    self.lines.add(stripped)
            try:
                tree = ast.parse(source)
            except SyntaxError:
                continue
            for node in ast.walk(tree):
                if getattr(node, "lineno", None) not in test.hidden_lines:
                    continue
                if isinstance(node, ast.Constant):
                    if isinstance(node.value, str):
                        text = node.value.strip()
                        if len(text) >= HIDDEN_STRING_CHARS and text not in visible:
                            self.literals.add(text)
                    elif isinstance(node.value, int | float) and not isinstance(node.value, bool):
                        text = repr(node.value)
                        digits = sum(ch.isdigit() for ch in text)
                        if digits >= HIDDEN_NUMBER_DIGITS and text not in visible:
                            self.literals.add(text)
            self.names |= _global_names(tree, test.hidden_lines) - visible_names
        long_names = sorted(n for n in self.names if len(n) >= HIDDEN_NAME_CHARS)
        alternatives = "|".join(map(re.escape, long_names))
        self._name_pattern = (
            re.compile(rf"(?<![A-Za-z0-9_])({alternatives})(?![A-Za-z0-9_])")
            if long_names
            else None
        )

    def leaks(self, text: str) -> bool:
        """Whether ``text`` quotes hidden test code, its literals or its variable names."""
        if not text:
            return False
        variants = {text, text.replace('\\"', '"').replace("\\'", "'").replace("\\\\", "\\")}
        for candidate in variants:
            if any(fragment in candidate for fragment in self.lines | self.literals):
                return True
            if self._name_pattern and self._name_pattern.search(candidate):
                return True
        return False

    def reaches_grader_state(self, code: str) -> bool:
        """Whether learner ``code`` could read hidden tests or their variables."""
        if MAGICS.search(code) or re.search(r"\?\s*$", code, re.MULTILINE):
            return True
        bare = set(re.findall(r"(?<![A-Za-z0-9_.])([A-Za-z_][A-Za-z0-9_]*)", code))
        if bare & (INTROSPECTION_NAMES | self.names):
            return True
        if any(re.fullmatch(r"_i?\d+", name) for name in bare):
            return True
        return bool(_identifiers(code) & INTROSPECTION_ATTRIBUTES)


# ---------------------------------------------------------------------------------------
# Test outcomes
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Failure:
    """How a test cell failed. ``where`` is "visible", "hidden", "unknown" or "grader"."""

    where: str
    ename: str
    message: str  # the learner-facing line (for "visible"), else the raw last line


def _text(value) -> str:
    return "".join(value) if isinstance(value, list) else str(value or "")


def _last_line(text: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return lines[-1] if lines else ""


def _stream_text(cell: dict) -> str:
    return "".join(
        _text(o.get("text")) for o in cell.get("outputs", []) if o.get("output_type") == "stream"
    )


def failure_of(cell: dict, test: TestSource) -> Failure | None:
    """Classify the first error of an executed test cell; None when it raised nothing."""
    errors = [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]
    if not errors:
        return None
    error = errors[0]
    ename = str(error.get("ename") or "")
    message = _last_line(_text(error.get("evalue")))
    if ename in LABELS.values():
        return Failure("grader", ename, message)
    count = cell.get("execution_count")
    traceback = ANSI.sub("", "\n".join(_text(line) for line in error.get("traceback") or []))
    frames = [
        int(line)
        for pattern in FRAME_PATTERNS
        for number, line in pattern.findall(traceback)
        if count is None or not number or int(number) == count
    ]
    if frames:
        where = "hidden" if any(line in test.hidden_lines for line in frames) else "visible"
    elif any(line.strip().startswith("✅") for line in _stream_text(cell).splitlines()):
        where = "hidden"  # the visible checks got as far as their success line
    elif not test.hidden_lines:
        where = "visible"
    else:
        where = "unknown"
    return Failure(where, ename, message)


def _grader_message(ename: str) -> str:
    for fault, label in LABELS.items():
        if label == ename:
            return (
                f"❌ 採点時の問題（{label}）のため、このテストは正しく実行できませんでした。"
                + EXPLANATIONS[fault]
            )
    return "❌ このテストは正しく実行できませんでした。"


def learner_message(failure: Failure, guard: HiddenTestGuard) -> str:
    """The one line a learner may read about a failed test."""
    if failure.where == "grader":
        return _grader_message(failure.ename)
    if failure.where == "hidden":
        return f"❌ {GENERIC_HIDDEN}"
    if failure.where == "unknown":
        return f"❌ {GENERIC_UNKNOWN}"
    if failure.ename in ("CellTimeout", "MemoryError", "KeyboardInterrupt"):
        label = "メモリ上限" if failure.ename == "MemoryError" else "タイムアウト"
        return f"❌ 採点時の問題（{label}）のため、このテストは0点です。"
    if failure.ename in ("AssertionError", "CheckFailed"):
        text = failure.message
        if not text:
            text = "❌ 確認セルのチェックで不正解でした。"
        elif not text.startswith("❌"):
            text = f"❌ {text}"
    else:
        detail = f"{failure.ename}: {failure.message}" if failure.message else failure.ename
        text = (
            f"❌ 確認セルの実行中にエラーが起きました（{detail}）。"
            "上の演習セルで作った変数の形や型を確認しましょう。"
        )
    if len(text) > MAX_MESSAGE_CHARS:
        text = text[:MAX_MESSAGE_CHARS] + "…"
    return f"❌ {GENERIC_UNKNOWN}" if guard.leaks(text) else text


# ---------------------------------------------------------------------------------------
# Page model
# ---------------------------------------------------------------------------------------


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
    payload = re.sub(r"\s+", "", _text(data))
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
            item = Output(name, _truncate(ANSI.sub("", _text(output.get("text")))))
        elif kind == "error":
            evalue = ANSI.sub("", _text(output.get("evalue")))
            item = Output("error", _truncate(f"{output.get('ename', '')}: {evalue}"))
        elif kind in ("execute_result", "display_data"):
            data = output.get("data") or {}
            image = next((m for m in IMAGE_TYPES if m in data), None)
            if image:
                uri = _image_uri(image, data[image])
                item = Output("image", data_uri=uri) if uri else Output("note", NO_IMAGE)
            elif "image/svg+xml" in data:
                svg = _text(data["image/svg+xml"])
                uri = "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode("ascii")
                if guard.leaks(svg):
                    item = Output("note", WITHHELD)
                elif len(uri) > MAX_IMAGE_BYTES:
                    item = Output("note", NO_IMAGE)
                else:
                    item = Output("image", data_uri=uri)
            elif "text/plain" in data:
                item = Output("text", _truncate(ANSI.sub("", _text(data["text/plain"]))))
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


def _nbgrader(cell: dict) -> dict:
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
            for line in _text(cell.get("source")).splitlines():
                match = HEADING.match(line)
                if match:
                    heading = match.group(1).strip()
        meta = _nbgrader(cell)
        if (meta.get("grade") or meta.get("solution")) and meta.get("grade_id"):
            labels[meta["grade_id"]] = heading or meta["grade_id"]
    return labels


def note_text(cell: dict) -> str:
    """A grader note as plain lines (markdown emphasis and heading marks removed)."""
    lines = []
    for line in _text(cell.get("source")).splitlines():
        line = re.sub(r"^\s{0,3}#{1,6}\s*", "", line).replace("**", "")
        if line.strip():
            lines.append(line.rstrip())
    return "\n".join(lines)


def test_sources(cells: Sequence[dict], begin: str, end: str) -> dict[str, tuple[str, TestSource]]:
    tests = {}
    for cell in cells:
        meta = _nbgrader(cell)
        if cell.get("cell_type") == "code" and meta.get("grade") and not meta.get("solution"):
            source = _text(cell.get("source"))
            tests[meta.get("grade_id", "")] = (source, split_hidden(source, begin, end))
    return tests


def visible_text(cells: Sequence[dict], tests: dict[str, tuple[str, TestSource]]) -> str:
    """What the learner received: released cells, test cells without hidden parts."""
    parts = []
    for cell in cells:
        meta = _nbgrader(cell)
        if meta.get("solution") or is_grader_note(cell):
            continue
        grade_id = meta.get("grade_id")
        if grade_id in tests:
            parts.append(tests[grade_id][1].visible)
        else:
            parts.append(_text(cell.get("source")))
    return "\n".join(parts)


def _fmt_score(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:g}"


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
    blocks: list[Block] = []
    questions: list[Question] = []
    seen: set[str] = set()
    for cell in cells:
        meta = _nbgrader(cell)
        grade_id = meta.get("grade_id", "")
        source = _text(cell.get("source"))
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
    for line in _stream_text(cell).splitlines():
        line = line.strip()
        if line.startswith("✅"):
            body = line[1:].strip()
            if body and body in test.visible and not guard.leaks(line):
                return line
    return "✅ 正解です"


# ---------------------------------------------------------------------------------------
# Rendering
# ---------------------------------------------------------------------------------------

STYLE = """
body{font-family:"Hiragino Sans","Hiragino Kaku Gothic ProN","Yu Gothic UI","Yu Gothic",
Meiryo,"Noto Sans JP",sans-serif;margin:0;background:#f5f6f8;color:#1f2328;line-height:1.7}
main{max-width:960px;margin:0 auto;padding:24px 20px 64px}
h1{font-size:1.5rem;margin:0 0 4px}h2{font-size:1.2rem;margin:32px 0 8px;
border-bottom:2px solid #d0d7de;padding-bottom:4px}h3{font-size:1.05rem;margin:20px 0 6px}
.meta{color:#57606a;font-size:.9rem}
.card{background:#fff;border:1px solid #d0d7de;border-radius:8px;padding:16px;margin:12px 0}
.total{font-size:2rem;font-weight:700}.total small{font-size:1rem;color:#57606a}
table{border-collapse:collapse;width:100%;background:#fff}
th,td{border:1px solid #d0d7de;padding:6px 10px;text-align:left;vertical-align:top}
th{background:#eef1f4}td.num{text-align:right;white-space:nowrap}
.banner{background:#fff4e5;border:2px solid #d97706;border-radius:8px;padding:14px 16px;
margin:16px 0}.banner strong{color:#9a3412;font-size:1.1rem}
.banner pre{background:transparent;border:0;padding:0;margin:6px 0 0}
pre{white-space:pre-wrap;word-break:break-word;background:#f6f8fa;border:1px solid #d0d7de;
border-radius:6px;padding:10px;font-family:"Cascadia Mono",Consolas,"Osaka-Mono",
"MS Gothic",monospace;font-size:.88rem;margin:6px 0}
pre.stderr{background:#fff8f0}pre.error{background:#ffebe9;border-color:#ff8182}
.ok{color:#1a7f37;font-weight:700}.ng{color:#cf222e;font-weight:700}
.result{padding:8px 12px;border-radius:6px;margin:8px 0}
.result.ok{background:#dafbe1}.result.ng{background:#ffebe9}
.note{color:#57606a;font-style:italic}.label{color:#57606a;font-size:.85rem}
.written{background:#fffbea}.comment{border-left:4px solid #0969da;padding:6px 12px;
background:#ddf4ff;margin:8px 0}
img{max-width:100%;height:auto;border:1px solid #d0d7de;background:#fff}
details summary{cursor:pointer;color:#0969da}
"""

TEMPLATE = """<!DOCTYPE html>
<html lang="ja">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy"
 content="default-src 'none'; img-src data:; style-src 'unsafe-inline'">
<title>フィードバック: {{ page.assignment }} / {{ page.notebook }}</title>
<style>{{ style }}</style>
</head>
<body><main>
<h1>採点結果のフィードバック</h1>
<p class="meta">課題: {{ page.assignment }}　ノートブック: {{ page.notebook }}.ipynb<br>
職員ID: {{ page.student }}{% if page.student_name %}（{{ page.student_name }}）{% endif %}
{% if page.timestamp %}　提出日時: {{ page.timestamp }}{% endif %}</p>

{% if page.notes or page.problem %}
<div class="banner" role="alert">
<strong>⚠ 採点時の注意</strong>
{% for note in page.notes %}<pre>{{ note }}</pre>{% endfor %}
{% if page.problem %}<pre>{{ page.problem }}</pre>{% endif %}
</div>
{% endif %}

<div class="card">
<div>総合得点</div>
<div class="total">{{ page.score|pts }} <small>/ {{ page.max_score|pts }} 点</small></div>
{% if page.multiple_notebooks %}<div class="meta">課題全体:
 {{ page.assignment_score|pts }} / {{ page.assignment_max|pts }} 点</div>{% endif %}
</div>

<h2>問題ごとの得点</h2>
<table>
<thead><tr><th>問題</th><th>種類</th><th>得点</th><th>結果</th></tr></thead>
<tbody>
{% for q in page.questions %}
<tr><td>{{ q.label }}<br><span class="label">{{ q.grade_id }}</span></td>
<td>{{ "自動採点" if q.kind == "auto" else "記述（講師採点）" }}</td>
<td class="num">{{ q.score|pts }} / {{ q.max_score|pts }}</td>
<td>{{ q.icon }} {{ q.status }}</td></tr>
{% endfor %}
</tbody>
</table>

<h2>あなたの解答と確認結果</h2>
{% for b in page.blocks %}
{% if b.kind == "heading" %}<h3>{{ b.label }}</h3>
{% elif b.kind == "code" %}
<div class="card"><div class="label">あなたのコード（{{ b.grade_id }}）</div>
<pre>{{ b.source }}</pre>
{% if b.outputs %}<div class="label">出力</div>{% endif %}
{% for o in b.outputs %}
{% if o.kind == "image" %}<img src="{{ o.data_uri }}" alt="出力された画像">
{% elif o.kind == "note" %}<p class="note">{{ o.text }}</p>
{% else %}<pre class="{{ o.kind }}">{{ o.text }}</pre>{% endif %}
{% endfor %}
{% if b.comment %}<div class="comment">講師のコメント: {{ b.comment }}</div>{% endif %}
</div>
{% elif b.kind == "test" %}
<div class="card"><div class="label">確認テスト（{{ b.grade_id }}）:
 {{ b.score|pts }} / {{ b.max_score|pts }} 点</div>
<div class="result {{ 'ok' if b.passed else 'ng' }}">{{ b.message }}</div>
<details><summary>確認セルのコード（配布版と同じ部分）</summary><pre>{{ b.source }}</pre></details>
</div>
{% elif b.kind == "written" %}
<div class="card written"><div class="label">記述問題（{{ b.grade_id }}）:
{% if b.pending %}講師の採点待ち（満点 {{ b.max_score|pts }} 点）
{% else %}{{ b.score|pts }} / {{ b.max_score|pts }} 点{% endif %}</div>
<div class="label">あなたの回答</div>
<pre>{{ b.source }}</pre>
{% if b.comment %}<div class="comment">講師のコメント: {{ b.comment }}</div>{% endif %}
</div>
{% endif %}
{% endfor %}

<p class="meta">このページには、採点用の隠しテストの内容は含まれていません。
❌ のヒントを手がかりに、JupyterLab で確認セルをもう一度実行してみましょう。</p>
</main></body></html>
"""


@functools.cache
def environment() -> jinja2.Environment:
    """Autoescaping Jinja2 environment shared by the feedback and report pages."""
    env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)
    env.filters["pts"] = _fmt_score
    return env


@functools.cache
def _template() -> jinja2.Template:
    return environment().from_string(TEMPLATE)


def render(page: Page) -> str:
    """The page as self-contained HTML (inline CSS, data-URI images, all text escaped)."""
    return _template().render(page=page, style=STYLE)


# ---------------------------------------------------------------------------------------
# Course I/O
# ---------------------------------------------------------------------------------------


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
    return api.Gradebook(url, course_id=course.coursedir.course_id)


def hidden_delimiters(course: Course) -> tuple[str, str]:
    section = course.config.get("ClearHiddenTests", {})
    return (
        section.get("begin_test_delimeter", HIDDEN_BEGIN),
        section.get("end_test_delimeter", HIDDEN_END),
    )


def read_notebook(path: Path) -> dict:
    """The notebook as plain JSON (no nbformat validation: speed, and tolerance)."""
    with open(path, encoding="utf-8") as handle:
        notebook = json.load(handle)
    if not isinstance(notebook, dict) or not isinstance(notebook.get("cells"), list):
        raise ValueError("not a notebook")
    return notebook


def feedback_folder(course: Course, student: str, assignment: str) -> Path:
    coursedir = course.coursedir
    return Path(coursedir.format_path(coursedir.feedback_directory, student, assignment))


def format_timestamp(timestamp) -> str:
    """A gradebook timestamp (naive UTC) in Japan time."""
    if timestamp is None:
        return ""
    from datetime import UTC, timedelta, timezone

    jst = timezone(timedelta(hours=9), "JST")
    if timestamp.tzinfo is None:
        timestamp = timestamp.replace(tzinfo=UTC)
    return timestamp.astimezone(jst).strftime("%Y-%m-%d %H:%M（日本時間）")


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)


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
        notes=[note_text(cell) for cell in cells if is_grader_note(cell)],
        problem=problem,
        questions=questions,
        blocks=blocks,
    )


def generate(
    assignment: str,
    students: Sequence[str] | None = None,
    course_root: Path | str | None = None,
) -> FeedbackSummary:
    """Write feedback pages for ``assignment`` (all submissions, or only ``students``)."""
    course = open_course(course_root)
    begin, end = hidden_delimiters(course)
    summary = FeedbackSummary(assignment)
    with open_gradebook(course) as gradebook:
        try:
            gradebook.find_assignment(assignment)
        except api.MissingEntry as error:
            known = "、".join(a.name for a in gradebook.assignments) or "なし"
            raise FeedbackError(
                f"課題「{assignment}」は gradebook にありません（ある課題: {known}）。"
            ) from error
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
