"""The checks of machine_readability on one sheet, and ``check_file`` for a whole file."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from workbench.io.headings import find_header_row, heading_grid
from workbench.io.machine_readability import (
    _NOTE_MARK,
    _SPACES,
    _TWO_NUMBERS,
    _WESTERN_YEAR,
    _WITH_UNIT,
    Finding,
    SheetCheck,
    _Sheet,
    address,
    load_sheets,
    platform_characters,
)
from workbench.io.numbers import _CANNOT, _parse_text
from workbench.io.rows import _is_footnote, find_non_data_rows
from workbench.io.tables import clean_table, read_table
from workbench.io.text import DataFileError, _is_missing, normalize_text
from workbench.io.wareki import _ERA_TEXT


@dataclass
class _Layout:
    """Where the table is (0-based): heading rows, data rows, columns."""

    heading: list[int]
    data: list[int]
    columns: list[int]
    blank_rows: list[int]
    second_headings: list[int]
    notes_inside: list[int]


class _Collector:
    """Findings grouped by (rule, kind): one line per kind of problem, every cell listed."""

    def __init__(self, sheet: str | None) -> None:
        self.sheet = sheet
        self.cells: dict[tuple[str, str], list[str]] = defaultdict(list)

    def add(self, rule: str, kind: str, row: int, column: int, cell: str | None = None) -> None:
        self.cells[(rule, kind)].append(cell or address(row, column))

    def findings(self) -> list[Finding]:
        order = lambda key: (int(key[0].split("-")[1]) if "-" in key[0] else 99, key[1])  # noqa: E731
        return [
            Finding(rule, self.sheet, cells, kind)
            for (rule, kind), cells in sorted(self.cells.items(), key=lambda kv: order(kv[0]))
        ]


def _read(path: Path, sheet: str | None) -> pd.DataFrame | DataFileError:
    """The sheet as the workbench reads it (read_table), or the reader's error."""
    try:
        return read_table(path, sheet=sheet)
    except DataFileError as error:
        return error


def _header_rows(sheet: _Sheet, table: pd.DataFrame | DataFileError) -> list[int]:
    """The heading rows as the workbench reads them, else the first guess."""
    if isinstance(table, pd.DataFrame):
        return [r - 1 for r in table.attrs["header_rows"]]
    try:
        return [find_header_row(sheet.raw)]
    except DataFileError:  # nothing in the first rows: treat row 1 as the heading
        return [0]


def _is_heading_like(raw: pd.DataFrame, i: int, width: int) -> bool:
    cells = [v for v in raw.iloc[i] if not _is_missing(v)]
    texts = [v for v in cells if isinstance(v, str) and _parse_text(v)[1] == f"{_CANNOT}→欠損値"]
    return len(cells) >= max(2, width / 2) and len(texts) == len(cells)


def _layout(sheet: _Sheet, heading: list[int]) -> _Layout:
    raw = sheet.raw
    body = range(heading[-1] + 1, len(raw))
    filled = {i for i in body if raw.iloc[i].notna().any()}
    notes = {i for i in filled if _is_footnote(raw.iloc[i])}
    data = sorted(filled - notes)
    last = data[-1] if data else heading[-1]
    grid_rows = heading + data
    columns = [j for j in range(raw.shape[1]) if raw.iloc[grid_rows, j].notna().any()]
    blank = [i for i in range(heading[-1] + 1, last) if i not in filled]
    width = len(columns)
    # A block title (one cell, e.g. a disease name) may sit between the blank row and the
    # next table's heading.
    starts = [i for i in data if {i - 1, i - 2} & set(blank)]
    second = [i for i in starts if _is_heading_like(raw, i, width)]
    return _Layout(heading, data, columns, blank, second, sorted(n for n in notes if n < last))


def _is_number_like(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, int | float):
        return True
    if not isinstance(value, str):
        return False
    number, note = _parse_text(value)
    text = normalize_text(value)
    return (
        not pd.isna(number)
        or not (note or "").startswith(_CANNOT)
        or bool(_WITH_UNIT.match(text) or _TWO_NUMBERS.match(text) or _NOTE_MARK.match(text))
    )


class _Grid:
    """Cell access by (row, column) on plain lists: DataFrame.iat per cell is slow."""

    def __init__(self, frame: pd.DataFrame) -> None:
        self.rows = frame.to_numpy(dtype=object).tolist()
        self.iat = self

    def __getitem__(self, key: tuple[int, int]) -> Any:
        return self.rows[key[0]][key[1]]


def _number_columns(raw: Any, layout: _Layout) -> list[int]:
    found = []
    for j in layout.columns:
        values = [raw.iat[i, j] for i in layout.data if not _is_missing(raw.iat[i, j])]
        if values and sum(map(_is_number_like, values)) >= 0.8 * len(values):
            if any(isinstance(v, int | float) or not pd.isna(_parse_text(v)[0]) for v in values):
                found.append(j)
    return found


def _number_cell(out: _Collector, value: Any, i: int, j: int, excel: bool) -> None:
    if _is_missing(value):
        out.add("1-15", "数値の列の空欄（0・該当なし・秘匿の区別がつきません）", i, j)
        return
    if not isinstance(value, str):
        return
    text = normalize_text(value)
    if _TWO_NUMBERS.match(text):
        out.add("1-2", "1つのセルに2つの数値", i, j)
    elif _NOTE_MARK.match(text):
        out.add("1-2", "数値に注記の印（※・注）が付いている", i, j)
    elif _WITH_UNIT.match(text):
        out.add("1-9", "数値に単位が付いている（単位は見出しへ）", i, j)
    else:
        number, note = _parse_text(value)
        if pd.isna(number) and (note or "").startswith(_CANNOT):
            out.add("1-3", "数値の列に文字の値", i, j)
        elif not pd.isna(number) and (
            excel or value.strip() != text or "," in text or "△" in text or "▲" in text
        ):
            out.add("1-3", "数値が文字として入力されている（全角数字・桁区切り・△を含む）", i, j)


def _check_cells(sheet: _Sheet, layout: _Layout | None, out: _Collector) -> None:
    raw = _Grid(sheet.raw)
    for (i, j), value in _cells(sheet.raw):
        if isinstance(value, str) and (chars := platform_characters(value)):
            out.add("1-10", f"機種依存文字・半角カナ（{chars}）", i, j)
    for i, j in sheet.formulas:
        out.add("1-7", "数式のセル", i, j)
    for r0, c0, r1, c1 in sheet.merged or []:
        cell = address(r0, c0) if (r0, c0) == (r1, c1) else f"{address(r0, c0)}:{address(r1, c1)}"
        out.add("1-4", "結合されたセル", r0, c0, cell)
    if layout is None:
        return
    for i in layout.heading + layout.data:
        for j in layout.columns:
            value = raw.iat[i, j]
            if isinstance(value, str) and "\n" in value:
                out.add("1-5", "セル内の改行", i, j)
            elif isinstance(value, str) and _SPACES.search(value):
                out.add("1-5", "体裁のための空白（前後の空白・全角空白・連続した空白）", i, j)
    for i in layout.data:
        for j in layout.columns:
            value = raw.iat[i, j]
            if isinstance(value, str):
                text = "".join(normalize_text(value).split())
                if _ERA_TEXT.match(text) and not _WESTERN_YEAR.search(text):
                    out.add("1-11", "和暦だけの日付・年（西暦の併記なし）", i, j)


def _check_layout(sheet: _Sheet, layout: _Layout, out: _Collector, excel: bool) -> None:
    grid = heading_grid(sheet.raw, layout.heading, sheet.merged)
    raw = _Grid(sheet.raw)
    for j in layout.columns:
        has_data = any(not _is_missing(raw.iat[i, j]) for i in layout.data)
        if has_data and all(_is_missing(row[j]) for row in grid):
            out.add("1-6", "見出しのない列", layout.heading[-1], j)
    first, last = layout.columns[0], layout.columns[-1]
    for j in range(first, last + 1):
        if j not in layout.columns:
            out.add("1-13", "表の途中の空の列", layout.heading[-1], j, f"{address(0, j)[:-1]}列")
    for i in layout.blank_rows:
        out.add("1-13", "表の途中の空行", i, first, f"{i + 1}行目")
    for i in layout.notes_inside:
        out.add("1-13", "データの行の間にある注記", i, first)
    for i in layout.second_headings:
        out.add("1-14", "空行の下から別の表（見出しの行）が始まっている", i, first, f"{i + 1}行目")
    numbers = _number_columns(raw, layout)
    # Blank number cells count only on rows that hold numbers: a section label row such
    # as （再掲） has no values by design.
    valued = [i for i in layout.data if any(_is_number_like(raw.iat[i, j]) for j in numbers)]
    for j in numbers:
        for i in valued:
            _number_cell(out, raw.iat[i, j], i, j, excel)
    by_column: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for (i, j), mark in sheet.styled.items():
        if i in layout.data and j in layout.columns:
            by_column[j].append((i, mark))
    for j, marks in by_column.items():
        filled = sum(not _is_missing(raw.iat[i, j]) for i in layout.data)
        if len(marks) < filled:  # some cells differ from the rest of the column
            for i, mark in marks:
                out.add("書式", f"一部のセルだけの書式（{mark}）", i, j)


def _cells(raw: pd.DataFrame) -> list[tuple[tuple[int, int], Any]]:
    return [
        ((i, j), v)
        for i, row in enumerate(raw.itertuples(index=False, name=None))
        for j, v in enumerate(row)
        if not _is_missing(v)
    ]


def readability(table: pd.DataFrame | DataFileError) -> tuple[bool, list[str]]:
    """Whether the workbench's reader can read the sheet, and how (Japanese lines)."""
    if isinstance(table, DataFileError):
        return False, [f"ワークベンチでは読めません: {table}"]
    try:
        cleaned, notes = clean_table(table)
        excluded = find_non_data_rows(table, cleaned)
    except DataFileError as error:
        return False, [f"ワークベンチでは読めません: {error}"]
    rows = table.attrs["header_rows"]
    heading = (
        f"{rows[0]}～{rows[-1]}行目（上段_下段の形でつないで列名にします）"
        if len(rows) > 1
        else f"{rows[0]}行目"
    )
    lines = [
        f"ワークベンチで読めます: 見出しは{heading}、データ {len(table) - len(excluded)}行 × "
        f"{table.shape[1]}列"
    ]
    if table.attrs.get("code_row"):
        lines.append(f"{table.attrs['code_row']}行目は項目コードの行として列名に使いません")
    for e in excluded:
        label = f"「{e.label}」" if e.label else ""
        lines.append(f"{e.row}行目{label}は{e.reason}として除きます")
    gone = {e.row for e in excluded}  # a footnote's own cell is no value to convert
    usual = ("空欄", "該当なし", "不詳", "秘匿")
    problems = notes[~notes["扱い"].astype(str).str.startswith(usual) & ~notes["行"].isin(gone)]
    if len(problems):
        lines.append(
            f"数値に変換できない値 {len(problems)}セルは欠損値として扱い、レポートに記録します"
        )
    return True, lines


def check_file(path: str | Path, sheet: str | None = None) -> list[SheetCheck]:
    """Check every sheet (or ``sheet``); DataFileError if the file cannot be opened."""
    path = Path(path)
    excel = path.suffix.lower() in (".xlsx", ".xlsm")
    checks = []
    for item in load_sheets(path, sheet):
        check = SheetCheck(item.title)
        out = _Collector(item.title)
        if item.raw.empty or not item.raw.notna().any().any():
            check.reading = ["空のシートです（確認しません）"]
            checks.append(check)
            continue
        table = _read(path, item.title)
        layout = _layout(item, _header_rows(item, table))
        _check_cells(item, layout, out)
        if layout.data:
            _check_layout(item, layout, out, excel)
        check.findings = out.findings()
        check.readable, check.reading = readability(table)
        checks.append(check)
    return checks
