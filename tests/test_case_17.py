"""Independent checks of what case unit 17 (救急搬送の時間短縮の効果検証) teaches, and of its data.

- Difference in differences of medians, by hand on a tiny table whose medians are read off
  by eye, and with ``statistics.median`` (not pandas, which the notebook uses).
- A noise-free panel (the generator's population medians) gives the planted effect back
  exactly: by the difference in differences of the monthly medians, and by an interrupted
  time series with a trend and month dummies solved from the normal equations; without
  month dummies, or without the comparison area, the answer is wrong (negative controls).
- The hand OLS standard error and t-quantile interval equal statsmodels' ``conf_int``.
- The generator plants what the unit's story needs, for several seeds: a noise median of
  exactly zero (half the records below the population median), right skew (mean > median),
  fewer 4+ inquiries after go-live in the 東部 area only, blanks, determinism.
- The numbers the notebook's model answers quote hold for the default seed.
"""

from __future__ import annotations

import csv
import filecmp
import statistics

import numpy as np
import pandas as pd
import pytest
import statsmodels.formula.api as smf
from scipy import stats

from workbench import datasets
from workbench.datasets import emergency_transport as et

MONTH_KEYS = [str(m) for m in et.MONTHS]  # "2021-07", …


def _did(cells) -> float:
    """(treated after − treated before) − (comparison after − comparison before)."""
    return (cells[1, 1] - cells[1, 0]) - (cells[0, 1] - cells[0, 0])


def _its_design(keys, month_dummies=True):
    columns = [np.ones(len(keys)), np.arange(len(keys)), [float(k >= "2023-10") for k in keys]]
    if month_dummies:
        for month in range(2, 13):
            columns.append([float(int(k[5:7]) == month) for k in keys])
    return np.column_stack(columns)


def _ols(X, y):
    return np.linalg.solve(X.T @ X, X.T @ y)


def _rows(folder):
    with open(folder / "emergency_transport.csv", encoding="cp932", newline="") as handle:
        return list(csv.DictReader(handle))


def _stays(rows, east, post):
    return [
        float(r["現場滞在時間"])
        for r in rows
        if r["現場滞在時間"] != ""
        and (r["医療圏"] == et.TREATED) == east
        and (r["覚知日"] >= et.START) == post
    ]


@pytest.fixture(scope="module")
def small_rows():
    return _rows(datasets.build("emergency_transport", "small"))


# ----------------------------------------------------------- DiD of medians by hand


def test_did_of_medians_by_hand_on_a_tiny_table():
    # Five records per cell; the medians are the middle values: 20, 17, 22, 23.
    table = {
        (1, 0): [15, 18, 20, 26, 60],
        (1, 1): [12, 16, 17, 21, 55],
        (0, 0): [16, 19, 22, 25, 40],
        (0, 1): [18, 20, 23, 27, 90],
    }
    medians = {cell: statistics.median(values) for cell, values in table.items()}
    assert medians == {(1, 0): 20, (1, 1): 17, (0, 0): 22, (0, 1): 23}
    assert _did(medians) == (17 - 20) - (23 - 22) == -4
    # Negative control: the long tails make the DiD of means a different number.
    means = {cell: sum(values) / len(values) for cell, values in table.items()}
    assert _did(means) == pytest.approx((24.2 - 27.8) - (35.6 - 24.4))
    assert _did(means) != pytest.approx(-4)
    # pandas' groupby-median-unstack (what the notebook teaches) agrees with the hand table.
    frame = pd.DataFrame(
        [(t, p, v) for (t, p), values in table.items() for v in values], columns=["導入", "後", "y"]
    )
    pivot = frame.groupby(["導入", "後"])["y"].median().unstack()
    assert (pivot.loc[1, 1] - pivot.loc[1, 0]) - (pivot.loc[0, 1] - pivot.loc[0, 0]) == -4


# ------------------------------------------------------------------ noise-free panel


def _expected(area):
    return np.array([et.expected_median(area, m) for m in et.MONTHS])


def test_noise_free_panel_recovers_the_effect_by_did_and_by_its():
    east, west = _expected(et.TREATED), _expected(et.CONTROL)
    post = np.array([k >= "2023-10" for k in MONTH_KEYS])
    cells = {
        (1, 0): east[~post].mean(),
        (1, 1): east[post].mean(),
        (0, 0): west[~post].mean(),
        (0, 1): west[post].mean(),
    }
    assert _did(cells) == pytest.approx(et.EFFECT, abs=1e-12)
    beta = _ols(_its_design(MONTH_KEYS), east)
    assert beta[2] == pytest.approx(et.EFFECT, abs=1e-9)
    assert beta[1] == pytest.approx(et.TREND, abs=1e-9)
    # Negative controls: what the unit warns against gets the effect wrong.
    before_after = cells[1, 1] - cells[1, 0]
    assert before_after > et.EFFECT + 0.8, "common lengthening and more winter hide part of it"
    no_season = _ols(_its_design(MONTH_KEYS, month_dummies=False), east)[2]
    assert abs(no_season - et.EFFECT) > 0.2


def test_hand_its_interval_equals_statsmodels(small_rows):
    by_month: dict[str, list[float]] = {}
    for r in small_rows:
        if r["現場滞在時間"] != "" and r["医療圏"] == et.TREATED:
            by_month.setdefault(r["覚知日"][:7], []).append(float(r["現場滞在時間"]))
    keys = sorted(by_month)
    y = np.array([statistics.median(by_month[k]) for k in keys])
    X = _its_design(keys)
    beta = _ols(X, y)
    resid = y - X @ beta
    df = len(y) - X.shape[1]
    se = np.sqrt(resid @ resid / df * np.linalg.inv(X.T @ X)[2, 2])
    q = stats.t.ppf(0.975, df)
    frame = pd.DataFrame(
        {
            "中央値": y,
            "t": range(len(keys)),
            "月": [int(k[5:7]) for k in keys],
            "後": [int(k >= "2023-10") for k in keys],
        }
    )
    fit = smf.ols("中央値 ~ t + 後 + C(月)", data=frame).fit()
    assert fit.params["後"] == pytest.approx(beta[2], abs=1e-9)
    low, high = fit.conf_int().loc["後"]
    assert (low, high) == pytest.approx((beta[2] - q * se, beta[2] + q * se), abs=1e-9)


# ------------------------------------------------------------------ generator design


@pytest.mark.parametrize("seed", [1, 8, 2024])
def test_generator_plants_median_zero_skewed_noise_and_the_effects(seed):
    records = et.simulate("small", seed)
    month = records["覚知日"].str[:7]
    expected = [
        et.expected_median(area, pd.Period(m, "M"))
        for area, m in zip(records["医療圏"], month, strict=True)
    ]
    below = (records["現場滞在時間"].to_numpy() < np.array(expected)).mean()
    assert 0.47 < below < 0.53, "noise has median zero: half the records below the median"
    assert records["現場滞在時間"].mean() > records["現場滞在時間"].median() + 0.5
    assert records["現場滞在時間"].min() >= 3
    post = records["覚知日"] >= et.START
    four = records["照会回数"] >= 4
    east = records["医療圏"] == et.TREATED
    assert four[east & ~post].mean() - four[east & post].mean() > 0.02
    assert abs(four[~east & ~post].mean() - four[~east & post].mean()) < 0.03
    winter = month.str[5:7].isin(["12", "01", "02"])
    assert four[winter & ~post].mean() > four[~winter & ~post].mean()
    assert records["照会回数"].min() == 1
    assert set(records["医療圏"]) == {et.TREATED, et.CONTROL}
    assert 3500 < len(records) < 4800


def test_full_size_recovers_the_effect_on_pooled_medians(tmp_path):
    rows = _rows(datasets.build("emergency_transport", "full", seed=3, out_dir=tmp_path / "f"))
    assert len(rows) > 100_000
    cells = {
        (t, p): statistics.median(_stays(rows, bool(t), bool(p))) for t in (0, 1) for p in (0, 1)
    }
    assert _did(cells) == pytest.approx(et.EFFECT, abs=0.3)


def test_file_has_blanks_cp932_and_crlf(small_rows):
    folder = datasets.build("emergency_transport", "small")
    raw = (folder / "emergency_transport.csv").read_bytes()
    assert b"\r\n" in raw
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    blanks = sum(r["現場滞在時間"] == "" for r in small_rows)
    assert 0.005 < blanks / len(small_rows) < 0.03
    assert list(small_rows[0]) == [
        "事案番号",
        "覚知日",
        "医療圏",
        "傷病程度",
        "現場滞在時間",
        "照会回数",
    ]
    dates = [r["覚知日"] for r in small_rows]
    assert dates == sorted(dates) and dates[0] >= "2021-07-01" and dates[-1] <= "2024-06-30"


def test_same_seed_same_bytes_and_seed_matters(tmp_path):
    a = datasets.build("emergency_transport", "small", seed=5, out_dir=tmp_path / "a")
    b = datasets.build("emergency_transport", "small", seed=5, out_dir=tmp_path / "b")
    c = datasets.build("emergency_transport", "small", seed=6, out_dir=tmp_path / "c")
    names = ["emergency_transport.csv"]
    assert filecmp.cmpfiles(a, b, names, shallow=False)[0] == names
    assert (a / names[0]).read_bytes() != (c / names[0]).read_bytes()


# ------------------------------------------------- the numbers the notebook's text quotes


def test_course_data_tells_the_story_the_model_answers_quote(small_rows):
    med = {(t, p): statistics.median(_stays(small_rows, t, p)) for t in (0, 1) for p in (0, 1)}
    assert med == {(1, 0): 20.5, (1, 1): 17.8, (0, 0): 22.5, (0, 1): 23.8}
    assert round(_did(med), 1) == -4.0 and round(med[1, 1] - med[1, 0], 1) == -2.7
    mean = {(t, p): statistics.fmean(_stays(small_rows, t, p)) for t in (0, 1) for p in (0, 1)}
    assert round(mean[1, 1] - mean[1, 0], 1) == -2.6

    def share(t, p):
        counts = [
            int(r["照会回数"])
            for r in small_rows
            if r["現場滞在時間"] != ""
            and (r["医療圏"] == et.TREATED) == t
            and (r["覚知日"] >= et.START) == p
        ]
        return 100 * sum(c >= 4 for c in counts) / len(counts)

    shares = {(t, p): share(t, p) for t in (0, 1) for p in (0, 1)}
    assert round(_did(shares), 1) == -5.4
    assert round(shares[1, 0]) == 8
