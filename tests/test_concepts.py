"""Nothing is used before it is taught: every unit's code against the course's concept map.

Each unit's ``concepts.toml`` says which units come before it and which cell teaches
each new concept; ``workbench.concepts`` parses every code cell (AST). The first tests
prove the extractor and the checks bite on synthetic notebooks; the last ones check the
real course and list every problem in one message.
"""

from __future__ import annotations

import json

import pytest

from workbench import concept_uses, concepts, course
from workbench.paths import courses_dir


def _cell(kind, source, cell_id, **grading):
    cell = {"cell_type": kind, "id": cell_id, "metadata": {}, "source": source}
    if kind == "code":
        cell.update(outputs=[], execution_count=None)
    if grading:
        cell["metadata"]["nbgrader"] = grading
    return cell


def _unit(tmp_path, cells, toml="", name="01_demo"):
    folder = tmp_path / name
    folder.mkdir(parents=True)
    notebook = {"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    (folder / f"{name}.ipynb").write_text(json.dumps(notebook), encoding="utf-8")
    if toml:
        (folder / "concepts.toml").write_text(toml, encoding="utf-8")
    return folder


def _uses(folder):
    uses = concept_uses.unit_uses(concept_uses.unit_cells(folder))
    return [(u.concept, u.cell_id, u.line) for u in uses]


# --------------------------------------------------------------------------- extractor


def test_imports_resolve_to_module_paths(tmp_path):
    code = (
        "import pandas as pd\nfrom scipy import stats\nimport matplotlib.pyplot as plt\n"
        "df = pd.read_csv('a.csv')\nr = stats.ttest_ind(df['a'], df['b'])\n"
        "df.groupby('k')['v'].mean()\nplt.subplots()\nstats.t.sf(1.0, 3)\n"
    )
    uses = {c for c, _, _ in _uses(_unit(tmp_path, [_cell("code", code, "c1")]))}
    assert {"pandas.read_csv", "scipy.stats.ttest_ind", "matplotlib.pyplot.subplots"} <= uses
    assert {"scipy.stats.t.sf", ".groupby", ".mean", "import"} <= uses
    assert "stats.ttest_ind" not in uses and ".read_csv" not in uses


def test_syntax_builtins_and_lines(tmp_path):
    code = (
        "values = [1, 2]\nfor v in values:\n    if v > 1:\n        print(f'{v}')\n"
        "    elif v < 0:\n        pass\n    else:\n        if v:\n            pass\n"
        "total = sum(x * 2 for x in values)\nsquare = lambda x: x * x\na, b = 1, 2\n"
    )
    uses = set(_uses(_unit(tmp_path, [_cell("code", code, "c1")])))
    for expected in [
        ("list", "c1", 1),
        ("for", "c1", 2),
        ("if", "c1", 3),
        ("print", "c1", 4),
        ("f-string", "c1", 4),
        ("elif", "c1", 5),
        ("sum", "c1", 10),
        ("generator-expression", "c1", 10),
        ("lambda", "c1", 11),
        ("tuple-unpacking", "c1", 12),
    ]:
        assert expected in uses
    # `else: if` is a nested if, not an elif
    assert ("elif", "c1", 8) not in uses and ("if", "c1", 8) in uses


def test_a_cell_that_does_not_parse_is_reported(tmp_path):
    folder = _unit(tmp_path, [_cell("code", "x = 1\nprint(x\n", "c1")], "requires = []\n")
    found = concepts.violations(
        folder.name, concept_uses.unit_cells(folder), {folder.name: concepts.read_map(folder)}
    )
    assert len(found) == 1 and concept_uses.UNPARSED in found[0] and "セル c1" in found[0]


def test_a_shadowed_builtin_is_a_variable(tmp_path):
    uses = _uses(_unit(tmp_path, [_cell("code", "sum = 3\nprint(sum)\n", "c1")]))
    assert [c for c, _, _ in uses] == ["print"]


def test_what_counts_as_learner_code(tmp_path):
    cells = [
        _cell("code", "%matplotlib inline\n!ls\nx = len('a')\n", "setup"),
        _cell("code", "### BEGIN SOLUTION\ny = abs(-1)\n### END SOLUTION\n", "ex1", solution=True),
        _cell("code", "from workbench import checks\nchecks.passed(max(1, 2))\n", "t1", grade=True),
        _cell(
            "code",
            "z = round(1.5)\n### BEGIN HIDDEN TESTS\nw = min(1, 2)\n### END HIDDEN TESTS\n",
            "c2",
        ),
    ]
    uses = _uses(_unit(tmp_path, cells))
    assert ("len", "setup", 3) in uses  # magics skipped, line numbers kept
    assert ("abs", "ex1", 2) in uses  # the solution is what the learner must write
    assert not [u for u in uses if u[1] == "t1"]  # the check cell is instructor code
    assert ("round", "c2", 1) in uses and not [u for u in uses if u[0] == "min"]


# --------------------------------------------------------------------------- checks


LAMBDA_CELLS = [
    _cell("markdown", "# 単元", "m1"),
    _cell("code", "square = lambda x: x * x\n", "c1"),
    _cell("markdown", "`lambda` は名前のない小さな関数です。", "m2"),
    _cell("code", "double = lambda x: 2 * x  # lambda の例\n", "c2"),
]


def _violations(tmp_path, cells, toml):
    folder = _unit(tmp_path, cells, toml)
    maps = {folder.name: concepts.read_map(folder)}
    return concepts.violations(folder.name, concepts.unit_cells(folder), maps)


def test_negative_control_a_construct_never_introduced_fails(tmp_path):
    found = _violations(tmp_path, LAMBDA_CELLS, "requires = []\n[introduces]\n")
    assert found == [
        "01_demo/01_demo.ipynb セル c1 1行目: 「lambda」まだ教えていません",
        "01_demo/01_demo.ipynb セル c2 1行目: 「lambda」まだ教えていません",
    ]


def test_negative_control_introduced_after_use_fails(tmp_path):
    found = _violations(tmp_path, LAMBDA_CELLS, 'requires = []\n[introduces]\n"lambda" = "m2"\n')
    assert found == [
        "01_demo/01_demo.ipynb セル c1 1行目: 「lambda」教えるセルより前で使っています",
    ]


def test_introduced_before_use_or_in_a_required_unit_passes(tmp_path):
    cells = LAMBDA_CELLS[2:]
    assert _violations(tmp_path / "a", cells, '[introduces]\n"lambda" = "m2"\n') == []
    earlier = _unit(tmp_path, LAMBDA_CELLS[2:], '[introduces]\n"lambda" = "m2"\n', "00_intro")
    later = _unit(tmp_path, LAMBDA_CELLS[1:2], 'requires = ["00_intro"]\n', "01_next")
    maps = {unit.name: concepts.read_map(unit) for unit in (earlier, later)}
    cells = concepts.unit_cells(later)
    assert concepts.violations("01_next", cells, maps) == []
    maps["01_next"] = concepts.ConceptMap((), {})  # the same use without the requires
    assert concepts.violations("01_next", cells, maps) != []


def test_a_claimed_introduction_must_teach(tmp_path):
    cells = [
        *LAMBDA_CELLS,
        _cell("code", "### BEGIN SOLUTION\nf = lambda x: x\n", "ex1", solution=True),
        _cell("code", "g = lambda x: x\n", "c3"),
    ]
    folder = _unit(tmp_path, cells)
    cells = concepts.unit_cells(folder)
    assert concepts.teaching_problem(cells, "lambda", "m2") is None
    assert concepts.teaching_problem(cells, "lambda", "c2") is None  # comment + example
    assert concepts.teaching_problem(cells, "lambda", "m1") is not None  # not named
    assert concepts.teaching_problem(cells, "lambda", "ex1") is not None  # an exercise
    assert concepts.teaching_problem(cells, "lambda", "nope") is not None  # no such cell
    # c3 follows an exercise, not an explanation: a bare keyword is not taught
    assert concepts.teaching_problem(cells, "lambda", "c3") is not None
    assert concepts.teaching_problem(cells, ".mean", "m2") is not None


def test_a_malformed_concept_map_is_a_japanese_error(tmp_path):
    folder = _unit(tmp_path, LAMBDA_CELLS, "requires = 3\n")
    with pytest.raises(concepts.ConceptMapError, match="requires"):
        concepts.read_map(folder)


# --------------------------------------------------------------------------- the course


UNITS = course.units()


def test_requires_must_name_existing_units_in_full(tmp_path):
    taught = LAMBDA_CELLS[2:]
    _unit(tmp_path, taught, 'requires = []\n[introduces]\n"lambda" = "m2"\n', "00_a")
    _unit(tmp_path, taught, 'requires = ["00_a"]\n', "01_b")
    _unit(tmp_path, taught, 'requires = ["01_b", "99_gone"]\n', "02_c")
    problems = concepts.check_units(tmp_path, ["00_a", "01_b", "02_c"])
    assert any("「99_gone」が courses/ にありません" in p for p in problems)
    assert any("02_c" in p and "「00_a」も requires に" in p for p in problems)
    assert not [p for p in problems if p.startswith(("00_a", "01_b"))]


def test_draft_suggests_the_first_teaching_cell(tmp_path):
    _unit(tmp_path, LAMBDA_CELLS, "requires = []\n")
    assert concepts.draft(tmp_path, ["01_demo"], "01_demo") == [
        '"lambda" = "m2"  # 使用（c1）より後',
    ]


def test_every_unit_has_a_concept_map():
    missing = [unit for unit in UNITS if not (courses_dir() / unit / "concepts.toml").is_file()]
    assert not missing, f"concepts.toml がない単元: {'、'.join(missing)}"


def test_requires_name_existing_units_transitively():
    problems = concepts.requires_problems(concepts.read_maps(courses_dir(), UNITS))
    assert not problems, "\n".join(problems)


def test_every_introduction_teaches():
    problems = []
    for unit, concept_map in concepts.read_maps(courses_dir(), UNITS).items():
        if concept_map:
            cells = concepts.unit_cells(courses_dir() / unit)
            problems += concepts.teaching_problems(unit, cells, concept_map)
    assert not problems, "教えていない導入が concepts.toml にあります:\n" + "\n".join(problems)


def test_nothing_is_used_before_it_is_taught():
    maps, problems = concepts.read_maps(courses_dir(), UNITS), []
    for unit in UNITS:
        missing = [r for r in (maps[unit].requires if maps[unit] else ()) if r not in maps]
        if missing:
            problems.append(f"{unit}: 前提の単元 {'、'.join(missing)} がないので確かめられません")
            continue
        problems += concepts.violations(unit, concepts.unit_cells(courses_dir() / unit), maps)
    assert not problems, f"教える前に使っているもの（{len(problems)}件）:\n" + "\n".join(problems)


def test_the_course_check_bites_on_a_real_unit():
    """Negative control on real notebooks: 04 uses lambda right after teaching it."""
    maps = concepts.read_maps(courses_dir(), UNITS)
    cells = concepts.unit_cells(courses_dir() / "04_t_test")

    def lambda_problems():
        found = concepts.violations("04_t_test", cells, maps)
        return [p for p in found if "「lambda」" in p]

    assert lambda_problems() == []
    introduces = dict(maps["04_t_test"].introduces)
    del introduces["lambda"]
    maps["04_t_test"] = concepts.ConceptMap(maps["04_t_test"].requires, introduces)
    assert lambda_problems() and "セル cell-052" in lambda_problems()[0]
