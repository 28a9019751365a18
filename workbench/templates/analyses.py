"""The statistics behind the template notebooks, one function per template.

Each function takes the cleaned DataFrame and the template's parameters, checks them
(raising TemplateInputError with a Japanese message naming the column and the fix), and
returns a JSON-ready dict: the numbers that go to result.json, plus a Japanese
``conclusion`` and ``caveats``.  The runner calls the same function before starting a
kernel, so bad input is reported in a second rather than after a notebook run.
"""

from __future__ import annotations

import io as _io
import keyword
import math
import re
import tokenize
import unicodedata
import warnings
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from workbench.errors import WorkbenchError

__all__ = ["TemplateInputError", "ttest", "regression", "crosstab", "quote_formula",
           "fmt", "fmt_p", "p_text", "ANALYSES"]


class TemplateInputError(WorkbenchError, ValueError):
    """Parameters or data do not fit the template; the Japanese message says how to fix it."""


def _float(value: Any) -> float | None:
    """A JSON-safe float: NaN and infinities become None."""
    if value is None:
        return None
    value = float(value)
    return value if math.isfinite(value) else None


def fmt(value: float | None, digits: int = 4) -> str:
    """Format a number for Japanese prose: significant digits, thousands separators."""
    if value is None:
        return "—"
    if value != 0 and (abs(value) >= 1e7 or abs(value) < 1e-3):
        return f"{value:.{digits}g}"
    return f"{value:,.{digits}g}" if abs(value) < 10 ** digits else f"{value:,.0f}"


def p_text(p: float | None) -> str:
    """"p = 0.012" or "p < 0.001" for prose."""
    text = fmt_p(p)
    return f"p {text}" if text.startswith("<") else f"p = {text}"


def fmt_p(p: float | None) -> str:
    if p is None:
        return "—"
    return "< 0.001" if p < 0.001 else f"{p:.3f}"


def _columns_text(df: pd.DataFrame) -> str:
    return "、".join(f"「{c}」" for c in df.columns)


def _require_column(df: pd.DataFrame, name: str, what: str) -> str:
    """Return the column's name as stored (read_table NFKC-normalizes headers: （ → ()."""
    if not name:
        raise TemplateInputError(f"パラメータ {what} に列名を指定してください"
                                 f"（-p {what} 列名。この表の列: {_columns_text(df)}）")
    if name in df.columns:
        return name
    normalized = re.sub(r"\s+", "", unicodedata.normalize("NFKC", name))
    for column in df.columns:
        if re.sub(r"\s+", "", str(column)) == normalized:
            return column
    raise TemplateInputError(
            f"列「{name}」が見つかりません（パラメータ {what}）。列名を表の1行目の見出しと"
            f"同じに直してください。この表の列: {_columns_text(df)}")


def _require_numeric(df: pd.DataFrame, name: str, what: str) -> pd.Series:
    series = df[name]
    if pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series):
        return series.astype(float)
    bad = [(label, v) for label, v in series.items()
           if isinstance(v, str) and v.strip() and pd.isna(_to_float(v))]
    example = "、".join(f"{label}行目「{v}」" for label, v in bad[:3])
    raise TemplateInputError(
        f"列「{name}」（パラメータ {what}）は数値の列ではありません（数値として読めない値: "
        f"{example or 'なし'}）。数値の列を指定するか、その値を数値または空欄に直してください")


def _to_float(text: str) -> float:
    try:
        return float(unicodedata.normalize("NFKC", text).replace(",", ""))
    except ValueError:
        return float("nan")


def _check_alpha(alpha: float) -> float:
    alpha = float(alpha)
    if not 0 < alpha < 1:
        raise TemplateInputError(f"alpha（有意水準）は0より大きく1より小さい値にしてください"
                                 f"（指定値: {alpha}。ふつうは 0.05）")
    return alpha


def _label(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, pd.Timestamp | np.datetime64):
        stamp = pd.Timestamp(value)
        return str(stamp.date()) if stamp == stamp.normalize() else str(stamp)
    return str(value)


# --------------------------------------------------------------------------- t test

TESTS = ("auto", "welch", "student", "paired", "one_sample")
TEST_NAMES = {"welch": "Welchのt検定（等分散を仮定しない）",
              "student": "Studentのt検定（等分散を仮定）", "paired": "対応のあるt検定",
              "one_sample": "1標本のt検定"}


def _normality(x: np.ndarray) -> dict[str, Any]:
    if len(x) < 3:
        return {"test": "Shapiro-Wilk", "p": None, "note": "3件未満のため検定できません"}
    if np.ptp(x) == 0:
        return {"test": "Shapiro-Wilk", "p": None, "note": "すべて同じ値のため検定できません"}
    return {"test": "Shapiro-Wilk", "p": _float(stats.shapiro(x).pvalue)}


def _pairs(df: pd.DataFrame, value: str, group: str, pair_by: str, levels: list[Any]
           ) -> tuple[np.ndarray, np.ndarray, list[str]]:
    pair_by = _require_column(df, pair_by, "pair_by")
    caveats = []
    sides = []
    for level in levels:
        part = df.loc[df[group] == level, [pair_by, value]].dropna(subset=[pair_by])
        dup = part[pair_by][part[pair_by].duplicated()]
        if not dup.empty:
            raise TemplateInputError(
                f"列「{pair_by}」（pair_by）の「{_label(dup.iloc[0])}」が群「{_label(level)}」に"
                f"複数回あります（{dup.index[0]}行目など）。対応のある比較では1つのペアIDは"
                "各群に1回ずつにしてください")
        sides.append(part.set_index(pair_by)[value])
    joined = pd.concat(sides, axis=1, keys=["first", "second"], join="outer")
    complete = joined.dropna()
    lost = len(joined) - len(complete)
    if lost:
        caveats.append(f"ペアの片方が欠けている（または値が欠損の）{lost}組を除いて計算しました。")
    return complete["first"].to_numpy(), complete["second"].to_numpy(), caveats


def ttest(df: pd.DataFrame, value: str, group: str = "", pair_by: str = "", test: str = "auto",
          mu: float = 0.0, alpha: float = 0.05) -> dict[str, Any]:
    """Two-sample (Welch/Student), paired or one-sample t test; difference = first − second."""
    alpha, mu = _check_alpha(alpha), float(mu)
    if test not in TESTS:
        raise TemplateInputError(f"test は {', '.join(TESTS)} のどれかにしてください"
                                 f"（指定値: {test}）")
    if test == "auto":
        test = "paired" if pair_by else ("welch" if group else "one_sample")
    value = _require_column(df, value, "value")
    y = _require_numeric(df, value, "value")
    caveats: list[str] = []
    if test == "one_sample":
        x = y.dropna().to_numpy()
        groups, samples = [value], [x]
    else:
        group = _require_column(df, group, "group")
        levels = list(pd.unique(df[group].dropna()))
        if len(levels) != 2:
            shown = "、".join(f"「{_label(v)}」" for v in levels[:10])
            shown += "など" if len(levels) > 10 else ""
            raise TemplateInputError(
                f"列「{group}」（group）には{len(levels)}種類の値（{shown}）があります。"
                "2群の比較には群がちょうど2つ必要です。比較したい2群の行だけを残したファイルを"
                "使うか、別の列を指定してください")
        groups = [_label(v) for v in levels]
        if test == "paired":
            pair_by = _require_column(df, pair_by, "pair_by")
            first, second, lost = _pairs(df.assign(**{value: y}), value, group, pair_by, levels)
            caveats += lost
            samples = [first, second]
        else:
            samples = [y[df[group] == level].dropna().to_numpy() for level in levels]
    dropped = int(y.isna().sum())
    if dropped:
        caveats.append(f"列「{value}」の欠損値 {dropped}件を除いて計算しました。")
    for name, sample in zip(groups, samples, strict=True):
        if len(sample) < 2:
            raise TemplateInputError(f"群「{name}」の有効なデータが{len(sample)}件しかありません"
                                     "（t検定には各群2件以上が必要です）")
    n = [len(s) for s in samples]
    means = [float(np.mean(s)) for s in samples]
    variances = [float(np.var(s, ddof=1)) for s in samples]
    if test in ("paired", "one_sample"):
        d = samples[0] - samples[1] if test == "paired" else samples[0]
        sd = float(np.std(d, ddof=1))
        estimate = float(np.mean(d))
        se = sd / math.sqrt(len(d))
        df_ = len(d) - 1
        statistic = (estimate - mu) / se
        effect = (estimate - mu) / sd if test == "one_sample" else estimate / sd
    else:
        estimate = means[0] - means[1]
        n1, n2 = n
        v1, v2 = variances
        pooled = ((n1 - 1) * v1 + (n2 - 1) * v2) / (n1 + n2 - 2)
        if test == "student":
            se = math.sqrt(pooled * (1 / n1 + 1 / n2))
            df_ = n1 + n2 - 2
        else:
            se = math.sqrt(v1 / n1 + v2 / n2)
            df_ = se**4 / ((v1 / n1) ** 2 / (n1 - 1) + (v2 / n2) ** 2 / (n2 - 1))
        statistic = (estimate - mu) / se
        effect = estimate / math.sqrt(pooled)
    p_value = float(2 * stats.t.sf(abs(statistic), df_))
    margin = float(stats.t.ppf(1 - alpha / 2, df_)) * se
    normality = {name: _normality(s) for name, s in zip(groups, samples, strict=True)}
    if test == "paired":
        normality[f"差（{groups[0]}−{groups[1]}）"] = _normality(samples[0] - samples[1])
    equal_var = None
    if test in ("welch", "student"):
        equal_var = {"test": "Levene", "p": _float(stats.levene(*samples).pvalue)}
    caveats += _ttest_caveats(test, normality, equal_var, n, alpha)
    result = {
        "template": "ttest", "test": test, "test_name": TEST_NAMES[test],
        "value": value, "group": group or None, "pair_by": pair_by or None,
        "groups": groups, "n": dict(zip(groups, n, strict=True)),
        "means": dict(zip(groups, means, strict=True)),
        "sds": dict(zip(groups, (math.sqrt(v) for v in variances), strict=True)),
        "mean_difference": estimate, "mu": mu, "alpha": alpha,
        "statistic": statistic, "df": float(df_), "p_value": p_value,
        "ci_low": estimate - margin, "ci_high": estimate + margin,
        "effect_size": effect, "normality": normality, "equal_variance": equal_var,
        "significant": bool(p_value < alpha),
    }
    result = {k: (_float(v) if isinstance(v, float) else v) for k, v in result.items()}
    result["conclusion"] = _ttest_conclusion(result)
    result["caveats"] = caveats
    return result


def _effect_word(d: float) -> str:
    d = abs(d)
    return "ごく小さい" if d < 0.2 else "小さい" if d < 0.5 else "中程度の" if d < 0.8 else "大きい"


def _ttest_conclusion(r: dict[str, Any]) -> str:
    level = f"{(1 - r['alpha']) * 100:g}%"
    ci = f"{level}信頼区間 {fmt(r['ci_low'])} ～ {fmt(r['ci_high'])}"
    if r["test"] == "one_sample":
        g = r["groups"][0]
        head = (f"「{g}」の平均は {fmt(r['means'][g])} で、基準値 {fmt(r['mu'])} との差は "
                f"{fmt(r['mean_difference'] - r['mu'])} です（{ci}）。")
    else:
        a, b = r["groups"]
        direction = "大きい" if r["mean_difference"] > 0 else "小さい"
        what = "（同じ対象どうしの差の平均）" if r["test"] == "paired" else ""
        head = (f"「{a}」の平均は「{b}」より {fmt(abs(r['mean_difference']))} "
                f"{direction}です{what}"
                f"（「{a}」{fmt(r['means'][a])}、「{b}」{fmt(r['means'][b])}。差の{ci}）。")
    if r["significant"]:
        verdict = (f"この差は有意水準 {r['alpha']:g} で統計的に有意です"
                   f"（{p_text(r['p_value'])}）。"
                   "偶然のばらつきだけで生じたとは考えにくい差です。")
    else:
        verdict = (f"この差は有意水準 {r['alpha']:g} で統計的に有意ではありません"
                   f"（{p_text(r['p_value'])}）。偶然のばらつきの範囲を超える差とは言えません"
                   "（「差がない」ことの証明ではありません）。")
    size = (f"効果量（Cohen の d）は {fmt(r['effect_size'], 3)} で、"
            f"{_effect_word(r['effect_size'])}差です。")
    return head + verdict + size


def _ttest_caveats(test: str, normality: dict, equal_var: dict | None, n: list[int],
                   alpha: float) -> list[str]:
    notes = []
    for name, check in normality.items():
        p = check.get("p")
        if p is not None and p < 0.05:
            other = "Wilcoxon の符号順位検定" if test == "paired" else "Mann-Whitney のU検定"
            advice = (f"件数が少ないので、外れ値を確認し、{other}などでも確かめて"
                      "ください。" if min(n) < 30 else
                      "件数が多いので t 検定への影響は小さいと考えられます。")
            notes.append(f"「{name}」は正規分布から外れている可能性があります（Shapiro-Wilk、"
                         f"{p_text(p)}）。{advice}")
    if equal_var and equal_var["p"] is not None and equal_var["p"] < 0.05 and test == "student":
        notes.append("2群の分散が異なる可能性があります（Levene、"
                     f"{p_text(equal_var['p'])}）。test=welch の利用を検討してください。")
    if min(n) < 10:
        notes.append(f"件数が少ない群があります（最少 {min(n)}件）。結果は不安定になりやすいです。")
    return notes


# ------------------------------------------------------------------------- regression

_FUNCTIONS = {"Q", "C", "I", "np", "log", "exp", "sqrt", "center", "standardize", "scale",
              "bs", "cr", "cc", "te", "Treatment", "Sum", "Poly", "Diff", "Helmert"}


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
    names = sorted((str(c) for c in columns if not (str(c).isidentifier()
                                                    and not keyword.iskeyword(str(c)))),
                   key=len, reverse=True)
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
        raise TemplateInputError(f"式「{formula}」を解釈できません（括弧や引用符の対応を確認して"
                                 "ください）") from exc
    names = []
    for i, tok in enumerate(tokens):
        after = tokens[i + 1].string if i + 1 < len(tokens) else ""
        before = tokens[i - 1].string if i else ""
        if tok.type == tokenize.NAME and before != "." and after == "(":
            if tok.string not in _FUNCTIONS:
                raise TemplateInputError(
                    f"式の中の「{tok.string}(…)」は列名でも使える関数でもありません（formula）。"
                    "括弧などの記号を含む列名は、表の見出しと1文字も違わないように書いてください"
                    "（迷ったら Q(\"列名\") と書けます）")
        elif tok.type == tokenize.NAME and before != ".":
            names.append(tok.string)
        elif tok.type == tokenize.STRING and i >= 2 and tokens[i - 2].string == "Q":
            names.append(tok.string[1:-1])
    return names


def _prepare_formula(df: pd.DataFrame, formula: str) -> str:
    if not formula or "~" not in _normalize_formula(formula):
        raise TemplateInputError(
            "formula に「目的変数 ~ 説明変数1 + 説明変数2」の形の式を指定してください"
            f"（指定値: {formula!r}。例: -p formula \"利用者数 ~ 人口 + 面積\"）")
    quoted = quote_formula(formula, list(df.columns))
    lhs, _, rhs = quoted.partition("~")
    if not lhs.strip() or not rhs.strip():
        raise TemplateInputError(f"式「{formula}」の ~ の左（目的変数）か右（説明変数）が空です")
    for name in _formula_names(quoted):
        if name not in df.columns and name not in _FUNCTIONS:
            raise TemplateInputError(
                f"式の中の「{name}」という列が見つかりません（formula）。列名を表の見出しと同じに"
                f"直してください。この表の列: {_columns_text(df)}")
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
        raise TemplateInputError(f"式「{formula}」を解釈できません（{type(exc).__name__}: {exc}）"
                                 "。列名・演算子（+ - * : ~）・括弧を確認してください") from None
    if model.endog.ndim > 1 and model.endog.shape[1] > 1:
        raise TemplateInputError(f"目的変数（~ の左）が数値の列ではありません（式「{formula}」）")
    n, k = model.exog.shape
    if n <= k:
        raise TemplateInputError(f"欠損値を除いた有効な行が{n}行しかなく、係数{k}個の推定には"
                                 f"足りません（{k + 1}行以上必要です）")
    fit = model.fit(method="qr")
    ci = fit.conf_int(alpha)
    names = list(fit.params.index)
    coefficients = {
        _display_term(t): {"estimate": _float(fit.params[t]), "std_error": _float(fit.bse[t]),
                           "t": _float(fit.tvalues[t]), "p_value": _float(fit.pvalues[t]),
                           "ci_low": _float(ci.loc[t, 0]), "ci_high": _float(ci.loc[t, 1])}
        for t in names}
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
        "breusch_pagan_p": _float(het_breuschpagan(resid, exog)[1]) if has_const and k > 1
        else None,
        "jarque_bera_p": _float(jb[1]), "durbin_watson": _float(durbin_watson(resid)),
        "condition_number": _float(fit.condition_number),
    }
    result = {
        "template": "regression", "formula": formula, "formula_used": quoted, "alpha": alpha,
        "dependent": _display_term(quoted.partition("~")[0].strip()),
        "n": int(fit.nobs), "rows_dropped": int(len(df) - fit.nobs),
        "r_squared": _float(fit.rsquared), "adj_r_squared": _float(fit.rsquared_adj),
        "residual_std_error": _float(math.sqrt(fit.scale)), "df_residual": _float(fit.df_resid),
        "f_statistic": _float(fit.fvalue) if k > 1 else None,
        "f_p_value": _float(fit.f_pvalue) if k > 1 else None,
        "coefficients": coefficients, "vif": vif, "diagnostics": diagnostics,
    }
    result["conclusion"] = _regression_conclusion(result)
    result["caveats"] = _regression_caveats(result)
    return result


def _regression_conclusion(r: dict[str, Any]) -> str:
    terms = {t: c for t, c in r["coefficients"].items() if t != "Intercept"}
    text = (f"「{r['dependent']}」のばらつきのうち {r['r_squared'] * 100:.1f}% を説明変数で説明"
            f"できます（決定係数 R² = {r['r_squared']:.3f}、{r['n']}行）。")
    significant = [t for t, c in terms.items() if c["p_value"] is not None
                   and c["p_value"] < r["alpha"]]
    for t in significant[:5]:
        c = terms[t]
        way = "増える" if c["estimate"] > 0 else "減る"
        text += (f"他の説明変数が同じなら、「{t}」が1増えると「{r['dependent']}」は平均で "
                 f"{fmt(abs(c['estimate']))} {way}傾向があります（{p_text(c['p_value'])}）。")
    if not significant:
        text += f"有意水準 {r['alpha']:g} で統計的に有意な説明変数はありませんでした。"
    others = [t for t in terms if t not in significant]
    if significant and others:
        text += f"「{'」「'.join(others)}」は統計的に有意ではありません。"
    return text + "関連は因果関係を意味しません。"


def _regression_caveats(r: dict[str, Any]) -> list[str]:
    notes = []
    high = {t: v for t, v in r["vif"].items() if v is not None and v > 10}
    if high:
        notes.append("多重共線性: VIF が10を超える説明変数があります（"
                     + "、".join(f"「{t}」{fmt(v, 3)}" for t, v in high.items())
                     + "）。係数の大きさや符号は不安定で、個別の解釈には注意が必要です。")
    d = r["diagnostics"]
    if d["breusch_pagan_p"] is not None and d["breusch_pagan_p"] < 0.05:
        notes.append(f"残差の分散が一定でない可能性があります（Breusch-Pagan、"
                     f"{p_text(d['breusch_pagan_p'])}）。標準誤差・p値は割り引いて見てください。")
    if d["jarque_bera_p"] is not None and d["jarque_bera_p"] < 0.05:
        notes.append(f"残差が正規分布から外れている可能性があります（Jarque-Bera、"
                     f"{p_text(d['jarque_bera_p'])}）。外れ値を確認してください。")
    dw = d["durbin_watson"]
    if dw is not None and not 1.5 <= dw <= 2.5:
        notes.append(f"残差に自己相関の可能性があります（Durbin-Watson = {dw:.2f}。2に近いほど"
                     "問題なし）。時系列データでは特に注意してください。")
    if r["n"] < 10 * max(1, len(r["coefficients"]) - 1):
        notes.append(f"説明変数の数に比べて行数が少なめです（{r['n']}行）。")
    return notes


# --------------------------------------------------------------------------- crosstab

SECRET = "x"


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


ANALYSES = {"ttest": ttest, "regression": regression, "crosstab": crosstab}


# ------------------------------------------------------------------------------ trend

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


# -------------------------------------------------------------- difference in differences

def _binary(df: pd.DataFrame, column: str, what: str, label: str) -> pd.Series:
    """1 for the rows equal to ``label`` (or the value 1 of a 0/1 column), else 0."""
    values = df[column]
    levels = list(pd.unique(values.dropna()))
    if len(levels) != 2:
        shown = "、".join(f"「{_label(v)}」" for v in levels[:10])
        raise TemplateInputError(f"列「{column}」（{what}）には{len(levels)}種類の値（{shown}）"
                                 "があります。2種類（0/1 など）の列を指定してください")
    names = [_label(v) for v in levels]
    if label:
        if label not in names:
            raise TemplateInputError(f"{what}_label「{label}」は列「{column}」にありません"
                                     f"（ある値: {'、'.join(names)}）")
        target = label
    elif set(names) == {"0", "1"}:
        target = "1"
    else:
        raise TemplateInputError(f"列「{column}」（{what}）の値 {'、'.join(names)} のどちらが"
                                 f"{'対象群' if what == 'treated' else '実施後'}かを "
                                 f"-p {what}_label 値 で指定してください")
    return values.map(lambda v: np.nan if pd.isna(v) else float(_label(v) == target))


def did(df: pd.DataFrame, outcome: str, time: str, treated: str, period: str,
        treated_label: str = "", period_label: str = "", cluster: str = "",
        alpha: float = 0.05) -> dict[str, Any]:
    """Difference in differences: OLS outcome ~ treated * post, HC1 or cluster-robust SE."""
    import statsmodels.api as sm

    alpha = _check_alpha(alpha)
    outcome = _require_column(df, outcome, "outcome")
    time = _require_column(df, time, "time")
    treated = _require_column(df, treated, "treated")
    period = _require_column(df, period, "period")
    y = _require_numeric(df, outcome, "outcome")
    data = pd.DataFrame({"y": y, "treated": _binary(df, treated, "treated", treated_label),
                         "post": _binary(df, period, "period", period_label),
                         "time": df[time]})
    if cluster:
        cluster = _require_column(df, cluster, "cluster")
        data["cluster"] = df[cluster].map(lambda v: v if pd.isna(v) else _label(v))
    data = data.dropna()
    cells = data.groupby(["treated", "post"]).size()
    if len(cells) < 4 or cells.min() < 2:
        raise TemplateInputError("対象群・比較群それぞれに実施前・実施後のデータが2件以上必要です"
                                 f"（今の件数: {cells.to_dict()}）")
    exog = sm.add_constant(pd.DataFrame({"treated": data["treated"], "post": data["post"],
                                         "treated_post": data["treated"] * data["post"]}))
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
        raise TemplateInputError("効果の標準誤差を計算できません（クラスター数が少なすぎるか、"
                                 "値のばらつきがありません）。cluster を外すか、データを確認して"
                                 "ください")
    means = data.groupby(["treated", "post"])["y"].mean()
    pre_trend = _pre_trend(data)
    result = {
        "template": "did", "outcome": outcome, "time": time, "treated": treated,
        "period": period, "cluster": cluster or None, "alpha": alpha, "n": int(fit.nobs),
        "rows_dropped": int(len(df) - fit.nobs), "se_type": se_type,
        "estimate": float(fit.params["treated_post"]),
        "std_error": float(bse["treated_post"]),
        "statistic": float(fit.tvalues["treated_post"]),
        "p_value": float(fit.pvalues["treated_post"]),
        "ci_low": float(ci.loc["treated_post", 0]), "ci_high": float(ci.loc["treated_post", 1]),
        "group_means": {"対象群・実施前": float(means[(1.0, 0.0)]),
                        "対象群・実施後": float(means[(1.0, 1.0)]),
                        "比較群・実施前": float(means[(0.0, 0.0)]),
                        "比較群・実施後": float(means[(0.0, 1.0)])},
        "coefficients": {k: _float(v) for k, v in fit.params.items()},
        "pre_trend_difference_slope": pre_trend[0], "pre_trend_p": pre_trend[1],
        "significant": bool(fit.pvalues["treated_post"] < alpha),
    }
    result["conclusion"] = _did_conclusion(result)
    caveats = ["差の差分析は「施策がなければ対象群と比較群は同じように推移した」（平行トレンド）"
               "という仮定に立っています。実施前のグラフで2群の動きが似ているか確認してください。"]
    if pre_trend[1] is not None and pre_trend[1] < 0.05:
        caveats.append(f"実施前の期間で、2群の傾きに差があります（p = {fmt_p(pre_trend[1])}）。"
                       "平行トレンドの仮定が疑わしく、推定値が偏っている可能性があります。")
    elif pre_trend[1] is None:
        caveats.append("実施前の時点が2つ未満のため、平行トレンドをデータで確認できません。")
    if cluster and len(set(groups)) < 30:
        caveats.append(f"クラスター数が{len(set(groups))}と少ないため、標準誤差が小さく出すぎる"
                       "ことがあります。")
    if not cluster:
        caveats.append("同じ対象（市町村・施設など）を繰り返し観測している場合は -p cluster 列名 "
                       "を指定してください（指定しないと標準誤差が小さく出すぎます）。")
    result["caveats"] = caveats
    return result


def _pre_trend(data: pd.DataFrame) -> tuple[float | None, float | None]:
    """Slope difference (treated − control) over time before the policy, and its p value."""
    import statsmodels.api as sm

    pre = data[data["post"] == 0]
    try:
        t, _ = _time_axis(pre["time"], "time")
    except TemplateInputError:
        return None, None
    if len(np.unique(t)) < 2:
        return None, None
    exog = sm.add_constant(pd.DataFrame({"treated": pre["treated"].to_numpy(), "t": t,
                                         "tt": pre["treated"].to_numpy() * t}))
    fit = sm.OLS(pre["y"].to_numpy(), exog).fit(cov_type="HC1")
    return _float(fit.params["tt"]), _float(fit.pvalues["tt"])


def _did_conclusion(r: dict[str, Any]) -> str:
    way = "押し上げた" if r["estimate"] > 0 else "押し下げた"
    level = f"{(1 - r['alpha']) * 100:g}%"
    text = (f"施策の効果の推定値（差の差）は {fmt(r['estimate'])} です（{level}信頼区間 "
            f"{fmt(r['ci_low'])} ～ {fmt(r['ci_high'])}）。対象群の「{r['outcome']}」を、"
            f"比較群の変化を差し引いて {fmt(abs(r['estimate']))} {way}と推定されます。")
    if r["significant"]:
        text += f"この効果は統計的に有意です（{p_text(r['p_value'])}）。"
    else:
        text += (f"ただし統計的に有意ではありません（{p_text(r['p_value'])}）。効果がないことの"
                 "証明ではありません。")
    return text + "結果は平行トレンドの仮定が成り立つ場合に限り、施策の効果と解釈できます。"


ANALYSES.update(trend=trend, did=did)


# ------------------------------------------------------------------------ consolidate

HOWS = {"sum": "合計", "mean": "平均", "count": "件数", "min": "最小", "max": "最大"}


def _names(text: str) -> list[str]:
    return [n.strip() for n in re.split(r"[,、，]", text or "") if n.strip()]


def consolidate(df: pd.DataFrame, by: str, values: str = "", how: str = "sum",
                threshold: int = 0) -> dict[str, Any]:
    """Excel's 統合: stack sheets (done by the runner) and aggregate values by key columns.

    Key text is NFKC-normalized and stripped first, so "Ａ市 " and "A市" are one key (the
    merges are reported).  Keys with fewer than ``threshold`` rows are shown as "x".
    """
    if how not in HOWS:
        raise TemplateInputError(f"how は {', '.join(HOWS)} のどれかにしてください"
                                 f"（指定値: {how}）")
    threshold = int(threshold)
    if not _names(by):
        _require_column(df, "", "by")  # raises: asks for a column name
    keys = [_require_column(df, name, "by") for name in _names(by)]
    sheet = "シート"
    if values:
        columns = [_require_column(df, name, "values") for name in _names(values)]
        for column in columns:
            _require_numeric(df, column, "values")
    else:
        columns = [c for c in df.columns if c not in keys and c != sheet
                   and pd.api.types.is_numeric_dtype(df[c])
                   and not pd.api.types.is_bool_dtype(df[c])]
        if not columns:
            raise TemplateInputError("集計できる数値の列がありません（-p values 列名 で指定して"
                                     "ください）")
    data = df.copy()
    merged = []
    for key in keys:
        original = data[key].map(lambda v: v if pd.isna(v) else _label(v))
        normalized = original.map(lambda v: v if pd.isna(v) else
                                  re.sub(r"\s+", "", unicodedata.normalize("NFKC", v)))
        for before, after in sorted({(b, a) for b, a in zip(original, normalized, strict=True)
                                     if isinstance(b, str) and b != a}):
            merged.append(f"「{before}」→「{after}」")
        data[key] = normalized
    missing_key = int(data[keys].isna().any(axis=1).sum())
    data = data.dropna(subset=keys)
    grouped = data.groupby(keys, sort=True)
    table = grouped[columns].agg(how) if how != "count" else grouped[columns].count()
    rows = grouped.size()
    totals = data[columns].agg(how) if how != "count" else data[columns].count()
    hidden = rows < threshold if threshold > 0 else rows < 0
    if hidden.sum() == 1 and len(rows) > 2:
        # One hidden group could be recovered from the overall total: hide the next smallest.
        hidden[rows[~hidden].sort_values(kind="stable").index[0]] = True

    def key_name(k: Any) -> str:
        return "・".join(map(str, k)) if isinstance(k, tuple) else str(k)

    shown = {}
    for k, record in table.iterrows():
        shown[key_name(k)] = {c: SECRET if hidden[k] else _float(record[c]) for c in columns}
        shown[key_name(k)]["行数"] = SECRET if hidden[k] else int(rows[k])
    by_sheet = None
    if sheet in data.columns and data[sheet].nunique() > 1 and not hidden.any():
        per = data.groupby(sheet, sort=False)[columns]
        per = per.agg(how) if how != "count" else per.count()
        by_sheet = {str(s): {c: _float(v) for c, v in r.items()} for s, r in per.iterrows()}
    caveats = []
    if merged:
        caveats.append("表記ゆれを統一しました（全角・半角、空白）: " + "、".join(merged[:20])
                       + ("など" if len(merged) > 20 else ""))
    if missing_key:
        caveats.append(f"「{'・'.join(keys)}」が空欄の {missing_key}行は集計から除きました。")
    blanks = {c: int(data[c].isna().sum()) for c in columns if data[c].isna().any()}
    if blanks:
        caveats.append("欠損値（空欄・記号）を除いて集計しました: "
                       + "、".join(f"「{c}」{n}件" for c, n in blanks.items()))
    if int(hidden.sum()):
        caveats.append(f"行数が{threshold}未満の項目と、全体から逆算できてしまう項目（計"
                       f"{int(hidden.sum())}項目）を「{SECRET}」で秘匿しました。全体の値は秘匿前の"
                       "値です。シート別の集計は秘匿した項目を逆算できるため表示しません。")
    sheets = list(df.attrs.get("sheets") or [])
    result = {
        "template": "consolidate", "by": keys, "values": columns, "how": how,
        "how_name": HOWS[how], "threshold": threshold, "sheets": sheets,
        "n": int(len(data)), "rows_dropped": missing_key, "groups": int(len(table)),
        "table": shown, "totals": {c: _float(v) for c, v in totals.items()},
        "by_sheet": by_sheet, "merged_keys": merged, "suppressed_groups": int(hidden.sum()),
    }
    where = f"{len(sheets)}シート・" if len(sheets) > 1 else ""
    result["conclusion"] = (
        f"{where}{result['n']}行を「{'・'.join(keys)}」ごとに{len(table)}項目へ統合し、"
        f"{'、'.join(f'「{c}」' for c in columns)}の{HOWS[how]}を求めました。"
        + (f"全体の{HOWS[how]}は " + "、".join(f"「{c}」{fmt(result['totals'][c])}"
                                               for c in columns[:5]) + " です。"))
    result["caveats"] = caveats
    return result


ANALYSES["consolidate"] = consolidate
