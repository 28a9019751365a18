"""The one loader of nbgrader configuration files (``nbgrader_config.py``).

The instructor's course config (grading/), the grader and the learner's progress page
all read nbgrader's settings through here, so they see the same values the same way
nbgrader itself does (traitlets' ``PyFileConfigLoader``, later folders winning).
"""

from __future__ import annotations

import os
from pathlib import Path

from traitlets.config import Config

FILE_NAME = "nbgrader_config.py"


def load(*folders: Path | str) -> Config:
    """The merged configuration of ``nbgrader_config.py`` in ``folders`` (later wins).

    Folders without the file are skipped, as nbgrader does.
    """
    from traitlets.config.loader import PyFileConfigLoader

    config = Config()
    for folder in folders:
        if os.path.isfile(os.path.join(folder, FILE_NAME)):
            config.merge(PyFileConfigLoader(FILE_NAME, path=str(folder)).load_config())
    return config


def learner_search_path(cwd: Path | None = None) -> list[str]:
    """Where a learner's JupyterLab looks: Jupyter's config path, the working folder last.

    This is the order nbgrader's Assignment List uses.
    """
    from jupyter_core.paths import jupyter_config_path

    return [*reversed(jupyter_config_path()), str(cwd or Path.cwd())]
