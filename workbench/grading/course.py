"""The nbgrader course as the grader sees it: configuration, paths, gradebook session."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from pathlib import Path

from nbgrader import api
from nbgrader.coursedir import CourseDirectory
from traitlets.config import Config

from workbench import nbgrader_config
from workbench.course import CourseError, put_tools_on_path
from workbench.grading.executor import Limits

CONFIG_FILE = nbgrader_config.FILE_NAME


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
        config = nbgrader_config.load(root, required=True)
        config.CourseDirectory.root = str(root)
        if db_url:
            config.CourseDirectory.db_url = db_url
        # Deleted or renamed test cells are put back and run, instead of silently
        # scoring nothing (and staying unnoticed) as with nbgrader's default.
        config.OverwriteCells.add_missing_cells = True
        return cls(root, config, CourseDirectory(config=config))

    def limits(self) -> Limits:
        """The grader's limits as the course configures nbgrader: the same per-cell
        timeout as ``nbgrader autograde`` (``ExecutePreprocessor.timeout``), so both
        graders agree on what times out."""
        defaults = Limits()
        timeout = self.config.ExecutePreprocessor.get("timeout", None)
        if not isinstance(timeout, (int, float)) or timeout <= 0:  # None = no limit in nbgrader
            return defaults
        return Limits(
            cell_timeout=float(timeout),
            notebook_timeout=max(defaults.notebook_timeout, float(timeout) * 10),
            memory_mb=defaults.memory_mb,
            output_bytes=defaults.output_bytes,
        )

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


class _Frozen:
    """A detached copy of a gradebook row's plain attributes (safe across commits)."""

    FIELDS = ("name", "cell_type", "locked", "checksum", "source", "max_score", "kernelspec")

    def __init__(self, row):
        for field in self.FIELDS:
            if hasattr(row, field):
                setattr(self, field, getattr(row, field))


class _FrozenNotebook(_Frozen):
    def __init__(self, row):
        super().__init__(row)
        for group in ("source_cells", "grade_cells", "solution_cells", "task_cells"):
            setattr(self, group, [_Frozen(cell) for cell in getattr(row, group)])


class _Borrowed:
    """Stands in for ``Gradebook(url)`` inside nbgrader's preprocessors: same session.

    The instructor's cells do not change during a run, so their look-ups are answered
    from a cache of detached copies; everything per-student goes to the database.
    """

    def __init__(self, gradebook: api.Gradebook, cache: dict):
        self._gradebook = gradebook
        self._cache = cache

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        return None

    def _cached(self, method: str, wrap, *args):
        key = (method, *args)
        if key not in self._cache:
            self._cache[key] = wrap(getattr(self._gradebook, method)(*args))
        return self._cache[key]

    def find_notebook(self, notebook, assignment):
        return self._cached("find_notebook", _FrozenNotebook, notebook, assignment)

    def find_source_cell(self, name, notebook, assignment):
        return self._cached("find_source_cell", _Frozen, name, notebook, assignment)

    def find_graded_cell(self, name, notebook, assignment):
        return self._cached("find_graded_cell", _Frozen, name, notebook, assignment)

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
    borrowed = _Borrowed(gradebook, {})
    for module in modules:
        module.Gradebook = lambda *args, **kwargs: borrowed
    try:
        yield borrowed
    finally:
        for module, original in zip(modules, originals, strict=True):
            module.Gradebook = original


def open_gradebook(course: Course) -> api.Gradebook:
    """The coordinator's one gradebook session (the only writer during a run).

    For SQLite, write-ahead logging with normal synchronisation makes a commit cost a
    write instead of an fsync while keeping each commit atomic; formgrader and
    ``nbgrader`` commands read such a database as usual.
    """
    put_tools_on_path()
    gradebook = api.Gradebook(course.db_url, course.coursedir.course_id)
    if gradebook.engine.dialect.name == "sqlite":
        from sqlalchemy import event

        @event.listens_for(gradebook.engine, "connect")
        def _pragmas(connection, _record):
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("PRAGMA synchronous=NORMAL")

        gradebook.db.close()
        gradebook.engine.dispose()
    return gradebook


@contextlib.contextmanager
def one_transaction(gradebook: api.Gradebook):
    """Collect nbgrader's per-cell commits into one commit for the whole submission.

    A submission's scores then land all together or not at all, and the database does
    one commit per submission instead of one per cell.
    """
    session = gradebook.db
    session.commit = lambda: session.flush()
    try:
        yield
    except BaseException:
        del session.commit
        session.rollback()
        raise
    del session.commit
    try:
        session.commit()
    except BaseException as error:
        # A failed commit leaves nothing half-written: roll back and say so. The
        # submission is not in the ledger, so the next run grades it again.
        session.rollback()
        raise GradebookWriteError(error) from error


class GradebookWriteError(CourseError):
    """The gradebook refused a commit; nothing of that submission was written."""

    def __init__(self, error: BaseException):
        super().__init__(
            f"gradebook への書き込みに失敗しました（{type(error).__name__}: {error}）。"
            "この提出の採点結果は書き込まれていません。データベースの状態を確認してから、"
            "もう一度 `workbench grade` を実行すると、続きから採点します。"
        )


@contextlib.contextmanager
def assignment_lock(course: Course, assignment: str):
    """One run per assignment: a second `workbench grade` of the same one refuses."""
    import fcntl

    folder = course.root / ".workbench" / "locks"
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / f"{assignment}.lock", "w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise CourseError(
                f"課題「{assignment}」は別の `workbench grade` が採点中です。"
                "終わるのを待ってから実行してください。"
            ) from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
