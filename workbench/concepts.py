"""The course's concept map: what each unit's code uses, and what each unit teaches.

Every unit folder may hold ``concepts.toml``::

    requires = ["00_python_basics", "01_excel_basics"]   # units done before (transitively)
    [introduces]
    "for" = "cell-012"              # syntax construct → the cell id that teaches it
    "print" = "cell-003"            # builtin by name
    "pandas.read_csv" = "cell-020"  # module function, resolved through the imports
    ".groupby" = "cell-031"         # method/attribute by name (the receiver is unknown)

:func:`unit_uses` parses every code cell of a unit (AST) and returns each concept used,
with notebook, cell id and line; :func:`violations` says which uses come before their
introduction, and :func:`teaching_problems` which claimed introductions teach nothing.
``tests/test_concepts.py`` runs both for every unit.

What counts as a use (the learner must be able to read or write it):

- every code cell the learner reads, including locked set-up cells and the worked
  examples, and the solution region of an exercise cell: the solution is what the
  exercise requires the learner to write;
- not the autograded test cells (nbgrader ``grade`` without ``solution``): the ✅/❌ check
  calls into ``workbench.checks`` and the hidden tests are instructor code the learner
  runs but need not understand; hidden-test regions are skipped wherever they occur;
- IPython magics and ``!`` shell lines are not Python and are skipped (line numbers kept).

What counts as teaching (``introduces`` must point at such a cell):

- a markdown cell that names the concept (its last dotted part, e.g. ``read_csv``, or for
  syntax the keyword or its Japanese name, e.g. ``for``, 内包表記, f文字列);
- or a code cell that is not an exercise (neither solution nor test) and uses the
  concept; for syntax, the cell's comments or the markdown cell just before it must also
  name it, because a keyword shown without a word of explanation is not taught.
"""

from __future__ import annotations

import ast
import builtins
import io
import json
import re
import tokenize
import tomllib
from dataclasses import dataclass
from pathlib import Path

from workbench.errors import WorkbenchError

CONCEPTS_FILE = "concepts.toml"
HIDDEN_BEGIN, HIDDEN_END = "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"

# Syntax constructs: AST node type → concept name.
SYNTAX_NODES = {
    ast.For: "for",
    ast.While: "while",
    ast.IfExp: "if-expression",
    ast.FunctionDef: "def",
    ast.Return: "return",
    ast.Lambda: "lambda",
    ast.ListComp: "list-comprehension",
    ast.DictComp: "dict-comprehension",
    ast.SetComp: "set-comprehension",
    ast.GeneratorExp: "generator-expression",
    ast.Try: "try",
    ast.With: "with",
    ast.JoinedStr: "f-string",
    ast.Import: "import",
    ast.ImportFrom: "import",
    ast.ClassDef: "class",
    ast.Assert: "assert",
    ast.Raise: "raise",
    ast.Break: "break",
    ast.Continue: "continue",
    ast.Global: "global",
    ast.Delete: "del",
    ast.NamedExpr: "walrus",
    ast.List: "list",
    ast.Dict: "dict",
}
SYNTAX = frozenset(SYNTAX_NODES.values()) | {"if", "elif", "tuple-unpacking"}

# How a markdown cell (or a comment) names a syntax construct; ASCII words match whole.
SYNTAX_NAMES = {
    "for": ["for"],
    "while": ["while"],
    "if": ["if"],
    "elif": ["elif"],
    "if-expression": ["if", "条件式"],
    "def": ["def"],
    "return": ["return"],
    "lambda": ["lambda"],
    "list-comprehension": ["内包表記", "comprehension"],
    "dict-comprehension": ["内包表記", "comprehension"],
    "set-comprehension": ["内包表記", "comprehension"],
    "generator-expression": ["内包表記", "ジェネレーター式", "generator"],
    "try": ["try"],
    "with": ["with"],
    "f-string": ["f文字列", "f-string", "f\"", "f'"],
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
    "tuple-unpacking": ["アンパック", "タプル", "複数の変数", "まとめて受け取"],
}

_BUILTINS = frozenset(dir(builtins)) - {"True", "False", "None", "__name__", "__doc__"}


class ConceptMapError(WorkbenchError, ValueError):
    """A concepts.toml that cannot be read; the message names the file and the fix."""


@dataclass(frozen=True)
class Cell:
    notebook: str  # file name inside the unit folder
    index: int  # position in the unit: notebook file order, then cell order
    id: str
    kind: str  # "code" or "markdown"
    source: str
    exercise: bool  # an nbgrader solution or test cell
    instructor: bool  # an autograded test cell: not read as learner code


@dataclass(frozen=True)
class Use:
    concept: str
    notebook: str
    cell_id: str
    cell_index: int
    line: int


@dataclass(frozen=True)
class ConceptMap:
    requires: tuple[str, ...]
    introduces: dict[str, str]  # concept → cell id


# --------------------------------------------------------------------------- reading


def unit_cells(unit_dir: Path) -> list[Cell]:
    """All cells of a unit's notebooks, in notebook file order then cell order."""
    cells: list[Cell] = []
    for path in sorted(p for p in unit_dir.glob("*.ipynb")):
        notebook = json.loads(path.read_text(encoding="utf-8"))
        for cell in notebook["cells"]:
            grading = cell.get("metadata", {}).get("nbgrader", {})
            source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
            cells.append(
                Cell(
                    notebook=path.name,
                    index=len(cells),
                    id=cell.get("id", ""),
                    kind=cell["cell_type"],
                    source=source,
                    exercise=bool(grading.get("solution") or grading.get("grade")),
                    instructor=bool(grading.get("grade") and not grading.get("solution")),
                )
            )
    return cells


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
            f"（\"概念\" = \"セルid\"）だけを書いてください。"
        )
    return ConceptMap(tuple(requires), {str(k): str(v) for k, v in introduces.items()})


# --------------------------------------------------------------------------- parsing


def learner_code(source: str) -> str:
    """The cell's Python as the learner reads it: magics blanked, hidden tests removed.

    Line numbers are kept, so a use reports the line the author sees.
    """
    lines = source.splitlines()
    if lines and lines[0].lstrip().startswith("%%"):
        return ""  # a cell magic: the body is not Python
    kept, hidden = [], False
    for line in lines:
        stripped = line.strip()
        if stripped.startswith(HIDDEN_BEGIN):
            hidden = True
        blank = hidden or stripped.startswith(("%", "!")) or stripped.endswith("?")
        kept.append("" if blank else line)
        if stripped.startswith(HIDDEN_END):
            hidden = False
    return "\n".join(kept)


class _Collector(ast.NodeVisitor):
    """Concepts used in one cell, given the module aliases the unit has imported so far."""

    def __init__(self, aliases: dict[str, str], defined: set[str]) -> None:
        self.aliases = aliases  # local name → dotted module path (or module.function)
        self.defined = defined  # names the notebook assigns, defines or imports
        self.found: list[tuple[str, int]] = []

    def add(self, concept: str, node: ast.AST) -> None:
        self.found.append((concept, getattr(node, "lineno", 1)))

    def generic_visit(self, node: ast.AST) -> None:
        concept = SYNTAX_NODES.get(type(node))
        if concept:
            self.add(concept, node)
        super().generic_visit(node)

    def visit_If(self, node: ast.If) -> None:
        self.add("if", node)
        self._visit_if_body(node)

    def _visit_if_body(self, node: ast.If) -> None:
        self.visit(node.test)
        for child in node.body:
            self.visit(child)
        orelse = node.orelse
        # `elif` is an If alone in the parent's else, starting at the parent's column.
        if len(orelse) == 1 and isinstance(orelse[0], ast.If):
            if orelse[0].col_offset == node.col_offset:
                self.add("elif", orelse[0])
                self._visit_if_body(orelse[0])
                return
        for child in orelse:
            self.visit(child)

    def visit_Import(self, node: ast.Import) -> None:
        self.add("import", node)
        for alias in node.names:
            if alias.asname:
                self.aliases[alias.asname] = alias.name
            else:
                root = alias.name.split(".")[0]
                self.aliases[root] = root

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        self.add("import", node)
        for alias in node.names:
            self.aliases[alias.asname or alias.name] = f"{node.module}.{alias.name}"

    def _targets(self, target: ast.AST) -> None:
        if isinstance(target, (ast.Tuple, ast.List)):
            self.add("tuple-unpacking", target)
        for node in ast.walk(target):
            if isinstance(node, ast.Name):
                self.defined.add(node.id)
                self.aliases.pop(node.id, None)  # a reassigned alias is a plain variable

    def visit_Assign(self, node: ast.Assign) -> None:
        for target in node.targets:
            self._targets(target)
        self.generic_visit(node)

    def visit_For(self, node: ast.For) -> None:
        self._targets(node.target)
        self.generic_visit(node)

    def visit_comprehension(self, node: ast.comprehension) -> None:
        self._targets(node.target)
        self.generic_visit(node)

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        self.defined.add(node.name)
        for arg in node.args.args + node.args.kwonlyargs:
            self.defined.add(arg.arg)
        self.generic_visit(node)

    def visit_Lambda(self, node: ast.Lambda) -> None:
        for arg in node.args.args:
            self.defined.add(arg.arg)
        self.generic_visit(node)

    def visit_Name(self, node: ast.Name) -> None:
        if isinstance(node.ctx, ast.Load):
            if node.id in self.aliases and "." in self.aliases[node.id]:
                self.add(self.aliases[node.id], node)  # from x import f; f(...)
            elif node.id in _BUILTINS and node.id not in self.defined:
                self.add(node.id, node)

    def visit_Attribute(self, node: ast.Attribute) -> None:
        chain, root = [node.attr], node.value
        while isinstance(root, ast.Attribute):
            chain.append(root.attr)
            root = root.value
        if isinstance(root, ast.Name) and root.id in self.aliases:
            self.add(".".join([self.aliases[root.id], *reversed(chain)]), node)
            return
        self.add("." + node.attr, node)
        self.visit(node.value)


def cell_uses(cell: Cell, aliases: dict[str, str], defined: set[str]) -> list[tuple[str, int]]:
    """(concept, line) for every use in a code cell; updates ``aliases`` and ``defined``.

    A cell that does not parse yields nothing (nbval shows such a cell failing anyway).
    """
    try:
        tree = ast.parse(learner_code(cell.source))
    except SyntaxError:
        return []
    collector = _Collector(aliases, defined)
    collector.visit(tree)
    return collector.found


def unit_uses(cells: list[Cell]) -> list[Use]:
    """Every concept used by the learner's code of a unit, in reading order.

    Instructor test cells are parsed too (their imports and names still exist in the
    kernel), but their uses are not reported.
    """
    aliases: dict[str, str] = {}
    defined: set[str] = set()
    uses: list[Use] = []
    for cell in cells:
        if cell.kind != "code":
            continue
        found = cell_uses(cell, aliases, defined)
        if cell.instructor:
            continue
        uses.extend(Use(c, cell.notebook, cell.id, cell.index, line) for c, line in found)
    return uses


# --------------------------------------------------------------------------- checking


def _named(text: str, concept: str) -> bool:
    """Whether ``text`` names ``concept`` (ASCII names match as whole words)."""
    if concept in SYNTAX:
        names = SYNTAX_NAMES.get(concept, [concept])
    else:
        names = [concept.rsplit(".", 1)[-1]]
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


def teaching_problem(cells: list[Cell], concept: str, cell_id: str) -> str | None:
    """Why the cell ``cell_id`` does not teach ``concept``, or None when it does."""
    matches = [c for c in cells if c.id == cell_id]
    if not matches:
        return f"セル {cell_id} がありません"
    if len(matches) > 1:
        return f"セル id {cell_id} が単元の中で重複しています"
    cell = matches[0]
    if cell.kind == "markdown":
        return None if _named(cell.source, concept) else "この説明セルに名前が出てきません"
    if cell.exercise:
        return "演習のセル（解答・確認）は教える場所になりません。演習より前に説明か例題を置いてください"
    used = {c for c, _ in cell_uses(cell, {}, set())}
    # Module paths depend on the unit's imports; compare the last dotted part too.
    short = concept.rsplit(".", 1)[-1]
    if concept not in used and not any(u.rsplit(".", 1)[-1] == short for u in used):
        return "このコードセルで使われていません"
    if concept in SYNTAX:
        before = [c for c in cells[: cell.index] if c.kind == "markdown"][-1:]
        context = _comments(cell.source) + "\n" + "".join(c.source for c in before)
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
            f"{unit}/{use.notebook} セル {use.cell_id} {use.line}行目: "
            f"「{use.concept}」{why}"
        )
    return problems


def teaching_problems(unit: str, cells: list[Cell], concept_map: ConceptMap) -> list[str]:
    """One Japanese line per introduction in concepts.toml that teaches nothing."""
    problems = []
    for concept, cell_id in concept_map.introduces.items():
        why = teaching_problem(cells, concept, cell_id)
        if why:
            problems.append(f"{unit}/{CONCEPTS_FILE}: 「{concept}」= {cell_id}: {why}")
    return problems
