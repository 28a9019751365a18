"""The parent's side of one grading job: read the learner's results, relay checked tests.

The warm process (``zygote.py``) forks the learner's process and, when a notebook has
checked tests, a checker; ``collect`` reads the learner's cell reports, hands each checked
test's snapshot to the checker (and the checker's calls of learner functions back to the
learner's process), enforces the wall-clock limits and turns deaths into fault reasons.
Only a checker may report a checked test's result: the learner's forgeries are dropped.
"""

from __future__ import annotations

import os
import select
import signal
import time
from typing import TYPE_CHECKING

from workbench.grading.faults import Fault
from workbench.grading.protocol import read_message, write_message

if TYPE_CHECKING:
    from workbench.grading.zygote import _CheckerProcess

GRACE_SECONDS = 2.0


LEARNER_FAULTS = {Fault.TIMEOUT, Fault.MEMORY, Fault.OUTPUT_LIMIT, Fault.TAMPERING}


def _valid_cell(message, indices: set[int]) -> bool:
    """A cell report the learner's process could honestly have made (it may still lie)."""
    if not isinstance(message, dict) or message.get("index") not in indices:
        return False
    outputs = message.get("outputs")
    return isinstance(outputs, list) and all(
        isinstance(o, dict) and o.get("output_type") in OUTPUT_TYPES for o in outputs
    )


OUTPUT_TYPES = {"stream", "display_data", "execute_result", "error"}


def collect(
    job: dict, pid: int, pipe, commands, started: float, checker: _CheckerProcess | None
) -> dict:
    limits = job["limits"]
    indices = {cell["index"] for cell in job["cells"]}
    checked = {cell["index"] for cell in job["cells"] if cell.get("check")} if checker else set()
    cells: dict[int, dict] = {}
    plan: dict[str, bool] = {}
    faults: set[str] = set()
    done, killed_for, broken = False, None, ""
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
        try:
            message = read_message(pipe)
        except (ValueError, UnicodeDecodeError):
            message, broken = None, "結果の送信が壊れていました。"
        if message is None or not isinstance(message, dict):
            break
        if message.get("done"):
            done = True
            break
        cell, snap = message.get("cell"), message.get("snapshot")
        if "plan" in message and job.get("plan"):
            plan[str(message["plan"].get("grade_id"))] = message["plan"].get("refused", {})
        elif _valid_cell(cell, indices) and cell["index"] not in checked:
            cells[cell["index"]] = cell
            reported = cell.get("faults")
            faults = (
                {f for f in reported if f in LEARNER_FAULTS}
                if isinstance(reported, list)
                else faults
            )
        elif isinstance(snap, dict) and snap.get("index") in checked - cells.keys():
            relay = _relay(pipe, commands, limits["cell_timeout"] + GRACE_SECONDS)
            result, fault = checker.check(snap, started + limits["notebook_timeout"], relay)
            if snap.get("calls"):
                _send(commands, {"continue": True})
            if fault is None and _valid_cell(result, {snap["index"]}):
                cells[snap["index"]] = result
                faults.update(f for f in result.get("faults", []) if f in LEARNER_FAULTS)
            else:
                fault = fault or Fault.KERNEL_DIED
                faults.add(fault.value)
                cells[snap["index"]] = _failed_cell(snap["index"], fault)
        last_progress = time.monotonic()
    pipe.close()
    if broken or (killed_for is None and not done):
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    _, status = os.waitpid(pid, 0)
    detail = broken
    if killed_for is not None:
        faults.add(killed_for.value)
        detail = "実行時間の上限を超えたため、実行を打ち切りました。"
    elif broken:
        faults.add(Fault.KERNEL_DIED.value)
    elif not done:
        if os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL:
            faults.add(Fault.MEMORY.value)  # the kernel's OOM killer is the usual sender
            detail = "プロセスが強制終了されました（メモリ不足の可能性）。"
        else:
            faults.add(Fault.KERNEL_DIED.value)
            code = os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status)
            kind = "シグナル" if os.WIFSIGNALED(status) else "終了コード"
            detail = f"実行中にプロセスが終了しました（{kind} {code}）。"
    result = {
        "job_id": job["job_id"],
        "cells": [cells[index] for index in sorted(cells)],
        "completed": done,
        "faults": sorted(faults),
        "detail": detail,
        "seconds": round(time.monotonic() - started, 3),
    }
    if job.get("plan"):
        result["plan"] = plan
    return result


def _relay(pipe, commands, timeout: float):
    """Pass one call of a learner function to the learner's process; return its reply."""

    def relay(call) -> dict:
        if not _send(commands, {"call": call}):
            return {"error": ["RuntimeError", "受講者のプロセスが応答しません"]}
        try:
            ready, _, _ = select.select([pipe], [], [], timeout)
            message = read_message(pipe) if ready else None
        except (OSError, ValueError):
            message = None
        if isinstance(message, dict) and isinstance(message.get("reply"), dict):
            return message["reply"]
        return {"error": ["TimeoutError", "関数の呼び出しに応答がありませんでした"]}

    return relay


def _send(stream, message) -> bool:
    try:
        write_message(stream, message)
        return True
    except OSError:
        return False


def _failed_cell(index: int, fault: Fault) -> dict:
    return {
        "index": index,
        "outputs": [
            {
                "output_type": "error",
                "ename": fault.label,
                "evalue": "このテストは最後まで実行できませんでした。",
                "traceback": [],
            }
        ],
        "execution_count": None,
        "faults": [fault.value],
    }
