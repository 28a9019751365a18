"""The warm process: import the heavy libraries once, then fork a fresh child per notebook.

Start-up, not the learner's analysis, dominates grading time (a kernel ≈0.8 s, pandas +
scipy + statsmodels + seaborn ≈2.7 s, the learner's own work < 0.1 s). This process pays
that cost once, builds an IPython shell and the tamper guard's snapshot, and then, for
each job read from stdin, forks a child that inherits all of it copy-on-write. The child
runs the notebook under resource limits and streams each cell's outputs back; the parent
enforces the wall-clock limits and turns deaths into fault reasons. Nothing a child does
reaches the next child: each one starts from the same pristine parent.

Run as ``python -m workbench.grading.zygote`` (inside the sandbox, see ``sandbox.py``).
"""

from __future__ import annotations

import base64
import gc
import os

# One BLAS/OpenMP thread: forking a process that owns thread pools can deadlock the child,
# and parallelism comes from running one warm process per core anyway.
for _variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_variable] = "1"

import resource  # noqa: E402
import select  # noqa: E402
import shutil  # noqa: E402
import signal  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

from workbench.grading.faults import Fault  # noqa: E402
from workbench.grading.protocol import read_message, write_message  # noqa: E402

PRELOAD = (
    "numpy",
    "pandas",
    "scipy.stats",
    "statsmodels.api",
    "statsmodels.formula.api",
    "matplotlib.pyplot",
    "seaborn",
    "matplotlib_fontja",
    "openpyxl",
    "workbench.checks",
    "workbench.datasets",
    "workbench.plotting",
    "workbench.io",
)
GRACE_SECONDS = 2.0


def preload(extra: list[str] | None = None) -> None:
    """Import what notebooks use and warm first-use caches, once for every child."""
    import importlib

    for name in (*PRELOAD, *(extra or [])):
        try:
            importlib.import_module(name)
        except Exception:  # a module a notebook imports may not exist: the child will say so
            pass
    # First use of a font parses the font file and builds caches: do it here, with the
    # Japanese font notebooks use, so children inherit the warm caches.
    import matplotlib.pyplot as plt

    from workbench import plotting

    figure, axes = plt.subplots()
    axes.set_title(plotting.JAPANESE_FONT, fontfamily=plotting.JAPANESE_FONT)
    axes.plot([0, 1], [0, 1])
    figure.canvas.draw()
    plt.close(figure)


def _memory_limit_bytes(memory_mb: int) -> int:
    """Address-space limit: what this process already maps plus the allowance."""
    with open("/proc/self/statm") as statm:
        pages = int(statm.read().split()[0])
    return pages * resource.getpagesize() + memory_mb * 1024 * 1024


def _child(job: dict, shell, guard, write_fd: int) -> None:
    from workbench.grading.executor import Limits, NotebookRunner

    limits = Limits(**job["limits"])
    devnull = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):  # C-level writes must never reach the protocol pipe
        os.dup2(devnull, fd)
    os.environ["NBGRADER_EXECUTION"] = "autograde"
    limit = _memory_limit_bytes(limits.memory_mb)
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    resource.setrlimit(resource.RLIMIT_FSIZE, (64 * 1024 * 1024, 64 * 1024 * 1024))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    out = os.fdopen(write_fd, "wb")
    runner = NotebookRunner(shell, limits, guard)
    runner.run(job["cells"], lambda message: write_message(out, {"cell": message}))
    write_message(out, {"done": True})
    out.close()


def _write_files(folder: Path, files: dict[str, str]) -> None:
    for relative, encoded in files.items():
        target = (folder / relative).resolve()
        if folder.resolve() not in target.parents:
            continue  # a file name escaping the scratch folder is ignored
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(base64.b64decode(encoded))


def run_job(job: dict, shell, guard, scratch_root: str) -> dict:
    scratch = Path(tempfile.mkdtemp(prefix="job-", dir=scratch_root))
    _write_files(scratch, job.get("files", {}))
    read_fd, write_fd = os.pipe()
    started = time.monotonic()
    pid = os.fork()
    if pid == 0:  # the child: never returns
        try:
            os.close(read_fd)
            os.chdir(scratch)
            _child(job, shell, guard, write_fd)
        finally:
            os._exit(0)
    os.close(write_fd)
    try:
        return _collect(job, pid, os.fdopen(read_fd, "rb"), started)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _collect(job: dict, pid: int, pipe, started: float) -> dict:
    limits = job["limits"]
    cells, done, killed_for = [], False, None
    last_progress = started
    while True:
        now = time.monotonic()
        deadline = min(
            started + limits["notebook_timeout"],
            last_progress + limits["cell_timeout"] + GRACE_SECONDS,
        )
        ready, _, _ = select.select([pipe], [], [], max(deadline - now, 0))
        if not ready:
            killed_for = Fault.TIMEOUT
            os.kill(pid, signal.SIGKILL)
            break
        message = read_message(pipe)
        if message is None:
            break
        if message.get("done"):
            done = True
            break
        cells.append(message["cell"])
        last_progress = time.monotonic()
    pipe.close()
    _, status = os.waitpid(pid, 0)
    faults = set(cells[-1]["faults"]) if cells else set()
    detail = ""
    if killed_for is not None:
        faults.add(killed_for.value)
        detail = "実行時間の上限を超えたため、実行を打ち切りました。"
    elif not done:
        if os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL:
            faults.add(Fault.MEMORY.value)  # the kernel's OOM killer is the usual sender
            detail = "プロセスが強制終了されました（メモリ不足の可能性）。"
        else:
            faults.add(Fault.KERNEL_DIED.value)
            code = os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status)
            kind = "シグナル" if os.WIFSIGNALED(status) else "終了コード"
            detail = f"実行中にプロセスが終了しました（{kind} {code}）。"
    return {
        "job_id": job["job_id"],
        "cells": cells,
        "completed": done,
        "faults": sorted(faults),
        "detail": detail,
        "seconds": round(time.monotonic() - started, 3),
    }


def main() -> None:
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    figures = os.environ.get("WORKBENCH_GRADER_FIGURES") == "1"
    scratch_root = os.environ.get("WORKBENCH_GRADER_SCRATCH") or tempfile.gettempdir()
    preload([m for m in os.environ.get("WORKBENCH_GRADER_PRELOAD", "").split(",") if m])
    from workbench.grading.executor import make_shell
    from workbench.grading.guard import Guard

    shell = make_shell(figures)
    guard = Guard(shell)
    # Move everything imported so far out of the collector's reach: a full collection in
    # a child would otherwise walk the whole warm heap (0.1-0.4 s a time, several times
    # per notebook) and touch every page, defeating copy-on-write.
    gc.collect()
    gc.freeze()
    write_message(stdout, {"ready": True, "pid": os.getpid()})
    while (job := read_message(stdin)) is not None:
        write_message(stdout, run_job(job, shell, guard, scratch_root))


if __name__ == "__main__":
    main()
