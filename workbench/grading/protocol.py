"""Length-prefixed JSON messages over pipes (coordinator ↔ warm process ↔ child)."""

from __future__ import annotations

import json
import os
import signal
import struct
from typing import IO, Any

_HEADER = struct.Struct(">Q")
MAX_MESSAGE = 256 * 1024 * 1024


def write_message(stream: IO[bytes], message: Any) -> None:
    # surrogatepass: any Python string crosses intact (a lone surrogate a learner printed
    # is escaped later, when the notebook is saved), instead of failing the whole job.
    payload = json.dumps(message, ensure_ascii=False).encode("utf-8", "surrogatepass")
    stream.write(_HEADER.pack(len(payload)) + payload)
    stream.flush()


def read_message(stream: IO[bytes]) -> Any | None:
    """Next message, or None at end of stream (the writer exited)."""
    header = _read_exactly(stream, _HEADER.size)
    if header is None:
        return None
    (length,) = _HEADER.unpack(header)
    if length > MAX_MESSAGE:
        raise ValueError(f"message of {length} bytes exceeds the limit")
    payload = _read_exactly(stream, length)
    if payload is None:
        return None
    try:
        return json.loads(payload.decode("utf-8", "surrogatepass"))
    except RecursionError:  # absurdly nested JSON is a broken stream, like any other
        raise ValueError("message nested too deeply") from None


def _read_exactly(stream: IO[bytes], size: int) -> bytes | None:
    chunks, remaining = [], size
    while remaining:
        chunk = stream.read(remaining)
        if not chunk:
            return None
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


def end_child(pid: int, streams) -> int:
    """Close our ends of a child's pipes, SIGKILL the child and reap it; its wait status.

    Killing first is safe: a child's results are read before this is called, and a child
    that is still running at that point has nothing more to say that we would accept.
    """
    for stream in streams:
        try:
            stream.close()
        except OSError:
            pass
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    _, status = os.waitpid(pid, 0)
    return status
