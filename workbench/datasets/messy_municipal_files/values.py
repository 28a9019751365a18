"""The clean values behind the messy files: municipalities, vital statistics, establishments,
grant applications and online requests of the fictional さくら県, drawn from one seed.

The package's ``__init__`` renders them into the quirky files; tests compare what parsing
those files gives back with :func:`clean_frames`.
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd

PREF_CODE = "48"  # not a real prefecture code: real ones end at 47
PREF_NAME = "さくら県"

# (name, kind, typical population): the six cities and towns of unit 01 and their neighbours.
SMALL_MUNICIPALITIES = [
    ("中央市", "市", 290_000),
    ("港南市", "市", 150_000),
    ("青葉市", "市", 110_000),
    ("桜川市", "市", 70_000),
    ("南浜市", "市", 55_000),
    ("若葉市", "市", 42_000),
    ("白鷺市", "市", 33_000),
    ("北山町", "町", 24_000),
    ("西川町", "町", 18_000),
    ("旭町", "町", 15_000),
    ("山手町", "町", 12_000),
    ("緑ヶ丘町", "町", 11_000),
    ("浜通町", "町", 9_500),
    ("本郷町", "町", 8_000),
    ("朝霧町", "町", 6_500),
    ("松原町", "町", 5_000),
    ("東野村", "村", 4_200),
    ("大滝村", "村", 2_600),
    ("雲井村", "村", 1_300),
    ("星降村", "村", 420),
]
TINY_VILLAGE = "星降村"  # so small that it has no births in a year: "-" in the tables
FULL_MUNICIPALITIES = 150
_FULL_HEADS = [
    "北",
    "南",
    "東",
    "西",
    "中",
    "上",
    "下",
    "新",
    "大",
    "小",
    "高",
    "若",
    "朝",
    "白",
    "青",
]
_FULL_STEMS = ["山", "川", "野", "浜", "原", "田", "森", "沢", "島", "里", "台", "谷"]
_KIND_SHARES = {"市": 0.25, "町": 0.5, "村": 0.25}
_KIND_LOG_POP = {
    "市": (np.log(60_000), 0.6),
    "町": (np.log(11_000), 0.6),
    "村": (np.log(2_500), 0.7),
}

# Age structure and rates by kind (shares are typical of a rural Japanese prefecture).
_UNDER15 = {"市": (0.120, 0.008), "町": (0.105, 0.010), "村": (0.090, 0.012)}
_OVER65 = {"市": (0.290, 0.020), "町": (0.360, 0.030), "村": (0.430, 0.040)}
_AREA = {"市": (np.log(150), 0.5), "町": (np.log(90), 0.5), "村": (np.log(120), 0.6)}
_BIRTH_RATE = {"市": 0.0065, "町": 0.0052, "村": 0.0040}  # births per person and year
_MOVE_IN = {"市": 0.032, "町": 0.024, "村": 0.022}  # 転入 per person and year
_MOVE_OUT = {"市": 1.00, "町": 1.08, "村": 1.12}  # 転出 relative to 転入
VITAL_YEARS = (2022, 2023)

# 産業大分類 (e-Stat style codes), share of establishments, employees per establishment.
INDUSTRIES = [
    ("AB", "農林漁業", 0.015, 10),
    ("D", "建設業", 0.100, 7),
    ("E", "製造業", 0.070, 25),
    ("G", "情報通信業", 0.008, 12),
    ("I", "卸売業，小売業", 0.250, 9),
    ("M", "宿泊業，飲食サービス業", 0.120, 8),
    ("N", "生活関連サービス業，娯楽業", 0.080, 5),
    ("P", "医療，福祉", 0.090, 20),
    ("R", "サービス業（他に分類されないもの）", 0.060, 12),
    ("Z", "その他の産業", 0.207, 10),
]
ALL_INDUSTRIES = ("00", "全産業")
ESTAT_TAB = {"001": ("事業所数", "事業所"), "002": ("従業者数", "人")}
ESTAT_TIME = ("2021000000", "2021年")
SECRET, NONE = "***", "-"

# The call for grant applications of 令和元年度 ran across the change of era (2019-05-01)
# and the ten-day Golden Week holiday (2019-04-27 to 05-06), when no one could apply.
CALL_START, CALL_END = date(2019, 4, 8), date(2019, 6, 28)
HOLIDAYS = {date(2019, 4, 27) + timedelta(days=k) for k in range(10)}
DISTRICTS = [
    "本町",
    "緑が丘",
    "髙田",
    "旭",
    "桜台",
    "若葉",
    "川端",
    "山手",
    "浜通",
    "新町",
    "山﨑",
    "柳原",
]
ORGANISATIONS = [
    "まちづくり協議会",
    "商店会",
    "自治会",
    "子ども会育成会",
    "観光協会",
    "ｻｸﾗ倶楽部",
    "おやじの会",
]
REMARKS = ["", "①新規", "②継続", "③再申請"]
SUBSIDY_RATE, SUBSIDY_CAP = 0.5, 500_000
APPLICATIONS = {"small": 60, "full": 3000}

PROCEDURES = [  # (手続名, typical monthly count, online share in April 2024)
    ("施設予約", 5200, 0.62),
    ("各種証明書の交付申請", 2400, 0.35),
    ("職員採用試験の申込み", 900, 0.80),
    ("犬の登録・狂犬病予防注射", 650, 0.20),
    ("県営住宅の修繕依頼", 380, 0.28),
    ("イベント参加申込み", 1500, 0.55),
]
REQUEST_YEARS = {"small": 1, "full": 10}
LAST_REQUEST_FY = 2024


def _municipality_list(rng: np.random.Generator, size: str) -> list[tuple[str, str, float]]:
    if size == "small":
        return [(n, k, p * rng.lognormal(0.0, 0.05)) for n, k, p in SMALL_MUNICIPALITIES]
    stems = [h + s for h in _FULL_HEADS for s in _FULL_STEMS]
    names = [n for n, _, _ in SMALL_MUNICIPALITIES]
    result = [(n, k, p * rng.lognormal(0.0, 0.05)) for n, k, p in SMALL_MUNICIPALITIES]
    kinds = list(_KIND_SHARES)
    for stem in stems:
        if len(result) >= FULL_MUNICIPALITIES:
            break
        kind = str(rng.choice(kinds, p=list(_KIND_SHARES.values())))
        if stem + kind in names:
            continue
        mean, sd = _KIND_LOG_POP[kind]
        result.append((stem + kind, kind, float(np.clip(rng.lognormal(mean, sd), 300, 600_000))))
    return result


def _codes(kinds: list[str]) -> list[str]:
    """団体コード without check digit: 市 201…, 町 301…, 村 501…, in list order per kind."""
    start = {"市": 201, "町": 301, "村": 501}
    codes = []
    for kind in kinds:
        codes.append(f"{PREF_CODE}{start[kind]:03d}")
        start[kind] += 1
    return codes


def _municipalities(rng: np.random.Generator, size: str) -> pd.DataFrame:
    rows = []
    listing = _municipality_list(rng, size)
    codes = _codes([kind for _, kind, _ in listing])
    for code, (name, kind, scale) in zip(codes, listing, strict=True):
        total = int(round(scale))
        under15 = int(round(total * rng.normal(*_UNDER15[kind])))
        over65 = int(round(total * rng.normal(*_OVER65[kind])))
        male = int(round(total * rng.normal(0.483, 0.006)))
        rows.append(
            {
                "団体コード": code,
                "市町村名": name,
                "区分": kind,
                "総人口": total,
                "男": male,
                "女": total - male,
                "15歳未満": under15,
                "15～64歳": total - under15 - over65,
                "65歳以上": over65,
                "総面積": round(float(rng.lognormal(*_AREA[kind])), 2),
                # Each place keeps its own birth and move-in rates from year to year.
                "出生率": _BIRTH_RATE[kind] * rng.lognormal(0.0, 0.1),
                "転入率": _MOVE_IN[kind] * rng.lognormal(0.0, 0.15),
            }
        )
    return pd.DataFrame(rows)


def _vital(rng: np.random.Generator, towns: pd.DataFrame, year: int) -> pd.DataFrame:
    rows = []
    for town in towns.to_dict("records"):
        kind, people = town["区分"], town["総人口"]
        share65 = town["65歳以上"] / people
        births = (
            0 if town["市町村名"] == TINY_VILLAGE else int(rng.poisson(people * town["出生率"]))
        )
        deaths = int(rng.poisson(people * (2 + 30 * share65) / 1000))
        moved_in = int(rng.poisson(people * town["転入率"] * rng.lognormal(0.0, 0.03)))
        moved_out = int(rng.poisson(moved_in * _MOVE_OUT[kind] * rng.lognormal(0.0, 0.06)))
        rows.append(
            {
                "年": year,
                "団体コード": town["団体コード"],
                "市町村名": town["市町村名"],
                "出生": births,
                "死亡": deaths,
                "転入": moved_in,
                "転出": moved_out,
            }
        )
    frame = pd.DataFrame(rows)
    frame["自然増減"] = frame["出生"] - frame["死亡"]
    frame["社会増減"] = frame["転入"] - frame["転出"]
    return frame


def _establishments(rng: np.random.Generator, towns: pd.DataFrame) -> pd.DataFrame:
    shares = np.array([share for _, _, share, _ in INDUSTRIES])
    rows = []
    for town in towns.itertuples(index=False):
        total = max(3, int(round(town.総人口 * 0.045 * rng.lognormal(0.0, 0.1))))
        counts = rng.multinomial(total, shares / shares.sum())
        for (code, name, _, per_site), count in zip(INDUSTRIES, counts, strict=True):
            workers = (
                0
                if count == 0
                else max(int(count), int(round(count * per_site * rng.lognormal(0.0, 0.25))))
            )
            rows.append(
                {
                    "団体コード": town.団体コード,
                    "市町村名": town.市町村名,
                    "産業コード": code,
                    "産業": name,
                    "事業所数": int(count),
                    "従業者数": workers,
                }
            )
    return pd.DataFrame(rows)


def _business_days() -> list[date]:
    days, day = [], CALL_START
    while day <= CALL_END:
        if day.weekday() < 5 and day not in HOLIDAYS:
            days.append(day)
        day += timedelta(days=1)
    return days


def _applications(rng: np.random.Generator, towns: pd.DataFrame, count: int) -> pd.DataFrame:
    days = _business_days()
    # Applications pile up in the last two weeks before the deadline.
    weights = np.array([2.0 if (CALL_END - d).days < 14 else 1.0 for d in days])
    weights /= weights.sum()
    town_weights = towns["総人口"].to_numpy() ** 0.6
    town_weights = town_weights / town_weights.sum()
    rows = []
    for index in range(count):
        applied = days[int(rng.choice(len(days), p=weights))]
        latest = applied - timedelta(days=30)
        founded = date(1955, 1, 1) + timedelta(
            days=int(rng.integers(0, (latest - date(1955, 1, 1)).days))
        )
        cost = int(np.clip(round(rng.lognormal(np.log(900_000), 0.6), -3), 150_000, 5_000_000))
        rows.append(
            {
                "受付番号": f"S{index + 1:04d}",
                "申請日": applied,
                "団体名": str(rng.choice(DISTRICTS)) + str(rng.choice(ORGANISATIONS)),
                "市町村": str(towns["市町村名"].iloc[int(rng.choice(len(towns), p=town_weights))]),
                "設立日": founded,
                "事業費": cost,
                "申請額": min(int(cost * SUBSIDY_RATE) // 1000 * 1000, SUBSIDY_CAP),
                "備考": str(rng.choice(REMARKS, p=[0.4, 0.3, 0.25, 0.05])),
            }
        )
    frame = pd.DataFrame(rows)
    # Cases every file of this kind contains, fixed so that the small file has them all.
    frame.loc[0, "団体名"] = "髙田まちづくり協議会"
    frame.loc[1, "団体名"] = "山﨑自治会"
    frame.loc[2, "備考"] = "①新規"
    special = {
        3: date(1989, 1, 5),  # 昭和64年: the era's last week, same year as 平成元年
        4: date(1989, 6, 1),  # 平成元年
        5: date(2019, 2, 15),  # 平成31年
        6: date(2019, 5, 20),
    }  # 令和元年 (a group founded to apply for this grant)
    for row, founded in special.items():
        frame.loc[row, "設立日"] = founded
        frame.loc[row, "申請日"] = max(frame.loc[row, "申請日"], founded + timedelta(days=30))
    frame["設立年"] = [d.year for d in frame["設立日"]]
    frame["申請日"] = pd.to_datetime(frame["申請日"])
    return frame


def _requests(rng: np.random.Generator, years: int) -> pd.DataFrame:
    months = pd.date_range(f"{LAST_REQUEST_FY - years + 1}-04-01", periods=12 * years, freq="MS")
    rows = []
    for name, base, share in PROCEDURES:
        for step, month in enumerate(months):
            season = 1.25 if month.month in (3, 4) else 1.0
            total = int(round(base * season * rng.lognormal(0.0, 0.12)))
            # Online use grows about 4 points a year in every procedure.
            online_share = np.clip(share + 0.04 * (step - 12 * (years - 1)) / 12, 0.02, 0.97)
            online = int(rng.binomial(total, online_share))
            rows.append(
                {
                    "年月": month.strftime("%Y-%m"),
                    "手続名": name,
                    "受付件数": total,
                    "オンライン件数": online,
                    "オンライン率": round(100 * online / total, 1),
                }
            )
    return pd.DataFrame(rows).sort_values(["年月", "手続名"], kind="stable", ignore_index=True)


def clean_frames(size: str = "small", seed: int = 20240401) -> dict[str, pd.DataFrame]:
    """The true values behind every file, before any quirk is applied.

    Keys: towns (one row per municipality; 出生率 and 転入率 are the per-person rates
    drawn for it, not published), vital (人口動態 by 年), establishments (long:
    municipality × industry), applications (dates as datetime, amounts as int, 設立年 as
    western year), requests (電子申請 by month and procedure).
    """
    rng = np.random.default_rng([seed, 0])
    towns = _municipalities(rng, size)
    vital = pd.concat([_vital(rng, towns, year) for year in VITAL_YEARS], ignore_index=True)
    establishments = _establishments(rng, towns)
    applications = _applications(rng, towns, APPLICATIONS[size])
    requests = _requests(rng, REQUEST_YEARS[size])
    return {
        "towns": towns,
        "vital": vital,
        "establishments": establishments,
        "applications": applications,
        "requests": requests,
    }
