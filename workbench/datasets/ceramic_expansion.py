"""耐熱陶器の試験焼成記録 (synthetic): thermal expansion of test batches at a ceramics lab.

A fictional prefectural ceramics research institute (さくら県窯業技術センター) fires test
batches of heat-resistant bodies in the 萬古焼 tradition and measures each batch's mean
linear thermal expansion coefficient (室温〜500 ℃, ×10⁻⁶/K) with a dilatometer. Shapes
follow REFERENCE.md §C: porcelain without petalite is about 5.35×10⁻⁶/K, 40–50 % petalite
gives near-zero expansion, ≥60 % petalite bodies (for direct flame) go slightly negative;
free quartz raises expansion, and a hotter or longer firing dissolves quartz into glass
and grows mullite, which lowers it. The effect of quartz therefore shrinks as the firing
temperature rises (a quartz × temperature interaction). The coefficient cannot be
computed from the oxide chemistry, which is why the unit fits an empirical regression.

Files, as the lab's spreadsheet exports them (cp932, CRLF):

- ``ceramic_batches.csv``: one row per test batch, with the dirt the unit cleans —
  全角数字, 焼成温度 written "1,250" or "1250℃", one dilatometer exporting ×10⁻⁷/K
  (flagged in 測定単位), blank soak times, batches registered twice, compositions that
  do not add up to 100 %, and one batch whose thermocouple failed (an outlier).
- ``ceramic_plans.csv``: recipes the 製造現場 plans to produce, for prediction and the
  耐熱食器 spec check (≤ 2.0×10⁻⁶/K).
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

import numpy as np
import pandas as pd

from workbench.datasets.files import write_excel_csv
from workbench.datasets.registry import DataFile, Dataset, register

# True response surface (×10⁻⁶/K). Reference point: 1250 ℃, 2 h soak, clay as the balance.
INTERCEPT = 4.40
PER_PETALITE = -0.088  # per 1 % petalite (β-spodumene / glass with near-zero expansion)
PER_QUARTZ = 0.080  # per 1 % quartz at 1250 ℃ (free quartz, α–β inversion at 573 ℃)
PER_FELDSPAR = 0.012  # per 1 % feldspar (glass former, close to the clay it replaces)
PER_100C = -0.55  # per +100 ℃ firing temperature (more glass and mullite)
QUARTZ_X_100C = -0.050  # quartz effect change per +100 ℃ (quartz dissolves into the glass)
PER_SOAK_HOUR = -0.10  # per extra hour at peak temperature
NOISE_SD = 0.20  # batch-to-batch scatter (mixing, kiln position, measurement)

# Recipe families: (share, petalite range %, firing temperature range ℃).
FAMILIES = {
    "磁器": (0.20, (0, 0), (1260, 1320)),
    "半耐熱": (0.25, (15, 35), (1200, 1300)),
    "耐熱": (0.40, (36, 52), (1180, 1280)),
    "直火": (0.15, (53, 65), (1180, 1260)),
}
SOAK_HOURS = np.array([1.0, 1.5, 2.0, 3.0, 4.0, 6.0])
SOAK_SHARE = np.array([0.10, 0.15, 0.35, 0.20, 0.15, 0.05])
STAFF = ["佐藤", "鈴木", "高橋", "田中", "伊藤"]
OLD_DILATOMETER_STAFF = "高橋"  # exports ×10⁻⁷/K from the old 2号機 on some days
NOTES = ["", "", "", "", "", "", "", "", "再焼成", "試験片2本の平均", "釉薬なし", "棚板上段"]
SIZES = {"small": 260, "full": 6000}

# Recipes planned by the 製造現場 (clean: typed in by the lab for this analysis).
PLANS = pd.DataFrame(
    {
        "配合名": ["土鍋A", "土鍋B", "耐熱皿C", "耐熱皿D", "耐熱マグE", "直火鍋F", "直火鍋G"],
        "ペタライト_%": [45, 40, 38, 42, 35, 60, 70],
        "石英_%": [6, 8, 10, 5, 12, 3, 2],
        "長石_%": [6, 8, 8, 8, 10, 4, 3],
        "粘土_%": [43, 44, 44, 45, 43, 33, 25],
        "焼成温度_℃": [1230, 1220, 1250, 1200, 1260, 1220, 1220],
        "保持時間_h": [2.0, 2.0, 3.0, 1.5, 2.0, 2.0, 2.0],
    }
)


def true_alpha(
    petalite: np.ndarray,
    quartz: np.ndarray,
    feldspar: np.ndarray,
    temp: np.ndarray,
    soak: np.ndarray,
) -> np.ndarray:
    """Mean expansion (×10⁻⁶/K) of a body fired as given, before batch-to-batch noise."""
    t100 = (temp - 1250.0) / 100.0
    return (
        INTERCEPT
        + PER_PETALITE * petalite
        + PER_QUARTZ * quartz
        + PER_FELDSPAR * feldspar
        + PER_100C * t100
        + QUARTZ_X_100C * quartz * t100
        + PER_SOAK_HOUR * (soak - 2.0)
    )


def _recipes(rng: np.random.Generator, n: int) -> pd.DataFrame:
    names = list(FAMILIES)
    share = np.array([FAMILIES[k][0] for k in names])
    family = rng.choice(len(names), size=n, p=share)
    p_low = np.array([FAMILIES[k][1][0] for k in names])[family]
    p_high = np.array([FAMILIES[k][1][1] for k in names])[family]
    petalite = np.floor(rng.uniform(p_low, p_high + 1)).astype(int)
    # Petalite replaces quartz and feldspar: heat-resistant bodies carry little free quartz.
    quartz = np.round(rng.uniform(2, np.maximum(30 - 0.42 * petalite, 4))).astype(int)
    feldspar = np.round(rng.uniform(2, np.maximum(28 - 0.40 * petalite, 4))).astype(int)
    clay = 100 - petalite - quartz - feldspar
    t_low = np.array([FAMILIES[k][2][0] for k in names])[family]
    t_high = np.array([FAMILIES[k][2][1] for k in names])[family]
    temp = np.round(rng.uniform(t_low, t_high) / 10) * 10
    soak = rng.choice(SOAK_HOURS, size=n, p=SOAK_SHARE)
    alpha = true_alpha(petalite, quartz, feldspar, temp, soak) + rng.normal(0, NOISE_SD, n)
    return pd.DataFrame(
        {
            "ペタライト_%": petalite,
            "石英_%": quartz,
            "長石_%": feldspar,
            "粘土_%": clay,
            "焼成温度_℃": temp.astype(int),
            "保持時間_h": soak,
            "熱膨張係数": np.round(alpha, 2),
        }
    )


def _zenkaku(text: str) -> str:
    """Half-width digits and '.' to full-width, as typed with the IME left on."""
    return text.translate(str.maketrans("0123456789.", "０１２３４５６７８９．"))


def batches(rng: np.random.Generator, n: int) -> pd.DataFrame:
    """The clean batch table (before the dirt) plus 試験日, 担当 and 備考."""
    table = _recipes(rng, n)
    days = pd.Timestamp("2022-04-01") + pd.to_timedelta(np.sort(rng.integers(0, 730, n)), "D")
    table.insert(0, "バッチID", [f"T{d:%y}-{i + 1:04d}" for i, d in enumerate(days)])
    table.insert(1, "試験日", days.strftime("%Y/%m/%d"))
    table["担当"] = rng.choice(STAFF, size=n)
    table["備考"] = rng.choice(NOTES, size=n)
    return table


def _dirty(rng: np.random.Generator, table: pd.DataFrame) -> pd.DataFrame:
    n = len(table)
    out = table.copy()
    # 焼成温度 as typed: "1250", "1,250", "1250℃" or full-width digits.
    temp = out["焼成温度_℃"].astype(str)
    style = rng.choice(4, size=n, p=[0.80, 0.08, 0.07, 0.05])
    temp = np.where(style == 1, temp.str[0] + "," + temp.str[1:], temp)
    temp = np.where(style == 2, pd.Series(temp) + "℃", temp)
    temp = np.where(style == 3, pd.Series(temp).map(_zenkaku), temp)
    out["焼成温度_℃"] = temp
    # One staff member sometimes exports from the old dilatometer in ×10⁻⁷/K.
    old_unit = (out["担当"].to_numpy() == OLD_DILATOMETER_STAFF) & (rng.random(n) < 0.35)
    alpha = np.where(old_unit, out["熱膨張係数"] * 10, out["熱膨張係数"])
    alpha_text = pd.Series(
        [f"{a:.1f}" if u else f"{a:.2f}" for a, u in zip(alpha, old_unit, strict=True)]
    )
    wide = rng.random(n) < 0.05
    alpha_text[wide] = alpha_text[wide].map(_zenkaku)
    out["熱膨張係数"] = alpha_text.to_numpy()
    out.insert(
        list(out.columns).index("熱膨張係数") + 1,
        "測定単位",
        np.where(old_unit, "×10^-7/K", "×10^-6/K"),
    )
    # Soak time not written down.
    soak = out["保持時間_h"].astype(float)
    soak[rng.random(n) < 0.03] = np.nan
    out["保持時間_h"] = soak
    # Composition typos: one figure mistyped, so the four no longer add up to 100 %.
    typo = np.flatnonzero(rng.random(n) < 0.025)
    for row, shift in zip(typo, rng.choice([-10, -5, 5, 10], size=len(typo)), strict=True):
        out.loc[row, "粘土_%"] = max(int(out.loc[row, "粘土_%"]) + int(shift), 5)
    # One batch fired with a failing thermocouple: the kiln ran far cooler than recorded.
    normal = np.flatnonzero(
        (out["測定単位"] == "×10^-6/K").to_numpy()
        & (out["備考"] == "").to_numpy()
        & (out["ペタライト_%"].to_numpy() >= 36)
    )
    bad = int(normal[len(normal) // 2])
    out.loc[bad, "熱膨張係数"] = f"{float(out.loc[bad, '熱膨張係数']) + 1.6:.2f}"
    out.loc[bad, "備考"] = "熱電対の表示が不安定"
    # Batches registered twice (the sheet was pasted into the master twice).
    twice = np.flatnonzero(rng.random(n) < 0.03)
    position = np.sort(np.concatenate([np.arange(n), twice + 0.5]))
    index = np.floor(position).astype(int)
    return out.iloc[index].reset_index(drop=True)


def generate(out_dir: Path, size: str, seed: int) -> None:
    rng = np.random.default_rng(seed)
    table = batches(rng, SIZES[size])
    write_excel_csv(_dirty(rng, table), out_dir / "ceramic_batches.csv")
    write_excel_csv(PLANS, out_dir / "ceramic_plans.csv")


def clean_number(text: str) -> float:
    """Reference cleaning of one typed number (for tests): drop '℃' and ',', then NFKC.

    The order matters: NFKC turns '℃' into '°C', which a later replace of '℃' misses.
    """
    plain = unicodedata.normalize("NFKC", str(text).replace("℃", "").replace(",", ""))
    return float(plain) if plain.strip() not in ("", "nan") else float("nan")


DATASET = register(
    Dataset(
        name="ceramic_expansion",
        title="耐熱陶器の試験焼成記録（合成データ）",
        synthetic=True,
        files=(
            DataFile("ceramic_batches.csv", {"encoding": "cp932"}),
            DataFile("ceramic_plans.csv", {"encoding": "cp932"}),
        ),
        generate=generate,
    )
)
