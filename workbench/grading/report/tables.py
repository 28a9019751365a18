"""The grades table for HR records: ``grades.csv`` (UTF-8 with BOM, so Excel reads the
Japanese headers) and ``grades.xlsx`` (the same table, plus a sheet on the questions)."""

from __future__ import annotations

import csv
import math
from pathlib import Path

import pandas as pd

from workbench.grading.report.cohort import Cohort

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
