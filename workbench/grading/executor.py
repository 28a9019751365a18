"""Execute one notebook's code cells in this process, producing Jupyter-shaped outputs.

This runs inside a forked, sandboxed child of a warm process (see ``zygote.py``), so it
does not start a Jupyter kernel: an IPython shell built before the fork executes the
cells and small display hooks record ``stream``, ``execute_result``, ``display_data``
and ``error`` outputs exactly as nbgrader's scoring reads them (an ``error`` or a
``stderr`` stream in a test cell scores 0). Before every test cell a guard restores and
checks what tests rely on, so a submission cannot score by monkeypatching them.
"""

from __future__ import annotations

import signal
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass

from IPython.core.displayhook import DisplayHook
from IPython.core.displaypub import DisplayPublisher
from IPython.core.interactiveshell import InteractiveShell
from traitlets.config import Config

from workbench.grading import calls, checker
from workbench.grading.faults import Fault
from workbench.grading.guard import Guard


@dataclass(frozen=True)
class Limits:
    cell_timeout: float = 30.0
    notebook_timeout: float = 300.0
    memory_mb: int = 1024
    output_bytes: int = 1_000_000


class CellTimeout(BaseException):
    """Raised by the per-cell alarm; a BaseException so ``except Exception`` cannot eat it."""


class OutputSink:
    """Collects one cell's outputs, merging consecutive stream writes and capping size."""

    def __init__(self, limit: int):
        self.limit = limit
        self.outputs: list[dict] = []
        self.size = 0
        self.truncated = False

    def stream(self, name: str, text: str) -> None:
        if self.truncated:
            return
        room = self.limit - self.size
        if len(text) > room:
            text = text[: max(room, 0)]
            self.truncated = True
        self.size += len(text)
        last = self.outputs[-1] if self.outputs else None
        if last and last["output_type"] == "stream" and last["name"] == name:
            last["text"] += text
        else:
            self.outputs.append({"output_type": "stream", "name": name, "text": text})

    def add(self, output: dict) -> None:
        if not self.truncated:
            self.outputs.append(output)


class _Stream:
    """A file-like object for sys.stdout / sys.stderr that writes into the current sink."""

    encoding = "utf-8"

    def __init__(self, runner: NotebookRunner, name: str):
        self.runner, self.name = runner, name

    def write(self, text: str) -> int:
        self.runner.sink.stream(self.name, str(text))
        return len(text)

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return False


class _Publisher(DisplayPublisher):
    def publish(self, data, metadata=None, source=None, *, transient=None, update=False, **_):
        RUNNER.sink.add({"output_type": "display_data", "data": data, "metadata": metadata or {}})

    def clear_output(self, wait=False):
        RUNNER.sink.outputs.clear()


class _DisplayHook(DisplayHook):
    def start_displayhook(self):
        pass

    def write_output_prompt(self):
        pass

    def write_format_data(self, format_dict, md_dict=None):
        RUNNER.sink.add(
            {
                "output_type": "execute_result",
                "data": format_dict,
                "metadata": md_dict or {},
                "execution_count": self.shell.execution_count,
            }
        )

    def finish_displayhook(self):
        pass


class GradingShell(InteractiveShell):
    """An IPython shell whose outputs go to the runner instead of a terminal."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.displayhook = _DisplayHook(shell=self, cache_size=self.cache_size)
        self.display_pub = _Publisher(shell=self, parent=self)
        self.display_trap.hook = self.displayhook

    def enable_gui(self, gui=None):
        """No event loop: figures are rendered (or closed) after each cell instead."""

    def _showtraceback(self, etype, evalue, stb):
        RUNNER.sink.add(
            {
                "output_type": "error",
                "ename": getattr(etype, "__name__", str(etype)),
                "evalue": str(evalue),
                "traceback": list(stb),
            }
        )


def make_shell(figures: bool) -> GradingShell:
    """Build the shell once, before forking: every child inherits a pristine copy."""
    config = Config()
    config.HistoryManager.enabled = False  # no SQLite history thread (threads break fork)
    shell = GradingShell.instance(config=config)
    shell.enable_matplotlib("inline" if figures else "agg")
    if not figures:
        # Close figures after each cell like the inline backend does, without rendering.
        import matplotlib.pyplot as plt

        shell.events.register("post_execute", lambda: plt.close("all"))
    return shell


class NotebookRunner:
    """Runs code cells in order and reports each one through ``emit`` as it finishes."""

    def __init__(self, shell: GradingShell, limits: Limits, guard: Guard):
        self.shell, self.limits, self.guard = shell, limits, guard
        self.sink = OutputSink(limits.output_bytes)
        self.faults: set[Fault] = set()

    def start(self) -> None:
        global RUNNER
        RUNNER = self
        sys.stdout, sys.stderr = _Stream(self, "stdout"), _Stream(self, "stderr")
        sys.stdin = None  # input() fails as in a kernel that does not allow stdin
        signal.signal(signal.SIGALRM, self._on_alarm)

    def run(
        self, cells: list[dict], emit: Callable[[dict], None], plan: bool = False, commands=None
    ) -> None:
        """Run ``cells`` in order, emitting ``{"cell": …}`` per cell.

        A checked test cell is not run here: its inputs go out as ``{"snapshot": …}``
        for the checker (``checker.py``). With ``plan``, every test cell runs and the
        run also reports which tests' inputs are plain data (the instructor's run).
        """
        self.start()
        ownership = checker.Ownership()
        for cell in cells:
            self.sink = OutputSink(self.limits.output_bytes)
            if cell.get("grade") and cell.get("check") and not plan:
                names = cell.get("names", [])
                message = checker.snapshot(self.shell.user_ns, names, ownership)
                emit({"snapshot": {"index": cell["index"], **message}})
                if message["calls"] and commands is not None:
                    # The test calls functions defined here: answer until it is done.
                    calls.serve(self.shell.user_ns, commands, emit, self.limits.cell_timeout)
                continue
            if cell.get("grade") and plan:
                names = cell.get("names", [])
                refused = checker.snapshot(self.shell.user_ns, names, ownership)["refused"]
                emit({"plan": {"grade_id": cell.get("grade_id"), "refused": refused}})
            if cell.get("grade"):
                self._run_test_cell(cell)
            else:
                self._execute(cell["source"])
                if cell.get("locked"):
                    self.guard.learn_aliases(self.shell)
                    ownership.learn(self.shell.user_ns)
            emit({"cell": self.cell_message(cell)})

    def cell_message(self, cell: dict) -> dict:
        return {
            "index": cell["index"],
            "outputs": self.sink.outputs,
            "execution_count": self.shell.execution_count - 1,
            "faults": sorted(f.value for f in self.faults),
        }

    def check(self, cell: dict, message: dict, ownership: checker.Ownership, caller=None) -> dict:
        """Checker side: run one test cell on the learner's values."""
        self.sink = OutputSink(self.limits.output_bytes)
        refused = checker.inject(self.shell.user_ns, message, ownership, caller)
        if refused:
            self.sink.stream(
                "stdout",
                "採点に渡せない値があります（" + "、".join(refused) + "）。"
                "数値・文字列・表（DataFrame）などのデータにしてください。\n",
            )
        self._execute(cell["source"])
        return self.cell_message(cell)

    def _run_test_cell(self, cell: dict) -> None:
        problems = self.guard.restore(self.shell)
        if threading.active_count() > 1:
            problems.append("バックグラウンドのスレッドが動いています")
        if problems:
            self._tampered(problems)
            return
        self._execute(cell["source"])
        problems = self.guard.changed(self.shell)
        if problems:
            self.guard.restore(self.shell)
            self.sink.outputs = [o for o in self.sink.outputs if o["output_type"] != "error"]
            self._tampered(problems)

    def _tampered(self, problems: list[str]) -> None:
        self.faults.add(Fault.TAMPERING)
        self.sink.add(
            {
                "output_type": "error",
                "ename": Fault.TAMPERING.label,
                "evalue": "テストが使う関数の書き換えを検出しました: " + "、".join(problems),
                "traceback": [],
            }
        )

    def _execute(self, source: str) -> None:
        signal.setitimer(signal.ITIMER_REAL, self.limits.cell_timeout)
        try:
            result = self.shell.run_cell(source, store_history=True)
        except CellTimeout:  # raised outside user code (e.g. in a hook)
            result = None
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
        error = getattr(result, "error_in_exec", None)
        if isinstance(error, CellTimeout):
            self.faults.add(Fault.TIMEOUT)
        elif isinstance(error, MemoryError):
            self.faults.add(Fault.MEMORY)
        if self.sink.truncated:
            self.faults.add(Fault.OUTPUT_LIMIT)
            self.sink.truncated = False
            self.sink.add(
                {
                    "output_type": "error",
                    "ename": Fault.OUTPUT_LIMIT.label,
                    "evalue": f"出力が {self.limits.output_bytes:,} 文字を超えたため省略しました。",
                    "traceback": [],
                }
            )

    def _on_alarm(self, signum, frame):
        raise CellTimeout(
            f"1つのセルの実行時間の上限（{self.limits.cell_timeout:g} 秒）を超えました"
        )


RUNNER: NotebookRunner | None = None
