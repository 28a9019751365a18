"""read_table and clean_table: one reader for templates and learners."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from workbench.io.encodings import _csv_rows, _read_bytes
from workbench.io.excel import _excel_rows
from workbench.io.headings import _column_name, _unique, find_header_row
from workbench.io.numbers import _NOTE_COLUMNS, _looks_numeric, to_number
from workbench.io.text import DataFileError, _is_missing
from workbench.io.wareki import _dates_with_notes

_CSV_SUFFIXES, _EXCEL_SUFFIXES = (".csv", ".txt"), (".xlsx", ".xlsm")


def _rows_to_frame(rows: list[list[Any]], name: str, width: int = 0) -> pd.DataFrame:
    cleaned = [[None if _is_missing(v) else v for v in row] for row in rows]
    if not any(v is not None for row in cleaned for v in row):
        raise DataFileError(f"{name} に値が入っていません"
                            "（ファイルやシートの選択を確認してください）")
    width = max([width, *map(len, cleaned)])
    return pd.DataFrame([row + [None] * (width - len(row)) for row in cleaned], dtype=object)


def _read_raw(path: Path, sheet: str | int | None, encoding: str | None) -> pd.DataFrame:
    suffix = path.suffix.lower()
    if suffix not in _CSV_SUFFIXES + _EXCEL_SUFFIXES:
        hint = "。.xls は Excel で .xlsx 形式に保存し直してください" if suffix == ".xls" else ""
        raise DataFileError(f"対応していないファイル形式です: {path.name}（対応形式: "
                            f"{', '.join(_CSV_SUFFIXES + _EXCEL_SUFFIXES)}{hint}）")
    _read_bytes(path)  # a missing file should say so before any format-specific error
    rows = _csv_rows(path, encoding) if suffix in _CSV_SUFFIXES else _excel_rows(path, sheet)
    return _rows_to_frame(rows, path.name)



def _retype(body: pd.DataFrame, names: list[str]) -> pd.DataFrame:
    """Rebuild column by column so pandas infers str/int/float instead of object."""
    return pd.DataFrame({n: body.iloc[:, j].tolist() for j, n in enumerate(names)},
                        index=body.index)


def _frame_below_header(raw: pd.DataFrame, header_index: int) -> pd.DataFrame:
    header, body = raw.iloc[header_index], raw.iloc[header_index + 1:]
    keep = [j for j in range(raw.shape[1])
            if not _is_missing(header.iloc[j]) or body.iloc[:, j].notna().any()]
    names = _unique([_column_name(header.iloc[j], j) for j in keep])
    body = body.iloc[:, keep].dropna(how="all")
    return _retype(body.set_axis(body.index + 1, axis=0), names)  # 1-based, as in Excel


def read_table(path: str | Path, *, sheet: str | int | None = None,
               header_row: int | None = None, encoding: str | None = None) -> pd.DataFrame:
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
    raw = _read_raw(path, sheet, encoding)
    if header_row is None:
        index = find_header_row(raw)
    elif not 1 <= header_row <= len(raw):
        raise DataFileError(f"header_row={header_row} はデータの範囲外です（{path.name} は"
                            f"{len(raw)}行目までです。列名の行を1から数えて指定してください）")
    elif raw.iloc[header_row - 1].isna().all():
        raise DataFileError(f"header_row={header_row} の行は空です"
                            "（列名が書かれた行を指定してください）")
    else:
        index = header_row - 1
    df = _frame_below_header(raw, index)
    df.attrs.update(source=path.name, header_row=index + 1)
    return df



def _require_columns(df: pd.DataFrame, columns: list[Any]) -> None:
    if missing := [c for c in columns if c not in df.columns]:
        raise DataFileError(f"列が見つかりません: {'、'.join(map(str, missing))}"
                            f"（この表の列: {'、'.join(map(str, df.columns))}）")


def clean_table(df: pd.DataFrame, *, numeric: list[Any] | None = None,
                dates: list[Any] | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
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
    if numeric is None:
        numeric = [c for c in df.columns if c not in dates and _looks_numeric(df[c])]
    cleaned, notes = df.copy(), []
    for column in numeric:
        cleaned[column], column_notes = to_number(df[column], return_notes=True)
        notes.append(column_notes.assign(列=column))
    for column in dates:
        cleaned[column], problems = _dates_with_notes(df[column])
        rows = [(label, value, f"日付に変換できません→欠損値（{reason}）")
                for label, value, reason in problems]
        notes.append(pd.DataFrame(rows, columns=_NOTE_COLUMNS).assign(列=column))
    columns = ["列", *_NOTE_COLUMNS]
    notes = [n[columns] for n in notes if not n.empty]
    return cleaned, pd.concat(notes, ignore_index=True) if notes else pd.DataFrame(columns=columns)


