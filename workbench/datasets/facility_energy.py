"""公共施設の光熱費 (synthetic): yearly energy cost of a fictional prefecture's facilities.

One cp932 CSV, one row per facility, made for the regression unit: the yearly energy
cost (電気・ガス・重油, 千円) depends linearly on floor area, building age and opening
hours, plus a shift per facility type, so the data have

- a categorical column whose default reference level (体育館, first in code-point order)
  is not the one an analyst would pick (庁舎);
- an interaction: culture halls cost more per square metre (stage lighting, big halls);
- mild collinearity: opening hours depend on the facility type and a little on size;
- noise that grows with the size of the bill (a mild fan in the residual plot);
- one facility whose bill doubled after an air-conditioning breakdown (an outlier).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from workbench.datasets.files import write_excel_csv
from workbench.datasets.registry import DataFile, Dataset, register

CITIES = ["中央市", "港南市", "青葉市", "北山町", "西川町", "東野村"]

# Per type: share of facilities, floor area range (m2, log-uniform), mean yearly opening
# hours and its spread, cost shift (千円/年) against 庁舎, extra cost per m2 (千円).
# Hours follow usual timetables: offices 8:30-17:15 on ~245 working days (~2,100 h),
# libraries 9-19 h (~2,900 h), gyms 9-21 h (~3,800 h), halls by bookings (~3,000 h).
FACILITY_TYPES = {
    "庁舎": (0.30, (1500, 15000), 2150, 250, 0.0, 0.0),
    "図書館": (0.25, (800, 7000), 2900, 350, 600.0, 0.0),
    "体育館": (0.25, (1200, 7000), 3800, 350, -1200.0, 0.0),
    "文化ホール": (0.20, (1500, 10000), 3000, 350, 2500.0, 0.6),
}
INTERCEPT = 400.0  # 千円/年: base contracts (受電設備の基本料金など)
PER_M2 = 1.6  # 千円/m2/年
PER_YEAR_OF_AGE = 60.0  # 千円/年 per year since construction (older equipment)
PER_HOUR = 0.8  # 千円 per opening hour
NOISE_BASE = 400.0  # 千円
NOISE_SHARE = 0.08  # noise SD grows with the expected bill
SIZES = {"small": 160, "full": 5000}


def _facilities(rng: np.random.Generator, count: int) -> pd.DataFrame:
    kinds = list(FACILITY_TYPES)
    shares = np.array([FACILITY_TYPES[k][0] for k in kinds])
    # Deterministic type counts (largest remainder), then shuffled order.
    raw = shares * count
    counts = np.floor(raw).astype(int)
    counts[np.argsort(-(raw - counts))[: count - counts.sum()]] += 1
    types = rng.permutation(np.repeat(kinds, counts))
    rows = []
    serial: dict[tuple[str, str], int] = {}
    for index, kind in enumerate(types):
        _, (low, high), hours_mean, hours_sd, _, _ = FACILITY_TYPES[kind]
        city = CITIES[int(rng.integers(len(CITIES)))]
        serial[(city, kind)] = serial.get((city, kind), 0) + 1
        number = serial[(city, kind)]
        area = float(np.exp(rng.uniform(np.log(low), np.log(high))))
        # Larger facilities keep longer hours a little (evening use, more staff).
        size_effect = 150.0 * np.log(area / np.sqrt(low * high))
        hours = hours_mean + size_effect + rng.normal(0.0, hours_sd)
        age = int(np.clip(round(rng.gamma(4.0, 7.0)), 1, 60))
        rows.append(
            {
                "施設ID": f"E{index + 1:04d}",
                "施設名": f"{city}{kind}" + ("" if number == 1 else f"（第{number}）"),
                "市町村": city,
                "種別": str(kind),
                "延床面積": int(round(area, -1)),
                "築年数": age,
                "年間開館時間": int(round(hours, -1)),
            }
        )
    return pd.DataFrame(rows)


def _energy_cost(rng: np.random.Generator, facilities: pd.DataFrame) -> np.ndarray:
    shift = facilities["種別"].map({k: v[4] for k, v in FACILITY_TYPES.items()})
    extra = facilities["種別"].map({k: v[5] for k, v in FACILITY_TYPES.items()})
    expected = (
        INTERCEPT
        + (PER_M2 + extra) * facilities["延床面積"]
        + PER_YEAR_OF_AGE * facilities["築年数"]
        + PER_HOUR * facilities["年間開館時間"]
        + shift
    ).to_numpy(dtype=float)
    noise = rng.normal(0.0, NOISE_BASE + NOISE_SHARE * expected)
    cost = expected + noise
    # One mid-sized facility ran temporary air conditioning after a breakdown this year.
    mid = np.flatnonzero(facilities["延床面積"].between(3000, 6000).to_numpy())
    broken = int(rng.choice(mid))
    cost[broken] = cost[broken] * 2.0
    return np.round(cost).astype(int)


def generate(out_dir: Path, size: str, seed: int) -> None:
    rng = np.random.default_rng(seed)
    facilities = _facilities(rng, SIZES[size])
    facilities["年間光熱費"] = _energy_cost(rng, facilities)
    write_excel_csv(facilities, out_dir / "facility_energy.csv")


DATASET = register(
    Dataset(
        name="facility_energy",
        title="公共施設の光熱費（合成データ）",
        synthetic=True,
        files=(DataFile("facility_energy.csv", {"encoding": "cp932"}),),
        generate=generate,
    )
)
