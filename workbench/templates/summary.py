"""The 要旨: three or four plain sentences for 幹部, made from a template's result.json.

Readers of a 報告資料 are not statisticians, so the 要旨 names no test, statistic or
technical term (JARGON lists the words it must never contain; tests check every
template).  It says what was compared, which side is higher and by how much in the
data's own unit, whether the difference is larger than chance would explain, and the
one caution that matters most.  The report's body keeps the technical detail.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from typing import Any

from workbench.templates.analyses.common import fmt

#: Words a 要旨 never contains: statistics vocabulary a 幹部 cannot be expected to know.
#: They are not explained in the 要旨 but left out; the report's 結果 section has them.
JARGON = (
    "p値",
    "p 値",
    "p =",
    "p <",
    "帰無仮説",
    "有意",
    "検定",
    "信頼区間",
    "標準偏差",
    "標準誤差",
    "自由度",
    "t 値",
    "t値",
    "効果量",
    "Cohen",
    "係数",
    "決定係数",
    "R²",
    "カイ二乗",
    "χ²",
    "Cramér",
    "Welch",
    "Kendall",
    "Sen",
    "分散分析",
    "正規",
    "VIF",
    "オッズ",
    "残差",
    "多重共線性",
    "差の差",
    "回帰",
)

CHANCE_YES = "偶然のばらつきだけでは説明しにくい大きさです"
CHANCE_NO = "偶然のばらつきでも生じうる大きさで、はっきりした違いがあるとまでは言えません"
NOT_CAUSE = "この結果は関係の強さを示すもので、原因と結果の関係までは示していません。"


def unit_of(column: str | None) -> str:
    """The unit written in a column name's last brackets: 値（件） → 件, 人口(人) → 人."""
    found = re.search(r"[（(]([^（()）]{1,8})[)）]\s*$", column or "")
    return found.group(1) if found else ""


def amount(value: float | None, unit: str = "") -> str:
    """A number for prose with its unit: 1,234人, 1.58時間, 12.5%."""
    return f"{fmt(value)}{unit}" if unit else fmt(value)


def _caution(result: dict[str, Any], default: str) -> str:
    caveats = result.get("caveats") or []
    if caveats:
        return (
            f"分析の前提について確認してほしい点が{len(caveats)}件あります"
            "（本文「前提条件の確認」）。" + default
        )
    return default


def _chance(result: dict[str, Any], what: str) -> str:
    return f"{what}は、{CHANCE_YES if result.get('significant') else CHANCE_NO}。"


def _higher(a: str, b: str, diff: float, unit: str) -> str:
    word = "高く" if diff > 0 else "低く"
    return f"「{a}」は「{b}」より平均で{amount(abs(diff), unit)}{word}なっています"


def _span(r: dict[str, Any], unit: str) -> str:
    """The confidence interval in words, as "higher by between a and b"."""
    low, high = r.get("ci_low"), r.get("ci_high")
    if low is None or high is None:
        return ""
    if r["test"] == "one_sample":
        return (
            f"データから見て、本当の平均はおよそ{amount(low, unit)}から{amount(high, unit)}の"
            "間と考えられます。"
        )
    a = r["groups"][0]
    if low > 0 or high < 0:
        word = "高い" if low > 0 else "低い"
        small, large = sorted((abs(low), abs(high)))
        return (
            f"データから見て、本当の差は「{a}」のほうがおよそ{amount(small, unit)}から"
            f"{amount(large, unit)}{word}範囲と考えられます。"
        )
    return (
        f"データから見て、本当の差は「{a}」のほうが{amount(abs(low), unit)}低いから"
        f"{amount(high, unit)}高いまでの範囲で、差がない可能性もあります。"
    )


def _ttest(r: dict[str, Any]) -> list[str]:
    unit = unit_of(r["value"])
    groups, means, diff = r["groups"], r["means"], r["mean_difference"]
    if r["test"] == "one_sample":
        (g,) = groups
        word = "上回って" if diff - r["mu"] > 0 else "下回って"
        first = (
            f"「{r['value']}」の平均は{amount(means[g], unit)}で、基準の"
            f"{amount(r['mu'], unit)}を{amount(abs(diff - r['mu']), unit)}{word}います"
            f"（{r['n'][g]}件）。"
        )
    else:
        a, b = groups
        same = "同じ対象どうしで比べると、" if r["test"] == "paired" else ""
        first = (
            f"「{r['value']}」の平均は「{a}」が{amount(means[a], unit)}、「{b}」が"
            f"{amount(means[b], unit)}で、{same}{_higher(a, b, diff, unit)}"
            f"（件数は{r['n'][a]}件と{r['n'][b]}件）。"
        )
    span = _span(r, unit)
    caution = (
        "比べた2つの集まりが、比べたい点以外でも違っていないか（対象の選び方）に注意が必要です。"
    )
    return [s for s in (first, _chance(r, "この差"), span, _caution(r, caution)) if s]


def _anova(r: dict[str, Any]) -> list[str]:
    unit, means = unit_of(r["value"]), r["means"]
    top = max(means, key=means.get)
    low = min(means, key=means.get)
    return [
        f"「{r['group']}」の{len(r['groups'])}つのグループで「{r['value']}」の平均を比べました"
        f"（合計{sum(r['n'].values())}件）。",
        f"平均が最も高いのは「{top}」の{amount(means[top], unit)}、最も低いのは「{low}」の"
        f"{amount(means[low], unit)}で、差は{amount(means[top] - means[low], unit)}です。",
        _chance(r, "グループ間の違い"),
        _caution(r, "どのグループの間に違いがあるかは本文の表で確認してください。"),
    ]


def _describe(r: dict[str, Any]) -> list[str]:
    parts = []
    for column in r["values"]:
        by_group = r["table"][column]
        stats = by_group.get("全体") or next(iter(by_group.values()))
        unit = unit_of(column)
        parts.append(
            f"「{column}」は{stats['件数']}件で、平均{amount(stats['平均'], unit)}、"
            f"最小{amount(stats['最小'], unit)}から最大{amount(stats['最大'], unit)}です。"
        )
    first = f"{'、'.join(f'「{c}」' for c in r['values'])}の件数・平均・範囲をまとめました。"
    group = (
        f"「{r['group']}」ごとの値は本文の表にあります。"
        if r.get("group")
        else "グループ別の集計はしていません。"
    )
    return [first, *parts[:2], group]


def _strength(value: float) -> str:
    size = abs(value)
    level = "強い" if size >= 0.7 else "中程度の" if size >= 0.4 else "弱い"
    return level + (
        "正の関係（一方が大きいほど他方も大きい）"
        if value > 0
        else "負の関係（一方が大きいほど他方は小さい）"
    )


def _correlation(r: dict[str, Any]) -> list[str]:
    pairs = sorted(r["pairs"], key=lambda p: -abs(p["pearson_r"] or 0))
    best = pairs[0]
    return [
        f"{'、'.join(f'「{c}」' for c in r['values'])}の関係の強さを調べました"
        f"（{len(r['pairs'])}組）。",
        f"最も関係が強いのは「{best['column_1']}」と「{best['column_2']}」で、"
        f"{_strength(best['pearson_r'] or 0.0)}が見られます"
        f"（{best['n']}件、−1から1の目盛りで{fmt(best['pearson_r'], 2)}）。",
        "この関係は、" + (CHANCE_YES if (best["p_value"] or 1) < r["alpha"] else CHANCE_NO) + "。",
        _caution(r, NOT_CAUSE),
    ]


def _crosstab(r: dict[str, Any]) -> list[str]:
    counts = r["counts"]
    cells = [
        (n, row, col)
        for row, cols in counts.items()
        for col, n in cols.items()
        if isinstance(n, int | float) and "計" not in (row, col)
    ]
    n, row, col = max(cells) if cells else (None, "", "")
    what = f"「{r['row']}」と「{r['column']}」" if r.get("column") else f"「{r['row']}」"
    most = f"最も多い組み合わせは「{row}」×「{col}」の{fmt(n)}件です。" if cells else ""
    hidden = (
        f"件数の少ない{r['suppressed_cells']}か所は個人が特定されないよう「x」で伏せています。"
        if r.get("suppressed_cells")
        else "件数の少ない組み合わせがあるときは、割合の読み方に注意してください。"
    )
    return [
        s
        for s in (
            f"{what}の組み合わせごとに件数を数えました（合計{r['n']}件）。",
            most,
            _chance(r, f"「{r['row']}」による構成の違い"),
            _caution(r, hidden),
        )
        if s
    ]


def _terms(r: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    return [(t, c) for t, c in r["coefficients"].items() if t not in ("Intercept", "切片")]


_CATEGORY = re.compile(r"(?:C\()?(.*?)\)?\[T\.(.*)\]")  # 地域[T.B市], C(地域)[T.B市]


def _variables(terms: list[tuple[str, Any]]) -> str:
    """The columns behind the terms, once each: 「地域」、「人口」 (not 地域[T.B市])."""
    names = [m.group(1) if (m := _CATEGORY.fullmatch(t)) else t for t, _ in terms]
    return "、".join(f"「{n}」" for n in dict.fromkeys(names)) or "定数だけ"


def _regression(r: dict[str, Any]) -> list[str]:
    dependent, terms = r["dependent"], _terms(r)
    share = (r.get("r_squared") or 0) * 100
    first = (
        f"「{dependent}」の違いを{_variables(terms)}で説明するモデルを作り、"
        f"{r['n']}件のデータで、ばらつきの約{share:.0f}%を説明できました。"
    )
    if not terms:
        return [first, _caution(r, NOT_CAUSE)]
    term, c = max(terms, key=lambda tc: abs(tc[1].get("t") or 0))
    size = amount(abs(c["estimate"] or 0), unit_of(dependent))
    more = (c["estimate"] or 0) > 0
    level = _CATEGORY.fullmatch(term)
    if level:
        column, value = level.groups()
        second = (
            f"ほかの項目が同じなら、「{column}」が「{value}」のときは、基準のグループより"
            f"「{dependent}」が平均で{size}{'多く' if more else '少なく'}なります。"
        )
    else:
        second = (
            f"ほかの項目が同じなら、「{term}」が1{unit_of(term)}多いと「{dependent}」は平均で"
            f"{size}{'増えます' if more else '減ります'}。"
        )
    chance = (
        "この関係は、" + (CHANCE_YES if (c.get("p_value") or 1) < r["alpha"] else CHANCE_NO) + "。"
    )
    return [first, second, chance, _caution(r, NOT_CAUSE)]


def _per_units(log_odds: float) -> tuple[int, float]:
    """(units, ratio): per 1 unit, or per 10, 100 … units when one unit changes too little
    to read (人口 +1人: ×1.001 says nothing; +100人: ×1.1 does)."""
    per = 1
    while abs(math.exp(log_odds * per) - 1) < 0.05 and per < 10**9 and log_odds:
        per *= 10
    return per, math.exp(log_odds * per)


def _logistic(r: dict[str, Any]) -> list[str]:
    terms = _terms(r)
    if not terms:
        return [
            f"「{r['outcome']}」が「{r['event']}」となったのは{r['n']}件のうち{r['events']}件です。"
        ]
    term, c = max(terms, key=lambda tc: abs(tc[1].get("z") or 0))
    per, ratio = _per_units(c.get("estimate") or 0.0)
    share = r["events"] / r["n"] * 100 if r["n"] else 0
    return [
        f"「{r['outcome']}」が「{r['event']}」となるかどうかを"
        f"{_variables(terms)}で説明しました"
        f"（{r['n']}件のうち{r['events']}件、{share:.0f}%が「{r['event']}」）。",
        f"ほかの項目が同じなら、「{term}」が{per:,}{unit_of(term)}多いと「{r['event']}」となる"
        f"見込みは約{fmt(ratio, 3)}倍になります。",
        "この関係は、" + (CHANCE_YES if (c.get("p_value") or 1) < r["alpha"] else CHANCE_NO) + "。",
        _caution(r, NOT_CAUSE),
    ]


def _when(label: Any) -> str:
    text = str(label)
    return f"{text}年" if re.fullmatch(r"\d{4}", text) else text


def _trend(r: dict[str, Any]) -> list[str]:
    unit = unit_of(r["value"])
    word = "増えて" if r["slope"] > 0 else "減って"
    return [
        f"「{r['value']}」は{_when(r['start'])}から{_when(r['end'])}までの{r['n']}時点で、"
        f"{amount(r['first_value'], unit)}から{amount(r['last_value'], unit)}に変わりました。",
        f"全体の傾きでは{r['slope_unit']}平均{amount(abs(r['slope']), unit)}{word}います。",
        _chance(r, "この増減の傾向"),
        _caution(r, "これは過去の傾向で、この先も続くことを示すものではありません。"),
    ]


def _did(r: dict[str, Any]) -> list[str]:
    unit, est = unit_of(r["outcome"]), r["estimate"]
    means = r["group_means"]
    change_t = means["対象群・実施後"] - means["対象群・実施前"]
    change_c = means["比較群・実施後"] - means["比較群・実施前"]
    word = "大きく" if est > 0 else "小さく"
    caution = (
        "実施前から2つの群の動きが違っていたため、この差をすべて施策の効果とみるのは危険です。"
        if r.get("pre_trend_p") is not None and r["pre_trend_p"] < r["alpha"]
        else "施策以外に、同じ時期に対象群だけに起きた変化がないか確認してください。"
    )
    return [
        f"施策の前後で「{r['outcome']}」は、対象群で{amount(change_t, unit)}、比較群で"
        f"{amount(change_c, unit)}変化しました。",
        f"比較群の変化を差し引くと、対象群の変化は{amount(abs(est), unit)}{word}、"
        "これが施策の効果の見積もりです。",
        _chance(r, "この差"),
        _caution(r, caution),
    ]


def _consolidate(r: dict[str, Any]) -> list[str]:
    totals = r.get("totals") or {}
    parts = "、".join(
        f"「{c}」{amount(v, unit_of(c))}" for c, v in list(totals.items())[:3] if v is not None
    )
    sheets = f"{len(r['sheets'])}枚のシートの" if r.get("sheets") and len(r["sheets"]) > 1 else ""
    hidden = (
        f"行数の少ない{r['suppressed_groups']}項目は「x」で伏せています。"
        if r.get("suppressed_groups")
        else "元のファイルの合計・小計の行は二重に数えないよう除いています。"
    )
    return [
        f"{sheets}{r['n']}行を「{'・'.join(r['by'])}」ごとにまとめ、{r['groups']}項目の表にしました。",
        f"全体の{r['how_name']}は{parts}です。" if parts else "",
        "表記のゆれ（全角・半角、空白）は同じ項目としてまとめています。",
        hidden,
    ]


SUMMARIES: dict[str, Callable[[dict[str, Any]], list[str]]] = {
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


def summarize(result: dict[str, Any]) -> list[str]:
    """The 要旨 sentences of a result.json (3-4 sentences, no JARGON)."""
    return [s for s in SUMMARIES[result["template"]](result) if s]


def jargon_in(sentences: list[str]) -> list[str]:
    """The JARGON words that occur in ``sentences`` (for tests and the app)."""
    text = "".join(sentences)
    return [word for word in JARGON if word in text]
