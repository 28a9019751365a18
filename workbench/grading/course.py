"""The nbgrader course as the grader sees it: configuration, paths, gradebook session."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from pathlib import Path

from nbgrader import api
from nbgrader.coursedir import CourseDirectory
from traitlets.config import Config
from traitlets.config.loader import PyFileConfigLoader

from workbench.course import CourseError

CONFIG_FILE = "nbgrader_config.py"


@dataclass
class Course:
    root: Path
    config: Config
    coursedir: CourseDirectory

    @classmethod
    def load(cls, root: Path, db_url: str | None = None) -> Course:
        root = Path(root).resolve()
        if not (root / CONFIG_FILE).is_file():
            raise CourseError(
                f"{root / CONFIG_FILE} がありません。nbgrader のコースフォルダを指定してください。"
            )
        config = PyFileConfigLoader(CONFIG_FILE, path=str(root)).load_config()
        config.CourseDirectory.root = str(root)
        if db_url:
            config.CourseDirectory.db_url = db_url
        # Deleted or renamed test cells are put back and run, instead of silently
        # scoring nothing (and staying unnoticed) as with nbgrader's default.
        config.OverwriteCells.add_missing_cells = True
        return cls(root, config, CourseDirectory(config=config))

    @property
    def db_url(self) -> str:
        return self.coursedir.db_url

    def submitted(self, student: str, assignment: str) -> Path:
        return Path(
            self.coursedir.format_path(self.coursedir.submitted_directory, student, assignment)
        )

    def autograded(self, student: str, assignment: str) -> Path:
        return Path(
            self.coursedir.format_path(self.coursedir.autograded_directory, student, assignment)
        )

    def source(self, assignment: str) -> Path:
        return Path(self.coursedir.format_path(self.coursedir.source_directory, ".", assignment))


class _Borrowed:
    """Stands in for ``Gradebook(url)`` inside nbgrader's preprocessors: same session."""

    def __init__(self, gradebook: api.Gradebook):
        self._gradebook = gradebook

    def __enter__(self) -> api.Gradebook:
        return self._gradebook

    def __exit__(self, *exc) -> None:
        return None

    def __getattr__(self, name):
        return getattr(self._gradebook, name)


_PREPROCESSOR_MODULES = (
    "nbgrader.preprocessors.overwritecells",
    "nbgrader.preprocessors.overwritekernelspec",
    "nbgrader.preprocessors.saveautogrades",
    "nbgrader.preprocessors.latesubmissions",
)


@contextlib.contextmanager
def shared_gradebook(gradebook: api.Gradebook):
    """Let nbgrader's own preprocessors use one open gradebook session.

    Each of them opens ``Gradebook(db_url)`` per notebook, which costs a new engine and
    connection every time; grading thousands of submissions, that overhead would
    dominate. The preprocessors' logic is used unchanged.
    """
    import importlib

    modules = [importlib.import_module(name) for name in _PREPROCESSOR_MODULES]
    originals = [module.Gradebook for module in modules]
    for module in modules:
        module.Gradebook = lambda *args, **kwargs: _Borrowed(gradebook)
    try:
        yield gradebook
    finally:
        for module, original in zip(modules, originals, strict=True):
            module.Gradebook = original
