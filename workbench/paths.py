"""Where things live: the repository layout in one place, overridable by environment."""

from __future__ import annotations

import os
from pathlib import Path

#: The checkout the package is installed from (editable install, see requirements.txt).
REPO_ROOT = Path(__file__).resolve().parent.parent


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
