"""Hostile submissions: blank answers plus a few lines of attack code in the first answer.

Each attack must score no more than the blank answers it carries, and the run must
finish with every honest submission graded in full. Each defence also has a negative
control: graded with that defence switched off (``Options.disabled_defences``, meant for
this suite only), the same attack works, which shows the test bites.

Graded on the small anchor assignment (tests/harness.py, 2 tests of 1 point): no attack
here depends on what the notebook teaches, and a teaching unit would cost seconds per
submission. The real units are graded with every defence on by the course tier
(tests/test_course_grading.py).
"""

from __future__ import annotations

import os

import nbformat
import pytest
from harness import (
    ANCHOR_UNIT,
    answered,
    cells_by_id,
    make_anchor_course,
    precompute_plan,
    scores,
    submit,
)

from workbench.grading.executor import Limits
from workbench.grading.ledger import Ledger
from workbench.grading.pipeline import Options, grade

pytestmark = pytest.mark.slow

UNIT = ANCHOR_UNIT
NB = f"{UNIT}.ipynb"
FIRST = "ex1"  # the first answer cell
FULL = 2  # points of an honest submission
LIMITS = Limits(cell_timeout=10, notebook_timeout=120, memory_mb=1024, output_bytes=1_000_000)

SHOWTRACEBACK = (
    "ip = get_ipython(); ip.showtraceback = lambda *a, **k: None; "
    "type(ip).showtraceback = lambda *a, **k: None"
)
CLASS_SHOWTRACEBACK = "type(get_ipython())._showtraceback = lambda *a, **k: None"
SINK = """import sys
for _module in list(sys.modules.values()):
    _sink = getattr(_module, "OutputSink", None)
    if isinstance(_sink, type):
        _add = _sink.add
        def _drop_errors(self, o, _add=_add):
            return None if o.get("output_type") == "error" else _add(self, o)
        _sink.add = _drop_errors
"""
RUN_TEST_CELL = """import sys
for _module in list(sys.modules.values()):
    _runner = getattr(_module, "NotebookRunner", None)
    if isinstance(_runner, type):
        _runner._run_test_cell = lambda self, cell: None
"""
SHADOW_IN_GC = """import gc
for _obj in gc.get_objects():
    if type(_obj).__name__ == "OutputSink":
        type(_obj).add = lambda self, o: None
"""
# Write a forged "cell" message with no outputs for every test cell, then "done", to the
# pipe the results travel on, and leave before anything honest is reported.
FORGE_PIPE = """import json, os, stat, struct
def _forge(message):
    payload = json.dumps(message).encode()
    return struct.pack(">Q", len(payload)) + payload
_cells = [{{"index": i, "outputs": [], "execution_count": 1, "faults": []}} for i in {indices}]
_forged = b"".join(_forge({{"cell": cell}}) for cell in _cells)
_forged += _forge({{"done": True}})
for _fd in range(3, 64):
    try:
        if stat.S_ISFIFO(os.fstat(_fd).st_mode):
            os.write(_fd, _forged)
    except OSError:
        pass
os._exit(0)
"""
# Leaves a process behind (double fork + setsid) that keeps a heartbeat file fresh.
ORPHAN = """import os, time
if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        for _ in range(400):
            with open("/tmp/orphan-heartbeat", "w") as _f:
                _f.write(str(time.time()))
            time.sleep(0.05)
        os._exit(0)
    os._exit(0)
os.wait()
"""
PROBE = """import os, time
time.sleep(0.5)
_beat = "/tmp/orphan-heartbeat"
_age = time.time() - os.stat(_beat).st_mtime if os.path.exists(_beat) else None
print("ORPHAN ALIVE" if _age is not None and _age < 0.3 else "no orphan")
"""
# Bytes written straight into the warm process's result stream to the coordinator.
WARM_FD = """import os
try:
    with open(f"/proc/{os.getppid()}/fd/1", "wb", buffering=0) as _f:
        _f.write(b"\\xff" * 64)
    print("WROTE INTO THE GRADER")
except OSError as error:
    print("blocked:", type(error).__name__)
"""
LEAK = """try:
    with open("leak.db", "rb") as _f:
        print("LEAKED", _f.read(16))
except OSError as error:
    print("no leak:", type(error).__name__)
"""

ATTACKS = {
    "showtraceback": SHOWTRACEBACK,
    "class_showtraceback": CLASS_SHOWTRACEBACK,
    "sink": SINK,
    "run_test_cell": RUN_TEST_CELL,
    "shadow_in_gc": SHADOW_IN_GC,
}


@pytest.fixture(scope="module")
def released(tmp_path_factory):
    root = make_anchor_course(tmp_path_factory.mktemp("hostile"))
    precompute_plan(root, UNIT, LIMITS)  # every copy below starts with the plan decided
    source = nbformat.read(root.parent / "courses" / UNIT / NB, as_version=4)
    release = nbformat.read(root / "release" / UNIT / NB, as_version=4)
    return root, source, release


def _blank_with(release, code: str):
    notebook = nbformat.from_dict(release)
    cells_by_id(notebook)[FIRST].source = code
    return notebook


def _test_indices(notebook) -> list[int]:
    return [
        index
        for index, cell in enumerate(notebook.cells)
        if cell.metadata.get("nbgrader", {}).get("grade")
        and not cell.metadata["nbgrader"].get("solution")
    ]


def _course(tmp_path, released, submissions: dict):
    import shutil

    root, _, _ = released
    fresh = tmp_path / "course"
    shutil.copytree(root.parent, fresh, ignore=shutil.ignore_patterns("submitted", "autograded"))
    course_root = fresh / "grading"
    for student, notebook in submissions.items():
        submit(course_root, student, UNIT, NB, notebook)
    return course_root


def _total(root, student) -> float:
    return sum(score for score, _ in scores(root, UNIT, student).values())


def _output(root, student, gid=FIRST) -> str:
    notebook = nbformat.read(root / "autograded" / student / UNIT / NB, as_version=4)
    cell = cells_by_id(notebook)[gid]
    return "".join(o.get("text", "") for o in cell.outputs if o.output_type == "stream")


def _attack_submissions(release):
    submissions = {name: _blank_with(release, code) for name, code in ATTACKS.items()}
    forged = _blank_with(release, "")
    cells_by_id(forged)[FIRST].source = FORGE_PIPE.format(indices=_test_indices(forged))
    submissions["forge_pipe"] = forged
    submissions["blank"] = release
    return submissions


@pytest.fixture(scope="module")
def graded_attacks(released, tmp_path_factory):
    _, _, release = released
    root = _course(tmp_path_factory.mktemp("attacks"), released, _attack_submissions(release))
    summary = grade(UNIT, root, Options(workers=2, progress=False, limits=LIMITS))
    return root, summary


@pytest.mark.parametrize("attack", [*ATTACKS, "forge_pipe"])
def test_attack_scores_no_more_than_blank(graded_attacks, attack):
    root, summary = graded_attacks
    assert summary.graded == len(ATTACKS) + 2
    assert _total(root, "blank") == 0
    assert _total(root, attack) <= _total(root, "blank"), scores(root, UNIT, attack)


def test_negative_control_attacks_win_without_the_checker(released, tmp_path):
    """With verdicts decided inside the learner's process again, the attacks score."""
    _, _, release = released
    root = _course(tmp_path, released, _attack_submissions(release))
    grade(
        UNIT,
        root,
        Options(workers=2, progress=False, limits=LIMITS, disabled_defences={"checker"}),
    )
    won = [attack for attack in ATTACKS if _total(root, attack) > _total(root, "blank")]
    assert {"showtraceback", "sink", "run_test_cell"} <= set(won), won


def _honest(release, source, extra: str = ""):
    notebook = answered(release, source)
    cells_by_id(notebook)[FIRST].source += "\n" + extra
    return notebook


def test_lone_surrogate_in_output_still_grades_in_full(released, tmp_path):
    _, source, release = released
    root = _course(
        tmp_path,
        released,
        {
            "surrogate": _honest(release, source, "print('\\ud800 and \\udcff')"),
            "honest": _honest(release, source),
        },
    )
    grade(UNIT, root, Options(workers=1, progress=False, limits=LIMITS))
    assert _total(root, "honest") == FULL
    assert _total(root, "surrogate") == FULL
    assert "\\ud800" in _output(root, "surrogate")


def _orphan_run(released, tmp_path, disabled=frozenset()):
    _, source, release = released
    root = _course(
        tmp_path,
        released,
        {"a_orphan": _blank_with(release, ORPHAN), "b_probe": _honest(release, source, PROBE)},
    )
    grade(UNIT, root, Options(workers=1, progress=False, limits=LIMITS, disabled_defences=disabled))
    return root


def test_nothing_outlives_its_notebook(released, tmp_path):
    root = _orphan_run(released, tmp_path)
    assert "no orphan" in _output(root, "b_probe")
    assert _total(root, "b_probe") == FULL


def test_negative_control_orphan_survives_without_the_reaper(released, tmp_path):
    root = _orphan_run(released, tmp_path, frozenset({"reaper"}))
    assert "ORPHAN ALIVE" in _output(root, "b_probe")


def _warm_fd_run(released, tmp_path, disabled=frozenset()):
    _, source, release = released
    submissions = {"a_attack": _blank_with(release, WARM_FD)}
    submissions.update({f"honest{i}": _honest(release, source) for i in range(4)})
    root = _course(tmp_path, released, submissions)
    summary = grade(
        UNIT, root, Options(workers=1, progress=False, limits=LIMITS, disabled_defences=disabled)
    )
    return root, summary


def test_no_process_can_write_into_the_warm_process(released, tmp_path):
    root, summary = _warm_fd_run(released, tmp_path)
    assert "blocked" in _output(root, "a_attack")
    assert summary.graded == 5
    assert all(_total(root, f"honest{i}") == FULL for i in range(4))


def test_negative_control_a_broken_stream_fails_one_submission_not_the_run(released, tmp_path):
    """Without the non-dumpable warm process the bytes land, yet the run finishes."""
    root, summary = _warm_fd_run(released, tmp_path, frozenset({"nondumpable"}))
    assert summary.graded == 5
    assert all(_total(root, f"honest{i}") == FULL for i in range(4))
    faults = Ledger(root / ".workbench" / "grader-ledger.sqlite").faults(UNIT)
    # The submission hit by the broken stream is recorded as the grader's fault (retried).
    assert "internal" in faults["a_attack"]


def test_submissions_carry_data_not_links(released, tmp_path):
    _, _, release = released
    root = _course(tmp_path, released, {"linker": _blank_with(release, LEAK)})
    folder = root / "submitted" / "linker" / UNIT
    os.symlink("../../../gradebook.db", folder / "leak.db")
    summary = grade(UNIT, root, Options(workers=1, progress=False, limits=LIMITS))
    assert summary.graded == 1
    assert "LEAKED" not in _output(root, "linker")
    copied = root / "autograded" / "linker" / UNIT / "leak.db"
    assert not copied.exists() or copied.is_symlink() is False and copied.stat().st_size == 0
    faults = Ledger(root / ".workbench" / "grader-ledger.sqlite").faults(UNIT)
    assert "refused_file" in faults["linker"]


def test_negative_control_links_are_followed_without_the_check(released, tmp_path):
    _, _, release = released
    root = _course(tmp_path, released, {"linker": _blank_with(release, LEAK)})
    folder = root / "submitted" / "linker" / UNIT
    os.symlink("../../../gradebook.db", folder / "leak.db")
    grade(
        UNIT,
        root,
        Options(workers=1, progress=False, limits=LIMITS, disabled_defences={"links"}),
    )
    assert "LEAKED b'SQLite format 3" in _output(root, "linker")
