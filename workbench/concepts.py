"""The course's concept map: what each unit teaches, and whether anything is used first.

Every unit folder holds ``concepts.toml``::

    # What a learner has met before this unit, and what this unit teaches.
    requires = ["00_python_basics", "01_excel_basics"]   # units done before (transitively)
    [introduces]
    "for" = "cell-012"              # syntax construct → the cell id that teaches it
    "print" = "cell-003"            # builtin by name
    "pandas.read_csv" = "cell-020"  # module function, resolved through the imports
    ".groupby" = "cell-031"         # method/attribute by name (the receiver is unknown)

``workbench.concept_uses`` says what the code uses; this module says whether each use
comes after its teaching cell (in the same unit, by notebook file order then cell order)
or in a unit of ``requires``, and whether each claimed teaching cell teaches. Authors run
``python -m workbench course concepts [UNIT…]`` (``--draft`` suggests ``[introduces]``
lines); ``tests/test_concepts.py`` checks every unit.

What counts as teaching (``introduces`` must point at such a cell):

- a markdown cell that names the concept: its last dotted part (``read_csv``,
  ``groupby``), or for syntax the keyword or its Japanese name (``for``, 内包表記,
  f文字列, アンパック: see ``SYNTAX_NAMES``);
- or a code cell that is not an exercise (neither solution nor test cell) and uses the
  concept; for syntax, the cell's comments or the markdown cell just before it must also
  name it, because a keyword shown without a word of explanation is not taught.

An exercise cell never teaches: an exercise may only require what came before it.
"""

from __future__ import annotations

import io
import re
import tokenize
import tomllib
from dataclasses import dataclass
from pathlib import Path

from workbench.concept_uses import SYNTAX, Cell, unit_cells, unit_uses
from workbench.errors import WorkbenchError

CONCEPTS_FILE = "concepts.toml"

# How a markdown cell (or a comment) names a syntax construct; ASCII words match whole.
SYNTAX_NAMES = {
    "for": ["for"],
    "while": ["while"],
    "if": ["if"],
    "elif": ["elif"],
    "if-expression": ["条件式", "conditional expression"],
    "def": ["def"],
    "return": ["return"],
    "lambda": ["lambda"],
    "list-comprehension": ["内包表記", "list comprehension"],
    "dict-comprehension": ["辞書内包表記", "dict comprehension"],
    "set-comprehension": ["集合内包表記", "set comprehension"],
    "generator-expression": ["ジェネレーター式", "generator expression"],
    "try": ["try"],
    "with": ["with"],
    "f-string": ["f文字列", "f-string", 'f"', "f'"],
    "import": ["import"],
    "class": ["class"],
    "assert": ["assert"],
    "raise": ["raise"],
    "break": ["break"],
    "continue": ["continue"],
    "global": ["global"],
    "del": ["del"],
    "walrus": [":="],
    "list": ["リスト", "list"],
    "dict": ["辞書", "dict"],
    "tuple-unpacking": ["アンパック", "複数の変数", "まとめて受け取"],
}


class ConceptMapError(WorkbenchError, ValueError):
    """A concepts.toml that cannot be read; the message names the file and the fix."""


@dataclass(frozen=True)
class ConceptMap:
    requires: tuple[str, ...]
    introduces: dict[str, str]  # concept → cell id


def read_map(unit_dir: Path) -> ConceptMap | None:
    """The unit's concepts.toml, or None when it has none."""
    path = unit_dir / CONCEPTS_FILE
    if not path.is_file():
        return None
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise ConceptMapError(f"{path} を読めません（TOML の書き方の誤り: {error}）。") from error
    requires, introduces = data.get("requires", []), data.get("introduces", {})
    unknown = set(data) - {"requires", "introduces"}
    if unknown or not isinstance(requires, list) or not isinstance(introduces, dict):
        raise ConceptMapError(
            f"{path} の形が違います。requires = [単元名, …] と [introduces] の表"
            f'（"概念" = "セルid"）だけを書いてください。'
        )
    return ConceptMap(tuple(requires), {str(k): str(v) for k, v in introduces.items()})


# --------------------------------------------------------------------------- checking


_CODE_SPANS = re.compile(r"```.*?```|`[^`\n]+`", re.DOTALL)


def _named(text: str, concept: str, markdown: bool = True) -> bool:
    """Whether ``text`` names ``concept``: ASCII names match as whole words.

    A function or method must be named as code (inside backticks) in markdown, so that
    prose such as "b.csv" or "T.TEST" does not count as teaching ``.b`` or ``.T``;
    syntax is named in prose too (内包表記, f文字列).
    """
    if concept in SYNTAX:
        names = SYNTAX_NAMES.get(concept, [concept])
    else:
        names = [concept.rsplit(".", 1)[-1]]
        if markdown:
            text = "\n".join(_CODE_SPANS.findall(text))
    for name in names:
        if name.isascii() and name.replace("_", "a").isalnum():
            if re.search(rf"(?<![A-Za-z0-9_]){re.escape(name)}(?![A-Za-z0-9_])", text):
                return True
        elif name in text:
            return True
    return False


def _comments(source: str) -> str:
    try:
        tokens = tokenize.generate_tokens(io.StringIO(source).readline)
        return "\n".join(t.string for t in tokens if t.type == tokenize.COMMENT)
    except (tokenize.TokenError, SyntaxError):
        return ""


def uses_by_cell(cells: list[Cell]) -> dict[str, set[str]]:
    """Cell id → the concepts its code uses, resolved through the unit's imports."""
    used: dict[str, set[str]] = {}
    for use in unit_uses(cells):
        used.setdefault(use.cell_id, set()).add(use.concept)
    return used


def teaching_problem(
    cells: list[Cell], concept: str, cell_id: str, used: dict[str, set[str]] | None = None
) -> str | None:
    """Why the cell ``cell_id`` does not teach ``concept``, or None when it does.

    ``used`` is ``uses_by_cell(cells)``, passed in when checking many concepts.
    """
    matches = [c for c in cells if c.id == cell_id]
    if not matches:
        return f"セル {cell_id} がありません"
    if len(matches) > 1:
        return f"セル id {cell_id} が単元の中で重複しています"
    cell = matches[0]
    if cell.kind == "markdown":
        return None if _named(cell.source, concept) else "この説明セルに名前が出てきません"
    if cell.exercise:
        return (
            "演習のセル（解答・確認）は教える場所になりません。"
            "演習より前に説明か例題を置いてください"
        )
    if concept not in (uses_by_cell(cells) if used is None else used).get(cell_id, set()):
        return "このコードセルで使われていません"
    if concept in SYNTAX:
        before = cells[cell.index - 1] if cell.index > 0 else None
        same_notebook = before is not None and before.notebook == cell.notebook
        explained = before.source if same_notebook and before.kind == "markdown" else ""
        context = _comments(cell.source) + "\n" + explained
        if not _named(context, concept):
            return "構文は、直前の説明セルかコメントで名前を挙げて説明してください"
    return None


def known_before(maps: dict[str, ConceptMap | None], unit: str) -> dict[str, str]:
    """Concept → unit, for everything the units in ``unit``'s requires introduce."""
    known: dict[str, str] = {}
    concept_map = maps.get(unit)
    for required in concept_map.requires if concept_map else ():
        for concept in (maps.get(required) or ConceptMap((), {})).introduces:
            known.setdefault(concept, required)
    return known


def violations(unit: str, cells: list[Cell], maps: dict[str, ConceptMap | None]) -> list[str]:
    """One Japanese line per use that comes before the concept is taught."""
    concept_map = maps.get(unit) or ConceptMap((), {})
    known = known_before(maps, unit)
    position = {c.id: c.index for c in cells}
    problems = []
    for use in unit_uses(cells):
        if use.concept in known:
            continue
        taught_at = position.get(concept_map.introduces.get(use.concept, ""), None)
        if taught_at is not None and taught_at <= use.cell_index:
            continue
        why = "まだ教えていません" if taught_at is None else "教えるセルより前で使っています"
        problems.append(
            f"{unit}/{use.notebook} セル {use.cell_id} {use.line}行目: 「{use.concept}」{why}"
        )
    return problems


def teaching_problems(unit: str, cells: list[Cell], concept_map: ConceptMap) -> list[str]:
    """One Japanese line per introduction in concepts.toml that teaches nothing."""
    problems, used = [], uses_by_cell(cells)
    for concept, cell_id in concept_map.introduces.items():
        why = teaching_problem(cells, concept, cell_id, used)
        if why:
            problems.append(f"{unit}/{CONCEPTS_FILE}: 「{concept}」= {cell_id}: {why}")
    return problems


def requires_problems(maps: dict[str, ConceptMap | None]) -> list[str]:
    """Units named in ``requires`` that do not exist, or are missing from the chain."""
    problems = []
    for unit, concept_map in maps.items():
        for required in concept_map.requires if concept_map else ():
            if required not in maps:
                problems.append(
                    f"{unit}/{CONCEPTS_FILE}: requires の単元「{required}」が courses/ にありません"
                    "（単元名の誤りか、その単元がまだ取り込まれていません）"
                )
            elif maps[required]:
                for deeper in sorted(set(maps[required].requires) - set(concept_map.requires)):
                    problems.append(
                        f"{unit}/{CONCEPTS_FILE}: 「{required}」が前提とする「{deeper}」も "
                        "requires に書いてください（requires は前に終えた単元すべてです）"
                    )
    return problems


def read_maps(root: Path, units: list[str]) -> dict[str, ConceptMap | None]:
    return {unit: read_map(root / unit) for unit in units}


def check_units(root: Path, units: list[str], only: list[str] | None = None) -> list[str]:
    """Every problem of the units ``only`` (default: all), one Japanese line each."""
    maps = read_maps(root, units)
    problems = [p for p in requires_problems(maps) if p.split("/")[0] in (only or units)]
    for unit in only or units:
        concept_map = maps[unit]
        if concept_map is None:
            problems.append(f"{unit}: {CONCEPTS_FILE} がありません")
            continue
        cells = unit_cells(root / unit)
        problems += teaching_problems(unit, cells, concept_map)
        if all(required in maps for required in concept_map.requires):
            problems += violations(unit, cells, maps)
    return problems


def draft(root: Path, units: list[str], unit: str) -> list[str]:
    """Suggested ``[introduces]`` lines for what ``unit`` uses but nobody introduces yet.

    Each concept gets the first cell of the unit that would pass ``teaching_problem``;
    a concept with no such cell is listed as a comment: teach it before its first use.
    The author still judges each line: the first cell that names a concept is not
    always the one that explains it.
    """
    maps = read_maps(root, units)
    known = known_before(maps, unit)
    introduced = maps[unit].introduces if maps.get(unit) else {}
    cells = unit_cells(root / unit)
    used = uses_by_cell(cells)
    lines, seen = [], set()
    for use in unit_uses(cells):
        concept = use.concept
        if concept in known or concept in introduced or concept in seen:
            continue
        seen.add(concept)
        teacher = next(
            (c for c in cells if c.id and teaching_problem(cells, concept, c.id, used) is None),
            None,
        )
        if teacher is None:
            first = f"最初の使用: セル {use.cell_id}"
            lines.append(f"# 「{concept}」: 教えるセルがありません（{first}）")
        else:
            late = "" if teacher.index <= use.cell_index else f"  # 使用（{use.cell_id}）より後"
            lines.append(f'"{concept}" = "{teacher.id}"{late}')
    return lines
