"""A handle on one warm process: start it, send it jobs, restart it if it dies."""

from __future__ import annotations

import subprocess
import tempfile
import threading

from workbench.grading.faults import Fault
from workbench.grading.protocol import read_message, write_message
from workbench.grading.sandbox import warm_process_command


class WarmProcess:
    """One sandboxed ``zygote``; ``run`` is safe to call from one thread at a time."""

    def __init__(
        self,
        figures: bool = False,
        preload: tuple[str, ...] = (),
        sandbox: bool = True,
        disabled: frozenset[str] = frozenset(),
    ):
        self.figures = figures
        self.preload = preload
        self.sandbox = sandbox
        self.disabled = disabled
        self.process: subprocess.Popen | None = None
        self.lock = threading.Lock()

    def _start(self) -> None:
        command, env = warm_process_command(self.figures, self.preload, self.sandbox, self.disabled)
        self.errors = tempfile.TemporaryFile()
        self.process = subprocess.Popen(
            command,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.errors,
            env=env or None,
        )
        ready = read_message(self.process.stdout)
        if not ready or not ready.get("ready"):
            self.errors.seek(0)
            tail = self.errors.read().decode("utf-8", "replace")[-2000:]
            raise RuntimeError(f"採点用のプロセスを起動できませんでした:\n{tail}")

    def run(self, job: dict) -> dict:
        with self.lock:
            if self.process is None or self.process.poll() is not None:
                self._start()
            try:
                write_message(self.process.stdin, job)
                result = read_message(self.process.stdout)
            except (OSError, ValueError, UnicodeDecodeError):  # died, or a broken stream
                result = None
            if not _well_formed(result, job):
                # The warm process died or its stream was corrupted: this is the grader's
                # fault, not the learner's. Restart it for the next job; the submission
                # is recorded as INTERNAL, which a resumed run grades again.
                self.close()
                return internal_fault(job, "採点用のプロセスが停止したか、通信が壊れました。")
            return result

    def close(self) -> None:
        """Stop the warm process (and with it, the sandbox and everything inside)."""
        if self.process is not None:
            try:
                self.process.stdin.close()
            except OSError:
                pass
            self.process.kill()
            self.process.wait()
            self.process = None


def _well_formed(result, job: dict) -> bool:
    return (
        isinstance(result, dict)
        and result.get("job_id") == job["job_id"]
        and isinstance(result.get("cells"), list)
        and isinstance(result.get("faults"), list)
    )


def internal_fault(job: dict, detail: str) -> dict:
    """The result of a job the grader, not the learner, failed to run."""
    return {
        "job_id": job["job_id"],
        "cells": [],
        "completed": False,
        "faults": [Fault.INTERNAL.value],
        "detail": detail,
        "seconds": 0.0,
    }


_WORKER_PROCESS: WarmProcess | None = None


def run_in_worker_process(
    job: dict,
    figures: bool = False,
    preload: tuple[str, ...] = (),
    sandbox: bool = True,
    disabled: frozenset[str] = frozenset(),
) -> dict:
    """Run ``job`` on this process's own warm process (used by Dask workers)."""
    global _WORKER_PROCESS
    settings = (figures, preload, sandbox, disabled)
    current = _WORKER_PROCESS
    if (
        current is None
        or (current.figures, current.preload, current.sandbox, current.disabled) != settings
    ):
        if current is not None:
            current.close()
        _WORKER_PROCESS = WarmProcess(*settings)
    return _WORKER_PROCESS.run(job)
