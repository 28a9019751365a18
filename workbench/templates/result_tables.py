"""The tables of a template's result, as DataFrames for the Word and Excel reports.

One function per template turns result.json into named tables of raw numbers (no
formatting), so report_docx and report_xlsx show the same numbers result.json holds;
each writer formats them its own way (Word: readable digits, Excel: full precision with
a number format).  Text cells such as 秘匿 "x" stay text.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pandas as pd


@dataclass
class Table:
    title: str
    frame: pd.DataFrame


def _items(rows: dict[str, Any]) -> pd.DataFrame:
    return pd.DataFrame({"項目": list(rows), "値": list(rows.values())})


def _groups(r: dict[str, Any]) -> Table:
    groups = r["groups"]
    return Table(
        "群ごとの件数・平均",
        pd.DataFrame(
            {
                "群": groups,
                "件数": [r["n"][g] for g in groups],
                "平均": [r["means"][g] for g in groups],
                "標準偏差": [r["sds"][g] for g in groups],
            }
        ),
    )


def _ttest(r: dict[str, Any]) -> list[Table]:
    level = f"{(1 - r['alpha']) * 100:g}%"
    rows = {
        "平均の差": r["mean_difference"],
        f"差の{level}信頼区間（下限）": r["ci_low"],
        f"差の{level}信頼区間（上限）": r["ci_high"],
        "t 値": r["statistic"],
        "自由度": r["df"],
        "p 値": r["p_value"],
        "効果量（Cohen の d）": r["effect_size"],
    }
    return [_groups(r), Table(f"検定の結果（{r['test_name']}）", _items(rows))]


def _anova(r: dict[str, Any]) -> list[Table]:
    a, w, k = r["anova"], r["welch"], r["kruskal"]
    tests = pd.DataFrame(
        [
            ("一元配置分散分析", a["F"], a["df1"], a["df2"], a["p_value"]),
            ("Welch の分散分析", w["F"], w["df1"], w["df2"], w["p_value"]),
            ("Kruskal-Wallis", k["H"], k["df"], None, k["p_value"]),
        ],
        columns=["検定", "統計量", "自由度1", "自由度2", "p 値"],
    )
    tukey = pd.DataFrame(
        [
            (t["group_1"], t["group_2"], t["difference"], t["ci_low"], t["ci_high"], t["p_value"])
            for t in r["tukey"]
        ],
        columns=[
            "群1",
            "群2",
            "平均の差",
            "信頼区間（下限）",
            "信頼区間（上限）",
            "p 値（調整済み）",
        ],
    )
    return [
        _groups(r),
        Table("検定の結果", tests),
        Table("2群ずつの比較（Tukey）", tukey),
    ]


def _describe(r: dict[str, Any]) -> list[Table]:
    rows = [
        {"列": column, "グループ": group, **stats}
        for column, groups in r["table"].items()
        for group, stats in groups.items()
    ]
    return [Table("記述統計", pd.DataFrame(rows))]


def _correlation(r: dict[str, Any]) -> list[Table]:
    pairs = pd.DataFrame(r["pairs"]).rename(
        columns={
            "column_1": "列1",
            "column_2": "列2",
            "n": "件数",
            "pearson_r": "相関係数（Pearson）",
            "ci_low": "信頼区間（下限）",
            "ci_high": "信頼区間（上限）",
            "p_value": "p 値",
            "spearman_rho": "順位相関（Spearman）",
            "spearman_p": "順位相関の p 値",
        }
    )
    return [Table("2列ずつの相関", pairs)]


def _crosstab(r: dict[str, Any]) -> list[Table]:
    def grid(cells: dict[str, dict[str, Any]]) -> pd.DataFrame:
        total = ["計"] if "計" in cells else []  # the margins the counts table carries
        rows, columns = r["row_levels"] + total, r["column_levels"] + total
        frame = pd.DataFrame(cells).T.reindex(index=[x for x in rows if x in cells])
        frame = frame.reindex(columns=[c for c in columns if c in frame.columns])
        return frame.reset_index(names=r["row"])

    rows = {
        "件数": r["n"],
        "検定": r["test"],
        "統計量": r["statistic"],
        "自由度": r["df"],
        "p 値": r["p_value"],
        "Cramér の V": r["cramers_v"],
        "期待度数の最小値": r["min_expected"],
    }
    tables = [Table("度数（x は秘匿）", grid(r["counts"]))]
    if r.get("row_percentages"):
        tables.append(Table("行の割合（%）", grid(r["row_percentages"])))
    return [*tables, Table("検定の結果", _items(rows))]


def _coefficients(r: dict[str, Any], columns: dict[str, str]) -> pd.DataFrame:
    rows = [
        {"項": term, **{label: c.get(key) for key, label in columns.items()}}
        for term, c in r["coefficients"].items()
    ]
    return pd.DataFrame(rows)


def _regression(r: dict[str, Any]) -> list[Table]:
    coefficients = _coefficients(
        r,
        {
            "estimate": "係数",
            "std_error": "標準誤差",
            "t": "t 値",
            "p_value": "p 値",
            "ci_low": "信頼区間（下限）",
            "ci_high": "信頼区間（上限）",
        },
    )
    fit = {
        "件数": r["n"],
        "決定係数 R²": r["r_squared"],
        "自由度調整済み R²": r["adj_r_squared"],
        "残差の標準誤差": r["residual_std_error"],
        "F 値": r["f_statistic"],
        "F 検定の p 値": r["f_p_value"],
    }
    return [Table("係数", coefficients), Table("モデルの当てはまり", _items(fit))]


def _logistic(r: dict[str, Any]) -> list[Table]:
    coefficients = _coefficients(
        r,
        {
            "estimate": "係数",
            "std_error": "標準誤差",
            "z": "z 値",
            "p_value": "p 値",
            "odds_ratio": "オッズ比",
            "or_ci_low": "オッズ比の信頼区間（下限）",
            "or_ci_high": "オッズ比の信頼区間（上限）",
        },
    )
    fit = {
        "件数": r["n"],
        f"「{r['event']}」の件数": r["events"],
        "McFadden の R²": r["mcfadden_r2"],
        "AIC": r["aic"],
        "尤度比検定の p 値": r["llr_p_value"],
    }
    return [Table("係数とオッズ比", coefficients), Table("モデルの当てはまり", _items(fit))]


def _trend(r: dict[str, Any]) -> list[Table]:
    rows = {
        "件数（時点）": r["n"],
        "最初の値": r["first_value"],
        "最後の値": r["last_value"],
        f"傾き（{r['slope_unit']}）": r["slope"],
        "傾きの信頼区間（下限）": r["slope_ci_low"],
        "傾きの信頼区間（上限）": r["slope_ci_high"],
        "傾きの p 値": r["p_value"],
        "決定係数 R²": r["r_squared"],
        "Kendall の τ": r["kendall_tau"],
        "Mann-Kendall 検定の p 値": r["kendall_p"],
        f"Sen の傾き（{r['slope_unit']}）": r["sen_slope"],
    }
    return [Table(f"傾向（{r['start']} ～ {r['end']}）", _items(rows))]


def _did(r: dict[str, Any]) -> list[Table]:
    rows = {
        "効果の推定値（差の差）": r["estimate"],
        "標準誤差": r["std_error"],
        "信頼区間（下限）": r["ci_low"],
        "信頼区間（上限）": r["ci_high"],
        "p 値": r["p_value"],
        "件数": r["n"],
        "実施前の傾きの差の p 値": r.get("pre_trend_p"),
    }
    means = _items(r["group_means"]).rename(columns={"項目": "群・期間", "値": "平均"})
    return [Table("効果の推定", _items(rows)), Table("群・期間ごとの平均", means)]


def _consolidate(r: dict[str, Any]) -> list[Table]:
    key = "・".join(r["by"])
    table = pd.DataFrame(r["table"]).T.reset_index(names=key)
    totals = _items(r.get("totals") or {}).rename(columns={"項目": "列", "値": "全体"})
    return [Table(f"{key}ごとの{r['how_name']}", table), Table("全体", totals)]


TABLES: dict[str, Callable[[dict[str, Any]], list[Table]]] = {
    "ttest": _ttest,
    "anova": _anova,
    "describe": _describe,
    "correlation": _correlation,
    "crosstab": _crosstab,
    "regression": _regression,
    "logistic": _logistic,
    "trend": _trend,
    "did": _did,
    "consolidate": _consolidate,
}


def result_tables(result: dict[str, Any]) -> list[Table]:
    """The result's tables in report order (numbers as result.json has them)."""
    return TABLES[result["template"]](result)
