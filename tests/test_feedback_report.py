"""Feedback pages never reveal hidden tests; the cohort report's numbers are right.

The end-to-end tests grade four submissions of unit 01 with real ``nbgrader autograde``
(solution, blank, wrong answers, and a hostile learner who tries to print the hidden
tests and to inject a script) and then run ``python -m workbench feedback`` / ``report``.
The item statistics are checked against a hand computation on a small gradebook built
directly with nbgrader's API.
"""

from __future__ import annotations

import csv
import json
import math
import os
import re
import stat
import statistics
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pytest
from harness import (
    HIDDEN_BEGIN,
    HIDDEN_END,
    answered,
    cells_by_id,
    make_course,
    nbgrader,
    notebook_holding,
    solution_code,
    submit,
)

from workbench import cli, course
from workbench.grading import feedback, feedback_page, hidden_tests, report

UNIT = "01_excel_basics"
# Unit 01 is in parts, found by content (not by name): the part with exercises 1-5 and
# the part with written exercise 10.
NOTEBOOK = notebook_holding(UNIT, "ex5").stem
NOTEBOOK_B = notebook_holding(UNIT, "ex10_written").stem
assert NOTEBOOK != NOTEBOOK_B, "these tests submit the two parts separately"

WRONG = {
    # visible check fails: the learner must see this hint
    "ex2": 'libraries = usage[usage["種別"] == "図書館"]\n'
    'top_libraries = libraries[["年月", "施設名", "利用者数"]].sort_values("利用者数").head(5)',
    # visible checks pass, the hidden test fails: only the generic message may show
    "ex4": 'revenue_by_city = (usage.groupby("市町村")["使用料収入"].sum() * 1.0001)'
    ".sort_values(ascending=False)",
}
SCRIPT = "<script>alert('xss')</script>"
# Runs after ex2_test, whose hidden part left its exact top 5 in the namespace.
PRINT_EXPECTED = '\nprint(globals()["_exp" + "ected"])\nprint(In)'
# Reads the hidden tests from the gradebook next to the course (no sandbox in nbgrader).
READ_GRADEBOOK = (
    '\ndb = open("../../../gradebook.db", "rb").read().decode("utf-8", "replace")\n'
    'at = db.find("BEGIN " + "HIDDEN")\n'
    "print(db[at - 20 : at + 600])"
)
COMMENT = "数値の根拠が明確です。<b>欠損</b>への言及も良い。"


@dataclass
class Graded:
    root: Path
    sources: list[nbformat.NotebookNode]  # both parts
    out: Path


def _set_written(notebook, text: str):
    cells_by_id(notebook)["ex10_written"].source = text
    return notebook


def _solution_code(source, grade_id: str) -> str:
    return solution_code(cells_by_id(source)[grade_id])


@pytest.fixture(scope="module")
def graded(tmp_path_factory) -> Graded:
    tmp = tmp_path_factory.mktemp("feedback")
    root = make_course(tmp)
    nbgrader(root, "generate_assignment", UNIT, "--force")
    path, path_b = (
        next(p for p in course.notebooks(UNIT) if p.stem == name) for name in (NOTEBOOK, NOTEBOOK_B)
    )
    source, source_b = (nbformat.read(p, as_version=4) for p in (path, path_b))
    released, released_b = (
        nbformat.read(root / "release" / UNIT / p.name, as_version=4) for p in (path, path_b)
    )
    written = cells_by_id(source_b)["ex10_written"].source
    solved_b = answered(released_b, source_b)

    submit(root, "solution", UNIT, path.name, answered(released, source))
    submit(root, "solution", UNIT, path_b.name, _set_written(nbformat.from_dict(solved_b), written))
    # what `nbgrader collect` leaves next to a submission; release_feedback needs it
    (root / "submitted" / "solution" / UNIT / "submission_secret.txt").write_text("s3cret")
    submit(root, "blank", UNIT, path.name, released)
    submit(root, "blank", UNIT, path_b.name, released_b)
    submit(root, "wrong", UNIT, path.name, answered(released, source, WRONG))
    submit(root, "wrong", UNIT, path_b.name, solved_b)
    hostile = answered(
        released,
        source,
        {
            "ex3": _solution_code(source, "ex3") + PRINT_EXPECTED,
            "ex5": _solution_code(source, "ex5") + READ_GRADEBOOK,
        },
    )
    submit(root, "hostile", UNIT, path.name, hostile)
    hostile_b = _set_written(nbformat.from_dict(solved_b), f"{SCRIPT} 利用者数は図書館が最多。")
    submit(root, "hostile", UNIT, path_b.name, hostile_b)
    nbgrader(root, "autograde", UNIT, "--force")

    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{root / 'gradebook.db'}", course_id="data_literacy") as gb:
        gb.update_or_create_student("solution", last_name="県庁", first_name="太郎")
        gb.add_student("absent", last_name="未提出", first_name="花子")
        grade = gb.find_grade("ex10_written", NOTEBOOK_B, UNIT, "solution")
        grade.manual_score = 2.0
        comment = gb.find_comment("ex10_written", NOTEBOOK_B, UNIT, "solution")
        comment.manual_comment = COMMENT
        gb.db.commit()

    # What `python -m workbench grade` writes when a submission timed out.
    blank = root / "autograded" / "blank" / UNIT / f"{NOTEBOOK}.ipynb"
    os.chmod(blank, stat.S_IRUSR | stat.S_IWUSR)
    notebook = json.loads(blank.read_text(encoding="utf-8"))
    note = nbformat.v4.new_markdown_cell(
        "## ⚠ 採点メモ\n\n- **タイムアウト**: 実行時間の上限を超えたため、実行を打ち切りました。"
    )
    note.metadata["workbench"] = {"grader_note": True, "faults": ["timeout"]}
    notebook["cells"].insert(0, json.loads(json.dumps(note)))
    blank.write_text(json.dumps(notebook, ensure_ascii=False), encoding="utf-8")

    assert cli.main(["feedback", UNIT, "--course-root", str(root)]) == 0
    out = tmp / "report"
    assert cli.main(["report", UNIT, "--course-root", str(root), "--out", str(out)]) == 0
    return Graded(root, [source, source_b], out)


def _page(graded: Graded, student: str, notebook: str | None = None) -> str:
    """One part's feedback page, or both parts' pages one after the other."""
    folder = graded.root / "feedback" / student / UNIT
    names = [notebook] if notebook else [NOTEBOOK, NOTEBOOK_B]
    return "".join((folder / f"{name}.html").read_text(encoding="utf-8") for name in names)


def _hidden_sources(sources) -> list[str]:
    hidden = []
    for cell in (cell for source in sources for cell in source.cells):
        if HIDDEN_BEGIN in cell.source:
            hidden.append(cell.source.split(HIDDEN_BEGIN)[1].split(HIDDEN_END)[0])
    return hidden


STUDENTS = ["solution", "blank", "wrong", "hostile"]


# ---------------------------------------------------------------------------------------
# Feedback (end to end)
# ---------------------------------------------------------------------------------------


@pytest.mark.slow
def test_feedback_in_nbgrader_layout_for_each_submission(graded):
    for student in STUDENTS:
        folder = graded.root / "feedback" / student / UNIT
        assert (folder / f"{NOTEBOOK}.html").is_file()
        assert (folder / f"{NOTEBOOK_B}.html").is_file()
        assert (folder / "timestamp.txt").is_file()  # release_feedback needs it
    assert not (graded.root / "feedback" / "absent").exists()


@pytest.mark.slow
def test_feedback_never_shows_hidden_tests(graded):
    secret_lines = [
        line.strip()
        for hidden in _hidden_sources(graded.sources)
        for line in hidden.splitlines()
        if len(line.strip()) > 20
    ]
    assert secret_lines
    for student in STUDENTS:
        page = _page(graded, student)
        for marker in ("BEGIN HIDDEN TESTS", "END HIDDEN TESTS", "csv.DictReader", "_expected"):
            assert marker not in page, f"{student}: {marker}"
        leaked = [line for line in secret_lines if line in page]
        assert not leaked, f"{student} leaks {leaked}"
        # messages raised inside hidden parts
        assert "市町村別の合計金額が正しくありません" not in page
        assert "上位5件の中身が正しくありません" not in page
        assert "Traceback" not in page and "checks.py" not in page


@pytest.mark.slow
def test_feedback_never_shows_expected_values(graded):
    import pandas as pd

    from workbench import datasets

    usage = pd.read_csv(datasets.path("facility_usage"), encoding="cp932")
    top = usage[usage["種別"] == "図書館"].nlargest(1, "利用者数").iloc[0]
    revenue = usage.groupby("市町村")["使用料収入"].sum().max()
    expected = [
        str(int(usage["利用者数"].sum())),
        str(int(top["利用者数"])),
        str(int(revenue)),
        f"{usage['利用者数'].mean():.4f}"[:6],
    ]
    blank = _page(graded, "blank")
    assert not [value for value in expected if value in blank]
    # The hostile learner printed the hidden test's exact top 5; it must not come back.
    hostile = _page(graded, "hostile")
    assert f"({int(top['利用者数'])}, &#39;{top['施設名']}&#39;" not in hostile
    assert f"({int(top['利用者数'])}, '{top['施設名']}'" not in hostile
    assert hostile.count(feedback_page.WITHHELD) >= 2


@pytest.mark.slow
def test_feedback_shows_hints_and_outcomes(graded):
    solution = _page(graded, "solution")
    assert "✅ 演習1: 施設の利用実績を読み込めました" in solution
    for part in (NOTEBOOK, NOTEBOOK_B):  # each part's answers, up to the written one
        answers = _page(graded, "solution", part).split("あなたの解答と確認結果")[1]
        assert "❌" not in answers.split("演習10")[0].split("このページには")[0]
    wrong = _page(graded, "wrong")
    assert "ascending=False を指定しましたか？" in wrong
    assert hidden_tests.GENERIC_HIDDEN in wrong
    blank = _page(graded, "blank")
    assert "❌ 変数 usage がまだありません" in blank
    assert "NotImplementedError" in blank  # the learner's own error, without traceback


@pytest.mark.slow
def test_feedback_scores_manual_grade_and_grader_note(graded):
    solution = _page(graded, "solution")
    # The unit's total (17 automatic + 2 of 3 by hand), shown on each part's page.
    assert re.search(r"課題全体:\s*19\s*/\s*20 点", solution)
    assert "県庁 太郎" in solution
    assert "講師のコメント" in solution
    assert "&lt;b&gt;欠損&lt;/b&gt;" in solution and "<b>欠損</b>" not in solution
    hostile = _page(graded, "hostile")
    assert "講師の採点待ち" in hostile
    blank = _page(graded, "blank")
    assert "採点時の注意" in blank and "タイムアウト" in blank
    assert "採点メモ" in blank


@pytest.mark.slow
def test_feedback_escapes_hostile_content(graded):
    hostile = _page(graded, "hostile")
    assert SCRIPT not in hostile
    assert "&lt;script&gt;alert(&#39;xss&#39;)&lt;/script&gt;" in hostile
    assert "<script" not in hostile.lower()
    assert not re.search(r"""(src|href)=["'](?!data:image/)""", hostile)  # no external assets


@pytest.mark.slow
def test_nbgrader_release_feedback_delivers_the_page(graded):
    from nbgrader.utils import notebook_hash

    exchange = graded.root / "exchange"
    exchange.mkdir(exist_ok=True)
    exchange.chmod(0o777)  # nbgrader refuses an exchange that is not world-writable
    nbgrader(graded.root, "release_feedback", UNIT, "--student", "solution")
    released = (
        exchange
        / "data_literacy"
        / "feedback"
        / (notebook_hash(secret="s3cret", notebook_id=NOTEBOOK) + ".html")
    )
    assert released.read_text(encoding="utf-8") == _page(graded, "solution", NOTEBOOK)


@pytest.mark.slow
def test_feedback_for_selected_student_and_errors(graded, capsys):
    summary = feedback.generate(UNIT, ["wrong", "nobody"], graded.root)
    assert {w.student for w in summary.written} == {"wrong"}
    assert len(summary.written) == len(course.notebooks(UNIT))  # one page per part
    assert summary.missing == ["nobody"]
    assert cli.main(["feedback", "99_missing", "--course-root", str(graded.root)]) == 2
    assert "課題「99_missing」は gradebook にありません" in capsys.readouterr().err


# ---------------------------------------------------------------------------------------
# Report (end to end)
# ---------------------------------------------------------------------------------------

EXPECTED_TOTALS = {"solution": 19.0, "blank": 0.0, "wrong": 13.0, "hostile": 17.0}


@pytest.mark.slow
def test_grades_csv_has_bom_and_right_totals(graded):
    raw = (graded.out / "grades.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(raw.decode("utf-8-sig").splitlines()))
    by_id = {row["職員ID"]: row for row in rows}
    assert set(by_id) == set(EXPECTED_TOTALS) | {"absent"}
    for student, total in EXPECTED_TOTALS.items():
        assert float(by_id[student]["得点"]) == total
        assert float(by_id[student]["満点"]) == 20
        assert by_id[student]["得点率"] == f"{total / 20:.1%}"
    assert by_id["solution"]["氏名"] == "県庁 太郎"
    assert by_id["solution"][f"演習10（{NOTEBOOK_B}:ex10_written）"] == "2"
    assert by_id["wrong"][f"演習2（{NOTEBOOK}:ex2_test）"] == "0"
    assert by_id["absent"]["状態"] == "未提出" and by_id["absent"]["得点"] == ""
    assert by_id["hostile"]["状態"] == "手採点待ち"
    assert by_id["hostile"][f"演習10（{NOTEBOOK_B}:ex10_written）"] == ""
    assert by_id["blank"]["状態"].startswith("要確認（タイムアウト")
    assert by_id["solution"]["状態"] == "採点済み"
    assert by_id["solution"]["提出日時"] == "2024-04-01 18:00:00"  # 09:00 UTC in Japan time


@pytest.mark.slow
def test_grades_xlsx_matches(graded):
    from openpyxl import load_workbook

    sheet = load_workbook(graded.out / "grades.xlsx")["成績"]
    rows = list(sheet.iter_rows(values_only=True))
    header = list(rows[0])
    assert header[:6] == ["職員ID", "氏名", "提出日時", "得点", "満点", "得点率"]
    assert header[-1] == "状態"
    by_id = {row[0]: dict(zip(header, row, strict=True)) for row in rows[1:]}
    for student, total in EXPECTED_TOTALS.items():
        assert by_id[student]["得点"] == total
        assert by_id[student]["得点率"] == pytest.approx(total / 20)
    assert by_id["absent"]["得点"] is None


@pytest.mark.slow
def test_report_item_statistics_match_the_grades(graded):
    rows = list(csv.DictReader((graded.out / "grades.csv").read_text("utf-8-sig").splitlines()))
    submitted = [row for row in rows if row["状態"] != "未提出"]
    column = f"演習2（{NOTEBOOK}:ex2_test）"
    item = [float(row[column]) for row in submitted]
    rest = [float(row["得点"]) - x for row, x in zip(submitted, item, strict=True)]
    cohort = report.load_cohort(UNIT, graded.root)
    stats = report.item_statistics(cohort.score_matrix(), [i.max_score for i in cohort.items])
    row = stats.loc[(NOTEBOOK, "ex2_test")]
    assert row["difficulty"] == pytest.approx(sum(item) / len(item) / 2)
    assert row["discrimination"] == pytest.approx(statistics.correlation(item, rest))


@pytest.mark.slow
def test_report_html(graded):
    page = (graded.out / "report.html").read_text(encoding="utf-8")
    assert page.count('src="data:image/png;base64,') == 3
    for text in ("得点分布", "提出状況", "正答率", "識別力", "未提出"):
        assert text in page
    assert "ascending=False を指定しましたか？" in page  # a common hint, counted
    assert "<script" not in page.lower()


# ---------------------------------------------------------------------------------------
# Hand computation on a small gradebook (fast)
# ---------------------------------------------------------------------------------------

#: student: (q1 of 1, q2 of 2, q3 of 3, written of 2 or None = not graded yet)
SMALL = {
    "s1": (1, 2, 3, 2),
    "s2": (1, 0, 3, None),
    "s3": (0, 2, 1, 1),
    "s4": (0, 0, 0, 0),
}


@pytest.fixture
def small_course(tmp_path, monkeypatch) -> Path:
    from nbgrader.api import Gradebook

    # A new gradebook runs `alembic`, found next to the interpreter (venv not activated).
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
        for student, scores in SMALL.items():
            gb.add_student(student)
            gb.add_submission("a1", student)
            for name, score in zip(("q1", "q2", "q3"), scores, strict=False):
                grade = gb.find_grade(name, "nb", "a1", student)
                grade.auto_score, grade.needs_manual_grade = float(score), False
            grade = gb.find_grade("w1", "nb", "a1", student)
            grade.needs_manual_grade = scores[3] is None
            grade.manual_score = None if scores[3] is None else float(scores[3])
        gb.db.commit()
    return root


def test_item_statistics_by_hand():
    import pandas as pd

    scores = pd.DataFrame(
        [list(v) for v in SMALL.values()], columns=["q1", "q2", "q3", "w1"], dtype="float64"
    )
    stats = report.item_statistics(scores, [1, 2, 3, 2])
    # totals 8, 4, 4, 0 (s2's pending written answer adds nothing)
    # q1: x = 1,1,0,0; rest = total − x = 7,3,4,0; dx = ±0.5; dr = 3.5,−0.5,0.5,−3.5
    # Σdx·dr = 3, Σdx² = 1, Σdr² = 25  →  r = 3 / √25 = 0.6
    assert stats.loc["q1", "difficulty"] == pytest.approx(0.5)
    assert stats.loc["q1", "discrimination"] == pytest.approx(0.6)
    assert stats.loc["q3", "difficulty"] == pytest.approx(7 / 12)
    assert stats.loc["q3", "discrimination"] == pytest.approx(
        statistics.correlation([3, 3, 1, 0], [5, 1, 3, 0])
    )
    # the written answer: only s1, s3, s4 are graded
    assert stats.loc["w1", "n"] == 3
    assert stats.loc["w1", "difficulty"] == pytest.approx((1 + 0.5 + 0) / 3)
    assert stats.loc["w1", "discrimination"] == pytest.approx(
        statistics.correlation([2, 1, 0], [6, 3, 0])
    )


def test_constant_item_has_no_discrimination():
    import pandas as pd

    stats = report.item_statistics(pd.DataFrame({"a": [1.0, 1.0], "b": [0.0, 2.0]}), [1, 2])
    assert math.isnan(stats.loc["a", "discrimination"])
    assert stats.loc["a", "difficulty"] == 1.0


@pytest.mark.filterwarnings("ignore::sqlalchemy.exc.SAWarning")  # nbgrader
@pytest.mark.slow  # nbgrader builds the small course
def test_feedback_without_autograded_notebook(small_course):
    summary = feedback.generate("a1", ["s1"], small_course)
    page = summary.written[0].path.read_text(encoding="utf-8")
    assert "採点済みのノートブックが見つかりません" in page
    assert re.search(r"8\s*<small>/\s*8 点", page)
    assert summary.written[0].problem


@pytest.mark.filterwarnings("ignore::sqlalchemy.exc.SAWarning")  # nbgrader
@pytest.mark.slow  # nbgrader builds the small course
def test_report_on_small_gradebook(small_course, tmp_path):
    from openpyxl import load_workbook

    summary = report.write_report("a1", tmp_path / "out", small_course)
    assert (summary.students, summary.submitted) == (5, 4)
    rows = {r["職員ID"]: r for r in csv.DictReader(summary.csv.read_text("utf-8-sig").splitlines())}
    assert rows["s1"]["得点"] == "8" and rows["s1"]["満点"] == "8"
    assert rows["s2"]["得点"] == "4" and rows["s2"]["w1"] == ""
    assert rows["absent"]["状態"] == "未提出"
    questions = load_workbook(summary.xlsx)["問題別"]
    table = {row[2]: row for row in questions.iter_rows(min_row=2, values_only=True)}
    assert table["q1"][8] == pytest.approx(0.5)
    assert table["q1"][9] == pytest.approx(0.6)
    assert table["q2"][9] == pytest.approx(statistics.correlation([2, 0, 2, 0], [6, 4, 2, 0]))
    assert table["w1"][6] == 3 and table["w1"][8] == pytest.approx(0.5)


# ---------------------------------------------------------------------------------------
# Hidden-test guard (fast)
# ---------------------------------------------------------------------------------------

TEST_CELL = """# 確認セル
checks.expect(len(result) == 3, "result は3行のはずです。")
checks.passed("演習: できました")
### BEGIN HIDDEN TESTS
_answer = sorted(secret_rows)[:3]
checks.expect(list(result) == _answer, "中身が正しくありません（隠し）。")
checks.close(total, 1234567, "合計が違います。")
### END HIDDEN TESTS"""


def _error(line: int, message: str, count: int = 7) -> dict:
    return {
        "output_type": "error",
        "ename": "CheckFailed",
        "evalue": message,
        "traceback": [f"\x1b[36mCell\x1b[39m In[{count}], line {line}\n---> {line} ...", "x"],
    }


def _cell(*outputs, count: int = 7) -> dict:
    return {"cell_type": "code", "source": TEST_CELL, "execution_count": count,
            "outputs": list(outputs), "metadata": {}}  # fmt: skip


def test_split_hidden_matches_nbgrader():
    test = hidden_tests.split_hidden(TEST_CELL)
    assert "BEGIN" not in test.visible and "_answer" not in test.visible
    assert test.visible.endswith('checks.passed("演習: できました")')
    assert test.hidden_lines == frozenset({4, 5, 6, 7, 8})


def test_failure_location():
    test = hidden_tests.split_hidden(TEST_CELL)
    guard = hidden_tests.HiddenTestGuard([(TEST_CELL, test)], test.visible)
    visible = hidden_tests.failure_of(_cell(_error(2, "❌ result は3行のはずです。")), test)
    assert visible.where == "visible"
    assert hidden_tests.learner_message(visible, guard) == "❌ result は3行のはずです。"
    hidden = hidden_tests.failure_of(_cell(_error(6, "❌ 中身が正しくありません（隠し）。")), test)
    assert hidden.where == "hidden"
    assert "隠し" not in hidden_tests.learner_message(hidden, guard)
    # a frame of another cell (a learner's function) does not count
    other = hidden_tests.failure_of(_cell(_error(6, "❌ x", count=3)), test)
    assert other.where == "unknown"
    # no traceback, but the visible checks printed their ✅: the hidden part failed
    printed = {"output_type": "stream", "name": "stdout", "text": "✅ 演習: できました\n"}
    bare = dict(_error(6, "❌ 中身"), traceback=[])
    assert hidden_tests.failure_of(_cell(printed, bare), test).where == "hidden"
    # a visible message that quotes hidden material is replaced
    quoting = hidden_tests.failure_of(_cell(_error(2, "❌ 中身が正しくありません（隠し）。")), test)
    assert hidden_tests.learner_message(quoting, guard) == f"❌ {hidden_tests.GENERIC_UNKNOWN}"
    grader = hidden_tests.failure_of(
        _cell({"output_type": "error", "ename": "タイムアウト", "evalue": "x", "traceback": []}),
        test,
    )
    assert grader.where == "grader"
    assert "タイムアウト" in hidden_tests.learner_message(grader, guard)


def test_guard_recognises_hidden_material():
    test = hidden_tests.split_hidden(TEST_CELL)
    guard = hidden_tests.HiddenTestGuard([(TEST_CELL, test)], test.visible)
    assert guard.leaks("x = ['_answer = sorted(secret_rows)[:3]']")
    assert guard.leaks("合計: 1234567")
    assert guard.leaks("{'_answer': [1, 2, 3]}")
    assert not guard.leaks("result は3行のはずです。 1234")
    assert guard.reaches_grader_state("print(_answer)")
    assert guard.reaches_grader_state("print(In[-1])")
    assert guard.reaches_grader_state("import IPython\nIPython.get_ipython().ev('x')")
    assert guard.reaches_grader_state("%history")
    assert not guard.reaches_grader_state('df.eval("a + b")\nresult = df.head(3)')
    outputs = feedback_page.safe_outputs(
        [
            {"output_type": "display_data", "data": {"text/html": SCRIPT}},
            {"output_type": "stream", "name": "stdout", "text": "_answer = sorted(secret_rows)"},
            {"output_type": "display_data", "data": {"image/png": "not base64 ' onerror=x"}},
        ],
        guard,
    )
    assert [o.kind for o in outputs] == ["note", "note", "note"]
