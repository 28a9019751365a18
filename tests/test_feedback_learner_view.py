"""Feedback shows learners their own work: outputs are withheld by what the code reads.

Built on hand-made autograded cells (no grading run), so each case is exact: the
learner's own outputs, NameError and timeout are shown; code that reads the hidden
tests' names or the grader's history is still withheld; after a timeout the checks
that follow get a message naming the exercise instead of a misleading hint.
"""

from __future__ import annotations

from workbench.grading import feedback, feedback_page, hidden_tests
from workbench.grading.gradebook_views import GradeView

TEST_SOURCE = """# 確認セル
checks.expect(len(result) == 3, "result は3行のはずです。")
### BEGIN HIDDEN TESTS
_answer = sorted(secret_rows)[:3]
checks.expect(list(result) == _answer, "中身が正しくありません（隠し）。")
### END HIDDEN TESTS"""


def _guard() -> hidden_tests.HiddenTestGuard:
    test = hidden_tests.split_hidden(TEST_SOURCE)
    return hidden_tests.HiddenTestGuard([(TEST_SOURCE, test)], test.visible)


def test_learner_code_with_underscores_is_not_introspection():
    guard = _guard()
    # the false alarms of the identifier scan (issue #18)
    assert not guard.reaches_grader_state('df["処理時間_分"] = df["処理時間"] / 60')
    assert not guard.reaches_grader_state("reject, p, _, _ = multipletests(pvals)")
    assert not guard.reaches_grader_state("for _ in range(3):\n    print('回')")
    assert not guard.reaches_grader_state("print(undefined_result)")
    assert not guard.reaches_grader_state("dir(df)")
    # negative controls: reading hidden names or the grader's state is still caught
    assert guard.reaches_grader_state("print(_answer)")
    assert guard.reaches_grader_state("print(_)")
    assert guard.reaches_grader_state("x = _3")
    assert guard.reaches_grader_state("print(dir())")
    assert guard.reaches_grader_state("%timeit print(_answer)")
    assert guard.reaches_grader_state("print(globals()['_ans' + 'wer'])")
    assert guard.reaches_grader_state("import sys\nsys.modules")
    assert guard.reaches_grader_state("from inspect import currentframe")
    assert guard.reaches_grader_state("import operator\noperator.attrgetter('f_globals')")
    assert guard.reaches_grader_state("f = lambda: 0\nf.__globals__")


def _meta(grade_id: str, **flags) -> dict:
    return {"nbgrader": {"grade_id": grade_id, "points": flags.pop("points", 0), **flags}}


def _heading(text: str) -> dict:
    return {"cell_type": "markdown", "source": f"### {text}", "metadata": {}}


def _code(grade_id: str, source: str, *outputs, **flags) -> dict:
    return {"cell_type": "code", "source": source, "metadata": _meta(grade_id, **flags),
            "outputs": list(outputs), "execution_count": 1}  # fmt: skip


def _stream(text: str) -> dict:
    return {"output_type": "stream", "name": "stdout", "text": text}


def _error(ename: str, evalue: str) -> dict:
    return {"output_type": "error", "ename": ename, "evalue": evalue, "traceback": []}


def _grade(name: str, score: float, maximum: float = 1.0) -> GradeView:
    return GradeView(name, "code", score, maximum, score, None, False)


def _notebook() -> list[dict]:
    return [
        _heading("演習1 処理時間"),
        _code(
            "ex1",
            'df["処理時間_分"] = [1.5, 2.0]\nreject, p, _, _ = (1, 0.03, 0, 0)\nprint(p)',
            _stream("0.03\n"),
            solution=True,
        ),
        _code("ex1_test", "checks.expect(p < 1, 'p を確認しましょう。')", grade=True, points=1),
        _heading("演習2 名前"),
        _code(
            "ex2", "print(rsult)", _error("NameError", "name 'rsult' is not defined"), solution=True
        ),
        _heading("演習3 反復"),
        _code(
            "ex3",
            "while True:\n    prob = prob * 0.05",
            _error("CellTimeout", "1つのセルの実行時間の上限（30 秒）を超えました"),
            solution=True,
        ),
        _code(
            "ex3_test",
            "checks.expect(prob > 0, '0.05 の20乗は…')",
            _error("CheckFailed", "❌ 0.05 の20乗は…"),
            grade=True,
            points=1,
        ),
        _heading("演習4 検定"),
        _code(
            "ex4_test",
            "checks.expect(t > 0, '変数 t がまだありません')",
            _error("CheckFailed", "❌ 変数 t がまだありません"),
            grade=True,
            points=1,
        ),
    ]


def test_feedback_shows_own_outputs_errors_and_timeouts():
    cells = _notebook()
    grades = {"ex1_test": _grade("ex1_test", 1), "ex3_test": _grade("ex3_test", 0),
              "ex4_test": _grade("ex4_test", 0)}  # fmt: skip
    blocks, _ = feedback_page.build_blocks(cells, grades, {})
    code = {b.grade_id: b for b in blocks if b.kind == "code"}
    shown = {k: " ".join(o.text for o in b.outputs) for k, b in code.items()}
    assert "0.03" in shown["ex1"]
    assert "NameError: name 'rsult' is not defined" in shown["ex2"]
    assert "CellTimeout" in shown["ex3"] and "上限" in shown["ex3"]
    assert not any(o.text == feedback_page.WITHHELD for b in code.values() for o in b.outputs)
    tests = {b.grade_id: b for b in blocks if b.kind == "test"}
    assert tests["ex1_test"].passed
    # checks after the timeout: no misleading hint, the exercise that timed out is named
    for grade_id in ("ex3_test", "ex4_test"):
        assert "0.05 の20乗" not in tests[grade_id].message
        assert "まだありません" not in tests[grade_id].message
        assert "演習3 反復" in tests[grade_id].message
        assert "タイムアウト" in tests[grade_id].message


def test_banner_names_the_exercise_that_timed_out():
    notes = feedback._notes(_notebook())
    assert any("演習3 反復" in note and "タイムアウト" in note for note in notes)
    # the whole notebook was stopped: the first cell not run is where it was running
    stopped = _notebook()[:5] + [
        _heading("演習3 反復"),
        _code(
            "ex3", "x = 1", _error("タイムアウト", "このセルは実行されませんでした"), solution=True
        ),
    ]
    origin = feedback_page.fault_origin(stopped)
    assert origin == feedback_page.FaultOrigin("演習3 反復", "タイムアウト")
    # an ungraded exploration cell looped: the checks after it are still not blamed
    ungraded = _notebook()[:5] + [
        _heading("演習3 反復"),
        {"cell_type": "code", "source": "while True: pass", "metadata": {},
         "execution_count": 1, "outputs": [_error("CellTimeout", "上限")]},
        _code("ex3_test", "checks.expect(t > 0, 'x')",
              _error("CheckFailed", "❌ 変数 t がまだありません"), grade=True, points=1),
    ]  # fmt: skip
    assert feedback_page.fault_origin(ungraded) == feedback_page.FaultOrigin(
        "演習3 反復", "タイムアウト"
    )
    blocks, _ = feedback_page.build_blocks(ungraded, {"ex3_test": _grade("ex3_test", 0)}, {})
    assert "演習3 反復" in [b.message for b in blocks if b.kind == "test"][-1]
    # negative control: without a fault there is no banner line and hints are kept
    clean = _notebook()[:5]
    assert feedback._notes(clean) == []
    blocks, _ = feedback_page.build_blocks(
        clean + [_code("ex4_test", "checks.expect(t > 0, 'x')",
                       _error("CheckFailed", "❌ 変数 t がまだありません"),
                       grade=True, points=1)],
        {"ex4_test": _grade("ex4_test", 0)}, {},
    )  # fmt: skip
    messages = {b.grade_id: b.message for b in blocks if b.kind == "test"}
    assert messages["ex4_test"] == "❌ 変数 t がまだありません"
