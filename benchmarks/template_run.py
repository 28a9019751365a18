"""``workbench template run`` vs the bare script a policy analyst would otherwise write.

For each size (rows) one CSV is generated (a group column, a value, and x1, x2, y for a
regression) and, in one run on the same machine, timed side by side:

- ours: ``python -m workbench template run ttest|regression --data FILE … --out DIR``
  (reading and cleaning, the executed notebook, report.html, report.docx, results.xlsx,
  result.json);
- bare: ``python benchmarks/template_run.py bare ttest|regression FILE OUT`` — a fresh
  Python that imports pandas + scipy (t-test) or statsmodels (regression) + matplotlib,
  reads the CSV with ``pd.read_csv``, computes the same test and saves the same kind of
  chart as a PNG (the points with the group means for the t-test; observed vs fitted and
  residuals for the regression), and writes its statistic to a JSON file.

Both are separate processes (start-up included: that is what a user waits for), run
alternately (bare, ours, ours, bare, …) so that the load of the shared machine falls on
both alike; the median wall time and the median CPU time (user + sys of the process and
its children) are reported.  Before a ratio is printed, the two statistics must agree
(Welch's t, or the x1 coefficient and R², to 1e-9 relative); otherwise the script stops.

    python benchmarks/template_run.py                          # 10^3 … 10^6 rows
    python benchmarks/template_run.py --rows 1000 --repeats 1  # the quick check the test runs
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TEMPLATES = {
    "ttest": [("value", "値"), ("group", "群")],
    "regression": [("formula", "y ~ x1 + x2")],
}


class Mismatch(AssertionError):
    """The two tools disagree: no ratio may be printed."""


def write_data(path: Path, rows: int, seed: int = 0) -> Path:
    """Synthetic data (合成データ): two groups 1.0 apart, and y = 2 + 0.5 x1 − 0.3 x2 + e."""
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(seed)
    group = np.where(rng.random(rows) < 0.5, "A", "B")
    group[:2] = ["A", "B"]  # both groups present, A first (the difference is A − B)
    x1, x2 = rng.normal(10, 2, rows), rng.normal(5, 1, rows)
    frame = pd.DataFrame(
        {
            "群": group,
            "値": np.round(rng.normal(50, 10, rows) + (group == "B"), 3),
            "x1": np.round(x1, 4),
            "x2": np.round(x2, 4),
            "y": np.round(2 + 0.5 * x1 - 0.3 * x2 + rng.normal(0, 1, rows), 4),
        }
    )
    frame.to_csv(path, index=False, encoding="utf-8")
    return path


# ------------------------------------------------------------------- the bare scripts


def bare_ttest(data: Path, out: Path) -> dict:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np
    import pandas as pd
    from scipy import stats

    df = pd.read_csv(data)
    groups = list(pd.unique(df["群"]))
    samples = [df.loc[df["群"] == g, "値"].dropna() for g in groups]
    test = stats.ttest_ind(samples[0], samples[1], equal_var=False)
    fig, ax = plt.subplots(figsize=(8, 4.5))
    rng = np.random.default_rng(0)
    for i, sample in enumerate(samples):
        ax.scatter(i + rng.uniform(-0.08, 0.08, len(sample)), sample, alpha=0.6)
        mean, se = sample.mean(), sample.std(ddof=1) / np.sqrt(len(sample))
        ax.hlines(mean, i - 0.25, i + 0.25, color="black", linewidth=2)
        ax.vlines(i, mean - 1.96 * se, mean + 1.96 * se, color="black")
    ax.set_xticks(range(len(groups)), groups)
    fig.savefig(out / "chart.png")
    return {"statistic": float(test.statistic), "p_value": float(test.pvalue)}


def bare_regression(data: Path, out: Path) -> dict:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import pandas as pd
    import statsmodels.formula.api as smf

    df = pd.read_csv(data)
    fit = smf.ols("y ~ x1 + x2", data=df).fit()
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4.5))
    observed = fit.fittedvalues + fit.resid
    left.scatter(fit.fittedvalues, observed, alpha=0.7)
    right.scatter(fit.fittedvalues, fit.resid, alpha=0.7)
    right.axhline(0, color="grey", linestyle="--")
    fig.savefig(out / "chart.png")
    return {"x1": float(fit.params["x1"]), "r_squared": float(fit.rsquared)}


BARE = {"ttest": bare_ttest, "regression": bare_regression}


# --------------------------------------------------------------- what must agree


def statistics_of(template: str, result: dict) -> dict:
    """The numbers compared, from the workbench's result.json."""
    if template == "ttest":
        return {"statistic": result["statistic"], "p_value": result["p_value"]}
    return {"x1": result["coefficients"]["x1"]["estimate"], "r_squared": result["r_squared"]}


def check_same(template: str, ours: dict, bare: dict, rel: float = 1e-9) -> None:
    """Raise Mismatch unless every compared number agrees to REL (relative)."""
    if ours.keys() != bare.keys():
        raise Mismatch(f"{template}: compared {sorted(ours)} vs {sorted(bare)}")
    for key in ours:
        a, b = float(ours[key]), float(bare[key])
        if not math.isclose(a, b, rel_tol=rel, abs_tol=1e-300):
            raise Mismatch(f"{template}: {key} differs: workbench {a!r}, bare script {b!r}")


# ------------------------------------------------------------------------- timing


def timed(command: list[str], cwd: Path) -> tuple[float, float]:
    """(wall s, CPU s of the process and everything it waited for)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    run = subprocess.run(command, cwd=cwd, capture_output=True, text=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if run.returncode != 0:
        raise SystemExit(f"failed: {' '.join(command)}\n{run.stdout}\n{run.stderr}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def ours_command(python: str, template: str, data: Path, out: Path) -> list[str]:
    params = [x for key, value in TEMPLATES[template] for x in ("-p", key, value)]
    return [python, "-m", "workbench", "template", "run", template, "--data", str(data),
            *params, "--out", str(out)]  # fmt: skip


def measure(template: str, data: Path, work: Path, repeats: int, python: str, repo: Path) -> dict:
    walls: dict[str, list[float]] = {"bare": [], "ours": []}
    cpus: dict[str, list[float]] = {"bare": [], "ours": []}
    for i in range(repeats):
        order = ("bare", "ours") if i % 2 == 0 else ("ours", "bare")
        for tool in order:
            out = work / f"{template}-{tool}"
            out.mkdir(exist_ok=True)
            if tool == "bare":
                command = [python, str(Path(__file__).resolve()), "bare", template, str(data),
                           str(out)]  # fmt: skip
            else:
                command = ours_command(python, template, data, out)
            wall, cpu = timed(command, repo)
            walls[tool].append(wall)
            cpus[tool].append(cpu)
    ours = json.loads((work / f"{template}-ours" / "result.json").read_text(encoding="utf-8"))
    bare = json.loads((work / f"{template}-bare" / "bare.json").read_text(encoding="utf-8"))
    check_same(template, statistics_of(template, ours), bare)
    return {
        tool: (statistics.median(walls[tool]), statistics.median(cpus[tool])) for tool in walls
    } | {"agree": statistics_of(template, ours)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="*", default=[10**3, 10**4, 10**5, 10**6])
    parser.add_argument("--templates", nargs="*", default=list(TEMPLATES), choices=TEMPLATES)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--repeats-largest", type=int, default=None,
                        help="repeats at the largest size (default: --repeats)")  # fmt: skip
    args = parser.parse_args(argv)
    python = sys.executable
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}"
    )
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    header = (
        "| template | rows | bare wall s | ours wall s | ratio (wall) | bare CPU s | ours CPU s"
        " | ratio (CPU) | agree |"
    )
    rows_out = [header, "|" + "---|" * 9]
    with tempfile.TemporaryDirectory(prefix="template-bench-") as tmp:
        work = Path(tmp)
        for rows in args.rows:
            data = write_data(work / f"data_{rows}.csv", rows)
            repeats = args.repeats
            if args.repeats_largest and rows == max(args.rows):
                repeats = args.repeats_largest
            for template in args.templates:
                m = measure(template, data, work, repeats, python, ROOT)
                (bw, bc), (ow, oc) = m["bare"], m["ours"]
                agree = ", ".join(f"{k} {v:.6g}" for k, v in m["agree"].items())
                line = (f"| {template} | {rows:,} | {bw:.2f} | {ow:.2f} | **{ow / bw:.2f}×** | "
                        f"{bc:.2f} | {oc:.2f} | {oc / bc:.2f}× | yes ({agree}) |")  # fmt: skip
                rows_out.append(line)
                print(line, flush=True)
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print("\n".join(rows_out))
    print("same statistics: yes")
    return 0


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "bare":
        template, data, out = sys.argv[2], Path(sys.argv[3]), Path(sys.argv[4])
        result = BARE[template](data, out)
        (out / "bare.json").write_text(json.dumps(result), encoding="utf-8")
    else:
        raise SystemExit(main())
