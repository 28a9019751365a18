"""What a unit's code uses: every concept in every code cell a learner reads (AST).

A concept is a syntax construct (``for``, ``lambda``, ``list-comprehension`` …: see
``SYNTAX_NODES``, plus ``if``, ``elif`` and ``tuple-unpacking``), a builtin by name
(``print``), a module function or attribute resolved through the unit's imports
(``pd.read_csv`` → ``pandas.read_csv``; ``from scipy import stats`` then
``stats.ttest_ind`` → ``scipy.stats.ttest_ind``), or any other attribute by name with a
leading dot (``.groupby``: the AST cannot know the receiver's type, so a pandas
``.values`` and a dict's ``.values`` are one concept).

What counts as a use (the learner must be able to read or write it):

- every code cell the learner reads, including locked set-up cells and the worked
  examples, and the whole of an exercise cell: its solution region is what the exercise
  requires the learner to write, and the lines around it are what the learner reads;
- not the autograded test cells (nbgrader ``grade`` without ``solution``): the ✅/❌ check
  calls into ``workbench.checks`` and the hidden tests are instructor code the learner
  runs but need not understand; hidden-test regions are skipped wherever they occur.
  Their imports still count as imported for the cells after them;
- IPython magics, ``!`` shell lines and ``obj?`` help lines are not Python and are
  blanked (line numbers kept); a cell that does not parse is reported, never skipped.
"""

from __future__ import annotations

import ast
import builtins
import json
from dataclasses import dataclass
from pathlib import Path

HIDDEN_BEGIN, HIDDEN_END = "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"
UNPARSED = "（Python として解析できないコード）"

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
_BUILTINS = frozenset(dir(builtins)) - {"True", "False", "None", "__name__", "__doc__"}


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

    A cell that does not parse yields ``UNPARSED`` at the error's line, which nothing
    introduces: a cell the check cannot read must not pass silently.
    """
    try:
        tree = ast.parse(learner_code(cell.source))
    except SyntaxError as error:
        return [(UNPARSED, error.lineno or 1)]
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
