"""Written answers grouped for grading: identical, near-duplicate, unanswered; scores in
nbgrader's gradebook."""

from __future__ import annotations

import nbformat
import pytest
from harness import answered, cells_by_id, make_course, nbgrader, notebook_holding, submit
from nbgrader.api import Gradebook

from workbench.grading.written_groups import (
    UNANSWERED_COMMENT,
    Answer,
    WrittenAnswerError,
    apply_score,
    group_answers,
    is_unanswered,
    load_answers,
    normalise,
    score_unanswered,
)

LIBRARY = "図書館の利用者数が最も多く、年間約19万人です。"
ANSWERS = {
    "a01": LIBRARY,
    "a02": "図書館の利用者数が最も多く、年間約19万人です",  # no full stop
    "a03": "図書館の利用者数が 最も多く，年間約１９万人です．",  # 全角 digits, spaces, ．
    "a04": "図書館の利用者数が最も多く、年間およそ19万人です。",  # reworded: near-duplicate
    "a05": "体育館の使用料収入が最も多い。",  # a different (wrong) point
    "a06": "一部の月が集計中で空欄のため、合計は実際より少なく見えています。",
    "a07": "",
    "a08": "ここに回答を書いてください。",  # the placeholder, untouched
    "a09": "  ここに回答を書いてください。\n",
}


def _answers(texts=ANSWERS):
    return [Answer(student, text, None) for student, text in texts.items()]


def test_normalise_folds_width_spaces_and_punctuation_but_keeps_words():
    assert (
        normalise("年間約１９万人です．") == normalise("年間約19万人です。") == "年間約19万人です"
    )
    assert normalise("データ") == "データ"  # the long-vowel mark is part of the word
    assert normalise("ＡＢＣ") == "abc"


def test_identical_and_near_duplicate_answers_form_one_group():
    groups, unanswered = group_answers(_answers())
    assert sorted(a.student for a in unanswered) == ["a07", "a08", "a09"]
    by_student = {s: i for i, g in enumerate(groups) for s in g.students}
    assert by_student["a01"] == by_student["a02"] == by_student["a03"] == by_student["a04"]
    assert len({by_student["a01"], by_student["a05"], by_student["a06"]}) == 3
    library = groups[by_student["a01"]]
    assert len(library.answers) == 4 and library.pending == 4
    # Identical after normalisation → one variant; the reworded one is shown separately.
    assert library.variants == [LIBRARY, ANSWERS["a04"]]
    assert groups[0] is library  # largest group first


def test_every_answer_appears_once():
    groups, unanswered = group_answers(_answers())
    seen = [s for g in groups for s in g.students] + [a.student for a in unanswered]
    assert sorted(seen) == sorted(ANSWERS)


def test_opposite_answers_that_look_alike_stay_visible_as_variants():
    """Character similarity cannot read meaning: when 多い and 少ない share a group, the
    grader sees both texts and can score one answer alone."""
    texts = {"x": "図書館の利用者数が最も多い。", "y": "図書館の利用者数が最も少ない。"}
    groups, _ = group_answers(_answers(texts))
    variants = [v for g in groups for v in g.variants]
    assert sorted(variants) == sorted(texts.values())


def test_unanswered_is_only_empty_or_the_placeholder():
    assert (
        is_unanswered("") and is_unanswered(" \n") and is_unanswered("ここに回答を書いてください。")
    )
    assert not is_unanswered("わかりません")  # an answer, however weak, goes to a person
    assert not is_unanswered("ここに回答を書いてください。図書館が多い。")


# --- the gradebook (real nbgrader, real grading run) ---------------------------------------

UNIT = "01_excel_basics"
WRITTEN = "ex10_written"
# The part of unit 01 that holds the written answer (found by content, not by name).
NB = notebook_holding(UNIT, WRITTEN).name
NB_ID = NB.removesuffix(".ipynb")


@pytest.fixture(scope="module")
def graded_course(tmp_path_factory):
    from workbench.grading.executor import Limits
    from workbench.grading.pipeline import Options, grade

    root = make_course(tmp_path_factory.mktemp("written"))
    nbgrader(root, "generate_assignment", UNIT, "--force")
    source = nbformat.read(root.parent / "courses" / UNIT / NB, as_version=4)
    release = nbformat.read(root / "release" / UNIT / NB, as_version=4)
    for student, text in list(ANSWERS.items())[:8]:
        notebook = answered(release, source)
        cells_by_id(notebook)[WRITTEN].source = text
        submit(root, student, UNIT, NB, notebook)
    limits = Limits(cell_timeout=30, notebook_timeout=300, memory_mb=2048)
    summary = grade(UNIT, root, Options(workers=1, progress=False, limits=limits))
    assert summary.graded == 8, summary.lines()
    return root


def _gradebook(root):
    return Gradebook(f"sqlite:///{root / 'gradebook.db'}", course_id="data_literacy")


@pytest.mark.slow
def test_group_scores_land_in_the_gradebook(graded_course):
    root = graded_course
    with _gradebook(root) as gradebook:
        answers = load_answers(gradebook, root / "autograded", UNIT, NB_ID, WRITTEN)
        assert {a.student: a.text for a in answers} == dict(list(ANSWERS.items())[:8])
        assert all(a.manual_score is None for a in answers)
        groups, unanswered = group_answers(answers)
        assert score_unanswered(gradebook, UNIT, NB_ID, WRITTEN, answers) == 2
        assert apply_score(gradebook, UNIT, NB_ID, WRITTEN, groups[0].students, 3, "よくできました")

    with _gradebook(root) as gradebook:  # a fresh session: what formgrader would read
        for student in ("a01", "a02", "a03", "a04"):
            grade = gradebook.find_grade(WRITTEN, NB_ID, UNIT, student)
            assert (grade.manual_score, grade.needs_manual_grade) == (3, False)
            comment = gradebook.find_comment(WRITTEN, NB_ID, UNIT, student).manual_comment
            assert comment == "よくできました"
        for student in ("a07", "a08"):
            assert gradebook.find_grade(WRITTEN, NB_ID, UNIT, student).manual_score == 0
            comment = gradebook.find_comment(WRITTEN, NB_ID, UNIT, student).manual_comment
            assert comment == UNANSWERED_COMMENT
        for student in ("a05", "a06"):  # not judged yet: still waiting for a person
            grade = gradebook.find_grade(WRITTEN, NB_ID, UNIT, student)
            assert grade.manual_score is None and grade.needs_manual_grade
        assert score_unanswered(gradebook, UNIT, NB_ID, WRITTEN, load_answers(
            gradebook, root / "autograded", UNIT, NB_ID, WRITTEN)) == 0  # fmt: skip


@pytest.mark.slow
def test_refusals_name_what_is_wrong(graded_course):
    root = graded_course
    with _gradebook(root) as gradebook:
        with pytest.raises(WrittenAnswerError, match="0〜3 点"):
            apply_score(gradebook, UNIT, NB_ID, WRITTEN, ["a05"], 4)
        with pytest.raises(WrittenAnswerError, match="記述問題 ex99"):
            load_answers(gradebook, root / "autograded", UNIT, NB_ID, "ex99")
        # A refused score leaves nothing half-written.
        assert gradebook.find_grade(WRITTEN, NB_ID, UNIT, "a05").manual_score is None
