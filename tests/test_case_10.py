"""Case unit 10 (レンタサイクルの軌跡分析): the generator's intended properties and the unit's
numbers checked independently of the notebook."""

from __future__ import annotations

import csv
import math
import re
from pathlib import Path

import nbformat
import numpy as np
import pandas as pd
import pytest

from workbench import datasets, trajectory
from workbench.datasets import rental_cycle_gps as gen

NAME = "rental_cycle_gps"
UNIT = Path(__file__).resolve().parents[1] / "courses" / "10_case_rental_bike"


@pytest.fixture(scope="module")
def raw():
    return {f: datasets.load(NAME, f) for f in ("gps_points.csv", "trips.csv", "users.csv")}


@pytest.fixture(scope="module")
def clean(raw):
    """The unit's cleaning steps."""
    south, north, west, east = gen.BBOX
    gps = raw["gps_points.csv"].drop_duplicates()
    gps = gps[gps["lat"].between(south, north) & gps["lon"].between(west, east)].copy()
    gps["recorded_at"] = pd.to_datetime(gps["recorded_at"], format="%Y-%m-%dT%H:%M:%S%z")
    trips = raw["trips.csv"].copy()
    minutes = pd.to_datetime(trips["ended_at"]) - pd.to_datetime(trips["started_at"])
    trips["minutes"] = minutes.dt.total_seconds() / 60
    trips = trips[trips["minutes"].between(1, 1440)]
    gps = gps[gps["trip_id"].isin(trips["trip_id"])]
    return gps.sort_values(["trip_id", "recorded_at"]).reset_index(drop=True), trips


def test_planted_gps_dirt_is_present(raw):
    gps = raw["gps_points.csv"]
    assert gps.duplicated().sum() >= 100
    assert ((gps["lat"] == 0) & (gps["lon"] == 0)).sum() >= 5
    far = gps["lat"].between(36, 41)  # hundreds of km north of the city
    assert far.sum() >= 5
    assert gps["recorded_at"].str.endswith("+09:00").all()
    assert pd.api.types.is_string_dtype(gps["recorded_at"])


def test_short_and_forgotten_trips_are_present(raw):
    trips = raw["trips.csv"]
    minutes = (
        pd.to_datetime(trips["ended_at"]) - pd.to_datetime(trips["started_at"])
    ).dt.total_seconds() / 60
    assert 1 <= (minutes < 1).sum() <= 0.06 * len(trips)
    assert (minutes > 24 * 60).sum() == 1


def test_user_attributes_have_zenkaku_hankaku_and_spaces():
    path = datasets.path(NAME, "users.csv")
    raw_bytes = path.read_bytes()
    assert b"\r\n" in raw_bytes
    with pytest.raises(UnicodeDecodeError):
        raw_bytes.decode("utf-8")
    with open(path, encoding="cp932", newline="") as f:
        rows = list(csv.DictReader(f))
    ages = [r["年代"] for r in rows]
    nat = [r["国籍"] for r in rows]
    assert any(ch in "０１２３４５６７８９" for a in ages for ch in a)
    assert any("\uff66" <= ch <= "\uff9f" for n in nat for ch in n)  # half-width katakana
    assert any(n != n.strip() for n in nat)
    assert any(r["利用目的"] != r["利用目的"].strip() for r in rows)


def test_logger_interval_is_one_to_five_seconds(clean):
    gps, _ = clean
    same = gps["trip_id"].eq(gps["trip_id"].shift())
    step = gps["recorded_at"].diff().dt.total_seconds()[same]
    # the usual step is the logger's 1–5 s; gaps (tunnels, restarts) are 1–5 minutes
    assert step.median() in (1, 2, 3, 4, 5)
    assert ((step >= 1) & (step <= 5)).mean() > 0.99
    assert (step >= 60).sum() >= 5  # planted gaps


def test_outings_have_reference_shapes(clean):
    """REFERENCE.md §C: tourist outings of 50–100 min and 5–10 km."""
    gps, trips = clean
    km = trajectory.trip_distance_km(gps["trip_id"], gps["lat"], gps["lon"])
    assert 5 <= km.median() <= 10
    assert 50 <= trips["minutes"].median() <= 100


def test_stays_are_at_sights_and_foreigners_favour_castle_and_temples(clean):
    gps, trips = clean
    stays = trajectory.stay_points(gps["trip_id"], gps["recorded_at"], gps["lat"], gps["lon"])
    assert len(stays) >= len(trips)  # tourists visit 1–3 sights
    assert stays["dwell_min"].min() >= 15
    sights = datasets.load(NAME, "sights.csv")
    nearest = np.min(
        trajectory.haversine_m(
            stays["lat"].to_numpy()[:, None],
            stays["lon"].to_numpy()[:, None],
            sights["緯度"].to_numpy()[None, :],
            sights["経度"].to_numpy()[None, :],
        ),
        axis=1,
    )
    assert np.median(nearest) < 50  # parked at a sight, GPS drift of a few metres
    areas = datasets.load(NAME, "areas.csv")
    stays["エリア"] = trajectory.assign_area(stays["lat"], stays["lon"], areas)
    users = datasets.load(NAME, "users.csv")
    nat = users.set_index("user_id")["国籍"].str.normalize("NFKC").str.strip()
    foreign = stays["trip_id"].map(trips.set_index("trip_id")["user_id"]).map(nat) != "日本"
    share = foreign.groupby(stays["エリア"]).mean()
    assert share[["城跡", "寺町"]].min() > share[["旧市街", "港"]].max()


def test_od_table_counts_every_trip_once(clean):
    gps, trips = clean
    ends = trajectory.trip_ends(gps["trip_id"], gps["recorded_at"], gps["lat"], gps["lon"])
    areas = datasets.load(NAME, "areas.csv")
    order = list(areas["エリア"]) + ["その他"]
    od = trajectory.od_matrix(
        trajectory.assign_area(ends["start_lat"], ends["start_lon"], areas),
        trajectory.assign_area(ends["end_lat"], ends["end_lon"], areas),
        order=order,
    )
    assert od.to_numpy().sum() == len(trips) == len(ends)
    assert od.loc["その他"].sum() == 0 and od["その他"].sum() == 0  # rentals start at ports
    assert od.loc["寺町"].sum() == 0  # no port in 寺町


def test_unit_distance_example_by_hand():
    """Unit 10 example 4: 駅前ポート → 天守台, checked with the spherical law of cosines."""
    lat1, lon1, lat2, lon2 = 34.9245, 135.8290, 34.9372, 135.8165
    p1, p2 = math.radians(lat1), math.radians(lat2)
    cos_c = math.sin(p1) * math.sin(p2) + math.cos(p1) * math.cos(p2) * math.cos(
        math.radians(lon2 - lon1)
    )
    by_cosines = trajectory.EARTH_RADIUS_M * math.acos(cos_c)
    assert trajectory.haversine_m(lat1, lon1, lat2, lon2) == pytest.approx(by_cosines, rel=1e-6)
    assert round(float(trajectory.haversine_m(lat1, lon1, lat2, lon2)), 1) == 1814.6


def test_full_size_reaches_ten_million_points():
    """`full` must hold ≥ 10 M GPS points: check one generated chunk's rate per trip."""
    rng = np.random.default_rng(5)
    users = gen._users(rng, 400)
    points, trips = gen._chunk(rng, users, gen.SIZES["full"]["chunk"], 0)
    per_trip = len(points) / len(trips)
    assert per_trip * gen.SIZES["full"]["trips"] >= 10_500_000


def _wilson(x: int, n: int, z: float = 1.959963984540054) -> tuple[float, float]:
    """Wilson score interval by its formula (Wilson 1927), as unit 11 teaches it."""
    p = x / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return centre - half, centre + half


def test_wilson_hand_formula_matches_a_published_value():
    # Newcombe (1998), Table I: 15 of 148 → 0.0624 to 0.1605 (score method).
    low, high = _wilson(15, 148)
    assert (round(low, 4), round(high, 4)) == (0.0624, 0.1605)


def test_foreign_share_counts_each_user_once_as_the_model_answers_say(clean, raw):
    """Users, not stays, are the unit (no pseudo-replication); the answers quote these."""
    gps, trips = clean
    stays = trajectory.stay_points(gps["trip_id"], gps["recorded_at"], gps["lat"], gps["lon"])
    stays["エリア"] = trajectory.assign_area(
        stays["lat"], stays["lon"], datasets.load(NAME, "areas.csv")
    )
    nat = raw["users.csv"].set_index("user_id")["国籍"].str.normalize("NFKC").str.strip()
    stays["user_id"] = stays["trip_id"].map(trips.set_index("trip_id")["user_id"])
    assert len(stays) > stays["user_id"].nunique()  # the same people stop several times
    per_user = stays.drop_duplicates(["エリア", "user_id"])
    foreign = (
        (per_user["user_id"].map(nat) != "日本").groupby(per_user["エリア"]).agg(["size", "sum"])
    )
    cells = [c for part in sorted(UNIT.glob("10*.ipynb")) for c in nbformat.read(part, 4).cells]
    answers = {
        c.metadata["nbgrader"]["grade_id"]: c.source
        for c in cells
        if c.metadata.get("nbgrader", {}).get("grade_id", "").endswith("_written")
    }
    for area, tail in [("寺町", "95%信頼区間 約"), ("城跡", "約"), ("旧市街", "約")]:
        n, x = (int(v) for v in foreign.loc[area])
        low, high = _wilson(x, n)
        quoted = (
            f"{area} {100 * x / n:.1f}%（{n}人中{x}人、{tail}{100 * low:.0f}〜{100 * high:.0f}%）"
        )
        assert any(quoted in text for text in answers.values()), quoted
    # No ratio ("約3倍") in the answers: a dozen people per area cannot carry one.
    assert not [gid for gid, text in answers.items() if re.search(r"\d(\.\d+)?倍", text)]
    learner_text = "\n".join(c.source for c in cells if c.cell_type == "markdown")
    assert "benchmarks/" not in learner_text and "コアのパソコン" not in learner_text
