"""Hidden tests: what a test cell hides, and whether learner-facing text could reveal it.

nbgrader's ClearHiddenTests removes the region between the hidden-test delimiters from
released notebooks; autograded notebooks still hold it, with its tracebacks and outputs.
Everything a learner is shown about a test cell goes through this module: the failure is
classified as visible / hidden / grader, and any text is checked against the hidden
region's lines, literals and the global names it binds.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable
from dataclasses import dataclass

from IPython.core.inputtransformer2 import TransformerManager

from workbench.grading.faults import EXPLANATIONS, LABELS

HIDDEN_BEGIN = "BEGIN HIDDEN TESTS"
HIDDEN_END = "END HIDDEN TESTS"

GENERIC_HIDDEN = "採点用の追加テストで不正解でした（見えているチェックは通過しています）"
GENERIC_UNKNOWN = (
    "このテストで不正解でした。JupyterLab で確認セルを実行し、表示されるヒントを確認しましょう。"
)
MAX_MESSAGE_CHARS = 400

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
#: IPython >= 8.5 ``Cell In[12], line 21``; 8.0-8.4 ``Input In [12], in <cell line: 21>``.
FRAME_PATTERNS = (
    re.compile(r"Cell In\s*\[(\d*)\], line (\d+)"),
    re.compile(r"Input In \[(\d*)\].*?<cell line: (\d+)>"),
)

#: Ways to read the grader's namespace or input history from a learner cell. Names are
#: matched as identifiers that are not attributes (``df.eval`` is fine).
INTROSPECTION_NAMES = frozenset(
    {
        "In", "Out", "_ih", "_oh", "_dh", "_i", "_ii", "_iii", "_", "__", "___",
        "globals", "locals", "vars", "get_ipython", "__builtins__", "__import__",
        "builtins", "eval", "exec", "compile", "getattr", "inspect", "gc", "sys",
        "importlib", "__main__", "breakpoint", "pdb", "traceback", "dis",
    }
)  # fmt: skip
#: The same, but matched anywhere (attributes of frames, shells, modules).
INTROSPECTION_ATTRIBUTES = frozenset(
    {
        "__dict__", "__globals__", "__code__", "__closure__", "f_globals", "f_locals",
        "f_back", "f_code", "tb_frame", "_getframe", "user_ns", "user_global_ns",
        "history_manager", "input_hist_raw", "input_hist_parsed", "__subclasses__",
        "ev", "ex", "run_cell", "run_line_magic", "run_cell_magic", "magic", "getoutput",
        "user_expressions", "get_ipython",
    }
)  # fmt: skip
MAGICS = re.compile(r"^\s*(!|%{1,2}(hist|history|recall|rerun|who|whos|who_ls|save|"
                    r"pastebin|load|store|edit|macro|psource|pfile|pinfo2?|pdef|pdoc|run|"
                    r"debug|tb|xmode|env|system|sx|sc|bash|sh|script|writefile)\b)",
                    re.MULTILINE)  # fmt: skip
_IPYTHON_TRANSFORMER = TransformerManager()
HIDDEN_NUMBER_DIGITS = 4
HIDDEN_STRING_CHARS = 6
HIDDEN_LINE_CHARS = 12
HIDDEN_NAME_CHARS = 4


@dataclass(frozen=True)
class TestSource:
    """A test cell's source split as nbgrader's ClearHiddenTests splits it."""

    visible: str
    hidden: str
    hidden_lines: frozenset[int]  # 1-based line numbers of the full source (as IPython counts)


def split_hidden(source: str, begin: str = HIDDEN_BEGIN, end: str = HIDDEN_END) -> TestSource:
    """Separate the hidden region(s) from a test cell, including the delimiter lines."""
    visible, hidden, hidden_lines = [], [], set()
    inside = False
    for number, line in enumerate(source.split("\n"), start=1):
        if begin in line:
            inside = True
        if inside:
            hidden.append(line)
            hidden_lines.add(number)
        else:
            visible.append(line)
        if end in line:
            inside = False
    return TestSource("\n".join(visible).rstrip(), "\n".join(hidden), frozenset(hidden_lines))


def _global_names(tree: ast.AST, lines: frozenset[int]) -> set[str]:
    """Names a hidden region binds in the notebook's global namespace."""
    names: set[str] = set()
    scoped = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda, ast.ListComp,
              ast.SetComp, ast.DictComp, ast.GeneratorExp)  # fmt: skip

    def visit(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if getattr(child, "lineno", None) in lines:
                if isinstance(child, ast.Name) and isinstance(child.ctx, ast.Store):
                    names.add(child.id)
                elif isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                    names.add(child.name)
            if not isinstance(child, scoped):
                visit(child)

    visit(tree)
    return names


def _identifiers(text: str) -> set[str]:
    return set(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", text))


class HiddenTestGuard:
    """Recognises hidden test content of one notebook in learner-facing text.

    ``visible`` is everything the learner received anyway (the released cells); a
    fragment that also occurs there is not a secret.
    """

    def __init__(self, tests: Iterable[tuple[str, TestSource]], visible: str):
        self.lines: set[str] = {HIDDEN_BEGIN, HIDDEN_END}
        self.literals: set[str] = set()
        self.names: set[str] = set()
        visible_names = _identifiers(visible)
        for source, test in tests:
            if not test.hidden_lines:
                continue
            for line in test.hidden.split("\n"):
                stripped = line.strip()
                if len(stripped) >= HIDDEN_LINE_CHARS and stripped not in visible:
                    self.lines.add(stripped)
            try:
                tree = ast.parse(source)
            except SyntaxError:
                continue
            for node in ast.walk(tree):
                if getattr(node, "lineno", None) not in test.hidden_lines:
                    continue
                if isinstance(node, ast.Constant):
                    if isinstance(node.value, str):
                        text = node.value.strip()
                        if len(text) >= HIDDEN_STRING_CHARS and text not in visible:
                            self.literals.add(text)
                    elif isinstance(node.value, int | float) and not isinstance(node.value, bool):
                        text = repr(node.value)
                        digits = sum(ch.isdigit() for ch in text)
                        if digits >= HIDDEN_NUMBER_DIGITS and text not in visible:
                            self.literals.add(text)
            self.names |= _global_names(tree, test.hidden_lines) - visible_names
        self._reaches: dict[str, bool] = {}
        long_names = sorted(n for n in self.names if len(n) >= HIDDEN_NAME_CHARS)
        alternatives = "|".join(map(re.escape, long_names))
        self._name_pattern = (
            re.compile(rf"(?<![A-Za-z0-9_])({alternatives})(?![A-Za-z0-9_])")
            if long_names
            else None
        )

    def leaks(self, text: str) -> bool:
        """Whether ``text`` quotes hidden test code, its literals or its variable names."""
        if not text:
            return False
        variants = {text, text.replace('\\"', '"').replace("\\'", "'").replace("\\\\", "\\")}
        for candidate in variants:
            if any(fragment in candidate for fragment in self.lines | self.literals):
                return True
            if self._name_pattern and self._name_pattern.search(candidate):
                return True
        return False

    def reaches_grader_state(self, code: str) -> bool:
        """Whether learner ``code`` could read hidden tests or their variables (cached:
        across a cohort many learners hand in the same cell)."""
        known = self._reaches.get(code)
        if known is None:
            if len(self._reaches) > 50_000:
                self._reaches.clear()
            known = self._reaches[code] = self._reaches_grader_state(code)
        return known

    def _reaches_grader_state(self, code: str) -> bool:
        """Whether learner ``code`` could read hidden tests or their variables.

        Decided on the parsed code, not on its text: only names the code actually reads
        (``print(_answer)``, ``In``, ``globals()``), attributes it follows, modules it
        imports and strings that name an introspection attribute count. ``_`` inside a
        Japanese name (``"処理時間_分"``) or an assignment target (``a, _ = f()``) does not.
        """
        if MAGICS.search(code) or re.search(r"\?\s*$", code, re.MULTILINE):
            return True
        try:
            tree = ast.parse(code)
        except (SyntaxError, ValueError):
            tree = None
        try:
            # IPython syntax (magics, ``!``, ``?``) is never plain Python: parse what IPython
            # runs instead, where a magic becomes get_ipython().run_*_magic(...)
            tree = tree or ast.parse(_IPYTHON_TRANSFORMER.transform_cell(code))
        except (SyntaxError, ValueError):
            # IPython ran nothing of a cell that does not parse: its only output is the
            # SyntaxError, which ``leaks`` still screens.
            return False
        forbidden = INTROSPECTION_NAMES | self.names
        for node in ast.walk(tree):
            if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Store):
                if node.id in forbidden or node.id in INTROSPECTION_ATTRIBUTES:
                    return True
                if re.fullmatch(r"_i{0,3}\d+|_i{1,3}|_+", node.id):
                    return True
            elif isinstance(node, ast.Call) and not (node.args or node.keywords):
                # dir() without arguments lists the namespace, hidden names included
                if isinstance(node.func, ast.Name) and node.func.id == "dir":
                    return True
            elif isinstance(node, ast.Attribute) and node.attr in INTROSPECTION_ATTRIBUTES:
                return True
            elif isinstance(node, ast.Import | ast.ImportFrom):
                modules = [alias.name for alias in node.names]
                if isinstance(node, ast.ImportFrom):
                    modules = [node.module or ""] + modules
                for module in modules:
                    if module.split(".")[0] in forbidden | INTROSPECTION_ATTRIBUTES:
                        return True
            elif isinstance(node, ast.Constant) and isinstance(node.value, str):
                # getattr-free ways to follow a string: attrgetter("__globals__"), etc.
                if _identifiers(node.value) & (INTROSPECTION_ATTRIBUTES | self.names):
                    return True
        return False


@dataclass(frozen=True)
class Failure:
    """How a test cell failed. ``where`` is "visible", "hidden", "unknown" or "grader"."""

    where: str
    ename: str
    message: str  # the learner-facing line (for "visible"), else the raw last line


def text_of(value) -> str:
    return "".join(value) if isinstance(value, list) else str(value or "")


def _last_line(text: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return lines[-1] if lines else ""


def stream_text(cell: dict) -> str:
    return "".join(
        text_of(o.get("text")) for o in cell.get("outputs", []) if o.get("output_type") == "stream"
    )


def failure_of(cell: dict, test: TestSource) -> Failure | None:
    """Classify the first error of an executed test cell; None when it raised nothing."""
    errors = [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]
    if not errors:
        return None
    error = errors[0]
    ename = str(error.get("ename") or "")
    message = _last_line(text_of(error.get("evalue")))
    if ename in LABELS.values():
        return Failure("grader", ename, message)
    count = cell.get("execution_count")
    traceback = ANSI.sub("", "\n".join(text_of(line) for line in error.get("traceback") or []))
    frames = [
        int(line)
        for pattern in FRAME_PATTERNS
        for number, line in pattern.findall(traceback)
        if count is None or not number or int(number) == count
    ]
    if frames:
        where = "hidden" if any(line in test.hidden_lines for line in frames) else "visible"
    elif any(line.strip().startswith("✅") for line in stream_text(cell).splitlines()):
        where = "hidden"  # the visible checks got as far as their success line
    elif not test.hidden_lines:
        where = "visible"
    else:
        where = "unknown"
    return Failure(where, ename, message)


def _grader_message(ename: str) -> str:
    for fault, label in LABELS.items():
        if label == ename:
            return (
                f"❌ 採点時の問題（{label}）のため、このテストは正しく実行できませんでした。"
                + EXPLANATIONS[fault]
            )
    return "❌ このテストは正しく実行できませんでした。"


def learner_message(failure: Failure, guard: HiddenTestGuard) -> str:
    """The one line a learner may read about a failed test."""
    if failure.where == "grader":
        return _grader_message(failure.ename)
    if failure.where == "hidden":
        return f"❌ {GENERIC_HIDDEN}"
    if failure.where == "unknown":
        return f"❌ {GENERIC_UNKNOWN}"
    if failure.ename in ("CellTimeout", "MemoryError", "KeyboardInterrupt"):
        label = "メモリ上限" if failure.ename == "MemoryError" else "タイムアウト"
        return f"❌ 採点時の問題（{label}）のため、このテストは0点です。"
    if failure.ename in ("AssertionError", "CheckFailed"):
        text = failure.message
        if not text:
            text = "❌ 確認セルのチェックで不正解でした。"
        elif not text.startswith("❌"):
            text = f"❌ {text}"
    else:
        detail = f"{failure.ename}: {failure.message}" if failure.message else failure.ename
        text = (
            f"❌ 確認セルの実行中にエラーが起きました（{detail}）。"
            "上の演習セルで作った変数の形や型を確認しましょう。"
        )
    if len(text) > MAX_MESSAGE_CHARS:
        text = text[:MAX_MESSAGE_CHARS] + "…"
    return f"❌ {GENERIC_UNKNOWN}" if guard.leaks(text) else text
