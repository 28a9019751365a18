"""Self-check helpers: they pass good answers and fail mistakes with Japanese hints."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from workbench import checks

FRAME = pd.DataFrame({"施設名": ["A", "B"], "利用者数": [10.0, np.nan]})


def test_failures_are_assertion_errors_so_nbgrader_scores_them():
    assert issubclass(checks.CheckFailed, AssertionError)
    with pytest.raises(AssertionError, match="❌ ヒント"):
        checks.expect(False, "ヒント")


def test_passed_prints_a_check_mark(capsys):
    checks.passed("できました")
    assert capsys.readouterr().out == "✅ できました\n"


def test_variable_reads_the_callers_namespace_and_explains_absence():
    answer = 42  # noqa: F841  (read through the frame's globals in the real notebook)
    globals()["answer_for_test"] = 42
    assert checks.variable("answer_for_test") == 42
    with pytest.raises(checks.CheckFailed, match="変数 not_defined_here がまだありません"):
        checks.variable("not_defined_here", hint="cp932")


def test_dataframe_checks_columns_rows_and_detects_header_in_data():
    checks.dataframe(FRAME, "df", columns=["施設名"], rows=2)
    with pytest.raises(checks.CheckFailed, match="Series"):
        checks.dataframe(FRAME["施設名"], "df")
    with pytest.raises(checks.CheckFailed, match="余分な列"):
        checks.dataframe(FRAME, "df", columns=["施設名"], only_columns=True)
    with pytest.raises(checks.CheckFailed, match="行数が 2 行"):
        checks.dataframe(FRAME, "df", rows=3)
    headerless = pd.DataFrame([["施設名", "利用者数"], ["A", "10"]])
    with pytest.raises(checks.CheckFailed, match="header"):
        checks.dataframe(headerless, "df", columns=["施設名"])


def test_number_rejects_text_series_and_nan():
    checks.number(3, "x", integer=True, between=(0, 5))
    for bad, message in [("3", "文字列"), (FRAME["利用者数"], "表や列"), (np.nan, "NaN")]:
        with pytest.raises(checks.CheckFailed, match=message):
            checks.number(bad, "x")
    with pytest.raises(checks.CheckFailed, match="整数"):
        checks.number(2.5, "x", integer=True)
    with pytest.raises(checks.CheckFailed, match="範囲"):
        checks.number(9, "x", between=(0, 5))


def test_descending_and_mistake_detection():
    checks.descending([3, 2, 2, 1], "s")
    with pytest.raises(checks.CheckFailed, match="降順"):
        checks.descending([1, 2], "s")
    checks.not_mistake(5.0, 4.0, "ちがう")
    with pytest.raises(checks.CheckFailed, match="fillna"):
        checks.not_mistake(FRAME["利用者数"].fillna(0).mean(), 5.0, "fillna(0) は不要")


def test_same_compares_numbers_approximately_and_tables_by_content():
    assert checks.same(0.1 + 0.2, 0.3)
    assert not checks.same(1.0, 1.001)
    assert checks.same(FRAME.copy(), FRAME)
    assert not checks.same(FRAME["利用者数"], FRAME)
    assert checks.same(pd.Series([1, 2]), pd.Series([1.0, 2.0]))
    assert not checks.same(pd.Series([1, 2], index=["a", "b"]), pd.Series([1, 2]))
