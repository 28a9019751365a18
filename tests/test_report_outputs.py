"""report.docx and results.xlsx: every template's Word and Excel outputs hold result.json's
numbers, the 要旨 is plain, and nothing is left half-written.

The fast tests run ``templates.run`` with the kernel replaced by an in-process call of
the same analysis (so HTML, Word, Excel and publishing are the real code); the slow
test runs the real notebooks.  Numbers are read back from the Word tables and the Excel
cells and compared with result.json through this file's own list of where each number
of each template sits (EXPECTED), not with strings the writers produced.
"""

from __future__ import annotations

import base64
import io as _io
import json
import math
from pathlib import Path
from typing import Any

import nbformat
import pandas as pd
import pytest
import report_cases
from docx import Document
from openpyxl import load_workbook

from workbench import cli, templates
from workbench.templates import report
from workbench.templates.analyses import ANALYSES
from workbench.templates.summary import JARGON, jargon_in


def _png() -> bytes:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(2, 1))
    ax.plot([0, 1], [0, 1])
    buffer = _io.BytesIO()
    fig.savefig(buffer, format="png")
    plt.close(fig)
    return buffer.getvalue()


PNG = _png()


def in_process_execute(info: Any, work: Path, parameters: dict[str, Any]) -> None:
    """What the notebook does, without a kernel: the analysis, result.json, one chart."""
    bundle = report.load(parameters["data_path"])
    used = {k: v for k, v in parameters.items() if k not in ("data_path", "result_path")}
    result = ANALYSES[info.name](bundle["data"], **used)
    report.save(result, bundle, parameters["result_path"], used)
    chart = nbformat.v4.new_code_cell("plt.show()")
    chart.outputs = [
        nbformat.v4.new_output(
            "display_data", data={"image/png": base64.b64encode(PNG).decode("ascii")}
        )
    ]
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# t"), chart])
    nbformat.write(nb, work / "report.ipynb")


@pytest.fixture(scope="module")
def data_file(tmp_path_factory) -> Path:
    return report_cases.write_data(tmp_path_factory.mktemp("data") / "施策データ.csv")


def run_template(name: str, data: Path, out: Path, source: str = "合成データ（テスト）") -> int:
    params = [x for key, value in report_cases.CASES[name] for x in ("-p", key, value)]
    args = ["template", "run", name, "--data", str(data), *params, "--out", str(out)]
    return cli.main([*args, *report_cases.OPTIONS.get(name, []), "--source", source])


# --------------------------------------------------------------- where the numbers are


def EXPECTED(r: dict[str, Any]) -> list[tuple[str, Any, str, Any]]:
    """(table title starts with, row key (first cells), column, value from result.json)."""
    t = r["template"]
    if t in ("ttest", "anova"):
        rows = [
            ("群ごと", g, column, r[key][g])
            for g in r["groups"]
            for column, key in (("件数", "n"), ("平均", "means"), ("標準偏差", "sds"))
        ]
        if t == "ttest":
            return rows + [
                ("検定の結果", "平均の差", "値", r["mean_difference"]),
                ("検定の結果", "t 値", "値", r["statistic"]),
                ("検定の結果", "自由度", "値", r["df"]),
                ("検定の結果", "p 値", "値", r["p_value"]),
                ("検定の結果", "効果量（Cohen の d）", "値", r["effect_size"]),
            ]
        first = r["tukey"][0]
        return rows + [
            ("検定の結果", "一元配置分散分析", "統計量", r["anova"]["F"]),
            ("検定の結果", "一元配置分散分析", "p 値", r["anova"]["p_value"]),
            ("検定の結果", "Welch の分散分析", "自由度2", r["welch"]["df2"]),
            ("2群ずつ", (first["group_1"], first["group_2"]), "平均の差", first["difference"]),
        ]
    if t == "describe":
        return [
            ("記述統計", (column, group), stat, stats[stat])
            for column, groups in r["table"].items()
            for group, stats in groups.items()
            for stat in ("件数", "平均", "標準偏差", "最大")
        ]
    if t == "correlation":
        p = r["pairs"][0]
        key = (p["column_1"], p["column_2"])
        return [
            ("2列ずつ", key, "相関係数（Pearson）", p["pearson_r"]),
            ("2列ずつ", key, "p 値", p["p_value"]),
            ("2列ずつ", key, "件数", p["n"]),
        ]
    if t == "crosstab":
        return (
            [
                ("度数", row, column, n)
                for row, cells in r["counts"].items()
                for column, n in cells.items()
            ]
            + [
                ("行の割合", row, column, pct)
                for row, cells in r["row_percentages"].items()
                for column, pct in cells.items()
            ]
            + [
                ("検定の結果", "統計量", "値", r["statistic"]),
                ("検定の結果", "p 値", "値", r["p_value"]),
            ]
        )
    if t in ("regression", "logistic"):
        rows = [("係数", term, "係数", c["estimate"]) for term, c in r["coefficients"].items()] + [
            ("係数", term, "p 値", c["p_value"]) for term, c in r["coefficients"].items()
        ]
        if t == "logistic":
            return rows + [
                ("係数", term, "オッズ比", c["odds_ratio"]) for term, c in r["coefficients"].items()
            ]
        return rows + [
            ("モデル", "決定係数 R²", "値", r["r_squared"]),
            ("モデル", "件数", "値", r["n"]),
        ]
    if t == "trend":
        return [
            ("傾向", "最初の値", "値", r["first_value"]),
            ("傾向", "最後の値", "値", r["last_value"]),
            ("傾向", f"傾き（{r['slope_unit']}）", "値", r["slope"]),
            ("傾向", "傾きの p 値", "値", r["p_value"]),
            ("傾向", "Kendall の τ", "値", r["kendall_tau"]),
        ]
    if t == "did":
        return [
            ("効果の推定", "効果の推定値（差の差）", "値", r["estimate"]),
            ("効果の推定", "標準誤差", "値", r["std_error"]),
            ("効果の推定", "p 値", "値", r["p_value"]),
        ] + [("群・期間", k, "平均", v) for k, v in r["group_means"].items()]
    if t == "consolidate":
        key = "・".join(r["by"])
        return [
            (f"{key}ごと", group, column, value)
            for group, cells in r["table"].items()
            for column, value in cells.items()
        ] + [("全体", column, "全体", value) for column, value in r["totals"].items()]
    raise AssertionError(f"no expectations for {t}")


def docx_tables(path: Path) -> list[tuple[str, list[list[str]]]]:
    """(the Heading 2 above it, the cell texts) for every table, in document order."""
    document = Document(str(path))
    tables = iter(document.tables)
    found, heading = [], ""
    for block in document.element.body.iterchildren():
        tag = block.tag.rsplit("}", 1)[-1]
        if tag == "p":
            style = (
                block.pPr.pStyle.val
                if block.pPr is not None and block.pPr.pStyle is not None
                else ""
            )
            if style.startswith("Heading"):
                heading = "".join(t.text or "" for t in block.iter() if t.tag.endswith("}t"))
        elif tag == "tbl":
            table = next(tables)
            found.append((heading, [[c.text for c in row.cells] for row in table.rows]))
    return found


def xlsx_tables(path: Path) -> list[tuple[str, list[list[Any]]]]:
    book = load_workbook(path)
    return [(ws.title, [list(row) for row in ws.iter_rows(values_only=True)]) for ws in book]


def lookup(tables: list, title: str, key: Any, column: str) -> Any:
    keys = key if isinstance(key, tuple) else (key,)
    for name, rows in tables:
        if not name.startswith(title[:28]):
            continue
        header = [str(h) for h in rows[0]]
        if column not in header:
            continue
        for row in rows[1:]:
            if tuple(str(v) for v in row[: len(keys)]) == tuple(map(str, keys)):
                return row[header.index(column)]
    raise AssertionError(f"{title} / {key} / {column} not found")


def word_number(text: str) -> float | None:
    text = text.replace(",", "")
    return None if text == "—" else float(text)


def check_word(text: str, value: Any, column: str, key: Any) -> None:
    if value is None or isinstance(value, str):
        assert text == ("—" if value is None else value)
        return
    p_value = any("p 値" in str(x) for x in (column, key))
    if text.startswith("<"):  # "< 0.001": a p value below the shown limit
        assert p_value and value < 0.001
        return
    # half a unit of the last digit shown: 4 significant digits (fmt), 3 decimals (p)
    assert math.isclose(
        word_number(text), value, rel_tol=5.01e-4, abs_tol=5.01e-4 if p_value else 1e-12
    ), (
        key,
        column,
        text,
        value,
    )


# --------------------------------------------------------------- fast: the real writers


@pytest.fixture(scope="module")
def outputs(data_file, tmp_path_factory) -> dict[str, Path]:
    patch = pytest.MonkeyPatch()
    patch.setattr(templates, "_execute", in_process_execute)
    try:
        folders = {}
        for name in report_cases.CASES:
            out = tmp_path_factory.mktemp(name) / "out"
            assert run_template(name, data_file, out) == 0, name
            folders[name] = out
        return folders
    finally:
        patch.undo()


@pytest.mark.parametrize("name", sorted(report_cases.CASES))
def test_word_and_excel_hold_result_json_numbers(name, outputs):
    out = outputs[name]
    assert sorted(p.name for p in out.iterdir()) == sorted(templates.OUTPUTS)
    result = json.loads((out / "result.json").read_text(encoding="utf-8"))
    expected = EXPECTED(result)
    assert len(expected) >= 3
    word, excel = docx_tables(out / "report.docx"), xlsx_tables(out / "results.xlsx")
    for title, key, column, value in expected:
        check_word(lookup(word, title, key, column), value, column, key)
        cell = lookup(excel, title, key, column)
        if isinstance(value, float):
            assert math.isclose(cell, value, rel_tol=1e-12, abs_tol=1e-300), (key, column)
        else:
            assert cell == value, (key, column, cell, value)


@pytest.mark.parametrize("name", sorted(report_cases.CASES))
def test_word_report_sections_summary_and_chart(name, outputs):
    out = outputs[name]
    result = json.loads((out / "result.json").read_text(encoding="utf-8"))
    document = Document(str(out / "report.docx"))
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert headings == [
        "要旨",
        "結果",
        "前提条件の確認",
        "データについての注意",
        "使ったパラメータ",
    ]
    text = "\n".join(p.text for p in document.paragraphs)
    assert "作成日: 令和" in text and "データの出典: 合成データ（テスト）" in text
    assert "データのファイル: 施策データ.csv" in text
    summary = result["report"]["summary"]
    assert 3 <= len(summary) <= 4 and not jargon_in(summary), summary
    bullets = [p.text for p in document.paragraphs if p.style.name == "List Bullet"]
    assert bullets[: len(summary)] == summary
    assert len(document.inline_shapes) == 1  # the notebook's chart
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "要旨" in html and summary[0] in html and "合成データ（テスト）" in html
    book = load_workbook(out / "results.xlsx")
    front = [c.value for c in book["要旨"]["A"] if c.value]
    assert summary[0] in front and any(str(v).startswith("作成日") for v in front)
    header = book[book.sheetnames[1]]["A1"]
    assert header.font.bold and header.fill.fgColor.rgb.endswith("DDEBF7")
    assert book[book.sheetnames[1]].column_dimensions["A"].width > 4


def test_ttest_summary_says_which_group_is_higher_and_by_how_much(outputs, data_file):
    raw = pd.read_csv(data_file, encoding="cp932")
    means = raw.groupby("区分")["値（件）"].mean()  # independent of the workbench
    low, high = means.idxmin(), means.idxmax()
    summary = json.loads((outputs["ttest"] / "result.json").read_text(encoding="utf-8"))["report"][
        "summary"
    ]
    diff = f"{means[high] - means[low]:.4g}"
    assert f"「{low}」は「{high}」より平均で{diff}件低く" in summary[0]
    assert "偶然のばらつきだけでは説明しにくい" in summary[1]  # Welch p = 0.007 by R


def test_jargon_check_bites_on_the_technical_conclusion(outputs):
    result = json.loads((outputs["ttest"] / "result.json").read_text(encoding="utf-8"))
    assert {"有意", "信頼区間"} <= set(jargon_in([result["conclusion"]]))  # negative control
    assert "p値" in JARGON and "帰無仮説" in JARGON


def test_notes_go_to_excel_in_full(outputs):
    out = outputs["trend"]  # --where: a filter note, and 和暦 years converted
    result = json.loads((out / "result.json").read_text(encoding="utf-8"))
    rows = xlsx_tables(out / "results.xlsx")
    notes = dict(rows)["データについての注意"]
    texts = [str(v) for row in notes for v in row if v]
    assert any("市0" in t for t in texts) and result["data"]["notes_total"] >= 2
    assert any("和暦を西暦に変換" in t for t in texts)


def test_failure_while_writing_word_leaves_nothing(data_file, tmp_path, monkeypatch, capsys):
    from workbench.templates import report_docx

    def broken(content: Any, path: Path) -> None:
        path.write_bytes(b"half")
        raise templates.TemplateError("Word の作成に失敗しました（テスト）")

    monkeypatch.setattr(templates, "_execute", in_process_execute)
    monkeypatch.setattr(report_docx, "write_docx", broken)
    out = tmp_path / "out"
    assert run_template("ttest", data_file, out) == 2
    assert "Word の作成に失敗" in capsys.readouterr().err
    assert not out.exists() and [p.name for p in tmp_path.iterdir()] == []


def test_without_source_the_report_says_so(data_file, tmp_path, monkeypatch):
    monkeypatch.setattr(templates, "_execute", in_process_execute)
    assert run_template("describe", data_file, tmp_path / "o", source="") == 0
    result = json.loads((tmp_path / "o" / "result.json").read_text(encoding="utf-8"))
    assert result["report"]["source"] is None
    text = "\n".join(p.text for p in Document(str(tmp_path / "o" / "report.docx")).paragraphs)
    assert "データの出典: （未記入" in text


# --------------------------------------------------------------- slow: the real notebooks


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(report_cases.CASES))
def test_real_run_word_excel_match_result_json(name, data_file, tmp_path):
    out = tmp_path / "out"
    assert run_template(name, data_file, out) == 0
    result = json.loads((out / "result.json").read_text(encoding="utf-8"))
    word, excel = docx_tables(out / "report.docx"), xlsx_tables(out / "results.xlsx")
    for title, key, column, value in EXPECTED(result):
        check_word(lookup(word, title, key, column), value, column, key)
        cell = lookup(excel, title, key, column)
        assert cell == value or math.isclose(cell, value, rel_tol=1e-12), (key, column)
    nb = nbformat.read(out / "report.ipynb", as_version=4)
    charts = sum("image/png" in o.get("data", {}) for c in nb.cells for o in c.get("outputs", []))
    assert charts >= (0 if name in ("describe", "logistic") else 1)  # those two draw none
    assert len(Document(str(out / "report.docx")).inline_shapes) == charts


def test_read_back_bites_on_a_wrong_number():
    """Negative control for the tolerance: the 4th digit and a p value's 3rd decimal count."""
    with pytest.raises(AssertionError):
        check_word("1.746", 1.744444, "値", "平均の差")
    with pytest.raises(AssertionError):
        check_word("0.004", 0.00344, "値", "p 値")
    with pytest.raises(AssertionError):
        check_word("< 0.001", 0.002, "値", "p 値")
    check_word("1.744", 1.744444, "値", "平均の差")


def test_summary_of_hand_made_results():
    from workbench.templates.summary import summarize, unit_of

    assert unit_of("睡眠時間の増加（時間）") == "時間" and unit_of("人口") == ""
    paired = {
        "template": "ttest",
        "test": "paired",
        "value": "睡眠時間の増加（時間）",
        "groups": ["薬B", "薬A"],
        "means": {"薬B": 2.33, "薬A": 0.75},
        "n": {"薬B": 10, "薬A": 10},
        "mean_difference": 1.58,
        "ci_low": -0.2,
        "ci_high": 3.1,
        "significant": False,
        "caveats": ["x"],
    }
    text = summarize(paired)
    assert "「薬B」は「薬A」より平均で1.58時間高く" in text[0] and "同じ対象どうし" in text[0]
    assert "はっきりした違いがあるとまでは言えません" in text[1]
    assert "0.2時間低いから3.1時間高いまでの範囲で、差がない可能性" in text[2]
    assert "確認してほしい点が1件" in text[3] and not jargon_in(text)
    regression = {
        "template": "regression",
        "dependent": "利用者数（人）",
        "coefficients": {
            "Intercept": {"estimate": 1.0, "t": 1.0, "p_value": 0.5},
            "C(地域)[T.B市]": {"estimate": -3.5, "t": -3.0, "p_value": 0.01},
            "人口": {"estimate": 0.1, "t": 1.0, "p_value": 0.3},
        },
        "r_squared": 0.5,
        "n": 30,
        "alpha": 0.05,
        "caveats": [],
    }
    text = summarize(regression)
    assert text[0].startswith("「利用者数（人）」の違いを「地域」、「人口」で説明")
    assert (
        "「地域」が「B市」のときは、基準のグループより「利用者数（人）」が平均で3.5人少なく"
        in text[1]
    )
    assert not jargon_in(text)
