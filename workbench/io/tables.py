"""read_table and clean_table: one reader for templates and learners."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pandas as pd

from workbench.io.csv_frame import csv_frame, rows_to_frame
from workbench.io.encodings import _read_bytes
from workbench.io.excel import SheetCells, read_sheet
from workbench.io.headings import (
    _column_name,
    _unique,
    find_header_row,
    heading_grid,
    heading_rows,
    is_code_row,
    joined_names,
)
from workbench.io.numbers import (
    _NOTE_COLUMNS,
    _looks_numeric,
    _plain_text,
    _series_to_number,
)
from workbench.io.text import DataFileError, _is_missing, normalize_text
from workbench.io.wareki import _dates_with_notes

_CSV_SUFFIXES, _EXCEL_SUFFIXES = (".csv", ".txt"), (".xlsx", ".xlsm")


def _read_raw(
    path: Path, sheet: str | int | None, encoding: str | None
) -> tuple[pd.DataFrame, SheetCells]:
    """Every cell of the sheet (or CSV) as an object frame, and where it came from."""
    suffix = path.suffix.lower()
    if suffix not in _CSV_SUFFIXES + _EXCEL_SUFFIXES:
        hint = "。.xls は Excel で .xlsx 形式に保存し直してください" if suffix == ".xls" else ""
        raise DataFileError(
            f"対応していないファイル形式です: {path.name}（対応形式: "
            f"{', '.join(_CSV_SUFFIXES + _EXCEL_SUFFIXES)}{hint}）"
        )
    _read_bytes(path)  # a missing file should say so before any format-specific error
    if suffix in _CSV_SUFFIXES:
        return csv_frame(path, encoding), SheetCells(None, [], merged=None)
    cells = read_sheet(path, sheet)
    return rows_to_frame(cells.rows, path.name), cells


def _retype(body: pd.DataFrame, names: list[str]) -> pd.DataFrame:
    """Rebuild column by column so pandas infers str/int/float instead of object."""
    return pd.DataFrame(
        {n: body.iloc[:, j].tolist() for j, n in enumerate(names)}, index=body.index
    )


def _is_label_column(series: pd.Series) -> bool:
    values = [v for v in series if not _is_missing(v)]
    return bool(values) and all(isinstance(v, str) for v in values) and not _looks_numeric(series)


def _split_labels(body: pd.DataFrame, names: list[str], notes: list[tuple]) -> list[str]:
    """Columns under one merged heading that hold one label split over cells.

    Published tables merge 都道府県 over two columns: the left one holds region words
    written vertically (北/海/道), the right one the names, and a few names are split
    over both (A = 東, B = 京).  The column with the most names of two or more letters
    keeps the heading; one-letter pieces on both sides are joined (東京) with a note;
    the other columns are named after their Excel letter (都道府県_列A).
    """
    names = list(names)
    for name in {n for n in names if names.count(n) > 1}:
        cols = [j for j, n in enumerate(names) if n == name]
        if not all(_is_label_column(body.iloc[:, j]) for j in cols):
            continue
        text = {
            j: {
                row: re.sub(r"\s+", "", normalize_text(v)) if isinstance(v, str) else None
                for row, v in body.iloc[:, j].items()
            }
            for j in cols
        }
        main = max(cols, key=lambda j: sum(len(v) >= 2 for v in text[j].values() if v))
        for j in cols:
            if j != main:
                names[j] = f"{name}_{_column_name(None, j)}"
        for row, piece in text[main].items():
            if piece is None or len(piece) != 1:
                continue
            left = [text[j][row] for j in cols if j < main and text[j][row]]
            if len(left) == 1 and len(left[0]) == 1:
                whole = left[0] + piece
                body.iat[body.index.get_loc(row), main] = whole
                notes.append(
                    (
                        name,
                        row,
                        f"{left[0]} / {piece}",
                        f"結合されたセルに分かれて書かれた見出しを「{whole}」として読みました",
                    )
                )
    return names


def _frame_below_header(
    raw: pd.DataFrame,
    header_index: int,
    merged: list[tuple[int, int, int, int]] | None = None,
    notes: list[tuple] | None = None,
    single_row: bool = False,
) -> tuple[pd.DataFrame, list[int]]:
    if single_row:  # exactly the cells of the row the user named, as in Excel
        rows, grid, merged = [header_index], [list(raw.iloc[header_index])], None
    else:
        rows = heading_rows(raw, header_index, merged)
        grid = heading_grid(raw, rows, merged)
    body = raw.iloc[header_index + 1 :]
    keep = [
        j
        for j in range(raw.shape[1])
        if any(not _is_missing(g[j]) for g in grid) or body.iloc[:, j].notna().any()
    ]
    joined = joined_names(grid)  # once: per column it made wide sheets (SSDSE) quadratic
    names = [joined[j] for j in keep]
    body = body.iloc[:, keep].dropna(how="all").copy()
    body = body.set_axis(body.index + 1, axis=0)  # 1-based, as in Excel
    if merged:  # only a merged heading cell can cover a label split over columns
        names = _split_labels(body, names, notes if notes is not None else [])
    return _retype(body, _unique(names)), [i + 1 for i in rows]


def read_table(
    path: str | Path,
    *,
    sheet: str | int | None = None,
    header_row: int | None = None,
    encoding: str | None = None,
) -> pd.DataFrame:
    """Read a .csv/.txt or .xlsx/.xlsm table whose header may sit below title rows.

    ``sheet``: name or 0-based index (default first).  ``header_row``: 1-based row number
    of the column names as Excel shows it (default: find_header_row).  ``encoding``:
    detected for CSV if omitted; tab-separated text works too.  Column names are
    normalize_text'ed (line breaks removed, blanks named like 列C, duplicates get _2);
    fully empty rows and columns are dropped.  Values are NOT converted (CSV cells stay
    strings, Excel cells keep their types): use clean_table.  The index is the 1-based
    row number in the file; ``df.attrs["header_row"]`` tells which header row was used.

    >>> df = read_table("利用状況.xlsx", sheet="R5")    # doctest: +SKIP
    """
    path = Path(path)
    raw, cells = _read_raw(path, sheet, encoding)
    if header_row is None:
        index = find_header_row(raw)
        # A heading cell merged down over several rows (都道府県 over rows 4-5) ends where
        # its merge ends: the rows it covers are heading rows, not data.
        for r0, _, r1, _ in cells.merged or []:
            if r0 <= index < r1:
                index = r1
    elif not 1 <= header_row <= len(raw):
        raise DataFileError(
            f"header_row={header_row} はデータの範囲外です（{path.name} は"
            f"{len(raw)}行目までです。列名の行を1から数えて指定してください）"
        )
    elif raw.iloc[header_row - 1].isna().all():
        raise DataFileError(
            f"header_row={header_row} の行は空です（列名が書かれた行を指定してください）"
        )
    else:
        index = header_row - 1
    notes: list[tuple] = []
    # A heading row given by the user is the whole heading: nothing above it is joined.
    df, rows = _frame_below_header(
        raw, index, cells.merged, notes, single_row=header_row is not None
    )
    df.attrs.update(
        source=path.name,
        sheet=cells.title,
        header_row=index + 1,
        header_rows=rows,
        reading_notes=notes,
    )
    if cells.chosen_because:
        df.attrs["sheet_note"] = f"シート「{cells.title}」を使いました（{cells.chosen_because}）"
    if rows[0] > 1 and is_code_row(list(raw.iloc[rows[0] - 2])):
        df.attrs["code_row"] = rows[0] - 1  # the row above the names: SSDSE item codes
    return df


def _require_columns(df: pd.DataFrame, columns: list[Any]) -> None:
    if missing := [c for c in columns if c not in df.columns]:
        raise DataFileError(
            f"列が見つかりません: {'、'.join(map(str, missing))}"
            f"（この表の列: {'、'.join(map(str, df.columns))}）"
        )


def clean_table(
    df: pd.DataFrame, *, numeric: list[Any] | None = None, dates: list[Any] | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Apply to_number / to_datetime_wareki to columns; return (cleaned, notes).

    ``numeric`` defaults to the columns where at least 80% of non-empty cells are
    numbers or known symbols (x, -, …), skipping code columns with leading zeros
    ("01100").  ``dates`` lists date columns.  notes has columns 列, 行, 元の値, 扱い.

    >>> cleaned, notes = clean_table(pd.DataFrame({"市": ["A市", "B市"], "人口": ["1,200", "x"]}))
    >>> cleaned["人口"].tolist(), notes["扱い"].tolist()
    ([1200.0, nan], ['秘匿（x）→欠損値'])
    """
    dates = list(dates or [])
    _require_columns(df, dates + list(numeric or []))
    # Each column's plain-number check once, for choosing and for converting it.
    plain = {c: _plain_text(df[c]) for c in (df.columns if numeric is None else numeric)}
    if numeric is None:
        numeric = [c for c in df.columns if c not in dates and _looks_numeric(df[c], plain[c])]
    cleaned, notes = df.copy(), []
    for column in numeric:
        cleaned[column], rows = _series_to_number(df[column], plain[column])
        notes.append(pd.DataFrame(rows, columns=_NOTE_COLUMNS).assign(列=column))
    for column in dates:
        cleaned[column], problems = _dates_with_notes(df[column])
        rows = [
            (label, value, f"日付に変換できません→欠損値（{reason}）")
            for label, value, reason in problems
        ]
        notes.append(pd.DataFrame(rows, columns=_NOTE_COLUMNS).assign(列=column))
    columns = ["列", *_NOTE_COLUMNS]
    notes = [n[columns] for n in notes if not n.empty]
    return cleaned, pd.concat(notes, ignore_index=True) if notes else pd.DataFrame(columns=columns)
