"""Which rows hold the column names, and what the names are."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

import pandas as pd
from openpyxl.utils import get_column_letter

from workbench.io.numbers import _CANNOT, _parse_text
from workbench.io.text import DataFileError, _is_missing, normalize_text

# SSDSE item codes (A1101, LB00, LB011001) sit in a row above the Japanese names; ASCII
# only, so that a name such as ６５歳以上人口 (NFKC: 65歳以上人口) is never taken for one.
ITEM_CODE = re.compile(r"^[A-Za-z#]{1,3}\d+[A-Za-z0-9]*$", re.ASCII)
#: At most this many rows form one heading (上段_中段_下段).
MAX_HEADING_ROWS = 3


def _is_code(value: Any) -> bool:
    return isinstance(value, str) and bool(ITEM_CODE.match(value.strip()))


def _is_text(value: Any) -> bool:
    """True for a cell that reads as a word (a column name), not a number, symbol or code."""
    return (
        isinstance(value, str)
        and not _is_code(value)
        and (_parse_text(value)[1] or "").startswith(_CANNOT)
    )


def is_code_row(cells: list[Any]) -> bool:
    """More item codes than words: the row above SSDSE's names (SSDSE-C-2025, City, LA03 …)."""
    codes = sum(map(_is_code, cells))
    return codes >= 2 and codes > sum(map(_is_text, cells))


def _number(value: Any) -> float | None:
    number = _parse_text(value)[0] if isinstance(value, str) else value
    if isinstance(number, bool) or not isinstance(number, int | float) or number != number:
        return None
    return float(number)


def _is_year(value: Any) -> bool:
    number = _number(value)
    return number is not None and number.is_integer() and 1900 <= number <= 2100


def _is_data_number(value: Any) -> bool:
    """A number that is data, not a year used as a column name (2019, 2020)."""
    return _number(value) is not None and not _is_year(value)


def find_header_row(raw: pd.DataFrame, *, max_scan: int = 20) -> int:
    """Return the 0-based index of the row holding the column names.

    ``raw`` is a sheet read with header=None.  Among the first ``max_scan`` rows, picks
    the first with the most non-empty cells that are mostly text and followed by a row
    with data and holding no numbers other than years, so title, blank and data rows
    are skipped.  Item codes (A1101) are not text, so SSDSE's code row loses to the
    names row below it.  If no row is mostly text (years as
    column names), the first widest row is used.

    >>> find_header_row(pd.DataFrame([["令和5年度 利用状況", None], [None, None],
    ...                               ["施設名", "利用者数"], ["図書館", "1,200"]]))
    2
    """
    rows = raw.head(max_scan + 1).itertuples(index=False, name=None)
    filled = [[v for v in row if not _is_missing(v)] for row in rows]
    counts = [len(cells) for cells in filled[:max_scan]]
    if not counts or max(counts) == 0:
        raise DataFileError(
            f"先頭{max_scan}行に値がありません（シートやファイルの中身を確認してください）"
        )
    best, best_count = None, 0
    widest = max(counts)
    for i, cells in enumerate(filled[:max_scan]):
        followed_by_data = i + 1 < len(filled) and bool(filled[i + 1])
        # Years (2019, 2020) are names in a heading, not data.
        words = sum(_is_text(v) or _is_year(v) for v in cells)
        mostly_text = bool(cells) and words >= len(cells) / 2
        # A heading holds no data numbers (北 / 函館 / 25 / -25 is data) and spans at least
        # half the table (（再掲） or a note alone on its row is not a heading).
        if any(map(_is_data_number, cells)) or len(cells) < widest / 2 or is_code_row(cells):
            continue
        if followed_by_data and mostly_text and len(cells) > best_count:
            best, best_count = i, len(cells)
    return counts.index(max(counts)) if best is None else best


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


def heading_rows(
    raw: pd.DataFrame, header_index: int, merged: list[tuple[int, int, int, int]] | None
) -> list[int]:
    """The rows (0-based) of a heading whose lowest row is ``header_index``.

    A row directly above joins the heading when all its cells are words (no numbers, no
    item codes) and it has at least three of them or a merged cell spanning columns: the
    upper labels of a two-row heading (インフルエンザ over 報告/定当, 発生件数 over
    増減数/増減率).  Titles and dates above a table have one or two cells and stop it.
    """
    spans = {i for r0, c0, r1, c1 in (merged or []) if c1 > c0 for i in range(r0, r1 + 1)}
    rows = [header_index]
    while len(rows) < MAX_HEADING_ROWS and rows[0] > 0:
        cells = [v for v in raw.iloc[rows[0] - 1] if not _is_missing(v)]
        if not cells or not all(map(_is_text, cells)):
            break
        if len(cells) < 3 and rows[0] - 1 not in spans:
            break
        rows.insert(0, rows[0] - 1)
    return rows


def heading_grid(
    raw: pd.DataFrame, rows: list[int], merged: list[tuple[int, int, int, int]] | None
) -> list[list[Any]]:
    """The heading cells with merged labels spread over every column they cover.

    Excel: a merged range's value (kept by openpyxl in its first cell) is copied to its
    other cells.  CSV has no merges, so a blank upper cell takes the label on its left
    while the row below has a name there (NIID: disease over 報告, blank over 定当).
    A workbook whose heading has no merged cell at all (a CSV pasted into Excel) is
    read like the CSV; otherwise its merges alone say what an upper label covers.
    """
    grid = [list(raw.iloc[i]) for i in rows]
    in_heading = [m for m in merged or [] if m[0] <= rows[-1] and m[2] >= rows[0]]
    if in_heading:
        for r0, c0, r1, c1 in merged:
            top = raw.iat[r0, c0] if r0 < len(raw) and c0 < raw.shape[1] else None
            for k, i in enumerate(rows):
                if r0 <= i <= r1:
                    for j in range(c0, min(c1, raw.shape[1] - 1) + 1):
                        grid[k][j] = top
        return grid
    for k in range(len(grid) - 1):
        for j in range(1, len(grid[k])):
            if _is_missing(grid[k][j]) and not _is_missing(grid[k + 1][j]):
                grid[k][j] = grid[k][j - 1]
    return grid


def joined_names(grid: list[list[Any]]) -> list[str]:
    """One name per column: the heading rows' labels joined top to bottom (上段_下段)."""
    names = []
    for j in range(len(grid[0])):
        parts: list[str] = []
        for row in grid:
            if not _is_missing(row[j]):
                part = _column_name(row[j], j)
                if part not in parts:  # a label merged down over two rows counts once
                    parts.append(part)
        names.append("_".join(parts) if parts else _column_name(None, j))
    return names
