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


def _run_benchmark(name: str, *args: str) -> subprocess.CompletedProcess:
    """Run a benchmark script as a user would; it must exit 0."""
    run = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / name), *args],
        capture_output=True, text=True, cwd=ROOT, timeout=900,
    )  # fmt: skip
    assert run.returncode == 0, run.stdout + run.stderr
    return run


@pytest.mark.slow
def test_bike_benchmark_agrees_with_naive_loop_on_small_data():
    run = _run_benchmark("bike_stay_points.py", "--size", "small", "--naive-trips", "12")
    assert "identical stay points and OD: yes" in run.stdout, run.stdout


def _template_benchmark():
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "template_run_benchmark", ROOT / "benchmarks" / "template_run.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_template_benchmark_refuses_a_ratio_when_the_statistics_differ():
    bench = _template_benchmark()
    # Welch's t of the R sleep data (extra ~ group): t = -1.8608 (R: t.test).
    ours = bench.statistics_of("ttest", {"statistic": -1.860813, "p_value": 0.07939})
    bench.check_same("ttest", ours, {"statistic": -1.860813, "p_value": 0.07939})
    # Negative controls: a different statistic, a sign flip (groups swapped), a missing key.
    with pytest.raises(bench.Mismatch, match="statistic differs"):
        bench.check_same("ttest", ours, {"statistic": -1.8608, "p_value": 0.07939})
    with pytest.raises(bench.Mismatch):
        bench.check_same("ttest", ours, {"statistic": 1.860813, "p_value": 0.07939})
    with pytest.raises(bench.Mismatch):
        bench.check_same("ttest", ours, {"statistic": -1.860813})
    result = {"coefficients": {"x1": {"estimate": 0.5}}, "r_squared": 0.9}
    with pytest.raises(bench.Mismatch, match="r_squared"):
        bench.check_same("regression", bench.statistics_of("regression", result),
                         {"x1": 0.5, "r_squared": 0.91})  # fmt: skip


@pytest.mark.slow
def test_template_benchmark_agrees_with_the_bare_script_on_small_data():
    run = _run_benchmark("template_run.py", "--rows", "200", "--repeats", "1")
    assert "same statistics: yes" in run.stdout, run.stdout
