"""report.docx: the run as an internal 報告資料 in Word (python-docx).

Order: title, 作成日 / データの出典 / file, 要旨, 結果 (the conclusion, real Word tables,
the charts as images), 前提条件の確認, データについての注意, 使ったパラメータ.  Numbers
are written as people read them (analyses.fmt: 4 significant digits, thousands
separators, p as "< 0.001"); the Excel file keeps full precision.
"""

from __future__ import annotations

import io as _io
from pathlib import Path
from typing import Any

import pandas as pd
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from workbench.templates.analyses.common import fmt, fmt_p
from workbench.templates.content import ReportContent, reading_lines

#: Word's Japanese font; set on the East Asian slot so kanji do not fall back to MS Mincho.
FONT = "游ゴシック"
#: The Word notes table stops here (Excel has every note).
MAX_NOTE_ROWS = 200


def cell_text(value: Any, column: str = "") -> str:
    """A table cell for people: p values as "< 0.001", numbers by fmt, text unchanged."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return "—"
    if isinstance(value, bool):
        return "はい" if value else "いいえ"
    if isinstance(value, int | float):
        return fmt_p(value) if "p 値" in column else fmt(value)
    return str(value)


def _style(document: Any) -> None:
    normal = document.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(10.5)
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
    for name in ("Title", "Heading 1", "Heading 2"):
        style = document.styles[name]
        style.font.name = FONT
        style.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)


def _table(document: Any, frame: pd.DataFrame) -> None:
    table = document.add_table(rows=1, cols=len(frame.columns))
    table.style = "Table Grid"
    for cell, name in zip(table.rows[0].cells, frame.columns, strict=True):
        cell.paragraphs[0].add_run(str(name)).bold = True
    for row in frame.itertuples(index=False, name=None):
        cells = table.add_row().cells
        for j, (cell, value) in enumerate(zip(cells, row, strict=True)):
            label = str(frame.columns[j]) if j else ""
            # Key-value tables: the label in column 0 says whether the value is a p value.
            column = str(row[0]) if len(frame.columns) == 2 and j == 1 else label
            cell.text = cell_text(value, column)
            if isinstance(value, int | float) and not isinstance(value, bool):
                cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT


def _bullets(document: Any, lines: list[str]) -> None:
    for line in lines:
        document.add_paragraph(line, style="List Bullet")


def write_docx(content: ReportContent, path: Path) -> None:
    document = Document()
    _style(document)
    for section in document.sections:
        section.left_margin = section.right_margin = Cm(2.0)
    document.add_heading(content.title, level=0)
    for line in content.header_lines():
        document.add_paragraph(line).paragraph_format.space_after = Pt(0)

    document.add_heading("要旨", level=1)
    _bullets(document, content.summary)

    document.add_heading("結果", level=1)
    document.add_paragraph(content.result.get("conclusion", ""))
    for table in content.tables:
        document.add_heading(table.title, level=2)
        _table(document, table.frame)
    for image in content.images:
        document.add_picture(_io.BytesIO(image), width=Cm(15))

    document.add_heading("前提条件の確認", level=1)
    caveats = content.result.get("caveats") or []
    _bullets(document, caveats or ["前提条件のチェックで大きな問題は見つかりませんでした。"])

    document.add_heading("データについての注意", level=1)
    _bullets(document, reading_lines(content.result))
    notes = content.notes
    if not notes.empty:
        shown = notes.head(MAX_NOTE_ROWS).rename(columns={"行": "行番号"})
        rest = len(notes) - len(shown)
        document.add_paragraph(
            f"読み込みで判断・変換した値（{len(notes)}件"
            + (f"。ここには先頭{len(shown)}件、全件は results.xlsx）" if rest else "）")
        )
        _table(document, shown.astype(str))

    document.add_heading("使ったパラメータ", level=1)
    params = content.result.get("parameters", {})
    _table(document, pd.DataFrame({"パラメータ": list(params), "値": map(str, params.values())}))
    document.save(str(path))
