"""公共施設の利用実績 (synthetic): monthly use of a fictional prefecture's public facilities.

Two files, in the shapes unit 01 practises on:
- ``facility_usage.csv``: one row per facility and month, saved like Excel on a Japanese
  PC (cp932, CRLF), with blank cells where a month's figure was not yet reported;
- ``facility_master.xlsx``: the facility register, a title in row 1 and the header in
  row 3, as office workbooks are laid out.
The register is dated 令和5年4月1日, so a facility opened in October is missing from it
and a facility closed in March is missing from the usage table: the two cases that make
VLOOKUP return #N/A and make inner and left joins differ.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from workbench.datasets.files import write_excel_csv, write_titled_xlsx
from workbench.datasets.registry import DataFile, Dataset, register

CITIES = ["中央市", "港南市", "青葉市", "北山町", "西川町", "東野村"]
DISTRICTS = ["本町", "緑が丘", "髙田", "旭", "桜台", "若葉", "川端", "山手", "浜通", "新町"]

# Per type: mean monthly visitors of a typical facility, visitors per booking, fee per
# booking (yen). Magnitudes follow what municipal facility reports publish.
FACILITY_TYPES = {
    "図書館": (9000, 150, 800),
    "体育館": (4500, 12, 1200),
    "公民館": (1500, 15, 900),
    "プール": (4000, 1.5, 600),
    "文化ホール": (3000, 120, 45000),
}
# Seasonality by month (April = index 0): pools peak in summer; halls in autumn.
SEASON = {
    "プール": [0.6, 0.8, 1.1, 1.9, 2.4, 1.3, 0.6, 0.4, 0.4, 0.4, 0.5, 0.6],
    "文化ホール": [0.8, 0.9, 0.9, 0.8, 0.9, 1.1, 1.3, 1.3, 1.1, 0.7, 1.0, 1.2],
}
MISSING_SHARE = 0.03
SIZES = {"small": {"facilities": 24, "years": 1}, "full": {"facilities": 400, "years": 10}}
LAST_FISCAL_YEAR = 2023


def _facilities(rng: np.random.Generator, count: int) -> pd.DataFrame:
    types = list(FACILITY_TYPES)
    rows = []
    for index in range(count):
        city = CITIES[index % len(CITIES)]
        kind = types[(index // len(CITIES) + index) % len(types)]
        district = DISTRICTS[(index // len(CITIES)) % len(DISTRICTS)]
        suffix = "" if index < len(CITIES) * len(DISTRICTS) else f"第{index // 60 + 1}"
        rows.append(
            {
                "施設ID": f"F{index + 1:04d}",
                "施設名": f"{city}立{district}{suffix}{kind}",
                "市町村": city,
                "種別": kind,
                "延床面積": int(rng.integers(4, 60) * 50),
                "開設年度": int(rng.integers(1970, 2020)),
                "指定管理": str(rng.choice(["あり", "なし"])),
                "規模": float(rng.lognormal(0.0, 0.35)),
            }
        )
    return pd.DataFrame(rows)


def _months(years: int) -> pd.DatetimeIndex:
    start = pd.Timestamp(year=LAST_FISCAL_YEAR - years + 1, month=4, day=1)
    return pd.date_range(start, periods=12 * years, freq="MS")


def _usage(rng: np.random.Generator, facilities: pd.DataFrame, months: pd.DatetimeIndex):
    records = []
    for facility in facilities.itertuples(index=False):
        mean_users, per_booking, fee = FACILITY_TYPES[facility.種別]
        season = SEASON.get(facility.種別, [1.0] * 12)
        for month in months:
            if month < facility.利用開始:
                continue
            factor = season[(month.month - 4) % 12] * rng.lognormal(0.0, 0.12)
            users = int(round(mean_users * facility.規模 * factor))
            bookings = max(1, int(round(users / per_booking)))
            revenue = int(round(bookings * fee * rng.uniform(0.85, 1.15), -1))
            records.append(
                {
                    "年月": month.strftime("%Y-%m"),
                    "施設ID": facility.施設ID,
                    "施設名": facility.施設名,
                    "市町村": facility.市町村,
                    "種別": facility.種別,
                    "利用件数": bookings,
                    "利用者数": float(users),
                    "使用料収入": revenue,
                }
            )
    usage = pd.DataFrame(records)
    # Round figures do occur; two exact 5,000s make the ">= vs >" boundary testable.
    boundary = rng.choice(np.flatnonzero(usage["利用者数"].between(4000, 6000)), 2, replace=False)
    usage.loc[boundary, "利用者数"] = 5000.0
    # Months not yet reported are blank in the export (集計中).
    candidates = np.setdiff1d(np.arange(len(usage)), boundary)
    n_missing = max(3, int(len(usage) * MISSING_SHARE))
    usage.loc[rng.choice(candidates, n_missing, replace=False), "利用者数"] = np.nan
    usage["利用者数"] = usage["利用者数"].astype("Int64")
    return usage


def generate(out_dir: Path, size: str, seed: int) -> None:
    rng = np.random.default_rng(seed)
    spec = SIZES[size]
    months = _months(spec["years"])
    facilities = _facilities(rng, spec["facilities"])
    facilities["利用開始"] = months[0]
    # The last facility opened in October of the final year: not yet in the register.
    opened = len(facilities) - 1
    facilities.loc[opened, "利用開始"] = pd.Timestamp(year=LAST_FISCAL_YEAR, month=10, day=1)
    facilities.loc[opened, "開設年度"] = LAST_FISCAL_YEAR
    usage = _usage(rng, facilities, months)
    write_excel_csv(usage, out_dir / "facility_usage.csv")

    register_rows = facilities.drop(index=opened)
    closed = pd.DataFrame(
        [
            {
                "施設ID": f"F{len(facilities) + 1:04d}",
                "施設名": "中央市立旧港町公民館",
                "市町村": "中央市",
                "種別": "公民館",
                "延床面積": 600,
                "開設年度": 1968,
                "指定管理": "なし",
            }
        ]
    )
    columns = ["施設ID", "施設名", "市町村", "種別", "延床面積", "開設年度", "指定管理"]
    master = pd.concat([register_rows[columns], closed], ignore_index=True)
    write_titled_xlsx(
        out_dir / "facility_master.xlsx",
        {"施設一覧": master},
        {"施設一覧": "さくら県 公共施設一覧（令和5年4月1日現在）【合成データ】"},
    )


DATASET = register(
    Dataset(
        name="facility_usage",
        title="公共施設の利用実績（合成データ）",
        synthetic=True,
        files=(
            DataFile("facility_usage.csv", {"encoding": "cp932"}),
            DataFile("facility_master.xlsx", {"sheet_name": "施設一覧", "header": 2}),
        ),
        generate=generate,
    )
)
