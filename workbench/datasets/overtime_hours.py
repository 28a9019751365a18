"""職員の月間残業時間 (synthetic): overtime hours per staff member of a fictional prefecture.

One row per staff member and month, as a 勤怠システム export saved from Excel (cp932,
CRLF). Overtime is right-skewed: about one in ten staff work none, most work 5–30 hours,
and a few work far more. The month is January, the budget season, so 財政課 sits far
above everyone else, and two 防災課 staff who worked through a heavy-snow response are
the most extreme values: real, not errors, which is what unit 03 teaches about outliers.
A few rows are blank where the month's record was not yet confirmed (勤怠未確定).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from workbench.datasets.files import write_excel_csv
from workbench.datasets.registry import DataFile, Dataset, register

# 部局 -> (所属, share of staff, median overtime hours in an ordinary month).
DIVISIONS: dict[str, list[tuple[str, float, float]]] = {
    "総務部": [("人事課", 0.05, 18.0), ("財政課", 0.025, 22.0), ("税務課", 0.07, 10.0)],
    "危機管理部": [("危機管理課", 0.03, 16.0), ("防災課", 0.03, 14.0)],
    "健康福祉部": [
        ("健康づくり課", 0.06, 10.0),
        ("医療政策課", 0.05, 20.0),
        ("子ども家庭課", 0.07, 14.0),
        ("障害福祉課", 0.06, 11.0),
    ],
    "環境生活部": [("環境政策課", 0.05, 9.0), ("県民生活課", 0.05, 8.0)],
    "商工労働部": [("産業振興課", 0.06, 12.0), ("観光課", 0.04, 10.0)],
    "農林水産部": [("農政課", 0.07, 9.0), ("林業振興課", 0.035, 7.0)],
    "県土整備部": [("道路課", 0.08, 13.0), ("河川課", 0.06, 12.0), ("建築住宅課", 0.05, 10.0)],
}
# 職位 -> (share, multiplier of the section's median). 課長 and above are managers with no
# overtime pay records, so they are not in the export.
POSITIONS = {
    "主事・技師": (0.5, 0.9),
    "主任": (0.25, 1.05),
    "係長": (0.15, 1.15),
    "課長補佐": (0.10, 1.2),
}
# Budget season (January) in 財政課; the rest of the year is ordinary.
SEASON = {"財政課": {1: 2.5, 2: 2.0, 10: 1.4, 11: 1.8, 12: 2.0}}
# Outside a disaster response nobody goes past this in the fictional records; the rare
# draws above it are redrawn just below it, so no pile-up at the ceiling shows.
CEILING = 118.0
ZERO_SHARE = 0.10
SIGMA = 0.65
UNCONFIRMED_SHARE = 0.01
SIZES = {
    "small": {"staff": 1200, "months": ["2024-01"]},
    "full": {
        "staff": 4800,
        "months": [f"2023-{m:02d}" for m in range(4, 13)] + [f"2024-{m:02d}" for m in range(1, 4)],
    },
}


def _staff(rng: np.random.Generator, count: int) -> pd.DataFrame:
    sections = [
        (div, sec, share, med) for div, secs in DIVISIONS.items() for sec, share, med in secs
    ]
    shares = np.array([s[2] for s in sections])
    picks = rng.choice(len(sections), size=count, p=shares / shares.sum())
    positions = list(POSITIONS)
    pos_share = np.array([POSITIONS[p][0] for p in positions])
    pos_picks = rng.choice(len(positions), size=count, p=pos_share)
    frame = pd.DataFrame(
        {
            "職員ID": [f"S{i + 1:05d}" for i in range(count)],
            "部局": [sections[k][0] for k in picks],
            "所属": [sections[k][1] for k in picks],
            "職位": [positions[k] for k in pos_picks],
            "基準": [
                sections[k][3] * POSITIONS[positions[j]][1]
                for k, j in zip(picks, pos_picks, strict=True)
            ],
        }
    )
    # Keep the export sorted as the 勤怠システム lists it: by section order, then ID.
    order = {sec: i for i, (_, sec, _, _) in enumerate(sections)}
    frame["_order"] = frame["所属"].map(order)
    frame = frame.sort_values(["_order", "職員ID"], kind="stable").drop(columns="_order")
    return frame.reset_index(drop=True)


def _month_hours(rng: np.random.Generator, staff: pd.DataFrame, month: str) -> np.ndarray:
    month_no = int(month[5:7])
    factor = staff["所属"].map(lambda s: SEASON.get(s, {}).get(month_no, 1.0)).to_numpy()
    person = staff["個人差"].to_numpy()
    noise = rng.normal(0, 0.3, len(staff))
    hours = np.exp(np.log(staff["基準"].to_numpy() * factor) + person + noise)
    hours[rng.random(len(staff)) < ZERO_SHARE / np.maximum(factor, 1.0)] = 0.0
    high = hours > CEILING
    hours[high] = rng.uniform(0.8 * CEILING, CEILING, high.sum())
    return np.round(hours * 2) / 2  # recorded in 30-minute units


def generate(out_dir: Path, size: str, seed: int) -> None:
    rng = np.random.default_rng(seed)
    spec = SIZES[size]
    staff = _staff(rng, spec["staff"])
    staff["個人差"] = rng.normal(0, np.sqrt(SIGMA**2 - 0.3**2), len(staff))
    frames = []
    for month in spec["months"]:
        hours = _month_hours(rng, staff, month)
        if month.endswith("-01"):
            # Heavy-snow response in January: two 防災課 staff worked far beyond the rest.
            disaster = np.flatnonzero(staff["所属"].to_numpy() == "防災課")[:2]
            hours[disaster] = np.round(rng.uniform(128, 142, len(disaster)) * 2) / 2
        frame = staff[["職員ID", "部局", "所属", "職位"]].copy()
        frame.insert(4, "年月", month)
        frame["残業時間"] = hours
        unconfirmed = rng.random(len(frame)) < UNCONFIRMED_SHARE
        if month.endswith("-01"):
            unconfirmed[disaster] = False
        frame.loc[unconfirmed, "残業時間"] = np.nan
        frames.append(frame)
    table = pd.concat(frames, ignore_index=True)
    write_excel_csv(table, out_dir / "overtime_hours.csv")


DATASET = register(
    Dataset(
        name="overtime_hours",
        title="職員の月間残業時間（合成データ）",
        synthetic=True,
        files=(DataFile("overtime_hours.csv", {"encoding": "cp932"}),),
        generate=generate,
    )
)
