"""Trend over time: OLS slope, Mann-Kendall and Sen's slope."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from workbench.templates.analyses.common import (
    TemplateInputError,
    _check_alpha,
    _float,
    _label,
    _require_column,
    _require_numeric,
    fmt,
    p_text,
)


def _time_axis(series: pd.Series, name: str) -> tuple[np.ndarray, str]:
    """Numbers for the time column: years as they are, dates as decimal years."""
    if pd.api.types.is_datetime64_any_dtype(series):
        stamps = pd.to_datetime(series)
        return (stamps.dt.year + (stamps.dt.dayofyear - 1) / 365.25).to_numpy(float), "年"
    if pd.api.types.is_numeric_dtype(series):
        values = series.to_numpy(float)
        finite = values[~np.isnan(values)]
        years = finite.size and np.all(finite == np.round(finite)) and \
            np.all((finite > 1800) & (finite < 2200))
        return values, "年" if years else "単位"
    raise TemplateInputError(
        f"列「{name}」（time）を時点として読めません。西暦・和暦の年（2024、令和6年度）か"
        "日付（令和6年4月1日、2024/4/1）の列を指定してください")


def trend(df: pd.DataFrame, time: str, value: str, alpha: float = 0.05) -> dict[str, Any]:
    """Linear trend (OLS slope with CI) plus Mann-Kendall (Kendall's tau) and Sen's slope."""
    from statsmodels.stats.stattools import durbin_watson

    alpha = _check_alpha(alpha)
    time = _require_column(df, time, "time")
    value = _require_column(df, value, "value")
    y_all = _require_numeric(df, value, "value")
    t_all, unit = _time_axis(df[time], time)
    keep = ~(np.isnan(t_all) | y_all.isna().to_numpy())
    t, y = t_all[keep], y_all.to_numpy()[keep]
    order = np.argsort(t, kind="stable")
    t, y = t[order], y[order]
    if len(y) < 4 or np.ptp(t) == 0:
        raise TemplateInputError(f"有効な時点が{len(y)}件しかありません（傾向を見るには異なる"
                                 "時点で4件以上必要です）")
    fit = stats.linregress(t, y)
    margin = float(stats.t.ppf(1 - alpha / 2, len(y) - 2)) * fit.stderr
    tau = stats.kendalltau(t, y)
    sen = stats.theilslopes(y, t, alpha=1 - alpha)
    resid = y - (fit.intercept + fit.slope * t)
    first, last = float(y[0]), float(y[-1])
    label = _label
    times = df.loc[keep, time].iloc[order]
    result = {
        "template": "trend", "time": time, "value": value, "alpha": alpha, "n": int(len(y)),
        "rows_dropped": int((~keep).sum()), "start": label(times.iloc[0]),
        "end": label(times.iloc[-1]), "first_value": first, "last_value": last,
        "change": last - first, "change_pct": _float((last - first) / first * 100)
        if first else None,
        "slope": float(fit.slope), "slope_unit": f"1{unit}あたり",
        "intercept": float(fit.intercept),
        "slope_ci_low": float(fit.slope - margin), "slope_ci_high": float(fit.slope + margin),
        "p_value": float(fit.pvalue), "r_squared": float(fit.rvalue ** 2),
        "kendall_tau": _float(tau.statistic), "kendall_p": _float(tau.pvalue),
        "sen_slope": float(sen.slope), "sen_ci_low": float(sen.low_slope),
        "sen_ci_high": float(sen.high_slope),
        "durbin_watson": _float(durbin_watson(resid)) if np.ptp(resid) > 0 else None,
        "significant": bool(fit.pvalue < alpha),
    }
    result["conclusion"] = _trend_conclusion(result)
    caveats = []
    if result["rows_dropped"]:
        caveats.append(f"時点か値が欠損の {result['rows_dropped']}行を除きました。")
    dw = result["durbin_watson"]
    if dw is not None and dw < 1.5:
        caveats.append(f"直線からのずれに正の自己相関があります（Durbin-Watson = {dw:.2f}）。"
                       "時系列では前後の値が似やすく、p 値が小さく出すぎることがあります。"
                       "Mann-Kendall 検定の結果もあわせて見てください。")
    if (tau.pvalue < alpha) != (fit.pvalue < alpha):
        caveats.append("直線回帰と Mann-Kendall 検定で有意かどうかの判断が分かれました。外れ値や"
                       "曲線的な変化がないかグラフで確認してください。")
    if len(y) < 10:
        caveats.append(f"時点が{len(y)}件と少ないため、傾向の判断は慎重にしてください。")
    result["caveats"] = caveats
    return result


def _trend_conclusion(r: dict[str, Any]) -> str:
    way = "増加" if r["slope"] > 0 else "減少"
    text = (f"「{r['value']}」は {r['start']} から {r['end']} までの{r['n']}時点で、"
            f"{r['slope_unit']}平均 {fmt(abs(r['slope']))} の{way}傾向です"
            f"（{(1 - r['alpha']) * 100:g}%信頼区間 {fmt(r['slope_ci_low'])} ～ "
            f"{fmt(r['slope_ci_high'])}）。")
    if r["significant"]:
        text += f"この傾向は統計的に有意です（{p_text(r['p_value'])}）。"
    else:
        text += (f"ただし統計的に有意な傾向とは言えません（{p_text(r['p_value'])}）。"
                 "横ばいの可能性も残ります。")
    if r["change_pct"] is not None:
        text += (f"最初の値 {fmt(r['first_value'])} から最後の値 {fmt(r['last_value'])} へ "
                 f"{r['change_pct']:+.1f}% 変化しました。")
    return text

