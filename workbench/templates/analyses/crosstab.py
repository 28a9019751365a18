"""Cross tabulation with small-cell suppression, chi-square/Fisher and Cramér's V."""

from __future__ import annotations

import math
import re
import unicodedata
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
    _names,
    _require_column,
    _require_numeric,
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
    return (
        pd.DataFrame(cells, index=counts.index, columns=counts.columns),
        pd.Series(row_tot, index=counts.index),
        pd.Series(col_tot, index=counts.columns),
    )


#: Answers that are no category: left out of the table (with a note) unless asked.
UNKNOWN = frozenset({"不明", "不詳", "無回答", "未回答", "非公表", "調査中", "不明・無回答"})


def _level(value: Any) -> str:
    return unicodedata.normalize("NFKC", _label(value)).strip()


def _natural_key(label: str) -> tuple:
    """Age bands and sizes in their natural order: 10歳未満 < 10代 < 20代 … < 85歳以上."""
    match = re.search(r"\d+", label)
    if match is None:
        return (1, 0, 0, label)
    shift = -1 if re.search(r"未満|以下|まで", label) else 1 if "以上" in label else 0
    return (0, int(match.group()), shift, label)


def _ordered(levels: list[str]) -> list[str]:
    """Numbered levels in natural order; 不明 and the like (kept on request) go last."""
    known = [v for v in levels if v not in UNKNOWN]
    if known and all(re.search(r"\d", v) for v in known):
        known = sorted(known, key=_natural_key)
    return known + [v for v in levels if v in UNKNOWN]


def _counted(df: pd.DataFrame, row: str, column: str, count: str) -> tuple[pd.DataFrame, str, int]:
    """Cells from already-counted data: a count column, or one column per category."""
    columns = [_require_column(df, c, "count") for c in _names(count)]
    for c in columns:
        values = _require_numeric(df, c, "count").dropna()
        if (values < 0).any() or not np.allclose(values, np.round(values)):
            raise TemplateInputError(f"列「{c}」（count）には0以上の整数（件数）を入れてください")
    if column:
        if len(columns) != 1:
            raise TemplateInputError(
                "column を指定したときは、count には件数の列を1つだけ指定して"
                "ください（横に並んだ件数の列を使うときは column を外します）"
            )
        data = df[[row, column, columns[0]]].dropna()
        dropped = len(df) - len(data)
        cells = data.assign(**{row: data[row].map(_level), column: data[column].map(_level)})
        return (
            cells.pivot_table(
                index=row, columns=column, values=columns[0], aggfunc="sum", fill_value=0
            ),
            column,
            dropped,
        )
    if len(columns) < 2:
        raise TemplateInputError(
            "件数の表から集計するには、column に列名を指定して count に件数の"
            "列を1つ指定するか、count に横に並んだ件数の列を2つ以上（カンマ"
            "区切り）指定してください"
        )
    data = df[[row, *columns]].dropna(subset=[row])
    dropped = len(df) - len(data)
    cells = data.assign(**{row: data[row].map(_level)}).groupby(row, sort=False)[columns].sum()
    cells.columns.name = "（列）"
    return cells, "（列）", dropped


def _refuse_counts_as_categories(df: pd.DataFrame, name: str) -> None:
    """A number column with nearly one value per row is counts or measurements, not a
    category: crossed as categories, each count became a level and each row one record
    (published age-band tables gave Cramér's V = 1.000).  Numeric codes with a few
    levels (学年 1–3) or many rows per level stay categories."""
    values = df[name].dropna()
    if not pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values):
        return
    levels = values.nunique()
    if levels >= 10 and levels >= len(values) / 2:
        raise TemplateInputError(
            f"列「{name}」は数値の列で、{len(values)}行に{levels}種類の値があります。"
            "クロス集計では1行を1件、値をカテゴリとして数えるため、この列は使えません。"
            f"件数が入った表（例: 年齢層ごとの2019年・2020年の件数）なら、-p count {name}"
            "（件数の列が横に並ぶときは -p count 列1,列2）で件数の列を指定してください。"
            "数値を区分として使う場合は、区分の列（例: 20代）を作ってから指定してください"
        )


def crosstab(
    df: pd.DataFrame,
    row: str,
    column: str = "",
    count: str = "",
    keep_unknown: bool = False,
    threshold: int = 3,
    alpha: float = 0.05,
) -> dict[str, Any]:
    """Counts, row percentages (suppressed below threshold), chi-square/Fisher, Cramér's V.

    One record per row (``row`` × ``column``), or already-counted data: ``count`` names a
    count column (with ``column``) or several columns of counts side by side (without
    it, e.g. 2019 and 2020 deaths by age band).  不明/不詳 levels are left out with a note
    unless ``keep_unknown``.
    """
    alpha = _check_alpha(alpha)
    threshold = int(threshold)
    if threshold < 0:
        raise TemplateInputError("threshold（秘匿の基準）は0以上の整数にしてください")
    row = _require_column(df, row, "row")
    column = _require_column(df, column, "column") if column or not count else ""
    if row == column:
        raise TemplateInputError("row と column には別々の列を指定してください")
    if count:
        counts, column, dropped = _counted(df, row, column, count)
        counts = counts.astype(int)
    else:
        for name in (row, column):
            _refuse_counts_as_categories(df, name)
        data = df[[row, column]].dropna()
        dropped = len(df) - len(data)
        data = data.map(_level)
        counts = pd.crosstab(data[row], data[column])
    unknown_rows = [r for r in counts.index if r in UNKNOWN]
    unknown_cols = [c for c in counts.columns if c in UNKNOWN]
    unknown_n = int(
        counts.loc[unknown_rows].to_numpy().sum()
        + counts.drop(index=unknown_rows)[unknown_cols].to_numpy().sum()
    )
    if not keep_unknown:
        counts = counts.drop(index=unknown_rows, columns=unknown_cols)
    counts = counts.loc[_ordered(list(counts.index)), _ordered(list(counts.columns))]
    for name, levels in ((row, counts.index), (column, counts.columns)):
        if len(levels) < 2:
            raise TemplateInputError(
                f"列「{name}」の値が1種類しかありません（クロス集計には2種類以上必要です）"
            )
        if len(levels) > 50:
            raise TemplateInputError(
                f"列「{name}」の値が{len(levels)}種類あります。クロス集計には"
                "カテゴリの列（50種類以下）を指定してください"
            )
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
        shown_counts[r] = {
            c: SECRET if cells.loc[r, c] else int(counts.loc[r, c]) for c in counts.columns
        }
        shown_counts[r]["計"] = SECRET if row_hidden[r] else int(row_totals[r])
        shown_pct[r] = {
            c: SECRET
            if cells.loc[r, c] or row_hidden[r]
            else round(float(counts.loc[r, c] / row_totals[r] * 100), 1)
            for c in counts.columns
        }
    shown_counts["計"] = {
        c: SECRET if col_hidden[c] else int(col_totals[c]) for c in counts.columns
    }
    shown_counts["計"]["計"] = n
    caveats = []
    if unknown_rows or unknown_cols:
        levels = "・".join(f"「{v}」" for v in unknown_rows + unknown_cols)
        caveats.append(
            f"{levels}はカテゴリではないため集計から除きました（{unknown_n}件）。"
            "含めるには -p keep_unknown true を指定してください。"
            if not keep_unknown
            else f"{levels}（{unknown_n}件）も1つのカテゴリとして集計しています。"
        )
    if count:
        caveats.append(
            "件数の表から集計しました（1行を1件ではなく、件数の列の値を件数として数えています）。"
        )
    if dropped:
        caveats.append(f"「{row}」か「{column}」が欠損の {dropped}行を除いて集計しました。")
    if test == "fisher":
        caveats.append(
            "期待度数が5未満のセルがある2×2表なので、カイ二乗検定ではなく Fisher の"
            "正確確率検定の p 値を使いました。"
        )
    elif low_share > 0.2:
        caveats.append(
            f"期待度数が5未満のセルが{low_share * 100:.0f}%あります（20%を超えると"
            "カイ二乗検定の近似が不正確になります）。カテゴリをまとめることを検討して"
            "ください。"
        )
    hidden = int(cells.to_numpy().sum())
    if hidden:
        caveats.append(
            f"度数が{threshold}未満のセルと、そこから逆算できるセル（計{hidden}セル）を"
            f"「{SECRET}」で秘匿しました。検定は秘匿前の度数で計算しています。"
        )
    result = {
        "template": "crosstab",
        "row": row,
        "column": column,
        "count": count or None,
        "n": n,
        "rows_dropped": dropped,
        "row_levels": list(counts.index),
        "column_levels": list(counts.columns),
        "threshold": threshold,
        "suppressed_cells": hidden,
        "counts": shown_counts,
        "row_percentages": shown_pct,
        "test": test,
        "statistic": _float(statistic),
        "df": df_,
        "p_value": _float(p_value),
        "chi2": float(chi2),
        "cramers_v": cramers_v,
        "min_expected": float(expected.min()),
        "low_expected_share": low_share,
        "alpha": alpha,
        "significant": bool(p_value < alpha),
    }
    result["conclusion"] = _crosstab_conclusion(result)
    result["caveats"] = caveats
    return result


def _crosstab_conclusion(r: dict[str, Any]) -> str:
    v = r["cramers_v"]
    strength = (
        "ほとんどない" if v < 0.1 else "弱い" if v < 0.3 else "中程度の" if v < 0.5 else "強い"
    )
    test = "Fisher の正確確率検定" if r["test"] == "fisher" else "カイ二乗検定"
    head = f"「{r['row']}」と「{r['column']}」の関連を{r['n']}件で調べました。"
    if r["significant"]:
        verdict = (
            f"{test}では有意水準 {r['alpha']:g} で統計的に有意な関連があります"
            f"（{p_text(r['p_value'])}）。「{r['row']}」によって「{r['column']}」の"
            "割合が異なると言えます。"
        )
    else:
        verdict = (
            f"{test}では有意水準 {r['alpha']:g} で統計的に有意な関連は見られません"
            f"（{p_text(r['p_value'])}）。"
        )
    return head + verdict + f"関連の強さ（Cramér の V = {v:.3f}）は{strength}関連です。"
