"""Unit 02 (実データの読み方): the quirky files parse back to the generator's clean values.

The generator draws clean values first (``clean_frames``) and only then writes them with
quirks (cp932, 和暦, 全角数字, △, 秘匿, title rows, three header rows, e-Stat JSON). Each
test reads the written bytes with the standard library only (csv, json, openpyxl) and
converts by hand (era tables, translate tables), then compares with the clean values;
a second set of tests checks that the workbench.io helpers the unit teaches agree.
"""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from workbench import datasets
from workbench.datasets.messy_municipal_files import SSDSE_ITEMS, XLSX_COLUMNS, clean_frames
from workbench.datasets.messy_municipal_files.values import INDUSTRIES, VITAL_YEARS
from workbench.io import read_multiheader_csv, to_datetime_wareki, to_number, wareki_to_year

NAME = "messy_municipal_files"
DEFAULT_SEED = datasets.get(NAME).seed
ERA_FIRST_YEAR = {"昭和": 1926, "平成": 1989, "令和": 2019, "S": 1926, "H": 1989, "R": 2019}
ZENKAKU = str.maketrans("０１２３４５６７８９，．", "0123456789,.")
DATE_RE = re.compile(r"(昭和|平成|令和|[SHR])(元|\d+)[年.](\d+)[月.](\d+)日?")


@pytest.fixture(
    scope="module",
    params=[("small", DEFAULT_SEED), ("small", 7), ("full", 3)],
    ids=lambda p: f"{p[0]}-{p[1]}",
)
def build(request, tmp_path_factory):
    size, seed = request.param
    if seed == DEFAULT_SEED and size == "small":
        folder = datasets.build(NAME)  # the very files the course notebook reads
    else:
        folder = datasets.build(NAME, size, seed=seed, out_dir=tmp_path_factory.mktemp(NAME))
    return folder, clean_frames(size, seed)


# ------------------------------------------------------------------ hand conversions


def era_year(era: str, number: str) -> int:
    return ERA_FIRST_YEAR[era] + (1 if number == "元" else int(number)) - 1


def hand_date(text: str) -> date:
    text = text.translate(ZENKAKU)
    if match := DATE_RE.fullmatch(text):
        era, number, month, day = match.groups()
        return date(era_year(era, number), int(month), int(day))
    year, month, day = (int(part) for part in text.split("/"))
    return date(year, month, day)


def hand_year(text: str) -> int:
    match = re.fullmatch(r"(昭和|平成|令和)(元|\d+)年", text.translate(ZENKAKU))
    assert match, text
    return era_year(*match.groups())


def hand_amount(text: str) -> int:
    return int(text.translate(ZENKAKU).replace(",", ""))


def hand_cell(value) -> int | None:
    """A statistics-table cell: △ negative, - none (0), numbers as they are."""
    if isinstance(value, str):
        if value == "-":
            return 0
        assert value.startswith("△"), value
        return -int(value[1:])
    return int(value)


def csv_rows(path: Path, encoding: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_bytes().decode(encoding), newline="")))


# ------------------------------------------------------------------ subsidy_applications.csv


def test_applications_are_excel_cp932_that_shift_jis_cannot_read(build):
    folder, _ = build
    raw = (folder / "subsidy_applications.csv").read_bytes()
    assert b"\r\n" in raw and not raw.startswith(b"\xef\xbb\xbf")
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    with pytest.raises(UnicodeDecodeError):  # 髙, 﨑 and ① are cp932 extensions
        raw.decode("shift_jis")
    text = raw.decode("cp932")
    assert "髙" in text and "﨑" in text and "①" in text


def test_applications_round_trip_by_hand(build):
    folder, clean = build
    truth = clean["applications"]
    header, *rows = csv_rows(folder / "subsidy_applications.csv", "cp932")
    assert header == [
        "受付番号",
        "申請日",
        "団体名",
        "市町村",
        "設立年",
        "事業費",
        "申請額",
        "備考",
    ]
    assert len(rows) == len(truth)
    columns = {name: [row[j] for row in rows] for j, name in enumerate(header)}
    assert columns["受付番号"] == truth["受付番号"].tolist()
    assert [hand_date(t) for t in columns["申請日"]] == [d.date() for d in truth["申請日"]]
    assert [hand_year(t) for t in columns["設立年"]] == truth["設立年"].tolist()
    assert [hand_amount(t) for t in columns["事業費"]] == truth["事業費"].tolist()
    assert [hand_amount(t) for t in columns["申請額"]] == truth["申請額"].tolist()
    assert columns["団体名"] == truth["団体名"].tolist()
    assert columns["備考"] == truth["備考"].tolist()


def test_applications_contain_every_quirk_the_unit_teaches(build):
    folder, clean = build
    _, *rows = csv_rows(folder / "subsidy_applications.csv", "cp932")
    dates = [row[1] for row in rows]
    years = [row[4] for row in rows]
    amounts = [row[6] for row in rows]
    assert any(d.startswith("平成31年") or d.startswith("H31.") for d in dates)
    assert any(d.startswith("令和元年") for d in dates)
    assert any(d.startswith("令和1年") for d in dates)
    assert any(d.startswith("R1.") for d in dates)
    assert any("/" in d for d in dates)
    assert any(re.search("[０-９]", d) for d in dates)
    assert {"平成元年", "平成31年", "令和元年", "昭和６４年"} <= set(years)
    assert any(re.search("[０-９]", y) for y in years if y != "昭和６４年")
    assert any("，" in a for a in amounts) and any("," in a for a in amounts)
    assert any(re.fullmatch(r"\d+", a) for a in amounts)
    # Applications on both sides of the change of era, none in the Golden Week holiday.
    days = clean["applications"]["申請日"]
    assert (days < "2019-05-01").any() and (days >= "2019-05-01").any()
    assert not days.between("2019-04-27", "2019-05-06").any()
    assert (days.dt.day_of_week < 5).all()


def test_subsidy_rule_holds_in_clean_values(build):
    _, clean = build
    truth = clean["applications"]
    expected = [min(cost // 2 // 1000 * 1000, 500_000) for cost in truth["事業費"]]
    assert truth["申請額"].tolist() == expected
    assert (truth["設立日"] <= truth["申請日"].dt.date).all()


def test_applications_helpers_agree_with_hand_conversion(build):
    folder, clean = build
    truth = clean["applications"]
    frame = pd.read_csv(folder / "subsidy_applications.csv", encoding="cp932")
    assert to_datetime_wareki(frame["申請日"], errors="raise").tolist() == truth["申請日"].tolist()
    assert [wareki_to_year(t) for t in frame["設立年"]] == truth["設立年"].tolist()
    amounts, notes = to_number(frame["申請額"], return_notes=True)
    assert notes.empty and amounts.tolist() == truth["申請額"].astype(float).tolist()


# ------------------------------------------------------------------ online_requests.csv


def test_online_requests_are_utf8_with_bom_and_round_trip(build):
    folder, clean = build
    raw = (folder / "online_requests.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    header, *rows = csv_rows(folder / "online_requests.csv", "utf-8-sig")
    assert header == ["年月", "手続名", "受付件数", "オンライン件数", "オンライン率"]
    truth = clean["requests"]
    assert [r[0] for r in rows] == truth["年月"].tolist()
    assert [int(r[2].replace(",", "")) for r in rows] == truth["受付件数"].tolist()
    assert [int(r[3]) for r in rows] == truth["オンライン件数"].tolist()
    rates = [float(r[4].removesuffix("%")) for r in rows]
    assert all(r[4].endswith("%") for r in rows)
    assert rates == [round(100 * int(r[3]) / int(r[2].replace(",", "")), 1) for r in rows]
    assert any("," in r[2] for r in rows)


# ------------------------------------------------------------------ population_change.xlsx


def test_population_workbook_layout(build):
    folder, _ = build
    book = load_workbook(folder / "population_change.xlsx")
    assert book.sheetnames == [f"令和{year - 2018}年" for year in sorted(VITAL_YEARS, reverse=True)]
    for sheet in book.worksheets:
        assert "合成データ" in sheet["A1"].value
        merged = {str(r) for r in sheet.merged_cells.ranges}
        assert {"A1:H1", "A3:A4", "B3:B4", "C3:E3", "F3:H3"} <= merged
        assert [sheet.cell(4, c).value for c in range(3, 9)] == [
            "出生",
            "死亡",
            "増減",
            "転入",
            "転出",
            "増減",
        ]
        assert sheet["A5"].value == "48000" and sheet["B5"].value == "さくら県計"
        notes = [r[0] for r in sheet.iter_rows(values_only=True) if r[0] and r[1] is None]
        assert any(str(n).startswith("注1）") for n in notes)


def test_population_tables_round_trip_by_hand(build):
    folder, clean = build
    book = load_workbook(folder / "population_change.xlsx", read_only=True)
    vital = clean["vital"]
    numbers = XLSX_COLUMNS[2:]
    for year in VITAL_YEARS:
        rows = [
            r[:8]
            for r in book[f"令和{year - 2018}年"].iter_rows(min_row=5, values_only=True)
            if r[0] and str(r[0]).isdigit()
        ]
        total, towns = rows[0], rows[1:]
        truth = vital[vital["年"] == year]
        assert [r[0] for r in towns] == truth["団体コード"].tolist()
        assert [r[1] for r in towns] == truth["市町村名"].tolist()
        for j, column in enumerate(numbers, start=2):
            assert [hand_cell(r[j]) for r in towns] == truth[column].tolist(), column
            assert hand_cell(total[j]) == truth[column].sum(), column
        # Negatives are text with △, counts of zero are "-": the quirks learners convert.
        assert all(
            isinstance(r[7], str) == (v < 0) for r, v in zip(towns, truth["社会増減"], strict=True)
        )
        assert "-" in [r[2] for r in towns]  # the tiny village with no births


def test_population_helper_conversion_keeps_the_sum(build):
    folder, clean = build
    frame = pd.read_excel(
        folder / "population_change.xlsx",
        sheet_name="令和5年",
        header=None,
        skiprows=4,
        names=XLSX_COLUMNS,
    )
    towns = frame.dropna(subset=["市町村名"])
    towns = towns[towns["団体コード"] != "48000"]
    social = to_number(towns["社会増減"])
    truth = clean["vital"][clean["vital"]["年"] == 2023]
    assert social.tolist() == truth["社会増減"].astype(float).tolist()
    assert social.sum() == (towns["転入"] - towns["転出"]).sum()


# ------------------------------------------------------------------ ssdse_style_sakura.csv


def test_ssdse_three_header_rows_and_values(build):
    folder, clean = build
    rows = csv_rows(folder / "ssdse_style_sakura.csv", "cp932")
    codes, years, labels, *body = rows
    assert codes[3:] == [code for code, _, _, _ in SSDSE_ITEMS]
    assert years[:3] == ["", "", ""] and years[3:] == [y for _, y, _, _ in SSDSE_ITEMS]
    assert labels[:3] == ["地域コード", "都道府県", "市区町村"]
    assert "15～64歳人口" in labels
    # shift_jis maps the same bytes to WAVE DASH 〜 (U+301C): the label silently changes.
    misread = (folder / "ssdse_style_sakura.csv").read_bytes().decode("shift_jis")
    assert "15〜64歳人口" in misread and "15～64歳人口" not in misread

    towns = clean["towns"]
    v2022 = clean["vital"][clean["vital"]["年"] == 2022].set_index("団体コード")
    per_town = clean["establishments"].groupby("団体コード")[["事業所数", "従業者数"]].sum()
    prefecture, municipal = body[0], body[1:]
    assert prefecture[:3] == ["R48000", "さくら県", "県計"]
    assert [r[0] for r in municipal] == ["R" + c for c in towns["団体コード"]]
    assert [r[2] for r in municipal] == towns["市町村名"].tolist()
    sources = {
        "出生_2022": v2022["出生"],
        "死亡_2022": v2022["死亡"],
        "事業所数": per_town["事業所数"],
        "従業者数": per_town["従業者数"],
    }
    for j, (_, _, label, column) in enumerate(SSDSE_ITEMS, start=3):
        values = [float(r[j]) for r in municipal]
        if column in sources:
            expected = sources[column].reindex(towns["団体コード"]).astype(float).tolist()
        else:
            expected = towns[column].astype(float).tolist()
        assert values == expected, label
        assert float(prefecture[j]) == pytest.approx(sum(values), abs=1e-6), label
    index = {label: j for j, label in enumerate(labels)}
    for r in body:
        ages = (
            int(r[index["15歳未満人口"]])
            + int(r[index["15～64歳人口"]])
            + int(r[index["65歳以上人口"]])
        )
        assert ages == int(r[index["総人口"]])
        assert int(r[index["総人口（男）"]]) + int(r[index["総人口（女）"]]) == ages


def test_ssdse_plausible_magnitudes(build):
    _, clean = build
    towns = clean["towns"]
    aging = 100 * towns["65歳以上"] / towns["総人口"]
    assert aging.between(15, 65).all()
    by_kind = aging.groupby(towns["区分"]).mean()
    assert by_kind["市"] < by_kind["町"] < by_kind["村"]  # rural places are older
    births = clean["vital"]["出生"].sum() / (towns["総人口"].sum() * len(VITAL_YEARS))
    assert 0.004 < births < 0.008  # Japan: about 6 births per 1,000 people a year


def test_ssdse_helper_reads_codes_years_and_normalized_labels(build):
    folder, clean = build
    frame = read_multiheader_csv(folder / "ssdse_style_sakura.csv")
    assert frame.attrs["codes"]["総人口"] == "A1101"
    assert frame.attrs["years"]["出生数"] == "2022"
    assert "15~64歳人口" in frame.columns  # NFKC turns the cp932 ～ into ~
    assert (
        to_number(frame["総人口"]).iloc[1:].tolist()
        == clean["towns"]["総人口"].astype(float).tolist()
    )


# ------------------------------------------------------------------ estat_establishments.json


def estat_document(folder: Path) -> dict:
    return json.loads((folder / "estat_establishments.json").read_text(encoding="utf-8"))


def test_estat_json_structure(build):
    folder, clean = build
    stats = estat_document(folder)["GET_STATS_DATA"]["STATISTICAL_DATA"]
    assert stats["DATA_INF"]["NOTE"] == [
        {"@char": "***", "$": "秘匿"},
        {"@char": "-", "$": "該当数値なし"},
    ]
    classes = {obj["@id"]: obj["CLASS"] for obj in stats["CLASS_INF"]["CLASS_OBJ"]}
    assert isinstance(classes["time"], dict)  # a single class is an object, as in e-Stat
    assert [c["@code"] for c in classes["cat01"]] == ["00", *(c for c, *_ in INDUSTRIES)]
    values = stats["DATA_INF"]["VALUE"]
    assert all(set(v) == {"@tab", "@cat01", "@area", "@time", "@unit", "$"} for v in values)
    assert (
        len(values)
        == stats["RESULT_INF"]["TOTAL_NUMBER"]
        == 2 * (len(INDUSTRIES) + 1) * (len(clean["towns"]) + 1)
    )


def test_estat_values_and_suppression_round_trip(build):
    folder, clean = build
    values = estat_document(folder)["GET_STATS_DATA"]["STATISTICAL_DATA"]["DATA_INF"]["VALUE"]
    cell = {(v["@tab"], v["@cat01"], v["@area"]): v["$"] for v in values}
    sites = clean["establishments"]
    for row in sites.itertuples(index=False):
        shown_sites = cell[("001", row.産業コード, row.団体コード)]
        shown_workers = cell[("002", row.産業コード, row.団体コード)]
        if row.事業所数 == 0:
            assert shown_sites == shown_workers == "-"
        else:
            assert int(shown_sites) == row.事業所数
            expected = "***" if row.事業所数 <= 2 else str(row.従業者数)
            assert shown_workers == expected
    # Totals include what is hidden: prefecture total - visible municipal sum = hidden sum.
    for code, *_ in INDUSTRIES:
        part = sites[sites["産業コード"] == code]
        total = int(cell[("002", code, "48000")])
        assert total == part["従業者数"].sum()
        visible = sum(
            int(cell[("002", code, c)])
            for c in part["団体コード"]
            if cell[("002", code, c)] not in ("***", "-")
        )
        hidden = part.loc[part["事業所数"].between(1, 2), "従業者数"].sum()
        assert total - visible == hidden
    assert int(cell[("002", "00", "48000")]) == sites["従業者数"].sum()
    assert "***" in cell.values() and "-" in cell.values()


def test_course_notebook_dataset_has_secrets_in_the_exercise_industry():
    """演習8 asks about 情報通信業 (G): it must have both *** and - among municipalities."""
    values = estat_document(datasets.build(NAME))["GET_STATS_DATA"]["STATISTICAL_DATA"]["DATA_INF"][
        "VALUE"
    ]
    marks = [
        v["$"]
        for v in values
        if v["@tab"] == "002" and v["@cat01"] == "G" and v["@area"] != "48000"
    ]
    assert marks.count("***") >= 2 and marks.count("-") >= 1
