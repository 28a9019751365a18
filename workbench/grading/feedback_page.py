"""The feedback page: a safe model of one autograded notebook, and its HTML rendering.

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

import jinja2

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
    is_grader_note,
    nbgrader_meta,
    question_labels,
    test_sources,
    visible_text,
)

WITHHELD = "（採点用テストの内容を含むおそれがあるため、この出力は表示していません）"
NO_IMAGE = "（画像を表示できません）"
NOT_TEXT = "（この出力は HTML などの形式のため、ここでは表示していません）"

MAX_TEXT_CHARS = 5_000
MAX_TEXT_LINES = 200
MAX_IMAGE_BYTES = 3_000_000
BASE64 = re.compile(r"^[A-Za-z0-9+/]+={0,2}$")
IMAGE_TYPES = ("image/png", "image/jpeg", "image/gif")


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
<meta name="workbench-score" content="{{ page.score|float }} / {{ page.max_score|float }}">
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
