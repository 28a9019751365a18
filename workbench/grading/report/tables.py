"""The grades table for HR records: ``grades.csv`` (UTF-8 with BOM, so Excel reads the
Japanese headers) and ``grades.xlsx`` (the same table, plus a sheet on the questions)."""

from __future__ import annotations

import csv
import math
from pathlib import Path

import pandas as pd

from workbench.grading.report.cohort import Cohort
from workbench.grading.report.followup import CompletionRule, follow_ups, score_state

FIXED_COLUMNS = ["職員ID", "氏名", "提出日時", "得点", "満点", "得点率"]
#: After the per-question columns; 状態 stays last.
TRAILING_COLUMNS = ["得点の状態", "修了", "状態"]
FOLLOW_UP_COLUMNS = ["職員ID", "氏名", "得点", "得点率", "理由"]


def _number(value: float | None) -> str:
    return "" if value is None else f"{value:g}"


def grade_rows(cohort: Cohort, rule: CompletionRule | None = None) -> tuple[list[str], list[list]]:
    """Header and rows of the grades table (Python values; None for blank cells)."""
    rule = rule or CompletionRule()
    header = FIXED_COLUMNS + cohort.item_columns() + TRAILING_COLUMNS
    keys = [(item.notebook, item.grade_id) for item in cohort.items]
    rows = []
    for s in cohort.students:
        rows.append(
            [s.student_id, s.name, s.timestamp, s.score, s.max_score, s.rate]
            + [s.scores.get(key) for key in keys]
            + [score_state(s), rule.judge(s), s.status]
        )
    return header, rows


def write_csv(cohort: Cohort, path: Path, rule: CompletionRule | None = None) -> Path:
    header, rows = grade_rows(cohort, rule)
    trailing = len(TRAILING_COLUMNS)
    with open(path, "w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        for row in rows:
            student, name, timestamp, score, maximum, rate, *rest = row
            writer.writerow(
                [student, name, timestamp.strftime("%Y-%m-%d %H:%M:%S") if timestamp else "",
                 _number(score), _number(maximum), "" if rate is None else f"{rate:.1%}"]
                + [_number(v) for v in rest[:-trailing]]
                + rest[-trailing:]
            )  # fmt: skip
    return path


def write_xlsx(
    cohort: Cohort, stats: pd.DataFrame, path: Path, rule: CompletionRule | None = None
) -> Path:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    header, rows = grade_rows(cohort, rule)
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
    widths = [14, 16, 18, 8, 8, 9] + [12] * len(cohort.items) + [20, 16, 28]
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "C2"
    sheet.auto_filter.ref = sheet.dimensions

    questions = book.create_sheet("問題別")
    questions.append(["列名", "ノートブック", "問題ID", "問題", "種類", "満点", "採点済み人数",
                      "平均点", "正答率", "識別力", "採点待ち人数"])  # fmt: skip
    for column, item, (_, stat) in zip(cohort.item_columns(), cohort.items, stats.iterrows(),
                                       strict=True):  # fmt: skip
        questions.append(
            [column, item.notebook, item.grade_id, item.label,
             "自動採点" if item.kind == "auto" else "手採点", item.max_score, int(stat["n"]),
             _blank(stat["mean"]), _blank(stat["difficulty"]), _blank(stat["discrimination"]),
             cohort.pending_count(item)]
        )  # fmt: skip
    for cell in questions[1]:
        cell.font, cell.fill = bold, fill
    for row in questions.iter_rows(min_row=2):
        row[7].number_format = "0.00"
        row[8].number_format = "0.0%"
        row[9].number_format = "0.00"
    for letter, width in zip("ABCDEFGHIJK", [22, 18, 14, 40, 10, 7, 12, 8, 8, 8, 12],
                             strict=True):  # fmt: skip
        questions.column_dimensions[letter].width = width

    follow = book.create_sheet("要フォロー")
    follow.append(FOLLOW_UP_COLUMNS)
    for row in follow_ups(cohort.students):
        follow.append([row.student_id, row.name, row.score, row.rate, "、".join(row.reasons)])
    for cell in follow[1]:
        cell.font, cell.fill = bold, fill
    for row in follow.iter_rows(min_row=2):
        row[3].number_format = "0.0%"
    for letter, width in zip("ABCDE", [14, 16, 8, 9, 60], strict=True):
        follow.column_dimensions[letter].width = width
    follow.freeze_panes = "A2"
    book.save(path)
    return path


def _blank(value: float) -> float | None:
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else value
