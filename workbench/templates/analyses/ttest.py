"""Two-sample (Welch/Student), paired and one-sample t tests."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from workbench.io.text import map_distinct
from workbench.templates.analyses.common import (
    CHART_POINTS,
    TemplateInputError,
    _check_alpha,
    _float,
    _label,
    _require_column,
    _require_numeric,
    fmt,
    p_text,
    rows_to_draw,
)

TESTS = ("auto", "welch", "student", "paired", "one_sample")
TEST_NAMES = {
    "welch": "Welchのt検定（等分散を仮定しない）",
    "student": "Studentのt検定（等分散を仮定）",
    "paired": "対応のあるt検定",
    "one_sample": "1標本のt検定",
}


def _normality(x: np.ndarray) -> dict[str, Any]:
    if len(x) < 3:
        return {"test": "Shapiro-Wilk", "p": None, "note": "3件未満のため検定できません"}
    if np.ptp(x) == 0:
        return {"test": "Shapiro-Wilk", "p": None, "note": "すべて同じ値のため検定できません"}
    return {"test": "Shapiro-Wilk", "p": _float(stats.shapiro(x).pvalue)}


def _pairs(
    df: pd.DataFrame, value: str, group: str, pair_by: str, levels: list[Any]
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
                "各群に1回ずつにしてください"
            )
        sides.append(part.set_index(pair_by)[value])
    joined = pd.concat(sides, axis=1, keys=["first", "second"], join="outer")
    complete = joined.dropna()
    lost = len(joined) - len(complete)
    if lost:
        caveats.append(f"ペアの片方が欠けている（または値が欠損の）{lost}組を除いて計算しました。")
    return complete["first"].to_numpy(), complete["second"].to_numpy(), caveats


def ttest(
    df: pd.DataFrame,
    value: str,
    group: str = "",
    pair_by: str = "",
    value2: str = "",
    test: str = "auto",
    mu: float = 0.0,
    alpha: float = 0.05,
) -> dict[str, Any]:
    """Two-sample (Welch/Student), paired or one-sample t test; difference = first − second.

    Long data: ``group`` (and ``pair_by`` for pairs).  Wide data, as published tables
    give it (2019 and 2020 side by side): ``value`` and ``value2``, paired by row unless
    ``test`` is welch/student.  The matching rank test is computed beside every t test.
    """
    alpha, mu = _check_alpha(alpha), float(mu)
    if test not in TESTS:
        raise TemplateInputError(
            f"test は {', '.join(TESTS)} のどれかにしてください（指定値: {test}）"
        )
    if test == "auto":
        test = "paired" if pair_by or value2 else ("welch" if group else "one_sample")
    value = _require_column(df, value, "value")
    y = _require_numeric(df, value, "value")
    caveats: list[str] = []
    if value2:
        groups, samples, y, lost = _two_columns(df, value, value2, test)
        caveats += lost
    elif test == "one_sample":
        x = y.dropna().to_numpy()
        groups, samples = [value], [x]
    else:
        if not group:
            # Published tables put the two things compared side by side (2019 | 2020):
            # the user then has no group column, and must hear about value2.
            raise TemplateInputError(
                f"2群の比較には、群の列を -p group 列名 で指定してください（1行が1件で、"
                f"群を表す列がある表）。比べる2つの値が横に並んだ表（例: 年齢層ごとの"
                f"2019年と2020年）では、-p value {value} -p value2 もう1つの列名 と"
                "指定してください（同じ行どうしの対応のある比較になります）"
            )
        group = _require_column(df, group, "group")
        levels = list(pd.unique(df[group].dropna()))
        if len(levels) != 2:
            shown = "、".join(f"「{_label(v)}」" for v in levels[:10])
            shown += "など" if len(levels) > 10 else ""
            raise TemplateInputError(
                f"列「{group}」（group）には{len(levels)}種類の値（{shown}）があります。"
                "2群の比較には群がちょうど2つ必要です。比較したい2群の行だけを残したファイルを"
                "使うか、別の列を指定してください"
            )
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
            raise TemplateInputError(
                f"群「{name}」の有効なデータが{len(sample)}件しかありません"
                "（t検定には各群2件以上が必要です）"
            )
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
    rank = _rank_test(test, samples, mu)
    caveats += _ttest_caveats(test, normality, equal_var, n, alpha, rank)
    result = {
        "template": "ttest",
        "test": test,
        "test_name": TEST_NAMES[test],
        "value": value,
        "value2": value2 or None,
        "group": group or None,
        "pair_by": pair_by or None,
        "rank_test": rank,
        "groups": groups,
        "n": dict(zip(groups, n, strict=True)),
        "means": dict(zip(groups, means, strict=True)),
        "sds": dict(zip(groups, (math.sqrt(v) for v in variances), strict=True)),
        "mean_difference": estimate,
        "mu": mu,
        "alpha": alpha,
        "statistic": statistic,
        "df": float(df_),
        "p_value": p_value,
        "ci_low": estimate - margin,
        "ci_high": estimate + margin,
        "effect_size": effect,
        "normality": normality,
        "equal_variance": equal_var,
        "significant": bool(p_value < alpha),
    }
    result = {k: (_float(v) if isinstance(v, float) else v) for k, v in result.items()}
    result["conclusion"] = _ttest_conclusion(result)
    result["caveats"] = caveats
    return result


def _two_columns(
    df: pd.DataFrame, value: str, value2: str, test: str
) -> tuple[list[str], list[np.ndarray], pd.Series, list[str]]:
    """Two value columns side by side: paired by row, or two independent samples."""
    if test == "one_sample":
        raise TemplateInputError(
            "value2 を指定したときは test を auto・paired・welch・student のどれかにしてください"
        )
    value2 = _require_column(df, value2, "value2")
    if value2 == value:
        raise TemplateInputError("value と value2 には別々の列を指定してください")
    a, b = _require_numeric(df, value, "value"), _require_numeric(df, value2, "value2")
    caveats = []
    if test == "paired":
        both = a.notna() & b.notna()
        if lost := int((~both).sum()):
            caveats.append(
                f"「{value}」か「{value2}」が欠損の {lost}行を除いて、残りの行を"
                "ペアとして計算しました。"
            )
        samples = [a[both].to_numpy(), b[both].to_numpy()]
    else:
        samples = [a.dropna().to_numpy(), b.dropna().to_numpy()]
    return [value, value2], samples, a.iloc[:0], caveats


_RANK_NAMES = {
    "paired": "Wilcoxon の符号順位検定",
    "one_sample": "Wilcoxon の符号順位検定",
    "welch": "Mann-Whitney の U 検定",
    "student": "Mann-Whitney の U 検定",
}


def _rank_test(test: str, samples: list[np.ndarray], mu: float) -> dict[str, Any]:
    """The rank test that matches the t test, for data far from a normal distribution."""
    name = _RANK_NAMES[test]
    if test in ("paired", "one_sample"):
        d = samples[0] - samples[1] if test == "paired" else samples[0] - mu
        if not np.any(d != 0):
            return {"name": name, "statistic": None, "p_value": None}
        res = stats.wilcoxon(d)
    else:
        res = stats.mannwhitneyu(samples[0], samples[1], alternative="two-sided")
    return {"name": name, "statistic": _float(res.statistic), "p_value": _float(res.pvalue)}


def samples_for_chart(df: pd.DataFrame, r: dict[str, Any]) -> tuple[list[np.ndarray], bool]:
    """The values of each group as the result used them, and whether they are pairs."""
    if r["value2"]:
        a, b = (pd.to_numeric(df[c], errors="coerce") for c in (r["value"], r["value2"]))
        if r["test"] == "paired":
            both = a.notna() & b.notna()
            return [a[both].to_numpy(), b[both].to_numpy()], True
        return [a.dropna().to_numpy(), b.dropna().to_numpy()], False
    values = pd.to_numeric(df[r["value"]], errors="coerce")
    if r["test"] == "one_sample":
        return [values.dropna().to_numpy()], False
    labels = map_distinct(df[r["group"]], _label)
    if r["test"] == "paired":
        wide = pd.DataFrame(
            {
                g: values[labels == g].set_axis(df.loc[labels == g, r["pair_by"]])
                for g in r["groups"]
            }
        ).dropna()
        return [wide[g].to_numpy() for g in r["groups"]], True
    return [values[labels == g].dropna().to_numpy() for g in r["groups"]], False


def points_to_draw(
    samples: list[np.ndarray], paired: bool, limit: int = CHART_POINTS
) -> tuple[list[np.ndarray], str]:
    """At most ``limit`` values of each group for the chart (rows_to_draw; the same rows
    of both sides for pairs, so a drawn line is a real pair), and the note saying so
    ("" when every value is drawn).  The mean and its interval use every value."""
    if paired:
        rows, note = rows_to_draw(len(samples[0]), limit)
        return [s[rows] for s in samples], note.replace("点は", "線と点は").replace("件", "組")
    drawn = [s[rows_to_draw(len(s), limit)[0]] for s in samples]
    if all(len(d) == len(s) for d, s in zip(drawn, samples, strict=True)):
        return samples, ""
    return drawn, f"点は各群から無作為に選んだ最大{limit:,}件です（平均と区間は全件から）"


def _effect_word(d: float) -> str:
    d = abs(d)
    return "ごく小さい" if d < 0.2 else "小さい" if d < 0.5 else "中程度の" if d < 0.8 else "大きい"


def _ttest_conclusion(r: dict[str, Any]) -> str:
    level = f"{(1 - r['alpha']) * 100:g}%"
    ci = f"{level}信頼区間 {fmt(r['ci_low'])} ～ {fmt(r['ci_high'])}"
    if r["test"] == "one_sample":
        g = r["groups"][0]
        head = (
            f"「{g}」の平均は {fmt(r['means'][g])} で、基準値 {fmt(r['mu'])} との差は "
            f"{fmt(r['mean_difference'] - r['mu'])} です（{ci}）。"
        )
    else:
        a, b = r["groups"]
        direction = "大きい" if r["mean_difference"] > 0 else "小さい"
        what = "（同じ対象どうしの差の平均）" if r["test"] == "paired" else ""
        head = (
            f"「{a}」の平均は「{b}」より {fmt(abs(r['mean_difference']))} "
            f"{direction}です{what}"
            f"（「{a}」{fmt(r['means'][a])}、「{b}」{fmt(r['means'][b])}。差の{ci}）。"
        )
    if r["significant"]:
        verdict = (
            f"この差は有意水準 {r['alpha']:g} で統計的に有意です"
            f"（{p_text(r['p_value'])}）。"
            "偶然のばらつきだけで生じたとは考えにくい差です。"
        )
    else:
        verdict = (
            f"この差は有意水準 {r['alpha']:g} で統計的に有意ではありません"
            f"（{p_text(r['p_value'])}）。偶然のばらつきの範囲を超える差とは言えません"
            "（「差がない」ことの証明ではありません）。"
        )
    size = (
        f"効果量（Cohen の d）は {fmt(r['effect_size'], 3)} で、"
        f"{_effect_word(r['effect_size'])}差です。"
    )
    return head + verdict + size


def _ttest_caveats(
    test: str,
    normality: dict,
    equal_var: dict | None,
    n: list[int],
    alpha: float,
    rank: dict[str, Any],
) -> list[str]:
    notes = []
    for name, check in normality.items():
        p = check.get("p")
        if p is not None and p < 0.05:
            verdict = "有意" if (rank["p_value"] or 1) < alpha else "有意ではありません"
            advice = (
                f"件数が少ないので、順位にもとづく{rank['name']}の結果（"
                f"{p_text(rank['p_value'])}、{verdict}）もあわせて見てください。"
                if min(n) < 30
                else "件数が多いので t 検定への影響は小さいと考えられます。"
            )
            notes.append(
                f"「{name}」は正規分布から外れている可能性があります（Shapiro-Wilk、"
                f"{p_text(p)}）。{advice}"
            )
    if equal_var and equal_var["p"] is not None and equal_var["p"] < 0.05 and test == "student":
        notes.append(
            "2群の分散が異なる可能性があります（Levene、"
            f"{p_text(equal_var['p'])}）。test=welch の利用を検討してください。"
        )
    if min(n) < 10:
        notes.append(f"件数が少ない群があります（最少 {min(n)}件）。結果は不安定になりやすいです。")
    return notes
