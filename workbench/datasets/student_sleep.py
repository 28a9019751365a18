"""Student's sleep data (real): the paired example with which the t-test was introduced.

Cushny and Peebles (1905) measured the extra hours of sleep that two hypnotic drugs gave
ten patients compared with nights without a drug; Student (1908) used the ten pairs to
introduce the t distribution, and R ships them as ``datasets::sleep``. The values are
printed in both papers and in R; nothing is simulated, so size and seed do not change
the bytes. Published results for these numbers (R's ``t.test`` on ``sleep``) anchor the
independent checks in tests/test_statistics_04.py.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from workbench.datasets.registry import DataFile, Dataset, register

# Extra hours of sleep per patient, drug 1 and drug 2, in R's datasets::sleep order.
DRUG1 = [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0]
DRUG2 = [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4]
COLUMNS = ["患者", "薬剤1_増加時間", "薬剤2_増加時間"]


def generate(out_dir: Path, size: str, seed: int) -> None:
    frame = pd.DataFrame(
        {COLUMNS[0]: range(1, len(DRUG1) + 1), COLUMNS[1]: DRUG1, COLUMNS[2]: DRUG2}
    )
    frame.to_csv(out_dir / "student_sleep.csv", index=False, encoding="utf-8", lineterminator="\n")


DATASET = register(
    Dataset(
        name="student_sleep",
        title="Student（1908）の睡眠データ（実データ）",
        synthetic=False,
        files=(DataFile("student_sleep.csv"),),
        generate=generate,
    )
)
