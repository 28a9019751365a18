"""生成AI導入前後の業務時間 (synthetic): paired before/after minutes per staff member.

A survey workbook as an office would keep it: one sheet, a title in row 1, the header in
row 3, one row per staff member with the monthly minutes spent on routine drafting
(通知文・議事録・照会回答) in the month before and the month after a generative-AI tool was
introduced. Each person is measured twice, so the two columns are paired; people differ
far more from each other than the tool changes any one of them, which is why a paired
test finds the effect that an independent-groups test blurs.

The average saving follows the published figure in the project's REFERENCE.md §A
(生成AIによる時間短縮 127分/人・月); how it varies by department is invented.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from workbench.datasets.files import write_titled_xlsx
from workbench.datasets.registry import DataFile, Dataset, register

# Department -> mean monthly saving (minutes) among staff who use the tool. Desk-work
# departments save more than field departments; the staff-weighted mean is about 140,
# and with the share of non-users below the overall mean saving is close to 127.
DEPARTMENTS = {
    "総務課": 190,
    "人事課": 170,
    "財政課": 175,
    "企画課": 210,
    "広報課": 200,
    "税務課": 130,
    "福祉課": 110,
    "子育て支援課": 120,
    "環境課": 110,
    "農政課": 70,
    "商工課": 120,
    "土木課": 55,
}
BEFORE_MEDIAN = 900  # minutes per month on routine drafting before the tool
BEFORE_SIGMA = 0.35  # lognormal spread between staff
SAVING_SD = 70  # person-to-person spread of the saving among users
NON_USER_SHARE = 0.1  # staff who did not use the tool: no saving
REPORT_NOISE_SD = 30  # self-reported minutes are imprecise
ROUND_TO = 10  # staff report times in 10-minute steps
SIZES = {"small": 60, "full": 4986}  # full: the all-staff course's 4,986 participants
TITLE = "生成AI導入前後の定型業務時間調査（令和6年度、1人1か月あたりの分）【合成データ】"
SHEET = "調査結果"


def _round(minutes: np.ndarray) -> np.ndarray:
    return np.round(np.maximum(minutes, 0) / ROUND_TO) * ROUND_TO


def generate(out_dir: Path, size: str, seed: int) -> None:
    rng = np.random.default_rng(seed)
    staff = SIZES[size]
    names = list(DEPARTMENTS)
    # Equal-sized departments in the course data; the full data varies sizes.
    if size == "small":
        departments = np.repeat(names, staff // len(names))
    else:
        departments = rng.choice(names, staff)
    rng.shuffle(departments)
    before_true = BEFORE_MEDIAN * rng.lognormal(0.0, BEFORE_SIGMA, staff)
    saving = rng.normal([DEPARTMENTS[d] for d in departments], SAVING_SD)
    saving = np.where(rng.random(staff) < NON_USER_SHARE, 0.0, np.maximum(saving, 0.0))
    before = _round(before_true + rng.normal(0, REPORT_NOISE_SD, staff))
    after = _round(before_true - saving + rng.normal(0, REPORT_NOISE_SD, staff))
    frame = pd.DataFrame(
        {
            "職員ID": [f"S{i + 1:04d}" for i in range(staff)],
            "部署": departments,
            "導入前_分": before.astype(float),
            "導入後_分": after.astype(float),
        }
    )
    frame = frame.sort_values(["部署", "職員ID"], key=_department_order).reset_index(drop=True)
    # Blank cells: moved or on leave after the introduction (no 導入後), and hired during
    # the year (no 導入前).
    n_after = max(3, staff * 2 // 100)
    n_before = max(1, staff // 100)
    blank = rng.choice(staff, n_after + n_before, replace=False)
    frame.loc[np.sort(blank[:n_after]), "導入後_分"] = np.nan
    frame.loc[np.sort(blank[n_after:]), "導入前_分"] = np.nan
    write_titled_xlsx(out_dir / "genai_work_time.xlsx", {SHEET: frame}, {SHEET: TITLE})


def _department_order(column: pd.Series) -> pd.Series:
    if column.name == "部署":
        return column.map({name: i for i, name in enumerate(DEPARTMENTS)})
    return column


DATASET = register(
    Dataset(
        name="genai_work_time",
        title="生成AI導入前後の業務時間（合成データ）",
        synthetic=True,
        files=(DataFile("genai_work_time.xlsx", {"sheet_name": SHEET, "header": 2}),),
        generate=generate,
        seed=25,
    )
)
