"""workbench.trajectory: distances against reference values, stay points against the loop."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from workbench import trajectory
from workbench.trajectory import EARTH_RADIUS_M, haversine_m

T0 = pd.Timestamp("2024-10-01 10:00:00", tz="Asia/Tokyo")
LAT0, LON0 = 34.93, 135.83


# ----------------------------------------------------------------------------- distance
def test_haversine_matches_the_published_bna_lax_example():
    # Rosetta Code "Haversine formula": Nashville BNA (36.12, -86.67) to Los Angeles LAX
    # (33.94, -118.40) is 2887.2599506 km on a sphere of radius 6372.8 km. The formula
    # scales linearly with R, so rescale ours (R = 6371.0088 km) to that radius.
    d = haversine_m(36.12, -86.67, 33.94, -118.40) / EARTH_RADIUS_M * 6372.8
    assert d == pytest.approx(2887.2599506, abs=1e-6)


def test_one_degree_of_latitude_is_r_times_pi_over_180():
    assert haversine_m(35.0, 135.0, 36.0, 135.0) == pytest.approx(
        EARTH_RADIUS_M * math.pi / 180, rel=1e-12
    )
    assert haversine_m(0.0, 0.0, 0.0, 180.0) == pytest.approx(EARTH_RADIUS_M * math.pi)


def _chord_distance(lat1, lon1, lat2, lon2):
    """Independent formula: angle from the 3-D chord between unit vectors."""

    def unit(lat, lon):
        p, q = math.radians(lat), math.radians(lon)
        return np.array([math.cos(p) * math.cos(q), math.cos(p) * math.sin(q), math.sin(p)])

    chord = np.linalg.norm(unit(lat1, lon1) - unit(lat2, lon2))
    return 2 * EARTH_RADIUS_M * math.asin(chord / 2)


def _law_of_cosines(lat1, lon1, lat2, lon2):
    p1, p2 = math.radians(lat1), math.radians(lat2)
    c = math.sin(p1) * math.sin(p2) + math.cos(p1) * math.cos(p2) * math.cos(
        math.radians(lon2 - lon1)
    )
    return EARTH_RADIUS_M * math.acos(min(1.0, c))


@pytest.mark.parametrize(
    "a, b",
    [
        ((35.6812, 139.7671), (34.7025, 135.4959)),  # Tokyo station – Osaka station
        ((43.0687, 141.3508), (26.2062, 127.6519)),  # Sapporo – Naha
        ((34.9245, 135.8290), (34.9372, 135.8165)),  # 1.8 km in the unit's city
        ((34.93, 135.83), (34.93001, 135.83001)),  # 1.4 m
    ],
)
def test_haversine_agrees_with_independent_formulas(a, b):
    d = haversine_m(*a, *b)
    assert d == pytest.approx(_chord_distance(*a, *b), rel=1e-9)
    if d > 100_000:  # the law of cosines loses precision for short distances
        assert d == pytest.approx(_law_of_cosines(*a, *b), rel=1e-9)
    # and the scalar (math) version used by the naive loop is the same formula
    assert trajectory._haversine_scalar(*a, *b) == pytest.approx(d, rel=1e-14)


def test_tokyo_osaka_is_close_to_the_geodesic_distance():
    # WGS84 geodesic Tokyo station – Osaka station ≈ 403 km; the sphere is within 0.5 %.
    d = haversine_m(35.6812, 139.7671, 34.7025, 135.4959) / 1000
    assert d == pytest.approx(403, rel=0.005)


def test_trip_distance_does_not_join_trips():
    trip = ["a", "a", "b", "b"]
    lat = [35.0, 35.001, 36.0, 36.001]
    lon = [135.0, 135.0, 135.0, 135.0]
    km = trajectory.trip_distance_km(trip, lat, lon)
    one = EARTH_RADIUS_M * math.radians(0.001) / 1000
    assert km.to_dict() == pytest.approx({"a": one, "b": one}, rel=1e-9)


# ----------------------------------------------------------------------------- stay points
def _frame(points, trip="T1"):
    """points: (seconds from T0, metres north of LAT0, metres east of LON0)."""
    sec, north, east = (np.array(c, dtype="float64") for c in zip(*points, strict=True))
    return pd.DataFrame(
        {
            "trip_id": trip,
            "time": T0 + pd.to_timedelta(sec, unit="s"),
            "lat": LAT0 + north / 111_195.0,
            "lon": LON0 + east / (111_195.0 * math.cos(math.radians(LAT0))),
        }
    )


def _both(frame, **kwargs):
    args = (frame["trip_id"], frame["time"], frame["lat"], frame["lon"])
    fast = trajectory.stay_points(*args, **kwargs)
    slow = trajectory.stay_points_naive(*args, **kwargs)
    pd.testing.assert_frame_equal(fast, slow)
    for block in (1, 2, 5):  # the block scan must not change the result
        pd.testing.assert_frame_equal(trajectory.stay_points(*args, block=block, **kwargs), fast)
    return fast


def test_point_exactly_at_the_distance_threshold_is_inside():
    # anchor at 0 m, then every minute for 20 minutes a point at B, 150 m north
    frame = _frame([(0, 0, 0)] + [(60 * k, 150, 0) for k in range(1, 21)])
    d = float(haversine_m(frame["lat"][0], frame["lon"][0], frame["lat"][1], frame["lon"][1]))
    inclusive = _both(frame, distance_m=d, min_minutes=15)
    assert len(inclusive) == 1 and inclusive["n_points"].item() == 21
    assert inclusive["dwell_min"].item() == 20.0
    # a hair smaller: the first point is no longer an anchor; the stay starts at B
    exclusive = _both(frame, distance_m=float(np.nextafter(d, 0)), min_minutes=15)
    assert len(exclusive) == 1 and exclusive["n_points"].item() == 20
    assert exclusive["dwell_min"].item() == 19.0


def test_dwell_of_exactly_fifteen_minutes_counts():
    stay = [(s, 0, 0) for s in range(0, 901, 60)] + [(960, 0, 900)]
    frame = _frame(stay)
    got = _both(frame)  # defaults: 200 m, 15 min
    assert len(got) == 1 and got["dwell_min"].item() == 15.0
    assert got["arrive"].item() == T0 and got["leave"].item() == T0 + pd.Timedelta(minutes=15)
    short = _frame([(s, 0, 0) for s in range(0, 841, 60)] + [(899, 0, 0), (960, 0, 900)])
    assert len(_both(short)) == 0  # 14 min 59 s


def test_stay_at_the_end_of_a_trip_counts():
    moving = [(10 * k, 0, 40 * k) for k in range(30)]  # 4 m/s for 5 minutes
    parked = [(300 + 30 * k, 0, 1200 + (k % 3)) for k in range(1, 41)]  # 20 min, no exit
    got = _both(_frame(moving + parked))
    # The chain reaches anchor k = 26 (1,040 m east, 160 m before the parking spot): its
    # last 4 moving points and the 40 parked ones are within 200 m, for 1,240 s.
    assert len(got) == 1
    assert got["n_points"].item() == 44
    assert got["dwell_min"].item() == pytest.approx((1500 - 260) / 60)


def test_distance_is_measured_from_the_anchor_not_the_previous_point():
    # creeping 5 m per minute for an hour: every step is short, but the point at minute
    # 40 is just over 200 m from the first anchor (200 m of our 111,195 m/degree is
    # 200.0002 m on the sphere), so the first stay is minutes 0–39 and the next anchor
    # (minute 40) starts a second one that lasts to the end of the trip
    frame = _frame([(60 * k, 5 * k, 0) for k in range(61)])
    got = _both(frame)
    assert got["dwell_min"].tolist() == [39.0, 20.0]


def test_mean_position_and_times_of_a_stay():
    frame = _frame([(0, 0, 0), (600, 10, 0), (1200, 20, 0), (1300, 0, 800)])
    got = _both(frame)
    assert got["lat"].item() == pytest.approx(LAT0 + 10 / 111_195.0, rel=1e-12)
    assert got["arrive"].dt.tz is not None


def test_random_trips_vectorised_equals_naive():
    rng = np.random.default_rng(3)
    frames = []
    for k in range(12):
        t, north, east, rows = 0.0, 0.0, 0.0, []
        for _ in range(rng.integers(2, 6)):
            for _ in range(rng.integers(20, 200)):  # ride
                t += rng.integers(1, 6)
                north += rng.normal(0, 4)
                east += rng.normal(3, 4)
                rows.append((t, north, east))
            for _ in range(rng.integers(0, 400)):  # stop with GPS jitter
                t += rng.integers(1, 6)
                rows.append((t, north + rng.normal(0, 30), east + rng.normal(0, 30)))
        frames.append(_frame(rows, trip=f"T{k:02d}"))
    frame = pd.concat(frames, ignore_index=True)
    for minutes in (5, 10, 15):
        got = _both(frame, distance_m=120, min_minutes=minutes)
        assert len(got) > 0


def test_unsorted_points_are_refused():
    frame = _frame([(0, 0, 0), (60, 0, 0)])
    shuffled = pd.concat([frame, frame.iloc[:1].assign(trip_id="T2"), frame], ignore_index=True)
    with pytest.raises(ValueError, match="sorted by trip"):
        trajectory.stay_points(
            shuffled["trip_id"], shuffled["time"], shuffled["lat"], shuffled["lon"]
        )
    backwards = frame.iloc[::-1]
    with pytest.raises(ValueError, match="sorted by time"):
        trajectory.stay_points(
            backwards["trip_id"], backwards["time"], backwards["lat"], backwards["lon"]
        )


def test_no_points_no_stays():
    empty = _frame([(0, 0, 0)]).iloc[:0]
    got = trajectory.stay_points(empty["trip_id"], empty["time"], empty["lat"], empty["lon"])
    assert list(got.columns) == trajectory.STAY_COLUMNS and len(got) == 0


# ----------------------------------------------------------------------------- OD, privacy
AREAS = pd.DataFrame(
    {
        "エリア": ["北", "南"],
        "緯度_南": [35.0, 34.0],
        "緯度_北": [36.0, 35.0],
        "経度_西": [135.0, 135.0],
        "経度_東": [136.0, 136.0],
    }
)


def test_assign_area_uses_inclusive_edges_and_other():
    got = trajectory.assign_area([35.5, 34.5, 35.0, 40.0], [135.5, 135.5, 136.0, 135.5], AREAS)
    assert got.tolist() == ["北", "南", "北", "その他"]  # 35.0 is on both: the first wins


def test_od_counts_sum_to_trips_and_keep_empty_areas():
    rng = np.random.default_rng(0)
    origin = rng.choice(["北", "南"], 57)
    destination = rng.choice(["北", "南"], 57)
    table = trajectory.od_matrix(origin, destination, order=["北", "南", "その他"])
    assert table.to_numpy().sum() == 57
    assert table.loc["その他"].sum() == 0 and table.shape == (3, 3)
    assert table.loc["北", "南"] == int(((origin == "北") & (destination == "南")).sum())


def test_trip_ends_take_first_and_last_points():
    frame = pd.concat(
        [_frame([(0, 0, 0), (60, 100, 0)], "A"), _frame([(0, 5, 5), (9, 0, 0), (99, 7, 7)], "B")],
        ignore_index=True,
    )
    ends = trajectory.trip_ends(frame["trip_id"], frame["time"], frame["lat"], frame["lon"])
    assert ends["trip_id"].tolist() == ["A", "B"]
    assert ends["end_lat"].tolist() == [frame["lat"][1], frame["lat"][4]]
    assert ends["start_time"].tolist() == [T0, T0]


def test_suppression_hides_only_one_to_threshold_minus_one():
    table = pd.DataFrame({"a": [0, 1, 4], "b": [5, 12, 3]}, index=["x", "y", "z"])
    hidden = trajectory.suppress_small_cells(table, threshold=5)
    assert hidden.isna().to_numpy().tolist() == [[False, False], [True, False], [True, True]]
    assert hidden.loc["x", "a"] == 0 and hidden.loc["x", "b"] == 5
    text = trajectory.suppress_small_cells(table, threshold=5, mark="x")
    assert text.to_numpy().tolist() == [["0", "5"], ["x", "12"], ["x", "x"]]
    assert trajectory.suppress_small_cells(table, threshold=3).isna().to_numpy().sum() == 1


def test_many_trips_over_a_long_period_do_not_overflow_the_time_key():
    # 3,000 trips spread over two years (the search key once overflowed int64 here)
    frames = []
    for k in range(3000):
        frame = _frame([(0, 0, 0), (600, 10, 0), (1200, 20, 0), (1300, 0, 800)], f"T{k:04d}")
        frame["time"] = frame["time"] + pd.Timedelta(hours=6 * k)
        frames.append(frame)
    frame = pd.concat(frames, ignore_index=True)
    got = trajectory.stay_points(frame["trip_id"], frame["time"], frame["lat"], frame["lon"])
    assert len(got) == 3000 and (got["dwell_min"] == 20.0).all()
    # and the per-trip fallback for keys that would overflow gives the same
    t_ns = pd.DatetimeIndex(frame["time"]).as_unit("ns").asi8
    starts, ends, number = trajectory._trip_bounds(frame["trip_id"].to_numpy())
    fast = trajectory._first_at_or_after(t_ns, starts, ends, number, 900 * 10**9)
    slow = trajectory._first_at_or_after(t_ns, starts, ends, number, 2**62)
    assert (fast[ends - 1] == ends).all() and (slow == ends[number]).all()
