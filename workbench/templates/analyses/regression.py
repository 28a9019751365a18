"""OLS regression from an R-style formula, with diagnostics."""

from __future__ import annotations

import io as _io
import keyword
import math
import re
import tokenize
import unicodedata
from typing import Any

import numpy as np
import pandas as pd

from workbench.templates.analyses.common import (
    TemplateInputError,
    _check_alpha,
    _columns_text,
    _float,
    _require_numeric,
    fmt,
    heading_hint,
    p_text,
)

_FUNCTIONS = {
    "Q",
    "C",
    "I",
    "np",
    "log",
    "exp",
    "sqrt",
    "center",
    "standardize",
    "scale",
    "bs",
    "cr",
    "cc",
    "te",
    "Treatment",
    "Sum",
    "Poly",
    "Diff",
    "Helmert",
}


def _normalize_formula(formula: str) -> str:
    formula = unicodedata.normalize("NFKC", formula)
    # Wave dashes typed by Japanese IMEs are not "~" even after NFKC.
    return formula.replace("〜", "~").replace("～", "~").replace("“", '"').replace("”", '"')


def quote_formula(formula: str, columns: list[str]) -> str:
    """Wrap column names that are not Python identifiers in Q("…") so patsy accepts them.

    Names like 就業者数 are identifiers already; 人口(人) or 1人当たり所得 are not.  The
    longest names are matched first and text already inside quotes is left alone.

    >>> quote_formula("所得(円) ~ 人口", ["所得(円)", "人口"])
    'Q("所得(円)") ~ 人口'
    """
    formula = _normalize_formula(formula)
    names = sorted(
        (str(c) for c in columns if not (str(c).isidentifier() and not keyword.iskeyword(str(c)))),
        key=len,
        reverse=True,
    )
    if not names:
        return formula
    pattern = re.compile(r'"[^"]*"|\'[^\']*\'|' + "|".join(map(re.escape, names)))

    def replace(match: re.Match) -> str:
        text = match.group(0)
        return text if text[0] in "\"'" else f'Q("{text}")'

    return pattern.sub(replace, formula)


def _formula_names(formula: str) -> list[str]:
    """Column names the formula refers to: bare identifiers and Q("…") arguments."""
    try:
        tokens = list(tokenize.generate_tokens(_io.StringIO(formula).readline))
    except (tokenize.TokenError, SyntaxError, IndentationError) as exc:
        raise TemplateInputError(
            f"式「{formula}」を解釈できません（括弧や引用符の対応を確認してください）"
        ) from exc
    names = []
    for i, tok in enumerate(tokens):
        after = tokens[i + 1].string if i + 1 < len(tokens) else ""
        before = tokens[i - 1].string if i else ""
        if tok.type == tokenize.NAME and before != "." and after == "(":
            if tok.string not in _FUNCTIONS:
                raise TemplateInputError(
                    f"式の中の「{tok.string}(…)」は列名でも使える関数でもありません（formula）。"
                    "括弧などの記号を含む列名は、表の見出しと1文字も違わないように書いてください"
                    '（迷ったら Q("列名") と書けます）'
                )
        elif tok.type == tokenize.NAME and before != ".":
            names.append(tok.string)
        elif tok.type == tokenize.STRING and i >= 2 and tokens[i - 2].string == "Q":
            names.append(tok.string[1:-1])
    return names


def _prepare_formula(df: pd.DataFrame, formula: str) -> str:
    if not formula or "~" not in _normalize_formula(formula):
        raise TemplateInputError(
            "formula に「目的変数 ~ 説明変数1 + 説明変数2」の形の式を指定してください"
            f'（指定値: {formula!r}。例: -p formula "利用者数 ~ 人口 + 面積"）'
        )
    quoted = quote_formula(formula, list(df.columns))
    lhs, _, rhs = quoted.partition("~")
    if not lhs.strip() or not rhs.strip():
        raise TemplateInputError(f"式「{formula}」の ~ の左（目的変数）か右（説明変数）が空です")
    try:
        names = _formula_names(quoted)
    except TemplateInputError as error:  # "名前(…)": often a column the heading did not give
        raise TemplateInputError(f"{error}。{heading_hint(df)}") from None
    for name in names:
        if name not in df.columns and name not in _FUNCTIONS:
            raise TemplateInputError(
                f"式の中の「{name}」という列が見つかりません（formula）。列名を表の見出しと同じに"
                f"直してください。この表の列: {_columns_text(df)}。{heading_hint(df)}"
            )
    return quoted


def _display_term(term: str) -> str:
    return re.sub(r'Q\("([^"]*)"\)', r"\1", term)


def regression(df: pd.DataFrame, formula: str, alpha: float = 0.05) -> dict[str, Any]:
    """OLS from an R-style formula (QR solve for accuracy on ill-conditioned data)."""
    import patsy
    import statsmodels.formula.api as smf
    from statsmodels.stats.diagnostic import het_breuschpagan
    from statsmodels.stats.outliers_influence import variance_inflation_factor
    from statsmodels.stats.stattools import durbin_watson, jarque_bera

    alpha = _check_alpha(alpha)
    quoted = _prepare_formula(df, formula)
    lhs_names = _formula_names(quoted.partition("~")[0])
    for name in lhs_names:
        if name in df.columns:
            _require_numeric(df, name, "formula の目的変数")
    try:
        model = smf.ols(quoted, data=df, missing="drop")
    except patsy.PatsyError as exc:
        raise TemplateInputError(f"式「{formula}」を解釈できません（{exc.message}）") from None
    except (SyntaxError, ValueError, TypeError, KeyError) as exc:
        raise TemplateInputError(
            f"式「{formula}」を解釈できません（{type(exc).__name__}: {exc}）"
            "。列名・演算子（+ - * : ~）・括弧を確認してください"
        ) from None
    if model.endog.ndim > 1 and model.endog.shape[1] > 1:
        raise TemplateInputError(f"目的変数（~ の左）が数値の列ではありません（式「{formula}」）")
    n, k = model.exog.shape
    if n <= k:
        raise TemplateInputError(
            f"欠損値を除いた有効な行が{n}行しかなく、係数{k}個の推定には"
            f"足りません（{k + 1}行以上必要です）"
        )
    fit = model.fit(method="qr")
    ci = fit.conf_int(alpha)
    names = list(fit.params.index)
    coefficients = {
        _display_term(t): {
            "estimate": _float(fit.params[t]),
            "std_error": _float(fit.bse[t]),
            "t": _float(fit.tvalues[t]),
            "p_value": _float(fit.pvalues[t]),
            "ci_low": _float(ci.loc[t, 0]),
            "ci_high": _float(ci.loc[t, 1]),
        }
        for t in names
    }
    exog = model.exog
    has_const = "Intercept" in names
    vif = {}
    if exog.shape[1] > (2 if has_const else 1):
        for j, t in enumerate(names):
            if t != "Intercept":
                vif[_display_term(t)] = _float(variance_inflation_factor(exog, j))
    resid = np.asarray(fit.resid)
    jb = jarque_bera(resid)
    diagnostics = {
        "breusch_pagan_p": _float(het_breuschpagan(resid, exog)[1])
        if has_const and k > 1
        else None,
        "jarque_bera_p": _float(jb[1]),
        "durbin_watson": _float(durbin_watson(resid)),
        "condition_number": _float(fit.condition_number),
    }
    result = {
        "template": "regression",
        "formula": formula,
        "formula_used": quoted,
        "alpha": alpha,
        "dependent": _display_term(quoted.partition("~")[0].strip()),
        "n": int(fit.nobs),
        "rows_dropped": int(len(df) - fit.nobs),
        "r_squared": _float(fit.rsquared),
        "adj_r_squared": _float(fit.rsquared_adj),
        "residual_std_error": _float(math.sqrt(fit.scale)),
        "df_residual": _float(fit.df_resid),
        "f_statistic": _float(fit.fvalue) if k > 1 else None,
        "f_p_value": _float(fit.f_pvalue) if k > 1 else None,
        "coefficients": coefficients,
        "vif": vif,
        "diagnostics": diagnostics,
        "robust_coefficients": None,
    }
    bp = diagnostics["breusch_pagan_p"]
    if bp is not None and bp < 0.05:
        # Unequal residual variance makes the usual SEs wrong; HC3 (MacKinnon & White) is
        # the heteroscedasticity-robust choice that stays honest in small samples.
        robust = model.fit(method="qr", cov_type="HC3")
        rci = robust.conf_int(alpha)
        result["robust_coefficients"] = {
            _display_term(t): {
                "std_error": _float(robust.bse[t]),
                "p_value": _float(robust.pvalues[t]),
                "ci_low": _float(rci.loc[t, 0]),
                "ci_high": _float(rci.loc[t, 1]),
            }
            for t in names
        }
    result["conclusion"] = _regression_conclusion(result)
    result["caveats"] = _regression_caveats(result)
    return result


def _regression_conclusion(r: dict[str, Any]) -> str:
    # With unequal residual variance the verdicts use the HC3 p values.
    robust = r["robust_coefficients"] or {}
    terms = {
        t: {**c, **({"p_value": robust[t]["p_value"]} if t in robust else {})}
        for t, c in r["coefficients"].items()
        if t != "Intercept"
    }
    text = (
        f"「{r['dependent']}」のばらつきのうち {r['r_squared'] * 100:.1f}% を説明変数で説明"
        f"できます（決定係数 R² = {r['r_squared']:.3f}、{r['n']}行）。"
    )
    significant = [
        t for t, c in terms.items() if c["p_value"] is not None and c["p_value"] < r["alpha"]
    ]
    for t in significant[:3]:  # the table has the rest; a conclusion names a few
        c = terms[t]
        way = "増える" if c["estimate"] > 0 else "減る"
        text += (
            f"他の説明変数が同じなら、「{t}」が1増えると「{r['dependent']}」は平均で "
            f"{fmt(abs(c['estimate']))} {way}傾向があります（{p_text(c['p_value'])}）。"
        )
    if not significant:
        text += f"有意水準 {r['alpha']:g} で統計的に有意な説明変数はありませんでした。"
    if len(significant) > 3:
        text += f"ほかに{len(significant) - 3}個の説明変数も有意です（係数の表を参照）。"
    others = [t for t in terms if t not in significant]
    if significant and others:
        named = f"「{'」「'.join(others[:3])}」"
        named += f"など{len(others)}個" if len(others) > 3 else ""
        text += f"{named}は統計的に有意ではありません。"
    return text + "関連は因果関係を意味しません。"


def _regression_caveats(r: dict[str, Any]) -> list[str]:
    notes = []
    high = {t: v for t, v in r["vif"].items() if v is not None and v > 10}
    if high:
        notes.append(
            "多重共線性: VIF が10を超える説明変数があります（"
            + "、".join(f"「{t}」{fmt(v, 3)}" for t, v in high.items())
            + "）。係数の大きさや符号は不安定で、個別の解釈には注意が必要です。"
        )
    d = r["diagnostics"]
    if d["breusch_pagan_p"] is not None and d["breusch_pagan_p"] < 0.05:
        notes.append(
            f"残差の分散が一定でない可能性があります（Breusch-Pagan、"
            f"{p_text(d['breusch_pagan_p'])}）。不均一分散に頑健な標準誤差（HC3）でも"
            "計算し、結論の有意かどうかの判断にはそちらを使いました。"
        )
    if d["jarque_bera_p"] is not None and d["jarque_bera_p"] < 0.05:
        notes.append(
            f"残差が正規分布から外れている可能性があります（Jarque-Bera、"
            f"{p_text(d['jarque_bera_p'])}）。外れ値を確認してください。"
        )
    dw = d["durbin_watson"]
    if dw is not None and not 1.5 <= dw <= 2.5:
        notes.append(
            f"残差に自己相関の可能性があります（Durbin-Watson = {dw:.2f}。2に近いほど"
            "問題なし）。時系列データでは特に注意してください。"
        )
    if r["n"] < 10 * max(1, len(r["coefficients"]) - 1):
        notes.append(f"説明変数の数に比べて行数が少なめです（{r['n']}行）。")
    return notes
