"""Cross tabulation with small-cell suppression, chi-square/Fisher and Cramér's V."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from workbench.templates.analyses.common import (
    SECRET,
    TemplateInputError,
    _check_alpha,
    _float,
    _label,
    _require_column,
    p_text,
)


def suppress(counts: pd.DataFrame, threshold: int) -> tuple[pd.DataFrame, pd.Series, pd.Series]:
    """Return masks (cells, row totals, column totals) of what must be shown as "x".

    Primary: cells with 0 < count < threshold.  Complementary: a row or column with a
    single hidden cell could be recovered from its total, so the smallest other non-zero
    cell there is hidden too (or, if none is left, the total itself); repeated until stable.
    """
    values = counts.to_numpy()
    cells = (values > 0) & (values < threshold)
    row_tot = np.zeros(values.shape[0], dtype=bool)
    col_tot = np.zeros(values.shape[1], dtype=bool)
    changed = True
    while changed:
        changed = False
        for axis, totals in ((1, row_tot), (0, col_tot)):
            for i in range(values.shape[1 - axis] if axis == 0 else values.shape[0]):
                line = cells[i, :] if axis == 1 else cells[:, i]
                vals = values[i, :] if axis == 1 else values[:, i]
                if line.sum() != 1 or totals[i]:
                    continue
                candidates = np.where(~line & (vals > 0))[0]
                if candidates.size:
                    j = candidates[np.argmin(vals[candidates])]
                    if axis == 1:
                        cells[i, j] = True
                    else:
                        cells[j, i] = True
                else:
                    totals[i] = True
                changed = True
    return (pd.DataFrame(cells, index=counts.index, columns=counts.columns),
            pd.Series(row_tot, index=counts.index), pd.Series(col_tot, index=counts.columns))


def crosstab(df: pd.DataFrame, row: str, column: str, threshold: int = 3,
             alpha: float = 0.05) -> dict[str, Any]:
    """Counts, row percentages (suppressed below threshold), chi-square/Fisher, Cramér's V."""
    alpha = _check_alpha(alpha)
    threshold = int(threshold)
    if threshold < 0:
        raise TemplateInputError("threshold（秘匿の基準）は0以上の整数にしてください")
    row = _require_column(df, row, "row")
    column = _require_column(df, column, "column")
    if row == column:
        raise TemplateInputError("row と column には別々の列を指定してください")
    data = df[[row, column]].dropna()
    dropped = len(df) - len(data)
    data = data.map(_label)
    counts = pd.crosstab(data[row], data[column])
    for name, levels in ((row, counts.index), (column, counts.columns)):
        if len(levels) < 2:
            raise TemplateInputError(f"列「{name}」の値が1種類しかありません（クロス集計には2種類"
                                     "以上必要です）")
        if len(levels) > 50:
            raise TemplateInputError(f"列「{name}」の値が{len(levels)}種類あります。クロス集計には"
                                     "カテゴリの列（50種類以下）を指定してください")
    n = int(counts.to_numpy().sum())
    chi2, p_chi, dof, expected = stats.chi2_contingency(counts.to_numpy(), correction=False)
    k = min(counts.shape)
    cramers_v = math.sqrt(chi2 / (n * (k - 1)))
    low_share = float((expected < 5).mean())
    if counts.shape == (2, 2) and (expected < 5).any():
        odds, p_value = stats.fisher_exact(counts.to_numpy())
        test, statistic, df_ = "fisher", _float(odds), None
    else:
        test, statistic, p_value, df_ = "chi2", float(chi2), float(p_chi), int(dof)
    cells, row_hidden, col_hidden = suppress(counts, threshold)
    row_totals, col_totals = counts.sum(axis=1), counts.sum(axis=0)
    shown_counts: dict[str, dict[str, Any]] = {}
    shown_pct: dict[str, dict[str, Any]] = {}
    for r in counts.index:
        shown_counts[r] = {c: SECRET if cells.loc[r, c] else int(counts.loc[r, c])
                           for c in counts.columns}
        shown_counts[r]["計"] = SECRET if row_hidden[r] else int(row_totals[r])
        shown_pct[r] = {c: SECRET if cells.loc[r, c] or row_hidden[r]
                        else round(float(counts.loc[r, c] / row_totals[r] * 100), 1)
                        for c in counts.columns}
    shown_counts["計"] = {c: SECRET if col_hidden[c] else int(col_totals[c])
                         for c in counts.columns}
    shown_counts["計"]["計"] = n
    caveats = []
    if dropped:
        caveats.append(f"「{row}」か「{column}」が欠損の {dropped}行を除いて集計しました。")
    if test == "fisher":
        caveats.append("期待度数が5未満のセルがある2×2表なので、カイ二乗検定ではなく Fisher の"
                       "正確確率検定の p 値を使いました。")
    elif low_share > 0.2:
        caveats.append(f"期待度数が5未満のセルが{low_share * 100:.0f}%あります（20%を超えると"
                       "カイ二乗検定の近似が不正確になります）。カテゴリをまとめることを検討して"
                       "ください。")
    hidden = int(cells.to_numpy().sum())
    if hidden:
        caveats.append(f"度数が{threshold}未満のセルと、そこから逆算できるセル（計{hidden}セル）を"
                       f"「{SECRET}」で秘匿しました。検定は秘匿前の度数で計算しています。")
    result = {
        "template": "crosstab", "row": row, "column": column, "n": n, "rows_dropped": dropped,
        "row_levels": list(counts.index), "column_levels": list(counts.columns),
        "threshold": threshold, "suppressed_cells": hidden,
        "counts": shown_counts, "row_percentages": shown_pct,
        "test": test, "statistic": _float(statistic), "df": df_, "p_value": _float(p_value),
        "chi2": float(chi2), "cramers_v": cramers_v, "min_expected": float(expected.min()),
        "low_expected_share": low_share, "alpha": alpha, "significant": bool(p_value < alpha),
    }
    result["conclusion"] = _crosstab_conclusion(result)
    result["caveats"] = caveats
    return result


def _crosstab_conclusion(r: dict[str, Any]) -> str:
    v = r["cramers_v"]
    strength = ("ほとんどない" if v < 0.1 else "弱い" if v < 0.3
                else "中程度の" if v < 0.5 else "強い")
    test = "Fisher の正確確率検定" if r["test"] == "fisher" else "カイ二乗検定"
    head = f"「{r['row']}」と「{r['column']}」の関連を{r['n']}件で調べました。"
    if r["significant"]:
        verdict = (f"{test}では有意水準 {r['alpha']:g} で統計的に有意な関連があります"
                   f"（{p_text(r['p_value'])}）。「{r['row']}」によって「{r['column']}」の"
                   "割合が異なると言えます。")
    else:
        verdict = (f"{test}では有意水準 {r['alpha']:g} で統計的に有意な関連は見られません"
                   f"（{p_text(r['p_value'])}）。")
    return head + verdict + f"関連の強さ（Cramér の V = {v:.3f}）は{strength}関連です。"

