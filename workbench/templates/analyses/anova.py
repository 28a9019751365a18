"""One-way comparison of three or more groups: ANOVA, Welch's ANOVA, Kruskal-Wallis, Tukey."""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from workbench.templates.analyses.common import (
    TemplateInputError,
    _check_alpha,
    _float,
    _require_column,
    _require_numeric,
    fmt,
    labels_of,
    p_text,
)


def welch_anova(samples: list[np.ndarray]) -> tuple[float, float, float, float]:
    """Welch's F test for means with unequal variances: (F, df1, df2, p).

    Welch (1951): weights w = n / s², weighted mean m; F = [Σw(x̄ − m)² / (k − 1)] /
    [1 + 2(k − 2)/(k² − 1) · Λ], Λ = Σ(1 − w/Σw)² / (n − 1); df2 = (k² − 1) / (3Λ).
    """
    k = len(samples)
    n = np.array([len(s) for s in samples], float)
    means = np.array([np.mean(s) for s in samples])
    w = n / np.array([np.var(s, ddof=1) for s in samples])
    m = np.sum(w * means) / np.sum(w)
    lam = np.sum((1 - w / np.sum(w)) ** 2 / (n - 1))
    f = (np.sum(w * (means - m) ** 2) / (k - 1)) / (1 + 2 * (k - 2) * lam / (k**2 - 1))
    df2 = (k**2 - 1) / (3 * lam)
    return float(f), float(k - 1), float(df2), float(stats.f.sf(f, k - 1, df2))


def anova(df: pd.DataFrame, value: str, group: str, alpha: float = 0.05) -> dict[str, Any]:
    """Means of 3+ groups: classic and Welch ANOVA, Kruskal-Wallis, Tukey HSD pairs."""
    alpha = _check_alpha(alpha)
    value = _require_column(df, value, "value")
    group = _require_column(df, group, "group")
    y = _require_numeric(df, value, "value")
    labels = labels_of(df[group])
    levels = [g for g in pd.unique(labels.dropna())]
    samples = [y[labels == g].dropna().to_numpy() for g in levels]
    if len(levels) < 2:
        raise TemplateInputError(
            f"列「{group}」（group）の値が{len(levels)}種類しかありません"
            "（群の比較には2種類以上必要です）"
        )
    small = [g for g, s in zip(levels, samples, strict=True) if len(s) < 2]
    if small:
        raise TemplateInputError(
            f"群「{'」「'.join(small)}」の有効なデータが2件未満です"
            "（各群2件以上必要です。--where で群を絞るか、群をまとめて"
            "ください）"
        )
    n_total = sum(len(s) for s in samples)
    classic = stats.f_oneway(*samples)
    grand = np.concatenate(samples).mean()
    ss_between = sum(len(s) * (s.mean() - grand) ** 2 for s in samples)
    ss_total = float(np.sum((np.concatenate(samples) - grand) ** 2))
    welch = welch_anova(samples)
    kw = stats.kruskal(*samples)
    levene = stats.levene(*samples)
    tukey = stats.tukey_hsd(*samples)
    ci = tukey.confidence_interval(1 - alpha)
    pairs = []
    for i, j in itertools.combinations(range(len(levels)), 2):
        pairs.append(
            {
                "group_1": levels[i],
                "group_2": levels[j],
                "difference": float(samples[i].mean() - samples[j].mean()),
                "p_value": float(tukey.pvalue[i, j]),
                "ci_low": float(ci.low[i, j]),
                "ci_high": float(ci.high[i, j]),
            }
        )
    unequal = levene.pvalue < 0.05
    chosen_p = welch[3] if unequal else float(classic.pvalue)
    result = {
        "template": "anova",
        "value": value,
        "group": group,
        "alpha": alpha,
        "groups": levels,
        "n": {g: len(s) for g, s in zip(levels, samples, strict=True)},
        "means": {g: float(s.mean()) for g, s in zip(levels, samples, strict=True)},
        "sds": {g: float(s.std(ddof=1)) for g, s in zip(levels, samples, strict=True)},
        "rows_dropped": int(len(df) - n_total),
        "anova": {
            "F": float(classic.statistic),
            "df1": len(levels) - 1,
            "df2": n_total - len(levels),
            "p_value": float(classic.pvalue),
            "eta_squared": float(ss_between / ss_total) if ss_total else None,
        },
        "welch": {"F": welch[0], "df1": welch[1], "df2": welch[2], "p_value": welch[3]},
        "kruskal": {
            "H": float(kw.statistic),
            "df": len(levels) - 1,
            "p_value": float(kw.pvalue),
            "epsilon_squared": float(kw.statistic / (n_total - 1)),
        },
        "levene_p": _float(levene.pvalue),
        "used": "welch" if unequal else "anova",
        "tukey": pairs,
        "significant": bool(chosen_p < alpha),
    }
    result["conclusion"] = _conclusion(result)
    result["caveats"] = _caveats(result, samples)
    return result


def _conclusion(r: dict[str, Any]) -> str:
    used = r["welch"] if r["used"] == "welch" else r["anova"]
    name = "Welch の分散分析" if r["used"] == "welch" else "一元配置分散分析"
    ranked = sorted(r["means"].items(), key=lambda kv: kv[1], reverse=True)
    head = (
        f"「{r['value']}」の平均は「{ranked[0][0]}」が最も高く（{fmt(ranked[0][1])}）、"
        f"「{ranked[-1][0]}」が最も低い（{fmt(ranked[-1][1])}）です（{len(ranked)}群）。"
    )
    if r["significant"]:
        diff = [p for p in r["tukey"] if p["p_value"] < r["alpha"]]
        named = "、".join(f"「{p['group_1']}」と「{p['group_2']}」" for p in diff[:3])
        more = f"など{len(diff)}組" if len(diff) > 3 else ""
        tail = (
            f"多重比較（Tukey）で差があるのは {named}{more} です。"
            if diff
            else "ただし多重比較（Tukey）では、差があると言える2群の組はありませんでした。"
        )
        return (
            head
            + f"{name}では群によって平均が異なると言えます（{p_text(used['p_value'])}）。"
            + tail
        )
    return head + (
        f"{name}では、群の間の平均の差は統計的に有意ではありません（{p_text(used['p_value'])}）。"
    )


def _caveats(r: dict[str, Any], samples: list[np.ndarray]) -> list[str]:
    notes = []
    if r["used"] == "welch":
        notes.append(
            f"群によって分散が異なる可能性があるため（Levene、{p_text(r['levene_p'])}）、"
            "結論には Welch の分散分析を使いました。Tukey の多重比較は等分散を前提に"
            "しているので、差の組は参考として見てください。"
        )
    shaky = [s for s in samples if len(s) >= 3 and np.ptp(s) > 0 and stats.shapiro(s).pvalue < 0.05]
    if shaky and min(len(s) for s in samples) < 30:
        kw = r["kruskal"]
        verdict = "有意" if kw["p_value"] < r["alpha"] else "有意ではありません"
        notes.append(
            "正規分布から外れている可能性のある群があります。順位にもとづく "
            f"Kruskal-Wallis 検定の結果（{p_text(kw['p_value'])}、{verdict}）もあわせて"
            "見てください。"
        )
    if r["rows_dropped"]:
        notes.append(f"値か群が欠損の {r['rows_dropped']}行を除きました。")
    if min(r["n"].values()) < 5:
        notes.append(f"件数が少ない群があります（最少 {min(r['n'].values())}件）。")
    return notes


__all__ = ["anova", "welch_anova"]
