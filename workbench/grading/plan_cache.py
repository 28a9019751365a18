"""The grading plan (plan.py), kept on disk between runs of the same instructor files.

Deciding the plan grades the instructor's notebook twice; on a course graded many times
(resubmissions, one learner at a time) that is most of a small run. The plan is a pure
function of instructor-side inputs only, so it is stored under the course's
``.workbench/plan-cache/`` keyed by a digest of all of them:

- every file of the assignment's source folder (notebooks and the data files they read),
- the course's ``nbgrader_config.py``,
- the grader's own code (every ``.py`` of the ``workbench`` package: checks, datasets,
  checker, warm process),
- the limits and the run settings that change how a notebook runs (figures, sandbox).

Nothing a learner submits enters the key or the value. A file whose key differs is
recomputed; a file that does not read back exactly as written (its own checksum, its
shape, the notebooks and test ids it names) is refused, logged and recomputed. Only a
plan where the instructor's solution passed every test in its own process is stored: a
solution that timed out on a loaded machine is decided again on the next run.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from pathlib import Path

import workbench

log = logging.getLogger(__name__)

FOLDER = "plan-cache"
FORMAT = 1


def key(course, assignment: str, limits, settings: tuple) -> str:
    """Digest of every instructor-side input of the plan (see the module docstring)."""
    digest = hashlib.sha256(f"format {FORMAT}\n".encode())
    source = Path(course.source(assignment))
    for path in sorted(p for p in source.rglob("*") if p.is_file()):
        if ".ipynb_checkpoints" in path.parts or "__pycache__" in path.parts:
            continue
        _add(digest, f"source/{path.relative_to(source)}", path.read_bytes())
    config = Path(course.root) / "nbgrader_config.py"
    _add(digest, "config", config.read_bytes() if config.is_file() else b"")
    package = Path(workbench.__file__).parent
    for path in sorted(package.rglob("*.py")):
        _add(digest, f"grader/{path.relative_to(package)}", path.read_bytes())
    _add(digest, "limits", json.dumps(limits.__dict__, sort_keys=True).encode())
    _add(digest, "settings", repr(settings).encode())
    return digest.hexdigest()


def _add(digest, name: str, data: bytes) -> None:
    # Length-prefixed, so no two different sets of files give the same byte stream.
    digest.update(f"{name}\0{len(data)}\0".encode())
    digest.update(data)


def path(course, assignment: str) -> Path:
    return Path(course.root) / ".workbench" / FOLDER / f"{assignment}.json"


def load(course, assignment: str, expected_key: str, names: dict[str, set[str]]):
    """The stored plan if it is intact and was made from the same inputs, else ``None``.

    ``names`` maps each source notebook to its test ids: a plan naming others is refused.
    """
    file = path(course, assignment)
    if not file.is_file():
        return None
    try:
        stored = json.loads(file.read_text(encoding="utf-8"))
        body = stored["body"]
        intact = stored["checksum"] == _checksum(body)
        plans = body["plans"]
        shaped = (
            isinstance(plans, dict)
            and set(plans) == set(names)
            and all(
                isinstance(plan, dict)
                and set(plan) == names[name]
                and all(isinstance(v, bool) for v in plan.values())
                for name, plan in plans.items()
            )
        )
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        intact = shaped = False
    if not (intact and shaped):
        log.warning("%s: damaged or edited plan cache refused; deciding again", file)
        return None
    if body.get("key") != expected_key:
        return None  # made from other instructor files, grader or settings
    return plans


def store(course, assignment: str, cache_key: str, plans: dict) -> None:
    """Write atomically (never a half-written cache): temporary file, then rename."""
    file = path(course, assignment)
    file.parent.mkdir(parents=True, exist_ok=True)
    body = {"key": cache_key, "plans": plans}
    text = json.dumps({"body": body, "checksum": _checksum(body)}, ensure_ascii=False, indent=1)
    temporary = file.with_suffix(f".{os.getpid()}.tmp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, file)


def _checksum(body) -> str:
    canonical = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()
