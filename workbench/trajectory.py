"""GPS trajectories: distances, stay points, trip ends, OD matrices and small-cell suppression.

Used by the case unit 10 (レンタサイクルの軌跡分析) for the heavy steps and by
``benchmarks/bike_stay_points.py``. Everything except :func:`stay_points_naive` is
vectorised with numpy; the naive version is the row-by-row loop a learner would write and
exists to check (and time) the vectorised one.

Input convention: one row per GPS point, **sorted by trip and then by time** (clean the
data first: drop duplicates and GPS jumps, parse the timestamps).

Distance
    Haversine great-circle distance on a sphere of radius ``EARTH_RADIUS_M`` = 6,371,008.8 m
    (the IUGG mean Earth radius). Error against the WGS84 ellipsoid is below 0.5 %.

Stay-point rule (Li et al. 2008, "Mining user similarity based on location history",
with the end-of-trip case included), for one trip with points p_0 … p_{n-1}:

1. Start with the anchor ``i = 0``.
2. Let ``j`` run from ``i + 1`` while ``dist(p_i, p_j) <= D`` (distance to the
   **anchor**, not to the previous point). ``e`` is the first index with
   ``dist(p_i, p_e) > D``, or ``n`` when every later point of the trip is within D.
3. If ``t_{e-1} - t_i >= T``, the points ``i … e-1`` form a stay point: arrival ``t_i``,
   departure ``t_{e-1}``, dwell ``t_{e-1} - t_i``, location = mean latitude and mean
   longitude of those points. Continue with the anchor ``i = e``.
4. Otherwise continue with the anchor ``i = i + 1``.

Boundaries are inclusive: a point exactly ``D`` metres from the anchor is inside, and a
dwell of exactly ``T`` counts. A stay that lasts until the last point of the trip counts
(Li et al.'s pseudo-code only closes a stay when a point leaves the radius). Defaults are
D = 200 m and T = 15 min (REFERENCE.md §C: stays detected with ≈200 m / 10–20 min, a stop
of ≥15 min counts as a visit).

Vectorised algorithm (same result, exactly): a point ``i`` can only be a stay anchor if
the first point at or after ``t_i + T`` (index ``m(i)``, found with one ``searchsorted``)
exists in the trip and lies within D of ``p_i``. That cheap test removes almost every
moving point. The anchor chain of steps 1–4 is then followed for all trips at once: each
loop iteration compares every trip's current anchor with the next ``block`` points of its
trip, so the number of Python iterations depends on the longest chain, not on the number
of points.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd

EARTH_RADIUS_M = 6_371_008.8
DEFAULT_DISTANCE_M = 200.0
DEFAULT_MINUTES = 15.0

STAY_COLUMNS = ["trip_id", "arrive", "leave", "dwell_min", "lat", "lon", "n_points"]


# --------------------------------------------------------------------------- distance
def haversine_m(lat1, lon1, lat2, lon2):
    """Great-circle distance in metres between points given in degrees (numpy-vectorised)."""
    p1 = np.radians(lat1)
    p2 = np.radians(lat2)
    dphi = p2 - p1
    dlmb = np.radians(lon2) - np.radians(lon1)
    a = np.sin(dphi / 2.0) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dlmb / 2.0) ** 2
    return 2.0 * EARTH_RADIUS_M * np.arcsin(np.sqrt(np.minimum(a, 1.0)))


def _haversine_scalar(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """The same formula with the ``math`` module, one pair at a time (the naive version)."""
    p1 = math.radians(lat1)
    p2 = math.radians(lat2)
    dphi = p2 - p1
    dlmb = math.radians(lon2) - math.radians(lon1)
    a = math.sin(dphi / 2.0) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dlmb / 2.0) ** 2
    return 2.0 * EARTH_RADIUS_M * math.asin(math.sqrt(min(a, 1.0)))


def _trig(lat, lon):
    """Radians and cos(latitude), computed once per point for repeated distance queries."""
    p = np.radians(np.asarray(lat, dtype="float64"))
    lmb = np.radians(np.asarray(lon, dtype="float64"))
    return p, lmb, np.cos(p)


def _dist_idx(p, lmb, cosp, i, j):
    """Haversine between points ``i`` and ``j`` (index arrays), same operations as above."""
    dphi = p[j] - p[i]
    dlmb = lmb[j] - lmb[i]
    a = np.sin(dphi / 2.0) ** 2 + cosp[i] * cosp[j] * np.sin(dlmb / 2.0) ** 2
    return 2.0 * EARTH_RADIUS_M * np.arcsin(np.sqrt(np.minimum(a, 1.0)))


def segment_lengths_m(trip_id, lat, lon) -> np.ndarray:
    """Distance from the previous point of the same trip (0 for each trip's first point)."""
    trip = np.asarray(trip_id)
    lat = np.asarray(lat, dtype="float64")
    lon = np.asarray(lon, dtype="float64")
    out = np.zeros(len(lat))
    if len(lat) > 1:
        d = haversine_m(lat[:-1], lon[:-1], lat[1:], lon[1:])
        out[1:] = np.where(trip[1:] == trip[:-1], d, 0.0)
    return out


def trip_distance_km(trip_id, lat, lon) -> pd.Series:
    """Length of each trip's route in km: sum of point-to-point haversine distances."""
    seg = segment_lengths_m(trip_id, lat, lon)
    return pd.Series(seg / 1000.0).groupby(np.asarray(trip_id), sort=True).sum()


# --------------------------------------------------------------------------- helpers
def _time_ns(time) -> tuple[np.ndarray, object]:
    """Nanoseconds since the epoch and the time zone (or None) of datetime-like input."""
    index = pd.DatetimeIndex(time)
    return index.as_unit("ns").asi8, index.tz


def _to_time(ns: np.ndarray, tz) -> pd.Series:
    values = pd.to_datetime(pd.Series(ns, dtype="int64"), unit="ns", utc=tz is not None)
    return values.dt.tz_convert(tz) if tz is not None else values


def _trip_bounds(trip: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Start index, end index (exclusive) of each trip, and each point's trip number."""
    n = len(trip)
    if n == 0:
        empty = np.zeros(0, dtype="int64")
        return empty, empty, empty
    change = np.flatnonzero(trip[1:] != trip[:-1]) + 1
    starts = np.concatenate([[0], change]).astype("int64")
    ends = np.concatenate([change, [n]]).astype("int64")
    if len(pd.unique(trip)) != len(starts):
        raise ValueError("points must be sorted by trip (each trip's points together)")
    number = np.repeat(np.arange(len(starts)), ends - starts)
    return starts, ends, number


def _stays_frame(trip, t_ns, lat, lon, first, last, tz) -> pd.DataFrame:
    """Build the stay-point table from anchor ``first`` and last index ``last`` (inclusive)."""
    first = np.asarray(first, dtype="int64")
    last = np.asarray(last, dtype="int64")
    order = np.argsort(first, kind="stable")
    first, last = first[order], last[order]
    count = last - first + 1
    # Sum of each stay's points (stays never overlap): reduceat over [first, last + 1).
    bounds = np.column_stack([first, last + 1]).ravel()
    padded_lat = np.append(lat, 0.0)
    padded_lon = np.append(lon, 0.0)
    sum_lat = np.add.reduceat(padded_lat, bounds)[::2] if len(first) else np.zeros(0)
    sum_lon = np.add.reduceat(padded_lon, bounds)[::2] if len(first) else np.zeros(0)
    dtype = _to_time(t_ns[:0], tz).dtype
    return pd.DataFrame(
        {
            "trip_id": trip[first],
            "arrive": _to_time(t_ns[first], tz).to_numpy(),
            "leave": _to_time(t_ns[last], tz).to_numpy(),
            "dwell_min": (t_ns[last] - t_ns[first]) / 60e9,
            "lat": sum_lat / count,
            "lon": sum_lon / count,
            "n_points": count,
        }
    ).astype({"arrive": dtype, "leave": dtype})


def _first_at_or_after(t_ns, starts, ends, number, min_ns) -> np.ndarray:
    """m(i): index of the first point of i's trip with ``t >= t_i + min_ns`` (or trip end).

    One ``searchsorted`` over a key that puts the trips one after another: time since the
    trip's first point plus ``trip number × span``, where span exceeds any trip's length.
    If that key could overflow int64 (very long trips times very many trips), fall back
    to one ``searchsorted`` per trip.
    """
    rel = t_ns - t_ns[starts][number]
    span = int(rel.max()) + min_ns + 1
    if span * (len(starts) + 1) < 2**62:
        key = rel + number.astype("int64") * span
        return np.searchsorted(key, key + min_ns, side="left")
    m = np.empty(len(t_ns), dtype="int64")
    for a, b in zip(starts, ends, strict=True):
        m[a:b] = a + np.searchsorted(t_ns[a:b], t_ns[a:b] + min_ns, side="left")
    return m


# --------------------------------------------------------------------------- stay points
def stay_points(
    trip_id,
    time,
    lat,
    lon,
    distance_m: float = DEFAULT_DISTANCE_M,
    min_minutes: float = DEFAULT_MINUTES,
    block: int = 128,
) -> pd.DataFrame:
    """Stay points of every trip by the rule in the module docstring (vectorised).

    Returns one row per stay: ``trip_id``, ``arrive``, ``leave`` (timestamps, same time
    zone as ``time``), ``dwell_min`` (minutes), ``lat``, ``lon`` (mean position) and
    ``n_points``, ordered by trip and arrival.
    """
    trip = np.asarray(trip_id)
    t_ns, tz = _time_ns(time)
    lat = np.asarray(lat, dtype="float64")
    lon = np.asarray(lon, dtype="float64")
    n = len(trip)
    starts, ends, number = _trip_bounds(trip)
    if n == 0:
        return _stays_frame(trip, t_ns, lat, lon, [], [], tz)
    if np.any(np.diff(t_ns)[number[1:] == number[:-1]] < 0):
        raise ValueError("points must be sorted by time within each trip")
    min_ns = int(round(min_minutes * 60e9))
    p, lmb, cosp = _trig(lat, lon)

    m = _first_at_or_after(t_ns, starts, ends, number, min_ns)
    end_of = ends[number]
    possible = m < end_of
    cand = np.zeros(n, dtype=bool)
    idx = np.flatnonzero(possible)
    cand[idx] = _dist_idx(p, lmb, cosp, idx, m[idx]) <= distance_m
    # next_cand[i]: smallest candidate index >= i (n if none).
    cand_idx = np.flatnonzero(cand)
    next_cand = np.full(n + 1, n, dtype="int64")
    if len(cand_idx):
        pos = np.searchsorted(cand_idx, np.arange(n + 1), side="left")
        ok = pos < len(cand_idx)
        next_cand[ok] = cand_idx[pos[ok]]

    # Follow every trip's anchor chain at once.
    anchor = next_cand[starts]
    stop = ends.copy()
    live = anchor < stop
    anchor, stop = anchor[live], stop[live]
    scan = anchor + 1  # next point to compare with the anchor
    offsets = np.arange(block, dtype="int64")
    firsts, lasts = [], []
    while len(anchor):
        j = scan[:, None] + offsets[None, :]
        inside = j < stop[:, None]
        jj = np.where(inside, j, anchor[:, None])
        far = (_dist_idx(p, lmb, cosp, anchor[:, None], jj) > distance_m) & inside
        has_far = far.any(axis=1)
        first_far = np.where(has_far, scan + far.argmax(axis=1), stop)
        done = has_far | (scan + block >= stop)
        # Resolve finished anchors: e = first_far (or the trip end).
        e = first_far[done]
        a = anchor[done]
        is_stay = t_ns[e - 1] - t_ns[a] >= min_ns
        firsts.append(a[is_stay])
        lasts.append(e[is_stay] - 1)
        nxt = np.where(is_stay, e, a + 1)
        new_anchor = next_cand[nxt]
        # Update state: unfinished anchors scan on, finished ones move to a new anchor.
        anchor = anchor.copy()
        anchor[done] = new_anchor
        scan = np.where(done, anchor + 1, scan + block)
        live = anchor < stop
        anchor, stop, scan = anchor[live], stop[live], scan[live]
    first = np.concatenate(firsts) if firsts else np.zeros(0, dtype="int64")
    last = np.concatenate(lasts) if lasts else np.zeros(0, dtype="int64")
    return _stays_frame(trip, t_ns, lat, lon, first, last, tz)


def stay_points_naive(
    trip_id,
    time,
    lat,
    lon,
    distance_m: float = DEFAULT_DISTANCE_M,
    min_minutes: float = DEFAULT_MINUTES,
) -> pd.DataFrame:
    """The same rule as a plain Python loop over points, one trip at a time (slow)."""
    trip = list(np.asarray(trip_id))
    t_ns, tz = _time_ns(time)
    times = t_ns.tolist()
    lats = np.asarray(lat, dtype="float64").tolist()
    lons = np.asarray(lon, dtype="float64").tolist()
    min_ns = int(round(min_minutes * 60e9))
    firsts, lasts = [], []
    start = 0
    n = len(trip)
    while start < n:
        end = start
        while end < n and trip[end] == trip[start]:
            end += 1
        i = start
        while i < end:
            j = i + 1
            while j < end and _haversine_scalar(lats[i], lons[i], lats[j], lons[j]) <= distance_m:
                j += 1
            if times[j - 1] - times[i] >= min_ns:
                firsts.append(i)
                lasts.append(j - 1)
                i = j
            else:
                i += 1
        start = end
    return _stays_frame(
        np.asarray(trip_id),
        t_ns,
        np.asarray(lat, dtype="float64"),
        np.asarray(lon, dtype="float64"),
        firsts,
        lasts,
        tz,
    )


# --------------------------------------------------------------------------- trips and OD
def trip_ends(trip_id, time, lat, lon) -> pd.DataFrame:
    """First and last point of each trip: where and when it started and ended."""
    trip = np.asarray(trip_id)
    starts, ends, _ = _trip_bounds(trip)
    lat = np.asarray(lat, dtype="float64")
    lon = np.asarray(lon, dtype="float64")
    t = pd.Series(time).reset_index(drop=True)
    return pd.DataFrame(
        {
            "trip_id": trip[starts],
            "start_time": t.iloc[starts].to_numpy(),
            "end_time": t.iloc[ends - 1].to_numpy(),
            "start_lat": lat[starts],
            "start_lon": lon[starts],
            "end_lat": lat[ends - 1],
            "end_lon": lon[ends - 1],
        }
    )


def assign_area(lat, lon, areas: pd.DataFrame, other: str = "その他") -> np.ndarray:
    """Name of the rectangular area containing each point (the first that matches).

    ``areas`` has the columns ``エリア``, ``緯度_南``, ``緯度_北``, ``経度_西``, ``経度_東``
    (degrees; edges inclusive). Points outside every area get ``other``.
    """
    lat = np.asarray(lat, dtype="float64")[:, None]
    lon = np.asarray(lon, dtype="float64")[:, None]
    south = areas["緯度_南"].to_numpy()[None, :]
    north = areas["緯度_北"].to_numpy()[None, :]
    west = areas["経度_西"].to_numpy()[None, :]
    east = areas["経度_東"].to_numpy()[None, :]
    inside = (lat >= south) & (lat <= north) & (lon >= west) & (lon <= east)
    names = np.asarray(areas["エリア"].tolist() + [other], dtype=object)
    first = np.where(inside.any(axis=1), inside.argmax(axis=1), len(areas))
    return names[first]


def od_matrix(origin, destination, order: Sequence[str] | None = None) -> pd.DataFrame:
    """Trips from each origin (rows) to each destination (columns), all areas kept."""
    table = pd.crosstab(
        pd.Series(np.asarray(origin), name="出発エリア"),
        pd.Series(np.asarray(destination), name="到着エリア"),
    )
    if order is not None:
        order = list(order)
        table = table.reindex(index=order, columns=order, fill_value=0)
    return table


def suppress_small_cells(table: pd.DataFrame, threshold: int = 5, mark: str | None = None):
    """秘匿: hide counts from 1 to ``threshold - 1`` (zeros stay visible as 0).

    With ``mark=None`` hidden cells become NaN (a float table for further work); with a
    mark such as ``"x"`` the result is a table of text ready to publish.
    """
    values = table.astype("float64")
    hidden = (values > 0) & (values < threshold)
    out = values.mask(hidden)
    if mark is None:
        return out
    text = out.astype("Int64").astype("string").astype(object)
    return text.mask(hidden, mark)
