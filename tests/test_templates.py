"""Template analyses: statistics against published references, the runner, bad input.

References: R 4.x ``t.test`` on ``datasets::sleep`` (printed digits), hand formulas for
the 6-digit comparisons, NIST StRD certified values for Longley, and a chi-square /
Cramér's V / Fisher computed by hand.  Slow tests execute the notebooks with papermill;
each run is shared by several assertions.
"""

from __future__ import annotations

import importlib.util
import json
import math
import statistics
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from scipy import stats

from workbench import cli, io, templates
from workbench.paths import REPO_ROOT
from workbench.templates import analyses, report
from workbench.templates.analyses import TemplateInputError

_spec = importlib.util.spec_from_file_location(
    "make_examples", REPO_ROOT / "templates" / "examples" / "make_examples.py"
)
examples = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(examples)

VALUE = "睡眠時間の増加（時間）"  # as typed by the user; the header is NFKC'd to (時間)
S1, S2 = examples.SLEEP_1, examples.SLEEP_2


def rel(a: float, b: float) -> float:
    return abs(a - b) / abs(b)


def sleep_frame(first: str = "1") -> pd.DataFrame:
    order = [("1", S1), ("2", S2)] if first == "1" else [("2", S2), ("1", S1)]
    rows = [(f"{i}", g, v) for g, values in order for i, v in enumerate(values, 1)]
    return pd.DataFrame(rows, columns=["ID", "group", "extra"])


# ------------------------------------------------------------------ t test, no kernel


def test_paired_sleep_matches_r_and_hand_formula():
    r = analyses.ttest(sleep_frame("2"), value="extra", group="group", pair_by="ID")
    d = [b - a for a, b in zip(S1, S2, strict=True)]
    mean, sd, n = statistics.fmean(d), statistics.stdev(d), len(d)
    t = mean / (sd / math.sqrt(n))
    half = stats.t.ppf(0.975, n - 1) * sd / math.sqrt(n)
    assert r["test"] == "paired" and r["groups"] == ["2", "1"]
    assert rel(r["statistic"], t) < 1e-9 and rel(r["mean_difference"], mean) < 1e-9
    assert rel(r["ci_low"], mean - half) < 1e-9 and rel(r["ci_high"], mean + half) < 1e-9
    assert rel(r["effect_size"], mean / sd) < 1e-9
    # R: t = 4.0621, df = 9, p-value = 0.002833, CI 0.7001142 2.4598858
    assert round(r["statistic"], 4) == 4.0621 and r["df"] == 9
    assert f"{r['p_value']:.4g}" == "0.002833"
    assert round(r["ci_low"], 7) == 0.7001142 and round(r["ci_high"], 7) == 2.4598858
    assert r["significant"] is True
    assert set(r["normality"]) == {"2", "1", "差（2−1）"}


def test_welch_sleep_matches_r_and_hand_formula():
    r = analyses.ttest(sleep_frame("1"), value="extra", group="group")
    m1, m2 = statistics.fmean(S1), statistics.fmean(S2)
    v1, v2, n1, n2 = statistics.variance(S1), statistics.variance(S2), len(S1), len(S2)
    se = math.sqrt(v1 / n1 + v2 / n2)
    df = se**4 / ((v1 / n1) ** 2 / (n1 - 1) + (v2 / n2) ** 2 / (n2 - 1))
    half = stats.t.ppf(0.975, df) * se
    assert r["test"] == "welch" and r["groups"] == ["1", "2"]
    assert rel(r["statistic"], (m1 - m2) / se) < 1e-9 and rel(r["df"], df) < 1e-9
    assert rel(r["ci_low"], m1 - m2 - half) < 1e-9 and rel(r["ci_high"], m1 - m2 + half) < 1e-9
    pooled = ((n1 - 1) * v1 + (n2 - 1) * v2) / (n1 + n2 - 2)
    assert rel(r["effect_size"], (m1 - m2) / math.sqrt(pooled)) < 1e-9
    # R: t = -1.8608, df = 17.776, p-value = 0.07939, CI -3.3654832 0.2054832
    assert round(r["statistic"], 4) == -1.8608 and round(r["df"], 3) == 17.776
    assert f"{r['p_value']:.4g}" == "0.07939"
    assert round(r["ci_low"], 7) == -3.3654832 and round(r["ci_high"], 7) == 0.2054832
    assert r["significant"] is False
    assert r["n"] == {"1": 10, "2": 10} and r["means"]["2"] == pytest.approx(2.33)


def test_student_and_one_sample_hand_formulas():
    r = analyses.ttest(sleep_frame("1"), value="extra", group="group", test="student")
    pooled = (9 * statistics.variance(S1) + 9 * statistics.variance(S2)) / 18
    t = (statistics.fmean(S1) - statistics.fmean(S2)) / math.sqrt(pooled * (2 / 10))
    assert rel(r["statistic"], t) < 1e-9 and r["df"] == 18
    one = analyses.ttest(pd.DataFrame({"x": S2}), value="x", mu=1.0)
    t1 = (statistics.fmean(S2) - 1.0) / (statistics.stdev(S2) / math.sqrt(10))
    assert one["test"] == "one_sample" and rel(one["statistic"], t1) < 1e-9


def test_ttest_bad_input_messages():
    frame = sleep_frame().assign(group3=["A", "B", "C"] * 6 + ["A", "B"])
    with pytest.raises(TemplateInputError, match="「group3」.*3種類の値"):
        analyses.ttest(frame, value="extra", group="group3")
    with pytest.raises(TemplateInputError, match="列「extr」が見つかりません"):
        analyses.ttest(frame, value="extr", group="group")
    with pytest.raises(TemplateInputError, match="「group」.*数値の列ではありません"):
        analyses.ttest(frame, value="group", group="ID")


# -------------------------------------------------------------- regression, no kernel

# NIST StRD Longley certified values.
LONGLEY = {
    "Intercept": -3482258.63459582,
    "GNPデフレータ": 15.0618722713733,
    "GNP(百万ドル)": -0.358191792925910e-01,
    "失業者数": -2.02022980381683,
    "軍人数": -1.03322686717359,
    "14歳以上人口": -0.511041056535807e-01,
    "年": 1829.15146461355,
}


@pytest.fixture(scope="module")
def longley_csv(tmp_path_factory) -> Path:
    return examples.write_longley(tmp_path_factory.mktemp("longley") / "ロングレー.csv")


def test_longley_certified_through_cp932_japanese_names(longley_csv):
    assert templates.io.detect_encoding(longley_csv) == "cp932"
    df, notes = templates.load_data(longley_csv)
    r = analyses.regression(df, examples.LONGLEY_FORMULA)
    assert r["n"] == 16 and r["rows_dropped"] == 1  # the "x" row
    for term, certified in LONGLEY.items():
        assert rel(r["coefficients"][term]["estimate"], certified) < 1e-8, term
    assert rel(r["r_squared"], 0.995479004577296) < 1e-9
    assert rel(r["residual_std_error"], 304.854073561965) < 1e-7
    assert set(r["vif"]) == set(LONGLEY) - {"Intercept"}
    assert set(r["diagnostics"]) >= {"breusch_pagan_p", "jarque_bera_p", "durbin_watson"}
    assert r["formula_used"].count('Q("') == 2  # GNP(百万ドル), 14歳以上人口


def test_quote_formula_and_bad_formulas():
    cols = ["所得(円)", "人口", "1人当たり"]
    assert (
        analyses.quote_formula("所得(円) ～ 人口 + 1人当たり", cols)
        == 'Q("所得(円)") ~ 人口 + Q("1人当たり")'
    )
    assert analyses.quote_formula('Q("所得(円)") ~ 人口', cols) == 'Q("所得(円)") ~ 人口'
    df = pd.DataFrame({"所得(円)": [1.0, 2, 3, 5], "人口": [1.0, 3, 2, 4]})
    with pytest.raises(TemplateInputError, match="「面積」という列が見つかりません"):
        analyses.regression(df, "所得(円) ~ 面積")
    with pytest.raises(TemplateInputError, match="目的変数 ~ 説明変数"):
        analyses.regression(df, "所得(円) 人口")
    with pytest.raises(TemplateInputError, match="解釈できません"):
        analyses.regression(df, "所得(円) ~ (人口 +")


# ---------------------------------------------------------------- crosstab, no kernel

SURVEY = examples.SURVEY


def frame_from_counts(table: dict) -> pd.DataFrame:
    rows = [(a, b) for a, cells in table.items() for b, n in cells.items() for _ in range(n)]
    return pd.DataFrame(rows, columns=["年代", "満足度"])


def test_crosstab_chi_square_and_cramers_v_by_hand():
    r = analyses.crosstab(frame_from_counts(SURVEY), row="年代", column="満足度")
    rows = {a: sum(c.values()) for a, c in SURVEY.items()}
    cols = {b: sum(SURVEY[a][b] for a in SURVEY) for b in ["満足", "普通", "不満"]}
    n = sum(rows.values())
    chi2 = sum(
        (SURVEY[a][b] - rows[a] * cols[b] / n) ** 2 / (rows[a] * cols[b] / n)
        for a in rows
        for b in cols
    )
    assert r["test"] == "chi2" and r["df"] == 4 and r["n"] == 79
    assert rel(r["statistic"], chi2) < 1e-9
    assert rel(r["cramers_v"], math.sqrt(chi2 / (n * 2))) < 1e-9
    assert rel(r["p_value"], math.exp(-chi2 / 2) * (1 + chi2 / 2)) < 1e-9  # chi2 sf, df=4
    # 2 and 1 are primary suppressions; 普通 of the same rows hides them from the totals.
    assert r["counts"]["20代"] == {"不満": "x", "普通": "x", "満足": 12, "計": 22}
    assert r["counts"]["40代"]["普通"] == "x" and r["counts"]["30代"]["不満"] == 5
    assert r["row_percentages"]["30代"]["満足"] == 50.0 and r["suppressed_cells"] == 4


def test_crosstab_fisher_for_small_2x2_by_hand():
    table = {"A": {"はい": 1, "いいえ": 9}, "B": {"はい": 6, "いいえ": 4}}
    r = analyses.crosstab(frame_from_counts(table), row="年代", column="満足度", threshold=0)

    # Two-sided Fisher: sum of hypergeometric probabilities not above the observed one.
    def prob(a: int) -> float:
        return math.comb(7, a) * math.comb(13, 10 - a) / math.comb(20, 10)

    observed = prob(1)
    p = sum(prob(a) for a in range(0, 8) if prob(a) <= observed * (1 + 1e-7))
    assert r["test"] == "fisher" and rel(r["p_value"], p) < 1e-9
    assert r["suppressed_cells"] == 0


# ------------------------------------------------------------------- loading the data


@pytest.fixture(scope="module")
def sleep_csv(tmp_path_factory) -> Path:
    return examples.write_sleep(tmp_path_factory.mktemp("sleep") / "睡眠.csv")


def test_load_data_converts_wareki_zenkaku_and_symbols(sleep_csv):
    df, notes = templates.load_data(sleep_csv)
    assert df.attrs["header_row"] == 3  # found below the title row
    assert df["睡眠時間の増加(時間)"].iloc[:3].tolist() == [1.9, 0.8, 1.1]  # 全角
    assert df["睡眠時間の増加(時間)"].min() == -1.6  # △1.6
    assert df["調査日"].iloc[0] == pd.Timestamp("2024-05-01")  # 令和6年5月1日
    handled = " ".join(notes["扱い"])
    assert "不詳（…）→欠損値" in handled and "秘匿（x）→欠損値" in handled
    assert "和暦を西暦に変換" in handled


# -------------------------------------------------------------------- CLI, bad input


def run_cli(capsys, *args: str) -> tuple[int, str]:
    code = cli.main(["template", *args])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def test_cli_wrong_column_exits_2_and_leaves_nothing(sleep_csv, tmp_path, capsys):
    out = tmp_path / "out"
    code, text = run_cli(
        capsys,
        "run",
        "ttest",
        "--data",
        str(sleep_csv),
        "-p",
        "value",
        "睡眠時間",
        "-p",
        "group",
        "薬剤",
        "--out",
        str(out),
    )
    assert code == 2 and "列「睡眠時間」が見つかりません" in text and "この表の列" in text
    assert not (out / "report.html").exists() and list(tmp_path.iterdir()) == []


def test_cli_three_groups_missing_file_unknown_parameter(sleep_csv, tmp_path, capsys):
    three = tmp_path / "three.csv"
    three.write_text("群,値\nA,1\nB,2\nC,3\nA,4\n", encoding="utf-8-sig")
    code, text = run_cli(
        capsys,
        "run",
        "ttest",
        "--data",
        str(three),
        "-p",
        "value",
        "値",
        "-p",
        "group",
        "群",
        "--out",
        str(tmp_path / "o"),
    )
    assert code == 2 and "「群」" in text and "3種類" in text
    code, text = run_cli(
        capsys,
        "run",
        "ttest",
        "--data",
        str(tmp_path / "無い.csv"),
        "-p",
        "value",
        "値",
        "--out",
        str(tmp_path / "o"),
    )
    assert code == 2 and "ファイルが見つかりません" in text
    code, text = run_cli(
        capsys,
        "run",
        "ttest",
        "--data",
        str(sleep_csv),
        "-p",
        "valu",
        "x",
        "--out",
        str(tmp_path / "o"),
    )
    assert code == 2 and "パラメータ valu はありません" in text
    assert not (tmp_path / "o").exists()


def test_cli_list_shows_templates_and_parameters(capsys):
    code, text = run_cli(capsys, "list")
    assert code == 0
    for name in ("ttest", "regression", "crosstab"):
        assert name in text
    assert "-p formula" in text and "-p pair_by" in text and "（必須）" in text


# ----------------------------------------------------------------- slow: real reports


@pytest.fixture(scope="module")
def paired_report(sleep_csv, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("paired") / "レポート"
    code = cli.main(
        [
            "template",
            "run",
            "ttest",
            "--data",
            str(sleep_csv),
            "-p",
            "value",
            VALUE,
            "-p",
            "group",
            "薬剤",
            "-p",
            "pair_by",
            "被験者",
            "--out",
            str(out),
        ]
    )
    assert code == 0
    return out


@pytest.mark.slow
def test_paired_report_numbers_html_and_parameters(paired_report):
    result = json.loads((paired_report / "result.json").read_text(encoding="utf-8"))
    assert result["test"] == "paired" and result["groups"] == ["薬B", "薬A"]
    assert round(result["statistic"], 4) == 4.0621 and result["df"] == 9
    assert round(result["ci_low"], 7) == 0.7001142 and round(result["ci_high"], 7) == 2.4598858
    assert result["n"] == {"薬B": 10, "薬A": 10}  # subject 11 (…, x) dropped
    handled = [n["handling"] for n in result["data"]["notes"]]
    assert "不詳（…）→欠損値" in handled and "秘匿（x）→欠損値" in handled
    assert any("和暦を西暦に変換" in h for h in handled)
    html = (paired_report / "report.html").read_text(encoding="utf-8")
    assert "plotting.setup" not in html and "analyses.ttest" not in html  # code hidden
    assert html.index("結論") < html.index("前提条件のチェック結果")
    assert "data:image/png" in html and "対応のあるt検定" in html
    nb = nbformat.read(paired_report / "report.ipynb", as_version=4)
    assert nb.metadata.papermill.parameters["pair_by"] == "被験者"
    assert not list(paired_report.parent.glob(".*"))  # no temporary folder left


@pytest.mark.slow
def test_regression_report_longley(longley_csv, tmp_path):
    out = tmp_path / "reg"
    code = cli.main(
        [
            "template",
            "run",
            "regression",
            "--data",
            str(longley_csv),
            "-p",
            "formula",
            examples.LONGLEY_FORMULA,
            "--out",
            str(out),
        ]
    )
    assert code == 0
    result = json.loads((out / "result.json").read_text(encoding="utf-8"))
    for term, certified in LONGLEY.items():
        assert rel(result["coefficients"][term]["estimate"], certified) < 1e-8, term
    assert rel(result["r_squared"], 0.995479004577296) < 1e-9
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "多重共線性" in html and "切片" in html


@pytest.mark.slow
def test_crosstab_report_suppresses_small_cells(tmp_path):
    data = tmp_path / "survey.csv"
    frame_from_counts(SURVEY).to_csv(data, index=False, encoding="cp932")
    out = tmp_path / "ct"
    code = cli.main(
        [
            "template",
            "run",
            "crosstab",
            "--data",
            str(data),
            "-p",
            "row",
            "年代",
            "-p",
            "column",
            "満足度",
            "--out",
            str(out),
        ]
    )
    assert code == 0
    result = json.loads((out / "result.json").read_text(encoding="utf-8"))
    assert result["counts"]["20代"]["不満"] == "x" and result["suppressed_cells"] == 4
    html = (out / "report.html").read_text(encoding="utf-8")
    assert ">x<" in html and "Cramér" in html


EXAMPLES = {  # folder → the run make_examples.py does
    "ttest": (
        "sleep.csv",
        [("value", "睡眠時間の増加（時間）"), ("group", "薬剤"), ("pair_by", "被験者")],
    ),
    "regression": ("longley.csv", [("formula", examples.LONGLEY_FORMULA)]),
    "crosstab": ("survey.csv", [("row", "年代"), ("column", "満足度")]),
}


def same(a: object, b: object) -> bool:
    """Equal, floats to 1e-9 relative (least-squares digits differ across BLAS builds)."""
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)
    return a == b


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_examples_are_committed_and_current(name, tmp_path):
    """The committed example result.json equals a fresh analysis of the committed input.

    In process (no kernel): every number and sentence the analysis returns, and the rows
    read, must match what templates/examples/NAME/result.json shows; a change of the
    analysis without `python templates/examples/make_examples.py` fails here.
    """
    folder = REPO_ROOT / "templates" / "examples"
    data, params = EXAMPLES[name]
    writer = {
        "sleep.csv": examples.write_sleep,
        "longley.csv": examples.write_longley,
        "survey.csv": examples.write_survey,
    }[data]
    assert (folder / data).read_bytes() == writer(tmp_path / data).read_bytes()
    committed = json.loads((folder / name / "result.json").read_text(encoding="utf-8"))
    assert (folder / name / "report.html").is_file()
    _, df, _, fresh = templates.analyse(name, folder / data, params)
    fresh = json.loads(json.dumps(report._json_safe(fresh), ensure_ascii=False, default=str))
    stale = [key for key in fresh if not same(committed.get(key), fresh[key])]
    assert not stale, f"run make_examples.py: {name} differs in {stale}"
    assert committed["data"]["rows"] == len(df)


# ------------------------------------------------------------------ trend and DiD, no kernel


def test_trend_slope_by_hand_and_wareki_years(tmp_path):
    values = [1013, 1052, 1101, 1098, 1150, 1190, 1185, 1240, 1262, 1300]
    years = [f"平成{y}年度" for y in range(22, 31)] + ["令和元年度"]
    data = tmp_path / "推移.csv"
    pd.DataFrame({"年度": years, "件数": [f"{v:,}" for v in values]}).to_csv(
        data, index=False, encoding="cp932"
    )
    df, notes = templates.load_data(data)
    assert df["年度"].tolist() == list(range(2010, 2020))
    r = analyses.trend(df, time="年度", value="件数")
    t = list(range(2010, 2020))
    tm, vm = statistics.fmean(t), statistics.fmean(values)
    slope = sum((a - tm) * (b - vm) for a, b in zip(t, values, strict=True)) / sum(
        (a - tm) ** 2 for a in t
    )
    assert rel(r["slope"], slope) < 1e-9 and r["slope_unit"] == "1年あたり"
    assert r["start"] == "2010" and r["end"] == "2019" and r["change"] == 287


def test_did_estimate_equals_difference_of_differences():
    rows = []
    for unit in range(6):
        for year in range(2018, 2024):
            treated, post = unit < 3, year >= 2021
            y = (
                10
                + unit
                + 0.5 * (year - 2018)
                + (2.5 if treated and post else 0)
                + ((unit * 7 + year * 3) % 5) / 10
            )
            rows.append((f"市{unit}", year, "対象" if treated else "比較", int(post), y))
    df = pd.DataFrame(rows, columns=["市町村", "年度", "区分", "後", "値"])
    r = analyses.did(
        df,
        outcome="値",
        time="年度",
        treated="区分",
        period="後",
        treated_label="対象",
        cluster="市町村",
    )
    m = df.groupby(["区分", "後"])["値"].mean()
    hand = (m[("対象", 1)] - m[("対象", 0)]) - (m[("比較", 1)] - m[("比較", 0)])
    assert rel(r["estimate"], hand) < 1e-9 and r["n"] == 36
    assert "クラスター" in r["se_type"] and r["ci_low"] < r["estimate"] < r["ci_high"]
    with pytest.raises(TemplateInputError, match="treated_label"):
        analyses.did(df, outcome="値", time="年度", treated="区分", period="後")


@pytest.mark.slow
@pytest.mark.parametrize("name", ["trend", "did", "consolidate"])
def test_trend_and_did_reports_run(name, tmp_path):
    def value(u: int, y: int) -> str:
        return f"{10 + u + 0.5 * y + (2.5 if u < 3 and y >= 4 else 0) + (u + y) % 5 / 10:.2f}"

    rows = [
        (
            f"市{u}",
            f"令和{y}年度",
            "対象" if u < 3 else "比較",
            "後" if y >= 4 else "前",
            value(u, y),
        )
        for u in range(6)
        for y in range(1, 7)
    ]
    data = tmp_path / "施策.csv"
    pd.DataFrame(rows, columns=["市町村", "年度", "区分", "期間", "値"]).to_csv(
        data, index=False, encoding="cp932"
    )
    params = {
        "trend": ["-p", "time", "年度", "-p", "value", "値"],
        "did": [
            "-p",
            "outcome",
            "値",
            "-p",
            "time",
            "年度",
            "-p",
            "treated",
            "区分",
            "-p",
            "period",
            "期間",
            "-p",
            "treated_label",
            "対象",
            "-p",
            "period_label",
            "後",
            "-p",
            "cluster",
            "市町村",
        ],
        "consolidate": ["-p", "by", "区分,期間", "-p", "values", "値"],
    }[name]
    out = tmp_path / "out"
    assert cli.main(["template", "run", name, "--data", str(data), *params, "--out", str(out)]) == 0
    result = json.loads((out / "result.json").read_text(encoding="utf-8"))
    assert result["template"] == name and result["n"] == 36
    if name == "consolidate":
        assert set(result["table"]) == {"対象・前", "対象・後", "比較・前", "比較・後"}
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "data:image/png" in html and "前提条件のチェック結果" in html


def test_excel_with_title_rows_sheet_and_header_row(tmp_path, capsys):
    from openpyxl import Workbook

    book = Workbook()
    book.active.title = "メモ"
    sheet = book.create_sheet("R6")
    sheet.append(["令和6年度 窓口待ち時間"])
    sheet.append([])
    sheet.append(["窓口", "待ち時間（分）"])
    for i, v in enumerate([5, 7, 6, 8, 12, 14, 11, 13]):
        sheet.append(["本庁" if i < 4 else "支所", f"{v}".translate(examples.ZEN)])
    path = tmp_path / "待ち時間.xlsx"
    book.save(path)
    df, _ = templates.load_data(path, sheet="R6", header_row=3)
    assert df["待ち時間(分)"].tolist() == [5, 7, 6, 8, 12, 14, 11, 13]
    r = analyses.ttest(df, value="待ち時間（分）", group="窓口")
    assert r["groups"] == ["本庁", "支所"] and r["mean_difference"] == -6.0
    code, text = run_cli(
        capsys,
        "run",
        "ttest",
        "--data",
        str(path),
        "--sheet",
        "R7",
        "-p",
        "value",
        "待ち時間",
        "--out",
        str(tmp_path / "o"),
    )
    assert code == 2 and "シート「R7」が見つかりません" in text


# ------------------------------------------------------------------------ consolidate


@pytest.fixture(scope="module")
def monthly_book(tmp_path_factory) -> Path:
    from openpyxl import Workbook

    book = Workbook()
    book.active.title = "説明"
    book.active.append(["各市町村の施設利用者数（令和6年度）"])
    months = {
        "4月": [("Ａ市", "図書館", "1,200"), ("B市", "図書館", "800"), ("A市 ", "体育館", "x")],
        "5月": [
            ("A市", "図書館", "１，３００"),
            ("B市", "図書館", 850),
            ("C町", "図書館", 12),
            ("D村", "図書館", 40),
        ],
    }
    for month, rows in months.items():
        sheet = book.create_sheet(month)
        sheet.append([f"{month} 利用者数"])
        sheet.append([])
        sheet.append(["市町村", "施設", "利用者数"])
        for row in rows:
            sheet.append(list(row))
    path = tmp_path_factory.mktemp("book") / "利用者数.xlsx"
    book.save(path)
    return path


def test_consolidate_sheets_keys_and_suppression(monthly_book):
    df, notes = templates.load_sheets(monthly_book)
    assert df.attrs["sheets"] == ["4月", "5月"] and len(df) == 7
    assert "4月!6" in set(notes["行"]) and "説明" in set(notes["行"])  # x noted, memo skipped
    r = analyses.consolidate(df, by="市町村")
    assert r["table"]["A市"] == {"利用者数": 2500.0, "行数": 3}  # Ａ市, "A市 " unified
    assert r["totals"]["利用者数"] == 1200 + 800 + 1300 + 850 + 12 + 40
    assert r["by_sheet"] == {"4月": {"利用者数": 2000.0}, "5月": {"利用者数": 2202.0}}
    secret = analyses.consolidate(df, by="市町村", threshold=2)
    # C町 and D村 have 1 row each: both hidden, and the sheet breakdown is withheld.
    assert secret["table"]["C町"]["利用者数"] == "x" and secret["table"]["D村"]["行数"] == "x"
    assert secret["by_sheet"] is None and secret["suppressed_groups"] == 2
    mean = analyses.consolidate(df, by="市町村,施設", how="mean")
    assert mean["table"]["A市・図書館"]["利用者数"] == 1250.0
    with pytest.raises(TemplateInputError, match="「地域」が見つかりません"):
        analyses.consolidate(df, by="地域")


def test_failure_during_execution_leaves_no_report(sleep_csv, tmp_path, monkeypatch, capsys):
    def half_written(info, work, parameters):
        (work / "report.ipynb").write_text("{}", encoding="utf-8")
        raise templates.TemplateError("テンプレート「ttest」の実行中にエラーが起きました（テスト）")

    monkeypatch.setattr(templates, "_execute", half_written)
    out = tmp_path / "out"
    code, text = run_cli(
        capsys,
        "run",
        "ttest",
        "--data",
        str(sleep_csv),
        "-p",
        "value",
        VALUE,
        "-p",
        "group",
        "薬剤",
        "--out",
        str(out),
    )
    assert code == 2 and "実行中にエラー" in text and "レポートは作成していません" in text
    assert not out.exists() and list(tmp_path.iterdir()) == []  # temporary folder removed too


def test_wareki_columns_leave_codes_alone_and_note_bad_values():
    df = pd.DataFrame(
        {
            "部屋": ["H12", "R3", "S1"],
            "年度": ["平成30年度", "令和元年度", "平成32年度"],
            "日": ["R6.4.1", "2024/4/3", "R6.2.30"],
        }
    )
    out, notes = io.convert_date_columns(df)
    notes = list(notes.itertuples(index=False, name=None))
    assert out["部屋"].tolist() == ["H12", "R3", "S1"]  # codes, not years
    assert out["年度"].tolist()[:2] == [2018, 2019] and pd.isna(out["年度"].iloc[2])
    assert out["日"].iloc[1] == pd.Timestamp("2024-04-03") and pd.isna(out["日"].iloc[2])
    problems = [n for n in notes if n[1] != "全行"]
    assert [(c, v) for c, _, v, _ in problems] == [("年度", "平成32年度"), ("日", "R6.2.30")]
    assert "令和2年" in problems[0][3]  # io's message says what was meant
