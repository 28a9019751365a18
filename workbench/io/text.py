"""Cell text basics shared by every reader: NFKC normalisation, blanks, the error type."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable
from typing import Any

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


def per_distinct_text(
    values: Iterable[Any], func: Callable[[str], Any], other: Callable[[Any], Any]
) -> list:
    """``func`` of each text value, computed once per distinct text (headings, labels and
    dates repeat a lot in published tables); ``other`` of each value that is not text."""
    cache: dict[str, Any] = {}
    out = []
    for value in values:
        if isinstance(value, str):
            if value not in cache:
                cache[value] = func(value)
            out.append(cache[value])
        else:
            out.append(other(value))
    return out
