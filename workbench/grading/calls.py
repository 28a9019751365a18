"""Tests that call a learner-defined function, without running learner code in the checker.

A function the learner defined cannot cross as data. It crosses as a *description* (its
name and signature); the checker gets a stand-in with that signature. Calling the
stand-in sends the (plain-data) arguments to the learner's process, which forks a
throwaway child, calls the real function there and returns only the value, encoded by
``values.py``. One child answers all the calls of one test cell and exits when the test
is done, so a call can change nothing the notebook or a later test sees, and whatever it
returns is at worst a wrong answer. (A child per call was the first design; at ~30 ms a
fork, a test calling a learner function on every cell of 36 spreadsheets took 17 s.)
Within one test, calls share the child's state, as they would in nbgrader's kernel.

Exceptions come back as their type name and message and are raised in the checker as
an exception of that name (a subclass of ``Exception``), so a test's ``except`` and its
hint (``type(error).__name__``) read as they would in the learner's notebook.
"""

from __future__ import annotations

import inspect
import os
import select
import signal
import types

from workbench.grading import values
from workbench.grading.protocol import end_child, read_message, write_message

TAG = "learner_function"
REMOTE = "remote"
_KINDS = {int(kind): kind for kind in type(inspect.Parameter.POSITIONAL_ONLY)}


def is_learner_function(value) -> bool:
    return isinstance(value, types.FunctionType) and value.__module__ == "__main__"


def describe(name: str, function) -> dict:
    """What crosses for a learner-defined function: its name and signature."""
    params = []
    for parameter in inspect.signature(function).parameters.values():
        default = None
        if parameter.default is not inspect.Parameter.empty:
            try:
                default = {"v": values.encode(parameter.default, references=False)}
            except values.NotTransferable:
                default = {"v": None}
        params.append([parameter.name, int(parameter.kind), default])
    return {"$": TAG, "name": name, "params": params}


# --- learner side --------------------------------------------------------------------------


def serve(namespace: dict, commands, emit, timeout: float) -> None:
    """Answer the checker's calls until told to continue (the learner's process)."""
    server = None
    try:
        while (command := read_message(commands)) is not None:
            call = command.get("call") if isinstance(command, dict) else None
            if not isinstance(call, dict):
                return  # "continue" (or anything else): back to the notebook
            if call.get("name") not in namespace:
                reply = {"error": ["NameError", f"{call.get('name')} が定義されていません"]}
            else:
                server = server if server and server.alive else CallServer(namespace, timeout)
                reply = server.call(call)
            emit({"reply": reply})
    finally:
        if server:
            server.close()


def _evaluate(root, ops: list):
    """Apply the checker's operations (attribute, item, call, len, bool, str) to ``root``."""
    value = root
    for op in ops:
        kind = op[0]
        if kind == "attr":
            value = getattr(value, str(op[1]))
        elif kind == "item":
            value = value[values.decode(op[1])]
        elif kind == "call":
            value = value(*values.decode(op[1]), **values.decode(op[2]))
        elif kind in ("len", "bool", "str", "repr"):
            value = {"len": len, "bool": bool, "str": str, "repr": repr}[kind](value)
        else:
            raise TypeError(f"unknown operation {kind!r}")
    return value


def _answer(namespace: dict, call) -> dict:
    """One call, evaluated in the child: the encoded value, a remote type name or the
    exception's name and message."""
    try:
        result = _evaluate(namespace[call["name"]], list(call.get("ops", [])))
        try:
            return {"value": values.encode(result, references=False)}
        except values.NotTransferable:
            return {"remote": f"{type(result).__module__}.{type(result).__qualname__}"}
    except BaseException as error:  # noqa: BLE001 - everything becomes the answer
        return {"error": [type(error).__name__, str(error)[:500]]}


TIMED_OUT = {"error": ["TimeoutError", "関数の呼び出しが時間内に終わりませんでした"]}


class CallServer:
    """A throwaway child of the learner's process that evaluates calls on ``namespace``.

    Only encoded values come back. A call that outruns ``timeout`` (or kills the child)
    ends this server; the next call gets a fresh child forked from the unchanged parent.
    """

    def __init__(self, namespace: dict, timeout: float):
        self.timeout, self.alive = timeout, True
        request_read, request_write = os.pipe()
        reply_read, reply_write = os.pipe()
        self.pid = os.fork()
        if self.pid == 0:
            try:
                os.close(request_write)
                os.close(reply_read)
                self._child(namespace, request_read, reply_write)
            finally:
                os._exit(0)
        os.close(request_read)
        os.close(reply_write)
        self.requests = os.fdopen(request_write, "wb")
        self.replies = os.fdopen(reply_read, "rb", buffering=0)

    def _child(self, namespace: dict, request_fd: int, reply_fd: int) -> None:
        with os.fdopen(request_fd, "rb") as requests, os.fdopen(reply_fd, "wb") as replies:
            while isinstance(call := read_message(requests), dict):
                signal.setitimer(signal.ITIMER_REAL, self.timeout)
                reply = _answer(namespace, call)
                signal.setitimer(signal.ITIMER_REAL, 0)
                write_message(replies, reply)

    def call(self, call: dict) -> dict:
        reply = None
        try:
            write_message(self.requests, call)
            ready, _, _ = select.select([self.replies], [], [], self.timeout + 1.0)
            if ready:
                reply = read_message(self.replies)
        except (ValueError, OSError):
            reply = None
        if not isinstance(reply, dict):
            self.close()
            return dict(TIMED_OUT)
        return reply

    def close(self) -> None:
        if not self.alive:
            return
        self.alive = False
        end_child(self.pid, (self.requests, self.replies))

    def __enter__(self) -> CallServer:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


# --- checker side --------------------------------------------------------------------------


class Caller:
    """Sends a call out of the checker and waits for the learner's reply."""

    def __init__(self, out, commands):
        self.out, self.commands = out, commands

    def __call__(self, name: str, ops: list):
        write_message(self.out, {"call": {"name": name, "ops": ops}})
        while (message := read_message(self.commands)) is not None:
            if isinstance(message, dict) and "reply" in message:
                return _result(message["reply"], self, name, ops)
        raise EOFError("no reply")

    def call_op(self, name: str, args: tuple, kwargs: dict) -> list:
        try:
            return ["call", values.encode(args), values.encode(kwargs)]
        except values.NotTransferable as error:
            raise TypeError(f"{name} に渡せない引数です（{error}）") from None


def _result(reply, caller: Caller, name: str, ops: list):
    if isinstance(reply, dict) and "value" in reply:
        return values.decode(reply["value"])
    if isinstance(reply, dict) and isinstance(reply.get("remote"), str):
        return Remote(caller, name, ops, reply["remote"])
    name, message = "RuntimeError", "関数の呼び出しに失敗しました"
    if isinstance(reply, dict) and isinstance(reply.get("error"), list):
        name, message = (str(part) for part in reply["error"][:2])
    if not name.isidentifier():
        name = "RuntimeError"
    raise type(name, (Exception,), {})(message)


def stand_in(data: dict, caller: Caller):
    """The checker's callable for a learner function: same name and signature."""
    name = str(data.get("name"))
    parameters = []
    for pname, kind, default in data.get("params", []):
        extra = {}
        if default is not None:
            extra["default"] = values.decode(default.get("v"))
        kind = _KINDS.get(kind, inspect.Parameter.POSITIONAL_OR_KEYWORD)
        parameters.append(inspect.Parameter(str(pname), kind, **extra))

    def function(*args, **kwargs):
        return caller(name, [caller.call_op(name, args, kwargs)])

    function.__name__ = function.__qualname__ = name
    try:
        function.__signature__ = inspect.Signature(parameters)
    except (ValueError, TypeError):  # a forged, impossible signature: none at all
        pass
    return function


class Remote:
    """The checker's handle on a learner object that is not plain data (a fitted model,
    a figure's axes): every use is evaluated in a throwaway child of the learner's
    process and comes back as plain data or as another handle. Operators, isinstance
    and everything not listed here are not supported: such a test stays in the
    learner's process (the plan run finds out, see ``plan.py``)."""

    __slots__ = ("_caller", "_name", "_ops", "_type")

    def __init__(self, caller: Caller, name: str, ops: list, type_name: str):
        object.__setattr__(self, "_caller", caller)
        object.__setattr__(self, "_name", name)
        object.__setattr__(self, "_ops", ops)
        object.__setattr__(self, "_type", type_name)

    def _ask(self, op: list):
        return self._caller(self._name, [*self._ops, op])

    def __getattr__(self, attribute: str):
        if attribute.startswith("__") and attribute.endswith("__"):
            raise AttributeError(attribute)  # protocols (pickling, copying) are not asked
        return self._ask(["attr", attribute])

    def __getitem__(self, key):
        try:
            return self._ask(["item", values.encode(key)])
        except values.NotTransferable as error:
            raise TypeError(str(error)) from None

    def __call__(self, *args, **kwargs):
        return self._ask(self._caller.call_op(self._name, args, kwargs))

    def __len__(self) -> int:
        return int(self._ask(["len"]))

    def __iter__(self):
        return (self[i] for i in range(len(self)))

    def __bool__(self) -> bool:
        return bool(self._ask(["bool"]))

    def __str__(self) -> str:
        return str(self._ask(["str"]))

    def __repr__(self) -> str:
        return str(self._ask(["repr"]))
