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

# Spacing of consecutive dates (median, in days) → the unit a slope is given in.
_UNITS = ((300, "年"), (25, "月"), (6, "週"), (0, "日"))


def _date_unit(stamps: pd.Series) -> str:
    days = np.diff(np.unique(stamps.dropna().to_numpy("datetime64[D]")).astype(float))
    spacing = float(np.median(days)) if days.size else 1.0
    return next(unit for limit, unit in _UNITS if spacing >= limit)


def _time_axis(series: pd.Series, name: str) -> tuple[np.ndarray, str]:
    """Numbers for the time column and the unit of one step.

    Dates count from the first date in the data's own unit: calendar days for daily
    data, days / 7 for weekly, months (year × 12 + month, plus the day's share) for
    monthly, and years for yearly dates.  A day count never comes from a decimal-year
    axis (31 Dec → 1 Jan would be 1.25 or 0.25 days).  Plain numbers are used as they
    are: years when they look like years (1800–2200), else "単位".
    """
    if pd.api.types.is_datetime64_any_dtype(series):
        stamps = pd.to_datetime(series)
        first = stamps.min()
        unit = _date_unit(stamps)
        days = (stamps - first).dt.days.to_numpy(float)
        if unit == "週":
            return days / 7, unit
        if unit == "月":
            months = (stamps.dt.year - first.year) * 12 + (stamps.dt.month - first.month)
            share = (stamps.dt.day - 1) / stamps.dt.days_in_month
            return (months + share).to_numpy(float), unit
        if unit == "年":
            years = stamps.dt.year - first.year
            return (years + (stamps.dt.dayofyear - 1) / 365.25).to_numpy(float), unit
        return days, unit
    if pd.api.types.is_numeric_dtype(series):
        values = series.to_numpy(float)
        finite = values[~np.isnan(values)]
        years = (
            finite.size
            and np.all(finite == np.round(finite))
            and np.all((finite > 1800) & (finite < 2200))
        )
        return values, "年" if years else "単位"
    raise TemplateInputError(
        f"列「{name}」（time）を時点として読めません。西暦・和暦の年（2024、令和6年度）か"
        "日付（2024-04-01、2024/4/1、2024年4月1日、令和6年4月1日）の列を指定してください。"
        "1つのファイルに表が縦に複数並んでいる場合は、1つの表だけを別のシートに"
        "切り出してください"
    )


def trend(df: pd.DataFrame, time: str, value: str, alpha: float = 0.05) -> dict[str, Any]:
    """Linear trend (OLS slope with CI) plus Mann-Kendall (Kendall's tau) and Sen's slope."""
    from statsmodels.stats.stattools import durbin_watson

    alpha = _check_alpha(alpha)
    time = _require_column(df, time, "time")
    value = _require_column(df, value, "value")
    y_all = _require_numeric(df, value, "value")
    _time_axis(df[time], time)  # refuses a column that is no time before anything else
    keep = (df[time].notna() & y_all.notna()).to_numpy()
    # The axis starts at the first time that has a value, as the report's chart does.
    t, unit = _time_axis(df.loc[keep, time], time)
    y = y_all.to_numpy()[keep]
    order = np.argsort(t, kind="stable")
    t, y = t[order], y[order]
    if len(y) < 4 or np.ptp(t) == 0:
        raise TemplateInputError(
            f"有効な時点が{len(y)}件しかありません（傾向を見るには異なる時点で4件以上必要です）"
        )
    fit = stats.linregress(t, y)
    margin = float(stats.t.ppf(1 - alpha / 2, len(y) - 2)) * fit.stderr
    tau = stats.kendalltau(t, y)
    sen = stats.theilslopes(y, t, alpha=1 - alpha)
    resid = y - (fit.intercept + fit.slope * t)
    first, last = float(y[0]), float(y[-1])
    label = _label
    times = df.loc[keep, time].iloc[order]
    result = {
        "template": "trend",
        "time": time,
        "value": value,
        "alpha": alpha,
        "n": int(len(y)),
        "rows_dropped": int((~keep).sum()),
        "start": label(times.iloc[0]),
        "end": label(times.iloc[-1]),
        "first_value": first,
        "last_value": last,
        "change": last - first,
        "change_pct": _float((last - first) / first * 100) if first else None,
        "slope": float(fit.slope),
        "slope_unit": f"1{unit}あたり",
        "intercept": float(fit.intercept),
        "slope_ci_low": float(fit.slope - margin),
        "slope_ci_high": float(fit.slope + margin),
        "p_value": float(fit.pvalue),
        "r_squared": float(fit.rvalue**2),
        "kendall_tau": _float(tau.statistic),
        "kendall_p": _float(tau.pvalue),
        "sen_slope": float(sen.slope),
        "sen_ci_low": float(sen.low_slope),
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
        caveats.append(
            f"直線からのずれに正の自己相関があります（Durbin-Watson = {dw:.2f}）。"
            "時系列では前後の値が似やすく、p 値が小さく出すぎることがあります。"
            "Mann-Kendall 検定の結果もあわせて見てください。"
        )
    if (tau.pvalue < alpha) != (fit.pvalue < alpha):
        caveats.append(
            "直線回帰と Mann-Kendall 検定で有意かどうかの判断が分かれました。外れ値や"
            "曲線的な変化がないかグラフで確認してください。"
        )
    if dw is not None and dw < 1.0:
        caveats.append(
            "値が直線の上と下に長く続けて外れています（波のような増減）。直線の傾きは"
            "この推移の要約として不十分です。グラフで山や谷を確認し、期間を分けて"
            "見ることを検討してください。"
        )
    seasonal = _seasonality(times, resid, unit)
    result["seasonality_p"] = seasonal
    if seasonal is not None and seasonal < alpha:
        caveats.append(
            f"月によって値の高低に決まったパターンがあります（季節変動。月ごとの残差の"
            f"Kruskal-Wallis 検定、{p_text(seasonal)}）。前年同月との比較や12か月移動"
            "平均で見ることを検討してください。"
        )
    if len(y) < 10:
        caveats.append(f"時点が{len(y)}件と少ないため、傾向の判断は慎重にしてください。")
    result["caveats"] = caveats
    return result


def _seasonality(times: pd.Series, resid: np.ndarray, unit: str) -> float | None:
    """p value of a month-of-year pattern in the residuals (monthly data, 2+ years)."""
    if unit != "月" or len(resid) < 24:
        return None
    months = pd.to_datetime(times).dt.month.to_numpy()
    groups = [resid[months == m] for m in np.unique(months)]
    if len(groups) < 2 or np.ptp(resid) == 0:
        return None
    return _float(stats.kruskal(*groups).pvalue)


def _trend_conclusion(r: dict[str, Any]) -> str:
    way = "増加" if r["slope"] > 0 else "減少"
    text = (
        f"「{r['value']}」は {r['start']} から {r['end']} までの{r['n']}時点で、"
        f"{r['slope_unit']}平均 {fmt(abs(r['slope']))} の{way}傾向です"
        f"（{(1 - r['alpha']) * 100:g}%信頼区間 {fmt(r['slope_ci_low'])} ～ "
        f"{fmt(r['slope_ci_high'])}）。"
    )
    if r["significant"]:
        text += f"この傾向は統計的に有意です（{p_text(r['p_value'])}）。"
    else:
        text += (
            f"ただし統計的に有意な傾向とは言えません（{p_text(r['p_value'])}）。"
            "横ばいの可能性も残ります。"
        )
    if r["change_pct"] is not None:
        text += (
            f"最初の値 {fmt(r['first_value'])} から最後の値 {fmt(r['last_value'])} へ "
            f"{r['change_pct']:+.1f}% 変化しました。"
        )
    return text
