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
    re.compile(r"本当の(係数|陽性率|値|効果|平均)[^。」]{0,20}ありそう"),
    # R² is 1 − 残差平方和/全平方和 (用語集); the squared correlation is Excel's RSQ, not R²
    re.compile(r"R²[（(]相関係数の2乗|相関係数の2乗[（(](決定係数|R²)"),
    # a prediction interval in the glossary's words: 次の1件の約95%が入る, not a probability
    re.compile(r"95%の確率で(入る|収まる)範囲"),
]
# Phrasings the review found in the units, one per pattern: the check must catch each.
FOUND_IN_REVIEW = [
    "本当の係数がありそうな範囲",
    "本当の陽性率はこのくらいの範囲にありそう",
    "R²（相関係数の2乗）",
    "相関係数の2乗（決定係数 R²）を計算していませんか？",
    "1つの施設の実績が95%の確率で入る範囲（予測区間）",
]
ALLOWED = [
    "「本当の値が95%の確率でこの中にある」という意味ではありません",
    "`=RSQ(yの範囲, xの範囲)`（相関係数の2乗。単回帰のときだけ R² と同じ値）",
    "実測と予測の相関係数の2乗（Excel の `RSQ`）",
    "施設1件の実績の約95%が収まる範囲（95%予測区間）",
]


def test_banned_wordings_catch_what_the_review_found_and_spare_the_glossary_wording():
    for phrase in FOUND_IN_REVIEW:
        assert any(p.search(phrase) for p in BANNED), phrase
    for phrase in ALLOWED:
        assert not any(p.search(phrase) for p in BANNED), phrase


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
