"""One glossary (用語集) defines CI, p-value and R²; every unit links to it; learners get it."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

from workbench import course, lab
from workbench.paths import learner_files

GLOSSARY = Path(str(learner_files() / "用語集.ipynb"))


def glossary_text() -> str:
    return "\n".join(cell.source for cell in nbformat.read(GLOSSARY, as_version=4).cells)


def test_glossary_is_a_learner_file_copied_to_the_workspace(tmp_path):
    copied = lab.copy_learner_files(tmp_path)
    assert tmp_path / "用語集.ipynb" in copied


@pytest.mark.parametrize(
    "term", ["### 95%信頼区間", "### p値", "### 決定係数 R²", "### NSE", "### 予測区間", "### 秘匿"]
)
def test_glossary_defines_each_term_once(term):
    assert glossary_text().count(term) == 1


def test_glossary_rules_out_the_probability_reading_of_a_confidence_interval():
    text = glossary_text()
    ci = text.split("### 95%信頼区間")[1].split("\n### ")[0]
    assert "言ってはいけないこと" in ci and "95%の確率でこの中にある" in ci


@pytest.mark.parametrize("unit", course.units())
def test_every_unit_links_to_the_glossary_from_its_first_cell(unit):
    for path in course.notebooks(unit):
        first = nbformat.read(path, as_version=4).cells[0].source
        # Released units sit in workspace/UNIT/, the glossary in workspace/.
        assert "](../用語集.ipynb)" in first, path.name


BANNED = [
    # the probability reading the glossary rules out, as units used to phrase it
    re.compile(r"本当の(係数|陽性率|値)がありそう"),
    re.compile(r"R²（相関係数の2乗）"),
]


@pytest.mark.parametrize("unit", course.units())
def test_units_do_not_use_the_wordings_the_glossary_rules_out(unit):
    for path in course.notebooks(unit):
        text = "\n".join(cell.source for cell in nbformat.read(path, as_version=4).cells)
        # Rubrics quote the wrong wordings as mistakes to look for; learners never see them.
        text = re.sub(
            r"<!-- BEGIN MARK SCHEME -->.*?<!-- END MARK SCHEME -->", "", text, flags=re.S
        )
        for pattern in BANNED:
            assert not pattern.search(text), f"{path.name}: {pattern.pattern}"
