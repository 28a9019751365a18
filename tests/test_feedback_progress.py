"""学習の進み具合 shows the score of feedback made by `workbench grade` + `workbench feedback`.

End to end through nbgrader's exchange, as a learner receives it: release → the learner
submits with `nbgrader submit` → collect → `workbench grade` → `workbench feedback` →
`nbgrader release_feedback` → the learner's `nbgrader fetch_feedback` → progress.collect.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys

import nbformat
import pytest
from harness import answered, make_course, nbgrader

from workbench import course, lab, progress
from workbench.grading import feedback
from workbench.grading.executor import Limits
from workbench.grading.pipeline import Options, grade

pytestmark = pytest.mark.slow

UNIT = "01_excel_basics"
NOTEBOOKS = tuple(path.name for path in course.notebooks(UNIT))  # every part of the unit


@pytest.fixture(scope="module")
def delivered(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("progress")
    root = make_course(tmp)
    for folder in (tmp / "courses").iterdir():
        if folder.is_dir() and course.UNIT_PATTERN.match(folder.name) and folder.name != UNIT:
            shutil.rmtree(folder)
    workspace = tmp / "workspace"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("WORKBENCH_GRADING_DIR", str(root))
        patch.setenv("WORKBENCH_COURSES_DIR", str(tmp / "courses"))
        patch.setenv("WORKBENCH_WORKSPACE_DIR", str(workspace))
        patch.delenv("WORKBENCH_GRADEBOOK_URL", raising=False)
        patch.delenv("WORKBENCH_EXCHANGE_ROOT", raising=False)
        patch.delenv("JUPYTER_CONFIG_PATH", raising=False)
        lab.prepare_workspace(log=lambda _: None)
        lab.write_learner_config(workspace)

        # The learner answers every exercise and submits through the exchange.
        for name in NOTEBOOKS:
            source = nbformat.read(tmp / "courses" / UNIT / name, as_version=4)
            released = nbformat.read(root / "release" / UNIT / name, as_version=4)
            nbformat.write(answered(released, source), workspace / UNIT / name)
        env = lab.learner_launch(workspace).env
        learner = {"cwd": workspace, "env": env, "check": True, "capture_output": True}
        subprocess.run([sys.executable, "-m", "nbgrader", "submit", UNIT], **learner)

        # The instructor collects, grades with the fast grader, writes and returns feedback.
        nbgrader(root, "collect", UNIT)
        limits = Limits(cell_timeout=30, notebook_timeout=120)
        summary = grade(UNIT, root, Options(workers=1, progress=False, limits=limits))
        assert summary.graded == 1
        assert feedback.generate(UNIT, None, root).written
        nbgrader(root, "release_feedback", UNIT)

        # The learner fetches it, as the Assignment List's button does.
        subprocess.run([sys.executable, "-m", "nbgrader", "fetch_feedback", UNIT], **learner)
        patch.setenv("JUPYTER_CONFIG_PATH", str(lab.learner_config_dir(workspace)))
        yield root, workspace


def _row(workspace):
    (row,) = [r for r in progress.collect(workspace) if r.unit == UNIT]
    return row


def _gradebook_score(root) -> tuple[float, float]:
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gradebook:
        (submission,) = gradebook.assignment_submissions(UNIT)
        return submission.score, submission.max_score


def test_progress_shows_the_score_of_workbench_feedback(delivered):
    root, workspace = delivered
    row = _row(workspace)
    assert row.feedback_ready
    # 17 automatic points; the written answer (3 points) waits for the instructor.
    assert (row.score, row.max_score) == (17, 20)
    assert (row.score, row.max_score) == _gradebook_score(root)


def test_negative_control_without_the_marker_no_score(delivered):
    """The score really comes from the page's marker: stripped, the page shows none."""
    _, workspace = delivered
    pages = list((workspace / UNIT / "feedback").rglob("*.html"))
    assert pages
    originals = {page: page.read_text(encoding="utf-8") for page in pages}
    try:
        for page, text in originals.items():
            page.write_text(re.sub(r'<meta name="workbench-score"[^>]*>', "", text))
        assert _row(workspace).score is None
    finally:
        for page, text in originals.items():
            page.write_text(text, encoding="utf-8")
