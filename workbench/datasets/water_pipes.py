"""水道管路の台帳と漏水履歴 (synthetic): a water utility's pipe register, one row per pipe and year.

One cp932 CSV, ``water_pipes.csv``: for every pipe of the fictional さくら市水道局 and
every fiscal year 2020-2024, the register (材質, 口径, 布設年度, 延長, 土壌, 交通量), a
satellite-derived soil-moisture anomaly measured before the year's survey, the number of
leaks repaired on the pipe in the five preceding years, and the outcome ``漏水`` (1 when
a leak was found on the pipe that year).

What comes from published figures (cited on the data card): the share of pipes older than
the 40-year legal service life (厚生労働省, 令和3年度全国水道関係担当者会議: 管路経年化率
19.1 % and 管路更新率 0.67 % nationally in 令和元年度) and how old the network is; the
materials that utilities report as leak-prone (old 鋳鉄管 and 塩化ビニル管 versus
耐震型ダクタイル鋳鉄管 and 配水用ポリエチレン管). The leak model's coefficients are
assumed (no published model to copy); they are chosen so that age matters but is not
the whole story, which is what the unit's comparison of an age-based survey plan with a
model-based one needs.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from workbench.datasets.files import write_excel_csv
from workbench.datasets.registry import DataFile, Dataset, register

YEARS = range(2020, 2025)
HISTORY_YEARS = 5  # 過去5年の漏水件数: leaks simulated from 2015 so that 2020 has a history
PIPES = {"small": 4000, "full": 40000}
# Material: share of the network, range of 布設年度 it was laid in, log-odds shift.
MATERIALS = {
    "鋳鉄管": (0.08, (1955, 1975), 0.9),
    "ダクタイル鋳鉄管": (0.42, (1970, 2023), 0.0),
    "塩化ビニル管": (0.25, (1965, 2000), 0.6),
    "鋼管": (0.05, (1960, 2010), 0.3),
    "ポリエチレン管": (0.20, (2000, 2023), -0.5),
}
DIAMETERS = {75: 0.30, 100: 0.30, 150: 0.22, 200: 0.12, 300: 0.06}  # 口径 mm: share
SOILS = {"砂質土": (0.45, 0.0), "粘性土": (0.35, 0.2), "埋立地": (0.20, 0.55)}
TRAFFIC = {"少": (0.45, 0.0), "中": (0.35, 0.25), "多": (0.20, 0.55)}
INTERCEPT = -6.9
AGE_PER_YEAR = 0.035  # log-odds per year of age
MOISTURE = 0.55  # log-odds per SD of the satellite soil-moisture anomaly
SMALL_DIAMETER = 0.25  # 口径 100 mm or less: thinner walls, more service connections
FRAILTY_SD = 0.6  # pipe-level unobserved frailty: what past leaks reveal


def _choice(rng: np.random.Generator, table: dict, n: int) -> np.ndarray:
    keys = list(table)
    shares = np.array([v[0] if isinstance(v, tuple) else v for v in table.values()], float)
    return np.array(keys, dtype=object)[rng.choice(len(keys), n, p=shares / shares.sum())]


def _register(rng: np.random.Generator, n: int) -> pd.DataFrame:
    material = _choice(rng, MATERIALS, n)
    low = np.array([MATERIALS[m][1][0] for m in material])
    high = np.array([MATERIALS[m][1][1] for m in material])
    # Laying peaked around 1980 (the expansion years): a triangular draw within each
    # material's range.
    mode = np.clip(1980, low, high)
    laid = np.floor(rng.triangular(low, mode, high + 0.999)).astype(int)
    length = np.round(rng.gamma(2.0, 250.0, n) + 30).astype(int)  # metres, mean ≈ 530
    return pd.DataFrame(
        {
            "管路ID": [f"P{i + 1:05d}" for i in range(n)],
            "材質": material,
            "口径_mm": np.array(list(DIAMETERS))[
                rng.choice(len(DIAMETERS), n, p=list(DIAMETERS.values()))
            ],
            "布設年度": laid,
            "延長_m": length,
            "土壌": _choice(rng, SOILS, n),
            "交通量": _choice(rng, TRAFFIC, n),
        }
    )


def _log_odds(pipes: pd.DataFrame, year: int, moisture: np.ndarray, frailty) -> np.ndarray:
    age = np.maximum(year - pipes["布設年度"].to_numpy(), 0)
    return (
        INTERCEPT
        + AGE_PER_YEAR * age
        + pipes["材質"].map(lambda m: MATERIALS[m][2]).to_numpy(float)
        + pipes["土壌"].map(lambda s: SOILS[s][1]).to_numpy(float)
        + pipes["交通量"].map(lambda t: TRAFFIC[t][1]).to_numpy(float)
        + SMALL_DIAMETER * (pipes["口径_mm"].to_numpy() <= 100)
        + np.log(pipes["延長_m"].to_numpy() / 100.0)  # more metres, more chances to leak
        + MOISTURE * moisture
        + frailty
    )


def pipe_years(size: str, seed: int) -> pd.DataFrame:
    """The pipe × year table, before it is written (used by the tests of the design)."""
    rng = np.random.default_rng(seed)
    pipes = _register(rng, PIPES[size])
    n = len(pipes)
    frailty = rng.normal(0, FRAILTY_SD, n)
    first = YEARS[0] - HISTORY_YEARS
    leaks = {}
    moistures = {}
    for year in range(first, YEARS[-1] + 1):
        # A hidden leak wets the ground around the pipe before it is found: the anomaly
        # shares the pipe's frailty, plus noise from rain and the sensor's coarse grid.
        moisture = 0.5 * frailty / FRAILTY_SD + rng.normal(0, 0.87, n)
        p = 1 / (1 + np.exp(-_log_odds(pipes, year, moisture, frailty)))
        leaks[year] = (rng.random(n) < p).astype(int) * (pipes["布設年度"].to_numpy() <= year)
        moistures[year] = moisture
    frames = []
    for year in YEARS:
        past = sum(leaks[y] for y in range(year - HISTORY_YEARS, year))
        frames.append(
            pipes.assign(
                年度=year,
                土壌水分_偏差=np.round(moistures[year], 2),
                過去5年の漏水件数=past,
                漏水=leaks[year],
            )
        )
    table = pd.concat(frames, ignore_index=True)
    # A pipe appears from the year after it was laid.
    table = table[table["布設年度"] < table["年度"]]
    columns = ["年度", "管路ID", "材質", "口径_mm", "布設年度", "延長_m", "土壌", "交通量"]
    columns += ["土壌水分_偏差", "過去5年の漏水件数", "漏水"]
    return table[columns].reset_index(drop=True)


def generate(out_dir: Path, size: str, seed: int) -> None:
    write_excel_csv(pipe_years(size, seed), out_dir / "water_pipes.csv")


DATASET = register(
    Dataset(
        name="water_pipes",
        title="水道管路の台帳と漏水履歴（合成データ）",
        synthetic=True,
        files=(DataFile("water_pipes.csv", {"encoding": "cp932"}),),
        generate=generate,
        seed=20250416,
    )
)
