"""Cell text basics shared by every reader: NFKC normalisation, blanks, the error type."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from workbench.errors import WorkbenchError


class DataFileError(WorkbenchError, ValueError):
    """A file or value cannot be read as asked; the Japanese message says how to fix it."""


def normalize_text(s: Any) -> Any:
    """NFKC-normalize (全角英数→半角, 半角カナ→全角) and strip spaces incl. 全角スペース.

    Non-strings are returned unchanged.

    >>> normalize_text("　ＡＢＣ１２３ ｶﾀｶﾅ　")
    'ABC123 カタカナ'
    """
    return unicodedata.normalize("NFKC", s).strip() if isinstance(s, str) else s


def _is_missing(value: Any) -> bool:
    if isinstance(value, str):
        return not value.strip()
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):  # list-likes are values, not missing
        return False


_BLANK_BETWEEN_MARKS = re.compile(r"\x00\s*\x00")


def present_values(series: pd.Series) -> list:
    """The cells that are not missing (``_is_missing``), in order.

    A text column is checked for blank cells in one regex pass over the cells joined
    between \x00 marks (most large columns have none) instead of a call per cell, which
    took seconds on a 10^6-row column; anything else goes cell by cell.
    """
    present = series.dropna()
    values = present.tolist()
    if pd.api.types.infer_dtype(present, skipna=False) == "string":
        joined = "\x00" + "\x00".join(values) + "\x00"
        if joined.count("\x00") == len(values) + 1 and not _BLANK_BETWEEN_MARKS.search(joined):
            return values
    return [v for v in values if not _is_missing(v)]


def map_distinct(series: pd.Series, func: Callable[[Any], Any]) -> pd.Series:
    """``series.map(func)``, calling ``func`` once per distinct value.

    A column of 10^6 rows holds a few group labels; mapping every row took seconds.
    Typed columns are factorized in C; an object column is walked once with a cache
    keyed by type as well, because 1, 1.0 and True are equal keys but not the same cell.
    """
    if series.dtype != object:
        codes, uniques = pd.factorize(series, use_na_sentinel=False)
        table = np.array([func(u) for u in uniques] + [None], dtype=object)
        return pd.Series(table[codes], index=series.index, name=series.name).infer_objects()
    cache: dict[tuple[type, Any], Any] = {}
    out = []
    for value in series:
        try:
            key = (type(value), value)
            if key not in cache:
                cache[key] = func(value)
            out.append(cache[key])
        except TypeError:  # an unhashable cell
            out.append(func(value))
    return pd.Series(out, index=series.index, name=series.name, dtype=object).infer_objects()
