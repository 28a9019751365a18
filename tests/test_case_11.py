"""Independent checks for case unit 11 (豚熱): interval formulas and the swine_fever generator.

The interval checks compare hand formulas (and statsmodels, which the learners call) with
values published in Newcombe (1998), "Two-sided confidence intervals for the single
proportion: comparison of seven methods", Statistics in Medicine 17:857-872, Table I,
and with closed forms (Clopper-Pearson for x = 0 is 1 - (α/2)^(1/n)).
"""

from __future__ import annotations

import csv
import math
import unicodedata
from pathlib import Path
from statistics import NormalDist

import nbformat
import numpy as np
import pandas as pd
import pytest
from scipy import stats
from statsmodels.stats.proportion import proportion_confint

from workbench import datasets
from workbench.io import to_datetime_wareki

Z = NormalDist().inv_cdf(0.975)


def wilson(x: int, n: int) -> tuple[float, float]:
    p = x / n
    denominator = 1 + Z * Z / n
    centre = (p + Z * Z / (2 * n)) / denominator
    half = Z * math.sqrt(p * (1 - p) / n + Z * Z / (4 * n * n)) / denominator
    return max(0.0, centre - half), min(1.0, centre + half)


def clopper_pearson(x: int, n: int) -> tuple[float, float]:
    low = 0.0 if x == 0 else stats.beta.ppf(0.025, x, n - x + 1)
    high = 1.0 if x == n else stats.beta.ppf(0.975, x + 1, n - x)
    return low, high


# Newcombe (1998) Table I: score (Wilson) method without continuity correction, and the
# exact (Clopper-Pearson) method, 95 %, rounded to 4 decimals.
NEWCOMBE_WILSON = {
    (81, 263): (0.2553, 0.3662),
    (15, 148): (0.0624, 0.1605),
    (0, 20): (0.0, 0.1611),
    (1, 29): (0.0061, 0.1718),
}
NEWCOMBE_EXACT = {
    (81, 263): (0.2527, 0.3676),
    (15, 148): (0.0578, 0.1617),
    (0, 20): (0.0, 0.1684),
    (1, 29): (0.0009, 0.1776),
}


@pytest.mark.parametrize(("x", "n"), list(NEWCOMBE_WILSON))
def test_wilson_matches_newcombe_table(x, n):
    low, high = wilson(x, n)
    assert (round(low, 4), round(high, 4)) == NEWCOMBE_WILSON[(x, n)]
    sm_low, sm_high = proportion_confint(x, n, alpha=0.05, method="wilson")
    assert sm_low == pytest.approx(low, abs=1e-12) and sm_high == pytest.approx(high, abs=1e-12)


@pytest.mark.parametrize(("x", "n"), list(NEWCOMBE_EXACT))
def test_clopper_pearson_matches_newcombe_table(x, n):
    low, high = clopper_pearson(x, n)
    assert (round(low, 4), round(high, 4)) == NEWCOMBE_EXACT[(x, n)]
    sm_low, sm_high = proportion_confint(x, n, alpha=0.05, method="beta")
    assert sm_low == pytest.approx(low, abs=1e-10) and sm_high == pytest.approx(high, abs=1e-10)


def test_clopper_pearson_zero_of_ten_closed_form():
    # With x = 0 the upper limit solves (1 - p)^n = α/2.
    upper = 1 - 0.025 ** (1 / 10)
    assert round(upper, 4) == 0.3085
    assert clopper_pearson(0, 10)[1] == pytest.approx(upper, rel=1e-10)
    assert wilson(0, 10)[1] == pytest.approx(Z * Z / (10 + Z * Z), rel=1e-12)  # 0.2775


def test_normal_approximation_degenerates_where_the_unit_says():
    assert proportion_confint(0, 10, method="normal") == (0.0, 0.0)
    assert proportion_confint(1, 1, method="normal") == (1.0, 1.0)
    assert wilson(1, 1)[0] == pytest.approx(0.2065, abs=1e-4)


def test_wilson_vectorised_on_a_grid_matches_hand_formula():
    xs, ns = np.meshgrid(np.arange(0, 31), np.arange(1, 61))
    keep = xs <= ns
    low, high = proportion_confint(xs[keep], ns[keep], method="wilson")
    hand = np.array([wilson(int(x), int(n)) for x, n in zip(xs[keep], ns[keep], strict=True)])
    np.testing.assert_allclose(low, hand[:, 0], atol=1e-12)
    np.testing.assert_allclose(high, hand[:, 1], atol=1e-12)


# ------------------------------------------------------------------ generator
def _boar(folder) -> pd.DataFrame:
    raw = pd.read_csv(folder / "wild_boar_tests.csv", encoding="cp932")
    boar = raw[raw["市町村"] != "県計"].copy()
    boar["状態"] = boar["状態"].str.strip().replace({"死亡個体": "死亡", "調査捕獲": "調査"})
    for column in ["検査頭数", "陽性頭数"]:
        boar[column] = pd.to_numeric(boar[column].str.normalize("NFKC"), errors="coerce")
    boar["年月"] = pd.to_datetime(boar["年月"], format="%Y年%m月")
    return boar


def _outbreaks(folder) -> pd.DataFrame:
    raw = pd.read_csv(folder / "csf_outbreaks.csv", encoding="cp932")
    cases = raw.drop_duplicates(subset="事例番号").copy()
    cases["発生日"] = to_datetime_wareki(cases["発生日"], errors="raise")
    heads = cases["飼養頭数"].map(lambda s: int(unicodedata.normalize("NFKC", s).replace(",", "")))
    cases["飼養頭数"] = heads
    return cases


@pytest.fixture(scope="module", params=["small", "full"])
def built(request, tmp_path_factory):
    folder = tmp_path_factory.mktemp(f"swine_{request.param}")
    return request.param, datasets.build("swine_fever", request.param, out_dir=folder)


def test_positive_rates_have_reference_magnitudes(built):
    size, folder = built
    boar = _boar(folder)
    sums = boar.groupby("状態")[["陽性頭数", "検査頭数"]].sum()
    rate = sums["陽性頭数"] / sums["検査頭数"]
    overall = sums["陽性頭数"].sum() / sums["検査頭数"].sum()
    assert 0.07 <= overall <= 0.13  # REFERENCE §C: overall ≈ 10 %
    assert 0.40 <= rate["死亡"] <= 0.65  # found dead ≈ 50 %
    assert 0.06 <= rate["捕獲"] <= 0.11  # captured ≈ 8 %
    if size == "full":  # Gifu: 1,715 positive of 17,242 to 2025-10
        assert 15_000 <= sums["検査頭数"].sum() <= 19_500
        assert boar["年月"].max() == pd.Timestamp("2025-10-01")
        assert boar["市町村"].nunique() == 42
    else:
        assert boar["市町村"].nunique() == 16


def test_outbreak_table_matches_the_real_first_year(built):
    _, folder = built
    cases = _outbreaks(folder)
    assert cases["発生日"].min() == pd.Timestamp("2018-09-09")
    assert cases.loc[cases["事例番号"] == 1, "発生日"].item() == pd.Timestamp("2018-09-09")
    assert cases["発生日"].between("2018-09-01", "2019-08-31").sum() == 39
    assert cases["飼養頭数"].min() == 10 and 7_000 <= cases["飼養頭数"].max() <= 8_000
    assert cases["事例番号"].tolist() == list(range(1, len(cases) + 1))
    assert cases["発生日"].is_monotonic_increasing


def test_planted_dirt_is_present():
    folder = datasets.build("swine_fever", "small")
    with open(folder / "csf_outbreaks.csv", encoding="cp932", newline="") as handle:
        rows = list(csv.DictReader(handle))
    dates = [row["発生日"] for row in rows]
    assert any(d.startswith("平成") for d in dates) and any(d.startswith("令和元年") for d in dates)
    assert any(d.startswith("H3") for d in dates) and any(d.startswith("R1.") for d in dates)
    assert any("/" in d for d in dates)
    assert any(any("０" <= ch <= "９" for ch in row["飼養頭数"]) for row in rows)
    numbers = [row["事例番号"] for row in rows]
    assert len(numbers) - len(set(numbers)) >= 3
    exact = {tuple(row.values()) for row in rows}
    assert len(exact) > len(set(numbers)), "some duplicates differ only in how the date is written"
    raw_bytes = (folder / "wild_boar_tests.csv").read_bytes()
    assert b"\r\n" in raw_bytes
    boar = pd.read_csv(folder / "wild_boar_tests.csv", encoding="cp932")
    assert {"死亡個体", "調査捕獲", "捕獲 "} <= set(boar["状態"])
    assert (boar["市町村"] == "県計").sum() == 4 * boar["年月"].nunique()
    values = pd.concat([boar["検査頭数"], boar["陽性頭数"]])
    assert (values == "－").any() and (values == "…").any()
    assert values.str.contains("[０-９]").any()
    hunting_off = boar[(boar["状態"] == "狩猟") & boar["年月"].str.contains("年[3-9]月|年10月")]
    assert (hunting_off["検査頭数"] == "－").all()


def test_totals_rows_are_the_sum_of_municipalities():
    folder = datasets.build("swine_fever", "small")
    raw = pd.read_csv(folder / "wild_boar_tests.csv", encoding="cp932")
    raw["状態"] = raw["状態"].str.strip().replace({"死亡個体": "死亡", "調査捕獲": "調査"})
    raw["n"] = pd.to_numeric(raw["検査頭数"].str.normalize("NFKC"), errors="coerce")
    total = raw[raw["市町村"] == "県計"].groupby(["年月", "状態"])["n"].sum()
    towns = raw[(raw["市町村"] != "県計") & (raw["検査頭数"] != "…")]
    by_town = towns.groupby(["年月", "状態"])["n"].sum()
    # 未報告 ("…") cells are in the prefecture total but hidden in the town rows.
    assert (total >= by_town.reindex(total.index)).all()


def test_front_spreads_outward_and_precedes_most_farm_outbreaks():
    folder = datasets.build("swine_fever", "full", out_dir=None)
    boar = _boar(folder)
    towns = pd.read_csv(folder / "municipalities.csv", encoding="cp932").set_index("市町村")
    origin = towns.loc["みなと市"]
    distance = np.hypot(towns["東西_km"] - origin["東西_km"], towns["南北_km"] - origin["南北_km"])
    first = boar[boar["陽性頭数"] > 0].groupby("市町村")["年月"].min()
    months = (first.dt.year - 2018) * 12 + first.dt.month - 9
    slope = np.polyfit(months, distance[first.index], 1)[0]
    assert 1.5 <= slope <= 3.5  # generator's front: 2.5 km a month
    assert stats.spearmanr(months, distance[first.index]).statistic > 0.8
    cases = _outbreaks(folder)
    sakura = cases[cases["発生場所"].str.startswith("さくら県")]
    town = sakura["発生場所"].str.extract(r"^さくら県(.+?[市町村])（")[0]
    first_farm = sakura.groupby(town)["発生日"].min()
    ahead = (first.reindex(first_farm.index) < first_farm).sum()
    assert ahead >= len(first_farm) / 2


def test_same_seed_same_bytes_and_seed_matters(tmp_path):
    first = datasets.build("swine_fever", "small", seed=3, out_dir=tmp_path / "a")
    again = datasets.build("swine_fever", "small", seed=3, out_dir=tmp_path / "b")
    other = datasets.build("swine_fever", "small", seed=4, out_dir=tmp_path / "c")
    for name in ["wild_boar_tests.csv", "csf_outbreaks.csv", "municipalities.csv"]:
        assert (first / name).read_bytes() == (again / name).read_bytes()
    boar_file, town_file = "wild_boar_tests.csv", "municipalities.csv"
    assert (first / boar_file).read_bytes() != (other / boar_file).read_bytes()
    assert (first / town_file).read_bytes() == (other / town_file).read_bytes()


# ------------------------------------------------------------------ the unit's alert table
UNIT = Path(__file__).resolve().parents[1] / "courses" / "11_case_swine_fever"


def _alert_cells(folder) -> tuple[pd.DataFrame, pd.DataFrame, pd.Series, pd.Series]:
    """Wilson-lower-bound alerts by issue date, the 3-month farm-outbreak event, farm counts.

    Recomputed from the CSV files with this file's own Wilson formula: a municipality is
    alerted on the 1st of the month after a 3-month window whose pooled positives give a
    95 % Wilson lower bound of at least 5 %; the event is a farm outbreak there within
    three months of that day.
    """
    boar = _boar(folder)
    months = pd.date_range(boar["年月"].min(), boar["年月"].max(), freq="MS")
    towns = sorted(boar["市町村"].unique())
    sums = boar.groupby(["年月", "市町村"])[["陽性頭数", "検査頭数"]].sum()
    full = pd.MultiIndex.from_product([months, towns], names=["年月", "市町村"])
    sums = sums.reindex(full, fill_value=0)
    pos = sums["陽性頭数"].unstack().rolling(3).sum()
    n = sums["検査頭数"].unstack().rolling(3).sum()
    low = pd.DataFrame(
        [
            [wilson(int(x), int(k))[0] if k > 0 else 0.0 for x, k in zip(px, nx, strict=True)]
            for px, nx in zip(pos.fillna(0).to_numpy(), n.fillna(0).to_numpy(), strict=True)
        ],
        index=pos.index,
        columns=pos.columns,
    )
    alert = (low >= 0.05) & n.notna()
    alert.index = alert.index + pd.offsets.MonthBegin(1)  # issued the next 1st
    cases = _outbreaks(folder)
    sakura = cases[cases["発生場所"].str.startswith("さくら県")]
    town = sakura["発生場所"].str.extract(r"^さくら県(.+?[市町村])（")[0]
    event = pd.DataFrame(False, index=alert.index, columns=alert.columns)
    for day, where in zip(sakura["発生日"], town, strict=True):
        window = (event.index <= day) & (day < event.index + pd.DateOffset(months=3))
        event.loc[window, where] = True
    farms = pd.read_csv(folder / "municipalities.csv", encoding="cp932").set_index("市町村")
    first_farm = sakura.groupby(town)["発生日"].min()
    return alert, event, farms["養豚農場数"].reindex(alert.columns), first_farm


def _model_answer(grade_id: str) -> str:
    """The cell ``grade_id`` of whichever part of the unit holds it."""
    return next(
        c.source
        for path in sorted(UNIT.glob("11*.ipynb"))
        for c in nbformat.read(path, as_version=4).cells
        if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id
    )


def test_recommendation_quotes_the_held_out_table_it_rests_on():
    """The model answer's numbers are the 2020 (held-out) table, counted independently."""
    alert, event, farms, first_farm = _alert_cells(datasets.build("swine_fever", "small"))
    held_alert, held_event = (
        alert.loc["2020-01-01":"2020-12-01"],
        event.loc["2020-01-01":"2020-12-01"],
    )
    assert held_alert.shape == (12, 16)
    hit = int((held_alert & held_event).to_numpy().sum())
    false_alarm = int((held_alert & ~held_event).to_numpy().sum())
    miss = int((~held_alert & held_event).to_numpy().sum())
    wasted = int((held_alert & ~held_event).mul(farms, axis=1).to_numpy().sum())
    notices = int(held_alert.mul(farms, axis=1).to_numpy().sum())
    # Lead time of the first alert in the municipalities first hit in 2020.
    first_alert = alert.idxmax()[alert.any()]
    new_2020 = first_farm[first_farm.dt.year == 2020]
    lead = (new_2020 - first_alert.reindex(new_2020.index)).dt.days
    assert len(new_2020) == 6 and (lead > 0).all()

    answer = _model_answer("ex9_written")
    rate_hit = round(100 * hit / (hit + miss))
    rate_false = round(100 * false_alarm / (hit + false_alarm))
    for quoted in [
        f"警報{hit + false_alarm}件",
        f"続いたのは{hit}件（空振り率{rate_false}%）",
        f"マス{hit + miss}件のうち{miss}件は見逃し（捕捉率{rate_hit}%）",
        f"延べ{notices}農場への通知のうち{wasted}が空振り",
        f"{lead.min()}〜{lead.max()}日前",
        f"{len(new_2020)}市町村ではすべて",
    ]:
        assert quoted in answer, quoted
    # With this many false alarms the answer must not call the volume reasonable.
    assert rate_false > 50 and "無理のない" not in answer
