"""Which rows hold the column names, and what the names are."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

import pandas as pd
from openpyxl.utils import get_column_letter

from workbench.io.numbers import _CANNOT, _parse_text
from workbench.io.text import DataFileError, _is_missing, normalize_text


def _is_text(value: Any) -> bool:
    """True for a cell that reads as a word (a column name), not a number or symbol."""
    return isinstance(value, str) and (_parse_text(value)[1] or "").startswith(_CANNOT)


def find_header_row(raw: pd.DataFrame, *, max_scan: int = 20) -> int:
    """Return the 0-based index of the row holding the column names.

    ``raw`` is a sheet read with header=None.  Among the first ``max_scan`` rows, picks
    the first with the most non-empty cells that are mostly text and followed by a row
    with data, so title and blank rows are skipped.  If no row is mostly text (years as
    column names), the first widest row is used.

    >>> find_header_row(pd.DataFrame([["令和5年度 利用状況", None], [None, None],
    ...                               ["施設名", "利用者数"], ["図書館", "1,200"]]))
    2
    """
    rows = raw.head(max_scan + 1).itertuples(index=False, name=None)
    filled = [[v for v in row if not _is_missing(v)] for row in rows]
    counts = [len(cells) for cells in filled[:max_scan]]
    if not counts or max(counts) == 0:
        raise DataFileError(f"先頭{max_scan}行に値がありません"
                            "（シートやファイルの中身を確認してください）")
    best, best_count = None, 0
    for i, cells in enumerate(filled[:max_scan]):
        followed_by_data = i + 1 < len(filled) and bool(filled[i + 1])
        mostly_text = bool(cells) and sum(map(_is_text, cells)) >= len(cells) / 2
        if followed_by_data and mostly_text and len(cells) > best_count:
            best, best_count = i, len(cells)
    return counts.index(max(counts)) if best is None else best


_CSV_SUFFIXES, _EXCEL_SUFFIXES = (".csv", ".txt"), (".xlsx", ".xlsm")


def _column_name(value: Any, position: int) -> str:
    if _is_missing(value):
        return f"列{get_column_letter(position + 1)}"  # the Excel letter the user sees
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime):
        value = value.date()
    # Line breaks in header cells (Alt+Enter) are layout, not part of the name.
    return re.sub(r"\s*\n\s*", "", normalize_text(str(value)))


def _unique(names: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    result = []
    for name in names:
        seen[name] = seen.get(name, 0) + 1
        result.append(name if seen[name] == 1 else f"{name}_{seen[name]}")
    return result


