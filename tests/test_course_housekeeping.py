"""Housekeeping the issue-15 review asked for, kept true by a check over every unit.

- exercise and written-answer numbers are not repeated inside a unit (11 once had two
  「演習5」), so a learner, a grader and a hint all mean the same cell;
- the submit instruction uses the menu the はじめに notebook teaches
  (「Nbgrader」→「Assignment List」), never an 「Assignments 画面」 that does not exist;
- the one real dataset taken from a prefectural publication (`dx_indicators`) either names
  its publication or says plainly that it cannot, as a course for public servants must.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import cache
from pathlib import Path

import nbformat
import pytest

from workbench import course
from workbench.paths import learner_files

ROOT = Path(__file__).resolve().parents[1]
# "### 演習5（3点）", "### 記述1（2点・講師が採点）", "### 演習7b（1点）", "### 演習8の2:" —
# but not a sub-heading such as "#### 演習10で使う道具".
EXERCISE = re.compile(r"^#{2,4}\s*(演習|記述)\s*(\d+[a-z]?(?:の\d+)?)(?=[（(:：\s])", re.M)
SUBMIT_MENU = "「Nbgrader」→「Assignment List」"
WRONG_MENU = re.compile(r"Assignments\s*(画面|タブ|ページ)")


def exercise_numbers(sources: list[str]) -> Counter:
    return Counter(f"{kind}{number}" for text in sources for kind, number in EXERCISE.findall(text))


@cache
def markdown_sources(unit: str) -> tuple[str, ...]:
    return tuple(
        cell.source
        for path in course.notebooks(unit)
        for cell in nbformat.read(path, as_version=4).cells
        if cell.cell_type == "markdown"
    )


@pytest.mark.parametrize("unit", course.units())
def test_no_exercise_number_is_used_twice_in_a_unit(unit):
    repeated = [name for name, n in exercise_numbers(markdown_sources(unit)).items() if n > 1]
    assert repeated == [], f"{unit}: {repeated}"


def test_exercise_number_check_bites_on_a_repeated_heading():
    two_fives = ["### 演習5（3点）: 推移", "### 演習5（2点・講師が採点）: 報告"]
    assert exercise_numbers(two_fives)["演習5"] == 2
    assert exercise_numbers(["#### 演習10で使う道具", "### 演習10（3点）: 関数"])["演習10"] == 1
    assert exercise_numbers(["### 演習8の2: 例", "### 記述1（2点）"]) == Counter(
        {"演習8の2": 1, "記述1": 1}
    )


@pytest.mark.parametrize("unit", course.units())
def test_submit_instructions_name_the_menu_that_exists(unit):
    texts = markdown_sources(unit)
    assert not [t for t in texts if WRONG_MENU.search(t)], unit
    # The unit's last notebook tells the learner how to submit, with the real menu.
    last = nbformat.read(course.notebooks(unit)[-1], as_version=4)
    closing = "\n".join(c.source for c in last.cells[-3:] if c.cell_type == "markdown")
    assert SUBMIT_MENU in closing, unit


def test_the_introduction_teaches_the_same_submit_menu():
    intro = nbformat.read(learner_files() / "00_はじめに.ipynb", as_version=4)
    text = "\n".join(cell.source for cell in intro.cells)
    assert "Nbgrader" in text and "Assignment List" in text
    assert not WRONG_MENU.search(text)


def test_wrong_menu_check_bites():
    assert WRONG_MENU.search("保存してから Assignments 画面で Submit を押してください")
    assert WRONG_MENU.search("Assignmentsタブを開きます")
    assert not WRONG_MENU.search(f"メニューの {SUBMIT_MENU} で Submit")


def test_dx_indicators_card_names_its_source_or_says_it_cannot():
    card = (ROOT / "datasets" / "dx_indicators" / "README.md").read_text(encoding="utf-8")
    section = card.split("## 出典", 1)[1].split("\n## ", 1)[0]
    named = re.search(r"『.+?』", section) and re.search(r"(令和|平成)\d+年", section)
    unconfirmed = re.compile(r"未確認|確認できて(い)?ません")
    honest = unconfirmed.search(section) and "引用しないでください" in section
    assert named or honest
    # The kind line at the top must agree with what the 出典 section can show.
    kind = card.splitlines()[2]
    assert bool(unconfirmed.search(kind)) == (not named)
    # Both units that load it tell the learner where its source stands.
    for unit in ("01_excel_basics", "14_case_dx_monitoring"):
        text = "\n".join(markdown_sources(unit))
        assert "dx_indicators" in text and "出典" in text and unconfirmed.search(text), unit
