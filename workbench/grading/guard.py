"""Protect what test cells rely on from a submission's monkeypatching.

A snapshot is taken in the warm process before any learner code runs (so learner code
cannot influence it). Before each test cell the guard puts every protected module
attribute, notebook-level module alias and IPython/sys hook back, and reports what it
had to repair; after the cell it reports anything changed while the test ran. A repair
means the submission tried to change how tests behave: that test scores 0.

In-process protection is defence in depth, not a proof: the sandbox around the process
is what bounds the damage a determined submission can do.
"""

from __future__ import annotations

import importlib
import sys
from types import ModuleType

PROTECTED_MODULES = (
    "builtins",
    "math",
    "statistics",
    "numpy",
    "numpy.testing",
    "pandas",
    "pandas.testing",
    "scipy.stats",
    "statsmodels.api",
    "statsmodels.formula.api",
    "matplotlib.pyplot",
    "openpyxl",
    "workbench.checks",
    "workbench.datasets",
)
# Classes whose methods tests call on learners' objects (df.equals, s.sum, …).
PROTECTED_CLASSES = (
    ("pandas", "DataFrame"),
    ("pandas", "Series"),
    ("pandas", "Index"),
    ("workbench.checks", "CheckFailed"),
)
SHELL_HOOK_LISTS = ("input_transformers_cleanup", "input_transformers_post", "ast_transformers")


class Guard:
    """Snapshot of protected state; ``restore`` and ``changed`` compare against it."""

    def __init__(self, shell) -> None:
        self.modules: dict[str, tuple[ModuleType, dict]] = {}
        for name in PROTECTED_MODULES:
            try:
                module = importlib.import_module(name)
            except ImportError:
                continue
            self.modules[name] = (module, dict(vars(module)))
        self.classes = []
        for module_name, class_name in PROTECTED_CLASSES:
            if module_name in self.modules:
                cls = getattr(self.modules[module_name][0], class_name)
                self.classes.append((cls, dict(vars(cls))))
        self.module_objects = {id(module) for module, _ in self.modules.values()}
        self.aliases: dict[str, ModuleType] = {}
        self.shell_hooks = {name: list(getattr(shell, name)) for name in SHELL_HOOK_LISTS}
        self.events = {name: list(cbs) for name, cbs in shell.events.callbacks.items()}
        self.custom_exceptions = shell.custom_exceptions
        self.custom_tb = shell.CustomTB
        self.showtraceback = shell._showtraceback
        self.run_cell = shell.run_cell
        self.sys_hooks = {"excepthook": sys.excepthook}

    def _module_problems(self, repair: bool) -> list[str]:
        problems = []
        for name, (module, snapshot) in self.modules.items():
            # Modules legitimately change their own state (caches, the active backend);
            # what tests call are functions and classes, so only those are compared.
            changed = [
                k
                for k, v in snapshot.items()
                if callable(v) and vars(module).get(k, _MISSING) is not v
            ]
            added = [
                k
                for k, v in vars(module).items()
                if k not in snapshot and not k.startswith("__") and not isinstance(v, ModuleType)
            ]
            problems += _reported(name, module, snapshot, changed, added, repair)
        for cls, snapshot in self.classes:
            current = dict(vars(cls))
            changed = [k for k, v in snapshot.items() if current.get(k, _MISSING) is not v]
            added = [k for k in current if k not in snapshot]
            problems += _reported(cls.__name__, cls, snapshot, changed, added, repair)
        return problems

    def _namespace_problems(self, shell, repair: bool) -> list[str]:
        """Names the notebook imported as modules (``checks``, ``pd``) must stay those modules."""
        problems = []
        for name, value in list(shell.user_ns.items()):
            if name in self.aliases and value is not self.aliases[name]:
                problems.append(name)
                if repair:
                    shell.user_ns[name] = self.aliases[name]
        return problems

    def _shell_problems(self, shell, repair: bool) -> list[str]:
        problems = []
        for name, snapshot in self.shell_hooks.items():
            if list(getattr(shell, name)) != snapshot:
                problems.append(f"IPython.{name}")
                if repair:
                    getattr(shell, name)[:] = snapshot
        for name, snapshot in self.events.items():
            if list(shell.events.callbacks[name]) != snapshot:
                problems.append(f"IPython.events.{name}")
                if repair:
                    shell.events.callbacks[name][:] = snapshot
        if shell.custom_exceptions != self.custom_exceptions or shell.CustomTB != self.custom_tb:
            problems.append("IPython.set_custom_exc")
            if repair:
                shell.custom_exceptions, shell.CustomTB = self.custom_exceptions, self.custom_tb
        for attribute, original in (
            ("_showtraceback", self.showtraceback),
            ("run_cell", self.run_cell),
        ):
            if getattr(shell, attribute) != original:
                problems.append(f"IPython.{attribute}")
                if repair:
                    setattr(shell, attribute, original)
        if sys.gettrace() is not None or sys.getprofile() is not None:
            problems.append("sys.settrace")
            if repair:
                sys.settrace(None)
                sys.setprofile(None)
        if sys.excepthook is not self.sys_hooks["excepthook"]:
            problems.append("sys.excepthook")
            if repair:
                sys.excepthook = self.sys_hooks["excepthook"]
        return problems

    def learn_aliases(self, shell) -> None:
        """Record notebook names bound to protected modules by a locked (instructor) cell.

        Called after each locked cell, so ``checks``, ``pd`` … are learned from code the
        learner cannot edit (nbgrader restores locked cells before grading).
        """
        for name, value in shell.user_ns.items():
            if isinstance(value, ModuleType) and id(value) in self.module_objects:
                self.aliases[name] = value

    def restore(self, shell) -> list[str]:
        """Repair protected state; return what had been changed (empty if nothing)."""
        return (
            self._module_problems(repair=True)
            + self._namespace_problems(shell, repair=True)
            + self._shell_problems(shell, repair=True)
        )

    def changed(self, shell) -> list[str]:
        """What a test cell's run changed (checked after the test, without repairing)."""
        return (
            self._module_problems(repair=False)
            + self._namespace_problems(shell, repair=False)
            + self._shell_problems(shell, repair=False)
        )


def _reported(label, owner, snapshot: dict, changed: list, added: list, repair: bool) -> list[str]:
    """Name the first changed attribute of ``owner``; put the snapshot back if asked."""
    if not changed and not added:
        return []
    if repair:
        for key in added:
            delattr(owner, key)
        for key in changed:
            setattr(owner, key, snapshot[key])
    return [f"{label}.{(changed + added)[0]}"]


_MISSING = object()
