"""Self-check helpers for exercise test cells: instant ✅ / ❌ with a Japanese hint.

Visible test cells call these right after an exercise. A failed check raises
:class:`CheckFailed` (an ``AssertionError``), which is what nbgrader scores as a failed
test, so the same cell gives the learner a hint in JupyterLab and the instructor a score
at autograde. Helpers check properties (type, shape, columns, order, range) and detect
specific mistakes by comparing against the value that mistake would produce; exact
expected values belong in hidden tests, never in what learners receive.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Iterable
from typing import Any

import pandas as pd

OK = "✅"
NG = "❌"


class CheckFailed(AssertionError):
    """A self-check that failed; the message is the Japanese hint shown to the learner.

    In a notebook IPython shows what :meth:`_render_traceback_` returns instead of a red
    traceback, so the learner reads the hint first and nothing else. The exception still
    propagates, so the cell still has an ``error`` output (ename ``CheckFailed``, evalue
    the hint) and nbgrader still scores the test as failed.
    """

    def _render_traceback_(self) -> list[str]:
        """The lines IPython shows for this exception: the hint, then where it stopped.

        The ``Cell In[N], line L`` line is kept (without code or library frames): the
        grader's feedback uses it to tell a visible check from a hidden test
        (``workbench.grading.hidden_tests.failure_of``), and it tells the learner which
        line of the check cell stopped.
        """
        lines = [str(self)]
        places = _cell_places(self.__traceback__)
        if places:
            lines.append("（止まった場所: " + "、".join(places) + "）")
        return lines


def _cell_places(traceback) -> list[str]:
    """``Cell In[N], line L`` for each frame of ``traceback`` that runs notebook code."""
    try:
        from IPython import get_ipython
    except ImportError:  # checks work without IPython (plain Python, pytest)
        return []
    shell = get_ipython()
    if shell is None:
        return []
    places = []
    while traceback is not None:
        code = traceback.tb_frame.f_code
        # IPython names each cell's code after the cell; this maps it back to "In[N]".
        name = shell.compile.format_code_name(code.co_filename)
        if name is not None:
            label, cell = name
            places.append(f"{label} {cell}, line {traceback.tb_lineno}")
        traceback = traceback.tb_next
    return places


def fail(hint: str) -> None:
    """Stop the check with ❌ and ``hint``."""
    __tracebackhide__ = True  # IPython and pytest hide this frame: the hint is what matters
    raise CheckFailed(f"{NG} {hint}")


def expect(condition: bool, hint: str) -> None:
    """Fail with ``hint`` unless ``condition`` holds."""
    __tracebackhide__ = True
    if not condition:
        fail(hint)


def passed(message: str) -> None:
    """Print the learner-facing success line."""
    print(f"{OK} {message}")


def variable(name: str, hint: str | None = None) -> Any:
    """Return the learner's variable ``name`` from the notebook, or fail helpfully.

    Reading it here (rather than naming it in the test cell) turns a ``NameError`` for an
    exercise not yet done into a Japanese hint.
    """
    __tracebackhide__ = True
    namespace = sys._getframe(1).f_globals
    if name not in namespace:
        message = (
            f"変数 {name} がまだありません。"
            f"上の演習セルで {name} = ... と代入してから実行しましたか？"
        )
        fail(message + (f" {hint}" if hint else ""))
    return namespace[name]


def dataframe(
    obj: Any,
    name: str,
    *,
    columns: Iterable[str] | None = None,
    only_columns: bool = False,
    rows: int | None = None,
) -> None:
    """Check that ``obj`` is a DataFrame with the given columns and row count."""
    __tracebackhide__ = True
    expect(
        isinstance(obj, pd.DataFrame),
        f"{name} は DataFrame（表）ではなく {type(obj).__name__} です。"
        "列を1つだけ選ぶと Series になります。df[['列名']] のように角かっこを二重にしましょう。",
    )
    if columns is not None:
        wanted = list(columns)
        missing = [c for c in wanted if c not in obj.columns]
        if missing and len(obj) and set(missing) & {str(v) for v in obj.iloc[0].tolist()}:
            fail(
                f"{name} の1行目のデータに列名 {missing} が入っています。列名の行が正しく"
                "指定されていません。header=None を外すか、header= の行番号を見直しましょう。"
            )
        expect(not missing, f"{name} に列 {missing} がありません。今ある列: {list(obj.columns)}")
        if only_columns:
            extra = [c for c in obj.columns if c not in wanted]
            expect(
                not extra,
                f"{name} に余分な列 {extra} があります。必要な列 {wanted} だけを選びましょう。",
            )
    if rows is not None:
        expect(
            len(obj) == rows,
            f"{name} の行数が {len(obj)} 行です。{rows} 行になるはずです。"
            "条件や件数の指定を見直しましょう。",
        )


def series(obj: Any, name: str, *, length: int | None = None) -> None:
    """Check that ``obj`` is a Series (one column or a groupby result)."""
    __tracebackhide__ = True
    if isinstance(obj, pd.DataFrame) and obj.shape[1] == 1:
        fail(
            f"{name} が1列の DataFrame になっています。"
            "df['列名'] のように角かっこ1つで Series にしましょう。"
        )
    expect(isinstance(obj, pd.Series), f"{name} は Series ではなく {type(obj).__name__} です。")
    if length is not None:
        expect(
            len(obj) == length, f"{name} の要素数が {len(obj)} です。{length} 個になるはずです。"
        )


def number(
    obj: Any,
    name: str,
    *,
    integer: bool = False,
    between: tuple[float, float] | None = None,
) -> None:
    """Check that ``obj`` is one finite number (not a Series, not text), optionally in range."""
    __tracebackhide__ = True
    expect(
        not isinstance(obj, (pd.Series, pd.DataFrame)),
        f"{name} が表や列のままです。.sum() や .mean() などで1つの数値にしましょう。",
    )
    expect(
        not isinstance(obj, str),
        f"{name} が文字列 '{obj}' です。数値として計算しましょう（引用符で囲まない）。",
    )
    try:
        value = float(obj)
    except (TypeError, ValueError):
        fail(f"{name} は数値ではありません（{type(obj).__name__}）。")
    expect(not math.isnan(value), f"{name} が欠損値 (NaN) です。欠損値の扱いを見直しましょう。")
    if integer:
        expect(value == int(value), f"{name} は件数なので整数になるはずです（今の値: {value}）。")
    if between is not None:
        low, high = between
        expect(
            low <= value <= high,
            f"{name} = {value:,.2f} は想定される範囲 {low:,} 〜 {high:,} から外れています。",
        )


def descending(values: Iterable[float], name: str, hint: str | None = None) -> None:
    """Check that ``values`` are sorted from largest to smallest."""
    __tracebackhide__ = True
    numbers = pd.Series(list(values), dtype="float64")
    expect(
        numbers.is_monotonic_decreasing,
        hint
        or f"{name} が大きい順（降順）に並んでいません。"
        "sort_values(..., ascending=False) を使いましょう。",
    )


def not_mistake(value: Any, mistaken: Any, hint: str) -> None:
    """Fail with ``hint`` when ``value`` equals what a known mistake would produce."""
    __tracebackhide__ = True
    expect(not same(value, mistaken), hint)


def same(value: Any, expected: Any, *, rel: float = 1e-9) -> bool:
    """Equality that treats numbers approximately and tables/series by content."""
    if isinstance(expected, (pd.DataFrame, pd.Series)):
        if type(value) is not type(expected):
            return False
        try:
            if isinstance(expected, pd.DataFrame):
                pd.testing.assert_frame_equal(value, expected, check_dtype=False, rtol=rel)
            else:
                pd.testing.assert_series_equal(
                    value, expected, check_dtype=False, check_names=False, rtol=rel
                )
        except AssertionError:
            return False
        return True
    try:
        return math.isclose(float(value), float(expected), rel_tol=rel, abs_tol=1e-12)
    except (TypeError, ValueError):
        return value == expected


def close(value: Any, expected: Any, hint: str, *, rel: float = 1e-9) -> None:
    """Fail with ``hint`` unless ``value`` matches ``expected`` (for hidden tests)."""
    __tracebackhide__ = True
    expect(same(value, expected, rel=rel), hint)
