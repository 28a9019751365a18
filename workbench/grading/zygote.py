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

from workbench.grading import isolation  # noqa: E402
from workbench.grading.collect import collect  # noqa: E402
from workbench.grading.executor import OutputSink  # noqa: E402
from workbench.grading.faults import Fault  # noqa: E402
from workbench.grading.protocol import end_child, read_message, write_message  # noqa: E402

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


def _memory_limit_bytes(memory_mb: int) -> int | None:
    """Address-space limit: what this process already maps plus the allowance.

    Linux reports the mapped size in /proc/self/statm. Elsewhere (macOS) there is no such
    file and RLIMIT_AS is not enforced by the kernel: no limit is set (README.md).
    """
    try:
        with open("/proc/self/statm") as statm:
            pages = int(statm.read().split()[0])
    except OSError:
        return None
    return pages * resource.getpagesize() + memory_mb * 1024 * 1024


def _enter_child(limits, keep: tuple[int, ...]) -> None:
    """Common set-up of a forked learner or checker process."""
    devnull = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):  # C-level writes must never reach the protocol pipe
        os.dup2(devnull, fd)
    # Only the process's own pipes stay open: never the warm process's stream or the
    # other process's pipes.
    for fd in _open_fds():
        if fd > 2 and fd not in keep:
            try:
                os.close(fd)
            except OSError:
                pass
    os.environ["NBGRADER_EXECUTION"] = "autograde"
    limit = _memory_limit_bytes(limits.memory_mb)
    if limit is not None:
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    resource.setrlimit(resource.RLIMIT_FSIZE, (64 * 1024 * 1024, 64 * 1024 * 1024))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def _open_fds() -> list[int]:
    try:
        return [int(fd) for fd in os.listdir("/proc/self/fd")]
    except OSError:  # macOS
        return list(range(3, 256))


def _learner(job: dict, shell, guard, write_fd: int, command_fd: int) -> None:
    from workbench.grading.executor import Limits, NotebookRunner

    limits = Limits(**job["limits"])
    _enter_child(limits, (write_fd, command_fd))
    out, commands = os.fdopen(write_fd, "wb"), os.fdopen(command_fd, "rb", buffering=0)
    runner = NotebookRunner(shell, limits, guard)
    emit = lambda message: write_message(out, message)  # noqa: E731
    runner.run(job["cells"], emit, job.get("plan", False), commands)
    write_message(out, {"done": True})
    out.close()


def _checker(job: dict, shell, guard, read_fd: int, write_fd: int) -> None:
    """The checker: forked before the learner's process, so no learner code ever ran here."""
    from workbench.grading.calls import Caller
    from workbench.grading.checker import Ownership
    from workbench.grading.executor import Limits, NotebookRunner

    limits = Limits(**job["limits"])
    _enter_child(limits, (read_fd, write_fd))
    commands, out = os.fdopen(read_fd, "rb", buffering=0), os.fdopen(write_fd, "wb")
    caller = Caller(out, commands)
    runner = NotebookRunner(shell, limits, guard)
    runner.start()
    ownership = Ownership()
    cells = {cell["index"]: cell for cell in job["cells"]}
    locked = [c for c in job["cells"] if c.get("locked") and not c.get("grade")]
    while (message := read_message(commands)) is not None:
        index = message.get("index") if isinstance(message, dict) else None
        if index not in cells:  # e.g. a reply that came after its call timed out
            continue
        while locked and locked[0]["index"] < index:  # the instructor's state, rebuilt here
            runner.sink = OutputSink(limits.output_bytes)
            runner._execute(locked.pop(0)["source"])
            ownership.learn(shell.user_ns)
        write_message(out, runner.check(cells[index], message, ownership, caller))


def _write_files(folder: Path, files: dict[str, str]) -> None:
    for relative, encoded in files.items():
        target = (folder / relative).resolve()
        if folder.resolve() not in target.parents:
            continue  # a file name escaping the scratch folder is ignored
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(base64.b64decode(encoded))


def _fork(target, *args) -> int:
    pid = os.fork()
    if pid == 0:  # the child: never returns
        try:
            target(*args)
        finally:
            os._exit(0)
    return pid


def run_job(job: dict, shell, guard, scratch_root: str, defences: frozenset) -> dict:
    scratch = Path(tempfile.mkdtemp(prefix="job-", dir=scratch_root))
    _write_files(scratch, job.get("files", {}))
    started = time.monotonic()
    checker = None
    if any(cell.get("check") for cell in job["cells"]) and not job.get("plan"):
        checker = _CheckerProcess(job, shell, guard, scratch)
    read_fd, write_fd = os.pipe()
    command_read, command_write = os.pipe()

    def learner() -> None:
        os.close(read_fd)
        os.close(command_write)
        os.chdir(scratch)
        _learner(job, shell, guard, write_fd, command_read)

    pid = _fork(learner)
    os.close(write_fd)
    os.close(command_read)
    # Unbuffered: select() must see every byte not yet read, or a message already in a
    # buffer would wait for the deadline.
    pipe = os.fdopen(read_fd, "rb", buffering=0)
    commands = os.fdopen(command_write, "wb")
    try:
        return collect(job, pid, pipe, commands, started, checker)
    finally:
        try:
            commands.close()
        except OSError:
            pass
        if checker is not None:
            checker.close()
        if "reaper" not in defences:
            isolation.reap_orphans()
        shutil.rmtree(scratch, ignore_errors=True)


class _CheckerProcess:
    """The parent's handle on one job's checker; restarted if a test kills it."""

    def __init__(self, job: dict, shell, guard, scratch: Path):
        self.job, self.shell, self.guard, self.scratch = job, shell, guard, scratch
        self.pid = None

    def _start(self) -> None:
        command_read, command_write = os.pipe()
        result_read, result_write = os.pipe()

        def run() -> None:
            os.close(command_write)
            os.close(result_read)
            os.chdir(self.scratch)
            _checker(self.job, self.shell, self.guard, command_read, result_write)

        self.pid = _fork(run)
        os.close(command_read)
        os.close(result_write)
        self.commands = os.fdopen(command_write, "wb")
        self.results = os.fdopen(result_read, "rb", buffering=0)

    def check(self, snapshot: dict, deadline: float, relay) -> tuple[dict | None, Fault | None]:
        """The test cell's result, or ``(None, fault)`` if the checker had to be stopped.

        While the test runs, its calls of learner functions are passed to ``relay``.
        """
        if self.pid is None:
            self._start()
        try:
            write_message(self.commands, snapshot)
            while True:
                remaining = max(deadline - time.monotonic(), 0)
                ready, _, _ = select.select([self.results], [], [], remaining)
                if not ready:
                    self.close()
                    return None, Fault.TIMEOUT
                result = read_message(self.results)
                if not (isinstance(result, dict) and "call" in result):
                    break
                write_message(self.commands, {"reply": relay(result["call"])})
        except (OSError, ValueError):
            result = None
        if result is None:
            status = self.close()
            killed = os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL
            return None, Fault.MEMORY if killed else Fault.KERNEL_DIED
        return result, None

    def close(self) -> int:
        if self.pid is None:
            return 0
        status = end_child(self.pid, (self.commands, self.results))
        self.pid = None
        return status


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
    defences = frozenset(os.environ.get("WORKBENCH_GRADER_DISABLED", "").split(","))
    if sys.platform.startswith("linux"):
        isolation.harden(defences)
    # Modules are found only in the environment, never in a folder learners write to.
    sys.path[:] = [p for p in sys.path if p and Path(p).resolve() != Path(scratch_root).resolve()]
    write_message(stdout, {"ready": True, "pid": os.getpid()})
    while (job := read_message(stdin)) is not None:
        write_message(stdout, run_job(job, shell, guard, scratch_root, defences))


if __name__ == "__main__":
    main()
