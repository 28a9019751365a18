"""Shared by every analysis: the input error, checks of columns and numbers, number prose."""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from workbench.errors import WorkbenchError
from workbench.io.text import map_distinct

#: What a suppressed (秘匿) number is shown as.
SECRET = "x"


class TemplateInputError(WorkbenchError, ValueError):
    """Parameters or data do not fit the template; the Japanese message says how to fix it."""


def _float(value: Any) -> float | None:
    """A JSON-safe float: NaN and infinities become None."""
    if value is None:
        return None
    value = float(value)
    return value if math.isfinite(value) else None


def fmt(value: float | None, digits: int = 4) -> str:
    """Format a number for people: significant digits, thousands separators, never 1e+06.

    Readers of a report for decision makers do not read e-notation: 7,033,093 and
    0.0001234 are written out.  Whole numbers of ``digits`` or more digits are rounded
    to units (1,347,101), smaller ones keep ``digits`` significant digits.

    >>> fmt(7033093.167), fmt(-0.00012345), fmt(22.16955886), fmt(None)
    ('7,033,093', '-0.0001234', '22.17', '—')
    """
    if value is None:
        return "—"
    value = float(value)
    if not math.isfinite(value):
        return "—"
    if abs(value) >= 10 ** (digits - 1):
        return f"{value:,.0f}"
    text = np.format_float_positional(
        value, precision=digits, unique=False, fractional=False, trim="-"
    )
    sign, digits_text = ("-", text[1:]) if text.startswith("-") else ("", text)
    whole, dot, fraction = digits_text.partition(".")
    return f"{sign}{int(whole or 0):,}{dot}{fraction}"


def p_text(p: float | None) -> str:
    """ "p = 0.012" or "p < 0.001" for prose."""
    text = fmt_p(p)
    return f"p {text}" if text.startswith("<") else f"p = {text}"


def fmt_p(p: float | None) -> str:
    if p is None:
        return "—"
    return "< 0.001" if p < 0.001 else f"{p:.3f}"


def _columns_text(df: pd.DataFrame) -> str:
    return "、".join(f"「{c}」" for c in df.columns)


def heading_hint(df: pd.DataFrame) -> str:
    """Which rows were read as the heading, and how to choose another (for "not found")."""
    rows = df.attrs.get("header_rows")
    if not isinstance(rows, list) or not rows:
        return ""
    where = f"{rows[0]}～{rows[-1]}行目" if len(rows) > 1 else f"{rows[0]}行目"
    return (
        f"見出しはファイルの{where}として読みました。列名の行が違う場合は --header-row 行番号"
        "（Excel で見たときの行番号）を指定してください。"
    )


def _require_column(df: pd.DataFrame, name: str, what: str) -> str:
    """Return the column's name as stored (read_table NFKC-normalizes headers: （ → ()."""
    if not name:
        raise TemplateInputError(
            f"パラメータ {what} に列名を指定してください"
            f"（-p {what} 列名。この表の列: {_columns_text(df)}）"
        )
    if name in df.columns:
        return name
    normalized = re.sub(r"\s+", "", unicodedata.normalize("NFKC", name))
    for column in df.columns:
        if re.sub(r"\s+", "", str(column)) == normalized:
            return column
    # Multi-row headings are joined as 上段_下段 (令和_2年_(2020)); the lowest label the
    # user sees in Excel, or the top one, names the column when only one column has it.
    parts = {c: re.sub(r"\s+", "", str(c)).split("_") for c in df.columns}
    for position in (-1, 0):
        found = [c for c, p in parts.items() if len(p) > 1 and p[position] == normalized]
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            raise TemplateInputError(
                f"列「{name}」（パラメータ {what}）に当たる列が複数あります: "
                f"{'、'.join(f'「{c}」' for c in found)}。どれか1つを見出しのとおりに指定して"
                "ください"
            )
    raise TemplateInputError(
        f"列「{name}」が見つかりません（パラメータ {what}）。列名を表の見出しと"
        f"同じに直してください。この表の列: {_columns_text(df)}。{heading_hint(df)}"
    )


def _require_numeric(df: pd.DataFrame, name: str, what: str) -> pd.Series:
    series = df[name]
    if pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series):
        return series.astype(float)
    bad = [
        (label, v)
        for label, v in series.items()
        if isinstance(v, str) and v.strip() and pd.isna(_to_float(v))
    ]
    example = "、".join(f"{label}行目「{v}」" for label, v in bad[:3])
    raise TemplateInputError(
        f"列「{name}」（パラメータ {what}）は数値の列ではありません（数値として読めない値: "
        f"{example or 'なし'}）。数値の列を指定するか、その値を数値または空欄に直してください"
    )


def _to_float(text: str) -> float:
    try:
        return float(unicodedata.normalize("NFKC", text).replace(",", ""))
    except ValueError:
        return float("nan")


def _check_alpha(alpha: float) -> float:
    alpha = float(alpha)
    if not 0 < alpha < 1:
        raise TemplateInputError(
            f"alpha（有意水準）は0より大きく1より小さい値にしてください"
            f"（指定値: {alpha}。ふつうは 0.05）"
        )
    return alpha


def _label(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, pd.Timestamp | np.datetime64):
        stamp = pd.Timestamp(value)
        return str(stamp.date()) if stamp == stamp.normalize() else str(stamp)
    return str(value)


#: Points drawn per scatter or strip in a chart.  Statistics always use every row; beyond
#: a few thousand points a scatter is one blot, and drawing 10^6 of them took longer than
#: the whole analysis.
CHART_POINTS = 2000


def rows_to_draw(n: int, limit: int = CHART_POINTS) -> tuple[np.ndarray, str]:
    """Positions of at most ``limit`` of ``n`` rows, drawn at random (seed 0) and kept in
    order, and the note the chart shows ("" when every row is drawn)."""
    if n <= limit:
        return np.arange(n), ""
    rows = np.sort(np.random.default_rng(0).choice(n, limit, replace=False))
    return rows, f"点は全{n:,}件から無作為に選んだ{limit:,}件です"


def _label_or_missing(value: Any) -> Any:
    return value if pd.isna(value) else _label(value)


def labels_of(values: pd.Series) -> pd.Series:
    """Each cell as the label people see (``_label``), missing cells kept missing;
    computed once per distinct value (a group column of 10^6 rows has a few)."""
    return map_distinct(values, _label_or_missing)


def two_level_indicator(
    values: pd.Series,
    chosen: str,
    too_many: Callable[[int, str], str],
    not_found: Callable[[str], str],
    ask: Callable[[str], str],
) -> tuple[pd.Series, str]:
    """1.0 where a row's label is ``chosen`` (or "1" of a 0/1 column), 0.0 for the other
    level, NaN where missing; returns the series and the level counted as 1.

    Shared by ``did`` (treated, post) and ``logistic`` (the event). Levels are compared as
    the labels people see, so 1 and "1" are one level. The messages are the caller's:
    ``too_many(count, shown levels)``, ``not_found(levels)``, ``ask(levels)``.
    """
    labels = labels_of(values)
    levels = sorted(pd.unique(labels.dropna()))
    if len(levels) != 2:
        shown = "、".join(f"「{v}」" for v in levels[:10])
        raise TemplateInputError(too_many(len(levels), shown))
    listed = "、".join(levels)
    if chosen:
        if chosen not in levels:
            raise TemplateInputError(not_found(listed))
    elif set(levels) == {"0", "1"}:
        chosen = "1"
    else:
        raise TemplateInputError(ask(listed))
    indicator = np.where(labels.isna(), np.nan, (labels == chosen).astype(float))
    return pd.Series(indicator, index=labels.index, name=labels.name), chosen


def _names(text: str) -> list[str]:
    """Column names from a list typed as "A,B", "A、B" or "A，B"."""
    return [n.strip() for n in re.split(r"[,、，]", text or "") if n.strip()]
