"""The checker's instructor state, built once per notebook per warm process.

The checker (``checker.py``) needs the instructor's state before each checked test: the
locked cells above it, executed. Replaying them for every submission costs what the
notebook's worked examples cost (≈30 s a submission on a case study). Here they run once:
a *builder*, forked from the pristine warm process, runs the locked cells in order and,
where a checked test follows, forks a *checkpoint* process that keeps that state and
waits. Checking a test then forks a throwaway child of its checkpoint (≈20 ms), which
takes the learner's values, runs the test and exits. Learner values only ever enter
those throwaway children, so nothing of one submission reaches the next.

Each test is checked on the instructor's state before it, never on values injected for
an earlier test; the plan run (``plan.py``) checks every test this way on the
instructor's own solution, so a test that would need such a value is not checked.

A learner's process may signal these processes (same user): every catchable signal is
ignored, each checkpoint is sent SIGCONT before it is used, and a template whose builder
or checkpoint is gone is thrown away; the job then falls back to replaying the locked
cells in a fresh checker (``zygote._CheckerProcess``), so no submission is harmed.
"""

from __future__ import annotations

import hashlib
import json
import os
import select
import shutil
import signal
import socket
import struct
import tempfile
import time
from collections import OrderedDict
from pathlib import Path

from workbench.grading.faults import Fault
from workbench.grading.protocol import read_message, write_message

# Templates kept per warm process: at least the notebooks of one assignment.
KEEP = 4
_PID = struct.Struct("!q")


class TemplateBroken(Exception):
    """A builder or checkpoint is gone or does not answer: rebuild, fall back meanwhile."""


def locked_cells(cells: list[dict]) -> list[dict]:
    return [c for c in cells if c.get("locked") and not c.get("grade")]


def depth(cells: list[dict], index: int) -> int:
    """How many locked cells the checker runs before the test at ``index``."""
    return sum(1 for c in locked_cells(cells) if c["index"] < index)


def key(job: dict) -> str:
    """What the state depends on: the locked sources in order, where tests sit among
    them, the course files and the limits (not cell indices: a learner's extra cells
    must not force a rebuild)."""
    cells = job["cells"]
    parts = {
        "locked": [c["source"] for c in locked_cells(cells)],
        "depths": sorted({depth(cells, c["index"]) for c in cells if c.get("check")}),
        "files": job.get("files", {}),
        "limits": job["limits"],
    }
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()


def _ignore_signals() -> None:
    """A learner's process can signal us; only SIGKILL and SIGSTOP cannot be ignored."""
    for number in signal.valid_signals():
        if number in (signal.SIGKILL, signal.SIGSTOP, signal.SIGCHLD):
            continue
        try:
            signal.signal(number, signal.SIG_IGN)
        except (OSError, ValueError):
            pass


class Template:
    """One notebook's builder and its checkpoint processes (warm process side)."""

    def __init__(self, job: dict, shell, guard, scratch_root: str, enter_child):
        from workbench.grading.zygote import _write_files

        self.scratch = Path(tempfile.mkdtemp(prefix="template-", dir=scratch_root))
        _write_files(self.scratch, job.get("files", {}))
        cells = job["cells"]
        depths = sorted({depth(cells, c["index"]) for c in cells if c.get("check")})
        pairs = {m: socket.socketpair() for m in depths}
        self.sockets = {m: ours for m, (ours, _) in pairs.items()}
        self.pids: dict[int, int] = {}
        self.builder = os.fork()
        if self.builder == 0:
            try:
                for ours, _ in pairs.values():
                    ours.close()
                theirs = {m: sock for m, (_, sock) in pairs.items()}
                _build(job, shell, guard, self.scratch, theirs, enter_child)
            finally:
                os._exit(0)
        for _, theirs in pairs.values():
            theirs.close()

    def alive(self) -> bool:
        """Gone processes mean rebuild; a stopped one (SIGSTOP by a learner) is resumed."""
        for pid in (self.builder, *self.pids.values()):
            try:
                os.kill(pid, signal.SIGCONT)
            except ProcessLookupError:
                return False
        try:
            pid, _ = os.waitpid(self.builder, os.WNOHANG)
        except ChildProcessError:
            return False
        if pid:
            return False
        for sock in self.sockets.values():  # a dead checkpoint closed its end: EOF
            ready, _, _ = select.select([sock], [], [], 0)
            if ready and not sock.recv(1, socket.MSG_PEEK):
                return False
        return True

    def fork_checker(self, m: int, deadline: float) -> tuple[int, object, object]:
        """A throwaway child of checkpoint ``m``: (pid, its command stream, its results)."""
        sock = self.sockets.get(m)
        if sock is None:
            raise TemplateBroken(f"no checkpoint {m}")
        try:
            os.kill(self.builder, signal.SIGCONT)  # undo a SIGSTOP by a learner
            if m not in self.pids:
                self.pids[m] = _read_pid(sock, deadline)  # the checkpoint's hello
            os.kill(self.pids[m], signal.SIGCONT)
        except ProcessLookupError:
            raise TemplateBroken("checkpoint gone") from None
        command_read, command_write = os.pipe()
        result_read, result_write = os.pipe()
        try:
            socket.send_fds(sock, [b"go"], [command_read, result_write])
            pid = _read_pid(sock, deadline)
        except OSError as error:
            raise TemplateBroken(str(error)) from None
        finally:
            os.close(command_read)
            os.close(result_write)
        commands = os.fdopen(command_write, "wb")
        results = os.fdopen(result_read, "rb", buffering=0)
        return pid, commands, results

    def close(self) -> None:
        for pid in (self.builder, *self.pids.values()):
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        for sock in self.sockets.values():
            sock.close()
        try:
            os.waitpid(self.builder, 0)
        except ChildProcessError:
            pass
        shutil.rmtree(self.scratch, ignore_errors=True)


def _read_pid(sock, deadline: float) -> int:
    data = b""
    while len(data) < _PID.size:
        ready, _, _ = select.select([sock], [], [], max(deadline - time.monotonic(), 0))
        if not ready:
            raise TemplateBroken("no answer")
        chunk = sock.recv(_PID.size - len(data))
        if not chunk:
            raise TemplateBroken("closed")
        data += chunk
    return _PID.unpack(data)[0]


def _build(job, shell, guard, scratch: Path, sockets: dict, enter_child) -> None:
    """Builder process: run the locked cells once, leaving a checkpoint before each test."""
    from workbench.grading.checker import Ownership
    from workbench.grading.executor import Limits, NotebookRunner, OutputSink

    _ignore_signals()
    limits = Limits(**job["limits"])
    enter_child(limits, tuple(s.fileno() for s in sockets.values()), hard=False)
    os.chdir(scratch)
    runner = NotebookRunner(shell, limits, guard)
    runner.start()
    signal.signal(signal.SIGALRM, runner._on_alarm)
    ownership = Ownership()
    locked = locked_cells(job["cells"])
    done = 0
    for m in sorted(sockets):
        while done < m:
            runner.sink = OutputSink(limits.output_bytes)
            runner._execute(locked[done]["source"])
            ownership.learn(shell.user_ns)
            done += 1
        pid = os.fork()
        if pid == 0:
            try:
                for other, sock in sockets.items():
                    if other != m:
                        sock.close()
                _serve(sockets[m], runner, ownership, limits, enter_child)
            finally:
                os._exit(0)
        sockets[m].close()
    signal.pause()  # stay the checkpoints' parent until the warm process kills us


def _serve(sock, runner, ownership, limits, enter_child) -> None:
    """Checkpoint process: fork one throwaway checker per request, one at a time."""
    sock.sendall(_PID.pack(os.getpid()))
    while True:
        try:
            message, fds, _, _ = socket.recv_fds(sock, 16, 2)
        except OSError:
            return
        if message != b"go" or len(fds) != 2:
            return
        pid = os.fork()
        if pid == 0:
            try:
                sock.close()
                _check_one(runner, ownership, limits, fds, enter_child)
            finally:
                os._exit(0)
        for fd in fds:
            os.close(fd)
        try:
            sock.sendall(_PID.pack(pid))
        except OSError:
            return
        os.waitpid(pid, 0)


def _check_one(runner, ownership, limits, fds, enter_child) -> None:
    """Throwaway checker: the test's cell, then the learner's snapshot; one result."""
    from workbench.grading.calls import Caller

    command_fd, result_fd = fds
    enter_child(limits, (command_fd, result_fd))
    signal.signal(signal.SIGALRM, runner._on_alarm)
    commands = os.fdopen(command_fd, "rb", buffering=0)
    out = os.fdopen(result_fd, "wb")
    request = read_message(commands)
    if not isinstance(request, dict) or not isinstance(request.get("cell"), dict):
        return
    os.chdir(request["scratch"])
    snapshot = read_message(commands)
    if not isinstance(snapshot, dict):
        return
    write_message(out, runner.check(request["cell"], snapshot, ownership, Caller(out, commands)))
    out.close()


class Templates:
    """The warm process's cache of templates, least recently used thrown away first."""

    def __init__(self) -> None:
        self.cache: OrderedDict[str, Template] = OrderedDict()

    def get(self, job: dict, shell, guard, scratch_root: str, enter_child) -> Template:
        name = key(job)
        template = self.cache.pop(name, None)
        if template is not None and not template.alive():
            template.close()
            template = None
        if template is None:
            template = Template(job, shell, guard, scratch_root, enter_child)
        self.cache[name] = template
        while len(self.cache) > KEEP:
            self.cache.popitem(last=False)[1].close()
        return template

    def discard(self, template: Template) -> None:
        for name, known in list(self.cache.items()):
            if known is template:
                del self.cache[name]
        template.close()

    def pids(self) -> frozenset[int]:
        return frozenset(t.builder for t in self.cache.values())


class CheckpointChecker:
    """Same interface as ``zygote._CheckerProcess``: one checked test at a time."""

    def __init__(self, job: dict, templates: Templates, template: Template, scratch, fallback):
        self.job, self.templates, self.template = job, templates, template
        self.scratch, self.fallback = scratch, fallback
        self.cells = {cell["index"]: cell for cell in job["cells"]}
        self.broken = False

    def check(self, snapshot: dict, deadline: float, relay):
        if self.broken:
            return self.fallback.check(snapshot, deadline, relay)
        index = snapshot.get("index")
        try:
            pid, commands, results = self.template.fork_checker(
                depth(self.job["cells"], index), deadline
            )
        except TemplateBroken:
            # Not the learner's doing that we can prove: grade this job the slow way.
            self.broken = True
            self.templates.discard(self.template)
            return self.fallback.check(snapshot, deadline, relay)
        result = None
        try:
            write_message(commands, {"cell": self.cells[index], "scratch": str(self.scratch)})
            write_message(commands, snapshot)
            while True:
                remaining = max(deadline - time.monotonic(), 0)
                ready, _, _ = select.select([results], [], [], remaining)
                if not ready:
                    _kill(pid)
                    return None, Fault.TIMEOUT
                result = read_message(results)
                if not (isinstance(result, dict) and "call" in result):
                    break
                write_message(commands, {"reply": relay(result["call"])})
        except (OSError, ValueError):
            result = None
        finally:
            for stream in (commands, results):
                try:
                    stream.close()
                except OSError:
                    pass
        if result is None:
            _kill(pid)
            return None, Fault.KERNEL_DIED
        return result, None

    def close(self) -> int:
        return self.fallback.close()


def _kill(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
