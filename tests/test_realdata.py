"""Template analyses on real published files: every case of shared/realdata/CASES.md.

The files (SSDSE, Tokyo/Kobe COVID-19 open data, NIID weekly reports, the National Police
Agency's traffic tables, Toyo Keizai's series) live beside the repository in
``../shared/realdata`` and are never copied into it; the module skips when that folder
is absent (``WORKBENCH_REALDATA_DIR`` points elsewhere).  Expected numbers come from
``cases_expected.py`` in that folder, which computes them from the raw bytes with
pandas/scipy/statsmodels and never imports workbench.  Tolerances are those of CASES.md:
counts exact, estimates relative 1e-6, p values relative 1e-4.

Most cases run in-process through ``templates.analyse`` (the same reading and analysis
``template run`` does before it starts a kernel); two run end to end through the CLI so
that result.json's data block is checked too.
"""

from __future__ import annotations

import contextlib
import io as _io
import json
import os
import runpy
import unicodedata
from pathlib import Path

import pytest

from workbench import cli, templates
from workbench.paths import REPO_ROOT

SHARED = Path(os.environ.get("WORKBENCH_REALDATA_DIR") or REPO_ROOT.parent / "shared" / "realdata")
pytestmark = pytest.mark.skipif(
    not (SHARED / "cases_expected.py").is_file(),
    reason=f"real published files not found in {SHARED}",
)


@pytest.fixture(scope="module")
def expected() -> dict:
    with contextlib.redirect_stdout(_io.StringIO()):
        return runpy.run_path(str(SHARED / "cases_expected.py"))["out"]


def analyse(name: str, file: str, *params: tuple[str, str], sheet: str | None = None, **options):
    """(data, notes, result) of template NAME on a real file, as `template run` reads it."""
    _, df, notes, result = templates.analyse(
        name, SHARED / file, list(params), sheet=sheet, **options
    )
    return df, notes, result


def refusal(name: str, file: str, *params: tuple[str, str], sheet: str | None = None) -> str:
    with pytest.raises(templates.TemplateError) as info:
        templates.analyse(name, SHARED / file, list(params), sheet=sheet)
    return str(info.value)


def close(actual: float, wanted: float, rel: float = 1e-6) -> bool:
    if wanted == 0:
        return abs(actual) < 1e-12
    return abs(actual - wanted) <= rel * abs(wanted)


def p_close(actual: float, wanted: float) -> bool:
    return (actual < 1e-10 and wanted < 1e-10) or close(actual, wanted, 1e-4)


def nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


def notes_text(notes) -> str:
    return " ".join(" ".join(map(str, row)) for row in notes.itertuples(index=False))


# ------------------------------------------------------------------------- regression


def check_ols(result: dict, want: dict) -> None:
    assert result["n"] == want["n"]
    for key in ("r_squared", "adj_r_squared", "residual_std_error", "f_statistic"):
        assert close(result[key], want[key]), key
    for term, numbers in want["coefficients"].items():
        got = result["coefficients"][nfkc(term)]
        assert close(got["estimate"], numbers["estimate"]), term
        assert close(got["std_error"], numbers["std_error"]), term
        assert p_close(got["p_value"], numbers["p_value"]), term


def test_rd01_ssdse_code_row_above_names(expected):
    df, notes, r = analyse(
        "regression",
        "SSDSE_seiichiinoue.csv",
        (
            "formula",
            "民生費（市町村財政） ~ ６５歳以上人口 + １５歳未満人口 + 地方税（市町村財政）",
        ),
    )
    assert df.attrs["header_row"] == 2  # row 1 holds item codes (A1101 …)
    check_ols(r, expected["RD-01"])


def test_rd02_ssdse_c_without_the_national_row(expected):
    df, notes, r = analyse("regression", "SSDSE-C-2025.csv", ("formula", "食料（合計） ~ 世帯人員"))
    check_ols(r, expected["RD-02"])
    assert "全国" not in set(df["都道府県"])
    assert "全国" in notes_text(notes)  # the excluded row is named, not silently dropped


# ------------------------------------------------------------------------------ crosstab


def test_rd03_patients_age_by_sex_without_unknown(expected):
    _, _, r = analyse(
        "crosstab", "kobe_130001_tokyo_covid19_patients.csv", ("row", "年代"), ("column", "性別")
    )
    want = expected["RD-03 (不明 excluded)"]
    assert r["n"] == want["n"] and r["df"] == want["df"]
    assert close(r["chi2"], want["chi2"]) and p_close(r["p_value"], want["p_value"])
    assert close(r["cramers_v"], want["cramers_v"])
    assert close(r["min_expected"], want["min_expected"])
    assert r["row_levels"] == [
        "10歳未満",
        "10代",
        "20代",
        "30代",
        "40代",
        "50代",
        "60代",
        "70代",
        "80代",
        "90代",
    ]
    assert any("不明" in c for c in r["caveats"])


def test_rd03_unknown_kept_as_a_level_when_asked(expected):
    _, _, r = analyse(
        "crosstab",
        "kobe_130001_tokyo_covid19_patients.csv",
        ("row", "年代"),
        ("column", "性別"),
        ("keep_unknown", "true"),
    )
    want = expected["RD-03 (不明 kept as a level)"]
    assert r["n"] == want["n"] == 212 and r["df"] == want["df"]
    assert close(r["chi2"], want["chi2"]) and p_close(r["p_value"], want["p_value"])
    assert close(r["cramers_v"], want["cramers_v"])
    assert r["row_levels"][-1] == "不明" and r["row_levels"][:2] == ["10歳未満", "10代"]
    assert any("不明" in c and "3件" in c for c in r["caveats"])


# --------------------------------------------------------------------------------- trend


def check_day_trend(r: dict, want: dict) -> None:
    assert r["slope_unit"] == "1日あたり"
    assert r["n"] == want["n"]
    assert (r["start"], r["end"]) == (want["start"], want["end"])
    assert (r["first_value"], r["last_value"]) == (want["first_value"], want["last_value"])
    assert close(r["slope"], want["slope_per_day"])
    assert close(r["slope_ci_low"], want["slope_ci"][0])
    assert close(r["slope_ci_high"], want["slope_ci"][1])
    assert p_close(r["p_value"], want["p_value"]) and close(r["r_squared"], want["r_squared"])
    assert close(r["kendall_tau"], want["kendall_tau"]) and p_close(
        r["kendall_p"], want["kendall_p"]
    )
    assert close(r["sen_slope"], want["sen_slope_per_day"])
    assert close(r["sen_ci_low"], want["sen_ci"][0]) and close(r["sen_ci_high"], want["sen_ci"][1])


def test_rd04_iso_dates(expected):
    _, _, r = analyse(
        "trend",
        "kobe_130001_tokyo_covid19_call_center.csv",
        ("time", "受付_年月日"),
        ("value", "相談件数"),
    )
    check_day_trend(r, expected["RD-04"])


def test_rd05_slash_dates_across_a_new_year(expected):
    _, _, r = analyse(
        "trend",
        "toyokeizai_pcr_positive_daily.csv",
        ("time", "日付"),
        ("value", "PCR 検査陽性者数(単日)"),
    )
    check_day_trend(r, expected["RD-05"])


def test_rd06_excel_dates_on_a_named_sheet(expected):
    _, notes, r = analyse(
        "trend",
        "kobe_kansensya_pcr.xlsx",
        ("time", "列A"),
        ("value", "陽性者数（日別）"),
        sheet="kobe",
    )
    check_day_trend(r, expected["RD-06"])
    assert "市外在住者" in notes_text(notes)  # the footnote is shown, not used as data


def test_rd07_several_sheets_without_sheet_are_listed():
    message = refusal("trend", "kobe_kansensya_pcr.xlsx", ("time", "列A"), ("value", "重症"))
    assert all(name in message for name in ("all", "kobe", "other")) and "--sheet" in message
    # with their sizes, so that the user can tell the tables apart
    assert "「all」（52行×8列）" in message and "「kobe」（108行×10列）" in message


@pytest.mark.parametrize("sheet", ["all", "kobe"])
def test_rd07_each_named_sheet_gives_its_own_series(expected, sheet):
    df, _, r = analyse(
        "trend", "kobe_kansensya_pcr.xlsx", ("time", "列A"), ("value", "重症"), sheet=sheet
    )
    assert df.attrs["sheet"] == sheet
    check_day_trend(r, expected[f"RD-07 (sheet {sheet}, 重症)"])


def test_rd08_footnote_about_a_merger_is_kept_as_a_note(expected):
    _, notes, r = analyse(
        "trend",
        "kobe_sodan.xlsx",
        ("time", "列A"),
        ("value", "新型コロナウイルス専用健康相談窓口（帰国者・接触者相談センター）/日別"),
        sheet="相談件数",
    )
    check_day_trend(r, expected["RD-08"])
    assert "4/8より健康相談窓口と帰国者・接触者相談センターを統合" in notes_text(notes)


def test_rd14_stacked_ten_year_tables_are_refused():
    message = refusal("trend", "niid_latest-trend.csv", ("time", "列A"), ("value", "10週"))
    assert "列A" in message


@pytest.mark.parametrize("file", ["traffic_2018_12.xls", "ipss_1-9a.xls"])
def test_rd15_old_excel_is_refused_with_the_fix(file):
    assert ".xlsx" in refusal("consolidate", file, ("by", "列A"))


# ---------------------------------------------------------------------------- consolidate


def test_rd09_niid_week_without_the_total_row(expected):
    df, notes, r = analyse(
        "consolidate",
        "niid_2023-30-teiten.csv",
        ("by", "列A"),
        ("values", "インフルエンザ_報告,COVID-19_報告"),
    )
    want = expected["RD-09 (week 30)"]
    flu, covid = want["インフルエンザ"], want["COVID-19"]
    assert r["groups"] == 47 and "総数" not in r["table"]
    assert r["totals"] == {"インフルエンザ_報告": flu["sum_47"], "COVID-19_報告": covid["sum_47"]}
    assert flu["sum_47"] == flu["総数_row"]  # the file's own total agrees with the 47 rows
    assert r["table"]["東京都"]["インフルエンザ_報告"] == flu["東京都"]
    assert r["table"]["鹿児島県"]["COVID-19_報告"] == covid["鹿児島県"]
    assert "総数" in notes_text(notes)


def test_rd09_where_keeps_two_prefectures_and_keep_totals_is_explicit(expected):
    want = expected["RD-09 (week 30)"]["インフルエンザ"]
    params = (("by", "列A"), ("values", "インフルエンザ_報告"))
    df, notes, r = analyse(
        "consolidate", "niid_2023-30-teiten.csv", *params, where=["列A=東京都,鹿児島県"]
    )
    assert (
        r["groups"] == 2 and r["totals"]["インフルエンザ_報告"] == want["東京都"] + want["鹿児島県"]
    )
    assert "47行→2行" in notes_text(notes) and df.attrs["where"] == ["列A=東京都,鹿児島県"]
    # Negative control: asked to keep totals, the 総数 row is counted (and said to be)
    _, notes, r = analyse("consolidate", "niid_2023-30-teiten.csv", *params, keep_totals=True)
    assert r["groups"] == 48 and r["totals"]["インフルエンザ_報告"] == 2 * want["総数_row"]
    assert "二重計上" in notes_text(notes)


def test_rd10_niid_four_sheets(expected):
    df, _, r = analyse(
        "consolidate",
        "niid_2023_w27-30_sheets.xlsx",
        ("by", "列A"),
        ("values", "インフルエンザ_報告,COVID-19_報告"),
    )
    want = expected["RD-10 (weeks 27-30)"]
    assert r["n"] == 188 and r["groups"] == 47
    assert r["totals"]["インフルエンザ_報告"] == want["インフルエンザ"]["total"]
    assert r["totals"]["COVID-19_報告"] == want["COVID-19"]["total"]
    for pref in ("北海道", "東京都", "鹿児島県", "青森県"):
        assert r["table"][pref]["インフルエンザ_報告"] == want["インフルエンザ"][pref], pref
        assert r["table"][pref]["COVID-19_報告"] == want["COVID-19"][pref], pref
    # The sheets are CSVs pasted into Excel (no merged cells): every 定当 column keeps its
    # disease as in the CSV (RD-09), never 定当_2, 定当_3 … that cannot be told apart.
    assert {"インフルエンザ_定当", "COVID-19_定当"} <= set(df.columns)
    assert not [c for c in df.columns if str(c).startswith("定当")]
    weeks = [want["インフルエンザ"]["by_week"][w] for w in (27, 28, 29, 30)]
    sheets = ("27週", "28週", "29週", "30週")
    assert [r["by_sheet"][s]["インフルエンザ_報告"] for s in sheets] == weeks


def test_rd11_traffic_by_prefecture_without_subtotals(expected):
    df, notes, r = analyse(
        "consolidate",
        "traffic_2020_05.xlsx",
        ("by", "都道府県"),
        ("values", "発生件数（速報値）,死者数（確定値）"),
        sheet="表4-1",
    )
    want = expected["RD-11"]
    assert df.attrs["header_rows"] == [4, 5] and df.attrs["sheet"] == "表4-1"
    assert r["n"] == want["rows"] == 51 and r["groups"] == 51
    assert r["totals"] == {"発生件数(速報値)": want["発生件数"], "死者数(確定値)": want["死者数"]}
    assert not {"計", "合計"} & set(r["table"])
    tokyo = r["table"].get("東京") or r["table"]["京"]
    wanted = want["東京 (row 19: A='東', B='京')"]
    assert [tokyo["発生件数(速報値)"], tokyo["死者数(確定値)"]] == wanted
    hokkaido = [
        sum(r["table"][k][c] for k in ("札幌", "函館", "旭川", "釧路", "北見"))
        for c in ("発生件数(速報値)", "死者数(確定値)")
    ]
    assert hokkaido == want["北海道 (5 方面)"]
    text = notes_text(notes)
    assert "計" in text and "注" in text  # subtotals and the footnote are reported


# ------------------------------------------------------------- wide paired and counted data


def test_rd12a_paired_t_over_two_year_columns(expected):
    df, notes, r = analyse(
        "ttest", "traffic_2020_05.xlsx", ("value", "(2020)"), ("value2", "(2019)"), sheet="表2-2"
    )
    want = expected["RD-12 paired"]
    # 合計 and the （再掲） rows would double-count (n 21, a false "significant")
    assert [e["row"] for e in df.attrs["excluded"] if e["kind"] != "footnote"] == [25, 26, 27, 28]
    assert r["test"] == "paired" and sum(r["n"].values()) == 2 * want["n_pairs"]
    assert close(r["mean_difference"], want["mean_difference_2020_minus_2019"])
    assert close(r["statistic"], want["t"]) and r["df"] == want["df"]
    assert p_close(r["p_value"], want["p_value"])
    assert close(r["ci_low"], want["ci"][0]) and close(r["ci_high"], want["ci"][1])
    assert close(r["effect_size"], want["cohen_d"])
    means = list(r["means"].values())  # first = (2020), second = (2019)
    assert close(means[0], want["mean_2020"]) and close(means[1], want["mean_2019"])


def test_rd12b_crosstab_of_counts(expected):
    _, _, r = analyse(
        "crosstab",
        "traffic_2020_05.xlsx",
        ("row", "年齢層"),
        ("count", "(2019),(2020)"),
        sheet="表2-2",
    )
    want = expected["RD-12 counted crosstab"]
    assert r["n"] == want["n"] and r["df"] == want["df"]
    assert close(r["chi2"], want["chi2"]) and p_close(r["p_value"], want["p_value"])
    assert close(r["cramers_v"], want["cramers_v"])
    assert close(r["min_expected"], want["min_expected"])
    assert len(r["row_levels"]) == 18


# ------------------------------------------------------------------------------------ did

DID = (
    ("outcome", "effectiveReproductionNumber"),
    ("time", "日付"),
    ("treated", "対象"),
    ("treated_label", "対象"),
    ("period", "期間"),
    ("period_label", "後"),
    ("cluster", "都道府県"),
)


def test_rd13_did_with_a_working_pre_trend_check(expected):
    _, _, r = analyse("did", "emergency_did_cp932.csv", *DID)
    want = expected["RD-13"]
    assert r["n"] == want["n"]
    for key, wanted in (
        ("estimate", want["estimate"]),
        ("std_error", want["std_error"]),
        ("statistic", want["z"]),
        ("ci_low", want["ci"][0]),
        ("ci_high", want["ci"][1]),
    ):
        assert close(r[key], wanted), key
    assert p_close(r["p_value"], want["p_value"])
    for cell, mean in want["group_means"].items():
        assert close(r["group_means"][cell], mean), cell
    assert close(r["pre_trend_difference_slope"], want["pre_trend_slope_diff_per_day"])
    assert p_close(r["pre_trend_p"], want["pre_trend_p_HC1"])
    assert any("2群の傾きに差があります" in c for c in r["caveats"])
    assert r["pre_trend_unit"] == "1日あたり"
    assert f"{want['clusters']}クラスター" in r["se_type"]


def test_rd13_chart_axis_is_calendar_dates(expected):
    """The did chart plots the time column as it is read and draws the policy line at
    the earliest 後 date: both are right only when 2020/3/24 … is read as dates."""
    df, _, _ = analyse("did", "emergency_did_cp932.csv", *DID)
    dates = df["日付"]
    assert str(dates.dtype).startswith("datetime64")
    assert str(dates[df["期間"] == "後"].min().date()) == "2020-04-07"  # not 2020/4/10
    pre = df[(df["期間"] == "前") & df["effectiveReproductionNumber"].notna()]
    assert pre["日付"].nunique() == expected["RD-13"]["pre_period_dates"]
    assert len(pre) == expected["RD-13"]["pre_rows"]


# ----------------------------------------------------- refusals: exit 2, nothing written

REFUSALS = {
    # case: (file, sheet, params, words the message must hold: the problem and the fix)
    "RD-07": ("kobe_kansensya_pcr.xlsx", None, ["time", "列A", "value", "重症"], ["--sheet"]),
    # CASES.md's command with the old column names: 報告 is now ambiguous, and said so
    "RD-09 as typed": (
        "niid_2023-30-teiten.csv",
        None,
        ["by", "列A", "values", "報告,報告_19"],
        ["「インフルエンザ_報告」", "「COVID-19_報告」", "どれか1つ"],
    ),
    "RD-12a as typed": (
        "traffic_2020_05.xlsx",
        "表2-2",
        ["value", "(2020)", "pair_by", "年齢層", "test", "paired"],
        ["value2"],
    ),
    "RD-12b as typed": (
        "traffic_2020_05.xlsx",
        "表2-2",
        ["row", "年齢層", "column", "(2020)"],
        ["-p count"],
    ),
    "RD-14": ("niid_latest-trend.csv", None, ["time", "列A", "value", "10週"], ["表が縦に複数"]),
    "RD-15 traffic": ("traffic_2018_12.xls", None, ["by", "列A"], [".xlsx 形式に保存し直して"]),
    "RD-15 ipss": ("ipss_1-9a.xls", None, ["by", "列A"], [".xlsx 形式に保存し直して"]),
}
TEMPLATE_OF = {
    "RD-09 as typed": "consolidate",
    "RD-12a as typed": "ttest",
    "RD-12b as typed": "crosstab",
}


@pytest.mark.parametrize("case", sorted(REFUSALS))
def test_refusals_exit_2_with_the_fix_and_write_nothing(case, tmp_path, capsys):
    file, sheet, params, words = REFUSALS[case]
    template = TEMPLATE_OF.get(case) or ("consolidate" if file.endswith(".xls") else "trend")
    argv = ["template", "run", template, "--data", str(SHARED / file)]
    argv += ["--sheet", sheet] if sheet else []
    for name, value in zip(params[::2], params[1::2], strict=True):
        argv += ["-p", name, value]
    out = tmp_path / "out"
    assert cli.main([*argv, "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("エラー: ") and all(word in err for word in words), err
    assert not out.exists()


# ------------------------------------------------------------------------ end to end (slow)


@pytest.mark.slow
def test_rd06_end_to_end_report_names_sheet_and_unit(tmp_path, expected, capsys):
    out = tmp_path / "kobe"
    code = cli.main(
        [
            "template",
            "run",
            "trend",
            "--data",
            str(SHARED / "kobe_kansensya_pcr.xlsx"),
            "--sheet",
            "kobe",
            "-p",
            "time",
            "列A",
            "-p",
            "value",
            "陽性者数（日別）",
            "--out",
            str(out),
        ]
    )
    assert code == 0, capsys.readouterr().err
    result = json.loads((out / "result.json").read_text(encoding="utf-8"))
    assert result["data"]["sheet"] == "kobe" and result["data"]["header_row"] == 1
    assert close(result["slope"], expected["RD-06"]["slope_per_day"])
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "1日あたり" in html and "1年あたり" not in html


@pytest.mark.slow
def test_rd09_end_to_end_result_json_records_the_reading(tmp_path, capsys):
    out = tmp_path / "niid"
    code = cli.main(
        [
            "template",
            "run",
            "consolidate",
            "--data",
            str(SHARED / "niid_2023-30-teiten.csv"),
            "-p",
            "by",
            "列A",
            "-p",
            "values",
            "インフルエンザ_報告,COVID-19_報告",
            "--out",
            str(out),
        ]
    )
    assert code == 0, capsys.readouterr().err
    # Counts for people: 4,613 and the total 78,502, never 4613.0 (pandas' float display)
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "4,613" in html and "78,502" in html
    assert "4613.0" not in html and "78502.0" not in html
    data = json.loads((out / "result.json").read_text(encoding="utf-8"))["data"]
    assert data["header_rows"] == [3, 4]
    assert any(
        row["reason"].startswith("合計") and row["row"] == 5 for row in data["excluded_rows"]
    )
