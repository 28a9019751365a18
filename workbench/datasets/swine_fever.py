"""豚熱（CSF）の発生状況 (synthetic): farm outbreaks and wild-boar surveillance.

Three cp932 CSV files in the shapes a prefecture's livestock section works with:
- ``csf_outbreaks.csv``: the 事例 list of farm outbreaks (事例番号, 発生場所 = prefecture,
  municipality and farm type, 発生日, 飼養頭数, 防疫措置 start and end). The first case is
  2018-09-09 and 39 cases fall in September 2018 to August 2019, as in Japan's real
  record (REFERENCE.md §C); places are fictional.
- ``wild_boar_tests.csv``: wild boars tested and positive per municipality × month ×
  状態 (捕獲/狩猟/調査/死亡) in the fictional さくら県, with a "県計" row per month and state.
- ``municipalities.csv``: the municipalities' positions (km from the prefecture's south-west
  corner) and number of pig farms.

The epidemic in wild boars starts at みなと市 in September 2018 and moves outward as a
front (about 2.5 km a month); a municipality's farms break out a few months after the
front arrives, so wild-boar positives can warn farmers ahead of farm outbreaks. Positive
rates are tuned to the magnitudes in REFERENCE.md §C: about 10 % overall, about 50 % of
found-dead animals and about 8 % of captured animals.

Deliberate dirt: 和暦 dates in several spellings (平成30年9月9日, H30.11.16, R1.9.9,
令和元年7月25日) mixed with western ones, 全角数字 and thousands separators, duplicate
事例 rows (one exact, two re-typed), "－" (not surveyed: no hunting season) and "…"
(not yet reported), 状態 spelling variants (死亡個体, 調査捕獲, trailing spaces), and
"県計" totals rows mixed in with the municipalities.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

import numpy as np
import pandas as pd

from workbench.datasets.files import write_excel_csv
from workbench.datasets.registry import DataFile, Dataset, register

PREFECTURE = "さくら県"
EPICENTRE = "みなと市"
FIRST_CASE = pd.Timestamp("2018-09-09")
FIRST_YEAR_END = pd.Timestamp("2019-08-31")
FIRST_YEAR_CASES = 39  # REFERENCE.md §C: 39 farm outbreaks Sept 2018 – Aug 2019
START_MONTH = pd.Timestamp("2018-09-01")
SIZES = {
    "small": {"municipalities": 16, "end": pd.Timestamp("2020-12-01")},
    "full": {"municipalities": 42, "end": pd.Timestamp("2025-10-01")},
}
MUNICIPALITIES = [
    "みなと市",
    "桜台市",
    "若葉町",
    "川辺町",
    "朝日市",
    "白石町",
    "本郷村",
    "柳田市",
    "松原町",
    "梅谷町",
    "緑ヶ丘市",
    "高原町",
    "鳥居村",
    "花園町",
    "大川市",
    "清水町",
    "青葉市",
    "山手町",
    "竹の内村",
    "星野村",
    "月見町",
    "森下村",
    "岩倉町",
    "小野村",
    "石田村",
    "滝沢町",
    "長峰村",
    "春日町",
    "秋山村",
    "冬木村",
    "夏目町",
    "水沢町",
    "雲井村",
    "霧ヶ峰村",
    "葉山町",
    "北浦町",
    "東雲市",
    "西峰村",
    "南郷町",
    "中里村",
    "奥沢村",
    "上野原町",
]
NEIGHBOURS = {
    "もみじ県": ["紅葉市", "錦町", "千草市", "山吹町"],
    "かえで県": ["楓市", "若宮町", "杉山村"],
}
FARM_TYPES = ["一貫経営農場", "肥育農場", "繁殖農場"]
STATES = ["捕獲", "狩猟", "調査", "死亡"]
HUNTING_MONTHS = {11, 12, 1, 2}  # 狩猟期間 (mid-Nov to mid-Feb): no 狩猟 rows otherwise
FRONT_KM_PER_MONTH = 2.5  # invented: speed of the wild-boar front
# Tested animals per municipality-month and state (before the municipality's own weight).
# Invented, scaled so the full data come near Gifu's 17,242 tests to 2025-10 (REFERENCE §C).
TEST_RATES = {"捕獲": 3.0, "狩猟": 3.2, "調査": 0.5}
DEAD_BASE, DEAD_EXCESS = 0.08, 0.30  # found dead: background and epidemic excess per month
MAP_SEED = 11  # the map is fixed; only counts depend on the seed


def _municipalities(count: int) -> pd.DataFrame:
    """Positions in km: the first 16 (small size) lie in the south, near the epicentre."""
    layout = np.random.default_rng(MAP_SEED)
    east = np.empty(len(MUNICIPALITIES))
    north = np.empty(len(MUNICIPALITIES))
    east[0], north[0] = 32.0, 14.0
    radius = np.concatenate([np.linspace(8, 52, 15), np.linspace(45, 105, 26)])
    angle = layout.uniform(0.15, np.pi - 0.15, len(radius))
    east[1:] = np.clip(32.0 + radius * np.cos(angle), 2, 88)
    north[1:] = np.clip(14.0 + radius * np.sin(angle) * 0.95, 2, 118)
    farms = layout.integers(0, 9, len(MUNICIPALITIES))
    farms[:16] = layout.integers(2, 13, 16)
    frame = pd.DataFrame(
        {
            "市町村": MUNICIPALITIES,
            "東西_km": east.round(1),
            "南北_km": north.round(1),
            "養豚農場数": farms,
        }
    )
    return frame.iloc[:count].reset_index(drop=True)


def _distance(munis: pd.DataFrame) -> np.ndarray:
    centre = munis.iloc[0]
    return np.hypot(munis["東西_km"] - centre["東西_km"], munis["南北_km"] - centre["南北_km"])


def _onsets(rng: np.random.Generator, munis: pd.DataFrame) -> np.ndarray:
    """Months after 2018-09 when the front reaches each municipality (epicentre: 0)."""
    onset = _distance(munis).to_numpy() / FRONT_KM_PER_MONTH + rng.normal(0, 1.5, len(munis))
    onset[0] = 0.0
    return np.clip(onset, 0.5, None) * (np.arange(len(munis)) > 0)


def _live_prevalence(since: np.ndarray) -> np.ndarray:
    """Share of live-captured boars that test positive, by months since the front arrived."""
    s = np.clip(since, 0, None)
    wave = 0.30 * (1 - np.exp(-(s + 0.5) / 1.2)) * np.exp(-s / 7.0)
    endemic = 0.07 * (1 - np.exp(-s / 2.0))
    return np.where(since >= 0, wave + endemic, 0.0)


def _surveillance(rng, munis, onset, months) -> pd.DataFrame:
    n_m, n_t = len(munis), len(months)
    month_index = np.arange(n_t)
    since = month_index[None, :] - onset[:, None]  # municipality × month
    prevalence = _live_prevalence(since)
    weight = rng.lognormal(0.0, 0.45, n_m)[:, None] * np.ones((1, n_t))
    is_hunting = np.isin(months.month, list(HUNTING_MONTHS))[None, :] * np.ones((n_m, 1))
    tested, positive, surveyed = {}, {}, {}
    for state, rate in TEST_RATES.items():
        lam = rate * weight * (is_hunting if state == "狩猟" else 1.0)
        n = rng.poisson(lam)
        tested[state] = n
        positive[state] = rng.binomial(n, prevalence)
        surveyed[state] = is_hunting.astype(bool) if state == "狩猟" else np.ones_like(n, bool)
    excess = DEAD_EXCESS * prevalence / 0.3
    n_dead = rng.poisson((DEAD_BASE + excess) * weight)
    p_dead = np.where(prevalence > 0, 0.95 * excess / (DEAD_BASE + excess + 1e-12), 0.0)
    tested["死亡"] = n_dead
    positive["死亡"] = rng.binomial(n_dead, np.clip(p_dead, 0, 1))
    surveyed["死亡"] = np.ones_like(n_dead, bool)

    grid = pd.MultiIndex.from_product(
        [range(n_t), range(n_m), range(len(STATES))], names=["t", "m", "s"]
    ).to_frame(index=False)
    t, m, s = grid["t"].to_numpy(), grid["m"].to_numpy(), grid["s"].to_numpy()
    tested_arr = np.stack([tested[state] for state in STATES])  # state × muni × month
    positive_arr = np.stack([positive[state] for state in STATES])
    surveyed_arr = np.stack([surveyed[state] for state in STATES])
    frame = pd.DataFrame(
        {
            "t": t,
            "order": m,
            "市町村": munis["市町村"].to_numpy()[m],
            "状態": np.array(STATES)[s],
            "検査頭数": tested_arr[s, m, t].astype(float),
            "陽性頭数": positive_arr[s, m, t].astype(float),
            "surveyed": surveyed_arr[s, m, t],
        }
    )
    frame.loc[~frame["surveyed"], ["検査頭数", "陽性頭数"]] = np.nan
    return frame


def _text_counts(rng, frame: pd.DataFrame, n_t: int, n_m: int) -> pd.DataFrame:
    """Turn counts into the text an Excel export shows: －, …, 全角数字."""
    out = frame.copy()
    unreported = out["surveyed"] & (
        ((out["t"] == n_t - 1) & out["order"].isin(rng.choice(n_m, 3, replace=False)))
        | (rng.random(len(out)) < 0.004)
    )
    for column in ["検査頭数", "陽性頭数"]:
        values = out[column]
        text = values.fillna(0).astype(int).astype(str)
        zenkaku = rng.random(len(out)) < 0.04
        text = text.where(~zenkaku, text.map(_to_zenkaku))
        text = text.where(out["surveyed"], "－")
        text = text.where(~unreported, "…")
        out[column] = text
    return out


def _to_zenkaku(text: str) -> str:
    return text.translate(str.maketrans("0123456789,", "０１２３４５６７８９，"))


def _state_labels(rng, states: pd.Series) -> pd.Series:
    draw = rng.random(len(states))
    labels = states.copy()
    labels = labels.where(~((states == "死亡") & (draw < 0.35)), "死亡個体")
    labels = labels.where(~((states == "調査") & (draw < 0.30)), "調査捕獲")
    labels = labels.where(~((states == "捕獲") & (draw < 0.02)), "捕獲 ")
    return labels


def _with_totals(frame: pd.DataFrame, months: pd.DatetimeIndex) -> pd.DataFrame:
    """Append the 県計 row per month and state after each month's municipalities."""
    totals = (
        frame.groupby(["t", "状態"], sort=False)[["検査頭数", "陽性頭数"]]
        .sum(min_count=1)
        .reset_index()
    )
    totals["市町村"] = "県計"
    totals["order"] = 10_000
    totals["surveyed"] = totals["検査頭数"].notna()
    both = pd.concat([frame, totals], ignore_index=True)
    state_order = {state: i for i, state in enumerate(STATES)}
    both["s"] = both["状態"].map(state_order)
    both = both.sort_values(["t", "order", "s"], kind="stable").reset_index(drop=True)
    both["年月"] = [f"{months[i].year}年{months[i].month}月" for i in both["t"]]
    return both


def _wareki(day: pd.Timestamp, style: int) -> str:
    if style == 0:
        return f"{day.year}/{day.month}/{day.day}"
    if day < pd.Timestamp("2019-05-01"):
        year = day.year - 1988
        if style == 1:
            return f"平成{year}年{day.month}月{day.day}日"
        return f"H{year}.{day.month}.{day.day}"
    year = day.year - 2018
    if style == 1:
        return f"令和{'元' if year == 1 else year}年{day.month}月{day.day}日"
    return f"R{year}.{day.month}.{day.day}"


def _outbreaks(rng, munis: pd.DataFrame, onset: np.ndarray) -> pd.DataFrame:
    """The 事例 list: 39 cases in the first year and later sporadic ones."""
    small = munis.iloc[:16]
    onset_day = START_MONTH + pd.to_timedelta(onset[:16] * 30.4, unit="D")
    rows = [("さくら県", EPICENTRE, FIRST_CASE, "一貫経営農場")]
    # さくら県 farms: a few months after the front reached the municipality.
    reached = onset_day < FIRST_YEAR_END - pd.Timedelta(days=120)
    eligible = np.flatnonzero(reached & (small["養豚農場数"] > 0))
    eligible = eligible[eligible > 0]
    picks = rng.choice(eligible, 24, replace=True)
    for index in picks:
        lag = rng.uniform(100, 280)
        day = onset_day[index] + pd.Timedelta(days=float(lag))
        if day > FIRST_YEAR_END:
            span = (FIRST_YEAR_END - onset_day[index]).days
            day = onset_day[index] + pd.Timedelta(days=int(rng.integers(min(90, span - 1), span)))
        kind = str(rng.choice(FARM_TYPES))
        rows.append(("さくら県", small["市町村"].iloc[index], day.normalize(), kind))
    # Two facilities hit ahead of the wild-boar front (people, vehicles, goods).
    for town, first_day, kind in [
        ("梅谷町", "2019-01-15", "試験研究施設"),
        ("高原町", "2019-06-10", "観光施設"),
    ]:
        day = pd.Timestamp(first_day) + pd.Timedelta(days=int(rng.integers(0, 20)))
        rows.append(("さくら県", town, day, kind))
    # Neighbouring prefectures: spread from spring 2019 (no surveillance data given).
    for _ in range(FIRST_YEAR_CASES - len(rows)):
        pref = str(rng.choice(list(NEIGHBOURS)))
        city = str(rng.choice(NEIGHBOURS[pref]))
        day = pd.Timestamp("2019-02-01") + pd.Timedelta(days=int(rng.integers(0, 210)))
        rows.append((pref, city, day, str(rng.choice(FARM_TYPES))))
    # After the first year: fewer cases (vaccination of pigs), some in later-reached places.
    later = onset_day[(onset_day > FIRST_YEAR_END - pd.Timedelta(days=60))]
    late_munis = small["市町村"].to_numpy()[onset_day > FIRST_YEAR_END - pd.Timedelta(days=60)]
    for index in range(len(later)):
        day = later[index] + pd.Timedelta(days=int(rng.integers(100, 280)))
        day = max(day, FIRST_YEAR_END + pd.Timedelta(days=5))
        kind = str(rng.choice(FARM_TYPES))
        rows.append(("さくら県", late_munis[index], day.normalize(), kind))
    for _ in range(9):
        pref = str(rng.choice(list(NEIGHBOURS)))
        day = pd.Timestamp("2019-09-10") + pd.Timedelta(days=int(rng.integers(0, 1500)))
        rows.append((pref, str(rng.choice(NEIGHBOURS[pref])), day, str(rng.choice(FARM_TYPES))))
    table = pd.DataFrame(rows, columns=["県", "市町村", "発生日", "種類"])
    table = table.sort_values("発生日", kind="stable").reset_index(drop=True)
    heads = np.exp(rng.normal(6.5, 0.95, len(table)))
    heads = np.where(table["種類"] == "観光施設", 10, heads)
    heads = np.where(table["種類"] == "試験研究施設", 420, heads)
    heads[int(rng.integers(5, 30))] = 7960  # the largest farm (REFERENCE: up to ≈8,000)
    table["飼養頭数"] = np.clip(np.round(heads), 10, 8000).astype(int)
    start = table["発生日"] + pd.to_timedelta(rng.integers(0, 2, len(table)), unit="D")
    days = np.ceil(table["飼養頭数"] / 900) + rng.integers(2, 6, len(table))
    table["防疫措置開始"] = start
    table["防疫措置終了"] = start + pd.to_timedelta(days, unit="D")
    table["事例番号"] = np.arange(1, len(table) + 1)
    return table


def _dates(days: pd.Series, style: np.ndarray) -> list[str]:
    return [_wareki(day, s) for day, s in zip(days, style, strict=True)]


def _outbreak_text(rng, table: pd.DataFrame) -> pd.DataFrame:
    style = rng.integers(0, 3, len(table))
    style[0] = 1  # the first case as the press release wrote it: 平成30年9月9日
    out = pd.DataFrame(
        {
            "事例番号": table["事例番号"].astype(str),
            "発生場所": table["県"] + table["市町村"] + "（" + table["種類"] + "）",
            "発生日": _dates(table["発生日"], style),
            "飼養頭数": [f"{n:,}" for n in table["飼養頭数"]],
            "防疫措置開始": _dates(table["防疫措置開始"], style),
            "防疫措置終了": _dates(table["防疫措置終了"], style),
        }
    )
    zen = rng.random(len(out)) < 0.2
    out.loc[zen, "飼養頭数"] = out.loc[zen, "飼養頭数"].map(_to_zenkaku)
    # Duplicates: one row pasted twice, two rows re-typed with another date spelling.
    dup = rng.choice(np.arange(3, len(out)), 3, replace=False)
    retyped = out.iloc[dup[1:]].copy()
    retyped["発生日"] = [_wareki(table["発生日"].iloc[i], 0) for i in dup[1:]]
    retyped["飼養頭数"] = retyped["飼養頭数"].map(lambda s: unicodedata.normalize("NFKC", s))
    out = pd.concat([out, out.iloc[[dup[0]]], retyped])
    order = np.argsort(out["事例番号"].astype(int).to_numpy(), kind="stable")
    return out.iloc[order].reset_index(drop=True)


def generate(out_dir: Path, size: str, seed: int) -> None:
    rng = np.random.default_rng(seed)
    spec = SIZES[size]
    months = pd.date_range(START_MONTH, spec["end"], freq="MS")
    all_munis = _municipalities(len(MUNICIPALITIES))
    onset_all = _onsets(rng, all_munis)
    outbreaks = _outbreaks(rng, all_munis, onset_all)
    munis = all_munis.iloc[: spec["municipalities"]]
    onset = onset_all[: spec["municipalities"]]
    frame = _surveillance(rng, munis, onset, months)
    frame = _with_totals(frame, months)
    frame = _text_counts(rng, frame, len(months), len(munis))
    frame["状態"] = _state_labels(rng, frame["状態"])
    write_excel_csv(
        frame[["年月", "市町村", "状態", "検査頭数", "陽性頭数"]], out_dir / "wild_boar_tests.csv"
    )
    write_excel_csv(_outbreak_text(rng, outbreaks), out_dir / "csf_outbreaks.csv")
    write_excel_csv(munis, out_dir / "municipalities.csv")


DATASET = register(
    Dataset(
        name="swine_fever",
        title="豚熱の発生事例と野生イノシシの検査結果（合成データ）",
        synthetic=True,
        files=(
            DataFile("wild_boar_tests.csv", {"encoding": "cp932"}),
            DataFile("csf_outbreaks.csv", {"encoding": "cp932"}),
            DataFile("municipalities.csv", {"encoding": "cp932"}),
        ),
        generate=generate,
    )
)
