"""results.xlsx: the run's tables as formatted sheets, plus the data notes (openpyxl).

Sheet 「要旨」 holds title, 作成日, 出典 and the 要旨 sentences; one sheet per result table
(numbers at full precision with a number format, so Excel can compute with them); then
「データについての注意」 (every note) and 「パラメータ」.  Headers are bold on a fill, frozen
under, and columns are as wide as their longest text.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from workbench.templates.content import ReportContent, reading_lines

HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
HEADER_FONT = Font(bold=True)
#: Whole numbers with separators; others 4 decimals on screen, tiny ones (p values such as
#: 1.6e-07) in E notation so they do not show as 0.0000.  The cell keeps full precision.
INT_FORMAT, FLOAT_FORMAT, TINY_FORMAT = "#,##0", "#,##0.0000", "0.00E+00"
#: Excel refuses these in sheet names.
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")


def _width(text: str) -> float:
    """Column width in Excel units: full-width characters take two."""
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text) + 2


def _cell_value(value: Any) -> Any:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    if isinstance(value, int | float | str | bool):
        return value
    return str(value)


def _float_format(value: float) -> str:
    if value.is_integer():
        return INT_FORMAT
    return TINY_FORMAT if abs(value) < 1e-3 else FLOAT_FORMAT


def _write_frame(ws: Any, frame: pd.DataFrame, start_row: int = 1) -> None:
    widths = [_width(str(c)) for c in frame.columns]
    for j, name in enumerate(frame.columns, start=1):
        cell = ws.cell(start_row, j, str(name))
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for i, row in enumerate(frame.itertuples(index=False, name=None), start=start_row + 1):
        for j, value in enumerate(row, start=1):
            cell = ws.cell(i, j, _cell_value(value))
            if isinstance(cell.value, bool):
                continue
            if isinstance(cell.value, int):
                cell.number_format = INT_FORMAT
            elif isinstance(cell.value, float):
                cell.number_format = _float_format(cell.value)
            widths[j - 1] = max(
                widths[j - 1],
                _width(str(cell.value or "")) if not isinstance(cell.value, float) else 14,
            )
    for j, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(j)].width = min(width, 60)
    ws.freeze_panes = ws.cell(start_row + 1, 1)


def _sheet_title(title: str, used: set[str]) -> str:
    base = _BAD_SHEET_CHARS.sub("_", title)[:28] or "表"
    name, k = base, 2
    while name in used:
        name, k = f"{base[:26]}_{k}", k + 1
    used.add(name)
    return name


def write_xlsx(content: ReportContent, path: Path) -> None:
    book = Workbook()
    front = book.active
    front.title = "要旨"
    front.append([content.title])
    front["A1"].font = Font(bold=True, size=14)
    for line in content.header_lines():
        front.append([line])
    front.append([])
    front.append(["要旨"])
    front.cell(front.max_row, 1).font = HEADER_FONT
    for sentence in content.summary:
        front.append([sentence])
    front.append([])
    front.append(["結論"])
    front.cell(front.max_row, 1).font = HEADER_FONT
    front.append([content.result.get("conclusion", "")])
    front.column_dimensions["A"].width = 120

    used = {"要旨"}
    for table in content.tables:
        _write_frame(book.create_sheet(_sheet_title(table.title, used)), table.frame)

    notes_sheet = book.create_sheet(_sheet_title("データについての注意", used))
    lines = reading_lines(content.result) + (content.result.get("caveats") or [])
    for line in lines:
        notes_sheet.append([line])
    notes = content.notes.rename(columns={"行": "行番号"})
    if not notes.empty:
        _write_frame(notes_sheet, notes.astype(str), start_row=len(lines) + 2)
    else:
        notes_sheet.column_dimensions["A"].width = 80

    params = content.result.get("parameters", {})
    _write_frame(
        book.create_sheet(_sheet_title("パラメータ", used)),
        pd.DataFrame({"パラメータ": list(params), "値": [str(v) for v in params.values()]}),
    )
    book.save(str(path))
