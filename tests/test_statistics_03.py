"""Unit 03 (統計の考え方と可視化): its statistics checked against independent computations.

Each test computes a statistic the way the notebook teaches it (pandas, numpy, scipy) and
again from its definition (sums, sorting, hand formulas), and checks that the data still
have the properties the notebook's text and model answers rely on.
"""

from __future__ import annotations

import csv
import math

import nbformat
import numpy as np
import pandas as pd
import pytest
from scipy import stats

from workbench import datasets
from workbench.paths import REPO_ROOT

# Microsoft's documented example for STDEV.S / STDEV.P (tensile strength of 10 tools).
EXCEL_SAMPLE = [1345, 1301, 1368, 1322, 1310, 1370, 1318, 1350, 1303, 1299]
EXCEL_STDEV_S = 27.46391572
EXCEL_STDEV_P = 26.05455814


def _column(name: str, column: str, where=None) -> list[float]:
    with open(datasets.path(name), encoding="cp932", newline="") as handle:
        return [
            float(row[column])
            for row in csv.DictReader(handle)
            if row[column] and (where is None or where(row))
        ]


def _quantile_inc(values: list[float], p: float) -> float:
    """Excel QUARTILE.INC / PERCENTILE.INC: the (1 + (n - 1) p)-th smallest, interpolated."""
    ordered = sorted(values)
    position = (len(ordered) - 1) * p
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (position - low) * (ordered[high] - ordered[low])


def _pearson(xs: list[float], ys: list[float]) -> float:
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    sxy = sum((a - mx) * (b - my) for a, b in zip(xs, ys, strict=True))
    sxx = sum((a - mx) ** 2 for a in xs)
    syy = sum((b - my) ** 2 for b in ys)
    return sxy / math.sqrt(sxx * syy)


@pytest.fixture(scope="module")
def hours() -> list[float]:
    return _column("overtime_hours", "残業時間")


@pytest.fixture(scope="module")
def overtime() -> pd.DataFrame:
    return datasets.load("overtime_hours")


@pytest.fixture(scope="module")
def towns() -> pd.DataFrame:
    return datasets.load("municipal_indicators")


# ---------------------------------------------------------------- mean / median / spread


def test_mean_and_median_match_hand_computation_and_skew(overtime, hours):
    ordered = sorted(hours)
    n = len(ordered)
    median = ordered[n // 2] if n % 2 else (ordered[n // 2 - 1] + ordered[n // 2]) / 2
    assert overtime["残業時間"].mean() == pytest.approx(sum(hours) / n, rel=1e-12)
    assert overtime["残業時間"].median() == median
    # The notebook's story: right-skewed, mean well above median, a few blanks.
    assert sum(hours) / n > median + 3
    assert overtime["残業時間"].isna().sum() == len(overtime) - n > 0
    assert math.isnan(np.median(overtime["残業時間"]))  # the np.median trap the unit warns about


@pytest.fixture(scope="module")
def unit03_text() -> str:
    """The markdown of the committed unit 03 notebooks (parts 03a-03d): what learners read."""
    parts = sorted((REPO_ROOT / "courses" / "03_statistics_visualization").glob("03*.ipynb"))
    assert len(parts) == 4
    notebooks = [nbformat.read(part, as_version=4) for part in parts]
    return "\n".join(
        cell.source for nb in notebooks for cell in nb.cells if cell.cell_type == "markdown"
    )


def test_ddof_table_in_the_notebook_matches_excel_documentation(unit03_text):
    # The unit's table maps Excel's functions to pandas and numpy; with the pinned
    # libraries, each mapping must reproduce Microsoft's documented example.
    population = (
        "`VAR.P` / `STDEV.P` | `s.var(ddof=0)` / `s.std(ddof=0)` | `np.var(x)` / `np.std(x)`"
    )
    assert population in unit03_text
    assert "`VAR.S` / `STDEV.S` | `s.var()` / `s.std()`" in unit03_text
    s = pd.Series(EXCEL_SAMPLE, dtype=float)
    assert s.std() == pytest.approx(EXCEL_STDEV_S, abs=1e-8)  # STDEV.S
    assert s.std(ddof=0) == pytest.approx(EXCEL_STDEV_P, abs=1e-8)  # STDEV.P
    assert np.std(s.to_numpy()) == pytest.approx(EXCEL_STDEV_P, abs=1e-8)  # numpy's default


def test_worked_example_in_the_notebook_is_right(unit03_text):
    # 3, 5, 6, 8, 58 minutes: the numbers the text of sections 1 and 2 works by hand.
    assert "3, 5, 6, 8, **58** 分" in unit03_text
    x = [3, 5, 6, 8, 58]
    mean = sum(x) / len(x)
    squares = sum((v - mean) ** 2 for v in x)
    assert f"(3 + 5 + 6 + 8 + 58) ÷ 5 = {sum(x)} ÷ 5 | **{mean:g}分**" in unit03_text
    assert f"並べて3番目 | **{sorted(x)[2]}分**" in unit03_text
    for divisor in (5, 4):
        variance = squares / divisor
        shown = f"{squares:,.0f} ÷ {divisor} = {variance:g} | {math.sqrt(variance):.2f}"
        assert shown in unit03_text, shown


def test_finance_section_variance_by_hand(overtime):
    values = _column("overtime_hours", "残業時間", lambda r: r["所属"] == "財政課")
    n = len(values)
    mean = sum(values) / n
    ss = sum((v - mean) ** 2 for v in values)
    finance = overtime.loc[overtime["所属"] == "財政課", "残業時間"]
    assert finance.var() == pytest.approx(ss / (n - 1), rel=1e-12)
    assert finance.std(ddof=0) == pytest.approx(math.sqrt(ss / n), rel=1e-12)


# ---------------------------------------------------------------- distribution / outliers


def test_frequency_table_boundaries(overtime, hours):
    freq = pd.cut(overtime["残業時間"], bins=range(0, 150, 10), right=False).value_counts(
        sort=False
    )
    by_hand = [0] * 14
    for v in hours:
        by_hand[math.floor(v / 10)] += 1
    assert freq.tolist() == by_hand
    # With pandas' default right=True the zero-hour staff fall out of every class.
    default = pd.cut(overtime["残業時間"], bins=range(0, 150, 10)).value_counts()
    assert default.sum() == sum(v > 0 for v in hours) < len(hours)


def test_iqr_fences_by_sorting(overtime, hours):
    q1, q3 = _quantile_inc(hours, 0.25), _quantile_inc(hours, 0.75)
    assert overtime["残業時間"].quantile(0.25) == pytest.approx(q1)
    assert overtime["残業時間"].quantile(0.75) == pytest.approx(q3)
    fence = q3 + 1.5 * (q3 - q1)
    flagged = overtime[overtime["残業時間"] > fence]
    assert len(flagged) == sum(v > fence for v in hours)
    # Text: most flagged staff are 財政課, and the two largest values are 防災課.
    assert flagged["所属"].value_counts().index[0] == "財政課"
    top = overtime.sort_values("残業時間", ascending=False).head(2)
    assert set(top["所属"]) == {"防災課"}
    # mean + 2 SD is a different (non-robust) rule: the wrong answer must differ.
    h = overtime["残業時間"]
    assert not math.isclose(h.mean() + 2 * h.std(), fence)


def test_outage_day_drives_the_longest_passport_waits():
    wait = datasets.load("counter_wait_times")
    passport = wait[wait["窓口"] == "旅券申請"].sort_values("待ち時間", ascending=False)
    assert (passport.head(5)["受付日"] == "2024-05-21").all()
    by_day = wait.groupby("受付日")["待ち時間"].agg(["mean", "median"])
    assert by_day.loc["2024-05-21", "mean"] > 1.8 * by_day.drop("2024-05-21")["mean"].max()


# ---------------------------------------------------------------- correlation


@pytest.mark.parametrize(("x", "y"), [("図書館数", "刑法犯認知件数"), ("保育所数", "救急出動件数")])
def test_pearson_from_definition_and_confounding(towns, x, y):
    xs = [float(v) for v in _column("municipal_indicators", x)]
    ys = [float(v) for v in _column("municipal_indicators", y)]
    people = [float(v) for v in _column("municipal_indicators", "人口")]
    raw = _pearson(xs, ys)
    per_capita = _pearson(
        [a / p for a, p in zip(xs, people, strict=True)],
        [b / p for b, p in zip(ys, people, strict=True)],
    )
    assert towns[x].corr(towns[y]) == pytest.approx(raw, rel=1e-9)
    assert towns[[x, y]].corr().iloc[0, 1] == pytest.approx(raw, rel=1e-9)
    assert np.corrcoef(xs, ys)[0, 1] == pytest.approx(raw, rel=1e-9)
    rate_x = towns[x] / towns["人口"] * 10_000
    rate_y = towns[y] / towns["人口"] * 10_000
    assert rate_x.corr(rate_y) == pytest.approx(per_capita, rel=1e-9)  # scale-free
    # The confounded story the notebook tells: strong raw, gone per person.
    assert raw > 0.8 and abs(per_capita) < 0.35


def test_model_answer_numbers_for_the_library_question(towns):
    r_raw = towns["図書館数"].corr(towns["刑法犯認知件数"])
    rates = towns[["図書館数", "刑法犯認知件数"]].div(towns["人口"], axis=0)
    assert round(r_raw, 2) == 0.84
    assert round(rates.corr().iloc[0, 1], 2) == -0.29


# ---------------------------------------------------------------- sampling and intervals


def test_standard_error_of_the_mean_by_simulation(overtime):
    population = overtime["残業時間"].dropna().to_numpy()
    sigma = math.sqrt(sum((v - population.mean()) ** 2 for v in population) / len(population))
    rng = np.random.default_rng(2024)
    means = [rng.choice(population, size=30, replace=False).mean() for _ in range(1000)]
    fpc = math.sqrt((len(population) - 30) / (len(population) - 1))
    assert np.std(means, ddof=1) == pytest.approx(sigma / math.sqrt(30) * fpc, rel=0.08)
    assert np.mean(means) == pytest.approx(population.mean(), abs=0.3)


def _sample40(overtime) -> pd.Series:
    population = overtime["残業時間"].dropna()
    return population.sample(n=40, random_state=np.random.default_rng(7))


def test_t_interval_by_hand_formula(overtime):
    sample = _sample40(overtime)
    x = [float(v) for v in sample]
    n = len(x)
    mean = sum(x) / n
    s = math.sqrt(sum((v - mean) ** 2 for v in x) / (n - 1))
    t = stats.t.ppf(0.975, n - 1)
    low, high = mean - t * s / math.sqrt(n), mean + t * s / math.sqrt(n)
    assert stats.t.interval(0.95, df=n - 1, loc=sample.mean(), scale=sample.sem()) == (
        pytest.approx(low, rel=1e-12),
        pytest.approx(high, rel=1e-12),
    )
    # Excel's CONFIDENCE.T(0.05, s, n) is the half-width; T.INV.2T(0.05, 39) = t.
    assert t == pytest.approx(2.0227, abs=5e-5)  # printed t tables: 2.0227
    # Numbers quoted in the model answer, and the population mean lies inside.
    assert (round(low, 1), round(high, 1)) == (8.8, 17.4)
    assert low <= overtime["残業時間"].mean() <= high


def _bootstrap_medians(sample: pd.Series, seed: int, draws: int = 5000) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return np.array([np.median(rng.choice(sample, size=len(sample))) for _ in range(draws)])


def test_bootstrap_interval_is_reproducible_and_matches_hand_percentiles(overtime):
    sample = _sample40(overtime)
    first = _bootstrap_medians(sample, seed=0)
    second = _bootstrap_medians(sample, seed=0)
    assert np.array_equal(first, second)  # same seed, same interval
    assert not np.array_equal(first, _bootstrap_medians(sample, seed=1))
    # Loop and one-shot draws give the same resamples, so both ways of writing it pass.
    rng = np.random.default_rng(0)
    block = rng.choice(sample.to_numpy(), size=(5000, 40), replace=True)
    assert np.array_equal(np.median(block, axis=1), first)
    low, high = np.percentile(first, [2.5, 97.5])
    assert low == pytest.approx(_quantile_inc(list(first), 0.025), rel=1e-12)
    assert high == pytest.approx(_quantile_inc(list(first), 0.975), rel=1e-12)
    assert (low, high) == (pytest.approx(8.25), pytest.approx(13.75))  # quoted in the model answer
    assert low <= overtime["残業時間"].median() <= high


def test_nile_is_the_real_series_and_its_interval():
    from statsmodels.datasets import nile

    flow = nile.load_pandas().data
    assert len(flow) == 100 and flow["year"].iloc[0] == 1871 and flow["volume"].iloc[0] == 1120
    later = flow.loc[flow["year"] >= 1899, "volume"]
    earlier = flow.loc[flow["year"] <= 1897, "volume"]
    n = len(later)
    mean = float(later.sum()) / n
    s = math.sqrt(float(((later - mean) ** 2).sum()) / (n - 1))
    half = stats.t.ppf(0.975, n - 1) * s / math.sqrt(n)
    assert (round(mean - half, 1), round(mean + half, 1)) == (820.7, 879.3)
    assert earlier.mean() > mean + half + 200  # "ずっと上" in the notebook
