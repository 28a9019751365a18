"""救急搬送の時間短縮の効果検証 (synthetic): ambulance transport records of two areas.

One cp932 CSV, ``emergency_transport.csv``, one row per transported patient, in the shape a
prefecture's 医療政策課 gets from the fire departments' 救急活動記録: 覚知日, area, severity,
現場滞在時間 (minutes from arrival on scene to departure) and 照会回数 (how many hospitals
were asked before one accepted). The 東部医療圏 (16 hospitals) starts a digital
patient-information and hospital-sharing system on ``START`` (令和5年10月1日); the
西部医療圏 (13 hospitals) does not and serves as the comparison area.

The on-scene time is built so that a course can teach medians and difference in differences
honestly: in every area and month it is ``base[area] + SEASON[month] + TREND × months
elapsed + EFFECT (東部, from START)`` plus one right-skewed noise distribution whose median
is exactly zero, shared by both areas. The population median of each area-month is therefore
:func:`expected_median` exactly, and because both areas have the same month mix (record
volumes proportional to the same monthly weights), the pooled before/after medians of the
two areas differ by a constant, so the difference in differences of medians is ``EFFECT``.
The post period (Oct–Jun) holds more winter months than the pre period, and a common upward
trend runs through both areas: a before/after comparison of the 東部 area alone, or an
interrupted time series without month dummies, gets the effect wrong.

照会回数 is 1 + the number of hospitals that declined: geometric with an acceptance
probability that is lower in winter and raised by the system in the 東部 area.
Simplification: the two outcomes are drawn independently.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from workbench.datasets.files import write_excel_csv
from workbench.datasets.registry import DataFile, Dataset, register

TREATED, CONTROL = "東部医療圏", "西部医療圏"
HOSPITALS = {TREATED: 16, CONTROL: 13}
FIRST_MONTH = pd.Period("2021-07", "M")  # 令和3年7月
MONTHS = pd.period_range(FIRST_MONTH, periods=36, freq="M")  # … 令和6年6月
START = "2023-10-01"  # 令和5年10月1日: the system goes live in the 東部 area
START_MONTH = pd.Period("2023-10", "M")

BASE = {TREATED: 19.0, CONTROL: 21.0}  # median on-scene minutes in 2021-07 (no season)
#: Extra on-scene minutes by calendar month: winter (infections, crowded wards) and heat.
SEASON = {1: 3.0, 2: 2.0, 3: 0.5, 7: 1.0, 8: 1.5, 12: 2.5}
TREND = 0.05  # common lengthening, minutes per month (both areas)
EFFECT = -4.0  # the system's effect on the median on-scene time, minutes
NOISE_SCALE, NOISE_SIGMA = 9.0, 0.55  # noise = scale × (exp(sigma × Z) − 1): median 0

#: Probability that the next hospital asked accepts the patient.
ACCEPT = {TREATED: 0.60, CONTROL: 0.63}
ACCEPT_WINTER = -0.08  # Dec–Feb
ACCEPT_EFFECT = 0.12  # 東部 from START
WINTER = (12, 1, 2)

#: Monthly record volume weights (busier in winter and in summer heat).
VOLUME_WEIGHT = {12: 1.15, 1: 1.2, 2: 1.05, 7: 1.1, 8: 1.15}
SIZES = {
    "small": {TREATED: 60, CONTROL: 50},  # mean records per month: about 4,000 in all
    "full": {TREATED: 1800, CONTROL: 1500},  # about 120,000
}
SEVERITY = (("軽症", 0.50), ("中等症", 0.41), ("重症以上", 0.09))
MISSING_SHARE = 0.015  # 現場滞在時間 left blank (記録漏れ)


def month_index(month: pd.Period) -> int:
    """Months elapsed since ``FIRST_MONTH`` (0 for 2021-07)."""
    return (month - FIRST_MONTH).n


def expected_median(area: str, month: pd.Period) -> float:
    """The population median of 現場滞在時間 (minutes) in ``area`` and ``month``."""
    post = area == TREATED and month >= START_MONTH
    return (
        BASE[area]
        + SEASON.get(month.month, 0.0)
        + TREND * month_index(month)
        + (EFFECT if post else 0.0)
    )


def accept_probability(area: str, month: pd.Period) -> float:
    post = area == TREATED and month >= START_MONTH
    return (
        ACCEPT[area]
        + (ACCEPT_WINTER if month.month in WINTER else 0.0)
        + (ACCEPT_EFFECT if post else 0.0)
    )


def simulate(size: str, seed: int) -> pd.DataFrame:
    """Clean records (numbers as numbers, no blanks), sorted by date."""
    rng = np.random.default_rng(seed)
    parts = []
    for month in MONTHS:
        days = month.days_in_month
        for area in (TREATED, CONTROL):
            n = rng.poisson(SIZES[size][area] * VOLUME_WEIGHT.get(month.month, 1.0))
            noise = NOISE_SCALE * (np.exp(NOISE_SIGMA * rng.standard_normal(n)) - 1)
            stay = expected_median(area, month) + noise
            parts.append(
                pd.DataFrame(
                    {
                        "覚知日": [
                            f"{month.year}-{month.month:02d}-{d:02d}"
                            for d in rng.integers(1, days + 1, n)
                        ],
                        "医療圏": area,
                        "傷病程度": rng.choice(
                            [s for s, _ in SEVERITY], n, p=[p for _, p in SEVERITY]
                        ),
                        "現場滞在時間": np.round(np.maximum(stay, 3.0), 1),
                        "照会回数": rng.geometric(accept_probability(area, month), n),
                    }
                )
            )
    records = pd.concat(parts, ignore_index=True)
    records = records.sort_values(["覚知日", "医療圏"], kind="stable").reset_index(drop=True)
    records.insert(0, "事案番号", [f"R{i:06d}" for i in range(1, len(records) + 1)])
    return records


def generate(out_dir: Path, size: str, seed: int) -> None:
    records = simulate(size, seed)
    rng = np.random.default_rng(seed + 1)
    out = records.astype({"現場滞在時間": object})
    out.loc[rng.random(len(out)) < MISSING_SHARE, "現場滞在時間"] = ""
    write_excel_csv(out, out_dir / "emergency_transport.csv")


DATASET = register(
    Dataset(
        name="emergency_transport",
        title="救急搬送の記録（2医療圏、合成データ）",
        synthetic=True,
        files=(DataFile("emergency_transport.csv", {"encoding": "cp932"}),),
        generate=generate,
        seed=8,
    )
)
