"""The one loader of nbgrader configuration files (``nbgrader_config.py``).

The instructor's course config (grading/), the grader and the learner's progress page
all read nbgrader's settings through here, so they see the same values the same way
nbgrader itself does (traitlets' ``PyFileConfigLoader``, later folders winning).
"""

from __future__ import annotations

import os
from pathlib import Path

from traitlets.config import Config

from workbench.errors import WorkbenchError

FILE_NAME = "nbgrader_config.py"


class ConfigMissing(WorkbenchError):
    def __init__(self, folder) -> None:
        super().__init__(
            f"{Path(folder) / FILE_NAME} がありません。nbgrader のコースフォルダ"
            "（nbgrader_config.py のあるフォルダ）を指定してください。"
        )


def load(*folders: Path | str, required: bool = False) -> Config:
    """The merged configuration of ``nbgrader_config.py`` in ``folders`` (later wins).

    Folders without the file are skipped, as nbgrader does; with ``required`` (the
    instructor's course) a missing file is an error naming the folder.
    """
    from traitlets.config.loader import PyFileConfigLoader

    config = Config()
    found = False
    for folder in folders:
        if os.path.isfile(os.path.join(folder, FILE_NAME)):
            config.merge(PyFileConfigLoader(FILE_NAME, path=str(folder)).load_config())
            found = True
    if required and not found:
        raise ConfigMissing(folders[-1] if folders else ".")
    return config


def learner_search_path(cwd: Path | None = None) -> list[str]:
    """Where a learner's JupyterLab looks: Jupyter's config path, the working folder last.

    This is the order nbgrader's Assignment List uses.
    """
    from jupyter_core.paths import jupyter_config_path

    return [*reversed(jupyter_config_path()), str(cwd or Path.cwd())]
