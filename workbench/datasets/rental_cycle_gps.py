"""レンタサイクルのGPSログ (synthetic): a rental-cycle fleet in a fictional tourist city.

Files (all flat in the size folder):
- ``gps_points.csv``: one row per GPS fix (logger every 1–5 s), timestamps as JST strings;
- ``trips.csv``: one row per rental (貸出・返却 times, bike, user);
- ``users.csv``: registered user attributes (性別・年代・国籍・利用目的), cp932 as exported
  from the rental system's Excel, with 全角 digits, half-width katakana and stray spaces;
- ``areas.csv`` and ``sights.csv``: the city's six areas (rectangles) and twelve sights.

The city 「湊城市」 and its coordinates are invented. Shapes come from REFERENCE.md §C:
tourist outings of 50–100 min and 5–10 km, loggers every 1–5 s, stops of ≥15 min count as
visits. Deliberate dirt: GPS jumps to (0, 0) or hundreds of km away, duplicated fixes,
gaps in the log, trips under 1 minute and one over 24 hours, 全角 in user attributes.

Generation is vectorised per chunk of trips: each trip is a list of waypoints (rental
port → sights → port, with an L-shaped street route between them and a parked period at
each sight), fixes are drawn at 1–5 s intervals and placed by linear interpolation
between waypoints (np.interp over all trips of a chunk at once), then GPS noise is added.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from scipy.signal import lfilter

from workbench.datasets.files import write_excel_csv
from workbench.datasets.registry import DataFile, Dataset, register

# Six areas of the fictional city (rectangles in degrees: south, north, west, east).
AREAS = [
    ("駅前", 34.9200, 34.9280, 135.8240, 135.8360),
    ("城跡", 34.9310, 34.9400, 135.8120, 135.8240),
    ("旧市街", 34.9290, 34.9360, 135.8370, 135.8480),
    ("寺町", 34.9390, 34.9460, 135.8400, 135.8520),
    ("温泉街", 34.9430, 34.9500, 135.8220, 135.8330),
    ("港", 34.9080, 34.9160, 135.8400, 135.8540),
]
BBOX = (34.90, 34.96, 135.80, 135.87)  # south, north, west, east of the whole city
SIGHTS = [
    ("駅前商店街", "駅前", 34.9255, 135.8310),
    ("観光案内所", "駅前", 34.9232, 135.8268),
    ("天守台", "城跡", 34.9372, 135.8165),
    ("城跡公園", "城跡", 34.9335, 135.8205),
    ("町家通り", "旧市街", 34.9320, 135.8420),
    ("酒蔵資料館", "旧市街", 34.9340, 135.8455),
    ("五重塔", "寺町", 34.9430, 135.8440),
    ("古刹・湊山寺", "寺町", 34.9415, 135.8490),
    ("足湯広場", "温泉街", 34.9470, 135.8260),
    ("共同浴場", "温泉街", 34.9455, 135.8300),
    ("朝市広場", "港", 34.9120, 135.8450),
    ("赤れんが倉庫", "港", 34.9105, 135.8500),
]
# Rental ports (貸出・返却ポート) in five of the areas, and how often trips start there.
PORTS = [
    ("駅前", 34.9245, 135.8290, 0.45),
    ("港", 34.9135, 135.8470, 0.20),
    ("温泉街", 34.9460, 135.8280, 0.15),
    ("旧市街", 34.9315, 135.8400, 0.12),
    ("城跡", 34.9320, 135.8225, 0.08),
]
NATIONALITY = [
    ("日本", 0.58),
    ("台湾", 0.10),
    ("韓国", 0.08),
    ("中国", 0.07),
    ("アメリカ", 0.07),
    ("オーストラリア", 0.04),
    ("フランス", 0.04),
    ("タイ", 0.02),
]
PURPOSE = [("観光", 0.76), ("通勤・通学", 0.09), ("業務", 0.05), ("買物・飲食", 0.10)]
AGES = ["10代", "20代", "30代", "40代", "50代", "60代", "70代以上"]
AGE_P = [0.04, 0.26, 0.22, 0.17, 0.14, 0.11, 0.06]
# Sight preference weights (same order as SIGHTS) for Japanese and foreign visitors.
PREF_JP = np.array([1.0, 0.3, 1.0, 1.0, 2.2, 1.8, 0.8, 0.6, 1.4, 1.0, 2.0, 1.6])
PREF_FOREIGN = np.array([0.6, 0.8, 2.6, 1.6, 1.2, 0.8, 2.4, 1.8, 1.6, 0.6, 0.8, 0.6])
SPEED_M_S = 3.4  # ≈12 km/h, a relaxed tourist pace
M_PER_DEG_LAT = 111_195.0
M_PER_DEG_LON = M_PER_DEG_LAT * np.cos(np.radians(34.93))
FIRST_DAY = pd.Timestamp("2024-10-01")
DAYS = 61  # October–November 2024, the autumn tourist season
SIZES = {"small": {"trips": 80, "chunk": 80}, "full": {"trips": 6_000, "chunk": 400}}


def _choice(rng, options, n):
    labels = [o[0] for o in options]
    p = np.array([o[1] for o in options])
    return np.array(labels, dtype=object)[rng.choice(len(labels), n, p=p / p.sum())]


def _users(rng, n_users: int) -> pd.DataFrame:
    nationality = _choice(rng, NATIONALITY, n_users)
    purpose = _choice(rng, PURPOSE, n_users)
    foreign = nationality != "日本"
    purpose = np.where(foreign & (rng.random(n_users) < 0.9), "観光", purpose)
    age = np.array(AGES, dtype=object)[rng.choice(len(AGES), n_users, p=AGE_P)]
    sex = np.array(["男性", "女性", "回答しない"], dtype=object)[
        rng.choice(3, n_users, p=[0.47, 0.49, 0.04])
    ]
    users = pd.DataFrame(
        {
            "user_id": [f"U{i + 1:05d}" for i in range(n_users)],
            "性別": sex,
            "年代": age,
            "国籍": nationality,
            "利用目的": purpose,
        }
    )
    # Dirt from the registration form: 全角 digits, half-width katakana, stray spaces.
    zen = rng.random(n_users) < 0.15
    users.loc[zen, "年代"] = users.loc[zen, "年代"].str.translate(
        str.maketrans("0123456789", "０１２３４５６７８９")
    )
    half = rng.random(n_users) < 0.12
    hw = {"アメリカ": "ｱﾒﾘｶ", "オーストラリア": "ｵｰｽﾄﾗﾘｱ", "フランス": "ﾌﾗﾝｽ", "タイ": "ﾀｲ"}
    half[np.flatnonzero(users["国籍"].isin(list(hw)))[:3]] = True  # a few even in small
    users.loc[half, "国籍"] = users.loc[half, "国籍"].map(lambda s: hw.get(s, s))
    space = rng.random(n_users) < 0.08
    users.loc[space, "国籍"] = users.loc[space, "国籍"] + "　"
    space = rng.random(n_users) < 0.08
    users.loc[space, "利用目的"] = " " + users.loc[space, "利用目的"]
    return users


def _trip_plans(rng, users: pd.DataFrame, n_trips: int, first_trip: int):
    """Waypoints of each trip: (trip number, seconds from start, lat, lon)."""
    user_idx = rng.integers(0, len(users), n_trips)
    foreign = users["国籍"].to_numpy()[user_idx] != "日本"
    tourist = users["利用目的"].str.strip().to_numpy()[user_idx] == "観光"
    port_p = np.array([p[3] for p in PORTS])
    start_port = rng.choice(len(PORTS), n_trips, p=port_p)
    same = rng.random(n_trips) < 0.55
    end_port = np.where(same, start_port, rng.choice(len(PORTS), n_trips, p=port_p))
    n_sights = np.where(
        tourist,
        rng.choice([1, 2, 3], n_trips, p=[0.3, 0.5, 0.2]),
        rng.choice([0, 1], n_trips, p=[0.7, 0.3]),
    )
    sight_lat = np.array([s[2] for s in SIGHTS])
    sight_lon = np.array([s[3] for s in SIGHTS])
    rows = []
    for k in range(n_trips):  # a few small lists per trip; the heavy part is vectorised
        pref = PREF_FOREIGN if foreign[k] else PREF_JP
        stops = rng.choice(len(SIGHTS), n_sights[k], replace=False, p=pref / pref.sum())
        pts = [(PORTS[start_port[k]][1], PORTS[start_port[k]][2], 0.0)]
        for s in stops:
            if rng.random() < 0.2:  # a detour through the streets
                pts.append((rng.uniform(34.912, 34.948), rng.uniform(135.815, 135.850), 0.0))
            long_stop = rng.random() < 0.8 if tourist[k] else rng.random() < 0.5
            dwell = rng.lognormal(np.log(24.0), 0.35) if long_stop else rng.uniform(4.0, 13.0)
            if foreign[k] and long_stop and SIGHTS[s][1] in ("城跡", "寺町"):
                dwell *= 1.3  # foreign visitors linger at the castle and the temples
            pts.append((sight_lat[s], sight_lon[s], dwell * 60.0))
        if n_sights[k] == 0 or rng.random() < 0.3:
            pts.append((rng.uniform(34.912, 34.948), rng.uniform(135.815, 135.850), 0.0))
        pts.append((PORTS[end_port[k]][1], PORTS[end_port[k]][2], 0.0))
        t = 0.0
        prev = None
        for lat, lon, dwell in pts:
            if prev is not None:
                # L-shaped street route: first along the latitude, then the longitude.
                dy = abs(lat - prev[0]) * M_PER_DEG_LAT
                dx = abs(lon - prev[1]) * M_PER_DEG_LON
                speed = SPEED_M_S * rng.uniform(0.8, 1.2)
                t += dy / speed
                rows.append((k, t, lat, prev[1]))
                t += dx / speed
            rows.append((k, t, lat, lon))
            if dwell > 0:
                t += dwell
                rows.append((k, t, lat, lon))
            # short stops at traffic lights / photos (never long enough to be a stay)
            if prev is not None and rng.random() < 0.5:
                t += rng.uniform(20, 120)
                rows.append((k, t, lat, lon))
            prev = (lat, lon)
        rows.append((k, t + rng.uniform(5, 30), lat, lon))
    way = np.array(rows, dtype="float64")
    ids = np.array([f"T{first_trip + k + 1:06d}" for k in range(n_trips)], dtype=object)
    return way, ids, users["user_id"].to_numpy()[user_idx]


def _points(rng, way: np.ndarray, n_trips: int):
    """Fixes every 1–5 s along every trip's waypoints (vectorised over the chunk)."""
    trip = way[:, 0].astype("int64")
    durations = np.zeros(n_trips)
    np.maximum.at(durations, trip, way[:, 1])
    offset = np.concatenate([[0.0], np.cumsum(durations + 10.0)[:-1]])
    wt = way[:, 1] + offset[trip]
    # interval per fix: 1–5 s (logger setting varies per bike; drawn per trip)
    mean_iv = rng.choice([1, 2, 3, 4, 5], n_trips, p=[0.1, 0.2, 0.35, 0.2, 0.15])
    counts = np.ceil(durations / mean_iv).astype("int64") + 2
    tr = np.repeat(np.arange(n_trips), counts)
    step = np.repeat(mean_iv, counts)
    within = np.arange(len(tr)) - np.repeat(np.cumsum(counts) - counts, counts)
    rel = within * step.astype("float64")
    keep = rel <= durations[tr]
    tr, rel = tr[keep], rel[keep]
    gt = rel + offset[tr]
    lat = np.interp(gt, wt, way[:, 2])
    lon = np.interp(gt, wt, way[:, 3])
    # GPS error of a consumer logger: a slowly drifting offset (AR(1), sd 5 m, correlated
    # over minutes) plus 0.3 m of white noise. White noise alone would add kilometres of
    # zig-zag to every trip's length.
    rho = 0.998
    for coord, scale in ((0, M_PER_DEG_LAT), (1, M_PER_DEG_LON)):
        drift = lfilter([np.sqrt(1 - rho**2)], [1.0, -rho], rng.normal(0, 5.0, len(gt)))
        error = (drift + rng.normal(0, 0.3, len(gt))) / scale
        if coord == 0:
            lat = lat + error
        else:
            lon = lon + error
    return tr, rel.astype("int64"), lat, lon, durations


def _chunk(rng, users, n_trips, first_trip):
    way, ids, user_of = _trip_plans(rng, users, n_trips, first_trip)
    tr, rel, lat, lon, durations = _points(rng, way, n_trips)
    # Start times: a day in Oct–Nov 2024, 8:00–16:00 JST.
    day = rng.integers(0, DAYS, n_trips)
    start = (FIRST_DAY + pd.to_timedelta(day, unit="D")).to_numpy().astype("datetime64[s]")
    start = start + rng.integers(8 * 3600, 16 * 3600, n_trips).astype("timedelta64[s]")
    # Trips under 1 minute (rented and returned at once): about 3 %.
    short = rng.random(n_trips) < 0.03
    keep = ~short[tr] | (rel <= 40)
    tr, rel, lat, lon = tr[keep], rel[keep], lat[keep], lon[keep]
    dur = np.where(short, np.minimum(durations, rng.uniform(15, 45, n_trips)), durations)
    # Gaps in the log (tunnels, logger restarts): 25 % of trips lose 1–5 minutes.
    gap = rng.random(n_trips) < 0.25
    gap_start = rng.uniform(0.1, 0.8, n_trips) * dur
    gap_len = rng.uniform(60, 300, n_trips)
    in_gap = gap[tr] & (rel >= gap_start[tr]) & (rel < gap_start[tr] + gap_len[tr])
    tr, rel, lat, lon = tr[~in_gap], rel[~in_gap], lat[~in_gap], lon[~in_gap]
    # GPS jumps: (0, 0) or hundreds of km away, 0.05 % of fixes.
    n = len(tr)
    jump = rng.random(n) < 0.0005
    zero = jump & (rng.random(n) < 0.5)
    lat = np.where(zero, 0.0, np.where(jump, lat + rng.uniform(2, 6, n), lat))
    lon = np.where(zero, 0.0, np.where(jump, lon + rng.uniform(-4, 4, n), lon))
    # Duplicated fixes (the logger re-sends a record): 0.3 %.
    dup = rng.random(n) < 0.003
    order = np.repeat(np.arange(n), np.where(dup, 2, 1))
    tr, rel, lat, lon = tr[order], rel[order], lat[order], lon[order]
    stamp = start[tr] + rel.astype("timedelta64[s]")
    text = np.char.add(np.datetime_as_string(stamp, unit="s").astype("U19"), "+09:00")
    points = pd.DataFrame(
        {"trip_id": ids[tr], "recorded_at": text, "lat": np.round(lat, 6), "lon": np.round(lon, 6)}
    )
    end = start + np.ceil(dur).astype("int64").astype("timedelta64[s]")
    trips = pd.DataFrame(
        {
            "trip_id": ids,
            "user_id": user_of,
            "bike_id": [f"B{b:03d}" for b in rng.integers(1, 121, n_trips)],
            "started_at": np.char.add(np.datetime_as_string(start, unit="s"), "+09:00"),
            "ended_at": np.char.add(np.datetime_as_string(end, unit="s"), "+09:00"),
        }
    )
    return points, trips


def generate(out_dir: Path, size: str, seed: int) -> None:
    rng = np.random.default_rng(seed)
    spec = SIZES[size]
    n_trips = spec["trips"]
    users = _users(rng, max(40, int(n_trips * 0.8)))
    all_trips = []
    gps_path = out_dir / "gps_points.csv"
    with open(gps_path, "w", encoding="utf-8", newline="") as f:
        for first in range(0, n_trips, spec["chunk"]):
            count = min(spec["chunk"], n_trips - first)
            points, trips = _chunk(rng, users, count, first)
            points.to_csv(
                f, index=False, header=(first == 0), lineterminator="\n", float_format="%.6f"
            )
            all_trips.append(trips)
    trips = pd.concat(all_trips, ignore_index=True)
    # One bike returned the next day (forgotten return): longer than 24 hours.
    late = len(trips) // 3
    end = pd.to_datetime(trips.loc[late, "started_at"]) + pd.Timedelta(hours=26, minutes=5)
    trips.loc[late, "ended_at"] = end.strftime("%Y-%m-%dT%H:%M:%S+09:00")
    trips.to_csv(out_dir / "trips.csv", index=False, lineterminator="\n")
    used = users[users["user_id"].isin(trips["user_id"])]
    write_excel_csv(used.reset_index(drop=True), out_dir / "users.csv")
    areas = pd.DataFrame(AREAS, columns=["エリア", "緯度_南", "緯度_北", "経度_西", "経度_東"])
    areas.to_csv(out_dir / "areas.csv", index=False, lineterminator="\n")
    sights = pd.DataFrame(SIGHTS, columns=["観光地", "エリア", "緯度", "経度"])
    sights.to_csv(out_dir / "sights.csv", index=False, lineterminator="\n")


DATASET = register(
    Dataset(
        name="rental_cycle_gps",
        title="レンタサイクルのGPSログ（合成データ）",
        synthetic=True,
        files=(
            DataFile("gps_points.csv"),
            DataFile("trips.csv"),
            DataFile("users.csv", {"encoding": "cp932"}),
            DataFile("areas.csv"),
            DataFile("sights.csv"),
        ),
        generate=generate,
    )
)
