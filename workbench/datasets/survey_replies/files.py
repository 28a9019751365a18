"""Each reply rendered as the file the municipality sent: xlsx (with or without the
記入例 sheet, title rows, renamed headers, text numbers), cp932 CSV, or a broken file."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Font

from workbench.datasets.files import save_deterministic_xlsx, write_excel_csv
from workbench.datasets.survey_replies.model import COLUMNS, EXAMPLE_VALUES, PROCEDURES, Reply


def _full_width(number: int) -> str:
    return str(number).translate({ord(d): chr(ord(d) + 0xFEE0) for d in "0123456789"})


def _cells(reply: Reply, as_text: bool) -> list[list[object]]:
    """The table rows (header first) exactly as the municipality typed them."""
    header = [reply.headers.get(c, c) for c in COLUMNS]
    rows = [header]
    blanks = {(r, c): text for r, c, text in reply.unanswered}
    for r, (name, *_) in enumerate(PROCEDURES):
        values: list[object] = [name]
        for c, value in ((1, reply.counts[r]), (2, reply.online[r])):
            if (r, c) in blanks:
                values.append(blanks[(r, c)] or None)
            elif value is None:
                values.append("－")
            elif as_text:
                values.append(f"{value:,}")  # Excel saves number formats into CSV
            elif (r, c) in reply.text_numbers:
                values.append(_full_width(value) if value < 1000 else f"{value:,}")
            else:
                values.append(value)
        values.append(reply.notes[r] or None)
        rows.append(values)
    return rows


def write_sheet(sheet, rows: list[list[object]], title_rows: list[str]) -> None:
    for row, text in enumerate(title_rows, start=1):
        if text:
            sheet.cell(row=row, column=1, value=text)
    start = len(title_rows) + 1
    for offset, row in enumerate(rows):
        for col, value in enumerate(row, start=1):
            cell = sheet.cell(row=start + offset, column=col, value=value)
            if offset == 0:
                cell.font = Font(bold=True)
    sheet.column_dimensions["A"].width = 28
    for letter in "BCD":
        sheet.column_dimensions[letter].width = 16


def example_rows() -> list[list[object]]:
    rows = [list(COLUMNS)]
    for (name, *_), (count, online, note) in zip(PROCEDURES, EXAMPLE_VALUES, strict=True):
        rows.append([name, count, online, note or None])
    return rows


EXAMPLE_NOTE = "【記入例】このシートは記入例です。回答は「回答」シートに入力してください。"


def write_reply(reply: Reply, folder: Path, width: int) -> None:
    path = folder / f"{reply.number:0{width}d}_{reply.city}_回答.xlsx"
    if reply.kind == "missing":
        return
    if reply.kind == "broken":  # a note saved under the workbook's name
        text = (
            "行政手続のオンライン化状況調査　回答\r\n"
            f"{reply.city}　{reply.department}\r\n"
            "（添付ファイルの変換に失敗しました。後ほど再送します。）\r\n"
        )
        path.write_bytes(text.encode("cp932"))
        return
    if reply.kind == "csv":
        rows = _cells(reply, as_text=True)
        frame = pd.DataFrame(rows[1:], columns=rows[0]).fillna("")
        write_excel_csv(frame, path.with_suffix(".csv"))
        return
    titles = []
    if reply.title_rows:
        titles = [f"行政手続のオンライン化状況調査　回答（{reply.city}）"]
        titles.append(f"担当：{reply.department}" if reply.title_rows == 2 else "")
    workbook = Workbook()
    workbook.remove(workbook.active)
    if reply.keep_example_sheet:
        write_sheet(workbook.create_sheet("記入例"), example_rows(), [EXAMPLE_NOTE])
    write_sheet(workbook.create_sheet(reply.sheet), _cells(reply, as_text=False), titles)
    save_deterministic_xlsx(workbook, path)
