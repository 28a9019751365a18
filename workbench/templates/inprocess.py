"""Execute a template notebook in this process: the CLI's way of running a template.

A papermill run starts a kernel, which imports pandas, scipy, statsmodels and matplotlib
again although the CLI has already imported them to read and check the data; on the
development machine that start-up was most of an 18 s ``template run`` (issue 16).  Here
the notebook's cells run in an IPython shell inside the CLI's own process instead:

- the parameters are injected as papermill injects them: an ``injected-parameters`` cell
  after the ``parameters`` cell, written as papermill's PythonTranslator writes it
  (tests/test_template_inprocess.py compares the two), and ``metadata.papermill``;
  papermill itself is not imported (its import scans entry points: ≈0.3 s);
- every output a kernel would send is recorded into the cell as nbformat outputs: stdout
  and stderr as ``stream``, ``display()`` and matplotlib's inline figures as
  ``display_data``, a cell's last value as ``execute_result``, an exception as ``error``;
- the executed notebook is written as before and stays the record of the report (the
  HTML, Word and Excel reports are made from it).

Only the workbench's own template notebooks are executed this way (they are part of the
installed package, not user code).  The shell is IPython's ``InteractiveShell``
singleton, so this works only in a process that has no other IPython shell (the CLI, a
test); inside a Jupyter kernel (the app) ``available()`` is False and the caller uses
papermill with a kernel.
"""

from __future__ import annotations

import datetime as dt
import math
import sys
from pathlib import Path
from typing import Any

import nbformat

#: Set on the notebook's metadata so the record says how it was executed.
ENGINE = "workbench.templates.inprocess"


class CellError(Exception):
    """A cell raised; ``ename``/``evalue`` as papermill's PapermillExecutionError has them."""

    def __init__(self, ename: str, evalue: str) -> None:
        super().__init__(f"{ename}: {evalue}")
        self.ename = ename
        self.evalue = evalue


def literal(value: Any) -> str:
    """A parameter value as Python source, as papermill's PythonTranslator writes it."""
    if isinstance(value, str):
        escaped = value.encode("unicode_escape").decode("utf-8").replace('"', r"\"")
        return f'"{escaped}"'
    if isinstance(value, float) and not math.isfinite(value):
        if math.isnan(value):
            return "float('nan')"
        return "float('-inf')" if value < 0 else "float('inf')"
    if value is None or isinstance(value, bool | int | float):
        return f"{value}"
    raise TypeError(f"template parameters are str, int, float or bool, not {type(value)}")


def parameterize(source: Path, parameters: dict[str, Any]) -> nbformat.NotebookNode:
    """Template SOURCE with PARAMETERS injected, as papermill's load_notebook_node +
    parameterize_notebook make it (tags and papermill metadata on every cell)."""
    nb = nbformat.read(source, as_version=4)
    for cell in nb.cells:
        cell.metadata.setdefault("tags", [])
        cell.metadata.setdefault("papermill", {})
    code = "# Parameters\n" + "".join(f"{k} = {literal(v)}\n" for k, v in parameters.items())
    injected = nbformat.v4.new_code_cell(source=code)
    injected.metadata["tags"] = ["injected-parameters"]
    tagged = [i for i, c in enumerate(nb.cells) if "parameters" in c.metadata["tags"]]
    nb.cells.insert(tagged[0] + 1 if tagged else 0, injected)
    nb.metadata["papermill"] = {
        "default_parameters": {},
        "parameters": dict(parameters),
        "environment_variables": {},
    }
    return nb


def available() -> bool:
    """True unless another IPython shell (a Jupyter kernel, IPython itself) runs here."""
    from IPython.core.interactiveshell import InteractiveShell

    return not InteractiveShell.initialized()


class _Stream:
    """sys.stdout / sys.stderr during a cell: text joins the cell's last output of the
    same stream, as nbclient merges a kernel's consecutive stream messages."""

    def __init__(self, outputs: list, name: str) -> None:
        self._outputs, self.name = outputs, name
        self.encoding = "utf-8"

    def write(self, text: str) -> int:
        if not text:
            return 0
        last = self._outputs[-1] if self._outputs else None
        if last is not None and last.output_type == "stream" and last.name == self.name:
            last.text += text
        else:
            self._outputs.append(nbformat.v4.new_output("stream", name=self.name, text=text))
        return len(text)

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return False


_SHELL_CLASS = None


def _shell_class():
    """The shell class, built on first use: IPython is imported only when a run needs it."""
    global _SHELL_CLASS
    if _SHELL_CLASS is not None:
        return _SHELL_CLASS
    from IPython.core.displayhook import DisplayHook
    from IPython.core.displaypub import DisplayPublisher
    from IPython.core.interactiveshell import InteractiveShell
    from traitlets import Type

    class RecordingPublisher(DisplayPublisher):
        def publish(self, data, metadata=None, source=None, *, transient=None, update=False, **kw):
            self.shell.outputs.append(
                nbformat.v4.new_output("display_data", data=data, metadata=metadata or {})
            )

        def clear_output(self, wait=False):
            self.shell.outputs.clear()

    class RecordingDisplayHook(DisplayHook):
        def write_output_prompt(self):
            pass

        def write_format_data(self, format_dict, md_dict=None):
            self.shell.outputs.append(
                nbformat.v4.new_output(
                    "execute_result",
                    data=format_dict,
                    metadata=md_dict or {},
                    execution_count=self.shell.cell_count,
                )
            )

        def finish_displayhook(self):
            pass  # the base class prints a newline to the terminal

    class TemplateShell(InteractiveShell):
        displayhook_class = Type(RecordingDisplayHook)
        display_pub_class = Type(RecordingPublisher)
        outputs: list = []
        cell_count = 0
        last_error: tuple[str, str] | None = None

        def enable_gui(self, gui=None):
            pass  # the inline backend needs no GUI event loop

        def _showtraceback(self, etype, evalue, stb):
            self.last_error = (etype.__name__, str(evalue))
            self.outputs.append(
                nbformat.v4.new_output(
                    "error", ename=etype.__name__, evalue=str(evalue), traceback=list(stb)
                )
            )

    _SHELL_CLASS = TemplateShell
    return TemplateShell


_SHELL = None


def _shell():
    """This process's template shell, made once (≈0.1 s) and not registered as IPython's
    current shell until a run activates it."""
    global _SHELL
    if _SHELL is None:
        from traitlets.config import Config

        config = Config()
        # No history database and no colours: tracebacks are recorded, not printed.
        config.HistoryManager.enabled = False
        config.InteractiveShell.colors = "nocolor"
        config.InteractiveShell.warn_venv = False
        _SHELL = _shell_class()(config=config)
        # The shell put its namespace in as sys.modules["__main__"]; give the process its own back.
        _SHELL.restore_sys_module_state()
    return _SHELL


def _clear_variables(shell) -> None:
    """What ``%reset -f`` does to the namespace (InteractiveShell.reset), without its
    full garbage collection (≈0.2 s with pandas and scipy loaded, twice a run)."""
    keep = {"__builtin__", "__builtins__", "__name__"}
    for key in [k for k in shell.user_ns if k not in keep]:
        del shell.user_ns[key]
    shell.user_ns_hidden.clear()
    shell.init_user_ns()


class _Active:
    """For one run: the shell is IPython's current one (``display()`` and matplotlib's
    inline backend publish to it), with fresh variables, pyplot on the inline backend as
    in a kernel; afterwards the process's IPython state, backend and rcParams are back as
    they were, so a caller's (or a test's) own plotting is not affected."""

    def __init__(self, shell) -> None:
        self.shell = shell

    def __enter__(self):
        import matplotlib

        self._backend = matplotlib.get_backend()
        self._interactive = matplotlib.is_interactive()
        self._rc = {k: v for k, v in matplotlib.rcParams.items() if k != "backend"}
        self._classes = list(type(self.shell)._walk_mro())
        for cls in self._classes:
            cls._instance = self.shell
        _clear_variables(self.shell)  # no variables of a previous run, as in a new kernel
        self.shell.enable_matplotlib("inline")
        return self.shell

    def __exit__(self, *exc) -> None:
        import matplotlib
        import matplotlib.pyplot as plt

        plt.close("all")
        plt.switch_backend(self._backend)
        matplotlib.interactive(self._interactive)
        matplotlib.rcParams.update(self._rc)
        _clear_variables(self.shell)  # the run's data is not kept alive
        for cls in self._classes:
            cls._instance = None


def execute(source: Path, output: Path, parameters: dict[str, Any], cwd: Path) -> None:
    """Execute notebook SOURCE with PARAMETERS in this process and write it to OUTPUT.

    Raises CellError when a cell raises (the notebook with the error is still written).
    """
    import os

    nb = parameterize(source, parameters)
    started = dt.datetime.now(dt.UTC)
    nb.metadata.papermill.update(
        input_path=str(source),
        output_path=str(output),
        start_time=started.isoformat(),
        exception=None,
        engine=ENGINE,
    )
    saved = sys.stdout, sys.stderr, os.getcwd()
    error: CellError | None = None
    try:
        os.chdir(cwd)
        with _Active(_shell()) as shell:
            for cell in nb.cells:
                if cell.cell_type != "code":
                    continue
                shell.cell_count += 1
                shell.outputs = cell.outputs = []
                shell.last_error = None
                cell.execution_count = shell.cell_count
                sys.stdout = _Stream(cell.outputs, "stdout")
                sys.stderr = _Stream(cell.outputs, "stderr")
                try:
                    shell.run_cell(cell.source, store_history=False)
                finally:
                    sys.stdout, sys.stderr = saved[0], saved[1]
                if shell.last_error is not None:
                    error = CellError(*shell.last_error)
                    break
    finally:
        sys.stdout, sys.stderr = saved[0], saved[1]
        os.chdir(saved[2])
        _SHELL.outputs = []
        _SHELL.cell_count = 0
    ended = dt.datetime.now(dt.UTC)
    nb.metadata.papermill.update(
        end_time=ended.isoformat(),
        duration=(ended - started).total_seconds(),
        exception=error is not None,
    )
    nbformat.write(nb, output)
    if error is not None:
        raise error
