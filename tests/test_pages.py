"""The feedback and report pages render from the package's Jinja2 templates (no nbgrader run)."""

from __future__ import annotations

import re
from datetime import datetime

import pytest

from workbench.grading import feedback_page, pages, report
from workbench.grading.report.cohort import Hint, Item, StudentRecord

HOSTILE = '<script>alert("x")</script>'


def _page() -> feedback_page.Page:
    return feedback_page.Page(
        student="S001",
        student_name=HOSTILE,
        assignment="01_excel_basics",
        notebook="nb",
        timestamp="2026-01-05 10:00",
        score=2.0,
        max_score=5.0,
        assignment_score=2.0,
        assignment_max=5.0,
        multiple_notebooks=False,
        notes=[],
        problem="",
        questions=[
            feedback_page.Question("ex1", "演習1", "auto", 2.0, 2.0, "✅", "正解"),
            feedback_page.Question("w1", "記述1", "manual", None, 3.0, "⏳", "採点待ち"),
        ],
        blocks=[
            feedback_page.Block(
                "code",
                "ex1",
                "演習1",
                source=HOSTILE,
                outputs=[feedback_page.Output("text", HOSTILE)],
            )
        ],
    )


def _style(html: str) -> str:
    (style,) = re.findall(r"<style>(.*?)</style>", html, flags=re.S)
    return style


def test_feedback_page_escapes_learner_text_but_not_its_own_css():
    html = feedback_page.render(_page())
    assert HOSTILE not in html
    assert html.count("&lt;script&gt;") == 3  # name, code and output, each escaped
    # The style sheet is template text: its quotes stay quotes, or the fonts are dropped.
    assert 'font-family:"Hiragino Sans"' in _style(html)
    assert "&#34;" not in _style(html)
    assert re.search(r"<td class=\"num\">2 / 2</td>", html)
    assert "— / 3" in html  # a pending manual grade shows no score


def test_report_page_from_a_small_cohort():
    items = [
        Item("nb", "ex1", "演習1（2点）: 合計", "auto", 2.0),
        Item("nb", "w1", "記述1", "manual", 3.0),
    ]
    students = [
        StudentRecord(
            "S1",
            "A",
            True,
            datetime(2026, 1, 5, 9),
            4.0,
            5.0,
            {("nb", "ex1"): 2.0, ("nb", "w1"): 2.0},
            "採点済み",
        ),
        StudentRecord(
            "S2",
            HOSTILE,
            True,
            datetime(2026, 1, 5, 9),
            1.0,
            5.0,
            {("nb", "ex1"): 0.0, ("nb", "w1"): 1.0},
            "要確認（タイムアウト）",
        ),
        StudentRecord("S3", "C", False, max_score=5.0),
    ]
    cohort = report.Cohort(
        "01", items, students, [Hint("ex1", "演習1", "❌ 合計が違います", False, 1)]
    )
    stats = report.item_statistics(cohort.score_matrix(), [2.0, 3.0])
    html = report.render_report(cohort, stats, datetime(2026, 1, 6, 12, 0))
    assert "<title>成績レポート: 01</title>" in html
    assert HOSTILE not in html and "&lt;script&gt;" in html  # in the 要確認 table
    assert "提出済み / 未提出" in html and "2人 / 1人" in html and "提出率 67%" in html
    assert "❌ 合計が違います" in html
    assert html.count("data:image/png;base64,") == 3  # distribution, completion, questions
    assert 'font-family:"Hiragino Sans"' in _style(html) and "max-width:1040px" in _style(html)


def test_templates_are_package_data_and_strict():
    assert {"feedback.html.j2", "report.html.j2", "style.css"} <= set(
        pages.environment().list_templates()
    )
    with pytest.raises(Exception, match="page"):  # StrictUndefined: a missing value fails
        pages.render("feedback.html.j2")
