"""県庁DXの公表指標 (real): figures printed in a prefecture's published DX reports.

The values are transcribed from the reports summarised in the project's shared
REFERENCE.md §A; nothing here is simulated. The generator only lays them out as a tidy
UTF-8 CSV, so size and seed do not change the bytes.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from workbench.datasets.registry import DataFile, Dataset, register

# (指標, 和暦年度, 西暦年度, 値, 単位, 備考)
FIGURES = [
    ("テレワーク1日平均利用者数", "令和2年度", 2020, 391, "人", ""),
    ("テレワーク1日平均利用者数", "令和3年度", 2021, 620, "人", ""),
    ("テレワーク1日平均利用者数", "令和4年度", 2022, 363, "人", ""),
    ("テレワーク1日平均利用者数", "令和5年度", 2023, 343, "人", ""),
    ("テレワーク1日平均利用者数", "令和6年度", 2024, 282, "人", "4〜6月のみ"),
    ("立会人型電子契約", "令和3年度", 2021, 1205, "件", ""),
    ("立会人型電子契約", "令和4年度", 2022, 2653, "件", ""),
    ("立会人型電子契約", "令和5年度", 2023, 3464, "件", ""),
    ("電子公印", "令和3年度", 2021, 499, "件", ""),
    ("電子公印", "令和4年度", 2022, 1828, "件", ""),
    ("電子公印", "令和5年度", 2023, 5282, "件", ""),
    ("AI-OCR読取枚数", "令和5年度", 2023, 14031, "枚", "前年度比186.6%"),
    ("電子申請", "令和5年度", 2023, 520762, "件", "令和元年度の約5倍"),
    ("施設予約（オンライン）", "令和5年度", 2023, 385374, "件", "全予約の約31%"),
    ("RPA導入業務数", "令和元年度", 2019, 20, "業務", ""),
    ("RPA導入業務数", "令和2年度", 2020, 20, "業務", ""),
    ("RPA導入業務数", "令和3年度", 2021, 20, "業務", "うち内製10"),
    ("RPA導入業務数", "令和4年度", 2022, 20, "業務", "うち内製15"),
    ("RPA導入業務数", "令和5年度", 2023, 25, "業務", "うち内製22、累計105"),
    ("情報関連予算要求額", "平成22年度", 2010, 74, "億円", ""),
    ("情報関連予算要求額", "平成29年度", 2017, 48, "億円", ""),
]
COLUMNS = ["指標", "年度", "西暦年度", "値", "単位", "備考"]


def generate(out_dir: Path, size: str, seed: int) -> None:
    frame = pd.DataFrame(FIGURES, columns=COLUMNS)
    frame.to_csv(out_dir / "dx_indicators.csv", index=False, encoding="utf-8", lineterminator="\n")


DATASET = register(
    Dataset(
        name="dx_indicators",
        title="県庁DXの公表指標（実データ・転記値、出典資料は未確認）",
        synthetic=False,
        files=(DataFile("dx_indicators.csv", {"encoding": "utf-8", "keep_default_na": False}),),
        generate=generate,
    )
)
