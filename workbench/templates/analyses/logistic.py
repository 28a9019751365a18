"""Logistic regression for a yes/no outcome: odds ratios with CIs, from an R-style formula."""

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
    fmt,
    p_text,
    two_level_indicator,
)
from workbench.templates.analyses.regression import (
    _display_term,
    _formula_names,
    _prepare_formula,
)


def _outcome(df: pd.DataFrame, name: str, event: str) -> tuple[pd.Series, str]:
    """1 for the event rows (``event``, or 1 of a 0/1 column), 0 for the other value."""
    return two_level_indicator(
        df[name],
        event,
        too_many=lambda count, shown: (
            f"目的変数「{name}」には{count}種類の値（{shown}）が"
            "あります。ロジスティック回帰には はい/いいえ のような2種類の"
            "値の列が必要です"
        ),
        not_found=lambda levels: f"event「{event}」は列「{name}」にありません（ある値: {levels}）",
        ask=lambda levels: (
            f"目的変数「{name}」の値 {levels} のどちらを「起きた」"
            "とするかを -p event 値 で指定してください"
        ),
    )


def logistic(
    df: pd.DataFrame, formula: str, event: str = "", alpha: float = 0.05
) -> dict[str, Any]:
    """Logit model: coefficients, odds ratios (CI), McFadden R², events per term."""
    import statsmodels.formula.api as smf
    from statsmodels.tools.sm_exceptions import PerfectSeparationError

    alpha = _check_alpha(alpha)
    quoted = _prepare_formula(df, formula)
    lhs = _formula_names(quoted.partition("~")[0])
    if len(lhs) != 1:
        raise TemplateInputError(f"式「{formula}」の ~ の左には目的変数の列を1つだけ書いてください")
    name = _require_column(df, lhs[0], "formula の目的変数")
    y, event = _outcome(df, name, event)
    data = df.assign(**{name: y})
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            fit = smf.logit(quoted, data=data, missing="drop").fit(disp=False, maxiter=100)
    except (PerfectSeparationError, np.linalg.LinAlgError) as exc:
        raise TemplateInputError(
            "説明変数で結果が完全に分かれてしまうため推定できません"
            "（完全分離）。説明変数を減らすか、カテゴリをまとめてください"
            f"（{type(exc).__name__}）"
        ) from None
    ci = fit.conf_int(alpha)
    coefficients = {}
    for t in fit.params.index:
        b = float(fit.params[t])
        coefficients[_display_term(t)] = {
            "estimate": b,
            "std_error": _float(fit.bse[t]),
            "z": _float(fit.tvalues[t]),
            "p_value": _float(fit.pvalues[t]),
            "odds_ratio": _float(math.exp(b)),
            "or_ci_low": _float(math.exp(ci.loc[t, 0])),
            "or_ci_high": _float(math.exp(ci.loc[t, 1])),
        }
    n = int(fit.nobs)
    events = int(fit.model.endog.sum())
    result = {
        "template": "logistic",
        "formula": formula,
        "formula_used": quoted,
        "outcome": name,
        "event": event,
        "alpha": alpha,
        "n": n,
        "events": events,
        "rows_dropped": int(len(df) - n),
        "coefficients": coefficients,
        "mcfadden_r2": _float(fit.prsquared),
        "aic": _float(fit.aic),
        "llr_p_value": _float(fit.llr_pvalue),
        "converged": bool(fit.mle_retvals["converged"]),
    }
    result["conclusion"] = _conclusion(result)
    result["caveats"] = _caveats(result)
    return result


def _conclusion(r: dict[str, Any]) -> str:
    terms = {t: c for t, c in r["coefficients"].items() if t != "Intercept"}
    text = (
        f"「{r['outcome']}」が「{r['event']}」になる見込みを{r['n']}行（うち「{r['event']}」"
        f"{r['events']}行）で分析しました。"
    )
    significant = [
        t for t, c in terms.items() if c["p_value"] is not None and c["p_value"] < r["alpha"]
    ]
    for t in significant[:3]:
        c = terms[t]
        text += (
            f"「{t}」が1増えると、オッズは {fmt(c['odds_ratio'], 3)} 倍になります"
            f"（{(1 - r['alpha']) * 100:g}%信頼区間 {fmt(c['or_ci_low'], 3)} ～ "
            f"{fmt(c['or_ci_high'], 3)}、{p_text(c['p_value'])}）。"
        )
    if len(significant) > 3:
        text += f"ほかに{len(significant) - 3}個の説明変数も有意です（表を参照）。"
    if not significant:
        text += f"有意水準 {r['alpha']:g} で統計的に有意な説明変数はありませんでした。"
    return text + "関連は因果関係を意味しません。"


def _caveats(r: dict[str, Any]) -> list[str]:
    notes = []
    terms = len(r["coefficients"]) - 1
    rare = min(r["events"], r["n"] - r["events"])
    if terms and rare / terms < 10:
        notes.append(
            f"少ない側の結果が{rare}行しかなく、説明変数1つあたり10行未満です。係数が不安定に"
            "なりやすいので、説明変数を絞ることを検討してください。"
        )
    if not r["converged"]:
        notes.append("推定の計算が収束しませんでした。結果は参考程度にしてください。")
    if r["rows_dropped"]:
        notes.append(f"欠損値のある {r['rows_dropped']}行を除いて計算しました。")
    return notes
