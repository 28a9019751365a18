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

    def __init__(self, figures: bool = False, preload: tuple[str, ...] = ()):
        self.figures = figures
        self.preload = preload
        self.process: subprocess.Popen | None = None
        self.lock = threading.Lock()

    def _start(self) -> None:
        command, env = warm_process_command(self.figures, self.preload)
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
            except (BrokenPipeError, OSError):
                result = None
            if result is None:  # the warm process itself died: restart next time
                self.close()
                return {
                    "job_id": job["job_id"],
                    "cells": [],
                    "completed": False,
                    "faults": [Fault.INTERNAL.value],
                    "detail": "採点用のプロセスが停止しました。",
                    "seconds": 0.0,
                }
            return result

    def close(self) -> None:
        if self.process is not None:
            try:
                self.process.stdin.close()
            except OSError:
                pass
            self.process.kill()
            self.process.wait()
            self.process = None


_WORKER_PROCESS: WarmProcess | None = None


def run_in_worker_process(job: dict, figures: bool = False, preload: tuple[str, ...] = ()) -> dict:
    """Run ``job`` on this process's own warm process (used by Dask workers)."""
    global _WORKER_PROCESS
    if _WORKER_PROCESS is None or _WORKER_PROCESS.preload != preload:
        if _WORKER_PROCESS is not None:
            _WORKER_PROCESS.close()
        _WORKER_PROCESS = WarmProcess(figures, preload)
    return _WORKER_PROCESS.run(job)
