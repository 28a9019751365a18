"""Workbooks: choosing the sheet and reading its cells (merged ranges kept)."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from zipfile import BadZipFile

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from workbench.io.text import DataFileError, normalize_text


def _pick_sheet(book: Any, sheet: str | int | None, name: str) -> Any:
    sheets = book.worksheets
    listing = "、".join(f"「{ws.title}」" for ws in sheets)
    if sheet is None:
        return sheets[0]
    if isinstance(sheet, int):
        if 0 <= sheet < len(sheets):
            return sheets[sheet]
        raise DataFileError(f"シート番号 {sheet} はありません（{name} のシートは0から数えて"
                            f"{len(sheets) - 1}番まで: {listing}）")
    # Sheet names are typed by hand on both sides, so "Ｒ５" should find "R5".
    for ws in sheets:
        if normalize_text(ws.title) == normalize_text(sheet):
            return ws
    raise DataFileError(f"シート「{sheet}」が見つかりません（{name} にあるシート: {listing}）")


def _excel_rows(path: Path, sheet: str | int | None) -> list[list[Any]]:
    try:  # data_only: formula cells give the value Excel last saved, not the formula
        book = load_workbook(path, data_only=True)
    except (BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as exc:
        raise DataFileError(f"{path.name} を Excel ファイルとして開けません（破損・パスワード付き"
                            "・別形式の可能性があります。Excel で開いて .xlsx 形式で保存し直して"
                            "ください）") from exc
    try:
        return [list(row) for row in _pick_sheet(book, sheet, path.name).iter_rows(
            values_only=True)]
    finally:
        book.close()


