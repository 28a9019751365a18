"""Workbooks: choosing the sheet and reading its cells, with the merged ranges."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zipfile import BadZipFile

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from workbench.io.text import DataFileError, _is_missing, normalize_text


@dataclass
class SheetCells:
    """The values of one sheet plus what the reader decided about it."""

    title: str | None
    rows: list[list[Any]]
    #: (first row, first column, last row, last column), 0-based and inclusive; None for
    #: CSV, which has no merges (upper heading labels are then spread to the right).
    merged: list[tuple[int, int, int, int]] | None = field(default_factory=list)
    #: Why this sheet was used when the user did not name one (None if named or a CSV).
    chosen_because: str | None = None


def _open(path: Path) -> Any:
    try:  # data_only: formula cells give the value Excel last saved, not the formula
        return load_workbook(path, data_only=True)
    except (BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as exc:
        raise DataFileError(
            f"{path.name} を Excel ファイルとして開けません（破損・パスワード付き"
            "・別形式の可能性があります。Excel で開いて .xlsx 形式で保存し直して"
            "ください）"
        ) from exc


def _values(ws: Any) -> list[list[Any]]:
    return [list(row) for row in ws.iter_rows(values_only=True)]


def _size(rows: list[list[Any]]) -> tuple[int, int]:
    """Rows and columns that hold a value (Excel's used range counts formatting too)."""
    filled = [[j for j, v in enumerate(row) if not _is_missing(v)] for row in rows]
    used = [i for i, cols in enumerate(filled) if cols]
    if not used:
        return 0, 0
    return len(used), max(max(cols) for cols in filled if cols) + 1


def _listing(book: Any) -> str:
    parts = []
    for ws in book.worksheets:
        n_rows, n_cols = _size(_values(ws))
        size = f"{n_rows}行×{n_cols}列" if n_rows else "空"
        parts.append(f"「{ws.title}」（{size}）")
    return "、".join(parts)


def _pick_sheet(book: Any, sheet: str | int | None, name: str) -> tuple[Any, str | None]:
    sheets = book.worksheets
    if sheet is None:
        if len(sheets) == 1:
            return sheets[0], None
        filled = [ws for ws in sheets if _size(_values(ws))[0] > 0]
        if len(filled) == 1:
            return filled[0], "値の入ったシートがこれだけのため"
        # Choosing the first of several tables silently gave wrong numbers (another
        # region's series with the same column names): the user must say which.
        raise DataFileError(
            f"{name} には表の入ったシートが{len(filled)}枚あります: "
            f"{_listing(book)}。--sheet シート名 で使うシートを指定してください"
            "（複数シートをまとめる consolidate 以外では1枚だけ使えます）"
        )
    if isinstance(sheet, int):
        if 0 <= sheet < len(sheets):
            return sheets[sheet], None
        raise DataFileError(
            f"シート番号 {sheet} はありません（{name} のシートは0から数えて"
            f"{len(sheets) - 1}番まで: {_listing(book)}）"
        )
    # Sheet names are typed by hand on both sides, so "Ｒ５" should find "R5".
    for ws in sheets:
        if normalize_text(ws.title) == normalize_text(sheet):
            return ws, None
    raise DataFileError(
        f"シート「{sheet}」が見つかりません（{name} にあるシート: {_listing(book)}）"
    )


def read_sheet(path: Path, sheet: str | int | None) -> SheetCells:
    """The cells of one sheet (``sheet`` None: the only sheet with values, else an error)."""
    book = _open(path)
    try:
        ws, because = _pick_sheet(book, sheet, path.name)
        merged = [
            (r.min_row - 1, r.min_col - 1, r.max_row - 1, r.max_col - 1)
            for r in ws.merged_cells.ranges
        ]
        return SheetCells(ws.title, _values(ws), merged, because)
    finally:
        book.close()


def sheet_names(path: Path) -> list[str]:
    book = _open(path)
    try:
        return list(book.sheetnames)
    finally:
        book.close()
