"""Correlation matrix of number columns: Pearson with 95% CIs, and Spearman."""

from __future__ import annotations

import itertools
import math
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from workbench.templates.analyses.common import (
    TemplateInputError,
    _check_alpha,
    _float,
    _names,
    _require_column,
    _require_numeric,
    fmt,
    p_text,
)


def _strength(r: float) -> str:
    a = abs(r)
    return "ほとんどない" if a < 0.2 else "弱い" if a < 0.4 else "中程度の" if a < 0.7 else "強い"


def pearson_ci(r: float, n: int, alpha: float) -> tuple[float | None, float | None]:
    """Fisher's z interval: tanh(atanh(r) ± z(1−α/2) / √(n − 3))."""
    if n <= 3 or abs(r) >= 1:
        return None, None
    half = stats.norm.ppf(1 - alpha / 2) / math.sqrt(n - 3)
    return math.tanh(math.atanh(r) - half), math.tanh(math.atanh(r) + half)


def correlation(df: pd.DataFrame, values: str, alpha: float = 0.05) -> dict[str, Any]:
    """Every pair of the listed columns: n, Pearson r (CI, p) and Spearman ρ (p)."""
    alpha = _check_alpha(alpha)
    columns = [_require_column(df, c, "values") for c in _names(values)]
    if len(columns) < 2:
        raise TemplateInputError(
            "values に数値の列を2つ以上、カンマ区切りで指定してください"
            "（例: -p values 人口,面積,税収）"
        )
    data = {c: _require_numeric(df, c, "values") for c in columns}
    pairs = []
    for a, b in itertools.combinations(columns, 2):
        both = data[a].notna() & data[b].notna()
        x, y = data[a][both].to_numpy(), data[b][both].to_numpy()
        n = int(both.sum())
        if n < 3 or np.ptp(x) == 0 or np.ptp(y) == 0:
            pairs.append(
                {
                    "column_1": a,
                    "column_2": b,
                    "n": n,
                    "pearson_r": None,
                    "ci_low": None,
                    "ci_high": None,
                    "p_value": None,
                    "spearman_rho": None,
                    "spearman_p": None,
                }
            )
            continue
        pr, sr = stats.pearsonr(x, y), stats.spearmanr(x, y)
        low, high = pearson_ci(float(pr.statistic), n, alpha)
        pairs.append(
            {
                "column_1": a,
                "column_2": b,
                "n": n,
                "pearson_r": float(pr.statistic),
                "ci_low": _float(low),
                "ci_high": _float(high),
                "p_value": float(pr.pvalue),
                "spearman_rho": _float(sr.statistic),
                "spearman_p": _float(sr.pvalue),
            }
        )
    matrix = {c: {d: (1.0 if c == d else None) for d in columns} for c in columns}
    for p in pairs:
        matrix[p["column_1"]][p["column_2"]] = matrix[p["column_2"]][p["column_1"]] = p["pearson_r"]
    ranked = sorted(
        (p for p in pairs if p["pearson_r"] is not None),
        key=lambda p: abs(p["pearson_r"]),
        reverse=True,
    )
    if ranked:
        top = ranked[0]
        text = (
            f"{len(columns)}列の組み合わせ{len(pairs)}組のうち、相関が最も強いのは"
            f"「{top['column_1']}」と「{top['column_2']}」です"
            f"（r = {fmt(top['pearson_r'], 3)}、"
            f"{(1 - alpha) * 100:g}%信頼区間 {fmt(top['ci_low'], 3)} ～ "
            f"{fmt(top['ci_high'], 3)}、"
            f"{p_text(top['p_value'])}、{_strength(top['pearson_r'])}相関）。"
        )
        significant = [p for p in ranked if p["p_value"] < alpha]
        text += (
            f"有意水準 {alpha:g} で有意な相関は{len(significant)}組です（一覧は表を参照）。"
            "相関は因果関係を意味しません。"
        )
    else:
        text = "相関係数を計算できる組がありませんでした（各列の値を確認してください）。"
    caveats = []
    gaps = [p for p in pairs if p["n"] < len(df)]
    if gaps:
        caveats.append(
            "どちらかが欠損の行は、その組の計算から除きました（組ごとに件数が異なります）。"
        )
    apart = [
        p
        for p in ranked
        if p["spearman_rho"] is not None and abs(p["pearson_r"] - p["spearman_rho"]) > 0.2
    ]
    if apart:
        names = "、".join(f"「{p['column_1']}」と「{p['column_2']}」" for p in apart[:3])
        caveats.append(
            f"{names}は Pearson と Spearman の値が大きく異なります。外れ値や曲線的な"
            "関係がないか散布図で確認してください。"
        )
    if len(pairs) > 3:
        caveats.append(
            f"{len(pairs)}組を同時に検定しているため、偶然に有意となる組が出やすくなっています。"
        )
    return {
        "template": "correlation",
        "values": columns,
        "alpha": alpha,
        "pairs": pairs,
        "matrix": matrix,
        "conclusion": text,
        "caveats": caveats,
    }
