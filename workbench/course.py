"""Course units: list them, release student versions with nbgrader, fill a learner workspace.

A unit is a folder ``courses/NN_topic/`` that nbgrader treats as one assignment. Release
goes through nbgrader's own ``generate_assignment`` so what learners get is exactly what
nbgrader will later grade against.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from workbench.errors import WorkbenchError
from workbench.paths import courses_dir, grading_dir

UNIT_PATTERN = re.compile(r"^\d{2}_[a-z0-9_]+$")
SKIPPED_PARTS = {".ipynb_checkpoints", "__pycache__", "output"}


class CourseError(WorkbenchError, RuntimeError):
    """A course operation failed; the message says what and how to fix it, in Japanese."""


def units() -> list[str]:
    """Unit folder names in course order."""
    root = courses_dir()
    return sorted(p.name for p in root.iterdir() if p.is_dir() and UNIT_PATTERN.match(p.name))


def source_files(unit: str) -> list[Path]:
    folder = courses_dir() / unit
    if not folder.is_dir():
        raise CourseError(f"単元「{unit}」が見つかりません。ある単元: {'、'.join(units())}")
    return sorted(
        p
        for p in folder.rglob("*")
        if p.is_file() and not SKIPPED_PARTS.intersection(p.relative_to(folder).parts)
    )


def notebooks(unit: str) -> list[Path]:
    return [p for p in source_files(unit) if p.suffix == ".ipynb"]


def _source_digest(unit: str) -> str:
    digest = hashlib.sha256()
    for path in source_files(unit):
        digest.update(str(path.relative_to(courses_dir())).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _stamp_path(unit: str) -> Path:
    return grading_dir() / ".workbench" / f"{unit}.release.json"


def release_dir(unit: str) -> Path:
    return grading_dir() / "release" / unit


def environment_with_tools() -> dict[str, str]:
    """This process's environment with the interpreter's ``bin`` first on PATH.

    nbgrader shells out to ``alembic`` and JupyterLab to ``jupyter``; when the workbench
    runs as ``.venv/bin/python -m workbench`` without an activated venv, those commands
    are only found this way.
    """
    env = dict(os.environ)
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    return env


def put_tools_on_path() -> None:
    """Let in-process nbgrader find ``alembic``: a new gradebook asks it for the schema."""
    tools = str(Path(sys.executable).parent)
    if tools not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = environment_with_tools()["PATH"]


def nbgrader(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """Run an nbgrader command in the course root and fail with its log on error."""
    command = [sys.executable, "-m", "nbgrader", *args]
    result = subprocess.run(
        command,
        cwd=cwd or grading_dir(),
        capture_output=True,
        text=True,
        check=False,
        env=environment_with_tools(),
    )
    if result.returncode != 0:
        raise CourseError(
            f"nbgrader {' '.join(args)} が失敗しました（終了コード {result.returncode}）。\n"
            f"{result.stdout}\n{result.stderr}"
        )
    return result


def generate(unit: str, force: bool = False) -> bool:
    """Create the student version of ``unit`` in ``grading/release``; False if up to date."""
    digest = _source_digest(unit)
    stamp = _stamp_path(unit)
    if not force and release_dir(unit).is_dir() and stamp.is_file():
        if json.loads(stamp.read_text()).get("source") == digest:
            return False
    nbgrader("generate_assignment", unit, "--force")
    stamp.parent.mkdir(parents=True, exist_ok=True)
    stamp.write_text(json.dumps({"source": digest}) + "\n")
    return True


def copy_to_workspace(unit: str, workspace: Path) -> list[Path]:
    """Copy released files into ``workspace/unit``; never overwrite a learner's file."""
    source = release_dir(unit)
    target = workspace / unit
    copied = []
    for path in sorted(source.rglob("*")):
        if not path.is_file():
            continue
        destination = target / path.relative_to(source)
        if destination.exists():
            continue
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, destination)
        copied.append(destination)
    return copied


def execute_in_place(unit: str, timeout: int = 300) -> list[Path]:
    """Re-run the source notebooks of ``unit`` and store their outputs (for authors).

    Committed outputs show instructors the expected results, and the nbval test proves
    they are reproducible. nbclient is used rather than papermill so the committed
    notebooks carry no execution metadata that changes on every run.
    """
    import nbformat
    from nbclient import NotebookClient

    executed = []
    for path in notebooks(unit):
        notebook = nbformat.read(path, as_version=4)
        NotebookClient(
            notebook,
            timeout=timeout,
            kernel_name="python3",
            resources={"metadata": {"path": str(path.parent)}},
        ).execute()
        for cell in notebook.cells:
            cell.metadata.pop("execution", None)
        nbformat.write(notebook, path)
        executed.append(path)
    return executed
