"""Real servers for tests (JupyterLab, Voilà, JupyterHub): a free port, start, wait, stop."""

from __future__ import annotations

import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def running_server(
    command: list[str], *, env: dict, cwd: Path, log: Path, ready_url: str, name: str
) -> Iterator[subprocess.Popen]:
    """Start ``command``; yield once ``ready_url`` answers 2xx; stop it however the test ends.

    A process that exits, or does not answer within 240 s (a loaded CI machine starts
    slowly), fails the test with the end of its log.
    """
    with log.open("w") as output:
        process = subprocess.Popen(
            command, env=env, cwd=cwd, stdout=output, stderr=subprocess.STDOUT
        )
    try:
        deadline = time.monotonic() + 240
        while True:
            try:
                urllib.request.urlopen(ready_url, timeout=5).close()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"{name} did not start:\n{log.read_text()[-3000:]}")
                time.sleep(0.3)
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
