"""The app's logic without a browser: column kinds, the form, messages, the warm run.

Expected values are written out from the test data (not computed by the code under
test); messages are compared with what the CLI prints for the same choice.
"""

from __future__ import annotations

import json

import pandas as pd
import pytest

from workbench import cli
from workbench.app.columns import CATEGORY, NUMERIC, TIME, column_kinds, columns_for
from workbench.app.session import AppError, Session
from workbench.templates import TemplateError

#: (地域, 満足度 as typed, 回答日): 全角 digits, 和暦 dates; the file adds a title and 合計.
ROWS = [("北部", "３", "令和6年4月1日"), ("南部", "4", "R6.4.2"), ("北部", "2", "令和6年4月3日")]
ROWS += [("南部", "５", "2024/4/4")]


def survey_csv(path):
    lines = ["令和6年度 施設利用者アンケート（合成データ）", "", "地域,満足度,回答日"]
    lines += [",".join(r) for r in ROWS] + ["合計,14,"]
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp932"))
    return path


def test_column_kinds_numbers_categories_dates_and_years():
    df = pd.DataFrame(
        {
            "市": ["A市", "B市", "C市", "D市"],
            "人口": [1200.5, 3400.25, 560.0, 7800.75],
            "対象": [0, 1, 0, 1],
            "年": [2020, 2021, 2022, 2023],
            "日付": pd.to_datetime(["2024-04-01", "2024-04-02", "2024-04-03", "2024-04-04"]),
            "年度": ["令和3年度", "令和4年度", "令和5年度", "令和6年度"],
        }
    )
    kinds = column_kinds(df)
    assert kinds["市"] == {CATEGORY}
    assert kinds["人口"] == {NUMERIC}  # four distinct values in four rows: not a category
    assert kinds["対象"] == {NUMERIC, CATEGORY}  # a 0/1 code is both
    assert TIME in kinds["年"] and TIME in kinds["日付"] and TIME in kinds["年度"]
    assert TIME not in kinds["人口"] and TIME not in kinds["市"]
    assert columns_for("value", kinds) == ["人口", "対象", "年"]
    assert columns_for("group", kinds) == ["市", "対象", "年度"]
    assert columns_for("time", kinds) == ["年", "日付", "年度"]
    assert columns_for("alpha", kinds) is None  # not a column: a text field


def test_preview_reads_title_row_cp932_totals_zenkaku_and_wareki(tmp_path):
    session = Session(tmp_path / "work")
    session.upload("アンケート.csv", survey_csv(tmp_path / "in.csv").read_bytes())
    preview = session.load()
    assert preview.header_rows == [3]  # the title and the blank row are skipped
    assert len(preview.data) == len(ROWS)  # 合計 is not data
    assert preview.data["満足度"].tolist() == [3, 4, 2, 5]  # ３ and ５ were 全角
    assert preview.data["回答日"].dt.strftime("%Y-%m-%d").tolist() == [
        "2024-04-01",
        "2024-04-02",
        "2024-04-03",
        "2024-04-04",
    ]
    assert "合計" in preview.notes["元の値"].tolist()
    assert preview.readability[0] == "ファイル: アンケート.csv"
    fields = {f.name: f for f in session.fields("ttest")}
    assert fields["value"].columns == ["満足度"]  # 地域 (text) and 回答日 (date) are not numbers
    assert "地域" in fields["group"].columns and "回答日" not in fields["group"].columns
    assert fields["test"].choices[0] == "auto"
    assert fields["value"].help  # the one-line Japanese explanation from the template


def test_upload_refuses_other_formats_and_accepts_csv(tmp_path):
    session = Session(tmp_path)
    with pytest.raises(AppError, match="xlsx 形式に保存し直して"):
        session.upload("古い.xls", b"\xd0\xcf\x11\xe0")
    assert session.path is None
    session.upload("../../外.csv", b"a,b\n1,2\n")  # negative control, and no path escape
    assert session.path == tmp_path / "uploads" / "外.csv"


def test_pairs_are_the_cli_parameters():
    values = {"values": ["人口", "面積"], "group": "", "alpha": "0.05", "flag": "false"}
    assert Session.pairs(values) == [("values", "人口,面積"), ("alpha", "0.05"), ("flag", "false")]


def _cli_message(capsys, *argv) -> str:
    assert cli.main(list(argv)) == 2
    return capsys.readouterr().err.splitlines()[0].removeprefix("エラー: ")


@pytest.mark.parametrize(
    "values",
    [
        {"value": "満足度", "group": "満足度"},  # four values, not two groups
        {"group": "地域"},  # the required value is missing
        {"value": "満足度", "group": "地域", "alpha": "五パーセント"},  # not a number
    ],
)
def test_invalid_choices_get_the_cli_message(tmp_path, capsys, values):
    data = survey_csv(tmp_path / "in.csv")
    session = Session(tmp_path / "work")
    session.choose(data)
    with pytest.raises(TemplateError) as error:
        session.check("ttest", values)
    argv = ["template", "run", "ttest", "--data", str(data), "--out", str(tmp_path / "out")]
    for key, value in values.items():
        argv += ["-p", key, value]
    assert str(error.value) == _cli_message(capsys, *argv)


def test_check_of_a_valid_choice_gives_the_numbers(tmp_path):
    session = Session(tmp_path / "work")
    session.choose(survey_csv(tmp_path / "in.csv"))
    result = session.check("ttest", {"value": "満足度", "group": "地域"})
    assert result["means"] == {"北部": 2.5, "南部": 4.5}  # (3+2)/2 and (4+5)/2


@pytest.mark.slow
def test_warm_run_records_the_notebook_and_reuses_the_kernel(tmp_path):
    from workbench.app.kernel import WarmKernel

    session = Session(tmp_path / "work")
    session.choose(survey_csv(tmp_path / "in.csv"))
    kernel = WarmKernel(tmp_path)
    try:
        manager = kernel.manager()
        assert manager is not None
        pid = manager.provisioner.pid
        first = session.run("ttest", {"value": "満足度", "group": "地域"}, kernel.manager())
        second = session.run("describe", {"values": ["満足度"]}, kernel.manager())
        assert kernel.manager().provisioner.pid == pid  # one kernel for both runs
    finally:
        kernel.shutdown()
    print(f"\nwarm runs: t-test {first.seconds:.2f} s, describe {second.seconds:.2f} s")
    assert first.out != second.out
    for outcome in (first, second):
        for name in ("report.ipynb", "report.html", "report.docx", "results.xlsx"):
            assert outcome.file(name).is_file()
    stored = json.loads(first.file("result.json").read_text(encoding="utf-8"))
    assert stored["means"] == {"北部": 2.5, "南部": 4.5}
    # The second run's notebook sees none of the first run's variables (%reset -f).
    executed = first.file("report.ipynb").read_text(encoding="utf-8")
    assert "満足度" in executed
