"""The grouped written-answer page, in a real browser, with the network blocked.

A cohort of 150 learners answers unit 01's written question (the model answer in several
wordings, one wrong point, individual answers, blanks and untouched placeholders). The
instructor grades the whole question with the keyboard on /workbench/written/; the scores
land in nbgrader's gradebook and formgrader shows them.
"""

from __future__ import annotations

import shutil

import pytest
import test_browser
from harness import make_course, nbgrader, notebook_holding, simulated_written_cohort
from nbgrader.api import Gradebook
from playwright.sync_api import expect
from test_browser import _block_the_network, jupyterlab, shot

from workbench import course, lab
from workbench.grading.written_groups import UNANSWERED_COMMENT

# The browser tier's marks, skip conditions and fixtures (Chromium, a page per test).
pytestmark = test_browser.pytestmark
browser = test_browser.browser
page = test_browser.page

UNIT = "01_excel_basics"
WRITTEN = "ex10_written"
# The part of unit 01 that holds the written answer (found by content, not by name).
NB_ID = notebook_holding(UNIT, WRITTEN).stem
_LIBRARY = "図書館の利用者数が最も多く、港南市の図書館は"
_BLANKS = "集計中の月があり合計は少なく見えています"
MODEL = [  # the same answer as learners type it: full stop, spaces, 全角 digits, a reword
    f"{_LIBRARY}年間約19万人です。{_BLANKS}。",
    f"{_LIBRARY}年間約１９万人です。{_BLANKS}",
    f"{_LIBRARY} 年間約19万人です。 {_BLANKS}。",
    f"{_LIBRARY}年間およそ19万人です。{_BLANKS}。",
]
WRONG = [  # contradicts the table: one wrong point in two wordings
    "体育館の使用料収入が最も多いです。",
    "体育館の使用料収入が最も多い。",
]
INDIVIDUAL = [
    "夏はプールの利用者が増えます。",
    "施設ごとに利用者の差が大きいので、統廃合の検討材料になります。",
    "8月は利用が少ないので、イベントを増やすべきです。",
    "東野村の図書館は約17.4万人で2番目に多いです。",
    "公民館の利用は年間を通じて安定しています。",
]


def cohort() -> dict[str, str]:
    texts = (
        [MODEL[i % 4] for i in range(80)]
        + [WRONG[i % 2] for i in range(35)]
        + [INDIVIDUAL[i % 5] for i in range(5)]
        + [""] * 15
        + ["ここに回答を書いてください。"] * 15
    )
    return {f"s{i:03d}": text for i, text in enumerate(texts)}


@pytest.fixture(scope="module")
def written_course(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("written-page")
    root = make_course(tmp)
    for folder in (tmp / "courses").iterdir():
        if folder.is_dir() and course.UNIT_PATTERN.match(folder.name) and folder.name != UNIT:
            shutil.rmtree(folder)
    nbgrader(root, "generate_assignment", UNIT, "--force")
    simulated_written_cohort(root, UNIT, cohort())
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("WORKBENCH_GRADING_DIR", str(root))
        patch.setenv("WORKBENCH_COURSES_DIR", str(tmp / "courses"))
        patch.delenv("WORKBENCH_GRADEBOOK_URL", raising=False)
        patch.delenv("JUPYTER_CONFIG_PATH", raising=False)
        yield tmp, root


def test_instructor_grades_a_question_in_groups_offline(written_course, page):
    tmp, root = written_course
    outside = _block_the_network(page)
    with jupyterlab(lab.instructor_launch(open_browser=False), tmp / "lab") as server:
        page.goto(server.url("workbench/written/"))
        row = page.locator("tr", has_text=WRITTEN)
        expect(row).to_contain_text("150")  # submissions
        row.get_by_role("link", name=WRITTEN).click()

        groups = page.locator("article.group")
        # 80 model answers in one group, 35 of the wrong point in another, 5 individual.
        expect(groups).to_have_count(7)
        expect(groups.nth(0)).to_contain_text("80人")
        expect(groups.nth(1)).to_contain_text("35人")
        auto_zero = "未回答 30人は 0 点です（今回 30人に自動で 0 点"
        expect(page.locator("main")).to_contain_text(auto_zero)
        expect(page.locator("#side")).to_contain_text("採点基準")
        expect(page.locator("#side")).to_contain_text("模範解答")
        shot(page, "written_groups")

        def press(key: str, saved: str) -> None:
            with page.expect_response(lambda r: "/workbench/written/api/score" in r.url) as r:
                page.keyboard.press(key)
            assert r.value.ok, r.value.text()
            expect(page.locator("#status")).to_contain_text(saved)

        press("3", "80人に 3点を保存しました")  # the model answer: full marks
        press("0", "35人に 0点を保存しました")  # the wrong point
        # Individual answers, one key each; 「8月は利用が少ない」 (first: groups of one
        # are in text order) gets the rubric's ready comment on blanks read as zero.
        page.keyboard.press("a")
        expect(page.locator(".chip.on")).to_have_count(1)
        press("0", "1人に 0点")
        for key in ("1", "2", "1", "2"):
            press(key, f"1人に {key}点")
        expect(page.locator("article.group.done")).to_have_count(7)
        shot(page, "written_groups_done")

        # formgrader (same server) shows a group's score on the learner's own page.
        with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gradebook:
            submission = gradebook.find_submission_notebook(NB_ID, UNIT, "s000").id
        page.goto(server.url(f"formgrader/submissions/{submission}/"))
        page.wait_for_function(
            "() => typeof formgrader !== 'undefined' && formgrader.grades"
            " && formgrader.grades.loaded && formgrader.grade_uis.length > 0"
        )
        expect(page.locator(f"input.score#{WRITTEN}")).to_have_value("3")
    assert outside == [], f"the page asked for addresses off this machine: {outside}"

    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gradebook:
        scores, comments = {}, {}
        for student in cohort():
            grade = gradebook.find_grade(WRITTEN, NB_ID, UNIT, student)
            assert not grade.needs_manual_grade, student
            scores[student] = grade.manual_score
            comments[student] = gradebook.find_comment(WRITTEN, NB_ID, UNIT, student).manual_comment
    answers = cohort()
    assert {scores[s] for s, t in answers.items() if t in MODEL} == {3}
    assert {scores[s] for s, t in answers.items() if t in WRONG} == {0}
    assert {comments[s] for s, t in answers.items() if t in WRONG} == {None}
    blank = [s for s, t in answers.items() if t in ("", "ここに回答を書いてください。")]
    assert {scores[s] for s in blank} == {0}
    assert {comments[s] for s in blank} == {UNANSWERED_COMMENT}
    august = next(s for s, t in answers.items() if t.startswith("8月"))
    assert comments[august].startswith("空欄を 0 とみなして")
    assert sorted(scores[s] for s, t in answers.items() if t in INDIVIDUAL) == [0, 1, 1, 2, 2]
