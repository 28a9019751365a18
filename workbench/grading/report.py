"""Cohort report for instructors: grades for HR records and a report on the questions.

``write_report`` reads nbgrader's gradebook (and the autograded notebooks, for the hints
learners saw and for grader notes) and writes three files:

- ``grades.csv``: UTF-8 with BOM so Excel opens the Japanese headers correctly;
- ``grades.xlsx``: the same table for HR records, plus a sheet on the questions;
- ``report.html``: score distribution, completion, per-question difficulty and
  discrimination, the most common ❌ hints, with charts inlined as PNG data URIs.

Item statistics (classical test theory), over the students who submitted:

- difficulty (正答率) = mean of score / max score;
- discrimination (識別力) = Pearson correlation of the item score with the rest score
  (the student's total minus this item), i.e. the corrected item-total or, for a 0/1
  item, point-biserial correlation. Undefined (blank) when either side has no variance.

A manually graded item that is not graded yet counts as missing: it is left out of that
item's statistics and adds 0 to the rest score of the other items.
"""

from __future__ import annotations

import base64
import csv
import io
import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import numpy as np
import pandas as pd
from nbgrader import api

from workbench.errors import WorkbenchError
from workbench.grading import feedback, feedback_page, gradebook_views, hidden_tests
from workbench.grading import notebook_cells as nb_cells
from workbench.grading.faults import Fault

JST = timezone(timedelta(hours=9), "JST")

STATUS_MISSING = "未提出"
STATUS_DONE = "採点済み"
STATUS_PENDING = "手採点待ち"
STATUS_CHECK = "要確認"

#: Below this the question separates strong and weak learners poorly (common rule of thumb).
LOW_DISCRIMINATION = 0.2
TOP_HINTS = 15


class ReportError(WorkbenchError, RuntimeError):
    """The report could not be made; the message says what to do, in Japanese."""


@dataclass(frozen=True)
class Item:
    """One graded question of the assignment."""

    notebook: str
    grade_id: str
    label: str
    kind: str  # "auto" or "manual"
    max_score: float

    @property
    def short(self) -> str:
        """``演習2`` from ``演習2（2点）: 図書館の…``; the grade id when there is no heading."""
        short = re.split(r"[（(:：\s]", self.label, maxsplit=1)[0].strip()
        return short or self.grade_id


@dataclass
class StudentRecord:
    student_id: str
    name: str
    submitted: bool
    timestamp: datetime | None = None  # Japan time, naive
    score: float | None = None
    max_score: float = 0.0
    scores: dict[tuple[str, str], float | None] = field(default_factory=dict)
    status: str = STATUS_MISSING
    faults: list[str] = field(default_factory=list)

    @property
    def rate(self) -> float | None:
        if self.score is None or not self.max_score:
            return None
        return self.score / self.max_score


@dataclass(frozen=True)
class Hint:
    grade_id: str
    label: str
    message: str
    hidden: bool
    count: int


@dataclass
class Cohort:
    assignment: str
    items: list[Item]
    students: list[StudentRecord]
    hints: list[Hint]

    @property
    def submitted(self) -> list[StudentRecord]:
        return [s for s in self.students if s.submitted]

    @property
    def max_score(self) -> float:
        return sum(item.max_score for item in self.items)

    def item_columns(self) -> list[str]:
        """Column headers for the items: ``演習2（ex2_test）``, unique per assignment."""
        single = len({item.notebook for item in self.items}) == 1
        columns = []
        for item in self.items:
            name = item.grade_id if single else f"{item.notebook}:{item.grade_id}"
            columns.append(f"{item.short}（{name}）" if item.short != item.grade_id else name)
        if len(set(columns)) != len(columns):
            columns = [f"{item.notebook}:{item.grade_id}" for item in self.items]
        return columns

    def score_matrix(self) -> pd.DataFrame:
        """Submitted students × items; NaN where a manual grade is still pending."""
        keys = [(item.notebook, item.grade_id) for item in self.items]
        rows = {
            s.student_id: [np.nan if s.scores.get(k) is None else s.scores[k] for k in keys]
            for s in self.submitted
        }
        return pd.DataFrame.from_dict(
            rows, orient="index", columns=pd.MultiIndex.from_tuples(keys), dtype="float64"
        )


# ---------------------------------------------------------------------------------------
# Statistics
# ---------------------------------------------------------------------------------------


def _pearson(x: np.ndarray, y: np.ndarray) -> float:
    if len(x) < 2:
        return math.nan
    dx, dy = x - x.mean(), y - y.mean()
    denominator = math.sqrt(float((dx * dx).sum()) * float((dy * dy).sum()))
    if denominator == 0:
        return math.nan
    return float((dx * dy).sum()) / denominator


def item_statistics(scores: pd.DataFrame, max_scores: Sequence[float]) -> pd.DataFrame:
    """Difficulty and discrimination per item (column) of a students × items score table.

    Returns one row per item with ``n`` (students with a score), ``mean`` (mean score),
    ``difficulty`` (mean score rate) and ``discrimination`` (corr(item, total − item)).
    """
    values = scores.to_numpy(dtype="float64")
    total = np.nansum(values, axis=1)
    rows = []
    for column, maximum in enumerate(max_scores):
        item = values[:, column]
        present = ~np.isnan(item)
        x = item[present]
        rest = total[present] - x
        rows.append(
            {
                "n": int(present.sum()),
                "mean": float(x.mean()) if len(x) else math.nan,
                "difficulty": float((x / maximum).mean()) if len(x) and maximum else math.nan,
                "discrimination": _pearson(x, rest),
            }
        )
    return pd.DataFrame(rows, index=scores.columns)


# ---------------------------------------------------------------------------------------
# Reading the gradebook and the autograded notebooks
# ---------------------------------------------------------------------------------------


def _items(course, gradebook: api.Gradebook, assignment: str) -> list[Item]:
    items = []
    for notebook in sorted(gradebook.find_assignment(assignment).notebooks, key=lambda n: n.name):
        cells: list[dict] = []
        for folder in (course.source(assignment), Path(course.coursedir.format_path(
                course.coursedir.release_directory, ".", assignment))):  # fmt: skip
            try:
                cells = nb_cells.read_notebook(folder / f"{notebook.name}.ipynb")["cells"]
                break
            except (OSError, ValueError):
                continue
        order = {
            nb_cells.nbgrader_meta(cell).get("grade_id"): index for index, cell in enumerate(cells)
        }
        labels = nb_cells.question_labels(cells)
        graded = list(notebook.grade_cells) + list(notebook.task_cells)
        graded.sort(key=lambda c: (order.get(c.name, len(order)), c.name))
        for cell in graded:
            code = isinstance(cell, api.GradeCell) and cell.cell_type == "code"
            kind = "auto" if code else "manual"
            items.append(
                Item(notebook.name, cell.name, labels.get(cell.name, cell.name), kind,
                     float(cell.max_score))
            )  # fmt: skip
    return items


def _to_japan_time(timestamp: datetime | None) -> datetime | None:
    if timestamp is None:
        return None
    if timestamp.tzinfo is None:
        timestamp = timestamp.replace(tzinfo=UTC)
    return timestamp.astimezone(JST).replace(tzinfo=None)


def _fault_labels(cell: dict) -> list[str]:
    """Fault labels of a grader note: from its metadata codes, else its first line."""
    meta = (cell.get("metadata") or {}).get("workbench") or {}
    labels = []
    for code in meta.get("faults") or []:
        try:
            labels.append(Fault(code).label)
        except ValueError:
            labels.append(str(code))
    if not labels:
        lines = [line.lstrip("-• ").strip() for line in nb_cells.note_text(cell).splitlines()]
        labels = [line for line in lines[1:2] if line] or ["採点メモあり"]
    return labels


def _scan_notebook(
    cells: list[dict], begin: str, end: str, labels: dict[str, str], hints: Counter
) -> list[str]:
    """Count the ❌ hints of one autograded notebook; return its grader-note fault labels."""
    faults: list[str] = []
    for cell in cells:
        if nb_cells.is_grader_note(cell):
            faults += _fault_labels(cell)
            continue
        meta = nb_cells.nbgrader_meta(cell)
        if cell.get("cell_type") != "code" or not meta.get("grade") or meta.get("solution"):
            continue
        test = hidden_tests.split_hidden(hidden_tests.text_of(cell.get("source")), begin, end)
        seen = set()
        failure = hidden_tests.failure_of(cell, test)
        if failure is not None and failure.message.startswith("❌"):
            seen.add((failure.message, failure.where == "hidden"))
        for line in hidden_tests.stream_text(cell).splitlines():
            if line.strip().startswith("❌"):
                seen.add((line.strip(), False))
        grade_id = meta.get("grade_id", "")
        for message, hidden in seen:
            hints[(grade_id, labels.get(grade_id, grade_id), message, hidden)] += 1
    return faults


def load_cohort(assignment: str, course_root: Path | str | None = None) -> Cohort:
    """Everything the report shows, read once from the gradebook and autograded files."""
    course = feedback.open_course(course_root)
    begin, end = feedback.hidden_delimiters(course)
    with feedback.open_gradebook(course) as gradebook:
        try:
            gradebook.find_assignment(assignment)
        except api.MissingEntry as error:
            known = "、".join(a.name for a in gradebook.assignments) or "なし"
            raise ReportError(
                f"課題「{assignment}」は gradebook にありません（ある課題: {known}）。"
            ) from error
        items = _items(course, gradebook, assignment)
        students = {
            sid: StudentRecord(sid, " ".join(p for p in (last, first) if p), submitted=False)
            for sid, first, last in gradebook.db.query(
                api.Student.id, api.Student.first_name, api.Student.last_name
            )
        }
        pending: set[str] = set()
        for sid, view in gradebook_views.load_submissions(gradebook, assignment).items():
            record = students.setdefault(sid, StudentRecord(sid, view.name, submitted=False))
            record.submitted = True
            record.timestamp = _to_japan_time(view.timestamp)
            for notebook, grades in view.grades.items():
                for cell, grade in grades.items():
                    waiting = grade.needs_manual_grade and grade.manual_score is None
                    record.scores[(notebook, cell)] = None if waiting else grade.score
                    if waiting:
                        pending.add(sid)
    maximum = sum(item.max_score for item in items)
    labels_by_notebook: dict[str, dict[str, str]] = {}
    for item in items:
        labels_by_notebook.setdefault(item.notebook, {})[item.grade_id] = item.label
    hints: Counter = Counter()
    for record in students.values():
        record.max_score = maximum
        if not record.submitted:
            continue
        record.score = sum(v for v in record.scores.values() if v is not None)
        for notebook in labels_by_notebook:
            path = course.autograded(record.student_id, assignment) / f"{notebook}.ipynb"
            try:
                cells = nb_cells.read_notebook(path)["cells"]
            except FileNotFoundError:
                record.faults.append("採点済みノートブックなし")
                continue
            except (OSError, ValueError):
                record.faults.append("採点済みノートブックが読めない")
                continue
            record.faults += _scan_notebook(cells, begin, end, labels_by_notebook[notebook], hints)
        record.faults = list(dict.fromkeys(record.faults))
        if record.faults:
            record.status = f"{STATUS_CHECK}（{'・'.join(record.faults)}）"
        elif record.student_id in pending:
            record.status = STATUS_PENDING
        else:
            record.status = STATUS_DONE
    top = [
        Hint(grade_id, label, message, hidden, count)
        for (grade_id, label, message, hidden), count in sorted(
            hints.items(), key=lambda kv: (-kv[1], kv[0][0], kv[0][2])
        )[:TOP_HINTS]
    ]
    ordered = sorted(students.values(), key=lambda s: s.student_id)
    return Cohort(assignment, items, ordered, top)


# ---------------------------------------------------------------------------------------
# Tables: CSV and Excel
# ---------------------------------------------------------------------------------------

FIXED_COLUMNS = ["職員ID", "氏名", "提出日時", "得点", "満点", "得点率"]


def _number(value: float | None) -> str:
    return "" if value is None else f"{value:g}"


def grade_rows(cohort: Cohort) -> tuple[list[str], list[list]]:
    """Header and rows of the grades table (Python values; None for blank cells)."""
    header = FIXED_COLUMNS + cohort.item_columns() + ["状態"]
    keys = [(item.notebook, item.grade_id) for item in cohort.items]
    rows = []
    for s in cohort.students:
        rows.append(
            [s.student_id, s.name, s.timestamp, s.score, s.max_score, s.rate]
            + [s.scores.get(key) for key in keys]
            + [s.status]
        )
    return header, rows


def write_csv(cohort: Cohort, path: Path) -> Path:
    header, rows = grade_rows(cohort)
    with open(path, "w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        for row in rows:
            student, name, timestamp, score, maximum, rate, *rest = row
            writer.writerow(
                [student, name, timestamp.strftime("%Y-%m-%d %H:%M:%S") if timestamp else "",
                 _number(score), _number(maximum), "" if rate is None else f"{rate:.1%}"]
                + [_number(v) for v in rest[:-1]]
                + [rest[-1]]
            )  # fmt: skip
    return path


def write_xlsx(cohort: Cohort, stats: pd.DataFrame, path: Path) -> Path:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    header, rows = grade_rows(cohort)
    book = Workbook()
    sheet = book.active
    sheet.title = "成績"
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="DDEBF7")
    for cell in sheet[1]:
        cell.font, cell.fill = bold, fill
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    for row in sheet.iter_rows(min_row=2):
        row[2].number_format = "yyyy-mm-dd hh:mm"
        row[5].number_format = "0.0%"
    widths = [14, 16, 18, 8, 8, 9] + [12] * len(cohort.items) + [28]
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "C2"
    sheet.auto_filter.ref = sheet.dimensions

    questions = book.create_sheet("問題別")
    questions.append(["列名", "ノートブック", "問題ID", "問題", "種類", "満点", "採点済み人数",
                      "平均点", "正答率", "識別力"])  # fmt: skip
    for column, item, (_, stat) in zip(cohort.item_columns(), cohort.items, stats.iterrows(),
                                       strict=True):  # fmt: skip
        questions.append(
            [column, item.notebook, item.grade_id, item.label,
             "自動採点" if item.kind == "auto" else "手採点", item.max_score, int(stat["n"]),
             _blank(stat["mean"]), _blank(stat["difficulty"]), _blank(stat["discrimination"])]
        )  # fmt: skip
    for cell in questions[1]:
        cell.font, cell.fill = bold, fill
    for row in questions.iter_rows(min_row=2):
        row[7].number_format = "0.00"
        row[8].number_format = "0.0%"
        row[9].number_format = "0.00"
    for letter, width in zip("ABCDEFGHIJ", [22, 18, 14, 40, 10, 7, 12, 8, 8, 8], strict=True):
        questions.column_dimensions[letter].width = width
    book.save(path)
    return path


def _blank(value: float) -> float | None:
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else value


# ---------------------------------------------------------------------------------------
# Charts and HTML
# ---------------------------------------------------------------------------------------


def _png(figure) -> str:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=100, bbox_inches="tight")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def _figure(width: float = 8.0, height: float = 4.0):
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), layout="constrained")


def chart_distribution(cohort: Cohort) -> str:
    scores = np.array([s.score for s in cohort.submitted], dtype="float64")
    figure = _figure()
    ax = figure.subplots()
    maximum = cohort.max_score
    if maximum and maximum <= 50:
        bins = np.arange(-0.5, math.floor(maximum) + 1.5, 1.0)
    else:
        bins = 20
    ax.hist(scores, bins=bins, color="#4C78A8", edgecolor="white")
    if len(scores):
        mean = float(scores.mean())
        ax.axvline(mean, color="#E45756", linestyle="--", label=f"平均 {mean:.1f}点")
        ax.legend()
    ax.set_title(f"得点分布（提出者 {len(scores)}人、満点 {maximum:g}点）")
    ax.set_xlabel("得点")
    ax.set_ylabel("人数")
    ax.yaxis.get_major_locator().set_params(integer=True)
    return _png(figure)


def chart_completion(cohort: Cohort) -> str:
    done, missing = len(cohort.submitted), len(cohort.students) - len(cohort.submitted)
    figure = _figure(8.0, 1.8)
    ax = figure.subplots()
    ax.barh([0], [done], color="#54A24B", label=f"提出済み {done}人")
    ax.barh([0], [missing], left=[done], color="#BAB0AC", label=f"未提出 {missing}人")
    ax.set_yticks([])
    ax.set_xlim(0, max(done + missing, 1))
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.set_xlabel("人数")
    total = max(done + missing, 1)
    ax.set_title(f"提出状況（対象 {done + missing}人、提出率 {done / total:.0%}）")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.45), ncol=2)
    ax.grid(False)
    return _png(figure)


def chart_items(cohort: Cohort, stats: pd.DataFrame) -> str:
    names = [item.short for item in cohort.items]
    positions = np.arange(len(names))
    figure = _figure(9.0, 0.45 * len(names) + 1.6)
    left, right = figure.subplots(1, 2, sharey=True)
    difficulty = stats["difficulty"].to_numpy(dtype="float64")
    discrimination = stats["discrimination"].to_numpy(dtype="float64")
    left.barh(positions, np.nan_to_num(difficulty), color="#4C78A8")
    left.set_xlim(0, 1)
    left.set_title("正答率（得点 ÷ 満点 の平均）")
    left.xaxis.set_major_formatter(lambda v, _: f"{v:.0%}")
    colors = ["#E45756" if not v >= LOW_DISCRIMINATION else "#54A24B" for v in discrimination]
    right.barh(positions, np.nan_to_num(discrimination), color=colors)
    right.axvline(LOW_DISCRIMINATION, color="#888888", linestyle="--", linewidth=1)
    right.axvline(0, color="#333333", linewidth=0.8)
    right.set_xlim(-1, 1)
    right.set_title("識別力（残りの合計点との相関）")
    left.set_yticks(positions, names)
    left.invert_yaxis()
    return _png(figure)


REPORT_TEMPLATE = """<!DOCTYPE html>
<html lang="ja"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy"
 content="default-src 'none'; img-src data:; style-src 'unsafe-inline'">
<title>成績レポート: {{ c.assignment }}</title><style>{{ style }}</style></head>
<body><main>
<h1>成績レポート（講師用）</h1>
<p class="meta">課題: {{ c.assignment }}　作成: {{ created }}（日本時間）
　満点: {{ c.max_score|pts }}点</p>

<h2>概要</h2>
<table><tbody>
<tr><th>対象者（gradebook の受講者）</th><td class="num">{{ c.students|length }}人</td></tr>
<tr><th>提出済み / 未提出</th><td class="num">{{ c.submitted|length }}人 / {{ missing }}人
（提出率 {{ rate }}）</td></tr>
<tr><th>平均点 / 中央値 / 標準偏差</th><td class="num">{{ summary.mean }} / {{ summary.median }}
 / {{ summary.sd }}</td></tr>
<tr><th>最高点 / 最低点</th><td class="num">{{ summary.max }} / {{ summary.min }}</td></tr>
<tr><th>手採点待ち</th><td class="num">{{ pending }}人</td></tr>
<tr><th>要確認（採点時の問題あり）</th><td class="num">{{ check|length }}人</td></tr>
</tbody></table>

<h2>得点分布</h2>
{% if charts.distribution %}<img src="{{ charts.distribution }}" alt="得点分布のヒストグラム">
{% else %}<p class="note">提出がないため表示できません。</p>{% endif %}

<h2>提出状況</h2>
<img src="{{ charts.completion }}" alt="提出済みと未提出の人数">

<h2>問題別の分析</h2>
<p class="meta">正答率 = 得点 ÷ 満点 の平均（高いほど易しい）。識別力 = その問題の得点と
「その問題を除いた合計点」の相関係数（−1〜1）。{{ low }} 未満は、よくできる人とそうでない人を
見分けにくい問題です（負の値は設問や採点の見直しを検討してください）。手採点が済んでいない回答は
集計に含めていません。</p>
{% if charts.questions %}
<img src="{{ charts.questions }}" alt="問題ごとの正答率と識別力">{% endif %}
<table><thead><tr><th>問題</th><th>種類</th><th>満点</th><th>採点済み</th><th>平均点</th>
<th>正答率</th><th>識別力</th><th>メモ</th></tr></thead><tbody>
{% for row in items %}
<tr><td>{{ row.label }}<br><span class="label">{{ row.id }}</span></td><td>{{ row.kind }}</td>
<td class="num">{{ row.max }}</td><td class="num">{{ row.n }}人</td>
<td class="num">{{ row.mean }}</td><td class="num">{{ row.difficulty }}</td>
<td class="num">{{ row.discrimination }}</td><td>{{ row.note }}</td></tr>
{% endfor %}
</tbody></table>

<h2>よく表示されたヒント（❌）</h2>
{% if c.hints %}
<table><thead><tr><th>問題</th><th>ヒント</th><th>人数</th><th>出どころ</th></tr></thead><tbody>
{% for h in c.hints %}
<tr><td>{{ h.label }}<br><span class="label">{{ h.grade_id }}</span></td><td>{{ h.message }}</td>
<td class="num">{{ h.count }}</td><td>{{ "隠しテスト" if h.hidden else "確認セル" }}</td></tr>
{% endfor %}
</tbody></table>
{% else %}<p class="note">❌ のヒントは記録されていません。</p>{% endif %}

{% if check %}
<h2>要確認の提出</h2>
<table><thead><tr><th>職員ID</th><th>氏名</th><th>状態</th></tr></thead><tbody>
{% for s in check %}<tr><td>{{ s.student_id }}</td><td>{{ s.name }}</td><td>{{ s.status }}</td></tr>
{% endfor %}</tbody></table>
{% endif %}
<p class="meta">成績一覧は同じフォルダの grades.csv / grades.xlsx にあります。</p>
</main></body></html>
"""

REPORT_STYLE = feedback_page.STYLE + "main{max-width:1040px}"


def _fmt(value: float | None, pattern: str = "{:.2f}") -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    return pattern.format(value)


def _item_note(item: Item, stat: pd.Series) -> str:
    notes = []
    if stat["n"] == 0:
        return "採点済みの回答なし"
    if not stat["discrimination"] >= LOW_DISCRIMINATION:
        if math.isnan(stat["discrimination"]):
            notes.append("全員同じ得点のため識別力なし")
        elif stat["discrimination"] < 0:
            notes.append("識別力が負（要見直し）")
        else:
            notes.append("識別力が低い")
    if stat["difficulty"] >= 0.95:
        notes.append("ほぼ全員正解")
    elif stat["difficulty"] <= 0.3:
        notes.append("正答率が低い")
    return "、".join(notes)


def render_report(cohort: Cohort, stats: pd.DataFrame, created: datetime) -> str:
    scores = pd.Series([s.score for s in cohort.submitted], dtype="float64")
    summary = {
        "mean": _fmt(scores.mean(), "{:.1f}点") if len(scores) else "—",
        "median": _fmt(scores.median(), "{:g}点") if len(scores) else "—",
        "sd": _fmt(scores.std(ddof=0), "{:.1f}") if len(scores) else "—",
        "max": _fmt(scores.max(), "{:g}点") if len(scores) else "—",
        "min": _fmt(scores.min(), "{:g}点") if len(scores) else "—",
    }
    items = [
        {
            "label": item.label,
            "id": item.grade_id,
            "kind": "自動採点" if item.kind == "auto" else "手採点",
            "max": f"{item.max_score:g}",
            "n": int(stat["n"]),
            "mean": _fmt(stat["mean"]),
            "difficulty": _fmt(stat["difficulty"], "{:.1%}"),
            "discrimination": _fmt(stat["discrimination"]),
            "note": _item_note(item, stat),
        }
        for item, (_, stat) in zip(cohort.items, stats.iterrows(), strict=True)
    ]
    from workbench import plotting

    plotting.setup()
    charts = {
        "distribution": chart_distribution(cohort) if cohort.submitted else "",
        "completion": chart_completion(cohort),
        "questions": chart_items(cohort, stats) if cohort.items and cohort.submitted else "",
    }
    missing = len(cohort.students) - len(cohort.submitted)
    return (
        feedback_page.environment()
        .from_string(REPORT_TEMPLATE)
        .render(
            c=cohort,
            style=REPORT_STYLE,
            created=created.strftime("%Y-%m-%d %H:%M"),
            missing=missing,
            rate=f"{len(cohort.submitted) / max(len(cohort.students), 1):.0%}",
            summary=summary,
            pending=sum(s.status == STATUS_PENDING for s in cohort.students),
            check=[s for s in cohort.students if s.status.startswith(STATUS_CHECK)],
            items=items,
            low=LOW_DISCRIMINATION,
            charts=charts,
        )
    )


# ---------------------------------------------------------------------------------------
# Entry point
# ---------------------------------------------------------------------------------------


@dataclass
class ReportSummary:
    folder: Path
    csv: Path
    xlsx: Path
    html: Path
    students: int
    submitted: int
    mean: float | None


def write_report(
    assignment: str, out_dir: Path | str | None = None, course_root: Path | str | None = None
) -> ReportSummary:
    """Write grades.csv, grades.xlsx and report.html for ``assignment``."""
    cohort = load_cohort(assignment, course_root)
    if out_dir is None:
        out_dir = feedback.open_course(course_root).root / "reports" / assignment
    folder = Path(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    stats = item_statistics(cohort.score_matrix(), [item.max_score for item in cohort.items])
    csv_path = write_csv(cohort, folder / "grades.csv")
    xlsx_path = write_xlsx(cohort, stats, folder / "grades.xlsx")
    html_path = folder / "report.html"
    html_path.write_text(render_report(cohort, stats, datetime.now(JST)), encoding="utf-8")
    scores = [s.score for s in cohort.submitted]
    return ReportSummary(
        folder, csv_path, xlsx_path, html_path, len(cohort.students), len(scores),
        sum(scores) / len(scores) if scores else None,
    )  # fmt: skip
