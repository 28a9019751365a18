"""Independent checks of the statistics unit 08 (調査設計とクロス集計) teaches.

Published worked examples: Agresti's party-identification-by-gender table (the example
of R's ``?chisq.test``: X-squared = 30.07, df = 2, p-value = 2.954e-07), the 2 x 2 table
of the same help page with Yates' correction (p = 0.4233), and the survey-textbook sample
sizes for a proportion (Cochran: 384 for ±5 %, 1,067 for ±3 % at 95 %). The notebook's
``rake`` function is taken from the committed notebook and checked against what raking
must do (hit every margin, and keep the seed table's odds ratio, Deming and Stephan 1940),
with a one-pass rake as the negative control. The data card's claims about
``prefectural_survey`` (the real SSDSE frame, the reversal by age group, the expected
counts of 演習8) are recomputed here by hand.
"""

from __future__ import annotations

import csv
import math
import os
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from scipy import stats
from scipy.stats.contingency import association

from workbench import datasets
from workbench.datasets import prefectural_survey
from workbench.paths import REPO_ROOT

UNIT = REPO_ROOT / "courses" / "08_survey_design"
SHARED = Path(os.environ.get("WORKBENCH_REALDATA_DIR") or REPO_ROOT.parent / "shared" / "realdata")

# Agresti, An Introduction to Categorical Data Analysis (2007), Table 2.5; R ?chisq.test.
PARTY = [[762, 327, 468], [484, 239, 477]]
# R ?chisq.test: x <- matrix(c(12, 5, 7, 7), ncol = 2); chisq.test(x)$p.value  # 0.4233
YATES = [[12, 7], [5, 7]]


def _printed(value: float, printed: str) -> None:
    """``value`` agrees with a published number to every digit that was printed."""
    decimals = len(printed.split(".")[1].split("e")[0]) if "." in printed else 0
    if "e" in printed:
        mantissa, exponent = printed.split("e")
        assert abs(value / 10 ** int(exponent) - float(mantissa)) <= 0.5 * 10**-decimals
        return
    assert abs(value - float(printed)) <= 0.5 * 10**-decimals * (1 + 1e-9), (value, printed)


def _chi2_by_hand(table: list[list[int]]) -> float:
    rows = [sum(r) for r in table]
    cols = [sum(c) for c in zip(*table, strict=True)]
    n = sum(rows)
    return sum(
        (table[i][j] - rows[i] * cols[j] / n) ** 2 / (rows[i] * cols[j] / n)
        for i in range(len(rows))
        for j in range(len(cols))
    )


# --------------------------------------------------------------- published examples


def test_chi_squared_matches_agresti_and_r():
    result = stats.chi2_contingency(PARTY)
    _printed(result.statistic, "30.07")
    _printed(result.pvalue, "2.954e-07")
    assert result.dof == 2
    assert math.isclose(result.statistic, _chi2_by_hand(PARTY), rel_tol=1e-12)


def test_yates_correction_is_scipys_default_on_two_by_two():
    (a, b), (c, d) = YATES
    n = a + b + c + d
    yates = n * (abs(a * d - b * c) - n / 2) ** 2 / ((a + b) * (c + d) * (a + c) * (b + d))
    corrected = stats.chi2_contingency(YATES)
    _printed(corrected.pvalue, "0.4233")
    assert math.isclose(corrected.statistic, yates, rel_tol=1e-12)
    plain = stats.chi2_contingency(YATES, correction=False)
    assert math.isclose(plain.statistic, _chi2_by_hand(YATES), rel_tol=1e-12)
    assert plain.statistic > corrected.statistic  # the wrong answer of 演習9 differs


def test_cramers_v_by_hand_equals_scipy_association():
    n = sum(map(sum, PARTY))
    by_hand = math.sqrt(_chi2_by_hand(PARTY) / (n * (min(2, 3) - 1)))
    _printed(by_hand, "0.104")
    assert math.isclose(association(PARTY, method="cramer"), by_hand, rel_tol=1e-12)
    # On a 2 x 2 table scipy's V is the uncorrected phi, not the Yates-corrected one.
    (a, b), (c, d) = YATES
    phi = abs(a * d - b * c) / math.sqrt((a + b) * (c + d) * (a + c) * (b + d))
    assert math.isclose(association(YATES, method="cramer"), phi, rel_tol=1e-12)
    yates_v = math.sqrt(stats.chi2_contingency(YATES).statistic / sum(map(sum, YATES)))
    assert not math.isclose(yates_v, phi, rel_tol=1e-3)


def test_sample_size_formula_gives_the_published_table_values():
    def n0(margin: float, z: float = 1.96) -> float:
        return z**2 * 0.5 * 0.5 / margin**2

    assert round(n0(0.05)) == 384 and round(n0(0.03)) == 1067  # Cochran's table
    assert math.ceil(n0(0.03)) == 1068  # what 演習1 asks: rounded up
    assert math.ceil(math.ceil(n0(0.03)) / 0.45) == 2374
    # The wrong answer with the 90 % value 1.645 gives a visibly different n.
    assert math.ceil(n0(0.03, z=stats.norm.ppf(0.95))) == 752


# --------------------------------------------------------------- the notebook's rake


def _notebook_rake():
    notebook = nbformat.read(UNIT / "08a_survey_sampling.ipynb", as_version=4)
    source = next(cell.source for cell in notebook.cells if "def rake(" in cell.source)
    namespace = {"pd": pd}
    exec(source.split("\n\n\nage_pop")[0], namespace)
    return namespace["rake"]


def _one_pass_rake(data, margins, rounds=20):
    weights = pd.Series(1.0, index=data.index)
    for column, target in margins.items():
        current = weights.groupby(data[column]).sum()
        weights = weights * data[column].map(target / current)
    return weights


def _raked_margins_error(rake) -> float:
    living = datasets.load("prefectural_survey").dropna(subset=["問1_暮らしやすさ"])
    frame = datasets.load("prefectural_survey", "population_frame.csv")
    margins = {c: frame.groupby(c)["人口"].sum() for c in ["年齢層", "性別", "地域"]}
    weights = rake(living, margins)
    worst = 0.0
    for column, target in margins.items():
        got = weights.groupby(living[column]).sum()
        worst = max(worst, float(((got - target).abs() / target).max()))
    return worst


def test_rake_hits_every_population_margin():
    assert _raked_margins_error(_notebook_rake()) < 1e-6


def test_one_pass_rake_misses_a_margin_negative_control():
    assert _raked_margins_error(_one_pass_rake) > 1e-3


def test_rake_keeps_the_seed_odds_ratio_on_a_two_by_two():
    # Raking a 2 x 2 seed to margins gives the unique table with those margins and the
    # seed's cross-product ratio: solve the quadratic for its first cell by hand.
    seed = {("a", "x"): 40.0, ("a", "y"): 10.0, ("b", "x"): 20.0, ("b", "y"): 30.0}
    rows, cols = {"a": 300.0, "b": 700.0}, {"x": 450.0, "y": 550.0}
    data = pd.DataFrame(
        [{"r": r, "c": c} for (r, c), count in seed.items() for _ in range(int(count))]
    )
    weights = _notebook_rake()(data, {"r": pd.Series(rows), "c": pd.Series(cols)}, rounds=200)
    fitted = weights.groupby([data["r"], data["c"]]).sum()
    odds = seed[("a", "x")] * seed[("b", "y")] / (seed[("a", "y")] * seed[("b", "x")])
    # x11 * (N - r1 - c1 + x11) = odds * (r1 - x11) * (c1 - x11)
    r1, c1, n = rows["a"], cols["x"], 1000.0
    qa, qb, qc = 1 - odds, (n - r1 - c1) + odds * (r1 + c1), -odds * r1 * c1
    x11 = (-qb + math.sqrt(qb * qb - 4 * qa * qc)) / (2 * qa)
    assert math.isclose(fitted[("a", "x")], x11, rel_tol=1e-9)
    assert math.isclose(fitted[("b", "y")], n - r1 - c1 + x11, rel_tol=1e-9)


# --------------------------------------------------------------- the data card's claims


def _rows(file: str) -> list[dict]:
    with open(datasets.path("prefectural_survey", file), encoding="cp932", newline="") as f:
        return list(csv.DictReader(f))


def test_return_table_agrees_with_the_responses():
    returned = {}
    for row in _rows("survey_responses.csv"):
        key = (row["地域"], row["性別"], row["年齢層"])
        returned[key] = returned.get(key, 0) + 1
    table = _rows("response_rates.csv")
    assert len(table) == 18
    assert {(r["地域"], r["性別"], r["年齢層"]): int(r["回収数"]) for r in table} == returned
    sent = sum(int(r["発送数"]) for r in table)
    assert sent == 2000 and sum(returned.values()) == 912  # the card's small-size figures
    by_age = {}
    for r in table:
        s, b = by_age.get(r["年齢層"], (0, 0))
        by_age[r["年齢層"]] = (s + int(r["発送数"]), b + int(r["回収数"]))
    rate = {age: b / s for age, (s, b) in by_age.items()}
    assert rate["15-64歳"] < rate["75歳以上"] < rate["65-74歳"]  # younger return less


def test_online_use_and_satisfaction_reverse_within_age_groups():
    counts = {}
    for row in _rows("survey_responses.csv"):
        if not row["問3_オンライン申請"]:
            continue
        satisfied = row["問2_行政サービス満足度"] in ("満足", "やや満足")
        for key in [
            ("全体", row["問3_オンライン申請"]),
            (row["年齢層"], row["問3_オンライン申請"]),
        ]:
            total, yes = counts.get(key, (0, 0))
            counts[key] = (total + 1, yes + satisfied)

    def share(group: str, use: str) -> float:
        total, yes = counts[(group, use)]
        return yes / total

    used, never = prefectural_survey.ONLINE
    assert share("全体", used) < share("全体", never)
    for age in prefectural_survey.AGES:
        assert share(age, used) > share(age, never), age
    # The numbers the model answer of 演習11 quotes.
    assert round(100 * share("全体", used)) == 42 and round(100 * share("全体", never)) == 51
    assert round(100 * share("15-64歳", used)) == 37 and round(100 * share("15-64歳", never)) == 20


def test_exercise_8_table_breaks_the_expected_count_rule():
    subgroup = [
        r
        for r in _rows("survey_responses.csv")
        if r["地域"] == "中部" and r["年齢層"] == "75歳以上"
    ]
    answers = sorted({r["問2_行政サービス満足度"] for r in subgroup if r["問2_行政サービス満足度"]})
    table = [
        [
            sum(r["性別"] == sex and r["問2_行政サービス満足度"] == a for r in subgroup)
            for a in answers
        ]
        for sex in ("女", "男")
    ]
    rows = [sum(r) for r in table]
    cols = [sum(c) for c in zip(*table, strict=True)]
    n = sum(rows)
    expected = [rows[i] * cols[j] / n for i in range(2) for j in range(len(cols))]
    assert sum(e < 5 for e in expected) / len(expected) > 0.2
    # 演習7's table (age x online use) satisfies the rule: the contrast the unit draws.
    online = {}
    for r in _rows("survey_responses.csv"):
        if r["問3_オンライン申請"]:
            online[(r["年齢層"], r["問3_オンライン申請"])] = (
                online.get((r["年齢層"], r["問3_オンライン申請"]), 0) + 1
            )
    big = [[online[(a, u)] for u in prefectural_survey.ONLINE] for a in prefectural_survey.AGES]
    big_rows = [sum(r) for r in big]
    big_cols = [sum(c) for c in zip(*big, strict=True)]
    assert min(r * c for r in big_rows for c in big_cols) / sum(big_rows) >= 5


@pytest.mark.skipif(not SHARED.is_dir(), reason="shared/realdata がありません")
def test_population_frame_is_the_ssdse_census_figures():
    with open(SHARED / "SSDSE_seiichiinoue.csv", encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    header = rows[0]
    area_of = {
        **dict.fromkeys(["鳥取市", "岩美町", "若桜町", "智頭町", "八頭町"], "東部"),
        **dict.fromkeys(["倉吉市", "三朝町", "湯梨浜町", "琴浦町", "北栄町"], "中部"),
        **dict.fromkeys(
            [
                "米子市",
                "境港市",
                "日吉津村",
                "大山町",
                "南部町",
                "伯耆町",
                "日南町",
                "日野町",
                "江府町",
            ],
            "西部",
        ),
    }
    expected = {}
    tottori = [r for r in rows[2:] if r[1] == "鳥取県"]
    assert sorted(r[2] for r in tottori) == sorted(area_of)
    for row in tottori:
        value = dict(zip(header, row, strict=True))
        for sex, code in (("男", "01"), ("女", "02")):
            cells = {
                "15-64歳": int(value[f"A13020{code[-1]}"]),
                "65-74歳": int(value[f"A13030{code[-1]}"]) - int(value[f"A14190{code[-1]}"]),
                "75歳以上": int(value[f"A14190{code[-1]}"]),
            }
            for age, count in cells.items():
                key = (area_of[row[2]], sex, age)
                expected[key] = expected.get(key, 0) + count
    frame = _rows("population_frame.csv")
    assert {(r["地域"], r["性別"], r["年齢層"]): int(r["人口"]) for r in frame} == expected
