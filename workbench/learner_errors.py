"""Japanese explanations of the errors a first-time programmer meets in pandas code.

Loaded only in the learner's kernel: ``lab.write_learner_config`` writes an IPython
profile whose kernel config loads this module as an extension, and ``lab.learner_launch``
points ``IPYTHONDIR`` at it. Graders (nbgrader autograde, ``workbench grade``) run
notebooks without that profile, so the explanations never appear in graded outputs.

When one of the errors in :data:`PATTERNS` happens in a learner's cell, a short box (何が
起きたか / よくある原因 / 直し方) is displayed just above the usual traceback. The hook
only adds that box: the exception, its traceback and the cell's ``error`` output are left
exactly as IPython makes them, and a failure inside the hook is ignored. Chained
assignment is a warning, not an exception, so ``warnings.showwarning`` is wrapped the
same way.
"""

from __future__ import annotations

import builtins
import difflib
import os
import pkgutil
import re
import unicodedata
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from workbench.learner_error_box import show

#: Set while nbgrader executes a notebook (Validate, autograde): no explanations then.
NBGRADER_ENV = "NBGRADER_EXECUTION"


@dataclass(frozen=True)
class Explanation:
    """What a learner reads above the traceback."""

    what: str  # 何が起きたか
    cause: str  # よくある原因
    fix: str  # 直し方
    key: str = ""  # which pattern of PATTERNS explained it
    kind: str = "エラー"  # or 警告 (a warning: the cell went on)


# --- helpers the patterns share ---------------------------------------------------------


def _close(word: str, candidates, n: int = 3, cutoff: float = 0.6) -> list[str]:
    """Names close to ``word``; ignores full-/half-width and case differences first."""
    names = [str(c) for c in candidates]

    def key(text: str) -> str:
        return unicodedata.normalize("NFKC", text).strip().casefold()

    same = [c for c in names if key(c) == key(word) and c != word]
    return (same + [c for c in difflib.get_close_matches(word, names, n=n, cutoff=cutoff)])[:n]


def _quoted(names) -> str:
    return "、".join(f"'{name}'" for name in names)


def _frames(error: BaseException):
    traceback = error.__traceback__
    while traceback is not None:
        yield traceback.tb_frame
        traceback = traceback.tb_next


def _pandas_object(error: BaseException, kinds: tuple[str, ...]):
    """The DataFrame (or Series) a pandas method was working on when ``error`` was raised."""
    try:
        import pandas as pd
    except ImportError:
        return None
    wanted = tuple(getattr(pd, kind) for kind in kinds)
    for frame in _frames(error):
        if "pandas" not in frame.f_code.co_filename:
            continue
        for name in ("self", "obj"):
            value = frame.f_locals.get(name)
            value = getattr(value, "obj", value)  # .loc / .iloc indexers hold the table
            if isinstance(value, wanted):
                return value
    return None


def _message(error: BaseException) -> str:
    if isinstance(error, SyntaxError):
        return str(error.msg or "")
    return str(error)


# --- one function per pattern: None when the error is not that mistake -----------------


def _column_name(error: KeyError, match, namespace) -> Explanation | None:
    table = _pandas_object(error, ("DataFrame",))
    if table is None:
        return None  # a dict or a Series label: not a column name
    asked = error.args[0] if error.args else ""
    if isinstance(asked, str) and " not in index" in asked:
        asked = asked.split(" not in index")[0].strip("[]'\" ")
    asked = str(asked)
    columns = [str(c) for c in table.columns]
    near = _close(asked, columns)
    listed = "、".join(columns[:15]) + (" …" if len(columns) > 15 else "")
    fix = f"近い列名: {_quoted(near)}。" if near else ""
    return Explanation(
        f"表に列 '{asked}' がありません（KeyError）。",
        "列名のつづり違い、前後の空白、全角と半角の違い、または別の表の列名を使っています。",
        fix + f"今ある列: {listed}（df.columns で確認できます）。列名はコピーして貼ると確実です。",
    )


def _encoding(error: UnicodeDecodeError, match, namespace) -> Explanation:
    return Explanation(
        f"ファイルの文字コードが {match.group(1)} ではないため、読み込めませんでした"
        "（UnicodeDecodeError）。",
        "Excel や役所のシステムが保存した日本語の CSV は cp932（Windows の Shift_JIS）"
        "であることが多く、shift_jis では「髙」「①」などの文字が読めません。",
        'pd.read_csv(パス, encoding="cp932") のように encoding="cp932" を付けて読み込みましょう。',
    )


def _assign_for_compare(error: SyntaxError, match, namespace) -> Explanation:
    return Explanation(
        "「等しいか」を調べるところに = を書いています（SyntaxError）。",
        "= は変数に値を入れる「代入」、== は2つが等しいかを調べる「比較」です。",
        'df[df["列名"] == 値] や if x == 10: のように、条件には == を使いましょう。',
    )


def _full_width(error: SyntaxError, match, namespace) -> Explanation:
    character = f"文字 '{match.group('char')}' " if match.group("char") else "スペース"
    return Explanation(
        f"コードに全角の{character}が入っています（SyntaxError）。",
        "日本語入力のまま、スペース・かっこ・記号・数字を全角で打っています。",
        "コードの記号とスペースは半角で書きます。日本語入力をオフにして打ち直しましょう"
        "（文字列の中と # のあとのコメントは全角でも構いません）。",
    )


def _indentation(error: IndentationError, match, namespace) -> Explanation:
    return Explanation(
        "字下げ（行の先頭の空白）が合っていません（IndentationError）。",
        "for・if・def の行（: で終わる行）の次は字下げが必要です。"
        "それ以外の行の先頭に余分な空白がある場合にも起きます。",
        "ブロックの中の行は半角スペース4つ（Tab キー）でそろえ、"
        "それ以外の行は行の先頭に空白を入れないようにしましょう。",
    )


def _text_and_number(error: Exception, match, namespace) -> Explanation:
    value = match.group("value") or match.group("value2")
    what = (
        f"文字列 {value} を数値にできませんでした（{type(error).__name__}）。"
        if value
        else f"文字列と数値を一緒に計算しようとしました（{type(error).__name__}）。"
    )
    return Explanation(
        what,
        "CSV の数値がカンマ（1,234）・全角数字・単位（人、円）付きで文字列のまま読み込まれたか、"
        '"10" のように引用符で囲んだ値を使っています。',
        'df.dtypes で列の型を確かめましょう。カンマ付きなら pd.read_csv(..., thousands=",")、'
        'それ以外は pd.to_numeric(df["列名"], errors="coerce") で数値にします。'
        '文字としてつなぎたいときは str(数値) か f"...{数値}" を使います。',
    )


#: Names learners usually get from an import cell, and the line that defines them.
IMPORT_LINES = {
    "pd": "import pandas as pd",
    "np": "import numpy as np",
    "plt": "import matplotlib.pyplot as plt",
    "checks": "from workbench import checks",
    "datasets": "from workbench import datasets",
}
IPYTHON_NAMES = {"In", "Out", "exit", "quit", "get_ipython"}


def _name(error: NameError, match, namespace) -> Explanation:
    name = match.group(1)
    if name in IMPORT_LINES:
        fix = f"{IMPORT_LINES[name]} と書いた準備のセル（ノートブックの最初の方）を実行しましょう。"
    else:
        known = [n for n in namespace if not n.startswith("_") and n not in IPYTHON_NAMES]
        near = _close(name, known + dir(builtins))
        fix = (f"近い名前: {_quoted(near)}。" if near else "") + (
            f"{name} を作るセルを探して実行するか、つづりを直しましょう。"
            "カーネルを再起動した後は、上のセルから順に実行し直します。"
        )
    return Explanation(
        f"'{name}' という名前（変数・関数）がまだありません（NameError）。",
        "それを作るセル（上のセル）をまだ実行していないか、名前のつづりが違います。",
        fix,
    )


def _file(error: FileNotFoundError, match, namespace) -> Explanation:
    path = str(error.filename)
    folder, base = os.path.split(path)
    try:
        entries = os.listdir(folder or ".")
    except OSError:
        entries = []
    near = _close(base, entries)
    cwd = os.getcwd()
    return Explanation(
        f"ファイル '{path}' が見つかりません（FileNotFoundError）。",
        "ファイル名や拡張子（.csv と .xlsx）のつづり違いか、ファイルが別のフォルダにあります。"
        f"フォルダを書かない名前は、今のフォルダ（{cwd}）の中で探されます。",
        (f"近いファイル: {_quoted(near)}。" if near else "")
        + "左のファイルブラウザで場所と名前を確かめましょう。"
        '単元のデータは datasets.path("データ名") で場所を得られます。',
    )


def _module(error: ModuleNotFoundError, match, namespace) -> Explanation:
    name = match.group(1)
    top = name.split(".")[0]
    installed = [module.name for module in pkgutil.iter_modules()]
    # Many modules are installed: only very close names are worth showing.
    near = [n for n in _close(top, installed, n=2, cutoff=0.8) if n != top]
    return Explanation(
        f"モジュール '{name}' が見つかりません（ModuleNotFoundError）。",
        "import の名前のつづり違い（pandas、numpy、matplotlib.pyplot など）か、"
        "この研修環境に入っていないライブラリです。",
        (f"近い名前: {_quoted(near)}。" if near else "")
        + "研修環境には自分でライブラリを追加できないことがあります。"
        "必要なら講師に相談しましょう。",
    )


def _attribute(error: AttributeError, match, namespace) -> Explanation:
    kind, name = match.group(1), match.group(2)
    try:
        import pandas as pd

        members = [m for m in dir(getattr(pd, kind)) if not m.startswith("_")]
    except ImportError:
        members = []
    table = _pandas_object(error, (kind,))
    columns = [str(c) for c in getattr(table, "columns", [])]
    near = _close(name, members + columns)
    label = "表（DataFrame）" if kind == "DataFrame" else "列（Series）"
    return Explanation(
        f"{label}に '{name}' という機能や列がありません（AttributeError）。",
        "メソッド名のつづり違い（例: sort_value → sort_values）か、"
        "df.列名 の形で、ない列名を書いています。",
        (f"近い名前: {_quoted(near)}。" if near else "")
        + '列は df.列名 ではなく df["列名"] と書くのが確実です。',
    )


def _chained_assignment(warning: Warning, match, namespace) -> Explanation:
    return Explanation(
        f"表の一部に値を入れようとしましたが、元の表は変わりません（{type(warning).__name__}）。",
        'df[条件]["列名"] = 値 のように角かっこを続けて書くと、一時的なコピーに値が入り、'
        "元の df はそのままです。",
        'df.loc[条件, "列名"] = 値 のように .loc で行と列を一度に指定しましょう。',
        kind="警告",
    )


@dataclass(frozen=True)
class Pattern:
    """One common mistake: the error type, its message, and how to explain it."""

    key: str
    types: tuple[type[BaseException], ...] | tuple[str, ...]
    message: re.Pattern[str] | None
    explain: Callable[[Any, re.Match[str] | None, Mapping[str, Any]], Explanation | None]


#: The table of mistakes, most specific first (IndentationError is a SyntaxError).
PATTERNS: tuple[Pattern, ...] = (
    Pattern("column_name", (KeyError,), None, _column_name),
    Pattern(
        "encoding", (UnicodeDecodeError,),
        re.compile(r"'(utf-?8|shift_jis|shift-jis|sjis)' codec", re.IGNORECASE), _encoding,
    ),
    Pattern("indentation", (IndentationError,), None, _indentation),
    Pattern(
        "assign_for_compare", (SyntaxError,), re.compile(r"Maybe you meant '=='"),
        _assign_for_compare,
    ),
    Pattern(
        "full_width", (SyntaxError,),
        re.compile(
            r"invalid character '(?P<char>.)' \(U\+(?:30[01][0-9A-F]|FF[0-9A-F]{2})\)"
            r"|invalid non-printable character U\+3000"
        ),
        _full_width,
    ),
    Pattern(
        "text_and_number", (TypeError, ValueError),
        re.compile(
            r"can only concatenate str|unsupported operand type\(s\) for .*'str'"
            r"|not supported between instances of '(?:str|int|float)' and '(?:str|int|float)'"
            r"|could not convert string to float: (?P<value>.+)"
            r"|invalid literal for int\(\) with base 10: (?P<value2>.+)"
            r"|with dtype '?(?:str|string|object)'? with dtype|Cannot perform reduction .* string"
            r"|Could not convert .* to numeric"
        ),
        _text_and_number,
    ),
    Pattern("name", (NameError,), re.compile(r"name '(\w+)' is not defined"), _name),
    Pattern("file_not_found", (FileNotFoundError,), None, _file),
    Pattern("module", (ModuleNotFoundError,), re.compile(r"No module named '([\w.]+)'"), _module),
    Pattern(
        "attribute", (AttributeError,),
        re.compile(r"'(DataFrame|Series)' object has no attribute '(\w+)'"),
        _attribute,
    ),
    Pattern(
        "chained_assignment", ("ChainedAssignmentError", "SettingWithCopyWarning"), None,
        _chained_assignment,
    ),
)  # fmt: skip


def _is_instance(error: BaseException, types) -> bool:
    return any(
        type(error).__name__ == kind if isinstance(kind, str) else isinstance(error, kind)
        for kind in types
    )


def explain(error: BaseException, namespace: Mapping[str, Any] | None = None):
    """The explanation of ``error`` (an exception or a warning), or None for other errors."""
    text = _message(error)
    for pattern in PATTERNS:
        if not _is_instance(error, pattern.types):
            continue
        match = pattern.message.search(text) if pattern.message else None
        if pattern.message and match is None:
            continue
        explanation = pattern.explain(error, match, namespace or {})
        if explanation is not None:
            return replace(explanation, key=pattern.key)
    return None


def install(shell) -> bool:
    """Add the explanations to ``shell`` (once); False when nbgrader is running it."""
    if os.environ.get(NBGRADER_ENV) or getattr(shell, "_workbench_learner_errors", False):
        return False
    original = shell._showtraceback

    def show_traceback(etype, evalue, stb):
        # IPython's one funnel for runtime and syntax errors: explain, then show as usual.
        try:
            explanation = explain(evalue, shell.user_ns)
            if explanation is not None:
                show(explanation)
        except Exception:  # noqa: BLE001 - a broken hint must never hide the real error
            pass
        return original(etype, evalue, stb)

    shell._showtraceback = show_traceback
    original_warning = warnings.showwarning

    def show_warning(message, category, filename, lineno, file=None, line=None):
        try:
            error = message if isinstance(message, Warning) else category(str(message))
            explanation = explain(error, shell.user_ns)
            if explanation is not None:
                show(explanation)
        except Exception:  # noqa: BLE001
            pass
        return original_warning(message, category, filename, lineno, file, line)

    warnings.showwarning = show_warning
    shell._workbench_learner_errors = True
    return True


def load_ipython_extension(shell) -> None:
    """``c.InteractiveShellApp.extensions = ["workbench.learner_errors"]`` lands here."""
    install(shell)
