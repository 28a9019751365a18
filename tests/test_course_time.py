"""Honest time (issue #14): the estimator on hand-counted notebooks, then every course
notebook's stated 目安時間 against its estimate."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from workbench import course, course_time
from workbench.course_time import CourseTimeError, Estimate, NotebookTime
from workbench.paths import courses_dir

# Debt register (issue #14): units with a notebook whose estimate is over 65 minutes, to be
# split into parts of about an hour. A unit leaves this set when it is split; the ratchet
# test below fails while a listed unit no longer needs to be here.
NOT_YET_SPLIT: set[str] = set()
# Units being split on other branches (issue #14), whose helpers rewrite the header and so
# the 目安時間 too: their stated time is expected dishonest until those branches land. The
# xfail is strict, so an honest header fails here until the unit is removed from this set.
HEADER_FIXED_ON_ANOTHER_BRANCH: set[str] = set()
LIMIT_MINUTES = 65


def markdown(text: str, **grader) -> dict:
    cell = {"cell_type": "markdown", "metadata": {}, "source": text}
    if grader:
        cell["metadata"]["nbgrader"] = grader
    return cell


def code(text: str, **grader) -> dict:
    cell = {"cell_type": "code", "metadata": {}, "source": text, "outputs": []}
    if grader:
        cell["metadata"]["nbgrader"] = grader
    return cell


# --- the estimator on notebooks counted by hand ---------------------------------------


def test_prose_is_visible_characters_at_400_per_minute():
    # "見出し" 3 + "あ"×197 + "い"×200 = 400 characters; "##", "**", spaces and the blank
    # line are markup and layout.
    cell = markdown("## 見出し\n\n" + "あ" * 197 + " **" + "い" * 200 + "**")
    estimate = course_time.estimate_cells([cell])
    assert estimate == Estimate(prose_chars=400)
    assert estimate.minutes == 1.0


def test_markdown_syntax_is_not_read():
    text = (
        "| 列 | 意味 |\n|---|:---:|\n| `df` | 表 |\n\n"  # 列 意味 df 表 = 1+2+2+1
        "- [用語集](../用語集.ipynb#p値)\n"  # 用語集 = 3
        "1. $x$ と<br>y\n"  # x と y = 3
        "<!-- 作成者のメモ -->\n---\n"
    )
    assert course_time.prose_chars(text) == 12


def test_code_cells_count_characters_without_indentation():
    # "for x in range(3):" 18 + "print(x)" 8 (indentation not counted) + "# 例" 3 = 29
    cell = code("for x in range(3):\n    print(x)\n\n# 例\n")
    assert course_time.estimate_cells([cell]) == Estimate(code_chars=29)
    # 150 characters are one minute
    assert Estimate(code_chars=150).minutes == 1.0


def test_code_blocks_and_tracebacks_in_markdown_are_code():
    text = (
        "次のエラーが出ます。\n\n"  # 10 prose characters
        "```text\n"
        "NameError: name 'x' is not defined\n"  # 34
        "```\n"
        "> ```python\n"
        "> total = 1 + 2\n"  # 13, inside a quote
        "> ```\n"
    )
    assert course_time.estimate_cells([markdown(text)]) == Estimate(prose_chars=10, code_chars=47)


def test_exercises_checks_rubrics_and_answers():
    cells = [
        markdown("### 演習1（2点）\n" + "あ" * 400),  # statement: "演習1（2点）" 7 + 400
        code("### BEGIN SOLUTION\nanswer = 42\n### END SOLUTION", grade=False, solution=True),
        code(
            "checks.number(answer)\n### BEGIN HIDDEN TESTS\nassert answer == 42\n"
            "### END HIDDEN TESTS",
            grade=True,
            solution=False,
            points=2,
        ),
        markdown(
            "### 演習2（記述）\n2文で書いてください。\n<!-- BEGIN MARK SCHEME -->\n"
            + "採点基準" * 500
            + "\n<!-- END MARK SCHEME -->",
            grade=False,
            solution=False,
            locked=True,
        ),  # "演習2（記述）" 7 + "2文で書いてください。" 11
        markdown("（模範解答）" + "う" * 1000, grade=True, solution=True, points=2),
    ]
    estimate = course_time.estimate_cells(cells)
    assert estimate == Estimate(prose_chars=425, autograded=1, written=1)
    assert estimate.minutes == pytest.approx(425 / 400 + 6 + 10)


def test_negative_control_a_check_cell_read_as_example_code_would_count():
    # The same check cell without its nbgrader metadata is example code: the metadata,
    # not the text, decides (so a check cell is excluded because it is a check cell).
    check = "checks.number(answer)"
    assert course_time.estimate_cells([code(check)]) == Estimate(code_chars=len(check))
    assert course_time.estimate_cells([code(check, grade=True, solution=False)]) == Estimate(
        autograded=1
    )


@pytest.mark.parametrize(
    ("header", "minutes"),
    [
        ("# 単元04\n\n**目安時間: 100分**　｜　配点: 25点\n", 100),
        ("# 事例11: 豚熱（目安時間 120分・配点 26点）\n", 120),
        ("**目安時間：45 分**", 45),
    ],
)
def test_stated_time_formats_used_in_the_courses(header, minutes):
    assert course_time.stated_minutes([markdown(header), markdown("目安時間: 5分")]) == minutes


def test_missing_stated_time_is_a_japanese_error():
    with pytest.raises(CourseTimeError, match="目安時間がありません"):
        course_time.stated_minutes([markdown("# 単元\n\n配点: 20点（約50分）")], "x.ipynb")
    # only the header counts: a time further down is not the notebook's
    with pytest.raises(CourseTimeError, match="x.ipynb"):
        course_time.stated_minutes([markdown("# 単元"), markdown("目安時間: 50分")], "x.ipynb")


def test_unreadable_notebook_is_a_japanese_error(tmp_path):
    broken = tmp_path / "broken.ipynb"
    broken.write_text("{ not json", encoding="utf-8")
    with pytest.raises(CourseTimeError, match="ノートブックとして読めません"):
        course_time.notebook_time(broken)


def test_honest_is_within_1_3_times_both_ways():
    assert course_time.honest(130, 100)
    assert course_time.honest(100, 130)
    assert not course_time.honest(131, 100)  # overstated
    assert not course_time.honest(76, 100)  # understated: 100 / 1.3 = 76.9


def test_table_rows_and_all_staff_total():
    def item(name, stated, prose_chars):
        return NotebookTime(Path(name), stated, Estimate(prose_chars=prose_chars))

    # 40 min each (16,000 characters at 400/min); stated 40 + 45 + 50 + 55 + 60 = 250
    times = {
        unit: [item(f"{unit}.ipynb", 40 + 5 * i, 16_000)]
        for i, unit in enumerate(course_time.ALL_STAFF_PATH)
    }
    times["02_read_real_files"] = [item("02.ipynb", 30, 40_000)]  # 100 min, not on the path
    lines = course_time.table(times)
    assert len(lines) == 2 + 6 + 1
    row_02 = next(line for line in lines if "02.ipynb" in line)
    assert "| 30分 | 100.0分 | 0.30 |" in row_02 and "×" in row_02 and "65分超" in row_02
    assert "| 250分 | 200.0分 | 1.25 |" in lines[-1] and "全職員コース合計" in lines[-1]


def test_cli_prints_the_table(capsys):
    from workbench.cli import main

    assert main(["course", "times", "00_python_basics"]) == 0
    out = capsys.readouterr().out
    assert out.count("00_python_basics/00") == 4 and "全職員コース合計" not in out


def test_cli_unknown_unit_is_a_japanese_error(capsys):
    from workbench.cli import main

    assert main(["course", "times", "99_no_such_unit"]) == 2
    captured = capsys.readouterr()
    assert "単元「99_no_such_unit」が見つかりません" in captured.err and not captured.out


# --- every notebook of every unit ------------------------------------------------------


def _course_notebooks() -> list[tuple[str, Path]]:
    return [(unit, path) for unit in course.units() for path in course.notebooks(unit)]


@pytest.fixture(scope="module")
def times() -> dict[Path, NotebookTime]:
    return {path: course_time.notebook_time(path) for _, path in _course_notebooks()}


@pytest.mark.parametrize(
    ("unit", "path"),
    [
        pytest.param(
            unit,
            path,
            id=path.name,
            marks=[pytest.mark.xfail(strict=True, reason="issue #14: 別ブランチで分割中")]
            if unit in HEADER_FIXED_ON_ANOTHER_BRANCH
            else [],
        )
        for unit, path in _course_notebooks()
    ],
)
def test_stated_time_is_honest(unit, path, times):
    item = times[path]
    assert course_time.honest(item.stated, item.estimate.minutes), (
        f"{unit}/{path.name}: 目安時間 {item.stated}分 は見積り {item.estimate.minutes:.1f}分 の"
        f"1.3倍の範囲外です。{course_time.rounded_up(item.estimate.minutes)}分 にしてください"
        "（python -m workbench course times）。"
    )


@pytest.mark.parametrize("unit", sorted(set(course.units()) - NOT_YET_SPLIT))
def test_no_notebook_needs_more_than_about_an_hour(unit, times):
    long = {
        path.name: round(times[path].estimate.minutes, 1)
        for path in course.notebooks(unit)
        if times[path].estimate.minutes > LIMIT_MINUTES
    }
    assert not long, (
        f"{unit}: {LIMIT_MINUTES}分を超えるノートブック {long}。パートに分けてください。"
    )


@pytest.mark.parametrize("unit", sorted(NOT_YET_SPLIT))
def test_not_yet_split_lists_only_units_that_still_need_it(unit, times):
    assert unit in course.units(), f"NOT_YET_SPLIT の {unit} という単元はありません"
    longest = max(times[path].estimate.minutes for path in course.notebooks(unit))
    assert longest > LIMIT_MINUTES, (
        f"{unit} はどのノートブックも {LIMIT_MINUTES}分以内になりました"
        f"（最長 {longest:.1f}分）。NOT_YET_SPLIT から外してください。"
    )


def _path_table_rows() -> list[tuple[str, int]]:
    text = (courses_dir() / "README.md").read_text(encoding="utf-8")
    return [
        (found.group(1), int(found.group(2)))
        for found in re.finditer(
            r"^\|\s*\d+\s*\|\s*`([^`]+\.ipynb)`\s*\|[^|]*\|\s*(\d+)分", text, re.M
        )
    ]


def test_courses_readme_quotes_the_stated_times():
    rows = _path_table_rows()
    assert len(rows) >= len(course_time.ALL_STAFF_PATH)
    for name, minutes in rows:
        path = courses_dir() / name
        assert path.is_file(), f"courses/README.md の表の {name} がありません"
        stated = course_time.stated_minutes(json.loads(path.read_text(encoding="utf-8"))["cells"])
        assert minutes == stated, (
            f"courses/README.md: {name} は {minutes}分、ノートブックは {stated}分"
        )


def _readme_unit_rows() -> dict[str, int]:
    text = (courses_dir().parent / "README.md").read_text(encoding="utf-8")
    found = re.finditer(r"^\| (\d{2}_[a-z0-9_]+) [^|]*\|[^|]*\| (\d+)分", text, re.MULTILINE)
    return {match.group(1): int(match.group(2)) for match in found}


def test_readme_unit_table_quotes_each_units_stated_total(times):
    rows = _readme_unit_rows()
    assert set(rows) == set(course.units()), "README.md の単元表と courses/ の単元が違います"
    for unit, minutes in rows.items():
        stated = sum(times[path].stated for path in course.notebooks(unit))
        assert minutes == stated, (
            f"README.md: {unit} は {minutes}分、ノートブックの合計は {stated}分"
        )
