"""桜川の雨量・水位 (synthetic): hourly rain and water level of a prefecture-managed river.

Imitates what a prefectural river office downloads from a hydrology database in the
国交省 水文水質DB style, for a fictional 二級河川「桜川」of さくら県:

- three rain gauges (``rain_*.csv``): a 日表, one row per day with hour-ending columns
  ``1時`` … ``24時`` (mm/h);
- two level gauges (``level_*.csv``): one row per hour, ``年月日`` and hour-ending
  ``時刻`` "01:00" … "24:00" (pandas cannot parse "24:00": date + hours is the fix);
- ``stations.csv``: the station register with the 基準水位 (水防団待機・氾濫注意・避難判断・
  氾濫危険) and the Thiessen weights of the rain gauges.

Every data file is cp932 with CRLF, starts with metadata lines (観測所名, 観測所記号,
水系名, 河川名 …) above the header, pads values with spaces and marks missing values
with the symbols listed in ``MARKERS``. Levels come from a documented rainfall–runoff
model (antecedent-wetness runoff coefficient, Nash cascades for quick flow, a linear
reservoir for baseflow, a square-root rating curve), so peaks follow basin rain by a few
hours, as on small rivers (REFERENCE.md §C).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from scipy.signal import lfilter

from workbench.datasets.registry import DataFile, Dataset, register

SIZES = {"small": (2022, 2024), "full": (2015, 2024)}  # first and last calendar year
HEADER_LINES = 9  # metadata lines above the column header in every gauge file

# Marker symbols (this workbench's convention, modelled on the DB's 欠測/閉局/暫定値 notes).
MARKERS = {"$": "欠測", "#": "閉局", "-": "未登録", "*": "暫定値（数値の後ろに付く）"}

# code, file, name (reading), location, orographic factor, Thiessen weight (whole basin),
# weight for the upstream sub-basin of 滝口橋
RAIN_GAUGES = [
    ("SKR01", "rain_okuyama.csv", "奥山（おくやま）", "さくら県青葉市奥山", 1.30, 0.45, 0.70),
    ("SKR02", "rain_nakano.csv", "中野（なかの）", "さくら県青葉市中野", 1.00, 0.35, 0.30),
    ("SKR03", "rain_shimokawa.csv", "下川（しもかわ）", "さくら県港南市下川", 0.85, 0.20, 0.00),
]
# code, file, name, location, area km², Nash n, k (h), travel delay (h), zero-flow level
# H0 (m), rating K, then 水防団待機水位, 氾濫注意水位, 避難判断水位, 氾濫危険水位 (m)
LEVEL_GAUGES = [
    (
        "SKL01",
        "level_takiguchi.csv",
        "滝口橋（たきぐちばし）",
        "さくら県青葉市滝口",
        24.0,
        2,
        1.0,
        0,
        0.10,
        12.0,
        1.40,
        1.80,
        2.30,
        2.70,
    ),
    (
        "SKL02",
        "level_sakurabashi.csv",
        "桜橋（さくらばし）",
        "さくら県港南市桜町",
        62.0,
        3,
        1.2,
        1,
        0.20,
        18.0,
        1.80,
        2.30,
        2.90,
        3.30,
    ),
]
UNGAUGED_OROGRAPHY = 1.10
UNGAUGED_SHARE = 0.35  # share of the basin's rain input not represented by any gauge
GAUGE_JITTER = 0.35  # hour-to-hour log-sd of a gauge's catch around the storm profile
SPIKE_JUMP = 1.0  # the notebook's glitch rule: a lone hour > 1 m away from both neighbours


def _storms(rng: np.random.Generator, hours: pd.DatetimeIndex) -> np.ndarray:
    """Storm rain (mm/h), unrounded, at the three gauges and at an ungauged basin point.

    Fronts, 梅雨, summer showers and typhoons start at seasonal rates; each storm has a
    random duration, depth and hyetograph, and every hour a gauge catches the storm with
    its own multiplicative error, so gauges are a noisy picture of the basin's rain.
    """
    n = len(hours)
    sites = len(RAIN_GAUGES) + 1  # last row: the ungauged middle of the basin
    rain = np.zeros((sites, n))
    doy = hours.day_of_year.to_numpy()
    orography = np.array([g[4] for g in RAIN_GAUGES] + [UNGAUGED_OROGRAPHY])
    tsuyu = (doy >= 156) & (doy <= 201)  # about 5 June – 20 July
    summer = (doy > 201) & (doy <= 258)
    autumn = (doy >= 227) & (doy <= 290)  # typhoon season, mid Aug – mid Oct
    winter = (doy < 60) | (doy > 335)
    rates = {  # storm starts per day
        "front": np.where(winter, 0.05, 0.10),
        "tsuyu": np.where(tsuyu, 0.25, 0.0),
        "shower": np.where(summer, 0.20, 0.0),
        "typhoon": np.where(autumn, 0.03, 0.0),
    }
    # (duration range h, total depth gamma shape, scale mm, local?)
    kinds = {
        "front": ((6, 24), 2.0, 12.0, False),
        "tsuyu": ((10, 40), 2.0, 30.0, False),
        "shower": ((1, 4), 2.0, 10.0, True),
        "typhoon": ((18, 42), 3.0, 55.0, False),
    }
    for kind, rate in rates.items():
        (d_lo, d_hi), shape, scale, local = kinds[kind]
        starts = np.flatnonzero(rng.random(n) < rate / 24.0)
        for start in starts:
            duration = int(rng.integers(d_lo, d_hi + 1))
            depth = rng.gamma(shape, scale)
            peak = rng.uniform(0.2, 0.8)
            x = (np.arange(duration) + 0.5) / duration
            envelope = np.where(x < peak, x / peak, (1 - x) / (1 - peak)) + 0.05
            weights = envelope * rng.gamma(2.0, 1.0, duration)
            profile = depth * weights / weights.sum()
            if local:  # a summer shower hits one or two sites only
                factor = np.zeros(sites)
                hit = rng.choice(sites, int(rng.integers(1, 3)), replace=False)
                factor[hit] = rng.lognormal(0.0, 0.3, len(hit))
            else:
                factor = orography * rng.lognormal(0.0, 0.2, sites)
            end = min(n, start + duration)
            jitter = rng.lognormal(0.0, GAUGE_JITTER, (sites, end - start))
            rain[:, start:end] += factor[:, None] * profile[None, : end - start] * jitter
    return rain


def _nash(inflow: np.ndarray, n: int, k: float) -> np.ndarray:
    """Route ``inflow`` through ``n`` equal linear reservoirs with time constant ``k`` h."""
    decay = np.exp(-1.0 / k)
    out = inflow
    for _ in range(n):
        out = lfilter([1 - decay], [1, -decay], out)
    return out


def _levels(rain: np.ndarray, hours: pd.DatetimeIndex) -> list[np.ndarray]:
    """True water level (m) at each level gauge from gauge rain, hour by hour."""
    levels = []
    for index, gauge in enumerate(LEVEL_GAUGES):
        _, _, _, _, area, n, k, delay, h0, rating, *_ = gauge
        # Thiessen weights: the upstream sub-basin for 滝口橋, the whole basin for 桜橋.
        weights = np.array([g[6 if index == 0 else 5] for g in RAIN_GAUGES])
        basin = (1 - UNGAUGED_SHARE) * (weights @ rain[:-1]) + UNGAUGED_SHARE * rain[-1]
        # Antecedent precipitation index (3-day memory) sets the runoff coefficient.
        api = lfilter([1.0], [1, -np.exp(-1.0 / 72.0)], basin)
        coefficient = 0.15 + 0.65 * (1 - np.exp(-api / 90.0))
        effective = np.concatenate([np.zeros(delay), coefficient * basin])[: len(basin)]
        quick = _nash(effective, n, k)
        slow = _nash((1 - coefficient) * basin * 0.35, 1, 400.0)
        season = 1.0 + 0.3 * np.sin(2 * np.pi * (hours.day_of_year.to_numpy() - 100) / 365.25)
        base = 0.04 * area / 24.0 * season  # m³/s: about 1.5 m³/s at 桜橋
        discharge = base + (quick + slow) * area / 3.6  # 1 mm/h over 1 km² = 1/3.6 m³/s
        levels.append(h0 + np.sqrt(discharge / rating))
    return levels


def _fmt(values: np.ndarray, decimals: int, width: int) -> np.ndarray:
    # A wider dtype than the padded text, so a 暫定値 "*" can be appended without truncation.
    return np.char.rjust(np.char.mod(f"%.{decimals}f", values).astype(str), width).astype("U16")


def _metadata(kind: str, code: str, name: str, place: str, unit: str) -> list[str]:
    lines = [
        f"{kind}検索結果（合成データ・教材用）",
        "水系名,桜川",
        "河川名,桜川（二級河川・さくら県管理）",
        f"観測所名,{name}",
        f"観測所記号,{code}",
        f"所在地,{place}",
        f"単位,{unit}",
        "注記,$:欠測 #:閉局 -:未登録 *:暫定値",
        "",
    ]
    assert len(lines) == HEADER_LINES
    return lines


def _mark(
    rng: np.random.Generator,
    text: np.ndarray,
    n_single: int,
    blocks: list[int],
    closed: tuple[int, int] | None,
    provisional_from: int,
    unregistered: int,
) -> None:
    """Plant 欠測 hours and blocks, a 閉局 period, 暫定値 at the end and 未登録 last hours."""
    n = len(text)
    width = len(text[0])
    last = n - unregistered
    text[provisional_from:last] = np.char.add(text[provisional_from:last], "*")
    for where in rng.choice(provisional_from, n_single, replace=False):
        text[where] = "$".rjust(width)
    for length in blocks:
        start = int(rng.integers(0, provisional_from - length))
        text[start : start + length] = "$".rjust(width)
    if closed is not None:
        text[closed[0] : closed[1]] = "#".rjust(width)
    text[last:] = "-".rjust(width)


def _write(path: Path, lines: list[str]) -> None:
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp932"))


def generate(out_dir: Path, size: str, seed: int) -> None:
    rng = np.random.default_rng(seed)
    first, last = SIZES[size]
    # Hour-ending stamps: 01:00 of the first day to 24:00 (= next 00:00) of the last.
    hours = pd.date_range(f"{first}-01-01 01:00", f"{last + 1}-01-01 00:00", freq="h")
    n = len(hours)
    rain = _storms(rng, hours)
    true_levels = _levels(rain, hours)
    rain = np.round(rain[:-1])  # tipping-bucket gauges report whole millimetres
    days = pd.date_range(f"{first}-01-01", f"{last}-12-31", freq="D")
    day_text = days.strftime("%Y/%m/%d").to_numpy().astype(str)
    provisional_from = n - 24 * 61  # the last two months are still 暫定値

    for index, (code, file, name, place, *_rest) in enumerate(RAIN_GAUGES):
        text = _fmt(rain[index], 1, 6)
        _mark(
            rng,
            text,
            n_single=4 + n // 4000,
            blocks=[12],
            closed=None,
            provisional_from=provisional_from,
            unregistered=72 if index == 2 else 0,
        )
        table = text.reshape(len(days), 24)
        header = ",".join(["年月日"] + [f"{h}時" for h in range(1, 25)])
        rows = [",".join([d, *row]) for d, row in zip(day_text, table, strict=True)]
        _write(out_dir / file, _metadata("雨量日表", code, name, place, "mm/h") + [header, *rows])

    date_part = np.repeat(day_text, 24)
    time_part = np.tile(np.array([f"{h:02d}:00" for h in range(1, 25)]), len(days))
    for index, gauge in enumerate(LEVEL_GAUGES):
        code, file, name, place = gauge[:4]
        observed = true_levels[index] + rng.normal(0.0, 0.004, n)
        # Sensor glitches: lone spikes of 1.5–2.5 m on dry, low-water hours.
        quiet = np.flatnonzero(
            (true_levels[index] < np.quantile(true_levels[index], 0.4))
            & (np.arange(n) > 48)
            & (np.arange(n) < provisional_from - 48)
        )
        n_spikes = 2 if index == 1 else 1
        spikes = np.sort(rng.choice(quiet, n_spikes + 4 * (size == "full"), replace=False))
        if index == 1 and size == "small":
            # One glitch in the training years, one in the test year of the notebook.
            in_test = hours[quiet] >= pd.Timestamp(f"{last}-01-01")
            spikes = np.array([rng.choice(quiet[~in_test]), rng.choice(quiet[in_test])])
        observed[spikes] += rng.uniform(1.5, 2.5, len(spikes))
        text = _fmt(np.round(observed, 2), 2, 7)
        closed_start = int(rng.integers(24 * 20, 24 * 60))
        _mark(
            rng,
            text,
            n_single=3 + n // 5000,
            blocks=[5],
            closed=(closed_start, closed_start + 24 * 3) if index == 1 else None,
            provisional_from=provisional_from,
            unregistered=0,
        )
        text[spikes] = _fmt(np.round(observed[spikes], 2), 2, 7)  # glitches stay visible
        rows = [f"{d},{t},{v}" for d, t, v in zip(date_part, time_part, text, strict=True)]
        _write(
            out_dir / file,
            _metadata("時刻水位", code, name, place, "m（量水標の零点高からの高さ）")
            + ["年月日,時刻,水位", *rows],
        )

    register_rows = []
    for code, _file, name, place, _oro, weight, _sub in RAIN_GAUGES:
        register_rows.append([code, name, "雨量", place, "", "", "", "", f"{weight:.2f}"])
    for gauge in LEVEL_GAUGES:
        code, _file, name, place = gauge[:4]
        register_rows.append([code, name, "水位", place, *(f"{v:.2f}" for v in gauge[10:14]), ""])
    columns = [
        "観測所記号",
        "観測所名",
        "種別",
        "所在地",
        "水防団待機水位",
        "氾濫注意水位",
        "避難判断水位",
        "氾濫危険水位",
        "ティーセン係数",
    ]
    _write(out_dir / "stations.csv", [",".join(columns)] + [",".join(r) for r in register_rows])


GAUGE_READ = {"encoding": "cp932", "skiprows": HEADER_LINES, "dtype": str}
DATASET = register(
    Dataset(
        name="river_gauges",
        title="桜川の雨量・水位（合成データ）",
        synthetic=True,
        files=(
            DataFile("level_sakurabashi.csv", GAUGE_READ),
            DataFile("level_takiguchi.csv", GAUGE_READ),
            DataFile("rain_okuyama.csv", GAUGE_READ),
            DataFile("rain_nakano.csv", GAUGE_READ),
            DataFile("rain_shimokawa.csv", GAUGE_READ),
            DataFile("stations.csv", {"encoding": "cp932"}),
        ),
        generate=generate,
    )
)
