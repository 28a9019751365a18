"""空き家の危険度判定 (synthetic): a city's vacant-house survey and next year's verdict.

One cp932 CSV, ``vacant_houses.csv``, one row per vacant house found in the yearly
空き家実態調査 of the fictional さくら市 (survey years 2019-2024). The outcome
``危険判定`` is 1 when the next year's on-site inspection judged the house dangerous
(倒壊等の危険: the 特定空家等 candidate of 空家等対策の推進に関する特別措置法), else 0.

What comes from published facts (cited on the data card):
- the share of houses that are vacant (総務省 住宅・土地統計調査 2023: 13.8 %, 900万戸)
  sets how many vacant houses a city of about 80,000 dwellings finds per year;
- 旧耐震 (built before June 1981, 建築基準法施行令 改正) makes age a main driver;
- 接道義務 (建築基準法43条: a plot must touch a road of 4 m or more by 2 m): a house
  without it cannot be rebuilt, so it is left to decay;
- owners living elsewhere or unknown (所有者不明) and unpaid 固定資産税 are the signs
  municipalities name in their 空家等対策計画.
The coefficients themselves are invented (no published model exists to copy) and the
base rate rises over the years (ageing stock), so a model fitted on earlier years
under-predicts later ones: the reason the unit splits train and test by time.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from workbench.datasets.files import write_excel_csv
from workbench.datasets.registry import DataFile, Dataset, register

YEARS = range(2019, 2025)
# Houses found per survey year. small: a city of ~80,000 dwellings with 13.8 % vacant
# (≈ 11,000) re-surveys about a tenth of its vacant stock each year.
PER_YEAR = {"small": 1200, "full": 12000}
# 地区: share of the houses, mean age offset (years) and the area's own log-odds shift.
AREAS = {
    "中央": (0.30, -6.0, -0.2),
    "東部": (0.22, 0.0, 0.0),
    "西部": (0.20, 0.0, 0.1),
    "南部沿岸": (0.15, 4.0, 0.2),
    "北部山間": (0.13, 10.0, 0.5),
}
ROAD = {"4m以上": 0.62, "4m未満": 0.28, "接道なし": 0.10}
OWNER = {"市内": 0.55, "市外": 0.35, "不明": 0.10}
# Invented log-odds (the data card says so); chosen so about 10 % of houses are judged
# dangerous in 2019, rising to about 14 % by 2024.
INTERCEPT = -3.75
PER_YEAR_OF_AGE = 0.035  # per year of age above 40
OLD_QUAKE_CODE = 0.35  # built before 1981 (旧耐震)
WOODEN = 0.45
ROAD_EFFECT = {"4m以上": 0.0, "4m未満": 0.35, "接道なし": 0.95}
TAX_ARREARS = 1.05
OWNER_EFFECT = {"市内": 0.0, "市外": 0.55, "不明": 1.15}
TREND_PER_YEAR = 0.09  # ageing stock: a later year is riskier at equal features


def _pick(rng: np.random.Generator, table: dict, n: int, p=None) -> np.ndarray:
    names = list(table)
    probs = np.array([table[k] if p is None else p[k] for k in names], dtype=float)
    return np.array(names)[rng.choice(len(names), size=n, p=probs / probs.sum())]


def _year(rng: np.random.Generator, year: int, n: int) -> pd.DataFrame:
    areas = _pick(rng, {k: v[0] for k, v in AREAS.items()}, n)
    age_offset = np.array([AREAS[a][1] for a in areas])
    age = np.clip(np.round(rng.gamma(9.0, 4.6, n) + age_offset), 5, 95).astype(int)
    built = year - age
    wooden = rng.random(n) < np.where(age > 40, 0.88, 0.70)
    road = _pick(rng, ROAD, n)
    owner = _pick(rng, OWNER, n)
    # Arrears are commoner when the owner is far away or unknown.
    arrears = rng.random(n) < np.select([owner == "市内", owner == "市外"], [0.07, 0.13], 0.30)
    logit = (
        INTERCEPT
        + PER_YEAR_OF_AGE * (age - 40)
        + OLD_QUAKE_CODE * (built < 1981)
        + WOODEN * wooden
        + np.array([ROAD_EFFECT[r] for r in road])
        + TAX_ARREARS * arrears
        + np.array([OWNER_EFFECT[o] for o in owner])
        + np.array([AREAS[a][2] for a in areas])
        + TREND_PER_YEAR * (year - YEARS[0])
    )
    danger = rng.random(n) < 1 / (1 + np.exp(-logit))
    return pd.DataFrame(
        {
            "調査年度": year,
            "地区": areas,
            "木造": wooden.astype(int),
            "築年数": age,
            "接道": road,
            "固定資産税滞納": arrears.astype(int),
            "所有者住所": owner,
            "危険判定": danger.astype(int),
        }
    )


def generate(out_dir: Path, size: str, seed: int) -> None:
    rng = np.random.default_rng(seed)
    frames = [_year(rng, year, PER_YEAR[size]) for year in YEARS]
    frame = pd.concat(frames, ignore_index=True)
    number = frame.groupby("調査年度").cumcount() + 1
    ids = [f"V{y % 100:02d}-{i:05d}" for y, i in zip(frame["調査年度"], number, strict=True)]
    frame.insert(0, "空き家ID", ids)
    write_excel_csv(frame, out_dir / "vacant_houses.csv")


DATASET = register(
    Dataset(
        name="vacant_houses",
        title="空き家の危険度判定（合成データ）",
        synthetic=True,
        files=(DataFile("vacant_houses.csv", {"encoding": "cp932"}),),
        generate=generate,
    )
)
