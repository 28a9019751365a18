"""Independent checks of what case unit 13 (河川水位の予測) teaches, and of its data.

RMSE and NSE are checked against hand-computed values and their defining properties
(perfect forecast, observed-mean forecast); the hour-ending "24:00" parsing the unit
teaches is checked against plain ``datetime`` arithmetic at month end, leap day and
year end; the regression is recomputed from the normal equations. The claims the
notebook and the data card make about ``river_gauges`` (markers, glitches, lag of the
peaks, model against persistence) are tested here, so a generator change that would
make the text wrong fails a test.
"""

from __future__ import annotations

import csv
import datetime as dt
import filecmp
import math
from pathlib import Path

import nbformat
import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from workbench import datasets
from workbench.datasets import river_gauges

ALERT = 2.30
UNIT = Path(__file__).resolve().parents[1] / "courses" / "13_case_river_level"
THIESSEN = {"okuyama": 0.45, "nakano": 0.35, "shimokawa": 0.20}
FEATURES = ["水位", "水位_1h前", "水位_2h前", "上流水位", "流域雨量", "雨量_3h計", "雨量_6h計"]


def rmse(obs, pred) -> float:
    obs, pred = np.asarray(obs, float), np.asarray(pred, float)
    return float(np.sqrt(np.mean((obs - pred) ** 2)))


def nse(obs, pred) -> float:
    obs, pred = np.asarray(obs, float), np.asarray(pred, float)
    return float(1 - np.sum((obs - pred) ** 2) / np.sum((obs - obs.mean()) ** 2))


# ---------------------------------------------------------------- metrics
def test_rmse_hand_example():
    # errors -0.1, 0.2, 0.4, -0.1: squares 0.01 + 0.04 + 0.16 + 0.01 = 0.22, mean 0.055
    obs = [0.5, 1.0, 2.0, 1.5]
    pred = [0.6, 0.8, 1.6, 1.6]
    assert rmse(obs, pred) == pytest.approx(math.sqrt(0.055), abs=1e-12)
    assert rmse(obs, pred) == pytest.approx(0.234520787991, abs=1e-9)
    assert rmse([1, 2, 3], [3, 4, 5]) == pytest.approx(2.0)  # a constant error of 2 m


def test_nse_perfect_mean_and_hand_example():
    obs = np.array([0.5, 1.0, 2.0, 1.5])
    assert nse(obs, obs) == 1.0
    assert nse(obs, np.full(4, obs.mean())) == pytest.approx(0.0, abs=1e-12)
    # SSE 0.22; deviations from the mean 1.25 are ±0.75, ±0.25: SST 1.25
    assert nse(obs, [0.6, 0.8, 1.6, 1.6]) == pytest.approx(1 - 0.22 / 1.25, abs=1e-12)
    assert nse(obs, [0.6, 0.8, 1.6, 1.6]) == pytest.approx(0.824, abs=1e-12)
    assert nse(obs, np.full(4, 3.0)) < 0  # worse than the mean


def test_nse_is_not_r_squared():
    obs = np.array([1.0, 2.0, 3.0, 4.0])
    biased = obs + 1.0
    assert np.corrcoef(obs, biased)[0, 1] ** 2 == pytest.approx(1.0)
    assert nse(obs, biased) == pytest.approx(1 - 4 / 5)  # SSE 4, SST 5


# ---------------------------------------------------------------- 24:00
def _hour_ending(dates: list[str], times: list[str]) -> pd.DatetimeIndex:
    """The unit's method: date + hours, so "24:00" becomes the next day's 00:00."""
    hours = pd.Series(times).str[:2].astype(int)
    return pd.DatetimeIndex(
        pd.to_datetime(pd.Series(dates), format="%Y/%m/%d") + pd.to_timedelta(hours, unit="h")
    )


@pytest.mark.parametrize(
    ("date", "time", "expected"),
    [
        ("2024/03/31", "24:00", dt.datetime(2024, 4, 1, 0, 0)),
        ("2024/02/28", "24:00", dt.datetime(2024, 2, 29, 0, 0)),
        ("2024/02/29", "24:00", dt.datetime(2024, 3, 1, 0, 0)),
        ("2023/02/28", "24:00", dt.datetime(2023, 3, 1, 0, 0)),
        ("2024/12/31", "24:00", dt.datetime(2025, 1, 1, 0, 0)),
        ("2024/12/31", "01:00", dt.datetime(2024, 12, 31, 1, 0)),
        ("2024/06/15", "23:00", dt.datetime(2024, 6, 15, 23, 0)),
    ],
)
def test_hour_ending_parser(date, time, expected):
    assert _hour_ending([date], [time])[0] == pd.Timestamp(expected)
    ref = dt.datetime.strptime(date, "%Y/%m/%d") + dt.timedelta(hours=int(time[:2]))
    assert ref == expected


def test_pandas_cannot_parse_24_00_directly():
    with pytest.raises(ValueError):
        pd.to_datetime("2024/03/31 24:00")
    assert pd.isna(pd.to_datetime(pd.Series(["2024/03/31 24:00"]), errors="coerce")[0])


# ---------------------------------------------------------------- data
def _rows(folder, name):
    with open(folder / name, encoding="cp932", newline="") as f:
        return list(csv.reader(f))


def _value(text: str) -> float:
    text = text.strip().rstrip("*")
    return math.nan if text in {"$", "#", "-"} else float(text)


def _level(folder, name) -> pd.Series:
    rows = _rows(folder, name)[river_gauges.HEADER_LINES + 1 :]
    index = _hour_ending([r[0] for r in rows], [r[1] for r in rows])
    return pd.Series([_value(r[2]) for r in rows], index=index)


def _rain(folder, name) -> pd.Series:
    rows = _rows(folder, name)[river_gauges.HEADER_LINES + 1 :]
    stamps, values = [], []
    for row in rows:
        day = dt.datetime.strptime(row[0], "%Y/%m/%d")
        for hour, text in enumerate(row[1:], start=1):
            stamps.append(day + dt.timedelta(hours=hour))
            values.append(_value(text))
    return pd.Series(values, index=pd.DatetimeIndex(stamps))


@pytest.fixture(scope="module")
def small():
    return datasets.build("river_gauges", "small")


@pytest.fixture(scope="module")
def hourly(small):
    rain = pd.DataFrame({k: _rain(small, f"rain_{k}.csv") for k in THIESSEN})
    basin = rain @ pd.Series(THIESSEN)
    level = _level(small, "level_sakurabashi.csv")
    up = _level(small, "level_takiguchi.csv")
    return pd.DataFrame(
        {"水位": level.mask(_spikes(level)), "上流水位": up.mask(_spikes(up)), "流域雨量": basin}
    )


def _spikes(level: pd.Series) -> pd.Series:
    return ((level - level.shift(1)) >= 1.0) & ((level - level.shift(-1)) >= 1.0)


def test_files_are_cp932_with_header_lines_and_24_00(small):
    raw = (small / "level_sakurabashi.csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    text = raw.decode("cp932")
    assert "\r\n" in text and "観測所名,桜橋" in text and "水系名," in text and "河川名," in text
    lines = text.split("\r\n")
    assert lines[river_gauges.HEADER_LINES] == "年月日,時刻,水位"
    assert "2024/12/31,24:00," in text and "2024/02/29,24:00," in text
    rain_lines = (small / "rain_okuyama.csv").read_bytes().decode("cp932").split("\r\n")
    assert rain_lines[river_gauges.HEADER_LINES].endswith(",24時")
    assert rain_lines[river_gauges.HEADER_LINES + 1].split(",")[1].startswith("   ")  # padded


def test_markers_are_present_as_documented(small):
    level = [r[2] for r in _rows(small, "level_sakurabashi.csv")[10:]]
    rain = [v for r in _rows(small, "rain_shimokawa.csv")[10:] for v in r[1:]]
    assert sum(v.strip() == "$" for v in level) >= 8
    assert sum(v.strip() == "#" for v in level) == 72
    assert sum(v.strip() == "-" for v in rain) == 72
    assert sum(v.endswith("*") for v in level) == 24 * 61
    assert all(v.strip() == "-" for v in rain[-72:])


def test_parsed_index_is_regular_hourly(small):
    level = _level(small, "level_sakurabashi.csv")
    assert level.index[0] == pd.Timestamp("2022-01-01 01:00")
    assert level.index[-1] == pd.Timestamp("2025-01-01 00:00")
    steps = level.index[1:] - level.index[:-1]
    assert level.index.is_unique and (steps == pd.Timedelta(hours=1)).all()
    rain = _rain(small, "rain_okuyama.csv")
    assert rain.index.equals(level.index)


def test_spike_rule_finds_planted_glitches_and_keeps_real_rises(small):
    level = _level(small, "level_sakurabashi.csv")
    spikes = level.index[_spikes(level)]
    assert len(spikes) == 2
    assert (spikes < pd.Timestamp("2024-01-01")).sum() == 1  # one in training, one in test
    assert (level[spikes] - level.shift(1)[spikes]).between(1.5, 2.6).all()
    # Real rises of 1 m or more exist and the two-sided rule keeps them (the one-sided
    # rule the unit warns about would remove them).
    real = (level.diff() >= 1.0) & (level.shift(-1) >= level)
    assert real.sum() >= 1 and not (real & _spikes(level)).any()
    assert level.mask(_spikes(level)).max() > 3.3  # real floods above 氾濫危険水位 remain
    up = _level(small, "level_takiguchi.csv")
    assert _spikes(up).sum() == 1


def test_peaks_follow_rain_by_a_few_hours(hourly):
    data = hourly.dropna()

    def best_lag(column):
        corr = [data["流域雨量"].corr(data[column].diff().shift(-k)) for k in range(0, 9)]
        return int(np.argmax(corr))

    lag_down, lag_up = best_lag("水位"), best_lag("上流水位")
    assert 1 <= lag_down <= 4 and 0 <= lag_up <= 2 and lag_down > lag_up
    # Event peaks: the level peak comes 2–6 h after the peak of the 6-hour basin rain.
    rain6 = data["流域雨量"].rolling(6).sum()
    top = data["水位"].idxmax()
    rain_peak = rain6.loc[top - pd.Timedelta(hours=24) : top].idxmax() - pd.Timedelta(hours=3)
    assert pd.Timedelta(hours=1) <= top - rain_peak <= pd.Timedelta(hours=8)


def test_magnitudes(hourly):
    level = hourly["水位"]
    assert 0.2 < level.median() < 0.7
    yearly = level.groupby(level.index.year).max().loc[2022:2024]
    assert (yearly > ALERT).all() and (yearly < 6).all()
    crossings = ((level >= ALERT).astype(int).diff() == 1).groupby(level.index.year).sum()
    assert crossings.loc[2024] >= 3  # enough floods in the test year to evaluate peaks


def test_same_seed_same_bytes_and_seed_matters(tmp_path):
    first = datasets.build("river_gauges", "small", seed=11, out_dir=tmp_path / "a")
    second = datasets.build("river_gauges", "small", seed=11, out_dir=tmp_path / "b")
    other = datasets.build("river_gauges", "small", seed=12, out_dir=tmp_path / "c")
    names = sorted(p.name for p in first.iterdir() if not p.name.startswith("."))
    match, mismatch, errors = filecmp.cmpfiles(first, second, names, shallow=False)
    assert len(match) == 6 and not mismatch and not errors
    name = "level_sakurabashi.csv"
    assert (first / name).read_bytes() != (other / name).read_bytes()


# ---------------------------------------------------------------- the unit's results
def _features(hourly: pd.DataFrame) -> pd.DataFrame:
    level, rain = hourly["水位"], hourly["流域雨量"]
    return pd.DataFrame(
        {
            "水位": level,
            "水位_1h前": level.shift(1),
            "水位_2h前": level.shift(2),
            "上流水位": hourly["上流水位"],
            "流域雨量": rain,
            "雨量_3h計": rain.rolling(3).sum(),
            "雨量_6h計": rain.rolling(6).sum(),
        }
    )


def _forecast(hourly, h):
    data = _features(hourly).assign(目標=hourly["水位"].shift(-h)).dropna()
    train = data[data.index < "2024-01-01"]
    test = data[data.index >= "2024-01-01"]
    x = np.column_stack([np.ones(len(train)), train[FEATURES].to_numpy()])
    beta = np.linalg.solve(x.T @ x, x.T @ train["目標"].to_numpy())
    pred = np.column_stack([np.ones(len(test)), test[FEATURES].to_numpy()]) @ beta
    fit = sm.OLS(train["目標"], sm.add_constant(train[FEATURES])).fit()
    assert np.allclose(fit.params.to_numpy(), beta, rtol=1e-6, atol=1e-9)
    lstsq = np.linalg.lstsq(x, train["目標"].to_numpy(), rcond=None)[0]
    assert np.allclose(lstsq, beta, rtol=1e-6, atol=1e-9)
    return test, pred


def test_model_against_persistence_as_the_notebook_says(hourly):
    table = {}
    for h in range(1, 7):
        test, pred = _forecast(hourly, h)
        obs = test["目標"].to_numpy()
        persist = test["水位"]
        table[h] = (rmse(obs, pred), rmse(obs, persist), nse(obs, pred), nse(obs, persist))
    skill = pd.DataFrame(table, index=["rm", "rp", "nm", "np"]).T
    assert (skill["rm"] < skill["rp"]).all()  # the model beats persistence at every horizon
    assert skill["np"][1] > 0.95  # yet persistence alone has NSE > 0.95 at 1 h
    assert skill["rp"].is_monotonic_increasing and skill["rm"].is_monotonic_increasing
    assert skill["nm"][6] >= 0.7 > skill["np"][6]  # usable at 6 h only with the model
    test, pred = _forecast(hourly, 3)
    high = test["目標"].to_numpy() >= ALERT
    assert high.sum() >= 20
    peak_model = rmse(test["目標"].to_numpy()[high], pred[high])
    peak_persist = rmse(test["目標"].to_numpy()[high], test["水位"].to_numpy()[high])
    assert peak_model < peak_persist
    assert peak_model > 3 * rmse(test["目標"], pred)  # floods are much harder than the average


def _floods(above: pd.Series, gap_hours: int = 24) -> int:
    """Exceedance episodes, one flood when the level dips below for less than a day."""
    times = above[above].index
    if len(times) == 0:
        return 0
    return 1 + int((times.to_series().diff() > pd.Timedelta(hours=gap_hours)).sum())


def test_floods_merge_short_dips_and_count_separate_events():
    index = pd.date_range("2024-07-01", periods=120, freq="h")
    above = pd.Series(False, index=index)
    above.iloc[[10, 11, 14, 15, 100]] = True  # a dip of two hours, then a new flood
    assert _floods(above) == 2 and _floods(above, gap_hours=1) == 3
    assert _floods(pd.Series(False, index=index)) == 0


def test_high_water_evaluation_and_recommendation_as_the_notebook_says(small, hourly):
    """Bias at high water and hits/misses/false alarms at 避難判断・氾濫危険水位, from scratch.

    The model answer's recommendation must rest on these numbers and on how few floods the
    test year holds: with two floods above 避難判断水位 it cannot claim evacuation use.
    """
    gauges = pd.read_csv(small / "stations.csv", encoding="cp932").set_index("観測所記号")
    evacuate, danger = gauges.loc["SKL02", ["避難判断水位", "氾濫危険水位"]].astype(float)
    assert gauges.loc["SKL02", "氾濫注意水位"] == ALERT
    test, pred = _forecast(hourly, 3)
    obs, pred = test["目標"], pd.Series(pred, index=test.index)
    high = obs >= ALERT
    bias = float((pred - obs)[high].mean())
    peak = obs.idxmax()
    assert bias < 0  # low at high water: not on the safe side
    counts = {}
    for name, level in [("避難判断", evacuate), ("氾濫危険", danger)]:
        above, said = obs >= level, pred >= level
        counts[name] = (int((above & said).sum()), int((above & ~said).sum()), _floods(above))
    assert counts["避難判断"][1] > 0 and counts["氾濫危険"][1] > 0  # misses at both levels
    assert counts["避難判断"][2] == 2 and counts["氾濫危険"][2] == 1

    answer = next(
        c.source
        for path in sorted(UNIT.glob("13*.ipynb"))
        for c in nbformat.read(path, as_version=4).cells
        if c.metadata.get("nbgrader", {}).get("grade_id") == "ex10_written"
    )
    for quoted in [
        f"氾濫注意水位以上の{int(high.sum())}時間",
        f"平均{-bias:.2f} m 低め",
        f"ピーク{obs[peak]:.2f} m を3時間前に{pred[peak]:.2f} m",
        f"避難判断水位を超えた出水はテスト期間に{counts['避難判断'][2]}回",
        f"{counts['氾濫危険'][2]}回の洪水だけ",
        "避難判断には使わない",
    ]:
        assert quoted in answer, quoted
