"""Checks a CSV/Excel file against the national machine-readability rules.

The rules are 総務省「統計表における機械判読可能なデータの表記方法の統一ルール」
(2020-12; チェック項目 1-1 … 1-15), which デジタル庁's 「行政データにおける機械可読性に
関するルール」 builds on.  Each finding names the rule (its チェック項目 number), the
sheet and the cells (B12, A4:B5), and how to fix it.  The table is located with the same
reader the templates use (workbench.io: heading rows, merged cells, total and note
rows), so "where the table is" has one implementation; ``readability`` then says
whether and how the workbench itself can still read the sheet.

What is checked (rule → how):
- 1-2 one value per cell: two numbers in one cell (12(3), 1,200/300), a ※ mark on a value.
- 1-3 numbers as numbers: number text in a number column (Excel "1,234" as text, 全角
  digits, △), or words (不明, 調査中) where numbers are expected.
- 1-4 merged cells: every merged range.
- 1-5 spaces and line breaks for layout: leading/trailing or 全角 spaces, double spaces,
  Alt+Enter breaks.
- 1-6 item names: a column with data and no heading.
- 1-7 formulas: cells that hold a formula instead of the value.
- 1-9 units in headings: a unit written in the cell (120人, 35%).
- 1-10 platform-dependent characters: ①, Ⅲ, ㈱, ㍻, 髙 (NEC/IBM extensions of cp932),
  half-width kana.
- 1-11 dates: 和暦 without the western year in data cells.
- 1-13 data split: blank rows or columns inside the table, notes between data rows.
- 1-14 one table per sheet: a second heading below a blank row.
- 1-15 missing values: blank cells in a number column (blank cannot be told from 0,
  該当なし or 秘匿; write -, … or x and explain them in a note).
- 書式 cell formatting as data: fill colour, font colour or strike-through on some cells
  of a data column (colour is invisible to every program that reads the values).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
from openpyxl.utils import get_column_letter

from workbench.io.encodings import _csv_rows, _read_bytes
from workbench.io.excel import read_sheet, sheet_names
from workbench.io.tables import _CSV_SUFFIXES, _EXCEL_SUFFIXES, read_table
from workbench.io.text import _is_missing

#: Rule id → (the rule as the national text words it, how to fix it).
RULES: dict[str, tuple[str, str]] = {
    "1-2": (
        "1セル1データとなっているか",
        "値は1つのセルに1つだけ書き、注記の印は別の列に移してください",
    ),
    "1-3": (
        "数値データは数値属性とし、文字列を含まないこと",
        "数値は数値として入力し（全角数字・桁区切りの文字・△は使わない）、文字は別の列に移してください",
    ),
    "1-4": ("セルの結合をしていないか", "結合を解除し、各セルに値を入れてください"),
    "1-5": (
        "スペースや改行等で体裁を整えていないか",
        "体裁のための空白・改行を削除してください（配置はセルの書式で整えます）",
    ),
    "1-6": ("項目名等を省略していないか", "すべての列に項目名（見出し）を書いてください"),
    "1-7": (
        "数式を使用している場合は、数値データに修正しているか",
        "数式を値に置き換えてください（コピー→値の貼り付け）",
    ),
    "1-9": (
        "データの単位を記載しているか",
        "単位はセルではなく見出しに書いてください（例: 人口（人））",
    ),
    "1-10": (
        "機種依存文字を使用していないか",
        "①→(1)、㈱→(株)、㍻→平成、髙→高 のように置き換え、半角カナは全角にしてください",
    ),
    "1-11": (
        "西暦表記又は和暦に西暦の併記がされているか",
        "日付は西暦（2024-04-01）か、和暦に西暦を併記してください",
    ),
    "1-13": (
        "データが分断されていないか",
        "表の途中の空行・空列や注記を削除し、注記は表の下にまとめてください",
    ),
    "1-14": ("1つのシートに複数の表が含まれていないか", "表ごとに別のシートに分けてください"),
    "1-15": (
        "欠損値は定められた記号で表記されているか",
        "空欄のままにせず、0・「-」（該当なし）・「…」（不詳）・「x」（秘匿）を書き分け、注記で説明してください",
    ),
    "書式": (
        "セルの色や書式で意味を表していないか",
        "色・取り消し線の意味は、別の列に文字で書いてください",
    ),
}

#: Characters in cp932 but not JIS X 0208 that only map differently, not platform-dependent.
_MAPPING_VARIANTS = set("～∥－￠￡￢")
_HALF_KANA = re.compile(r"[\uff61-\uff9f]")
_SPACES = re.compile(r"^\s|\s$|\u3000| {2,}")
_TWO_NUMBERS = re.compile(r"^[△▲-]?[\d,.]+\s*[（(/／・、]\s*[△▲-]?[\d,.]+\s*[)）]?$")
_WITH_UNIT = re.compile(
    r"^[△▲-]?[\d,.]+\s*(人|円|千円|万円|百万円|件|%|％|世帯|台|個|回|歳|kg|km|ha|t|時間|日|か所|箇所|人分|戸|棟)$"
)
_NOTE_MARK = re.compile(
    r"^[△▲-]?[\d,.]+\s*(※\d*|\*\d+|注\d*)$|^(※\d*|\*\d+|注\d*)\s*[△▲-]?[\d,.]+$"
)
_WESTERN_YEAR = re.compile(r"(18|19|20)\d\d")
#: At most this many cells are listed per finding; the rest are counted.
SHOWN_CELLS = 8


def address(row: int, column: int) -> str:
    """0-based row/column → Excel address (B12)."""
    return f"{get_column_letter(column + 1)}{row + 1}"


@dataclass
class Finding:
    rule: str
    sheet: str | None
    cells: list[str]
    detail: str

    @property
    def title(self) -> str:
        return RULES[self.rule][0]

    def where(self) -> str:
        shown = "、".join(self.cells[:SHOWN_CELLS])
        rest = len(self.cells) - SHOWN_CELLS
        return shown + (f" ほか{rest}か所" if rest > 0 else "")


@dataclass
class SheetCheck:
    sheet: str | None
    findings: list[Finding] = field(default_factory=list)
    readable: bool = True
    #: Japanese lines: how the workbench reads the sheet (or why it cannot).
    reading: list[str] = field(default_factory=list)


def platform_characters(text: str) -> str:
    """The characters of ``text`` that are platform-dependent (NEC/IBM extensions, 半角カナ)."""
    found = []
    for ch in text:
        if _HALF_KANA.match(ch):
            found.append(ch)
            continue
        if ord(ch) < 0x2000 or ch in _MAPPING_VARIANTS:
            continue
        try:
            ch.encode("cp932")
        except UnicodeEncodeError:
            continue  # not in Japanese Windows either: outside these rules
        try:
            ch.encode("shift_jis")
        except UnicodeEncodeError:
            found.append(ch)
    return "".join(dict.fromkeys(found))


@dataclass
class _Sheet:
    """One sheet's cells as values, with what openpyxl knows beyond them."""

    title: str | None
    raw: pd.DataFrame
    merged: list[tuple[int, int, int, int]] | None
    formulas: list[tuple[int, int]] = field(default_factory=list)
    styled: dict[tuple[int, int], str] = field(default_factory=dict)


def _frame(rows: list[list[Any]]) -> pd.DataFrame:
    width = max(map(len, rows), default=0)
    return pd.DataFrame(
        [
            [None if _is_missing(v) else v for v in row] + [None] * (width - len(row))
            for row in rows
        ],
        dtype=object,
    )


def _style_mark(cell: Any) -> str | None:
    fill = cell.fill
    if fill is not None and fill.fill_type == "solid":
        color = fill.fgColor.rgb if isinstance(fill.fgColor.rgb, str) else None
        if color not in (None, "00000000", "FFFFFFFF"):
            return f"塗りつぶし {color[-6:]}"
    font = cell.font
    if font is not None and font.strike:
        return "取り消し線"
    if font is not None and isinstance(font.color and font.color.rgb, str):
        if font.color.rgb not in ("FF000000", "00000000"):
            return f"文字色 {font.color.rgb[-6:]}"
    return None


def _excel_sheets(path: Path, sheet: str | None) -> list[_Sheet]:
    from openpyxl import load_workbook

    names = [sheet] if sheet else sheet_names(path)
    book = load_workbook(path)  # formulas and styles (values come from read_sheet)
    sheets = []
    try:
        for name in names:
            cells = read_sheet(path, name)
            ws = book[cells.title]
            formulas, styled = [], {}
            for row in ws.iter_rows():
                for cell in row:
                    if cell.data_type == "f":
                        formulas.append((cell.row - 1, cell.column - 1))
                    if cell.value is not None and (mark := _style_mark(cell)):
                        styled[(cell.row - 1, cell.column - 1)] = mark
            sheets.append(_Sheet(cells.title, _frame(cells.rows), cells.merged, formulas, styled))
    finally:
        book.close()
    return sheets


def load_sheets(path: Path, sheet: str | None = None) -> list[_Sheet]:
    """The sheets to check; DataFileError when the file cannot be opened at all."""
    suffix = path.suffix.lower()
    if suffix not in _CSV_SUFFIXES + _EXCEL_SUFFIXES:
        read_table(path)  # raises the reader's own message (.xls: save as .xlsx)
    _read_bytes(path)
    if suffix in _CSV_SUFFIXES:
        return [_Sheet(None, _frame(_csv_rows(path, None)), None)]
    return _excel_sheets(path, sheet)


def report_lines(path: Path, checks: list[SheetCheck]) -> list[str]:
    """The Japanese text `workbench check` prints: per sheet, each rule broken and where."""
    from workbench.io.machine_readability import RULES

    lines = [f"ファイル: {path.name}"]
    for check in checks:
        name = f"シート「{check.sheet}」" if check.sheet else "CSV"
        count = len(check.findings)
        lines.append(
            f"■ {name}: "
            + (
                f"ルールに合わない点が{count}種類あります"
                if count
                else "問題は見つかりませんでした"
            )
        )
        for f in check.findings:
            lines.append(f"  [{f.rule}] {f.title} — {f.detail}")
            lines.append(f"      場所: {f.where()}（{len(f.cells)}か所）")
            lines.append(f"      直し方: {RULES[f.rule][1]}")
        lines.extend(f"  {line}" for line in check.reading)
    return lines
