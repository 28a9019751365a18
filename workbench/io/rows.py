"""Rows of a published table that are not data: totals, re-tabulations, footnotes.

Statistical tables put a 総数/合計/全国 row above or below the data, subtotals (計) between
groups, re-tabulations under （再掲）, and notes (注…, ※…, 資料…) below.  Counted as data
they double a sum or add a 48th prefecture, so they are found here, by label and by
arithmetic, and taken out with a note that names each row and why.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from workbench.io.text import _is_missing, normalize_text

#: Labels of total and subtotal rows (spaces removed, NFKC).
TOTAL_LABELS = frozenset(
    {
        "総数",
        "計",
        "合計",
        "総計",
        "小計",
        "累計",
        "全国",
        "全国計",
        "全体",
        "全県",
        "県計",
        "都計",
        "道計",
        "府計",
        "市計",
        "区計",
        "町計",
        "村計",
        "郡計",
        "町村計",
        "市町村計",
        "市部計",
        "郡部計",
        "男女計",
        "総合計",
        "全市",
        "全区",
        "TOTAL",
        "Total",
        "total",
        "ALL",
        "All",
    }
)
_TOTAL_SUFFIX = re.compile(r"(合計|小計|総計)$")
_RETABULATION = re.compile(r"^[(（]?再掲[)）]?")
# 注1, ※, 資料：, 出典, (注), 備考 — and a footnote numbered on its own line ("２ 指数は…").
_NOTE_START = re.compile(r"^(\(?注|[※＊*]|資料|出典|備考|\(?備考|\d+\s)")


@dataclass(frozen=True)
class Excluded:
    """One row that is not data: its row number, the kind, and the text that showed it."""

    row: object
    kind: str  # "total" | "retabulation" | "footnote"
    label: str
    reason: str


def _label(value: object) -> str:
    return re.sub(r"\s+", "", normalize_text(value)) if isinstance(value, str) else ""


def _text_cells(row: pd.Series) -> list[str]:
    return [v for v in row if isinstance(v, str) and v.strip()]


def _is_footnote(row: pd.Series) -> bool:
    """A row of one or two cells whose text starts like a note (注, ※, 資料 …)."""
    cells = [v for v in row if not _is_missing(v)]
    texts = _text_cells(row)
    return bool(texts) and len(cells) <= 2 and bool(_NOTE_START.match(normalize_text(texts[0])))


def _sum_rows(df: pd.DataFrame, numeric: list, keep: pd.Series) -> list:
    """Rows equal, in every number column (at least two), to the sum of the other rows."""
    if len(numeric) < 2 or keep.sum() < 4:
        return []
    values = df.loc[keep, numeric].to_numpy(float)
    totals = np.nansum(values, axis=0)
    # All rows at once (a row loop took minutes at 10^6 rows): per row, the cells that
    # are numbers where the column total is not 0 must number at least two and all be
    # half the total (np.allclose over those cells, row by row).
    ok = ~np.isnan(values) & (totals != 0)
    close = np.isclose(2 * values, totals, rtol=1e-9, atol=1e-9)
    hit = (ok.sum(axis=1) >= 2) & np.where(ok, close, True).all(axis=1)
    return list(df.index[keep][hit])


def _per_distinct(column: pd.Series, func, default):
    """``func`` of each distinct text cell, as an array over the rows (``default`` for a
    cell that is not text): factorize hashes in C, so a 10^6-row column of a few labels
    costs a few calls of ``func``."""
    codes, uniques = pd.factorize(column, use_na_sentinel=True)
    values = [func(u) if isinstance(u, str) else default for u in uniques]
    table = np.array([*values, default], dtype=object)  # code -1 (missing) → default
    return table[codes]


def _has_text(column: pd.Series) -> bool:
    if pd.api.types.is_string_dtype(column.dtype) and column.dtype != object:
        return bool(column.notna().any())
    return any(isinstance(v, str) for v in column)


def _note_start(value: str) -> bool:
    return bool(value.strip()) and bool(_NOTE_START.match(normalize_text(value)))


def _is_total_label(label: str) -> bool:
    return label in TOTAL_LABELS or bool(_TOTAL_SUFFIX.search(label))


def _footnote_rows(df: pd.DataFrame) -> np.ndarray:
    """Rows of at most two cells whose first text cell starts like a note (_is_footnote),
    for all rows at once: a loop over rows took minutes on a 10^6-row, 2-column file."""
    n = len(df)
    few = (df.notna().sum(axis=1) <= 2).to_numpy()
    if not few.any() or df.shape[1] == 0:
        return np.zeros(n, dtype=bool)
    is_text = np.column_stack(
        [_per_distinct(df[c], lambda v: bool(v.strip()), False).astype(bool) for c in df]
    )
    note = np.column_stack([_per_distinct(df[c], _note_start, False).astype(bool) for c in df])
    first = is_text.argmax(axis=1)
    return few & is_text.any(axis=1) & note[np.arange(n), first]


def find_non_data_rows(raw: pd.DataFrame, cleaned: pd.DataFrame) -> list[Excluded]:
    """Total/subtotal rows (by label, then by arithmetic), （再掲） blocks and footnotes.

    ``raw`` is the table as read (text intact, for labels and notes), ``cleaned`` the
    same rows after clean_table (numbers, for the arithmetic).  Label columns are those
    that stayed text.  A row under （再掲） and every row after it up to the next note
    are re-tabulations of the rows above.
    """
    df = raw
    numeric = [
        c
        for c in cleaned.columns
        if pd.api.types.is_numeric_dtype(cleaned[c]) and not pd.api.types.is_bool_dtype(cleaned[c])
    ]
    labels = [c for c in df.columns if c not in numeric and _has_text(df[c])]
    # Labels, and what they say, once per distinct label of each label column; rows are
    # then classified with arrays, and only the rows where something happens (a note, a
    # （再掲）) are visited in order, because a （再掲） row affects the rows after it.
    label_columns = [_per_distinct(df[c], _label, "") for c in labels]
    retab = np.zeros(len(df), dtype=bool)
    total = np.zeros(len(df), dtype=bool)
    for column in label_columns:
        retab |= _per_flag(column, lambda t: bool(t) and bool(_RETABULATION.match(t)))
        total |= _per_flag(column, lambda t: bool(t) and _is_total_label(t))
    footnote = _footnote_rows(df)
    under = np.zeros(len(df), dtype=bool)  # below a （再掲） row, before the next note
    state, start = False, 0
    for i in np.flatnonzero(footnote | retab):
        under[start:i] = state
        state, start = not footnote[i], i + 1
    under[start:] = state
    retab_rows = ~footnote & (retab | under)
    total_rows = ~footnote & ~retab_rows & total

    def texts(i: int) -> list[str]:
        return [column[i] for column in label_columns if column[i]]

    found: list[Excluded] = []
    for i in np.flatnonzero(footnote | retab_rows | total_rows):
        index = df.index[i]
        if footnote[i]:
            first = next(v for v in df.iloc[i] if isinstance(v, str) and v.strip())
            found.append(
                Excluded(
                    index, "footnote", normalize_text(first), "注記の行（データではありません）"
                )
            )
        elif retab_rows[i]:
            found.append(
                Excluded(
                    index,
                    "retabulation",
                    "・".join(texts(i)),
                    "（再掲）の行（上の行の再集計で、数えると二重になります）",
                )
            )
        else:
            label = next(t for t in texts(i) if _is_total_label(t))
            found.append(Excluded(index, "total", label, f"合計・小計の行（「{label}」）"))
    keep = ~df.index.isin([e.row for e in found])
    for index in _sum_rows(cleaned, numeric, pd.Series(keep, index=df.index)):
        found.append(Excluded(index, "total", "", "合計の行（数値が他の行の和と一致します）"))
    return found


def _per_flag(labels: np.ndarray, func) -> np.ndarray:
    """``func`` of each distinct label in an array of labels, as a boolean array."""
    codes, uniques = pd.factorize(labels)
    return (
        np.array([func(u) for u in uniques], dtype=bool)[codes]
        if len(uniques)
        else (np.zeros(len(labels), dtype=bool))
    )
