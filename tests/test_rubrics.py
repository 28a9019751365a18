"""Written answers carry a rubric that graders see in formgrader and learners never get.

Each manually graded answer cell follows a locked question cell whose rubric sits between
``<!-- BEGIN MARK SCHEME -->`` and ``<!-- END MARK SCHEME -->``: nbgrader's ClearMarkScheme
strips it from release/, and autograde's OverwriteCells restores the locked cell, so the
autograded notebook that formgrader shows holds the rubric again.
"""

from __future__ import annotations

import re

import nbformat
import pytest

from workbench import course

BEGIN = "<!-- BEGIN MARK SCHEME -->"
END = "<!-- END MARK SCHEME -->"
# A level row: | 3（満点） | what earns it | an example answer |   (points may be a range 2〜3)
LEVEL = re.compile(
    r"^\|\s*(\d+(?:\.\d+)?)(?:〜(\d+(?:\.\d+)?))?(?:（満点）)?\s*\|([^|]+)\|([^|]+)\|\s*$"
)
# "2〜3文" / "2文" in the question, but not "1文目" (that is about the order of sentences).
LENGTH = re.compile(r"(\d+)(?:〜(\d+))?文(?!目)")


def written_cells(notebook):
    for index, cell in enumerate(notebook.cells):
        meta = cell.metadata.get("nbgrader", {})
        if cell.cell_type == "markdown" and meta.get("grade") and meta.get("solution"):
            yield index, cell


CASES = [
    pytest.param(
        unit,
        path,
        cell.metadata["nbgrader"]["grade_id"],
        id=f"{unit}:{cell.metadata['nbgrader']['grade_id']}",
    )
    for unit in course.units()
    for path in course.notebooks(unit)
    for _, cell in written_cells(nbformat.read(path, as_version=4))
]


def rubric_region(source: str) -> str | None:
    if (
        source.count(BEGIN) != 1
        or source.count(END) != 1
        or source.index(BEGIN) > source.index(END)
    ):
        return None
    return source.split(BEGIN)[1].split(END)[0]


def rubric_problems(question_source: str, points: float) -> list[str]:
    """What a rubric lacks: 3-4+ levels from full to zero, each with criteria and an example."""
    region = rubric_region(question_source)
    if region is None:
        return ["no single BEGIN/END MARK SCHEME region"]
    problems = []
    levels = []
    for line in region.splitlines():
        match = LEVEL.match(line.strip())
        if match:
            top = float(match.group(2) or match.group(1))
            levels.append(
                (top, float(match.group(1)), match.group(3).strip(), match.group(4).strip())
            )
    if len(levels) < 3:
        problems.append(f"{len(levels)} levels (need at least 3: full, partial, none)")
    else:
        if levels[0][0] != points:
            problems.append(f"top level {levels[0][0]} is not the question's {points} points")
        if levels[-1][1] != 0:
            problems.append("no zero level")
        if [lv[0] for lv in levels] != sorted((lv[0] for lv in levels), reverse=True):
            problems.append("levels are not ordered from full to none")
    for top, _, criteria, example in levels:
        if len(criteria) < 10:
            problems.append(f"level {top}: no criteria")
        if len(example) < 10:
            problems.append(f"level {top}: no example answer")
    mistakes = region.split("よくある間違い")[1] if "よくある間違い" in region else ""
    if not any(line.strip().startswith("- ") for line in mistakes.splitlines()):
        problems.append("no common mistakes listed")
    return problems


def asked_sentences(question_source: str) -> int | None:
    """The most sentences the question allows ('2〜3文' → 3), if it says."""
    match = LENGTH.search(question_source.split(BEGIN)[0])
    return None if match is None else int(match.group(2) or match.group(1))


@pytest.mark.parametrize(("unit", "path", "grade_id"), CASES)
def test_every_written_answer_has_a_rubric_beside_its_question(unit, path, grade_id):
    notebook = nbformat.read(path, as_version=4)
    index, cell = next(
        (i, c) for i, c in written_cells(notebook) if c.metadata["nbgrader"]["grade_id"] == grade_id
    )
    question = notebook.cells[index - 1]
    meta = question.metadata.get("nbgrader", {})
    # Locked with an id: OverwriteCells puts it back at autograde, so formgrader shows it.
    assert meta.get("locked") and meta.get("grade_id") and not meta.get("solution"), meta
    assert rubric_problems(question.source, float(cell.metadata["nbgrader"]["points"])) == []


@pytest.mark.parametrize(("unit", "path", "grade_id"), CASES)
def test_model_answer_is_within_the_length_asked_of_learners(unit, path, grade_id):
    notebook = nbformat.read(path, as_version=4)
    index, cell = next(
        (i, c) for i, c in written_cells(notebook) if c.metadata["nbgrader"]["grade_id"] == grade_id
    )
    most = asked_sentences(notebook.cells[index - 1].source)
    if most is None:
        pytest.skip("the question sets no number of sentences")
    assert cell.source.count("。") <= most, (
        f"model answer has {cell.source.count('。')} sentences, asked ≤ {most}"
    )


GOOD = f"""問い
{BEGIN}
| 点 | 満たすこと | 回答例 |
|---|---|---|
| 2（満点） | 数値と区間を正しく使っている | 「差は3.9分（−0.7〜8.5分）です。」 |
| 1 | 数値はあるが区間がない | 「差は3.9分です。」という回答 |
| 0 | 無回答、または誤った説明 | 「差はありません。」という回答 |

**よくある間違い**
- p値を差がない確率と書く
{END}"""


def test_rubric_check_bites_on_missing_levels_examples_and_mistakes():
    assert rubric_problems(GOOD, 2.0) == []
    two_levels = GOOD.replace(
        "| 1 | 数値はあるが区間がない | 「差は3.9分です。」という回答 |\n", ""
    )
    assert any("levels" in p for p in rubric_problems(two_levels, 2.0))
    no_example = GOOD.replace("「差は3.9分です。」という回答", " ")
    assert any("example" in p for p in rubric_problems(no_example, 2.0))
    assert any("mistakes" in p for p in rubric_problems(GOOD.replace("- p値", "p値"), 2.0))
    assert any("points" in p for p in rubric_problems(GOOD, 3.0))
    assert rubric_problems(GOOD.replace(END, ""), 2.0) == ["no single BEGIN/END MARK SCHEME region"]
    assert asked_sentences("**2〜3文** で。結論が1文目にあるか") == 3
    assert asked_sentences("結論が1文目にあるか") is None


def test_rubric_reaches_the_grader_and_never_the_learner(graded_unit):
    """Real nbgrader: stripped in release/, back in the autograded notebook formgrader shows."""
    for name, source in graded_unit.sources.items():
        released = {
            c.metadata.get("nbgrader", {}).get("grade_id"): c
            for c in graded_unit.released[name].cells
        }
        graded = {
            c.metadata.get("nbgrader", {}).get("grade_id"): c
            for c in graded_unit.autograded("solution", name).cells
        }
        released_text = "\n".join(c.source for c in graded_unit.released[name].cells)
        for index, _ in written_cells(source):
            question = source.cells[index - 1]
            gid = question.metadata["nbgrader"]["grade_id"]
            region = rubric_region(question.source)
            # Lines that say something (not bare table rules such as |---|---|).
            said = [ln.strip() for ln in region.splitlines() if re.search(r"\w", ln)]
            secret = [ln for ln in said if len(ln) > 12]
            assert BEGIN not in released_text and END not in released_text
            assert not [line for line in secret if line in released_text], (
                f"{name}:{gid} rubric leaks"
            )
            # The question itself stays for learners (ClearMarkScheme keeps the blank line).
            assert released[gid].source.rstrip() == question.source.split(BEGIN)[0].rstrip()
            assert graded[gid].source == question.source, (
                f"{name}:{gid} rubric not shown to the grader"
            )
