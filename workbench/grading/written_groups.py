"""Written answers of one question across all learners, grouped so a person judges each
distinct answer once.

Identical answers after normalisation (全角/半角, spaces, punctuation) form one group;
near-duplicates are then clustered by character n-gram TF-IDF similarity, which handles
Japanese without a tokenizer. Empty or untouched answers are not for a person: they get
0 points with a note, automatically. Scores and comments go into nbgrader's gradebook,
so formgrader, feedback and grade export see them as if typed in formgrader.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from nbgrader import api

from workbench.errors import WorkbenchError
from workbench.grading.course import one_transaction
from workbench.grading.notebook_cells import nbgrader_meta, read_notebook
from workbench.progress import TEXT_STUBS

#: Comment stored with the automatic zero of an empty or untouched answer.
UNANSWERED_COMMENT = "未回答のため 0 点です（自動採点）。"
#: Cosine distance under which two answers count as near-duplicates. Char 2–3-grams:
#: rewordings of the same sentence (「〜が多い」/「〜が最も多い」, a changed number of
#: the same shape) fall well under it; answers making different points stay apart.
NEAR_DUPLICATE_DISTANCE = 0.35

# Punctuation and symbols that do not change what an answer says. The long-vowel mark
# ー and the wave dash are letters in Japanese words, so they stay.
_NOISE = re.compile(r"[\s、。，．,.!?！？・「」『』（）()\[\]【】〔〕:：;；\"'“”‘’…]+")


class WrittenAnswerError(WorkbenchError):
    """A question or a score that the grouped grading page cannot accept."""


def normalise(text: str) -> str:
    """The answer as compared for identity: NFKC (全角英数→半角), no spaces or punctuation."""
    return _NOISE.sub("", unicodedata.normalize("NFKC", text)).lower()


_STUBS = frozenset(normalise(stub) for stub in TEXT_STUBS)


def is_unanswered(text: str) -> bool:
    """Empty, whitespace, or the released placeholder left as it was."""
    return normalise(text) in _STUBS | {""}


@dataclass(frozen=True)
class Answer:
    student: str
    text: str
    manual_score: float | None  # None: waiting for a person (new or changed answer)
    comment: str = ""


@dataclass
class Group:
    """Answers a person can judge together; ``variants`` are the distinct texts in it."""

    answers: list[Answer]
    variants: list[str] = field(default_factory=list)

    @property
    def students(self) -> list[str]:
        return [answer.student for answer in self.answers]

    @property
    def pending(self) -> int:
        return sum(answer.manual_score is None for answer in self.answers)


def group_answers(answers: Sequence[Answer]) -> tuple[list[Group], list[Answer]]:
    """(groups for a person, largest first; unanswered ones, scored 0 automatically)."""
    unanswered = [answer for answer in answers if is_unanswered(answer.text)]
    identical: dict[str, list[Answer]] = {}
    for answer in answers:
        if not is_unanswered(answer.text):
            identical.setdefault(normalise(answer.text), []).append(answer)
    keys = list(identical)
    clusters = _near_duplicate_clusters(keys)
    groups = []
    for members in clusters:
        texts = sorted(members, key=lambda key: -len(identical[key]))
        group = Group([a for key in texts for a in identical[key]])
        group.variants = [identical[key][0].text for key in texts]
        groups.append(group)
    groups.sort(key=lambda group: (-len(group.answers), group.variants[0]))
    return groups, unanswered


def _near_duplicate_clusters(texts: list[str]) -> list[list[str]]:
    """Average-linkage clusters of ``texts`` under NEAR_DUPLICATE_DISTANCE (cosine)."""
    if len(texts) < 2:
        return [[text] for text in texts]
    from sklearn.cluster import AgglomerativeClustering
    from sklearn.feature_extraction.text import TfidfVectorizer

    vectors = TfidfVectorizer(analyzer="char", ngram_range=(2, 3)).fit_transform(texts)
    labels = AgglomerativeClustering(
        n_clusters=None,
        metric="cosine",
        linkage="average",
        distance_threshold=NEAR_DUPLICATE_DISTANCE,
    ).fit_predict(vectors.toarray())
    clusters: dict[int, list[str]] = {}
    for text, label in zip(texts, labels, strict=True):
        clusters.setdefault(int(label), []).append(text)
    return list(clusters.values())


# --- reading answers and writing scores -------------------------------------------------


def written_questions(gradebook: api.Gradebook, assignment: str) -> list[tuple[str, str, float]]:
    """(notebook, grade_id, max score) of every manually graded markdown answer."""
    questions = []
    for notebook in gradebook.find_assignment(assignment).notebooks:
        for cell in notebook.grade_cells:
            if cell.cell_type == "markdown":
                questions.append((notebook.name, cell.name, float(cell.max_score)))
    return questions


def load_answers(
    gradebook: api.Gradebook, autograded: Path, assignment: str, notebook: str, grade_id: str
) -> list[Answer]:
    """Every submitted answer to one question, with its current manual score and comment.

    The text is read from the autograded notebook (what formgrader shows); a submission
    whose notebook is missing there is an error naming it, never a silent zero.
    """
    if (notebook, grade_id) not in {(n, g) for n, g, _ in written_questions(gradebook, assignment)}:
        raise WrittenAnswerError(
            f"{assignment} の {notebook} に記述問題 {grade_id} はありません。"
            "formgrader の課題一覧で問題の ID を確かめてください。"
        )
    answers = []
    for submission in gradebook.find_assignment(assignment).submissions:
        student = submission.student.id
        path = autograded / student / assignment / f"{notebook}.ipynb"
        if not path.is_file():
            raise WrittenAnswerError(
                f"{student} さんの採点済みノートブック（{path}）がありません。"
                "先に python -m workbench grade で採点してください。"
            )
        cells = read_notebook(path)["cells"]
        text = next(
            (
                "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
                for cell in cells
                if nbgrader_meta(cell).get("grade_id") == grade_id
            ),
            "",
        )
        grade = gradebook.find_grade(grade_id, notebook, assignment, student)
        comment = gradebook.find_comment(grade_id, notebook, assignment, student)
        answers.append(Answer(student, text, grade.manual_score, comment.manual_comment or ""))
    return answers


def apply_score(
    gradebook: api.Gradebook,
    assignment: str,
    notebook: str,
    grade_id: str,
    students: Iterable[str],
    score: float,
    comment: str | None = None,
) -> int:
    """Give ``score`` (and ``comment``) to each student's answer, in one transaction."""
    students = list(students)
    maximum = next(
        (
            m
            for n, g, m in written_questions(gradebook, assignment)
            if (n, g) == (notebook, grade_id)
        ),
        None,
    )
    if maximum is None:
        raise WrittenAnswerError(f"{assignment} の {notebook} に記述問題 {grade_id} はありません。")
    if not 0 <= score <= maximum:
        raise WrittenAnswerError(f"得点は 0〜{maximum:g} 点で入力してください（{score:g} 点）。")
    with one_transaction(gradebook):
        for student in students:
            grade = gradebook.find_grade(grade_id, notebook, assignment, student)
            grade.manual_score = score
            grade.needs_manual_grade = False
            if comment is not None:
                gradebook.find_comment(
                    grade_id, notebook, assignment, student
                ).manual_comment = comment
    return len(students)


def score_unanswered(
    gradebook: api.Gradebook,
    assignment: str,
    notebook: str,
    grade_id: str,
    answers: Sequence[Answer],
) -> int:
    """0 points with UNANSWERED_COMMENT for the unanswered answers not yet scored."""
    todo = [a.student for a in answers if is_unanswered(a.text) and a.manual_score is None]
    if not todo:
        return 0
    return apply_score(gradebook, assignment, notebook, grade_id, todo, 0, UNANSWERED_COMMENT)
