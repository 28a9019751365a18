"""The instructor's page for grading written answers by question, in groups.

A Jupyter server extension of the instructor's JupyterLab (``/workbench/written/``):
one question at a time across all learners, with its rubric and model answer beside the
answers grouped by :mod:`workbench.grading.written_groups`. Keyboard only; every score
goes to nbgrader's gradebook through the same module, so formgrader, feedback and export
see it. Nothing is loaded from the internet (closed networks such as LGWAN).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from jupyter_server.base.handlers import JupyterHandler
from jupyter_server.utils import url_path_join
from tornado import web

from workbench.grading import pages
from workbench.grading.course import Course, open_gradebook
from workbench.grading.notebook_cells import nbgrader_meta, read_notebook
from workbench.grading.written_groups import (
    WrittenAnswerError,
    apply_score,
    group_answers,
    load_answers,
    score_unanswered,
    written_questions,
)
from workbench.paths import grading_dir

URL = "workbench/written"
_SCHEME = re.compile(r"<!-- BEGIN MARK SCHEME -->(.*?)<!-- END MARK SCHEME -->", re.S)
_MISTAKES = re.compile(r"\*\*よくある間違い\*\*\s*\n((?:\s*- .+\n?)+)")


@dataclass(frozen=True)
class Question:
    """What the grader reads beside the answers: from the course's source notebook."""

    text: str  # the question, without its rubric (Markdown)
    rubric: str  # the mark scheme (Markdown); "" when the question has none
    model_answer: str  # the source notebook's answer cell (Markdown)
    ready_comments: list[str]  # the rubric's よくある間違い, offered as comments


def _source(cell) -> str:
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]


def read_question(course: Course, assignment: str, notebook: str, grade_id: str) -> Question:
    cells = read_notebook(course.source(assignment) / f"{notebook}.ipynb")["cells"]
    index = next(
        (i for i, cell in enumerate(cells) if nbgrader_meta(cell).get("grade_id") == grade_id),
        None,
    )
    if index is None:
        raise WrittenAnswerError(
            f"{assignment}/{notebook} の元のノートブックに {grade_id} がありません。"
        )
    question = next(
        (_source(c) for c in reversed(cells[:index]) if c["cell_type"] == "markdown"), ""
    )
    scheme = _SCHEME.search(question)
    rubric = scheme.group(1).strip() if scheme else ""
    mistakes = _MISTAKES.search(rubric)
    ready = [line.strip()[2:] for line in mistakes.group(1).splitlines()] if mistakes else []
    return Question(_SCHEME.sub("", question).strip(), rubric, _source(cells[index]), ready)


def _markdown(text: str) -> str:
    """Instructor-authored Markdown (question, rubric) as HTML; learners' text never goes here."""
    from nbconvert.filters.markdown_mistune import markdown2html_mistune

    return markdown2html_mistune(text)


class _Base(JupyterHandler):
    @property
    def course(self) -> Course:
        return self.settings["workbench_course"]

    def gradebook(self):
        return open_gradebook(self.course)


class IndexHandler(_Base):
    """Every written question of every assignment, with how many answers wait."""

    @web.authenticated
    def get(self):
        rows = []
        with self.gradebook() as gradebook:
            for assignment in sorted(a.name for a in gradebook.assignments):
                for notebook, grade_id, maximum in written_questions(gradebook, assignment):
                    answers = load_answers(
                        gradebook, self.course.root / "autograded", assignment, notebook, grade_id
                    ) if gradebook.find_assignment(assignment).submissions else []  # fmt: skip
                    waiting = sum(a.manual_score is None for a in answers)
                    rows.append((assignment, notebook, grade_id, maximum, len(answers), waiting))
        self.finish(pages.render("written_index.html.j2", rows=rows, base=self.base_url))


class QuestionHandler(_Base):
    """One question: rubric and model answer, the answers in groups, unanswered ones at 0."""

    @web.authenticated
    def get(self, assignment: str, notebook: str, grade_id: str):
        course = self.course
        try:
            question = read_question(course, assignment, notebook, grade_id)
            with self.gradebook() as gradebook:
                autograded = course.root / "autograded"
                answers = load_answers(gradebook, autograded, assignment, notebook, grade_id)
                auto_zero = score_unanswered(gradebook, assignment, notebook, grade_id, answers)
                if auto_zero:
                    answers = load_answers(gradebook, autograded, assignment, notebook, grade_id)
                maximum = next(
                    m
                    for n, g, m in written_questions(gradebook, assignment)
                    if (n, g) == (notebook, grade_id)
                )
        except WrittenAnswerError as error:
            raise web.HTTPError(404, str(error)) from error
        groups, unanswered = group_answers(answers)
        self.finish(
            pages.render(
                "written.html.j2",
                assignment=assignment,
                notebook=notebook,
                grade_id=grade_id,
                maximum=maximum,
                levels=list(range(int(maximum) + 1)),
                question_html=_markdown(question.text),
                rubric_html=_markdown(question.rubric) if question.rubric else "",
                model_answer=question.model_answer,
                ready_comments=question.ready_comments,
                groups=groups,
                answered=sum(len(group.answers) for group in groups),
                xsrf=self.xsrf_token.decode(),
                unanswered=unanswered,
                auto_zero=auto_zero,
                api=url_path_join(self.base_url, URL, "api", "score"),
                index=url_path_join(self.base_url, URL) + "/",
            )
        )


class ScoreHandler(_Base):
    """POST {assignment, notebook, grade_id, students, score, comment} → the gradebook."""

    @web.authenticated
    def post(self):
        try:
            body = json.loads(self.request.body)
            args = [body[k] for k in ("assignment", "notebook", "grade_id", "students", "score")]
            if not isinstance(args[3], list) or not all(isinstance(s, str) for s in args[3]):
                raise WrittenAnswerError("students は受講者 ID の一覧で送ってください。")
            with self.gradebook() as gradebook:
                scored = apply_score(
                    gradebook, *args[:4], float(args[4]), body.get("comment") or None
                )
        except (KeyError, TypeError, ValueError, json.JSONDecodeError) as error:
            self.set_status(400)
            self.finish({"error": f"送られた内容が読めません（{error}）。"})
            return
        except WrittenAnswerError as error:
            self.set_status(400)
            self.finish({"error": str(error)})
            return
        self.finish({"scored": scored})


def _jupyter_server_extension_points():
    return [{"module": "workbench.grading.written_page"}]


def _load_jupyter_server_extension(serverapp):
    """Serve the page for the course of the instructor's JupyterLab (grading_dir())."""
    try:
        course = Course.load(grading_dir())
    except Exception as error:  # not an instructor's server: stay out of the way
        serverapp.log.info("workbench.grading.written_page: %s", error)
        return
    web_app = serverapp.web_app
    web_app.settings["workbench_course"] = course
    base = url_path_join(web_app.settings["base_url"], URL)
    name = r"([^/]+)"
    web_app.add_handlers(
        ".*$",
        [
            (base + "/?", IndexHandler),
            (url_path_join(base, "api", "score"), ScoreHandler),
            (url_path_join(base, name, name, name) + "/?", QuestionHandler),
        ],
    )
    serverapp.log.info("記述問題の採点ページ: %s/", base)
