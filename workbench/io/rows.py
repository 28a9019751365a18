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

from workbench.io.text import _is_missing, normalize_text, per_distinct_text

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


def total_by_label(row: pd.Series, columns: list) -> str | None:
    for column in columns:
        label = _label(row[column])
        if label in TOTAL_LABELS or _TOTAL_SUFFIX.search(label):
            return label
    return None


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


def _column_labels(column: pd.Series) -> list[str]:
    """``_label`` of every cell ("" for a cell that is not text)."""
    return per_distinct_text(column, _label, lambda _: "")


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
    labels = [
        c for c in df.columns if c not in numeric and df[c].map(lambda v: isinstance(v, str)).any()
    ]
    found: list[Excluded] = []
    under_retab = False
    few = (df.notna().sum(axis=1) <= 2).to_numpy()  # read_table leaves blanks as None
    # Each label column's labels once, then a loop over row positions: iterrows built a
    # Series per row (most of reading a 10^5-row file).  The loop stays because a
    # （再掲） row affects the rows after it.
    label_columns = [_column_labels(df[c]) for c in labels]
    for i, index in enumerate(df.index):
        if few[i]:
            row = df.iloc[i]
            if _is_footnote(row):
                found.append(
                    Excluded(
                        index,
                        "footnote",
                        normalize_text(_text_cells(row)[0]),
                        "注記の行（データではありません）",
                    )
                )
                under_retab = False
                continue
        texts = [column[i] for column in label_columns if column[i]]
        if any(_RETABULATION.match(t) for t in texts) or under_retab:
            under_retab = True
            found.append(
                Excluded(
                    index,
                    "retabulation",
                    "・".join(texts),
                    "（再掲）の行（上の行の再集計で、数えると二重になります）",
                )
            )
            continue
        # total_by_label, on the labels computed above (same columns, same order)
        label = next((t for t in texts if t in TOTAL_LABELS or _TOTAL_SUFFIX.search(t)), None)
        if label is not None:
            found.append(Excluded(index, "total", label, f"合計・小計の行（「{label}」）"))
    keep = ~df.index.isin([e.row for e in found])
    for index in _sum_rows(cleaned, numeric, pd.Series(keep, index=df.index)):
        found.append(Excluded(index, "total", "", "合計の行（数値が他の行の和と一致します）"))
    return found
