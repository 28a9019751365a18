"""Where things live: the repository layout in one place, overridable by environment.

Two ways the package runs:

- from a checkout (``pip install -e .``, what ``make`` does): the folders below are the
  checkout's ``courses/``, ``datasets/``, ``grading/``, ``workspace/`` and ``templates/``;
- from a wheel (``pip install 'workbench[templates]'``, a policy team's PC): files the
  package needs ship inside it as package data, read through :mod:`importlib.resources`,
  and the folders it writes (datasets, workspace) are made in the current folder.
"""

from __future__ import annotations

import os
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

#: The installed ``workbench`` package folder (package data lives below it).
PACKAGE_DIR = Path(str(resources.files("workbench")))
_CHECKOUT = PACKAGE_DIR.parent
#: True when the package runs from the repository checkout (editable install).
IN_CHECKOUT = (_CHECKOUT / "pyproject.toml").is_file() and (_CHECKOUT / "templates").is_dir()
#: The checkout the package is installed from; for a wheel, the folder it was started in.
REPO_ROOT = _CHECKOUT if IN_CHECKOUT else Path.cwd()


def _env_path(variable: str, default: Path) -> Path:
    value = os.environ.get(variable)
    return Path(value).resolve() if value else default


def courses_dir() -> Path:
    """Source notebooks, one nbgrader assignment per unit."""
    return _env_path("WORKBENCH_COURSES_DIR", REPO_ROOT / "courses")


def datasets_dir() -> Path:
    """Data cards and built dataset files (``datasets/NAME/SIZE/``)."""
    return _env_path("WORKBENCH_DATASETS_DIR", REPO_ROOT / "datasets")


def grading_dir() -> Path:
    """The nbgrader course root."""
    return _env_path("WORKBENCH_GRADING_DIR", REPO_ROOT / "grading")


def workspace_dir() -> Path:
    """The learner's workspace that ``make lab`` opens."""
    return _env_path("WORKBENCH_WORKSPACE_DIR", REPO_ROOT / "workspace")


def templates_dir() -> Path:
    """Template notebooks: ``templates/`` of a checkout, package data in a wheel (setup.py)."""
    if IN_CHECKOUT:
        return REPO_ROOT / "templates"
    return PACKAGE_DIR / "template_notebooks"


def learner_files() -> Traversable:
    """Notebooks every learner gets at the workspace root (package data ``learner/``)."""
    return resources.files("workbench") / "learner"
