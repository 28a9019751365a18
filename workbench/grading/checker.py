"""Verdicts that learner code cannot reach.

The learner's process does not run a checked test cell. At that point it sends a
*snapshot*: the values of the names the test reads, encoded by ``values.py`` (plain
data only). A checker process, forked from the pristine warm process (learner code never
ran in it), runs the instructor's locked cells itself, puts the learner's values into
its own namespace and runs the test. Whatever the learner's process patched, forged or
broke, it can change only the values it sends, that is, its own answers.

Which test cells are checked is decided before any learner runs, from the instructor's
own solution (a *plan* run of the source notebook): a test whose inputs are plain data
there is always checked, so a learner cannot opt out by sending an unusual value.
A learner-defined function crosses as a stand-in, any other object that is not plain
data (a fitted model, axes) as a handle; their calls and attribute reads run in a
throwaway child of the learner's process and return plain data (``calls.py``). A test
is checked when, on the instructor's own solution, the checker's verdict equals the
verdict of running the test in the same process (``plan.py``); the others still
run in the learner's process under the guard (``guard.py``).
"""

from __future__ import annotations

import ast
import builtins
import types

from workbench.grading import calls as calls_module
from workbench.grading import values


def referenced_names(source: str) -> list[str]:
    """Names a test cell reads from the notebook: identifiers, and strings that look like
    identifiers (``checks.variable("p_value")`` reads the learner's namespace by name)."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []
    names, bound, strings = set(), set(), set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            (bound if isinstance(node.ctx, ast.Store | ast.Del) else names).add(node.id)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            bound.add(node.name)
        elif isinstance(node, ast.alias):
            bound.add((node.asname or node.name).split(".")[0])
        elif isinstance(node, ast.ExceptHandler) and node.name:
            bound.add(node.name)
        elif isinstance(node, ast.arg):
            bound.add(node.arg)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            if node.value.isidentifier():
                strings.add(node.value)
    # A name the test binds itself (its own helpers, loop variables) is the test's, not
    # the learner's; read before it is bound, it fails the test, which gains nothing.
    # A string is read by name (checks.variable), even if the test then binds that name.
    return sorted((names - bound) | strings)


def _is_code(value) -> bool:
    return isinstance(value, types.ModuleType) or callable(value)


class Ownership:
    """Names a locked (instructor) cell bound to code: the checker never takes the
    learner's version of these, nor of Python's builtins."""

    def __init__(self) -> None:
        self.owned: dict[str, int] = {}

    def learn(self, namespace: dict) -> None:
        for name, value in namespace.items():
            if _is_code(value) and not name.startswith("_"):
                self.owned[name] = id(value)

    def owns(self, name: str, namespace: dict) -> bool:
        if hasattr(builtins, name):
            return True
        return name in self.owned and id(namespace.get(name)) == self.owned[name]


def snapshot(namespace: dict, names: list[str], ownership: Ownership) -> dict:
    """Encode what the learner's namespace holds under ``names`` (learner side)."""
    encoded, refused, calls = {}, {}, False
    for name in names:
        if name not in namespace or ownership.owns(name, namespace):
            continue
        try:
            if calls_module.is_learner_function(namespace[name]):
                encoded[name] = calls_module.describe(name, namespace[name])
                calls = True
                continue
            encoded[name] = values.encode(namespace[name], references=False)
        except values.NotTransferable as error:
            # Not plain data (a fitted model, axes): the checker gets a handle whose every
            # use is answered by a throwaway child of this process (calls.Remote).
            encoded[name] = {"$": calls_module.REMOTE, "name": name, "type": str(error)}
            calls = True
        except Exception as error:  # a hostile __len__, a broken object: not data
            refused[name] = type(error).__name__
    return {"values": encoded, "refused": refused, "calls": calls}


def inject(namespace: dict, message: dict, ownership: Ownership, caller=None) -> list[str]:
    """Put the learner's values into the checker's namespace; return names refused.

    A name the instructor's locked cells bound to code, or a builtin, keeps the
    checker's own object; a name whose learner value could not cross is removed, so a
    stale value from an earlier test is never mistaken for it.
    """
    refused = []
    for name, data in message.get("values", {}).items():
        if not isinstance(name, str) or ownership.owns(name, namespace):
            continue
        try:
            tag = data.get("$") if isinstance(data, dict) else None
            if tag == calls_module.TAG and caller:
                namespace[name] = calls_module.stand_in(data, caller)
            elif tag == calls_module.REMOTE and caller:
                namespace[name] = calls_module.Remote(caller, name, [], str(data.get("type")))
            else:
                namespace[name] = values.decode(data)
        except Exception:  # a malformed payload is no answer
            namespace.pop(name, None)
            refused.append(name)
    for name in message.get("refused", {}):
        if isinstance(name, str) and not ownership.owns(name, namespace):
            namespace.pop(name, None)
            refused.append(name)
    return refused
