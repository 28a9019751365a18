"""`workbench check`: the national machine-readability rules, one constructed file per rule
(each with a clean negative control), and the real files of ../shared/realdata, whose
expected cells were read with openpyxl / csv by hand (see the comments), not produced by
the checker.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook
from openpyxl.styles import PatternFill

from workbench import cli
from workbench.io.machine_readability import platform_characters
from workbench.io.readability_checks import check_file

REALDATA = Path(__file__).resolve().parents[2] / "shared" / "realdata"
if not REALDATA.is_dir():
    REALDATA = Path("/work/shared/realdata")

HEADING = ["地域", "人口（人）", "面積（km2）", "調査日"]
ROWS = [
    ["A市", 1200, 12.5, dt.datetime(2024, 4, 1)],
    ["B町", 800, 30.1, dt.datetime(2024, 4, 2)],
    ["C村", 300, 45.2, dt.datetime(2024, 4, 3)],
    ["D町", 650, 20.4, dt.datetime(2024, 4, 4)],
    ["E市", 2300, 60.0, dt.datetime(2024, 4, 5)],
]


def book(path: Path, rows: list[list[Any]] | None = None, edit: Any = None) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "表"
    for row in rows if rows is not None else [HEADING, *ROWS]:
        ws.append(row)
    if edit:
        edit(ws)
    wb.save(path)
    return path


def found(path: Path, sheet: str | None = None) -> dict[str, set[str]]:
    """Rule → the cells named, over every sheet checked."""
    result: dict[str, set[str]] = {}
    for check in check_file(path, sheet):
        for finding in check.findings:
            result.setdefault(finding.rule, set()).update(finding.cells)
    return result


def setter(address: str, value: Any):
    def edit(ws: Any) -> None:
        ws[address] = value

    return edit


def test_clean_workbook_and_csv_report_nothing(tmp_path, capsys):
    assert found(book(tmp_path / "clean.xlsx")) == {}
    csv = tmp_path / "clean.csv"
    csv.write_text("地域,人口（人）\nA市,1200\nB町,800\n", encoding="utf-8")
    assert found(csv) == {}
    assert cli.main(["check", str(tmp_path / "clean.xlsx")]) == 0
    out = capsys.readouterr().out
    assert "問題は見つかりませんでした" in out and "見出しは1行目" in out


@pytest.mark.parametrize(
    ("edit", "rule", "cells"),
    [
        (setter("C3", "30(2)"), "1-2", {"C3"}),
        (setter("C3", "30.1※1"), "1-2", {"C3"}),
        (setter("B3", "800"), "1-3", {"B3"}),  # Excel text, not a number
        (setter("B3", "不明"), "1-3", {"B3"}),
        (lambda ws: ws.merge_cells("A3:A4"), "1-4", {"A3:A4"}),
        (setter("A2", "A　市"), "1-5", {"A2"}),
        (setter("B1", "人口\n（人）"), "1-5", {"B1"}),
        (setter("C1", None), "1-6", {"C1"}),
        (setter("B4", "=B2+B3"), "1-7", {"B4"}),
        (setter("B3", "800人"), "1-9", {"B3"}),
        (setter("A3", "髙田町"), "1-10", {"A3"}),
        (setter("A3", "ﾋﾞｰ町"), "1-10", {"A3"}),
        (setter("D3", "令和6年4月2日"), "1-11", {"D3"}),
        (setter("B3", None), "1-15", {"B3"}),
        (
            lambda ws: setattr(ws["B3"], "fill", PatternFill("solid", fgColor="FFFF0000")),
            "書式",
            {"B3"},
        ),
    ],
)
def test_each_rule_is_found_at_its_cell(tmp_path, edit, rule, cells):
    result = found(book(tmp_path / "t.xlsx", edit=edit))
    assert result.get(rule) == cells, result


@pytest.mark.parametrize(
    "edit",
    [
        setter("B3", "x"),  # 秘匿 symbol: a defined mark, not a blank
        setter("B3", "-"),
        setter("D3", "2024年4月2日"),
        setter("D3", "令和6年（2024年）4月2日"),  # 和暦 with the western year
        setter("A3", "高田町"),
        setter("C1", "面積（km²）"),  # ²: Latin-1, not a Windows extension
        lambda ws: [
            setattr(ws[f"B{r}"], "fill", PatternFill("solid", fgColor="FFFFFF00"))
            for r in range(2, 7)
        ],  # the whole column coloured: layout, not data
    ],
)
def test_negative_controls_report_nothing(tmp_path, edit):
    assert found(book(tmp_path / "t.xlsx", edit=edit)) == {}


def test_blank_row_column_note_inside_and_second_table(tmp_path):
    gap = [HEADING, ROWS[0], [None] * 4, ROWS[1], ROWS[2]]
    assert found(book(tmp_path / "row.xlsx", gap)) == {"1-13": {"3行目"}}
    wide = [[r[0], None, *r[1:]] for r in [HEADING, *ROWS]]
    assert found(book(tmp_path / "col.xlsx", wide)) == {"1-13": {"B列"}}
    note = [HEADING, ROWS[0], ["※ B町は4月から合併後の数値"], ROWS[1], ROWS[2]]
    assert found(book(tmp_path / "note.xlsx", note)) == {"1-13": {"A3"}}
    two = [HEADING, *ROWS, [None] * 4, HEADING, *ROWS]
    result = found(book(tmp_path / "two.xlsx", two))
    assert result["1-14"] == {"8行目"} and result["1-13"] == {"7行目"}
    # negative control: a footnote below the table is where notes belong
    below = [HEADING, *ROWS, [None] * 4, ["注 人口は4月1日現在"]]
    assert found(book(tmp_path / "below.xlsx", below)) == {}


def test_csv_number_text_addresses_and_readability(tmp_path, capsys):
    csv = tmp_path / "統計.csv"
    lines = [
        "令和6年 市町村別人口",
        "",
        "地域,人口（人）,世帯数",
        'A市,"1,200",500',
        "B町,８００,300",
    ]
    lines += ["合計,2000,800", "資料：住民基本台帳"]
    csv.write_bytes("\r\n".join(lines).encode("cp932"))
    assert found(csv) == {"1-3": {"B4", "B5"}}  # 桁区切りの文字, 全角数字
    assert cli.main(["check", str(csv)]) == 1
    out = capsys.readouterr().out
    assert "[1-3]" in out and "B4、B5" in out
    assert "見出しは3行目" in out and "6行目「合計」" in out and "7行目" in out


def test_platform_characters():
    assert platform_characters("①㈱㍻Ⅲ髙ｶ") == "①㈱㍻Ⅲ髙ｶ"
    assert platform_characters("高橋（株）平成～－カ 2024") == ""  # cp932/JIS mapping only


def test_unopenable_files_exit_2(tmp_path, capsys):
    assert cli.main(["check", str(tmp_path / "ない.xlsx")]) == 2
    bad = tmp_path / "古い.xls"
    bad.write_bytes(b"\xd0\xcf\x11\xe0")
    assert cli.main(["check", str(bad)]) == 2
    assert ".xlsx 形式に保存し直して" in capsys.readouterr().err


# ------------------------------------------------------------- the real published files

needs_realdata = pytest.mark.skipif(not REALDATA.is_dir(), reason="../shared/realdata がありません")


@needs_realdata
def test_traffic_merged_heading_and_spaced_names():
    # openpyxl: ws.merged_cells.ranges of 表4-1 = A4:B5, C4:E4, F4:I4, J4:L4;
    # B6 = '札\u3000幌', B7 = '函\u3000館' (全角 spaces to align two-letter names).
    result = found(REALDATA / "traffic_2020_05.xlsx", "表4-1")
    assert result["1-4"] == {"A4:B5", "C4:E4", "F4:I4", "J4:L4"}
    assert {"B6", "B7"} <= result["1-5"]
    # 表2-2: L5 = ' 2年', A7 = '4歳以下 ', A25 = '合計     ' (padding spaces); no merges.
    result = found(REALDATA / "traffic_2020_05.xlsx", "表2-2")
    assert result.get("1-4") is None and {"L5", "A7", "A25"} <= result["1-5"]


@needs_realdata
def test_kobe_blank_heading_line_breaks_and_footnote_reading():
    # sheet kobe: A1 is None over the dates, J1 = '治癒確認（退院など）\n（累計）',
    # B1 = '検査実施人数（日別）\u3000\u3000', row 108 a ※ footnote in B.
    checks = {c.sheet: c for c in check_file(REALDATA / "kobe_kansensya_pcr.xlsx")}
    assert set(checks) == {"all", "kobe", "other", "＿"}
    kobe = {f.rule: set() for f in checks["kobe"].findings}
    for f in checks["kobe"].findings:
        kobe[f.rule].update(f.cells)
    assert kobe["1-6"] == {"A1"} and {"J1", "B1"} <= kobe["1-5"]
    assert checks["kobe"].readable and any("108行目" in line for line in checks["kobe"].reading)
    assert checks["＿"].findings == []
    # kobe_sodan: A1 None, B1 holds an Alt+Enter line break.
    result = found(REALDATA / "kobe_sodan.xlsx")
    assert result["1-6"] == {"A1"} and "B1" in result["1-5"]


@needs_realdata
def test_csv_files_heading_gaps_and_stacked_tables(capsys):
    # NIID week 30: rows 3/4 = ['', 'インフルエンザ', ''] / ['', '報告', '定当']: A has no name.
    assert found(REALDATA / "niid_2023-30-teiten.csv") == {"1-6": {"A4"}}
    assert cli.main(["check", str(REALDATA / "niid_2023-30-teiten.csv")]) == 1
    out = capsys.readouterr().out
    assert "見出しは3～4行目" in out and "5行目「総数」" in out
    # SSDSE-C: F2 = '01\u3000穀類'.
    assert "F2" in found(REALDATA / "SSDSE-C-2025.csv")["1-5"]
    # niid_latest-trend: row 29 empty, row 30 'COVID-19', row 31 ',1週,2週,…' (a new
    # table's heading; the first is row 17), and again at 45, 59 …
    result = found(REALDATA / "niid_latest-trend.csv")
    assert {"31行目", "45行目", "59行目"} <= result["1-14"] and "29行目" in result["1-13"]


@needs_realdata
def test_old_excel_is_unreadable_exit_2(capsys):
    assert cli.main(["check", str(REALDATA / "traffic_2018_12.xls")]) == 2
    assert ".xls" in capsys.readouterr().err


def test_sheet_the_workbench_cannot_read_is_reported_not_fatal(tmp_path, capsys):
    def edit(ws: Any) -> None:
        memo = ws.parent.create_sheet("メモ")
        for _ in range(25):
            memo.append([None])
        memo.append(["担当: 統計課"])  # below row 20: no heading can be found

    path = book(tmp_path / "memo.xlsx", edit=edit)
    checks = {c.sheet: c for c in check_file(path)}
    assert checks["表"].readable and checks["表"].findings == []
    assert not checks["メモ"].readable and "読めません" in checks["メモ"].reading[0]
    assert cli.main(["check", str(path), "--sheet", "表"]) == 0
    assert cli.main(["check", str(path), "--sheet", "ない"]) == 2
