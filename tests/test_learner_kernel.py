"""What a learner's kernel shows for a ❌ and for novice errors, and what graders see.

Real kernels (nbclient) and the real graders (nbgrader autograde, ``workbench grade``):

- a failed check shows the Japanese hint as the first line and no Python frames, and is
  still an ``error`` output that both graders score 0 and whose hint the feedback finds;
- the learner's kernel config (``lab.write_learner_kernel_config``) adds a Japanese
  explanation above the traceback of common errors, and nothing of it appears when
  nbgrader or ``workbench grade`` run the notebook, even with that config in reach.
"""

from __future__ import annotations

import re
import shutil

import nbformat
import pytest
from harness import cells_by_id, nbgrader, scores, submit
from nbclient import NotebookClient

from workbench import lab, learner_error_box, learner_errors
from workbench.grading import hidden_tests
from workbench.grading.executor import Limits
from workbench.grading.pipeline import Options, grade
from workbench.paths import REPO_ROOT

pytestmark = pytest.mark.slow

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
HINT_1 = "❌ 合計が 100 です。欠損値の行まで 0 として数えていませんか？"
SETUP = (
    'import pandas as pd\nfrom workbench import checks\ndf = pd.DataFrame({"利用者数": [120, 80]})'
)
HIDDEN = '### BEGIN HIDDEN TESTS\nchecks.close(total, 200, "合計が違います")\n### END HIDDEN TESTS'

BOX = learner_error_box.TITLE


def notebook(*sources: str):
    return nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_code_cell(source) for source in sources],
        metadata={"kernelspec": {"name": "python3", "display_name": "Python 3"}},
    )


def execute(nb, folder):
    NotebookClient(
        nb, timeout=120, kernel_name="python3", allow_errors=True,
        resources={"metadata": {"path": str(folder)}},
    ).execute()  # fmt: skip
    return nb


def traceback_text(output) -> str:
    return ANSI.sub("", "\n".join(output.get("traceback", [])))


def errors(cell) -> list:
    return [o for o in cell.outputs if o.output_type == "error"]


def explanations(nb) -> list[str]:
    return [
        o.data["text/plain"]
        for cell in nb.cells
        for o in cell.get("outputs", [])
        if o.output_type == "display_data" and BOX in o.get("data", {}).get("text/plain", "")
    ]


@pytest.fixture
def plain_env(monkeypatch):
    """A kernel as graders start it: no learner IPython folder, not under nbgrader."""
    monkeypatch.delenv("IPYTHONDIR", raising=False)
    monkeypatch.delenv(learner_errors.NBGRADER_ENV, raising=False)
    return monkeypatch


# --- the ❌ of a check cell ----------------------------------------------------------------


def test_failed_check_shows_the_hint_first_and_no_frames(tmp_path, plain_env):
    nb = execute(
        notebook(
            "from workbench import checks\ntotal = 100",
            f'checks.expect(total != 100, "{HINT_1[2:]}")\nchecks.passed("演習1")',
            'assert total != 100, "plain assert"',  # control: an ordinary traceback
        ),
        tmp_path,
    )
    (error,) = errors(nb.cells[1])
    assert (error.ename, error.evalue) == ("CheckFailed", HINT_1)
    shown = traceback_text(error)
    assert shown.splitlines()[0] == HINT_1
    assert "Cell In[2], line 1" in shown  # where it stopped (the feedback reads this)
    for frame_marker in ("Traceback", "File ", "checks.py", "raise ", "----", "__tracebackhide__"):
        assert frame_marker not in shown, shown
    assert not [o for o in nb.cells[1].outputs if o.output_type == "stream"]  # no ✅

    # Negative control: a plain AssertionError keeps IPython's frames, so the checks bite.
    control = traceback_text(errors(nb.cells[2])[0])
    assert "Traceback" in control and "assert total != 100" in control

    failure = hidden_tests.failure_of(nb.cells[1], hidden_tests.split_hidden(nb.cells[1].source))
    assert (failure.where, failure.ename, failure.message) == ("visible", "CheckFailed", HINT_1)


# --- graders: scores, feedback, and no learner explanations ------------------------------

UNIT = "98_check_probe"
NB = "probe.ipynb"


def _meta(grade_id: str, *, solution=False, grade=False, locked=False, points=0) -> dict:
    meta = {"grade_id": grade_id, "solution": solution, "grade": grade, "locked": locked}
    meta["schema_version"] = 3
    if grade:
        meta["points"] = points
    return {"nbgrader": meta}


def _source_notebook():
    cells = [
        ("setup", {"locked": True}, SETUP),
        ("ex1", {"solution": True},
         '### BEGIN SOLUTION\ntotal = int(df["利用者数"].sum())\n### END SOLUTION'),
        ("t1", {"grade": True, "locked": True, "points": 1},
         f'checks.expect(total != 100, "{HINT_1[2:]}")\nchecks.passed("演習1")\n' + HIDDEN),
        ("ex2", {"solution": True},
         '### BEGIN SOLUTION\nshare = df["利用者数"] / 200\n### END SOLUTION'),
        ("t2", {"grade": True, "locked": True, "points": 1},
         'share = checks.variable("share")\nchecks.series(share, "share", length=2)\n'
         'checks.passed("演習2")'),
    ]  # fmt: skip
    nb = notebook()
    for grade_id, flags, source in cells:
        cell = nbformat.v4.new_code_cell(source)
        cell.metadata.update(_meta(grade_id, **flags))
        nb.cells.append(cell)
    return nb


#: learner → answers (ex1, ex2) and the expected points of (t1, t2).
SUBMISSIONS = {
    "good": ('total = int(df["利用者数"].sum())', 'share = df["利用者数"] / 200', (1, 1)),
    "visible": ("total = 100", 'share = df["利用者"] / 200', (0, 0)),  # ❌ hint; KeyError
    "hidden": ("total = 150", 'share = df["利用者数"] / 200', (0, 1)),  # passes the ✅ line
}


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """The probe unit autograded by nbgrader and by ``workbench grade``, learner config set.

    ``IPYTHONDIR`` points at a learner's kernel config for both runs: the worst case of an
    instructor grading from a learner's environment. Graders must still show nothing of it.
    """
    tmp = tmp_path_factory.mktemp("probe")
    root = tmp / "nbgrader" / "grading"
    root.mkdir(parents=True)
    shutil.copy2(REPO_ROOT / "grading" / "nbgrader_config.py", root / "nbgrader_config.py")
    (root.parent / "courses" / UNIT).mkdir(parents=True)
    nbformat.write(_source_notebook(), root.parent / "courses" / UNIT / NB)
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv("WORKBENCH_GRADEBOOK_URL", raising=False)
        patch.delenv(learner_errors.NBGRADER_ENV, raising=False)
        patch.setenv("IPYTHONDIR", str(lab.write_learner_kernel_config(tmp / "workspace")))
        nbgrader(root, "generate_assignment", UNIT, "--force")
        fast = tmp / "fast" / "grading"
        shutil.copytree(root.parent, fast.parent)
        released = nbformat.read(root / "release" / UNIT / NB, as_version=4)
        for student, (ex1, ex2, _) in SUBMISSIONS.items():
            answer = nbformat.from_dict(released)
            cells_by_id(answer)["ex1"].source, cells_by_id(answer)["ex2"].source = ex1, ex2
            submit(root, student, UNIT, NB, answer)
            submit(fast, student, UNIT, NB, answer)
        nbgrader(root, "autograde", UNIT, "--force")
        limits = Limits(cell_timeout=60, notebook_timeout=300, memory_mb=2048)
        summary = grade(UNIT, fast, Options(workers=1, progress=False, limits=limits))
    assert summary.graded == len(SUBMISSIONS), summary.lines()
    return {"nbgrader": root, "workbench": fast}


@pytest.mark.parametrize("grader", ["nbgrader", "workbench"])
def test_graders_score_a_failed_check_zero_and_a_passing_one_full(graded, grader):
    for student, (_, _, expected) in SUBMISSIONS.items():
        got = scores(graded[grader], UNIT, student)
        assert (got["t1"][0], got["t2"][0]) == expected, (grader, student, got)


@pytest.mark.parametrize("grader", ["nbgrader", "workbench"])
def test_feedback_still_tells_visible_hints_from_hidden_tests(graded, grader):
    def failure(student, grade_id):
        nb = nbformat.read(graded[grader] / "autograded" / student / UNIT / NB, as_version=4)
        cell = cells_by_id(nb)[grade_id]
        return hidden_tests.failure_of(cell, hidden_tests.split_hidden(cell.source))

    visible = failure("visible", "t1")
    assert (visible.where, visible.ename, visible.message) == ("visible", "CheckFailed", HINT_1)
    assert failure("hidden", "t1").where == "hidden"
    assert failure("visible", "t2").message.startswith("❌ 変数 share がまだありません")
    assert failure("good", "t1") is None


@pytest.mark.parametrize("grader", ["nbgrader", "workbench"])
def test_graders_show_no_learner_explanations(graded, grader):
    nb = nbformat.read(graded[grader] / "autograded" / "visible" / UNIT / NB, as_version=4)
    assert explanations(nb) == []
    (error,) = errors(cells_by_id(nb)["ex2"])  # the KeyError is there, unexplained
    assert error.ename == "KeyError"


# --- the learner's kernel -------------------------------------------------------------------

LEARNER_CELLS = (
    SETUP,
    'df["利用者"]',
    "if len(df) = 2:\n    print(1)",
    'df[df["利用者数"] > 100]["利用者数"] = 0',
    'checks.expect(False, "ヒントだけ")',
    '{"a": 1}["b"]',
)


def test_learner_kernel_explains_common_errors_above_the_traceback(tmp_path, plain_env):
    plain_env.setenv("IPYTHONDIR", str(lab.write_learner_kernel_config(tmp_path / "ws")))
    nb = execute(notebook(*LEARNER_CELLS), tmp_path)
    kinds = [[o.output_type for o in cell.outputs] for cell in nb.cells]
    assert kinds[1] == ["display_data", "error"]  # the box first, then the error
    assert "'利用者数'" in nb.cells[1].outputs[0].data["text/plain"]
    assert "<div" in nb.cells[1].outputs[0].data["text/html"]
    error = nb.cells[1].outputs[1]
    assert error.ename == "KeyError" and "KeyError" in traceback_text(error)  # not swallowed
    assert (
        kinds[2] == ["display_data", "error"] and "==" in nb.cells[2].outputs[0].data["text/plain"]
    )
    assert nb.cells[2].outputs[1].ename == "SyntaxError"
    assert kinds[3][0] == "display_data" and ".loc" in nb.cells[3].outputs[0].data["text/plain"]
    assert "ChainedAssignmentError" in "".join(o.get("text", "") for o in nb.cells[3].outputs)
    assert kinds[4] == ["error"] and kinds[5] == ["error"]  # a ❌ and a dict's KeyError: no box


def test_negative_control_no_explanations_without_the_learner_config(tmp_path, plain_env):
    nb = execute(notebook(*LEARNER_CELLS), tmp_path)
    assert explanations(nb) == []
    assert errors(nb.cells[1])[0].ename == "KeyError"


def test_no_explanations_while_nbgrader_executes(tmp_path, plain_env):
    plain_env.setenv("IPYTHONDIR", str(lab.write_learner_kernel_config(tmp_path / "ws")))
    plain_env.setenv(learner_errors.NBGRADER_ENV, "validate")
    nb = execute(notebook(*LEARNER_CELLS), tmp_path)
    assert explanations(nb) == []
