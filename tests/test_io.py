"""Tests for workbench.io: encodings, statistical symbols, era dates and table readers.

Every input file is written into tmp_path with explicitly chosen bytes, and every
expected value was worked out by hand (e.g. 平成 started 1989-01-08, so H31 = 2019).
"""

import math

import numpy as np
import openpyxl
import pandas as pd
import pytest

from workbench.io import (
    DataFileError,
    clean_table,
    detect_encoding,
    find_header_row,
    normalize_text,
    parse_wareki_date,
    read_multiheader_csv,
    read_table,
    to_datetime_wareki,
    to_number,
    wareki_to_year,
)

CP932_CSV = (
    "令和5年度 職員研修受講者\r\n"
    "\r\n"
    "職員番号,氏名,所属,受講時間\r\n"
    '0012,髙橋 一郎,①企画課,"1,234"\r\n'
    "0345,渡邉 花子,総務課,△5\r\n"
)


@pytest.fixture
def cp932_csv(tmp_path):
    path = tmp_path / "受講者.csv"
    path.write_bytes(CP932_CSV.encode("cp932"))
    return path


@pytest.fixture
def workbook(tmp_path):
    """Title in merged A1:E1, empty row 2, header in row 3, empty column C, blank row 7."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "R5"
    sheet["A1"] = "令和5年度 公共施設利用状況"
    sheet.merge_cells("A1:E1")
    for row in (
        ["施設名", "利用者数\n（人）", None, "開設日", "　備考　"],
        ["図書館", 1200, None, "R2.4.1", None],
        ["体育館", "x", None, "平成31年4月30日", "改修中"],
        ["美術館", "△5", None, "昭和64年1月7日", None],
        [None, None, None, None, None],
        ["公民館", 300, None, "平成32年1月1日", None],
    ):
        sheet.append(row)
    # openpyxl's append starts below the last used row (row 1), so move the table down one.
    sheet.move_range("A2:E7", rows=1)
    book.create_sheet("R4").append(["施設名", "利用者数"])
    book["R4"].append(["図書館", 1100])
    path = tmp_path / "施設.xlsx"
    book.save(path)
    return path


# ------------------------------------------------------------------- encodings


def test_detect_cp932_where_shift_jis_would_fail(cp932_csv):
    data = cp932_csv.read_bytes()
    assert detect_encoding(cp932_csv) == "cp932"
    # 髙 and ① are cp932 extensions: plain shift_jis cannot decode this file at all.
    with pytest.raises(UnicodeDecodeError):
        data.decode("shift_jis")
    assert "髙橋" in data.decode("cp932")


def test_detect_utf8_with_bom(tmp_path):
    path = tmp_path / "bom.csv"
    path.write_bytes("地域,人口\n".encode("utf-8-sig"))
    assert detect_encoding(path) == "utf-8-sig"


@pytest.mark.parametrize("codec, bom", [("utf-16-le", b"\xff\xfe"), ("utf-16-be", b"\xfe\xff")])
def test_detect_utf16_both_byte_orders(tmp_path, codec, bom):
    path = tmp_path / "u16.txt"
    path.write_bytes(bom + "地域\t人口\n".encode(codec))
    assert detect_encoding(path) == "utf-16"


def test_detect_plain_utf8(tmp_path):
    path = tmp_path / "u8.csv"
    path.write_bytes("髙橋,①\n".encode())
    assert detect_encoding(path) == "utf-8"


def test_detect_undecodable_bytes_raises_in_japanese(tmp_path):
    path = tmp_path / "broken.csv"
    path.write_bytes(b"abc\x85\x40")  # invalid in UTF-8 and an unassigned cp932 lead byte
    with pytest.raises(DataFileError, match="文字コードを判定できません"):
        detect_encoding(path)


def test_normalize_text():
    assert normalize_text("　ＡＢＣ１２３ ｶﾀｶﾅ　") == "ABC123 カタカナ"
    assert normalize_text(5) == 5 and normalize_text(None) is None


# --------------------------------------------------------------------- numbers


@pytest.mark.parametrize(
    "text, expected",
    [
        ("１２３", 123),
        ("1,234", 1234),
        ("１，２３４", 1234),
        (" 12.5 ", 12.5),
        ("△123", -123),
        ("▲5", -5),
        ("△1,234", -1234),
        ("-7", -7),
        ("123p", 123),
        ("45r", 45),
    ],
)
def test_to_number_scalar(text, expected):
    result = to_number(text)
    assert result == expected and type(result) is type(expected)


@pytest.mark.parametrize("text", ["-", "－", "―", "…", "...", "x", "X", "ｘ", "***", "", "　"])
def test_to_number_symbols_become_nan(text):
    assert math.isnan(to_number(text))


def test_to_number_rejects_misgrouped_commas_and_percent():
    _, notes = to_number(pd.Series(["1,23", "12%"]), return_notes=True)
    assert notes["扱い"].str.startswith("数値に変換できません").all()
    assert "%" in notes.loc[1, "扱い"]


def test_to_number_series_and_notes():
    series = pd.Series(["△1,234", "x", "567p", "…", "abc", None], index=[10, 11, 12, 13, 14, 15])
    numbers, notes = to_number(series, return_notes=True)
    assert numbers.dtype == "float64" and list(numbers.index) == [10, 11, 12, 13, 14, 15]
    assert numbers[10] == -1234 and numbers[12] == 567
    assert numbers[[11, 13, 14, 15]].isna().all()
    assert list(notes.columns) == ["行", "元の値", "扱い"]
    assert notes.values.tolist() == [
        [11, "x", "秘匿（x）→欠損値"],
        [12, "567p", "速報値の印（p）を除いて数値化"],
        [13, "…", "不詳（…）→欠損値"],
        [14, "abc", "数値に変換できません→欠損値"],
    ]  # None was already missing: nothing to report


def test_to_number_numeric_series_returned_unchanged():
    series = pd.Series([1, 2, 3])
    result, notes = to_number(series, return_notes=True)
    assert result is series and result.dtype == "int64" and notes.empty


# ----------------------------------------------------------------------- dates


@pytest.mark.parametrize(
    "text, expected",
    [
        ("令和6年4月1日", "2024-04-01"),
        ("令和元年5月1日", "2019-05-01"),
        ("R6.4.1", "2024-04-01"),
        ("R6/4/1", "2024-04-01"),
        ("r6.4.1", "2024-04-01"),
        ("令和６年４月１日", "2024-04-01"),
        ("H31.4.30", "2019-04-30"),
        ("平成31年4月30日", "2019-04-30"),
        ("㍻元年1月8日", "1989-01-08"),
        ("昭和64年1月7日", "1989-01-07"),
        ("S64.1.7", "1989-01-07"),
        ("S22.5.3", "1947-05-03"),
        ("大正15年12月24日", "1926-12-24"),
        ("T1.7.30", "1912-07-30"),
        ("明治45年7月29日", "1912-07-29"),
        ("2024-04-01", "2024-04-01"),
        ("2024/4/1", "2024-04-01"),
        ("2024年4月1日", "2024-04-01"),
        ("20240401", "2024-04-01"),
        ("R6.2.29", "2024-02-29"),
    ],
)
def test_parse_wareki_date(text, expected):
    assert parse_wareki_date(text) == pd.Timestamp(expected)


@pytest.mark.parametrize(
    "text",
    [
        "平成31年5月1日",
        "令和元年4月30日",
        "昭和64年1月8日",
        "平成元年1月7日",
        "大正15年12月25日",
        "H32.1.1",
        "R1.4.1",
    ],
)
def test_dates_just_outside_their_era_are_rejected(text):
    with pytest.raises(DataFileError, match="の期間外です"):
        parse_wareki_date(text)


def test_era_end_message_names_limit_and_correct_era():
    with pytest.raises(DataFileError) as info:
        parse_wareki_date("平成32年1月1日")
    assert str(info.value).startswith("平成32年1月1日 は平成の期間外です（平成は31年4月30日まで")
    assert "令和2年1月1日" in str(info.value)


def test_era_start_message():
    with pytest.raises(DataFileError) as info:
        parse_wareki_date("令和1年4月1日")
    assert "令和は元年5月1日から" in str(info.value) and "平成31年4月1日" in str(info.value)


@pytest.mark.parametrize("text", ["R6.2.30", "2023/2/29", "令和6年13月1日"])
def test_impossible_calendar_dates_are_rejected(text):
    with pytest.raises(DataFileError, match="存在しない日付"):
        parse_wareki_date(text)


def test_parse_wareki_date_blank_and_garbage():
    assert parse_wareki_date(None) is pd.NaT and parse_wareki_date("  ") is pd.NaT
    with pytest.raises(DataFileError, match="日付・年として読めません"):
        parse_wareki_date("未定")
    with pytest.raises(DataFileError, match="月日がありません"):
        parse_wareki_date("令和6年")


@pytest.mark.parametrize(
    "value, expected",
    [
        ("令和6年", 2024),
        ("令和6年度", 2024),
        ("R6", 2024),
        ("平成元年", 1989),
        ("昭和22年", 1947),
        ("2024年度", 2024),
        ("2024", 2024),
        (2024, 2024),
        (2024.0, 2024),
        ("令和元年", 2019),
        ("H31", 2019),
        ("令和６年４月１日", 2024),
        ("明治元年", 1868),
        ("大正元年", 1912),
    ],
)
def test_wareki_to_year(value, expected):
    assert wareki_to_year(value) == expected


def test_wareki_to_year_after_era_end_suggests_new_era():
    assert wareki_to_year(None) is None and wareki_to_year("") is None
    with pytest.raises(DataFileError, match="平成の期間外です.*令和2年"):
        wareki_to_year("平成32年度")


def test_to_datetime_wareki_coerces_and_keeps_index():
    series = pd.Series(["R6.4.1", "平成32年1月1日", "不明", None, "S22.5.3"], index=list("abcde"))
    result = to_datetime_wareki(series)
    assert pd.api.types.is_datetime64_dtype(result) and list(result.index) == list("abcde")
    assert result["a"] == pd.Timestamp("2024-04-01") and result["e"] == pd.Timestamp("1947-05-03")
    assert result[["b", "c", "d"]].isna().all()


def test_to_datetime_wareki_raise_names_row():
    with pytest.raises(DataFileError, match="行 1: R6.2.30 は存在しない日付"):
        to_datetime_wareki(pd.Series(["R6.2.29", "R6.2.30"]), errors="raise")


# -------------------------------------------------------------------- headers


def test_find_header_row_skips_title_and_blank_rows():
    raw = pd.DataFrame(
        [
            ["令和5年度 公共施設利用状況", None, None],
            [None, None, None],
            ["施設名", "利用者数", "前年比"],
            ["図書館", "1,200", "△3"],
        ]
    )
    assert find_header_row(raw) == 2


def test_find_header_row_prefers_text_row_over_wider_numeric_rows():
    # Header has a blank corner cell; the data rows are wider but mostly numbers.
    raw = pd.DataFrame(
        [
            [None, "人口", "世帯数"],
            ["札幌市", "1973395", "1,000,000"],
            ["函館市", "251084", "x"],
        ]
    )
    assert find_header_row(raw) == 0


def test_find_header_row_ignores_text_row_without_data_below():
    # The footnote row is wider than the header but has nothing below it.
    raw = pd.DataFrame(
        [
            ["地域", "人口", None],
            ["A市", "10", None],
            ["注: 単位は人", "出典: 国勢調査", "調査年: 令和2年"],
        ]
    )
    assert find_header_row(raw) == 0


def test_find_header_row_empty_raises():
    with pytest.raises(DataFileError, match="値がありません"):
        find_header_row(pd.DataFrame([[None, None]]))


# --------------------------------------------------------------------- tables


def test_read_xlsx_finds_header_below_merged_title(workbook):
    df = read_table(workbook, sheet="R5")
    assert list(df.columns) == ["施設名", "利用者数(人)", "開設日", "備考"]
    assert df.index.tolist() == [4, 5, 6, 8]  # Excel row numbers; blank row 7 dropped
    assert df.loc[4, "利用者数(人)"] == 1200 and df.loc[5, "利用者数(人)"] == "x"  # not converted
    assert df.attrs["header_row"] == 3
    pd.testing.assert_frame_equal(read_table(workbook, sheet=0, header_row=3), df)


def test_read_xlsx_with_two_tables_and_no_sheet_lists_them_with_sizes(workbook):
    # Using the first of two tables silently gave another table's numbers.
    sizes = r"2枚.*「R5」（\d+行×\d+列）、「R4」（2行×2列）.*--sheet"
    with pytest.raises(DataFileError, match=sizes):
        read_table(workbook)


def test_read_xlsx_sheet_by_name_and_index(workbook):
    by_name = read_table(workbook, sheet="R4")
    assert by_name.to_dict("list") == {"施設名": ["図書館"], "利用者数": [1100]}
    pd.testing.assert_frame_equal(read_table(workbook, sheet=1), by_name)
    assert read_table(workbook, sheet="Ｒ４").equals(by_name)  # full-width name typed by hand


def test_read_xlsx_missing_sheet_lists_existing_ones(workbook):
    with pytest.raises(DataFileError, match="「R3」が見つかりません.*「R5」（6行×5列）、「R4」"):
        read_table(workbook, sheet="R3")
    with pytest.raises(DataFileError, match="シート番号 5 はありません"):
        read_table(workbook, sheet=5)


def test_read_xlsx_header_row_out_of_range(workbook):
    with pytest.raises(DataFileError, match="header_row=40 はデータの範囲外です.*8行目まで"):
        read_table(workbook, sheet="R5", header_row=40)
    with pytest.raises(DataFileError, match="header_row=2 の行は空です"):
        read_table(workbook, sheet="R5", header_row=2)


def test_read_cp932_csv_keeps_strings_and_codes(cp932_csv):
    df = read_table(cp932_csv)
    assert list(df.columns) == ["職員番号", "氏名", "所属", "受講時間"]
    assert df.loc[4].tolist() == ["0012", "髙橋 一郎", "①企画課", "1,234"]
    assert df.loc[5, "受講時間"] == "△5"
    assert pd.api.types.is_string_dtype(df["職員番号"])


def test_read_csv_with_forced_wrong_encoding_explains(cp932_csv):
    with pytest.raises(DataFileError, match="文字コード utf-8 として読めません.*cp932"):
        read_table(cp932_csv, encoding="utf-8")


def test_read_utf8_bom_csv_drops_empty_rows_and_columns(tmp_path):
    path = tmp_path / "bom.csv"
    path.write_bytes("地域,,人口\nA市,,10\n,,\nB市,,20\n".encode("utf-8-sig"))
    df = read_table(path)
    assert list(df.columns) == ["地域", "人口"]  # no "\ufeff地域", empty column B dropped
    assert df.to_dict("list") == {"地域": ["A市", "B市"], "人口": ["10", "20"]}
    assert list(read_table(path, encoding="utf-8").columns) == ["地域", "人口"]  # BOM removed


def test_read_utf16_tab_separated_txt(tmp_path):
    path = tmp_path / "export.txt"
    path.write_bytes("地域\t人口\r\nA市\t1,000\r\n".encode("utf-16"))
    assert read_table(path).to_dict("list") == {"地域": ["A市"], "人口": ["1,000"]}


def test_read_table_missing_file_and_unsupported_format(tmp_path):
    with pytest.raises(DataFileError, match="ファイルが見つかりません: .*nothing.csv"):
        read_table(tmp_path / "nothing.csv")
    old = tmp_path / "old.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0")
    with pytest.raises(DataFileError, match=r"対応していないファイル形式です: old\.xls.*\.xlsx"):
        read_table(old)


def test_read_table_broken_xlsx(tmp_path):
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"not a zip file")
    with pytest.raises(DataFileError, match="Excel ファイルとして開けません"):
        read_table(path)


# --------------------------------------------------------------------- cleaning


def test_clean_table_autodetects_numbers_and_parses_dates(workbook):
    cleaned, notes = clean_table(read_table(workbook, sheet="R5"), dates=["開設日"])
    assert cleaned["利用者数(人)"].tolist()[0] == 1200 and cleaned.loc[6, "利用者数(人)"] == -5
    assert np.isnan(cleaned.loc[5, "利用者数(人)"])
    assert cleaned["開設日"].tolist()[:3] == [
        pd.Timestamp("2020-04-01"),
        pd.Timestamp("2019-04-30"),
        pd.Timestamp("1989-01-07"),
    ]
    assert cleaned["施設名"].tolist() == ["図書館", "体育館", "美術館", "公民館"]  # untouched
    assert list(notes.columns) == ["列", "行", "元の値", "扱い"]
    assert notes.iloc[0].tolist() == ["利用者数(人)", 5, "x", "秘匿（x）→欠損値"]
    assert notes.iloc[1, :3].tolist() == ["開設日", 8, "平成32年1月1日"]
    assert "平成の期間外" in notes.iloc[1, 3]


def test_clean_table_leaves_code_columns_and_text(cp932_csv):
    cleaned, notes = clean_table(read_table(cp932_csv))
    assert cleaned["職員番号"].tolist() == ["0012", "0345"]  # leading zeros mean a code
    assert cleaned["受講時間"].tolist() == [1234.0, -5.0]
    assert notes.empty and list(notes.columns) == ["列", "行", "元の値", "扱い"]


def test_clean_table_autodetect_threshold_is_80_percent():
    df = pd.DataFrame({"4of5": ["1", "2", "3", "4", "不明"], "3of5": ["1", "2", "3", "A", "B"]})
    cleaned, notes = clean_table(df)
    assert cleaned["4of5"].tolist()[:4] == [1.0, 2.0, 3.0, 4.0]
    assert cleaned["3of5"].tolist() == ["1", "2", "3", "A", "B"]
    assert notes.values.tolist() == [["4of5", 4, "不明", "数値に変換できません→欠損値"]]


def test_clean_table_unknown_column_lists_columns():
    with pytest.raises(DataFileError, match="列が見つかりません: 人工.*人口"):
        clean_table(pd.DataFrame({"人口": ["1"]}), numeric=["人工"])


# ------------------------------------------------------------------------ SSDSE


def test_read_multiheader_csv_ssdse_style(tmp_path):
    text = (
        "SSDSE-A-2024,Code,Prefecture,A1101,A110101\r\n"
        ",,,2020,2020\r\n"
        "地域コード,都道府県,市区町村,総人口,総人口（男）\r\n"
        "R00000,全国,全国,126146099,61349581\r\n"
        "R01100,北海道,札幌市,1973395,918682\r\n"
    )
    path = tmp_path / "SSDSE-A-2024.csv"
    path.write_bytes(text.encode("cp932"))
    df = read_multiheader_csv(path)
    assert list(df.columns) == ["地域コード", "都道府県", "市区町村", "総人口", "総人口(男)"]
    assert df.attrs["codes"] == {"総人口": "A1101", "総人口(男)": "A110101"}
    assert df.attrs["years"] == {"総人口": "2020", "総人口(男)": "2020"}
    assert df["地域コード"].tolist() == ["R00000", "R01100"]
    assert df.loc[5, "総人口"] == "1973395"  # row 5 of the file, still a string


def test_read_multiheader_csv_two_rows(tmp_path):
    path = tmp_path / "SSDSE-B.csv"
    path.write_bytes(
        "SSDSE-B-2024,Code,A1101\r\n年度,地域コード,総人口\r\n2022,R01000,5140000\r\n".encode(
            "cp932"
        )
    )
    df = read_multiheader_csv(path, header_rows=2)
    assert list(df.columns) == ["年度", "地域コード", "総人口"]
    assert df.attrs["codes"] == {"総人口": "A1101"} and "years" not in df.attrs
    with pytest.raises(DataFileError, match="label_row=3"):
        read_multiheader_csv(path, header_rows=2, label_row=3)
