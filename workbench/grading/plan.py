"""Which tests the checker decides, chosen once per run before any learner runs.

The instructor's source notebook is graded twice on the run's own backend: every test in
the same process (as nbgrader does), and every test by the checker (``checker.py``). A
test is checked when both pass on the instructor's own solution; otherwise it needs
something the checker cannot give it (``isinstance`` of a fitted model, arithmetic on a
handle) and runs in the learner's process under the guard. No submission can change it.
The result is kept per digest of the instructor's files and the grader (plan_cache.py).
"""

from __future__ import annotations

import logging

import nbformat

from workbench.grading import plan_cache, steps
from workbench.grading.submissions import extra_files

log = logging.getLogger(__name__)


def plan(course, backend, assignment: str, limits) -> dict[str, dict[str, bool]]:
    """Decide once, before any learner runs, which tests the checker decides (checker.py).

    The instructor's source notebook is graded twice: every test in the same process
    (as nbgrader does), and every test by the checker. A test is checked when both pass
    on the instructor's own solution; otherwise (it needs something the checker cannot
    give it, such as ``isinstance`` of a fitted model) it runs in the learner's process
    under the guard. No submission can change this choice.
    """
    source = course.source(assignment)
    notebooks = {
        path.stem: steps.job_cells(nbformat.read(path, as_version=4))
        for path in sorted(source.glob("*.ipynb"))
    }
    names = {
        name: {c["grade_id"] for c in cells if c["grade"]} for name, cells in notebooks.items()
    }
    settings = (backend.figures, tuple(backend.preload), *_run_settings(backend))
    cache_key = plan_cache.key(course, assignment, limits, settings)
    cached = plan_cache.load(course, assignment, cache_key, names)
    if cached is not None:
        return cached
    plans, complete = _decide(source, notebooks, backend, limits)
    if complete:
        plan_cache.store(course, assignment, cache_key, plans)
    return plans


def _run_settings(backend) -> tuple:
    """(sandbox, disabled defences) in a stable order (a set's order varies per process)."""
    settings = list(backend.settings)
    if len(settings) > 1:
        settings[1] = tuple(sorted(settings[1]))
    return tuple(settings)


def _decide(source, notebooks, backend, limits) -> tuple[dict[str, dict[str, bool]], bool]:
    """Grade the instructor's notebooks both ways; ``complete`` when every test passed in
    the instructor's own process (else the plan is not worth keeping: decided again)."""
    files = extra_files(source)[0]
    futures = {}
    for stem, cells in notebooks.items():
        for mode in ("inside", "checker"):
            checked = {c["grade_id"]: True for c in cells if c["grade"]}
            job = {
                "job_id": f"plan-{mode}/{stem}",
                "limits": limits.__dict__,
                "cells": cells if mode == "inside" else _with_checks(cells, checked),
                "files": files,
                "plan": mode == "inside",
            }
            futures[(stem, mode)] = (backend.submit(job), cells)
    plans, complete = {}, True
    for name in {name for name, _ in futures}:
        try:
            inside = _verdicts(*_result(futures[(name, "inside")]))
            outside = _verdicts(*_result(futures[(name, "checker")]))
        except Exception:  # no plan: every test runs in the learner's process, guarded
            plans[name] = {}
            complete = False
            continue
        complete = complete and all(verdict == "pass" for verdict in inside.values())
        plans[name] = {
            gid: verdict == "pass" and outside.get(gid) == "pass" for gid, verdict in inside.items()
        }
        for gid, ok in plans[name].items():
            if not ok:
                log.info(
                    "%s: runs in the learner's process (%s / %s)",
                    gid,
                    inside[gid],
                    outside.get(gid),
                )
    return plans, complete


def _with_checks(cells: list[dict], checked: dict) -> list[dict]:
    return [{**c, "check": bool(c["grade"] and checked.get(c["grade_id"]))} for c in cells]


def _result(pair):
    future, cells = pair
    return future.result(), cells


def _verdicts(result: dict, cells: list[dict]) -> dict[str, str]:
    """Each test cell's verdict as nbgrader's scoring reads its outputs."""
    ids = {c["index"]: c["grade_id"] for c in cells if c["grade"]}
    verdicts = {gid: "not run" for gid in ids.values()}
    for cell in result["cells"]:
        if cell["index"] in ids:
            verdicts[ids[cell["index"]]] = steps.verdict(cell["outputs"])
    return verdicts
