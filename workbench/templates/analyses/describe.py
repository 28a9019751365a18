"""Descriptive table by group: 件数・平均・標準偏差・最小・四分位・中央値・最大."""

from __future__ import annotations

from typing import Any

import pandas as pd

from workbench.templates.analyses.common import (
    TemplateInputError,
    _float,
    _names,
    _require_column,
    _require_numeric,
    fmt,
    labels_of,
)

STATS = ("件数", "平均", "標準偏差", "最小", "第1四分位", "中央値", "第3四分位", "最大", "欠損")


def _summary(values: pd.Series) -> dict[str, Any]:
    x = values.dropna()
    if x.empty:
        return {
            "件数": 0,
            "欠損": int(values.isna().sum()),
            **{k: None for k in STATS if k not in ("件数", "欠損")},
        }
    # Quartiles by linear interpolation (Excel's QUARTILE.INC, R's type 7).
    q1, med, q3 = (float(x.quantile(q)) for q in (0.25, 0.5, 0.75))
    return {
        "件数": int(len(x)),
        "平均": float(x.mean()),
        "標準偏差": _float(x.std(ddof=1)) if len(x) > 1 else None,
        "最小": float(x.min()),
        "第1四分位": q1,
        "中央値": med,
        "第3四分位": q3,
        "最大": float(x.max()),
        "欠損": int(values.isna().sum()),
    }


def describe(df: pd.DataFrame, values: str, group: str = "") -> dict[str, Any]:
    """Counts, mean, SD and quartiles of one or more number columns, overall or by group."""
    columns = [_require_column(df, c, "values") for c in _names(values)]
    if not columns:
        _require_column(df, "", "values")  # raises: asks for column names
    numbers = {c: _require_numeric(df, c, "values") for c in columns}
    table: dict[str, dict[str, dict[str, Any]]] = {}
    if group:
        group = _require_column(df, group, "group")
        labels = labels_of(df[group])
        levels = list(pd.unique(labels.dropna()))
        if len(levels) > 50:
            raise TemplateInputError(
                f"列「{group}」（group）の値が{len(levels)}種類あります。"
                "グループの列（50種類以下）を指定してください"
            )
        for c in columns:
            table[c] = {g: _summary(numbers[c][labels == g]) for g in levels}
            table[c]["全体"] = _summary(numbers[c][labels.notna()])
    else:
        table = {c: {"全体": _summary(numbers[c])} for c in columns}
    first = columns[0]
    overall = table[first]["全体"]
    text = (
        f"「{first}」は {overall['件数']}件で、平均 {fmt(overall['平均'])}、中央値 "
        f"{fmt(overall['中央値'])}（四分位 {fmt(overall['第1四分位'])} ～ "
        f"{fmt(overall['第3四分位'])}）です。"
    )
    if group:
        means = {
            g: s["平均"] for g, s in table[first].items() if g != "全体" and s["平均"] is not None
        }
        if means:
            high, low = max(means, key=means.get), min(means, key=means.get)
            text += (
                f"平均が最も高いのは「{high}」（{fmt(means[high])}）、最も低いのは"
                f"「{low}」（{fmt(means[low])}）です。"
            )
    if len(columns) > 1:
        text += f"ほかの{len(columns) - 1}列は表を参照してください。"
    caveats = []
    gaps = {c: int(numbers[c].isna().sum()) for c in columns if numbers[c].isna().any()}
    if gaps:
        caveats.append(
            "欠損値（空欄・記号）を除いて計算しました: "
            + "、".join(f"「{c}」{n}件" for c, n in gaps.items())
        )
    skewed = [
        c
        for c in columns
        if (s := table[c]["全体"])["平均"] is not None
        and s["標準偏差"]
        and abs(s["平均"] - s["中央値"]) > 0.5 * s["標準偏差"]
    ]
    if skewed:
        caveats.append(
            f"「{'」「'.join(skewed)}」は平均と中央値が大きく離れています（分布の偏りや"
            "外れ値）。代表値には中央値を使うことを検討してください。"
        )
    return {
        "template": "describe",
        "values": columns,
        "group": group or None,
        "statistics": list(STATS),
        "table": table,
        "conclusion": text,
        "caveats": caveats,
    }
