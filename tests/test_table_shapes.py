"""Shapes of published tables, on small files made here (tests/test_realdata.py has the
real ones): totals, footnotes, （再掲）, code rows, two-row headings, date text, time
units, row filters, wide paired data and counted tables.  Expected values are by hand
or by enumeration, never by the code under test; each detector has a negative control.
"""

from __future__ import annotations

import itertools
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from workbench import io, templates
from workbench.templates import analyses
from workbench.templates.analyses import TemplateInputError


def write_csv(path: Path, rows: list[list[object]], encoding: str = "utf-8") -> Path:
    path.write_text(
        "\n".join(",".join("" if v is None else str(v) for v in r) for r in rows) + "\n",
        encoding=encoding,
    )
    return path


# ------------------------------------------------------------------ rows that are not data

PREFS = [["北海道", "10", "4"], ["青森県", "3", "1"], ["岩手県", "2", "2"], ["宮城県", "5", "0"]]


def read(path: Path, **kw) -> tuple[pd.DataFrame, pd.DataFrame]:
    return templates.load_data(path, **kw)


def test_total_row_by_label_is_excluded_and_named(tmp_path):
    rows = [["都道府県", "報告", "定当"], ["総数", "20", "7"], *PREFS]
    path = write_csv(tmp_path / "t.csv", rows)
    df, notes = read(path)
    assert df["都道府県"].tolist() == ["北海道", "青森県", "岩手県", "宮城県"]
    assert df["報告"].sum() == 20  # the 総数 row itself is 20: counted twice it would be 40
    assert df.attrs["excluded"] == [
        {"row": 2, "kind": "total", "label": "総数", "reason": "合計・小計の行（「総数」）"}
    ]
    assert "--keep-totals" in " ".join(notes["扱い"])
    kept, _ = read(path, keep_totals=True)
    assert len(kept) == 5 and kept["報告"].sum() == 40


def test_total_row_by_arithmetic_and_negative_controls(tmp_path):
    # An unlabelled sum row (e.g. 北海道 typed where 合計 belongs) is found by arithmetic.
    rows = [["地域", "報告", "定当"], *PREFS, ["(空欄)", "20", "7"]]
    df, _ = read(write_csv(tmp_path / "a.csv", rows))
    assert len(df) == 4 and df.attrs["excluded"][0]["row"] == 6
    # Negative controls: no total row; a category that merely ends in 会計; one column only.
    clean = [["地域", "報告", "定当"], *PREFS, ["一般会計", "1", "1"]]
    df, _ = read(write_csv(tmp_path / "b.csv", clean))
    assert len(df) == 5 and df.attrs["excluded"] == []
    single = [["地域", "報告"], ["A", "1"], ["B", "2"], ["C", "3"], ["D", "6"]]
    df, _ = read(write_csv(tmp_path / "c.csv", single))
    assert len(df) == 4  # one number column: a sum could be chance, so it is not guessed


def test_footnotes_and_retabulation_rows(tmp_path):
    rows = [
        ["年齢層", "2019", "2020"],
        ["65歳未満", "10", "12"],
        ["65歳以上", "20", "18"],
        ["合計", "30", "30"],
        ["（再掲）", None, None],
        ["75歳以上", "8", "9"],
        [None, None, None],
        ["注　値は速報値である。", None, None],
        ["※4/8より窓口を統合", None, None],
    ]
    df, notes = read(write_csv(tmp_path / "r.csv", rows))
    assert df["年齢層"].tolist() == ["65歳未満", "65歳以上"]
    kinds = [(e["row"], e["kind"]) for e in df.attrs["excluded"]]
    assert kinds == [
        (4, "total"),
        (5, "retabulation"),
        (6, "retabulation"),
        (8, "footnote"),
        (9, "footnote"),
    ]
    assert "※4/8より窓口を統合" in notes["元の値"].tolist()


# ----------------------------------------------------------------------------- headings


def test_code_row_above_names_and_two_row_heading(tmp_path):
    ssdse = write_csv(
        tmp_path / "s.csv",
        [
            ["SSDSE-X", "2024", "Pref", "A1101", "LB00", "LB01"],
            ["地域コード", "都道府県", "市", "人口", "支出", "01　穀類"],
            ["R01100", "北海道", "札幌市", "1973395", "961122", "81381"],
            ["R02201", "青森県", "青森市", "275192", "9", "7"],
        ],
    )
    df = io.read_table(ssdse)
    assert list(df.columns) == ["地域コード", "都道府県", "市", "人口", "支出", "01 穀類"]
    assert (df.attrs["header_rows"], df.attrs["code_row"]) == ([2], 1)
    niid = write_csv(
        tmp_path / "n.csv",
        [
            ["報告数・定点当り報告数"],
            ["2023年30週", "2023年08月02日作成"],
            [None, "インフルエンザ", None, "COVID-19", None, "水痘", None],
            [None, "報告", "定当", "報告", "定当", "報告", "定当"],
            ["北海道", "12", "0.3", "100", "2.1", "1", "0.1"],
            ["青森県", "-", "-", "50", "1.0", "-", "-"],
        ],
    )
    df = io.read_table(niid)
    assert list(df.columns) == [
        "列A",
        "インフルエンザ_報告",
        "インフルエンザ_定当",
        "COVID-19_報告",
        "COVID-19_定当",
        "水痘_報告",
        "水痘_定当",
    ]
    assert df.attrs["header_rows"] == [3, 4]  # the date row (2 cells) is a title, not a heading
    # Negative control: a user-given header row is the whole heading.
    assert list(io.read_table(niid, header_row=4).columns)[:3] == ["列A", "報告", "定当"]


def test_merged_heading_over_split_labels(tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    ws = book.active
    ws.append(["表4-1　都道府県別"])
    ws.append(["都道府県", None, "件数", None])
    ws.append([None, None, None, "増減数"])
    ws.append([None, "札　幌", 312, -273])
    ws.append(["北", "函　館", 25, -25])
    ws.append(["東", "京", 1453, -955])
    ws.append([None, "計", 1790, -1253])
    ws.merge_cells("A2:B3")
    ws.merge_cells("C2:D2")
    path = tmp_path / "m.xlsx"
    book.save(path)
    df, notes = read(path)
    assert list(df.columns) == ["都道府県_列A", "都道府県", "件数", "件数_増減数"]
    assert df["都道府県"].tolist() == ["札　幌", "函　館", "東京"]  # 計 excluded, 東/京 joined
    assert "東 / 京" in notes["元の値"].tolist()


def test_unmerged_workbook_heading_spreads_upper_labels_like_csv(tmp_path):
    """A CSV pasted into Excel has no merged cells: the disease over 報告 must also name
    定当 as it does in the CSV (else 定当, 定当_2 … cannot be told apart)."""
    from openpyxl import Workbook

    rows = [
        ["報告数・定点当り報告数"],
        [None, "インフルエンザ", None, "COVID-19", None, "水痘", None],
        [None, "報告", "定当", "報告", "定当", "報告", "定当"],
        ["北海道", 12, 0.3, 100, 2.1, 1, 0.1],
        ["青森県", 3, 0.1, 50, 1.0, 2, 0.2],
    ]
    book = Workbook()
    for row in rows:
        book.active.append(row)
    path = tmp_path / "pasted.xlsx"
    book.save(path)
    names = ["列A"] + [
        f"{d}_{k}" for d in ("インフルエンザ", "COVID-19", "水痘") for k in ("報告", "定当")
    ]
    assert list(io.read_table(path).columns) == names
    # Negative control: where the heading has merged cells, they alone say what spans
    # what (件数 over C:D only; the blank above E stays blank).
    book = Workbook()
    ws = book.active
    for row in [["地域", "件数", None, None], [None, "今年", "前年", "順位"], ["A", 1, 2, 3]]:
        ws.append(row)
    ws.merge_cells("B1:C1")
    ws.merge_cells("A1:A2")
    book.save(path)
    assert list(io.read_table(path).columns) == ["地域", "件数_今年", "件数_前年", "順位"]


# ------------------------------------------------------------------------------- dates


def test_western_date_text_is_read_and_odd_cells_noted():
    df = pd.DataFrame(
        {
            "日付": ["2020-01-29", "2020/1/30", "2020年1月31日", "2020/02/01", "合計"],
            "コード": ["H12", "R3", "S1", "T2", "M9"],
        }
    )
    out, notes = io.convert_date_columns(df)
    assert out["日付"].iloc[:4].tolist() == list(pd.date_range("2020-01-29", periods=4))
    assert pd.isna(out["日付"].iloc[4]) and out["コード"].tolist() == df["コード"].tolist()
    assert notes.loc[notes["行"] == 4, "元の値"].tolist() == ["合計"]
    # Negative control: 15年 could be 2015 or 平成15年 — not guessed.
    same, _ = io.convert_date_columns(pd.DataFrame({"年": ["15年", "16年", "17年"]}))
    assert same["年"].tolist() == ["15年", "16年", "17年"]


def test_excel_serial_numbers_in_a_date_column_are_dates():
    """Dates that lost their cell format in Excel arrive as serial numbers (43831 =
    2020-01-01, counted from 1899-12-30 because of Excel's 1900 leap-year bug)."""
    df = pd.DataFrame(
        {
            "日付": [43831, 43832, 43834, 43835],
            "相談件数": [43831, 43900, 44000, 45000],  # same range, but a count
            "受付日": [1, 2, 3, 4],  # day numbers of a month, not serials
        }
    )
    out, notes = io.convert_date_columns(df)
    assert [str(d.date()) for d in out["日付"]] == [
        "2020-01-01",
        "2020-01-02",
        "2020-01-04",
        "2020-01-05",
    ]
    assert "シリアル値" in " ".join(notes["扱い"])
    # Negative controls: a count column and small day numbers stay numbers.
    assert out["相談件数"].tolist() == df["相談件数"].tolist()
    assert out["受付日"].tolist() == [1, 2, 3, 4]
    r = analyses.trend(out, time="日付", value="相談件数")
    assert r["slope_unit"] == "1日あたり" and r["start"] == "2020-01-01"


def day_numbers(dates: list[str]) -> list[int]:
    return [(pd.Timestamp(d) - pd.Timestamp(dates[0])).days for d in dates]


def ols_slope(x: list[float], y: list[float]) -> float:
    mx, my = sum(x) / len(x), sum(y) / len(y)
    return sum((a - mx) * (b - my) for a, b in zip(x, y, strict=True)) / sum(
        (a - mx) ** 2 for a in x
    )


def test_trend_per_day_across_a_new_year_and_per_month():
    dates = ["2020-12-29", "2020-12-30", "2020-12-31", "2021-01-01", "2021-01-02", "2021-01-04"]
    y = [3.0, 5.0, 4.0, 8.0, 9.0, 12.0]
    r = analyses.trend(
        pd.DataFrame({"日": pd.to_datetime(dates), "件数": y}), time="日", value="件数"
    )
    assert r["slope_unit"] == "1日あたり"
    assert math.isclose(r["slope"], ols_slope(day_numbers(dates), y), rel_tol=1e-12)
    months = pd.date_range("2019-01-01", periods=36, freq="MS")
    season = [10.0 * (m.month in (12, 1, 2)) + 0.5 * i for i, m in enumerate(months)]
    r = analyses.trend(pd.DataFrame({"月": months, "値": season}), time="月", value="値")
    assert r["slope_unit"] == "1月あたり"
    assert math.isclose(r["slope"], ols_slope(list(range(36)), season), rel_tol=1e-12)
    assert any("季節変動" in c for c in r["caveats"])
    # Negative control: a straight monthly line has no seasonal note.
    noise = np.random.default_rng(1).normal(0, 1, 36)
    r = analyses.trend(
        pd.DataFrame({"月": months, "値": 0.5 * np.arange(36) + noise}), time="月", value="値"
    )
    assert not any("季節変動" in c for c in r["caveats"])


def durbin_watson_by_hand(t: list[float], y: list[float]) -> float:
    slope = ols_slope(t, y)
    intercept = sum(y) / len(y) - slope * sum(t) / len(t)
    e = [b - (intercept + slope * a) for a, b in zip(t, y, strict=True)]
    return sum((e[i] - e[i - 1]) ** 2 for i in range(1, len(e))) / sum(v * v for v in e)


def test_trend_says_when_a_line_is_a_poor_summary_of_a_wave():
    days = pd.date_range("2021-01-01", periods=120, freq="D")
    t = list(range(120))
    wave = [0.2 * i + 30 * math.sin(i / 12) for i in t]  # peaks and troughs around a rise
    r = analyses.trend(pd.DataFrame({"日": days, "件数": wave}), time="日", value="件数")
    assert math.isclose(r["durbin_watson"], durbin_watson_by_hand(t, wave), rel_tol=1e-9)
    assert r["durbin_watson"] < 1 and any("波のような増減" in c for c in r["caveats"])
    # Negative control: a line with independent noise is summarised by its slope.
    noisy = list(0.2 * np.arange(120) + np.random.default_rng(5).normal(0, 3, 120))
    r = analyses.trend(pd.DataFrame({"日": days, "件数": noisy}), time="日", value="件数")
    assert r["durbin_watson"] > 1.5 and not any("波" in c for c in r["caveats"])


# -------------------------------------------------------------------------- row filters


def test_where_keeps_excludes_and_refuses_typos():
    df = pd.DataFrame({"県": ["東京都", "大阪府 ", "愛知県"], "値": [1, 2, 3]})
    kept, notes = templates.apply_where(df, ["県=東京都,大阪府"])
    assert kept["値"].tolist() == [1, 2] and "3行→2行" in notes["扱い"].iloc[0]
    dropped, _ = templates.apply_where(df, ["県!=愛知県"])
    assert dropped["値"].tolist() == [1, 2]
    with pytest.raises(TemplateInputError, match="東京 という値の行がありません"):
        templates.apply_where(df, ["県=東京"])
    with pytest.raises(TemplateInputError, match="形が違います"):
        templates.apply_where(df, ["県"])


# ------------------------------------------------------------- wide pairs and rank tests


def exact_signed_rank_p(d: list[float]) -> float:
    """Two-sided exact Wilcoxon p by enumerating all sign patterns (no ties, no zeros)."""
    ranks = pd.Series(np.abs(d)).rank().to_numpy()
    observed = ranks[np.array(d) > 0].sum()
    sums = [
        sum(r for r, s in zip(ranks, signs, strict=True) if s)
        for signs in itertools.product([0, 1], repeat=len(d))
    ]
    low = sum(s <= observed for s in sums) / len(sums)
    high = sum(s >= observed for s in sums) / len(sums)
    return min(1.0, 2 * min(low, high))


def test_paired_two_columns_t_and_exact_wilcoxon_by_hand():
    a = [12.0, 15.5, 9.0, 20.0, 14.0, 11.0, 18.5]
    b = [10.0, 15.0, 12.5, 13.0, 10.5, 9.0, 11.0]
    r = analyses.ttest(pd.DataFrame({"後": a, "前": b}), value="後", value2="前")
    d = [x - y for x, y in zip(a, b, strict=True)]
    mean, sd = sum(d) / len(d), math.sqrt(sum((v - sum(d) / len(d)) ** 2 for v in d) / 6)
    assert r["test"] == "paired" and r["groups"] == ["後", "前"]
    assert math.isclose(r["statistic"], mean / (sd / math.sqrt(7)), rel_tol=1e-12)
    assert r["rank_test"]["name"] == "Wilcoxon の符号順位検定"
    assert math.isclose(r["rank_test"]["p_value"], exact_signed_rank_p(d), rel_tol=1e-12)


def test_two_columns_welch_and_exact_mann_whitney_by_enumeration():
    a, b = [1.1, 3.2, 2.5, 4.8], [5.0, 6.1, 2.9, 7.3, 8.8]
    r = analyses.ttest(pd.DataFrame({"A": a + [None], "B": b}), value="A", value2="B", test="welch")
    pooled = a + b
    ranks = pd.Series(pooled).rank().to_numpy()
    observed = ranks[:4].sum()
    sums = [ranks[list(c)].sum() for c in itertools.combinations(range(9), 4)]
    p = 2 * min(sum(s <= observed for s in sums), sum(s >= observed for s in sums)) / len(sums)
    assert r["n"] == {"A": 4, "B": 5}
    assert math.isclose(r["rank_test"]["p_value"], min(1.0, p), rel_tol=1e-12)


def test_ttest_without_group_says_how_to_compare_two_columns():
    wide = pd.DataFrame({"年齢層": ["a", "b", "c"], "2019": [5, 7, 9], "2020": [4, 8, 6]})
    with pytest.raises(TemplateInputError, match="-p value2"):
        analyses.ttest(wide, value="2020", pair_by="年齢層", test="paired")
    with pytest.raises(TemplateInputError, match="-p value2"):
        analyses.ttest(wide, value="2020", test="welch")
    # Negative control: the same table with value2 is the paired test the user wanted.
    assert analyses.ttest(wide, value="2020", value2="2019")["test"] == "paired"


# --------------------------------------------------------------------- counted crosstabs


def chi_square_by_hand(table: list[list[int]]) -> float:
    n = sum(map(sum, table))
    rows, cols = [sum(r) for r in table], [sum(c) for c in zip(*table, strict=True)]
    return sum(
        (table[i][j] - rows[i] * cols[j] / n) ** 2 / (rows[i] * cols[j] / n)
        for i in range(len(rows))
        for j in range(len(cols))
    )


def test_crosstab_from_count_columns_long_and_wide():
    wide = pd.DataFrame(
        {
            "年齢": ["20代", "10歳未満", "10代", "不明"],
            "2019": [30, 12, 25, 4],
            "2020": [20, 18, 27, 2],
        }
    )
    r = analyses.crosstab(wide, row="年齢", count="2019,2020")
    table = [[12, 18], [25, 27], [30, 20]]  # 不明 left out; natural order of the bands
    assert r["row_levels"] == ["10歳未満", "10代", "20代"] and r["n"] == 132
    assert math.isclose(r["chi2"], chi_square_by_hand(table), rel_tol=1e-12)
    assert any("不明" in c and "6件" in c for c in r["caveats"])
    long = wide.melt(id_vars="年齢", var_name="年", value_name="件数")
    r2 = analyses.crosstab(long, row="年齢", column="年", count="件数")
    assert math.isclose(r2["chi2"], r["chi2"], rel_tol=1e-12) and r2["n"] == 132
    # Negative control: counts are not records — without count each row is one record.
    r3 = analyses.crosstab(long, row="年齢", column="年", threshold=0)
    assert r3["n"] == 6
    with pytest.raises(TemplateInputError, match="0以上の整数"):
        analyses.crosstab(wide.assign(**{"2019": [1.5, 2, 3, 4]}), row="年齢", count="2019,2020")


def test_crosstab_refuses_a_count_column_taken_as_categories():
    """Counts typed as ``column`` made each count a category and each row one record
    (V = 1.000 on 18 age bands): refused with the count parameter named."""
    bands = [f"{10 * i}代" for i in range(12)]
    counted = pd.DataFrame({"年齢層": bands, "2020": [3, 8, 15, 22, 31, 40, 52, 67, 75, 80, 12, 5]})
    with pytest.raises(TemplateInputError, match="-p count 2020"):
        analyses.crosstab(counted, row="年齢層", column="2020")
    with pytest.raises(TemplateInputError, match="-p count 2020"):
        analyses.crosstab(counted, row="2020", column="年齢層")
    # Negative controls: a numeric code with few levels (学年 1–3) is a category, and so is
    # a numeric column with many rows per level.
    rng = np.random.default_rng(0)
    records = pd.DataFrame(
        {"学年": rng.integers(1, 4, 60), "部活": rng.choice(["運動", "文化"], 60)}
    )
    assert analyses.crosstab(records, row="学年", column="部活")["n"] == 60
    many = pd.DataFrame({"点": np.repeat(np.arange(12), 10), "群": ["A", "B"] * 60})
    assert analyses.crosstab(many, row="点", column="群", threshold=0)["n"] == 120


# ------------------------------------------------- regression: HC3 when variance is unequal


def test_hc3_standard_errors_by_hand_when_breusch_pagan_fails():
    rng = np.random.default_rng(7)
    x = np.linspace(1, 50, 80)
    y = 2 + 0.5 * x + rng.normal(0, 1, 80) * x / 5  # spread grows with x
    r = analyses.regression(pd.DataFrame({"x": x, "y": y}), formula="y ~ x")
    assert r["diagnostics"]["breusch_pagan_p"] < 0.05
    X = np.column_stack([np.ones_like(x), x])
    bread = np.linalg.inv(X.T @ X)
    e = y - X @ (bread @ X.T @ y)
    h = np.einsum("ij,jk,ik->i", X, bread, X)
    meat = X.T @ (X * (e**2 / (1 - h) ** 2)[:, None])
    se = np.sqrt(np.diag(bread @ meat @ bread))
    got = r["robust_coefficients"]
    assert math.isclose(got["x"]["std_error"], se[1], rel_tol=1e-9)
    assert math.isclose(got["Intercept"]["std_error"], se[0], rel_tol=1e-9)
    assert any("HC3" in c for c in r["caveats"])
    # Negative control: equal spread gives no robust table.
    calm = analyses.regression(
        pd.DataFrame({"x": x, "y": 2 + 0.5 * x + rng.normal(0, 1, 80)}), formula="y ~ x"
    )
    assert calm["diagnostics"]["breusch_pagan_p"] >= 0.05
    assert calm["robust_coefficients"] is None


def test_numbers_for_people_have_no_e_notation():
    assert analyses.fmt(7033093.167) == "7,033,093"
    assert analyses.fmt(-0.00012345) == "-0.0001234"
    assert analyses.fmt(0.06069694418, 6) == "0.0606969"
    assert "e" not in analyses.fmt(1.5e-9) and analyses.fmt_p(1.36e-141) == "< 0.001"


# ------------------------------------------------------------- one-way ANOVA (PlantGrowth)

PLANT = {
    "ctrl": [4.17, 5.58, 5.18, 6.11, 4.50, 4.61, 5.17, 4.53, 5.33, 5.14],
    "trt1": [4.81, 4.17, 4.41, 3.59, 5.87, 3.83, 6.03, 4.89, 4.32, 4.69],
    "trt2": [6.31, 5.12, 5.54, 5.50, 5.37, 5.29, 4.92, 6.15, 5.80, 5.26],
}


def test_anova_matches_r_on_plantgrowth():
    """R 4.x, datasets::PlantGrowth: summary(aov(weight ~ group)) F = 4.846, p = 0.01591;
    oneway.test(weight ~ group) F = 5.181, num df = 2, denom df = 17.128, p = 0.01739;
    kruskal.test chi-squared = 7.9882, p = 0.01842; TukeyHSD trt2-trt1 diff 0.865,
    p adj 0.0120064; trt1-ctrl -0.371, 0.3908711; trt2-ctrl 0.494, 0.1979960."""
    df = pd.DataFrame([(g, v) for g, vs in PLANT.items() for v in vs], columns=["群", "重さ"])
    r = analyses.anova(df, value="重さ", group="群")
    assert round(r["anova"]["F"], 3) == 4.846 and f"{r['anova']['p_value']:.4g}" == "0.01591"
    welch = r["welch"]
    assert round(welch["F"], 3) == 5.181 and round(welch["df2"], 3) == 17.128
    assert f"{welch['p_value']:.4g}" == "0.01739"
    assert round(r["kruskal"]["H"], 4) == 7.9882 and f"{r['kruskal']['p_value']:.4g}" == "0.01842"
    tukey = {(p["group_1"], p["group_2"]): p for p in r["tukey"]}
    assert round(tukey[("trt1", "trt2")]["difference"], 3) == -0.865
    assert f"{tukey[('trt1', 'trt2')]['p_value']:.4g}" == "0.01201"
    assert f"{tukey[('ctrl', 'trt1')]['p_value']:.4g}" == "0.3909"
    assert f"{tukey[('ctrl', 'trt2')]['p_value']:.4g}" == "0.198"
    # eta² by hand: between-group over total sum of squares.
    values = [v for vs in PLANT.values() for v in vs]
    grand = sum(values) / len(values)
    between = sum(len(vs) * (sum(vs) / len(vs) - grand) ** 2 for vs in PLANT.values())
    total = sum((v - grand) ** 2 for v in values)
    assert math.isclose(r["anova"]["eta_squared"], between / total, rel_tol=1e-12)
    assert r["significant"] and "trt1" in r["conclusion"] and "trt2" in r["conclusion"]


def test_anova_refuses_a_group_with_one_value():
    df = pd.DataFrame({"群": ["a", "a", "b", "b", "c"], "値": [1, 2, 3, 4, 5]})
    with pytest.raises(TemplateInputError, match="「c」の有効なデータが2件未満"):
        analyses.anova(df, value="値", group="群")


def test_anova_template_runs_in_process_with_where(tmp_path):
    rows = [("群", "重さ")] + [(g, v) for g, vs in PLANT.items() for v in vs]
    path = write_csv(tmp_path / "plant.csv", [list(r) for r in rows])
    _, df, notes, r = templates.analyse(
        "anova", path, [("value", "重さ"), ("group", "群")], where=["群!=ctrl"]
    )
    assert r["groups"] == ["trt1", "trt2"] and len(df) == 20
    assert "30行→20行" in " ".join(notes["扱い"])


# ---------------------------------------------------------------- descriptive table by group


def test_describe_by_group_matches_statistics_module():
    import statistics

    df = pd.DataFrame(
        [(g, v) for g, vs in PLANT.items() for v in vs] + [("ctrl", None)], columns=["群", "重さ"]
    )
    r = analyses.describe(df, values="重さ", group="群")
    for g, vs in PLANT.items():
        got = r["table"]["重さ"][g]
        q1, med, q3 = statistics.quantiles(vs, n=4, method="inclusive")
        assert got["件数"] == 10 and math.isclose(got["平均"], statistics.fmean(vs))
        assert math.isclose(got["標準偏差"], statistics.stdev(vs))
        assert [round(got[k], 10) for k in ("第1四分位", "中央値", "第3四分位")] == [
            round(q1, 10),
            round(med, 10),
            round(q3, 10),
        ]
        assert statistics.median(vs) == pytest.approx(got["中央値"])
    assert r["table"]["重さ"]["ctrl"]["欠損"] == 1 and r["table"]["重さ"]["全体"]["件数"] == 30
    assert "trt2" in r["conclusion"]


# ------------------------------------------------------------------- correlation matrix


def test_correlation_pearson_ci_and_p_by_hand():
    x = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0]
    y = [2.1, 3.9, 6.2, 7.8, 10.1, 12.2, 13.8, 16.1]
    z = [5.0, 3.0, 4.0, 1.0, 2.0, 6.0, 8.0, 7.0]
    r = analyses.correlation(pd.DataFrame({"x": x, "y": y, "z": z}), values="x,y,z")
    pair = next(p for p in r["pairs"] if (p["column_1"], p["column_2"]) == ("x", "z"))
    n, mx, mz = 8, sum(x) / 8, sum(z) / 8
    cov = sum((a - mx) * (b - mz) for a, b in zip(x, z, strict=True))
    rho = cov / math.sqrt(sum((a - mx) ** 2 for a in x) * sum((b - mz) ** 2 for b in z))
    assert math.isclose(pair["pearson_r"], rho, rel_tol=1e-12)
    t = rho * math.sqrt(n - 2) / math.sqrt(1 - rho**2)
    from scipy import stats as st  # the t distribution's tail only

    assert math.isclose(pair["p_value"], 2 * st.t.sf(abs(t), n - 2), rel_tol=1e-9)
    half = 1.959963984540054 / math.sqrt(n - 3)
    assert math.isclose(pair["ci_low"], math.tanh(math.atanh(rho) - half), rel_tol=1e-9)
    assert math.isclose(pair["ci_high"], math.tanh(math.atanh(rho) + half), rel_tol=1e-9)
    assert r["matrix"]["z"]["x"] == r["matrix"]["x"]["z"] == pair["pearson_r"]
    assert "「x」と「y」" in r["conclusion"]  # the strongest pair is named first
    with pytest.raises(TemplateInputError, match="2つ以上"):
        analyses.correlation(pd.DataFrame({"x": x}), values="x")


# ------------------------------------------------------------------ logistic regression


def test_logistic_matches_newton_raphson_by_hand():
    rng = np.random.default_rng(3)
    x = rng.normal(0, 1, 200)
    p = 1 / (1 + np.exp(-(-0.5 + 1.2 * x)))
    y = np.where(rng.uniform(size=200) < p, "あり", "なし")
    r = analyses.logistic(
        pd.DataFrame({"受診": y, "年齢差": x}), formula="受診 ~ 年齢差", event="あり"
    )
    X = np.column_stack([np.ones(200), x])
    t = (y == "あり").astype(float)
    beta = np.zeros(2)
    for _ in range(50):  # Newton-Raphson on the log-likelihood
        mu = 1 / (1 + np.exp(-X @ beta))
        info = X.T @ (X * (mu * (1 - mu))[:, None])
        beta = beta + np.linalg.solve(info, X.T @ (t - mu))
    se = np.sqrt(np.diag(np.linalg.inv(info)))
    got = r["coefficients"]
    assert math.isclose(got["年齢差"]["estimate"], beta[1], rel_tol=1e-6)
    assert math.isclose(got["年齢差"]["std_error"], se[1], rel_tol=1e-6)
    assert math.isclose(got["年齢差"]["odds_ratio"], math.exp(beta[1]), rel_tol=1e-6)
    assert r["events"] == int(t.sum()) and r["n"] == 200
    with pytest.raises(TemplateInputError, match="-p event"):
        analyses.logistic(pd.DataFrame({"受診": y, "年齢差": x}), formula="受診 ~ 年齢差")


# ---------------------------------------------------- the new notebooks run end to end (slow)

NEW_TEMPLATES = {
    "anova": [("value", "重さ"), ("group", "群")],
    "describe": [("values", "重さ"), ("group", "群")],
    "correlation": [("values", "重さ,番号")],
    "logistic": [("formula", "高い ~ 番号"), ("event", "はい")],
}


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(NEW_TEMPLATES))
def test_new_templates_write_reports(name, tmp_path):
    rows = [["群", "重さ", "番号", "高い"]]
    for i, (g, v) in enumerate((g, v) for g, vs in PLANT.items() for v in vs):
        rows.append([g, v, i % 7, "はい" if v > 5 else "いいえ"])
    data = write_csv(tmp_path / "plant.csv", rows)
    out = tmp_path / name
    result = templates.run(name, data, out, NEW_TEMPLATES[name])
    assert result["template"] == name and (out / "report.html").is_file()
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "結論" in html
    assert '<html lang="ja">' in html
    if name in ("anova", "correlation"):
        assert "data:image/png" in html  # their charts
    assert "e+" not in result["conclusion"] and "e-" not in result["conclusion"]


def test_unknown_column_message_names_the_heading_rows_and_the_fix(tmp_path):
    # Two codes against two words: not clearly a code row, so row 1 is taken; the error
    # must then say which row was read as the heading and how to choose another.
    path = write_csv(
        tmp_path / "c.csv",
        [
            ["code", "pref", "A1101", "A1102"],
            ["地域", "県", "人口（人）", "世帯"],
            ["R1", "北海道", "100", "50"],
            ["R2", "青森県", "90", "40"],
        ],
    )
    hint = "人口.*1行目として読みました.*--header-row 行番号"
    with pytest.raises(templates.TemplateError, match=hint):
        templates.analyse("regression", path, [("formula", "人口（人） ~ 面積")])
