"""The benchmark scripts still run and still check their results (timings are not asserted).

Each script compares the tool a user would otherwise use with ours and refuses to print a
ratio when the two disagree; a tiny run keeps that comparison from rotting between the
occasional full-size runs recorded in benchmarks/README.md.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_bike_benchmark_agrees_with_naive_loop_on_small_data():
    script = ROOT / "benchmarks" / "bike_stay_points.py"
    run = subprocess.run(
        [sys.executable, str(script), "--size", "small", "--naive-trips", "12"],
        capture_output=True, text=True, cwd=ROOT, timeout=600,
    )  # fmt: skip
    assert run.returncode == 0, run.stdout + run.stderr
    assert "identical stay points and OD: yes" in run.stdout, run.stdout
