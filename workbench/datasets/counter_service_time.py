"""旅券窓口の処理時間 (synthetic): service times at two passport counters of a prefecture.

One cp932 CSV, one row per visitor, as a counter's reception log exported from Excel.
The two counters differ the way real ones do: the main counter (本庁窓口) serves many
visitors with experienced staff, so its times vary little; the branch counter
(北部出張窓口) serves few visitors and its times vary a lot. Unequal group sizes with the
larger variance in the smaller group is exactly the case where Student's pooled t-test
is too liberal and Welch's test is needed, which unit 04 teaches on this file.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from workbench.datasets.files import write_excel_csv
from workbench.datasets.registry import DataFile, Dataset, register

COUNTERS = {"本庁窓口": "H", "北部出張窓口": "N"}
# Mean and standard deviation of the service time (minutes) per counter and procedure.
# Passport offices publish 15-30 minutes for an application and a few minutes to some
# ten minutes for collecting the passport; the branch is slower and far more variable.
TIMES = {
    ("本庁窓口", "新規申請"): (18.0, 4.0),
    ("本庁窓口", "交付"): (8.0, 2.5),
    ("北部出張窓口", "新規申請"): (21.5, 8.5),
    ("北部出張窓口", "交付"): (11.0, 6.0),
}
# Visitors per month per counter and procedure.
MONTHLY = {
    ("本庁窓口", "新規申請"): 160,
    ("本庁窓口", "交付"): 190,
    ("北部出張窓口", "新規申請"): 24,
    ("北部出張窓口", "交付"): 30,
}
MISSING_SHARE = 0.03  # service time not recorded (記録漏れ)
SIZES = {"small": 1, "full": 12}  # months
FIRST_MONTH = pd.Timestamp("2024-10-01")


def _service_times(rng: np.random.Generator, mean: float, sd: float, size: int) -> np.ndarray:
    # Service times are positive and right-skewed: a gamma with the given mean and SD.
    shape = (mean / sd) ** 2
    times = rng.gamma(shape, sd**2 / mean, size)
    return np.round(np.maximum(times, 1.0), 1)


def _weekdays(months: int) -> pd.DatetimeIndex:
    end = FIRST_MONTH + pd.DateOffset(months=months) - pd.Timedelta(days=1)
    return pd.bdate_range(FIRST_MONTH, end)


def generate(out_dir: Path, size: str, seed: int) -> None:
    rng = np.random.default_rng(seed)
    months = SIZES[size]
    days = _weekdays(months)
    frames = []
    for counter, prefix in COUNTERS.items():
        parts = []
        for procedure in ("新規申請", "交付"):
            count = MONTHLY[(counter, procedure)] * months
            mean, sd = TIMES[(counter, procedure)]
            parts.append(
                pd.DataFrame(
                    {
                        "受付日": rng.choice(days, count),
                        "窓口": counter,
                        "手続": procedure,
                        "処理時間_分": _service_times(rng, mean, sd, count),
                    }
                )
            )
        visits = pd.concat(parts, ignore_index=True)
        visits = visits.sort_values("受付日", kind="stable").reset_index(drop=True)
        visits.insert(0, "受付番号", [f"{prefix}-{i + 1:05d}" for i in range(len(visits))])
        frames.append(visits)
    log = pd.concat(frames, ignore_index=True)
    # Unrecorded times, at least one in every counter x procedure so that every
    # comparison in the course meets a blank cell.
    missing = []
    for _, group in log.groupby(["窓口", "手続"], sort=True):
        share = max(1, int(round(len(group) * MISSING_SHARE)))
        missing.extend(rng.choice(group.index.to_numpy(), share, replace=False))
    log.loc[np.sort(missing), "処理時間_分"] = np.nan
    log["受付日"] = log["受付日"].dt.strftime("%Y-%m-%d")
    write_excel_csv(log, out_dir / "counter_service_time.csv")


DATASET = register(
    Dataset(
        name="counter_service_time",
        title="旅券窓口の処理時間（合成データ）",
        synthetic=True,
        files=(DataFile("counter_service_time.csv", {"encoding": "cp932"}),),
        generate=generate,
        seed=20241005,
    )
)
