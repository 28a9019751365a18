"""Grading throughput: `nbgrader autograde` vs `python -m workbench grade`, in one run.

Builds N submissions of a real course unit (mostly correct, some with the realistic
wrong answers from tests/wrong_answers, some blank, a few faulty), grades a sample with
nbgrader and all of them with the workbench grader on the same machine, checks that the
scores agree on every submission both graded (the honest ones), and prints throughput
and the ratio. nbgrader is run on a sample because at ≈4 s a submission it would take
hours on thousands; throughput is per submission, so the ratio is unaffected.

    python benchmarks/grading.py --unit 04_t_test --n 5000 --nbgrader-n 20
    python benchmarks/grading.py --unit stats_anchor --n 5000 --nbgrader-n 20
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))

import nbformat  # noqa: E402
from harness import WrongAnswer, answered, make_course, nbgrader, scores, submit  # noqa: E402
from wrong_answers import WRONG_ANSWERS  # noqa: E402

from workbench.grading.executor import Limits  # noqa: E402
from workbench.grading.pipeline import Options, grade  # noqa: E402

ANCHOR_UNIT = "stats_anchor"
ANCHOR_CELLS = [
    (
        "setup",
        "locked",
        """import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
import statsmodels.formula.api as smf
from scipy import stats

from workbench import checks

rng = np.random.default_rng(0)
df = pd.DataFrame({"group": ["A"] * 30 + ["B"] * 40, "x": rng.uniform(0, 10, 70)})
df["y"] = 3 + 2 * df["x"] + rng.normal(0, 2, 70) + (df["group"] == "B") * 1.5""",
    ),
    (
        "ex1",
        "solution",
        """### BEGIN SOLUTION
a, b = df.loc[df.group == "A", "y"], df.loc[df.group == "B", "y"]
t_stat, p_value = stats.ttest_ind(a, b, equal_var=False)
### END SOLUTION""",
    ),
    (
        "ex1_test",
        "test",
        """checks.number(checks.variable("p_value"), "p_value", between=(0, 1))
### BEGIN HIDDEN TESTS
_a, _b = df.loc[df.group == "A", "y"], df.loc[df.group == "B", "y"]
_se = np.sqrt(_a.var() / len(_a) + _b.var() / len(_b))
checks.close(t_stat, (_a.mean() - _b.mean()) / _se, "Welch の t ではありません", rel=1e-6)
### END HIDDEN TESTS""",
    ),
    (
        "ex2",
        "solution",
        """### BEGIN SOLUTION
model = smf.ols("y ~ x", data=df).fit()
slope = model.params["x"]
### END SOLUTION""",
    ),
    (
        "ex2_test",
        "test",
        """checks.number(checks.variable("slope"), "slope")
### BEGIN HIDDEN TESTS
_X = np.column_stack([np.ones(len(df)), df["x"]])
_beta = np.linalg.solve(_X.T @ _X, _X.T @ df["y"].to_numpy())
checks.close(slope, _beta[1], "傾きが正しくありません", rel=1e-6)
### END HIDDEN TESTS""",
    ),
]
ANCHOR_WRONG = [
    (
        "ex1",
        "a, b = df.loc[df.group == 'A', 'y'], df.loc[df.group == 'B', 'y']\n"
        "t_stat, p_value = stats.ttest_ind(a, b)",
    ),
    ("ex2", "model = smf.ols('x ~ y', data=df).fit()\nslope = model.params['y']"),
]


def write_anchor_unit(courses: Path) -> None:
    """REFERENCE.md §D's anchor: one notebook, the statistics imports, one t-test, one OLS.

    This is the assignment the 3.9 s/submission nbgrader figure was measured on; the
    course units are larger teaching notebooks (examples, simulations, charts).
    """
    cells = []
    for grade_id, kind, source in ANCHOR_CELLS:
        cell = nbformat.v4.new_code_cell(source, id=grade_id)
        cell.metadata["nbgrader"] = {
            "grade": kind == "test",
            "grade_id": grade_id,
            "locked": kind != "solution",
            "schema_version": 3,
            "solution": kind == "solution",
            "task": False,
            **({"points": 1} if kind == "test" else {}),
        }
        cells.append(cell)
    notebook = nbformat.v4.new_notebook(cells=cells)
    notebook.metadata["kernelspec"] = {
        "display_name": "Python 3 (ipykernel)",
        "language": "python",
        "name": "python3",
    }
    folder = courses / ANCHOR_UNIT
    folder.mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook, folder / f"{ANCHOR_UNIT}.ipynb")


FAULTS = {
    "exit": "import os\nos._exit(1)",
    "bigprint": 'print("x" * 50_000_000)',
    "error": "raise RuntimeError('途中で失敗')",
}


def build_submissions(root: Path, unit: str, n: int, seed: int) -> dict[str, str]:
    """Write N submissions; returns student → kind (correct, wrong, blank, fault:…, malformed).

    A unit in parts is submitted whole: every notebook of the release, a wrong answer or a
    fault replacing its cell in the part that holds it.
    """
    names = sorted(path.name for path in (root / "release" / unit).glob("*.ipynb"))
    sources = {
        name: nbformat.read(root.parent / "courses" / unit / name, as_version=4) for name in names
    }
    releases = {name: nbformat.read(root / "release" / unit / name, as_version=4) for name in names}
    if unit == ANCHOR_UNIT:
        wrongs = [WrongAnswer(cell, cell + "_test", code, "") for cell, code in ANCHOR_WRONG]
    else:
        wrongs = WRONG_ANSWERS.get(unit, [])
    solution_cells = [w.cell for w in wrongs] or ["ex1"]
    rng = random.Random(seed)
    kinds = {}
    for index in range(n):
        student = f"staff{index:05d}"
        roll = rng.random()
        replace: dict[str, str] | None = {}
        if roll < 0.70 or not wrongs:
            kind = "correct"
        elif roll < 0.85:
            wrong = rng.choice(wrongs)
            kind, replace = "wrong", {wrong.cell: wrong.code}
        elif roll < 0.97:
            kind, replace = "blank", None
        elif roll < 0.99:
            fault = rng.choice(sorted(FAULTS))
            cell = rng.choice(solution_cells)
            kind, replace = f"fault:{fault}", {cell: FAULTS[fault]}
        else:
            kind = "malformed"
        for name in names:
            if kind == "malformed":
                folder = root / "submitted" / student / unit
                folder.mkdir(parents=True, exist_ok=True)
                (folder / name).write_text("{ not a notebook", encoding="utf-8")
                (folder / "timestamp.txt").write_text("2024-04-01 09:00:00.000000 UTC")
                continue
            notebook = (
                releases[name]
                if replace is None
                else answered(releases[name], sources[name], replace)
            )
            submit(root, student, unit, name, notebook)
        kinds[student] = kind
    return kinds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--unit",
        default="04_t_test" if (REPO / "courses" / "04_t_test").is_dir() else "01_excel_basics",
    )
    parser.add_argument("--n", type=int, default=200)
    parser.add_argument("--nbgrader-n", type=int, default=10)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", type=Path, help="write the results here")
    parser.add_argument(
        "--disable",
        default="",
        help="defences to switch off, comma-separated (e.g. checker: tests decided in the "
        "learner's process, as before issue 11)",
    )
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="bench-grading-"))
    try:
        ours_root = make_course(work / "ours")
        if args.unit == ANCHOR_UNIT:
            write_anchor_unit(ours_root.parent / "courses")
        nbgrader(ours_root, "generate_assignment", args.unit, "--force")
        kinds = build_submissions(ours_root, args.unit, args.n, args.seed)

        honest = [s for s, k in kinds.items() if k in ("correct", "wrong", "blank")]
        sample = honest[: args.nbgrader_n]
        theirs_root = make_course(work / "nbgrader")
        if args.unit == ANCHOR_UNIT:
            write_anchor_unit(theirs_root.parent / "courses")
        nbgrader(theirs_root, "generate_assignment", args.unit, "--force")
        for student in sample:
            shutil.copytree(ours_root / "submitted" / student, theirs_root / "submitted" / student)
        started = time.perf_counter()
        nbgrader(theirs_root, "autograde", args.unit, "--force")
        nbgrader_seconds = time.perf_counter() - started

        limits = Limits(cell_timeout=30, notebook_timeout=300, memory_mb=1024)
        started = time.perf_counter()
        disabled = frozenset(name for name in args.disable.split(",") if name)
        options = Options(
            workers=args.workers, limits=limits, progress=True, disabled_defences=disabled
        )
        summary = grade(args.unit, ours_root, options)
        ours_seconds = time.perf_counter() - started

        mismatches = [
            s
            for s in sample
            if scores(ours_root, args.unit, s) != scores(theirs_root, args.unit, s)
        ]
        nbgrader_rate = len(sample) / nbgrader_seconds
        ours_rate = args.n / ours_seconds
        results = {
            "unit": args.unit,
            "machine": (
                f"{platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}"
            ),
            "submissions": args.n,
            "kinds": {
                k: sum(1 for v in kinds.values() if v == k) for k in sorted(set(kinds.values()))
            },
            "nbgrader_sample": len(sample),
            "nbgrader_seconds": round(nbgrader_seconds, 2),
            "nbgrader_per_second": round(nbgrader_rate, 3),
            "workbench_workers": args.workers,
            "workbench_disabled": sorted(disabled),
            "workbench_seconds": round(ours_seconds, 2),
            "workbench_per_second": round(ours_rate, 3),
            "ratio": round(ours_rate / nbgrader_rate, 1),
            "projected_5000_minutes": round(5000 / ours_rate / 60, 1),
            "faults": dict(summary.faults),
            "score_mismatches": mismatches,
        }
        print(json.dumps(results, ensure_ascii=False, indent=2))
        if args.json:
            args.json.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n")
        if mismatches:
            raise SystemExit(f"scores differ from nbgrader for {mismatches}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
