"""One small input file and one parameter set per template, for the Word/Excel tests.

The data are made up (合成データ, deterministic): 6 市町村 × 6 年度 with a treated
group whose 値 jumps after 令和4年度, a population, a yes/no answer and an age band,
written as a cp932 CSV with 和暦 years as staff files have them.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

COLUMNS = ["市町村", "年度", "区分", "期間", "値（件）", "人口（人）", "利用", "年代"]


def _value(u: int, y: int) -> float:
    return round(10 + u + 0.5 * y + (2.5 if u < 3 and y >= 4 else 0) + (u + y) % 5 / 10, 2)


def write_data(path: Path) -> Path:
    rows = []
    for u in range(6):
        for y in range(1, 7):
            population = 1000 + 150 * u + 37 * y + (u * y) % 7 * 11
            rows.append(
                (
                    f"市{u}",
                    f"令和{y}年度",
                    "対象" if u < 3 else "比較",
                    "後" if y >= 4 else "前",
                    _value(u, y),
                    population,
                    "はい" if (u * 7 + y * 3) % 5 < 2 + (u >= 3) else "いいえ",
                    ("20代", "40代", "60代")[(u + y) % 3],
                )
            )
    pd.DataFrame(rows, columns=COLUMNS).to_csv(path, index=False, encoding="cp932")
    return path


#: Template → (parameters, extra CLI options).
CASES: dict[str, list[tuple[str, str]]] = {
    "ttest": [("value", "値（件）"), ("group", "区分")],
    "anova": [("value", "値（件）"), ("group", "年代")],
    "describe": [("values", "値（件）,人口（人）"), ("group", "区分")],
    "correlation": [("values", "値（件）,人口（人）")],
    "crosstab": [("row", "年代"), ("column", "利用"), ("threshold", "0")],
    "regression": [("formula", "値（件） ~ 人口（人）")],
    "logistic": [("formula", "利用 ~ 人口（人）"), ("event", "はい")],
    "trend": [("time", "年度"), ("value", "値（件）")],
    "did": [
        ("outcome", "値（件）"),
        ("time", "年度"),
        ("treated", "区分"),
        ("period", "期間"),
        ("treated_label", "対象"),
        ("period_label", "後"),
        ("cluster", "市町村"),
    ],
    "consolidate": [("by", "区分,期間"), ("values", "値（件）,人口（人）")],
}
#: Options a case needs besides -p (trend: one series, so one 市町村).
OPTIONS: dict[str, list[str]] = {"trend": ["--where", "市町村=市0"]}
