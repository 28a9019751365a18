"""The fast grader: faults contained, tampering gains nothing, runs resume and lock.

Cell-by-cell equality with `nbgrader autograde`, with the checker on, is tested on every
unit by tests/test_course_grading.py::test_fast_grader_equals_nbgrader_cell_by_cell.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time

import nbformat
import pytest
from harness import answered, cells_by_id, make_course, nbgrader, scores, submit

from workbench.grading.executor import Limits
from workbench.grading.ledger import Ledger
from workbench.grading.pipeline import Options, grade

pytestmark = pytest.mark.slow

UNIT = "01_excel_basics"
NB = f"{UNIT}.ipynb"
FAST_LIMITS = Limits(cell_timeout=5, notebook_timeout=60, memory_mb=1024, output_bytes=1_000_000)


@pytest.fixture(scope="module")
def released(tmp_path_factory):
    """A course with the unit released; returns (root, source notebook, released notebook)."""
    root = make_course(tmp_path_factory.mktemp("released"))
    nbgrader(root, "generate_assignment", UNIT, "--force")
    source = nbformat.read(root.parent / "courses" / UNIT / NB, as_version=4)
    release = nbformat.read(root / "release" / UNIT / NB, as_version=4)
    return root, source, release


def _fresh_course(tmp_path, released):
    root, _, _ = released
    fresh = tmp_path / "course"
    shutil.copytree(root.parent, fresh, ignore=shutil.ignore_patterns("submitted", "autograded"))
    return fresh / "grading"


def _ledger(root):
    """Faults per graded student, read through the grader's own ledger."""
    ledger = Ledger(root / ".workbench" / "grader-ledger.sqlite")
    try:
        return ledger.faults(UNIT)
    finally:
        ledger.close()


def _with_cell(source, release, gid, code):
    return answered(release, source, {gid: code})


def test_faults_are_contained_and_explained(tmp_path, released):
    root = _fresh_course(tmp_path, released)
    _, source, release = released
    good = answered(release, source)
    bad = {
        "loop": _with_cell(source, release, "ex2", "while True:\n    pass"),
        "membomb": _with_cell(source, release, "ex3", "hog = bytearray(4 * 1024**3)"),
        "exit": _with_cell(source, release, "ex4", "import os\nos._exit(0)"),
        "crash": _with_cell(source, release, "ex5", "import ctypes\nctypes.string_at(0)"),
        "bigprint": _with_cell(
            source,
            release,
            "ex1",
            'print("x" * 100_000_000)\n'
            'usage = pd.read_csv(datasets.path("facility_usage"), encoding="cp932")',
        ),
    }
    submit(root, "honest", UNIT, NB, good)
    for student, notebook in bad.items():
        submit(root, student, UNIT, NB, notebook)
    broken = root / "submitted" / "broken" / UNIT
    broken.mkdir(parents=True)
    (broken / NB).write_text('{"cells": [ this is not json', encoding="utf-8")

    summary = grade(UNIT, root, Options(workers=2, progress=False, limits=FAST_LIMITS))
    assert summary.graded == 7
    faults = _ledger(root)
    assert faults["honest"] == []
    assert faults["loop"] == ["timeout"]
    assert faults["membomb"] == ["memory"]
    assert faults["exit"] == ["kernel_died"]
    assert faults["crash"] == ["kernel_died"]
    assert faults["bigprint"] == ["output_limit"]
    assert faults["broken"] == ["malformed"]

    full = scores(root, UNIT, "honest")
    assert sum(score for score, _ in full.values()) == 17
    got = {student: scores(root, UNIT, student) for student in bad}
    assert got["loop"]["ex2_test"][0] == 0 and got["loop"]["ex3_test"][0] == 3
    assert got["membomb"]["ex3_test"][0] == 0 and got["membomb"]["ex4_test"][0] == 2
    # A dead kernel never counts as passing: every test after the crash scores 0.
    for student, first in (("exit", 4), ("crash", 5)):
        later = [f"ex{k}_test" for k in range(first, 10)]
        assert all(got[student][gid][0] == 0 for gid in later), got[student]
        assert got[student]["ex1_test"][0] == 1
    assert got["bigprint"]["ex1_test"][0] == 1
    assert (root / "autograded" / "bigprint" / UNIT / NB).stat().st_size < 5_000_000
    assert sum(s for s, _ in scores(root, UNIT, "broken").values()) == 0
    note = nbformat.read(root / "autograded" / "exit" / UNIT / NB, as_version=4).cells[0]
    assert note.metadata["workbench"]["grader_note"] and "カーネル停止" in note.source


def _tampered(source, release):
    """Submissions that try to score without answering; each must earn 0 on its test."""
    wrong_ex2 = 'top_libraries = usage[["年月", "施設名", "利用者数"]].head(5)\n'
    variants = {
        "patch_checks": wrong_ex2
        + "from workbench import checks as c\nc.expect = lambda *a, **k: None\n"
        "c.fail = lambda *a, **k: None\nc.dataframe = c.descending = lambda *a, **k: None",
        "rebind_checks": wrong_ex2
        + "class _Pass:\n    def __getattr__(self, name):\n        return lambda *a, **k: None\n"
        "checks = _Pass()",
        "swallow_errors": wrong_ex2
        + "get_ipython().set_custom_exc((BaseException,), lambda *a, **k: None)",
        "patch_pandas": wrong_ex2 + "pd.Series.all = lambda self, *a, **k: True",
    }
    return {name: answered(release, source, {"ex2": code}) for name, code in variants.items()}


def _edit(notebook, gid, change):
    notebook = nbformat.from_dict(notebook)
    cells = cells_by_id(notebook)
    change(notebook, cells[gid])
    return notebook


def test_tampering_gains_nothing(tmp_path, released):
    root = _fresh_course(tmp_path, released)
    _, source, release = released
    for student, notebook in _tampered(source, release).items():
        submit(root, student, UNIT, NB, notebook)
    wrong = {"ex3": "total_users = mean_users = n_reported = max_users = 1"}
    base = answered(release, source, wrong)

    def delete(nb, cell):
        nb.cells.remove(cell)

    def to_markdown(nb, cell):
        cell.cell_type = "markdown"
        cell.pop("outputs", None)
        cell.pop("execution_count", None)

    def rename(nb, cell):
        cell.metadata["nbgrader"]["grade_id"] = "renamed"

    def gut(nb, cell):
        cell.source = "pass"

    for student, change in (
        ("deleted", delete),
        ("markdown", to_markdown),
        ("renamed", rename),
        ("gutted", gut),
    ):
        submit(root, student, UNIT, NB, _edit(base, "ex3_test", change))
    kernelspec = answered(release, source)
    kernelspec.metadata["kernelspec"] = {
        "name": "evil",
        "display_name": "evil",
        "language": "python",
    }
    submit(root, "kernelspec", UNIT, NB, kernelspec)

    grade(UNIT, root, Options(workers=2, progress=False, limits=FAST_LIMITS))
    for student in ("patch_checks", "rebind_checks", "swallow_errors", "patch_pandas"):
        got = scores(root, UNIT, student)
        assert got["ex2_test"][0] == 0, student
        assert got["ex3_test"][0] == 3, "the guard repairs and later tests run honestly"
    # The checker decided ex2_test: the patch changed nothing it runs. The guard still
    # protects the tests the plan keeps in the learner's process: with the checker
    # switched off, it detects the same patch and that test scores 0.
    guarded = _fresh_course(tmp_path / "guarded", released)
    submit(guarded, "patch_checks", UNIT, NB, _tampered(source, release)["patch_checks"])
    options = Options(workers=1, progress=False, limits=FAST_LIMITS, disabled_defences={"checker"})
    grade(UNIT, guarded, options)
    assert scores(guarded, UNIT, "patch_checks")["ex2_test"][0] == 0
    assert "tampering" in _ledger(guarded)["patch_checks"]
    for student in ("deleted", "markdown", "renamed", "gutted"):
        got = scores(root, UNIT, student)
        assert got["ex3_test"] == (0, 3), student
        assert got["ex4_test"][0] == 2, student
    assert sum(s for s, _ in scores(root, UNIT, "kernelspec").values()) == 17


def test_regrading_is_idempotent_and_resubmissions_are_archived(tmp_path, released):
    root = _fresh_course(tmp_path, released)
    _, source, release = released
    submit(root, "a", UNIT, NB, answered(release, source))
    submit(root, "b", UNIT, NB, release)
    first = grade(UNIT, root, Options(workers=1, progress=False, limits=FAST_LIMITS))
    again = grade(UNIT, root, Options(workers=1, progress=False, limits=FAST_LIMITS))
    assert (first.graded, again.graded, again.skipped) == (2, 0, 2)

    submit(root, "b", UNIT, NB, answered(release, source))  # b resubmits a full answer
    (root / "submitted" / "b" / UNIT / "timestamp.txt").write_text("2024-04-02 09:00:00.000000 UTC")
    third = grade(UNIT, root, Options(workers=1, progress=False, limits=FAST_LIMITS))
    assert third.graded == 1
    assert sum(s for s, _ in scores(root, UNIT, "b").values()) == 17
    archived = list((root / ".workbench" / "archive" / UNIT / "b").iterdir())
    assert len(archived) == 1 and (archived[0] / NB).exists()


def test_sigkill_mid_run_then_resume_finishes_everything_once(tmp_path, released):
    root = _fresh_course(tmp_path, released)
    _, source, release = released
    count = 8
    for index in range(count):
        submit(root, f"s{index}", UNIT, NB, answered(release, source))
    command = [
        sys.executable,
        "-m",
        "workbench",
        "grade",
        UNIT,
        "--course-root",
        str(root),
        "--workers",
        "2",
        "--no-progress",
    ]
    process = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    ledger_path = root / ".workbench" / "grader-ledger.sqlite"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if ledger_path.exists() and 1 <= len(_ledger(root)) < count:
            break
        time.sleep(0.05)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    interrupted = len(_ledger(root))
    assert interrupted < count, "the run finished before it could be interrupted"
    resumed = grade(UNIT, root, Options(workers=2, progress=False, limits=FAST_LIMITS))
    assert resumed.graded == count - interrupted
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gradebook:
        assert len(gradebook.assignment_submissions(UNIT)) == count
        for index in range(count):
            assert gradebook.find_submission(UNIT, f"s{index}").score == 17


def test_dask_cluster_grades_like_local_processes(tmp_path, released):
    from distributed import LocalCluster

    root = _fresh_course(tmp_path, released)
    _, source, release = released
    submit(root, "good", UNIT, NB, answered(release, source))
    submit(root, "blank", UNIT, NB, release)
    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        summary = grade(
            UNIT,
            root,
            Options(scheduler=cluster.scheduler_address, progress=False, limits=FAST_LIMITS),
        )
    assert summary.graded == 2
    assert sum(s for s, _ in scores(root, UNIT, "good").values()) == 17
    assert sum(s for s, _ in scores(root, UNIT, "blank").values()) == 0


@pytest.mark.postgres
def test_postgresql_gradebook(tmp_path, released, monkeypatch):
    url = os.environ.get("WORKBENCH_TEST_POSTGRES_URL")
    if not url:
        if os.environ.get("CI"):
            pytest.fail("CI must provide WORKBENCH_TEST_POSTGRES_URL (see .ci/run)")
        pytest.skip("no PostgreSQL server configured")
    import sqlalchemy

    database = f"gradebook_{os.getpid()}"
    admin = sqlalchemy.create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sqlalchemy.text(f"DROP DATABASE IF EXISTS {database}"))
        connection.execute(sqlalchemy.text(f"CREATE DATABASE {database}"))
    db_url = url.rsplit("/", 1)[0] + "/" + database
    try:
        root = make_course(tmp_path)
        monkeypatch.setenv("WORKBENCH_GRADEBOOK_URL", db_url)  # read by nbgrader_config.py
        nbgrader(root, "generate_assignment", UNIT, "--force")
        _, source, release = released
        submit(root, "good", UNIT, NB, answered(release, source))
        submit(root, "blank", UNIT, NB, release)
        grade(UNIT, root, Options(workers=2, progress=False, db_url=db_url, limits=FAST_LIMITS))
        from nbgrader.api import Gradebook

        with Gradebook(db_url) as gradebook:
            assert gradebook.find_submission(UNIT, "good").score == 17
            assert gradebook.find_submission(UNIT, "blank").score == 0
    finally:
        admin.dispose()
        with sqlalchemy.create_engine(url, isolation_level="AUTOCOMMIT").connect() as connection:
            connection.execute(sqlalchemy.text(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)"))


# --- reliability: each item of issue #11 that is not an attack -------------------------


def test_commit_failure_rolls_back_and_surfaces(tmp_path, monkeypatch):
    from nbgrader.api import Gradebook

    from workbench.course import environment_with_tools
    from workbench.grading.course import GradebookWriteError, one_transaction

    # A new gradebook asks the `alembic` command for its schema version.
    monkeypatch.setenv("PATH", environment_with_tools()["PATH"])
    gradebook = Gradebook(f"sqlite:///{tmp_path / 'gradebook.db'}")
    session = gradebook.db

    def failing_commit(self):
        raise RuntimeError("disk full")

    with monkeypatch.context() as patch:
        patch.setattr(type(session), "commit", failing_commit)  # the database refuses
        with pytest.raises(GradebookWriteError, match="gradebook への書き込みに失敗しました"):
            with one_transaction(gradebook):
                gradebook.add_student("ghost")
    assert [s.id for s in gradebook.students] == []  # rolled back, nothing half-written
    gradebook.close()


def test_one_run_per_assignment(tmp_path, released):
    from workbench.course import CourseError
    from workbench.grading.course import Course, assignment_lock

    course = Course.load(_fresh_course(tmp_path, released))
    with assignment_lock(course, UNIT):
        with pytest.raises(CourseError, match="別の `workbench grade` が採点中"):
            with assignment_lock(course, UNIT):
                pass
        with assignment_lock(course, "another_unit"):
            pass
    with assignment_lock(course, UNIT):  # released again afterwards
        pass


def test_archive_names_never_collide(tmp_path):
    from workbench.grading.pipeline import _archive_name

    first = _archive_name(tmp_path, "a" * 64)
    first.mkdir()
    second = _archive_name(tmp_path, "a" * 64)  # A → B → A: the same digest again
    assert second != first and not second.exists()


def test_limits_come_from_the_course_config_and_flags_override(tmp_path, released):
    from workbench.grading.course import Course

    root = _fresh_course(tmp_path, released)
    assert Course.load(root).limits().cell_timeout == 60  # c.ExecutePreprocessor.timeout
    (root / "nbgrader_config.py").write_text(
        (root / "nbgrader_config.py").read_text() + "\nc.ExecutePreprocessor.timeout = 12\n"
    )
    assert Course.load(root).limits().cell_timeout == 12
    from workbench import cli

    seen = {}

    def fake_grade(assignment, course_root, options):
        seen["limits"] = options.limits
        from workbench.grading.pipeline import Summary

        return Summary()

    import workbench.grading.pipeline as pipeline

    original = pipeline.grade
    pipeline.grade = fake_grade
    try:
        cli.main(["grade", UNIT, "--course-root", str(root), "--no-progress"])
        assert seen["limits"] is None  # the grader reads the course's config itself
        cli.main(["grade", UNIT, "--course-root", str(root), "--memory-mb", "512"])
        assert (seen["limits"].cell_timeout, seen["limits"].memory_mb) == (12, 512)
    finally:
        pipeline.grade = original


def test_without_bubblewrap_grading_fails_closed(monkeypatch):
    from workbench.grading import sandbox

    monkeypatch.setattr(sandbox, "bubblewrap", lambda: None)
    with pytest.raises(sandbox.SandboxUnavailable, match="bubblewrap") as error:
        sandbox.warm_process_command()
    assert "--no-sandbox" in str(error.value)
    with pytest.warns(sandbox.SandboxUnavailableWarning):
        command, _ = sandbox.warm_process_command(sandbox=False)
    assert "bwrap" not in command[0]


def test_grader_faults_are_retried_on_resume(tmp_path, released, monkeypatch):
    """A warm process that dies is the grader's fault: recorded, then graded again."""
    from workbench.grading import warm

    root = _fresh_course(tmp_path, released)
    _, source, release = released
    submit(root, "a", UNIT, NB, answered(release, source))
    real_run = warm.WarmProcess.run

    def dying_run(self, job):
        if job["job_id"].startswith("plan/"):
            return real_run(self, job)
        self.close()
        return warm.internal_fault(job, "test: the warm process died")

    monkeypatch.setattr(warm.WarmProcess, "run", dying_run)
    first = grade(UNIT, root, Options(workers=1, progress=False, limits=FAST_LIMITS))
    assert first.graded == 1 and _ledger(root)["a"] == ["internal"]
    monkeypatch.setattr(warm.WarmProcess, "run", real_run)
    second = grade(UNIT, root, Options(workers=1, progress=False, limits=FAST_LIMITS))
    assert second.graded == 1, "the grader's fault is retried, not kept as the learner's"
    assert _ledger(root)["a"] == []
    assert sum(s for s, _ in scores(root, UNIT, "a").values()) == 17
