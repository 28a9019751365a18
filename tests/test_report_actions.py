"""Reports an instructor acts on: 採点待ち, 暫定, 修了, the follow-up list, untried vs wrong.

A small gradebook built with nbgrader's API (scores chosen by hand) plus hand-written
autograded notebooks for the hints and a fault; every expectation below is worked out
from those numbers, not read back from the code under test.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from workbench import cli, course
from workbench.grading import report

pytestmark = [
    pytest.mark.filterwarnings("ignore::sqlalchemy.exc.SAWarning"),  # nbgrader
    pytest.mark.slow,  # nbgrader builds the gradebook (alembic)
]

#: student: (q1 of 1, q2 of 2, q3 of 3, written w1 of 2 or None = waiting for a grader)
SCORES = {
    "s1": (1, 2, 3, 2),  # 8/8 → 修了
    "s2": (1, 0, 3, None),  # 4/8 = 50 %, w1 could bring 6/8 = 75 % → 保留
    "s3": (0, 2, 1, 1),  # 4/8 = 50 % → 未修了
    "s4": (0, 0, 0, 0),  # 0 → 未修了, follow up (0点, timeout)
    "s5": (1, 2, 3, None),  # 6/8 = 75 % but w1 waits → 保留
}
UNTRIED = "❌ 変数 result がまだありません。上のセルを実行しましたか？"
MISTAKE = "❌ 対応のあるデータには ttest_rel を使いましょう。"


def _test_cell(grade_id: str, message: str | None) -> dict:
    outputs = []
    if message:
        outputs.append({"output_type": "error", "ename": "CheckFailed", "evalue": message,
                        "traceback": []})  # fmt: skip
    meta = {"nbgrader": {"grade": True, "grade_id": grade_id, "points": 1}}
    return {"cell_type": "code", "source": f"checks.expect(True, '{grade_id}')",
            "execution_count": 1, "outputs": outputs, "metadata": meta}  # fmt: skip


def _autograded(root: Path, student: str, cells: list[dict]) -> None:
    folder = root / "autograded" / student / "a1"
    folder.mkdir(parents=True)
    notebook = {"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    (folder / "nb.ipynb").write_text(json.dumps(notebook, ensure_ascii=False), encoding="utf-8")


@pytest.fixture
def cohort_course(tmp_path, monkeypatch) -> Path:
    from nbgrader.api import Gradebook

    monkeypatch.setenv("PATH", course.environment_with_tools()["PATH"])
    root = tmp_path / "grading"
    root.mkdir()
    (root / "nbgrader_config.py").write_text(
        'c = get_config()\nc.CourseDirectory.course_id = "small"\n', encoding="utf-8"
    )
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}", course_id="small") as gb:
        gb.add_assignment("a1")
        gb.add_notebook("nb", "a1")
        for name, points in (("q1", 1), ("q2", 2), ("q3", 3)):
            gb.add_grade_cell(name, "nb", "a1", max_score=points, cell_type="code")
        gb.add_grade_cell("w1", "nb", "a1", max_score=2, cell_type="markdown")
        gb.add_solution_cell("w1", "nb", "a1")
        gb.add_student("absent")
        for student, scores in SCORES.items():
            gb.add_student(student)
            gb.add_submission("a1", student)
            for name, score in zip(("q1", "q2", "q3"), scores, strict=False):
                grade = gb.find_grade(name, "nb", "a1", student)
                grade.auto_score, grade.needs_manual_grade = float(score), False
            grade = gb.find_grade("w1", "nb", "a1", student)
            grade.needs_manual_grade = scores[3] is None
            grade.manual_score = None if scores[3] is None else float(scores[3])
        gb.db.commit()
    for student in ("s1", "s5"):
        _autograded(root, student, [_test_cell("q1", None), _test_cell("q2", None),
                                    _test_cell("q3", None)])  # fmt: skip
    _autograded(root, "s3", [_test_cell("q1", MISTAKE), _test_cell("q2", None),
                             _test_cell("q3", MISTAKE)])  # fmt: skip
    note = {"cell_type": "markdown", "source": "## ⚠ 採点メモ\n\n- **タイムアウト**: …",
            "metadata": {"workbench": {"grader_note": True, "faults": ["timeout"]}}}  # fmt: skip
    _autograded(root, "s2", [_test_cell("q1", None), _test_cell("q2", UNTRIED),
                             _test_cell("q3", None)])  # fmt: skip
    # s4's loop timed out in q1: the ❌ lines after it are not counted as hints
    timed_out = _test_cell("q1", None)
    timed_out["outputs"] = [{"output_type": "error", "ename": "CellTimeout",
                             "evalue": "上限を超えました", "traceback": []}]  # fmt: skip
    _autograded(root, "s4", [note, timed_out, _test_cell("q2", UNTRIED),
                             _test_cell("q3", MISTAKE)])  # fmt: skip
    return root


def _rows(path: Path) -> dict[str, dict[str, str]]:
    return {r["職員ID"]: r for r in csv.DictReader(path.read_text("utf-8-sig").splitlines())}


def test_completion_provisional_and_follow_up(cohort_course, tmp_path):
    from openpyxl import load_workbook

    out = tmp_path / "out"
    assert cli.main(["report", "a1", "--course-root", str(cohort_course), "--out", str(out)]) == 0
    rows = _rows(out / "grades.csv")
    assert {k: r["修了"] for k, r in rows.items()} == {
        "s1": "修了", "s2": "保留（採点待ち）", "s3": "未修了", "s4": "未修了",
        "s5": "保留（採点待ち）", "absent": "未修了",
    }  # fmt: skip
    assert rows["s2"]["得点の状態"] == "暫定（採点待ち 1問）"
    assert rows["s1"]["得点の状態"] == "確定" and rows["absent"]["得点の状態"] == ""
    assert rows["s1"]["状態"] == "採点済み"  # still the last column

    book = load_workbook(out / "grades.xlsx")
    follow = {r[0]: r[4] for r in book["要フォロー"].iter_rows(min_row=2, values_only=True)}
    assert set(follow) == {"s2", "s4", "s5", "absent"}
    assert follow["absent"] == "未提出"
    assert "0点" in follow["s4"] and "タイムアウト" in follow["s4"]
    assert follow["s2"] == "記述式の採点待ち 1問"
    questions = {r[2]: r for r in book["問題別"].iter_rows(min_row=2, values_only=True)}
    assert questions["w1"][10] == 2 and questions["q1"][10] == 0  # 採点待ち人数

    page = (out / "report.html").read_text(encoding="utf-8")
    assert "採点待ち 2人" in page
    assert "平均点 / 中央値 / 標準偏差（暫定）" in page
    assert "要フォロー（4人）" in page
    # untried exercises are listed apart from the real mistakes
    mistakes, untried = page.split("<h2>未回答（変数がまだありません）</h2>")
    assert MISTAKE in mistakes and UNTRIED not in mistakes.split("よく表示されたヒント")[1]
    assert UNTRIED in untried.split("<h2>要フォロー")[0]
    cohort = report.load_cohort("a1", cohort_course)
    counts = {(h.grade_id, h.message): h.count for h in cohort.hints}
    # s3 made the mistake twice (q1, q3); s4's ❌ after its timeout are not counted
    assert counts == {("q1", MISTAKE): 1, ("q3", MISTAKE): 1, ("q2", UNTRIED): 1}
    assert [h.grade_id for h in cohort.unattempted] == ["q2"]


def test_written_question_waiting_shows_no_statistics(cohort_course, tmp_path):
    out = tmp_path / "out"
    report.write_report("a1", out, cohort_course)
    page = (out / "report.html").read_text(encoding="utf-8")
    row = page.split('<span class="label">w1</span>')[1].split("</tr>")[0]
    assert "採点待ち 2人" in row
    assert "0.00" not in row and "識別力なし" not in row and "%" not in row
    # negative control: a question with every answer graded keeps its statistics
    q1 = page.split('<span class="label">q1</span>')[1].split("</tr>")[0]
    assert "60.0%" in q1 and "採点待ち" not in q1


def test_completion_rule_is_configurable(cohort_course, tmp_path, capsys):
    out = tmp_path / "out"
    args = ["report", "a1", "--course-root", str(cohort_course), "--out", str(out)]
    assert cli.main([*args, "--pass-percent", "50", "--pass-without-written"]) == 0
    rows = _rows(out / "grades.csv")
    assert rows["s3"]["修了"] == "修了"  # 50 % meets 50 %
    assert rows["s5"]["修了"] == "修了"  # written answers need not be graded
    assert rows["s4"]["修了"] == "未修了"
    assert cli.main([*args, "--pass-percent", "150"]) == 2
    assert "0〜100 %" in capsys.readouterr().err
