"""Stay points + OD matrix on the rental-cycle GPS log: vectorised vs row-by-row, in one run.

Unit 10 (レンタサイクルの軌跡分析) computes every trip's stay points (≈200 m / ≥15 min,
the rule in ``workbench/trajectory.py``) and the origin–destination matrix between areas.
This script times, on the same data and machine:

- ours: ``workbench.trajectory`` (numpy; candidate filter + all trips' anchor chains at
  once) on the whole data set;
- naive: the loop a learner would write — for each trip, for each anchor point, walk
  forward point by point with a ``math`` haversine (Li et al. 2008), and find each trip's
  first/last point and its area with a Python loop.

The naive loop takes minutes per million points, so it runs on the first ``--naive-trips``
trips only; the vectorised version is also timed on exactly that subset, and the two
results (stay points and OD counts) must be identical before any ratio is printed.
Reading and cleaning the CSV (drop duplicates and GPS jumps, parse JST timestamps, sort)
is timed separately and not counted in the analysis time.

    python benchmarks/bike_stay_points.py                      # full size (≥10 M points)
    python benchmarks/bike_stay_points.py --size small --naive-trips 64
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time

import numpy as np
import pandas as pd

from workbench import datasets, trajectory
from workbench.datasets.rental_cycle_gps import AREAS, BBOX

AREA_ORDER = [a[0] for a in AREAS]


def load_clean(size: str) -> tuple[pd.DataFrame, dict]:
    """Read and clean the GPS log exactly as the unit teaches; return timings."""
    timings = {}
    t0 = time.perf_counter()
    raw = pd.read_csv(datasets.path("rental_cycle_gps", "gps_points.csv", size=size))
    timings["read_csv"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    south, north, west, east = BBOX
    gps = raw.drop_duplicates()
    gps = gps[gps["lat"].between(south, north) & gps["lon"].between(west, east)].copy()
    gps["recorded_at"] = pd.to_datetime(gps["recorded_at"], format="%Y-%m-%dT%H:%M:%S%z")
    trips = pd.read_csv(datasets.path("rental_cycle_gps", "trips.csv", size=size))
    minutes = (
        pd.to_datetime(trips["ended_at"]) - pd.to_datetime(trips["started_at"])
    ).dt.total_seconds() / 60
    ok = trips.loc[minutes.between(1, 24 * 60), "trip_id"]
    gps = gps[gps["trip_id"].isin(ok)]
    gps = gps.sort_values(["trip_id", "recorded_at"], kind="stable").reset_index(drop=True)
    timings["clean"] = time.perf_counter() - t0
    timings["raw_rows"] = len(raw)
    return gps, timings


def vectorised(gps: pd.DataFrame, areas: pd.DataFrame):
    stays = trajectory.stay_points(gps["trip_id"], gps["recorded_at"], gps["lat"], gps["lon"])
    ends = trajectory.trip_ends(gps["trip_id"], gps["recorded_at"], gps["lat"], gps["lon"])
    origin = trajectory.assign_area(ends["start_lat"], ends["start_lon"], areas)
    destination = trajectory.assign_area(ends["end_lat"], ends["end_lon"], areas)
    order = AREA_ORDER + ["その他"]
    return stays, trajectory.od_matrix(origin, destination, order=order)


def naive(gps: pd.DataFrame, areas: pd.DataFrame):
    stays = trajectory.stay_points_naive(gps["trip_id"], gps["recorded_at"], gps["lat"], gps["lon"])
    # OD, row by row: remember each trip's first and last point, then look up the area.
    boxes = list(areas.itertuples(index=False))

    def area_of(lat, lon):
        for box in boxes:
            if box.緯度_南 <= lat <= box.緯度_北 and box.経度_西 <= lon <= box.経度_東:
                return box.エリア
        return "その他"

    first, last = {}, {}
    for trip, lat, lon in zip(gps["trip_id"], gps["lat"], gps["lon"], strict=True):
        if trip not in first:
            first[trip] = (lat, lon)
        last[trip] = (lat, lon)
    order = AREA_ORDER + ["その他"]
    counts = {(o, d): 0 for o in order for d in order}
    for trip, (lat, lon) in first.items():
        counts[(area_of(lat, lon), area_of(*last[trip]))] += 1
    table = pd.DataFrame(
        [[counts[(o, d)] for d in order] for o in order], index=order, columns=order
    )
    table.index.name, table.columns.name = "出発エリア", "到着エリア"
    return stays, table


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="full", choices=["small", "full"])
    parser.add_argument(
        "--naive-trips",
        type=int,
        default=300,
        help="trips (the first N by trip_id) for the row-by-row version",
    )
    args = parser.parse_args()

    t0 = time.perf_counter()
    datasets.build("rental_cycle_gps", args.size)
    build_s = time.perf_counter() - t0
    areas = datasets.load("rental_cycle_gps", "areas.csv", size=args.size)
    gps, timings = load_clean(args.size)
    n_points, n_trips = len(gps), gps["trip_id"].nunique()

    t0 = time.perf_counter()
    stays, od = vectorised(gps, areas)
    full_s = time.perf_counter() - t0

    keep = gps["trip_id"].drop_duplicates().iloc[: args.naive_trips]
    sub = gps[gps["trip_id"].isin(keep)].reset_index(drop=True)
    t0 = time.perf_counter()
    stays_v, od_v = vectorised(sub, areas)
    sub_vec_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    stays_n, od_n = naive(sub, areas)
    sub_naive_s = time.perf_counter() - t0

    pd.testing.assert_frame_equal(stays_v, stays_n)  # identical stay points …
    pd.testing.assert_frame_equal(od_v, od_n, check_dtype=False)  # … and OD counts
    # The subset's stays must also be exactly the full run's stays of those trips.
    pd.testing.assert_frame_equal(
        stays[stays["trip_id"].isin(keep)].reset_index(drop=True), stays_v
    )
    assert int(od.to_numpy().sum()) == n_trips

    load = os.getloadavg()
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}, numpy {np.__version__}, "
        f"pandas {pd.__version__}; load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}"
    )
    print(
        f"size={args.size}: {timings['raw_rows']:,} raw rows, {n_points:,} clean points, "
        f"{n_trips:,} trips, {len(stays):,} stay points; build/check {build_s:.1f} s, "
        f"read_csv {timings['read_csv']:.1f} s, cleaning {timings['clean']:.1f} s"
    )
    print(f"vectorised, all points: {full_s:.2f} s ({n_points / full_s / 1e6:.2f} M points/s)")
    n_sub = len(sub)
    vec_rate, naive_rate = n_sub / sub_vec_s, n_sub / sub_naive_s
    print(
        f"subset: first {len(keep)} trips, {n_sub:,} points, {len(stays_n)} stay points, "
        "identical stay points and OD: yes"
    )
    print(f"  vectorised {sub_vec_s:.3f} s ({vec_rate:,.0f} points/s)")
    print(f"  naive      {sub_naive_s:.2f} s ({naive_rate:,.0f} points/s)")
    print(
        f"  ratio (throughput): {vec_rate / naive_rate:.0f}x; naive projected on all "
        f"points: {n_points / naive_rate / 60:.1f} min"
    )
    print(
        f"ratio on all {args.size} points (naive projected / vectorised measured): "
        f"{n_points / naive_rate / full_s:.0f}x"
    )
    if args.size == "full":  # the target is about realistic scale only
        print(
            "target (issue 4): stay points + OD on full data < 60 s:",
            "met" if full_s < 60 else "NOT met",
        )
    sys.stdout.flush()


if __name__ == "__main__":
    main()
