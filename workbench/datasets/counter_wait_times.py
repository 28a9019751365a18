"""窓口の待ち時間 (synthetic): waiting times at a fictional prefectural service counter.

One row per visitor who took a ticket at the 県民総合窓口 (passport applications and
pick-ups, 県税 certificates, 自動車税), from the ticket machine's log saved as an Excel
CSV (cp932, CRLF). Waits are right-skewed (lognormal per counter); 自動車税 is busy in
May, when the tax notices arrive; and on one afternoon the ticket system failed, so a
few dozen visitors waited over an hour: the extreme values unit 03 uses to show why the
median is the robust summary.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from workbench.datasets.files import write_excel_csv
from workbench.datasets.holidays import holidays_between
from workbench.datasets.registry import DataFile, Dataset, register

# 窓口 -> (share of visitors, median wait in minutes, lognormal sigma).
COUNTERS = {
    "旅券申請": (0.30, 22.0, 0.45),
    "旅券交付": (0.25, 8.0, 0.55),
    "県税証明": (0.20, 5.0, 0.60),
    "自動車税": (0.25, 12.0, 0.55),
}
# 自動車税 notices go out in May; visitors and waits rise that month.
MAY_TAX_FACTOR = 1.6
VISITORS_PER_DAY = 85
OUTAGE_DAY = "2024-05-21"  # the afternoon the ticket system failed
SIZES = {
    "small": {"start": "2024-05-01", "end": "2024-05-31"},
    "full": {"start": "2023-04-01", "end": "2024-03-31"},
}
# Public holidays in the periods above (the counter is closed); weekends are dropped anyway.
HOLIDAYS = set(holidays_between(SIZES["full"]["start"], SIZES["small"]["end"]))


def _open_days(start: str, end: str) -> list[pd.Timestamp]:
    days = pd.date_range(start, end, freq="D")
    return [
        d
        for d in days
        if d.day_of_week < 5
        and d.strftime("%Y-%m-%d") not in HOLIDAYS
        and not (d.month == 12 and d.day >= 29)
        and not (d.month == 1 and d.day <= 3)
    ]


def generate(out_dir: Path, size: str, seed: int) -> None:
    rng = np.random.default_rng(seed)
    spec = SIZES[size]
    names = list(COUNTERS)
    rows = []
    number = 0
    for day in _open_days(spec["start"], spec["end"]):
        date = day.strftime("%Y-%m-%d")
        shares = np.array([COUNTERS[n][0] for n in names])
        if day.month == 5:
            shares[names.index("自動車税")] *= MAY_TAX_FACTOR
        count = int(rng.poisson(VISITORS_PER_DAY * (1.15 if day.day_of_week == 0 else 1.0)))
        picks = rng.choice(len(names), size=count, p=shares / shares.sum())
        # Ticket times between 8:30 and 17:00, sorted as the machine issues them.
        minutes = np.sort(rng.integers(8 * 60 + 30, 17 * 60, size=count))
        for pick, minute in zip(picks, minutes, strict=True):
            counter = names[pick]
            _, median, sigma = COUNTERS[counter]
            if counter == "自動車税" and day.month == 5:
                median *= 1.5
            wait = rng.lognormal(np.log(median), sigma)
            if date == OUTAGE_DAY and 13 * 60 <= minute < 15 * 60:
                wait += rng.uniform(60, 120)
            number += 1
            rows.append(
                {
                    "受付番号": number,
                    "受付日": date,
                    "受付時刻": f"{minute // 60:02d}:{minute % 60:02d}",
                    "窓口": counter,
                    "待ち時間": max(0, int(round(wait))),
                }
            )
    write_excel_csv(pd.DataFrame(rows), out_dir / "counter_wait_times.csv")


DATASET = register(
    Dataset(
        name="counter_wait_times",
        title="窓口の待ち時間（合成データ）",
        synthetic=True,
        files=(DataFile("counter_wait_times.csv", {"encoding": "cp932"}),),
        generate=generate,
    )
)
