"""移住支援施策の効果測定 (synthetic): a municipality × fiscal-year migration panel.

Two cp932 CSV files in the shapes a prefecture's 政策評価 team receives:
- ``migration_panel.csv``: 住民基本台帳-style population, in-migrants and out-migrants per
  municipality and fiscal year (平成24年度〜令和6年度), with the dirt of a real compilation:
  和暦 year labels, 全角 digits, thousands separators, a "県計" row per year, "-" for a
  merged city before it existed and for its predecessors after the merger, and a town
  renamed on becoming a city (市制施行) under the same 団体コード;
- ``migration_programs.csv``: which municipalities started a 移住支援金 / お試し住宅
  program, and in which fiscal year (和暦): one main cohort in 平成30年度 and a few late
  adopters in 令和4年度.

The net migration rate per 1,000 population is built so that a course can teach
difference in differences honestly: municipalities follow parallel trends before the
policy by construction (a municipality level + a common year path), a nationwide shock
from 令和2年度 (コロナ禍: rural in-migration interest rose everywhere) lifts every
municipality, and the program adds ``EFFECT`` to the treated ones from their start year.
The treated municipalities were chosen because their net out-migration was worst
(selection on the level, not on the trend). :func:`expected_rates` gives the noise-free
rates so tests can check these properties exactly.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

import numpy as np
import pandas as pd

from workbench.datasets.files import write_excel_csv
from workbench.datasets.registry import DataFile, Dataset, register

PREFECTURE = "さくら県"
YEARS = tuple(range(2012, 2025))  # 平成24年度 … 令和6年度
POLICY_YEAR = 2018  # 平成30年度: main cohort starts
LATE_YEAR = 2022  # 令和4年度: late adopters (kept out of the single-cohort exercise)
MERGER_YEAR = 2016  # 平成28年度: 桜川市 formed from 旧桜川町 and 旧高瀬村
RENAME_YEAR = 2018  # 平成30年度: 北山町 becomes 北山市 (市制施行), same 団体コード

EFFECT = 2.0  # program effect on the net migration rate, per 1,000 population
TREND = -0.1  # common drift of the net migration rate per year, per 1,000
#: Common shock from 令和2年度: nationwide rise of rural in-migration (per 1,000).
SHOCK = {2020: 3.0, 2021: 4.0, 2022: 4.0, 2023: 3.5, 2024: 3.5}
YEAR_NOISE_SD = 0.3  # common year-to-year wiggle, the same for every municipality
IDIO_SD = 0.3  # municipality-year rate noise (per 1,000) before Poisson counting
NATURAL_CHANGE = (-9.0, 1.5)  # births − deaths per 1,000 (mean, sd): rural natural decrease

SIZES = {
    "small": {"municipalities": 36, "treated": 12, "late": 3},
    "full": {"municipalities": 1741, "treated": 520, "late": 140},
}

_HEAD = [
    "青葉",
    "北山",
    "西川",
    "東野",
    "南原",
    "白鳥",
    "大沢",
    "朝日",
    "緑川",
    "若松",
    "高森",
    "松浦",
    "竹田",
    "梅沢",
    "杉山",
    "柳瀬",
    "桑原",
    "栗田",
    "柿崎",
    "藤野",
    "菊池",
    "萩原",
    "浅間",
    "星野",
    "月岡",
    "日高",
    "雪代",
    "霧島",
    "沢内",
    "岩瀬",
    "水上",
    "石橋",
    "小泉",
    "今井",
    "春日",
    "夏目",
    "秋山",
    "冬木",
    "花巻",
    "鶴見",
    "亀山",
    "鹿野",
]
_TAIL = [
    "",
    "川",
    "田",
    "原",
    "野",
    "沢",
    "山",
    "岡",
    "浜",
    "谷",
    "島",
    "崎",
    "瀬",
    "坂",
    "森",
    "宮",
    "平",
    "台",
    "里",
    "江",
    "津",
    "尾",
    "根",
    "辺",
    "渕",
    "塚",
    "峰",
    "堀",
    "淵",
    "脇",
    "口",
    "本",
    "内",
    "尻",
    "倉",
    "見",
    "城",
    "門",
    "舘",
    "俣",
    "間",
    "地",
]
MERGED = "桜川市"
PREDECESSORS = ("旧桜川町", "旧高瀬村")
RENAMED = ("北山町", "北山市")


def wareki_fiscal_year(year: int) -> str:
    """平成24年度 … 令和元年度 … 令和6年度 (fiscal years; 令和 from 2019)."""
    if year >= 2019:
        number = year - 2018
        return f"令和{'元' if number == 1 else number}年度"
    return f"平成{year - 1988}年度"


def _zenkaku(text: str) -> str:
    """Half-width digits and commas to full width (the dirt NFKC undoes)."""
    return text.translate(str.maketrans("0123456789,", "０１２３４５６７８９，"))


def _names(count: int) -> list[str]:
    names: list[str] = [RENAMED[0], MERGED]
    for tail in _TAIL:
        for head in _HEAD:
            stem = head + tail
            if stem in ("北山", "桜川"):
                continue
            names.append(stem)
            if len(names) >= count:
                break
        if len(names) >= count:
            break
    kinds = ["市", "町", "町", "村"]
    out = [RENAMED[0], MERGED]
    for index, stem in enumerate(names[2:count]):
        out.append(stem + kinds[index % len(kinds)])
    return out


def municipalities(count: int, treated: int, late: int, seed: int) -> pd.DataFrame:
    """The municipality table: code, current name, level parameters and program start."""
    rng = np.random.default_rng(seed)
    names = _names(count)
    codes = [f"99{index + 1:04d}" for index in range(count)]
    population = np.clip(np.round(rng.lognormal(np.log(20000), 0.6, count)), 5000, 150000)
    # 北山町 is large enough to become a city (市制施行).
    population[0] = max(population[0], 30000 + rng.integers(1, 900))
    in_level = rng.normal(32.0, 4.0, count)
    net_level = rng.normal(-6.0, 3.0, count)
    # Selection: the program went first to the municipalities losing people fastest.
    score = net_level + rng.normal(0.0, 1.5, count)
    score[:2] = np.inf  # 北山 (renamed) and 桜川市 (merged) stay in the comparison group
    order = np.argsort(score, kind="stable")
    start = np.zeros(count, dtype=int)
    start[order[:treated]] = POLICY_YEAR
    rest = np.setdiff1d(np.arange(2, count), order[:treated])
    start[rng.choice(rest, late, replace=False)] = LATE_YEAR
    return pd.DataFrame(
        {
            "団体コード": codes,
            "市町村名": names,
            "人口0": population.astype(int),
            "転入水準": in_level,
            "純移動水準": net_level,
            "開始年度": start,
        }
    )


def expected_rates(munis: pd.DataFrame, year_noise: np.ndarray | None = None) -> pd.DataFrame:
    """Noise-free net migration rate per 1,000 for every municipality × year (long form).

    rate = municipality level + common path (trend, year wiggle, shock) + EFFECT × treated.
    The common path is identical for all municipalities, so pre-policy trends are exactly
    parallel.
    """
    years = np.array(YEARS)
    common = TREND * (years - YEARS[0]) + np.array([SHOCK.get(int(y), 0.0) for y in years])
    if year_noise is not None:
        common = common + year_noise
    n = len(munis)
    start = munis["開始年度"].to_numpy()
    active = (start[:, None] > 0) & (years[None, :] >= start[:, None])
    rate = munis["純移動水準"].to_numpy()[:, None] + common[None, :] + EFFECT * active
    return pd.DataFrame(
        {
            "団体コード": np.repeat(munis["団体コード"].to_numpy(), len(years)),
            "年度": np.tile(years, n),
            "実施中": active.ravel().astype(int),
            "期待純移動率": rate.ravel(),
            "共通要因": np.tile(common, n),
        }
    )


def simulate(munis: pd.DataFrame, seed: int) -> pd.DataFrame:
    """Counts per municipality × year: population (4/1), in- and out-migrants."""
    rng = np.random.default_rng(seed + 1)
    years = np.array(YEARS)
    n, t = len(munis), len(years)
    expected = expected_rates(munis, rng.normal(0.0, YEAR_NOISE_SD, t))
    net = expected["期待純移動率"].to_numpy().reshape(n, t) + rng.normal(0.0, IDIO_SD, (n, t))
    in_level = munis["転入水準"].to_numpy()[:, None]
    common_part = net - munis["純移動水準"].to_numpy()[:, None]
    # In-migration carries 70% of every change, out-migration the other 30%.
    in_rate = in_level + 0.7 * common_part
    out_rate = in_level - munis["純移動水準"].to_numpy()[:, None] - 0.3 * common_part
    natural = rng.normal(*NATURAL_CHANGE, (n, t))
    population = np.zeros((n, t), dtype=np.int64)
    moved_in = np.zeros((n, t), dtype=np.int64)
    moved_out = np.zeros((n, t), dtype=np.int64)
    current = munis["人口0"].to_numpy().astype(np.int64)
    for j in range(t):  # years only: each step is vectorised over municipalities
        population[:, j] = current
        moved_in[:, j] = rng.poisson(current * np.clip(in_rate[:, j], 1, None) / 1000)
        moved_out[:, j] = rng.poisson(current * np.clip(out_rate[:, j], 1, None) / 1000)
        current = (
            current
            + moved_in[:, j]
            - moved_out[:, j]
            + np.round(current * natural[:, j] / 1000).astype(np.int64)
        )
    return pd.DataFrame(
        {
            "団体コード": np.repeat(munis["団体コード"].to_numpy(), t),
            "市町村名": np.repeat(munis["市町村名"].to_numpy(), t),
            "年度": np.tile(years, n),
            "人口": population.ravel(),
            "転入者数": moved_in.ravel(),
            "転出者数": moved_out.ravel(),
        }
    )


def _with_merger(panel: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Split 桜川市's pre-merger years into its two predecessors; mark non-existence."""
    merged = panel["市町村名"] == MERGED
    code = panel.loc[merged, "団体コード"].iloc[0]
    before = merged & (panel["年度"] < MERGER_YEAR)
    share = 0.62
    parts = []
    for k, name in enumerate(PREDECESSORS):
        rows = panel.loc[before].copy()
        rows["団体コード"] = f"{code[:2]}9{code[3:5]}{k + 1}"
        rows["市町村名"] = name
        for column in ("人口", "転入者数", "転出者数"):
            first = rng.binomial(panel.loc[before, column].to_numpy(), share)
            rows[column] = first if k == 0 else panel.loc[before, column].to_numpy() - first
        parts.append(rows)
        after = rows.copy()
        after_years = [y for y in YEARS if y >= MERGER_YEAR]
        after = pd.DataFrame(
            {
                "団体コード": rows["団体コード"].iloc[0],
                "市町村名": name,
                "年度": after_years,
                "人口": -1,
                "転入者数": -1,
                "転出者数": -1,
            }
        )
        parts.append(after)
    out = panel.copy()
    out.loc[before, ["人口", "転入者数", "転出者数"]] = -1  # "-": 桜川市 did not exist yet
    return pd.concat([out, *parts], ignore_index=True)


def _dirty(panel: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Format as the compiled table arrives: 和暦, commas, 全角, "-", 県計 rows, renaming."""
    panel = panel.sort_values(["年度", "団体コード"], kind="stable").reset_index(drop=True)
    renamed = (panel["市町村名"] == RENAMED[0]) & (panel["年度"] >= RENAME_YEAR)
    panel.loc[renamed, "市町村名"] = RENAMED[1]
    counts = ["人口", "転入者数", "転出者数"]
    totals = panel[panel["人口"] >= 0].groupby("年度", as_index=False)[counts].sum()
    totals["団体コード"] = "990000"
    totals["市町村名"] = f"{PREFECTURE}計"
    totals["順"] = 0
    panel["順"] = 1
    table = (
        pd.concat([totals, panel], ignore_index=True)
        .sort_values(["年度", "順", "団体コード"], kind="stable")
        .reset_index(drop=True)
    )
    n = len(table)
    out = pd.DataFrame(
        {
            "年度": [wareki_fiscal_year(int(y)) for y in table["年度"]],
            "団体コード": table["団体コード"],
            "市町村名": table["市町村名"],
        }
    )
    zen_year = rng.random(n) < 0.08
    out.loc[zen_year, "年度"] = [_zenkaku(s) for s in out.loc[zen_year, "年度"]]
    for column, share in (("人口", 0.05), ("転入者数", 0.03), ("転出者数", 0.03)):
        values = table[column].to_numpy()
        text = [("-" if v < 0 else (f"{v:,}" if column == "人口" else str(v))) for v in values]
        zen = rng.random(n) < share
        out[column] = [
            (_zenkaku(s) if z and s != "-" else s) for s, z in zip(text, zen, strict=True)
        ]
    return out


def _programs(munis: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    started = munis[munis["開始年度"] > 0].sort_values("団体コード")
    kinds = np.array(["移住支援金", "お試し住宅", "移住支援金・お試し住宅"])
    names = started["市町村名"].where(started["市町村名"] != RENAMED[0], RENAMED[1])
    return pd.DataFrame(
        {
            "団体コード": started["団体コード"].to_numpy(),
            "市町村名": names.to_numpy(),
            "事業名": kinds[rng.integers(0, 3, len(started))],
            "開始年度": [
                unicodedata.normalize("NFKC", wareki_fiscal_year(int(y)))
                for y in started["開始年度"]
            ],
        }
    )


def generate(out_dir: Path, size: str, seed: int) -> None:
    spec = SIZES[size]
    munis = municipalities(spec["municipalities"], spec["treated"], spec["late"], seed)
    panel = simulate(munis, seed)
    rng = np.random.default_rng(seed + 2)
    panel = _with_merger(panel, rng)
    write_excel_csv(_dirty(panel, rng), out_dir / "migration_panel.csv")
    write_excel_csv(_programs(munis, rng), out_dir / "migration_programs.csv")


DATASET = register(
    Dataset(
        name="migration_policy",
        title="移住支援施策と人口移動（合成データ）",
        synthetic=True,
        files=(
            DataFile("migration_panel.csv", {"encoding": "cp932", "dtype": str}),
            DataFile("migration_programs.csv", {"encoding": "cp932", "dtype": str}),
        ),
        generate=generate,
        # The default seed gives a course dataset whose chance deviations in the pre-period
        # are small (event-study leads within ±0.5), so the charts teach the method rather
        # than the noise; tests check the design properties for any seed.
        seed=56,
    )
)
