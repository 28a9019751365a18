"""Difference in differences with a pre-period parallel-trend check."""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np
import pandas as pd

from workbench.templates.analyses.common import (
    TemplateInputError,
    _check_alpha,
    _float,
    _require_column,
    _require_numeric,
    fmt,
    fmt_p,
    labels_of,
    p_text,
    two_level_indicator,
)
from workbench.templates.analyses.trend import _time_axis


def _binary(df: pd.DataFrame, column: str, what: str, label: str) -> pd.Series:
    """1 for the rows equal to ``label`` (or the value 1 of a 0/1 column), else 0."""
    role = "対象群" if what == "treated" else "実施後"
    indicator, _ = two_level_indicator(
        df[column],
        label,
        too_many=lambda count, shown: (
            f"列「{column}」（{what}）には{count}種類の値（{shown}）"
            "があります。2種類（0/1 など）の列を指定してください"
        ),
        not_found=lambda levels: (
            f"{what}_label「{label}」は列「{column}」にありません（ある値: {levels}）"
        ),
        ask=lambda levels: (
            f"列「{column}」（{what}）の値 {levels} のどちらが{role}かを "
            f"-p {what}_label 値 で指定してください"
        ),
    )
    return indicator


def did(
    df: pd.DataFrame,
    outcome: str,
    time: str,
    treated: str,
    period: str,
    treated_label: str = "",
    period_label: str = "",
    cluster: str = "",
    alpha: float = 0.05,
) -> dict[str, Any]:
    """Difference in differences: OLS outcome ~ treated * post, HC1 or cluster-robust SE."""
    import statsmodels.api as sm

    alpha = _check_alpha(alpha)
    outcome = _require_column(df, outcome, "outcome")
    time = _require_column(df, time, "time")
    treated = _require_column(df, treated, "treated")
    period = _require_column(df, period, "period")
    y = _require_numeric(df, outcome, "outcome")
    data = pd.DataFrame(
        {
            "y": y,
            "treated": _binary(df, treated, "treated", treated_label),
            "post": _binary(df, period, "period", period_label),
            "time": df[time],
        }
    )
    if cluster:
        cluster = _require_column(df, cluster, "cluster")
        data["cluster"] = labels_of(df[cluster])
    data = data.dropna()
    cells = data.groupby(["treated", "post"]).size()
    if len(cells) < 4 or cells.min() < 2:
        raise TemplateInputError(
            "対象群・比較群それぞれに実施前・実施後のデータが2件以上必要です"
            f"（今の件数: {cells.to_dict()}）"
        )
    exog = sm.add_constant(
        pd.DataFrame(
            {
                "treated": data["treated"],
                "post": data["post"],
                "treated_post": data["treated"] * data["post"],
            }
        )
    )
    model = sm.OLS(data["y"], exog)
    if cluster:
        groups = pd.factorize(data["cluster"])[0]
        if len(set(groups)) < 2:
            raise TemplateInputError(f"列「{cluster}」（cluster）の値が1種類しかありません")
        fit = model.fit(cov_type="cluster", cov_kwds={"groups": groups})
        se_type = f"クラスター頑健標準誤差（{cluster}、{len(set(groups))}クラスター）"
    else:
        fit = model.fit(cov_type="HC1")
        se_type = "不均一分散に頑健な標準誤差（HC1）"
    with warnings.catch_warnings():  # a degenerate cluster covariance gives NaN, said below
        warnings.simplefilter("ignore", RuntimeWarning)
        ci, bse = fit.conf_int(alpha), fit.bse
    if not math.isfinite(bse["treated_post"]):
        raise TemplateInputError(
            "効果の標準誤差を計算できません（クラスター数が少なすぎるか、"
            "値のばらつきがありません）。cluster を外すか、データを確認して"
            "ください"
        )
    means = data.groupby(["treated", "post"])["y"].mean()
    pre_trend = _pre_trend(data, time)
    result = {
        "template": "did",
        "outcome": outcome,
        "time": time,
        "treated": treated,
        "period": period,
        "cluster": cluster or None,
        "alpha": alpha,
        "n": int(fit.nobs),
        "rows_dropped": int(len(df) - fit.nobs),
        "se_type": se_type,
        "estimate": float(fit.params["treated_post"]),
        "std_error": float(bse["treated_post"]),
        "statistic": float(fit.tvalues["treated_post"]),
        "p_value": float(fit.pvalues["treated_post"]),
        "ci_low": float(ci.loc["treated_post", 0]),
        "ci_high": float(ci.loc["treated_post", 1]),
        "group_means": {
            "対象群・実施前": float(means[(1.0, 0.0)]),
            "対象群・実施後": float(means[(1.0, 1.0)]),
            "比較群・実施前": float(means[(0.0, 0.0)]),
            "比較群・実施後": float(means[(0.0, 1.0)]),
        },
        "coefficients": {k: _float(v) for k, v in fit.params.items()},
        "pre_trend_difference_slope": pre_trend[0],
        "pre_trend_p": pre_trend[1],
        "pre_trend_unit": pre_trend[2] if pre_trend[1] is not None else None,
        "significant": bool(fit.pvalues["treated_post"] < alpha),
    }
    result["conclusion"] = _did_conclusion(result)
    caveats = [
        "差の差分析は「施策がなければ対象群と比較群は同じように推移した」（平行トレンド）"
        "という仮定に立っています。実施前のグラフで2群の動きが似ているか確認してください。"
    ]
    if pre_trend[1] is not None and pre_trend[1] < 0.05:
        caveats.append(
            f"実施前の期間で、2群の傾きに差があります（p = {fmt_p(pre_trend[1])}）。"
            "平行トレンドの仮定が疑わしく、推定値が偏っている可能性があります。"
        )
    elif pre_trend[1] is None:
        caveats.append(pre_trend[2])
    if cluster and len(set(groups)) < 30:
        caveats.append(
            f"クラスター数が{len(set(groups))}と少ないため、標準誤差が小さく出すぎる"
            "ことがあります。"
        )
    if not cluster:
        caveats.append(
            "同じ対象（市町村・施設など）を繰り返し観測している場合は -p cluster 列名 "
            "を指定してください（指定しないと標準誤差が小さく出すぎます）。"
        )
    result["caveats"] = caveats
    return result


def _pre_trend(data: pd.DataFrame, time: str) -> tuple[float | None, float | None, str]:
    """Slope difference (treated − control) per time unit before the policy, its p value
    (HC1), and the unit — or, when the check cannot run, None, None and the reason."""
    import statsmodels.api as sm

    pre = data[data["post"] == 0]
    try:
        t, unit = _time_axis(pre["time"], "time")
    except TemplateInputError:
        return (
            None,
            None,
            (
                f"列「{time}」が日付・年として読めないため、平行トレンドをデータで"
                "確認できません（時点の列を日付か年にしてください）。"
            ),
        )
    if len(np.unique(t)) < 2:
        return None, None, "実施前の時点が2つ未満のため、平行トレンドをデータで確認できません。"
    exog = sm.add_constant(
        pd.DataFrame(
            {"treated": pre["treated"].to_numpy(), "t": t, "tt": pre["treated"].to_numpy() * t}
        )
    )
    fit = sm.OLS(pre["y"].to_numpy(), exog).fit(cov_type="HC1")
    return _float(fit.params["tt"]), _float(fit.pvalues["tt"]), f"1{unit}あたり"


def _did_conclusion(r: dict[str, Any]) -> str:
    way = "押し上げた" if r["estimate"] > 0 else "押し下げた"
    level = f"{(1 - r['alpha']) * 100:g}%"
    text = (
        f"施策の効果の推定値（差の差）は {fmt(r['estimate'])} です（{level}信頼区間 "
        f"{fmt(r['ci_low'])} ～ {fmt(r['ci_high'])}）。対象群の「{r['outcome']}」を、"
        f"比較群の変化を差し引いて {fmt(abs(r['estimate']))} {way}と推定されます。"
    )
    if r["significant"]:
        text += f"この効果は統計的に有意です（{p_text(r['p_value'])}）。"
    else:
        text += (
            f"ただし統計的に有意ではありません（{p_text(r['p_value'])}）。効果がないことの"
            "証明ではありません。"
        )
    return text + "結果は平行トレンドの仮定が成り立つ場合に限り、施策の効果と解釈できます。"
