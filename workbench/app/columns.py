"""Which columns a template parameter may take: numbers, categories or time points.

The kind of a column is decided on the table as the templates read it (after
workbench.io has converted 全角 digits, 桁区切り and 和暦 dates), so the drop-downs offer
exactly the columns the analysis can use.
"""

from __future__ import annotations

import pandas as pd

NUMERIC, CATEGORY, TIME = "numeric", "category", "time"
#: Shown next to a column name in the preview and the drop-downs.
KIND_LABELS = {NUMERIC: "数値", CATEGORY: "カテゴリ", TIME: "日付・時点"}

#: Parameter name → the kind of column it takes.  Parameters not listed here are not
#: column names (alpha, formula, test …) and get a text or number field.
PARAMETER_KINDS = {
    "value": NUMERIC,
    "value2": NUMERIC,
    "outcome": NUMERIC,
    "values": NUMERIC,
    "count": NUMERIC,
    "group": CATEGORY,
    "row": CATEGORY,
    "column": CATEGORY,
    "by": CATEGORY,
    "treated": CATEGORY,
    "period": CATEGORY,
    "pair_by": CATEGORY,
    "cluster": CATEGORY,
    "time": TIME,
}
#: Parameters that take several columns (comma-separated on the command line).
MULTIPLE = {"values", "by", "count"}
#: Parameters with a fixed set of values (from the templates' help texts).
CHOICES = {
    "how": ["sum", "mean", "count", "min", "max"],
    "test": ["auto", "welch", "student", "paired", "one_sample"],
}
#: A categorical column has at most this many distinct values (a 0/1 or 1-5 code too).
MAX_CATEGORIES = 50


def _is_year(series: pd.Series) -> bool:
    """Whole numbers that read as western years (2019, 2020 …): a time point."""
    values = series.dropna()
    if values.empty or not pd.api.types.is_numeric_dtype(values):
        return False
    return bool(((values % 1 == 0) & (values >= 1900) & (values <= 2100)).all())


def column_kinds(df: pd.DataFrame) -> dict[str, set[str]]:
    """Each column's kinds: a column can be several (a year is numeric and a time point,
    a 0/1 code is numeric and a category)."""
    kinds: dict[str, set[str]] = {}
    for name in df.columns:
        series = df[name]
        found = set()
        if pd.api.types.is_datetime64_any_dtype(series):
            found.add(TIME)
        elif pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series):
            found.add(NUMERIC)
            if _is_year(series):
                found.add(TIME)
            if series.nunique() <= min(MAX_CATEGORIES, max(2, len(series) // 2)):
                found.add(CATEGORY)
        else:
            found.add(CATEGORY)
            text = series.dropna().astype(str)
            if not text.empty and text.str.contains(r"(?:年度?|月)$").all():
                found.add(TIME)  # 令和6年度, 2024年4月: the trend template reads these
        kinds[str(name)] = found
    return kinds


def columns_for(parameter: str, kinds: dict[str, set[str]]) -> list[str] | None:
    """The columns a parameter may take, in table order; None when it is not a column."""
    kind = PARAMETER_KINDS.get(parameter)
    if kind is None:
        return None
    return [name for name, found in kinds.items() if kind in found]


def describe_kinds(found: set[str]) -> str:
    return "・".join(KIND_LABELS[k] for k in (NUMERIC, CATEGORY, TIME) if k in found)
