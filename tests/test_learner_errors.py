"""Japanese explanations of novice errors: each pattern on the real error, with controls.

Every error here is raised by running the mistaken code itself (real pandas, the real
compiler), so a change in a library's wording breaks these tests instead of silently
switching an explanation off. Each pattern has a negative control: an error of the same
type that is not that mistake gets no explanation (or not that one).
"""

from __future__ import annotations

import io
import os
import warnings

import pandas as pd
import pytest

from workbench import learner_error_box, learner_errors
from workbench.learner_errors import explain

TABLE = pd.DataFrame({"施設名": ["図書館", "体育館"], "利用者数": [120, 80], "年度": [2023, 2023]})


def raised(code: str, namespace: dict | None = None) -> BaseException:
    """The exception that running ``code`` raises (compiled like a cell, then executed)."""
    scope = {"pd": pd, "df": TABLE.copy(), **(namespace or {})}
    try:
        exec(compile(code, "<cell>", "exec"), scope)
    except BaseException as error:  # noqa: BLE001 - the error is the test's input
        return error
    pytest.fail(f"{code!r} raised nothing")


def key_of(code: str, namespace: dict | None = None) -> str | None:
    explanation = explain(raised(code, namespace), namespace)
    return explanation.key if explanation else None


# --- 1. wrong column name --------------------------------------------------------------


def test_missing_column_lists_the_close_column_names():
    explanation = explain(raised('df["利用者"]'))
    assert explanation.key == "column_name"
    assert "'利用者'" in explanation.what
    assert "近い列名: '利用者数'" in explanation.fix
    assert "施設名、利用者数、年度" in explanation.fix


def test_missing_column_through_loc_groupby_and_a_list_is_explained():
    assert key_of('df.loc[:, "施設"]') == "column_name"
    assert key_of('df.groupby("施設").sum()') == "column_name"
    explanation = explain(raised('df[["施設名", "利用数"]]'))
    assert explanation.key == "column_name" and "'利用者数'" in explanation.fix


def test_full_width_digits_in_a_column_name_are_found_as_the_same_name():
    frame = pd.DataFrame({"2023年度": [1]})
    explanation = explain(raised('frame["２０２３年度"]', {"frame": frame}))
    assert "近い列名: '2023年度'" in explanation.fix


def test_negative_control_keyerror_of_a_dict_or_series_label_is_not_a_column():
    assert key_of('{"a": 1}["b"]') is None
    assert key_of('pd.Series([1, 2], index=["x", "y"])["z"]') is None


# --- 2. wrong encoding ---------------------------------------------------------------


def test_reading_a_cp932_csv_as_utf8_suggests_cp932():
    data = "施設名,利用者数\n図書館,120\n".encode("cp932")
    error = raised("pd.read_csv(buffer)", {"buffer": io.BytesIO(data)})
    assert isinstance(error, UnicodeDecodeError)
    explanation = explain(error)
    assert explanation.key == "encoding" and 'encoding="cp932"' in explanation.fix


def test_reading_cp932_only_characters_as_shift_jis_suggests_cp932():
    data = "施設名,利用者数\n髙島図書館,120\n".encode("cp932")  # 髙 is not in shift_jis
    explanation = explain(
        raised('pd.read_csv(buffer, encoding="shift_jis")', {"buffer": io.BytesIO(data)})
    )
    assert explanation.key == "encoding" and "shift_jis ではない" in explanation.what


def test_negative_control_other_codecs_get_no_encoding_advice():
    assert key_of('b"\\xff".decode("ascii")') is None
    assert key_of('b"\\x81".decode("cp932")') is None  # already cp932: other advice needed


# --- 3. = instead of == ----------------------------------------------------------------


@pytest.mark.parametrize(
    "code", ["if x = 1:\n    pass", 'df[df["年度"] = 2023]', 'df.loc[df["年度"] = 2023, "施設名"]']
)
def test_assignment_where_a_comparison_belongs(code):
    assert key_of(code) == "assign_for_compare"


def test_negative_control_a_missing_colon_is_not_about_equals():
    assert key_of("if x == 1\n    pass") is None


# --- 4. chained assignment (a warning) -------------------------------------------------


def test_chained_assignment_warning_is_explained():
    frame = TABLE.copy()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        exec('frame[frame["年度"] == 2023]["利用者数"] = 0', {"frame": frame})
    chained = [w for w in caught if "chained assignment" in str(w.message)]
    assert chained, [str(w.message) for w in caught]
    explanation = explain(chained[0].message)
    assert explanation.key == "chained_assignment" and ".loc" in explanation.fix
    assert "警告" in learner_error_box.as_text(explanation)
    assert frame["利用者数"].tolist() == [120, 80]  # the reason it matters: nothing changed


def test_negative_control_other_warnings_get_no_explanation():
    assert explain(FutureWarning("something will change")) is None


# --- 5. text and numbers ---------------------------------------------------------------


@pytest.mark.parametrize(
    "code",
    [
        '"利用者数: " + 120',
        '120 + "8"',
        'pd.Series(["1,234", "56"]).astype(float)',
        'int("1,234")',
        'pd.Series(["1,234", "56"]).mean()',
        'pd.Series(["120", "80"]) + 1',
    ],
)
def test_text_where_a_number_belongs(code):
    assert key_of(code) == "text_and_number"


def test_the_value_that_is_not_a_number_is_named():
    explanation = explain(raised('float("1,234")'))
    assert "'1,234'" in explanation.what


def test_negative_control_unrelated_type_and_value_errors():
    assert key_of("len(5)") is None
    assert key_of("import math\nmath.sqrt(-1)") is None


# --- 6. NameError ----------------------------------------------------------------------


def test_name_not_defined_suggests_close_names_and_running_the_cell_above():
    namespace = {"usage": TABLE}
    explanation = explain(raised("usgae.head()", namespace), namespace)
    assert explanation.key == "name" and "'usage'" in explanation.fix


def test_import_aliases_point_to_the_import_cell():
    error = raised("plt.show()")
    assert "import matplotlib.pyplot as plt" in explain(error, {}).fix


def test_negative_control_attribute_names_are_not_name_errors():
    assert key_of("x = 1\nx.foo") is None


# --- 7. FileNotFoundError --------------------------------------------------------------


def test_missing_file_names_the_current_folder_and_close_files(tmp_path, monkeypatch):
    (tmp_path / "usage.csv").write_text("a\n1\n")
    monkeypatch.chdir(tmp_path)
    explanation = explain(raised('pd.read_csv("usege.csv")'))
    assert explanation.key == "file_not_found"
    assert str(tmp_path) in explanation.cause and "'usage.csv'" in explanation.fix


def test_negative_control_permission_errors_are_not_missing_files(tmp_path):
    error = PermissionError(13, "Permission denied", str(tmp_path))
    assert explain(error) is None


# --- 8. IndentationError ---------------------------------------------------------------


@pytest.mark.parametrize("code", ["for i in range(3):\nprint(i)", "x = 1\n  y = 2"])
def test_indentation(code):
    assert key_of(code) == "indentation"


def test_full_width_space_and_brackets_in_code():
    assert key_of("print(1\u3000)") == "full_width"
    explanation = explain(raised("x = （1）"))
    assert explanation.key == "full_width" and "'（'" in explanation.what


def test_negative_control_an_unclosed_bracket_is_neither():
    assert key_of("print((1)") is None


# --- 9. ModuleNotFoundError ------------------------------------------------------------


def test_misspelt_module_suggests_the_installed_one():
    explanation = explain(raised("import panda"))
    assert explanation.key == "module" and "'pandas'" in explanation.fix


def test_negative_control_cannot_import_name_is_not_a_missing_module():
    assert key_of("from pandas import DataFrame_typo") is None


# --- 10. AttributeError on a DataFrame --------------------------------------------------


def test_misspelt_method_suggests_the_method():
    explanation = explain(raised('df.sort_value("利用者数")'))
    assert explanation.key == "attribute" and "'sort_values'" in explanation.fix


def test_misspelt_column_as_attribute_suggests_the_column():
    frame = pd.DataFrame({"visitors": [1, 2]})
    explanation = explain(raised("frame.visitor.sum()", {"frame": frame}))
    assert "'visitors'" in explanation.fix


def test_negative_control_attribute_errors_on_other_objects():
    assert key_of('"text".sort_values()') is None


# --- showing -----------------------------------------------------------------------------


def test_html_escapes_what_the_learner_typed():
    explanation = explain(raised('df["<script>"]'))
    assert "<script>" not in learner_error_box.as_html(explanation)
    assert "&lt;script&gt;" in learner_error_box.as_html(explanation)


def test_every_pattern_is_covered_by_a_test_above():
    tested = {
        "column_name", "encoding", "assign_for_compare", "chained_assignment",
        "text_and_number", "name", "file_not_found", "indentation", "full_width",
        "module", "attribute",
    }  # fmt: skip
    assert {pattern.key for pattern in learner_errors.PATTERNS} == tested


class FakeShell:
    """What ``install`` touches on a shell: ``_showtraceback`` and ``user_ns``."""

    def __init__(self):
        self.user_ns = {}
        self.shown = []

    def _showtraceback(self, etype, evalue, stb):
        self.shown.append((etype, evalue, stb))


def test_install_adds_the_box_and_still_shows_the_traceback(monkeypatch):
    shell, shown = FakeShell(), []
    monkeypatch.setattr(learner_errors, "show", shown.append)
    monkeypatch.setattr(warnings, "showwarning", warnings.showwarning)
    monkeypatch.delenv(learner_errors.NBGRADER_ENV, raising=False)
    assert learner_errors.install(shell)
    error = raised('df["利用者"]')
    shell._showtraceback(KeyError, error, ["traceback line"])
    assert [e.key for e in shown] == ["column_name"]
    assert shell.shown == [(KeyError, error, ["traceback line"])]
    assert not learner_errors.install(shell)  # once


def test_a_failing_explanation_never_hides_the_error(monkeypatch):
    shell = FakeShell()

    def broken(error):
        raise RuntimeError("hook bug")

    monkeypatch.setattr(learner_errors, "show", broken)
    monkeypatch.setattr(warnings, "showwarning", warnings.showwarning)
    monkeypatch.delenv(learner_errors.NBGRADER_ENV, raising=False)
    learner_errors.install(shell)
    error = raised('df["利用者"]')
    shell._showtraceback(KeyError, error, ["tb"])
    assert shell.shown == [(KeyError, error, ["tb"])]


def test_not_installed_while_nbgrader_executes(monkeypatch):
    monkeypatch.setenv(learner_errors.NBGRADER_ENV, "autograde")
    shell = FakeShell()
    original = shell._showtraceback
    assert not learner_errors.install(shell)
    assert shell._showtraceback == original
    assert os.environ[learner_errors.NBGRADER_ENV] == "autograde"
