"""Tests that call a learner-defined function, without running learner code in the checker.

A function the learner defined cannot cross as data. It crosses as a *description* (its
name and signature); the checker gets a stand-in with that signature. Calling the
stand-in sends the (plain-data) arguments to the learner's process, which forks a
throwaway child, calls the real function there and returns only the value, encoded by
``values.py``. The child exits after one call, so a call can change nothing the next
call or the notebook sees, and whatever it returns is at worst a wrong answer.

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
from workbench.grading.protocol import read_message, write_message

TAG = "learner_function"
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
                default = {"v": values.encode(parameter.default)}
            except values.NotTransferable:
                default = {"v": None}
        params.append([parameter.name, int(parameter.kind), default])
    return {"$": TAG, "name": name, "params": params}


# --- learner side --------------------------------------------------------------------------


def serve(namespace: dict, commands, emit, timeout: float) -> None:
    """Answer the checker's calls until told to continue (the learner's process)."""
    while (command := read_message(commands)) is not None:
        call = command.get("call") if isinstance(command, dict) else None
        if not isinstance(call, dict):
            return  # "continue" (or anything else): back to the notebook
        function = namespace.get(call.get("name"))
        if not is_learner_function(function):
            reply = {"error": ["NameError", f"{call.get('name')} が定義されていません"]}
        else:
            reply = call_in_child(function, call, timeout)
        emit({"reply": reply})


def call_in_child(function, call: dict, timeout: float) -> dict:
    """Call ``function`` in a throwaway child; only the encoded value comes back."""
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            os.close(read_fd)
            signal.setitimer(signal.ITIMER_REAL, timeout)
            try:
                args = values.decode(call.get("args"))
                kwargs = values.decode(call.get("kwargs"))
                reply = {"value": values.encode(function(*args, **kwargs))}
            except BaseException as error:  # noqa: BLE001 - everything becomes the answer
                reply = {"error": [type(error).__name__, str(error)[:500]]}
            with os.fdopen(write_fd, "wb") as out:
                write_message(out, reply)
        finally:
            os._exit(0)
    os.close(write_fd)
    with os.fdopen(read_fd, "rb") as pipe:
        ready, _, _ = select.select([pipe], [], [], timeout + 1.0)
        reply = None
        if ready:
            try:
                reply = read_message(pipe)
            except (ValueError, OSError):
                reply = None
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    os.waitpid(pid, 0)
    if not isinstance(reply, dict):
        return {"error": ["TimeoutError", "関数の呼び出しが時間内に終わりませんでした"]}
    return reply


# --- checker side --------------------------------------------------------------------------


class Caller:
    """Sends a call out of the checker and waits for the learner's reply."""

    def __init__(self, out, commands):
        self.out, self.commands = out, commands

    def __call__(self, name: str, args: tuple, kwargs: dict):
        try:
            request = {"name": name, "args": values.encode(args), "kwargs": values.encode(kwargs)}
        except values.NotTransferable as error:
            raise TypeError(f"{name} に渡せない引数です（{error}）") from None
        write_message(self.out, {"call": request})
        while (message := read_message(self.commands)) is not None:
            if isinstance(message, dict) and "reply" in message:
                return _result(message["reply"])
        raise EOFError("no reply")


def _result(reply):
    if isinstance(reply, dict) and "value" in reply:
        return values.decode(reply["value"])
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
        return caller(name, args, kwargs)

    function.__name__ = function.__qualname__ = name
    try:
        function.__signature__ = inspect.Signature(parameters)
    except (ValueError, TypeError):  # a forged, impossible signature: none at all
        pass
    return function
