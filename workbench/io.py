"""Robust readers for the data files Japanese public-sector staff actually receive.

Prefectural and municipal data often arrives as Shift_JIS (cp932) CSV saved from Excel,
as workbooks with a title row above the table, as statistical tables that mix numbers
with symbols (``△`` = negative, ``x`` = 秘匿, ``-`` = 該当なし) and with Japanese era
dates (令和6年4月1日, R6.4.1).  This module reads such files into pandas without silent
guessing: values that cannot be taken at face value are listed in a "notes" table, and
every error explains in Japanese what is wrong and how to fix it.

Example:
    >>> from workbench.io import read_table, clean_table
    >>> df = read_table("施設利用状況.xlsx", sheet="R5")    # doctest: +SKIP
    >>> cleaned, notes = clean_table(df, dates=["開設日"])    # doctest: +SKIP
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from datetime import date, datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any
from zipfile import BadZipFile

import numpy as np
import pandas as pd
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException

__all__ = [
    "DataFileError", "detect_encoding", "normalize_text", "to_number", "parse_wareki_date",
    "wareki_to_year", "to_datetime_wareki", "find_header_row", "read_table", "clean_table",
    "read_multiheader_csv",
]


class DataFileError(ValueError):
    """A file or value cannot be read as asked; the (Japanese) message says how to fix it."""



def _read_bytes(path: Path) -> bytes:
    if not path.is_file():
        raise DataFileError(
            f"ファイルが見つかりません: {path}（フォルダ名・ファイル名・拡張子を確認してください）")
    return path.read_bytes()


def _detect_bytes(data: bytes, name: str) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    # UTF-8 first: random cp932 text is almost never valid UTF-8, the reverse is not true.
    for encoding in ("utf-8", "cp932"):
        try:
            data.decode(encoding)
        except UnicodeDecodeError:
            continue
        return encoding
    raise DataFileError(
        f"{name} の文字コードを判定できません（UTF-8 でも Shift_JIS(cp932) でもありません）。"
        "Excel で開き「CSV UTF-8」形式で保存し直してください")


def detect_encoding(path: str | Path) -> str:
    """Return the encoding to read a text file with.

    "utf-8-sig" (UTF-8 with BOM), "utf-16" (BOM FF FE / FE FF), "utf-8", or "cp932"
    (Excel's Japanese CSV; cp932 rather than shift_jis because ①, 髙 and ～ exist only
    in cp932).  Raises DataFileError if the bytes decode as none of these.

    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "a.csv"
    >>> _ = p.write_bytes("髙橋,①".encode("cp932"))
    >>> detect_encoding(p)
    'cp932'
    """
    path = Path(path)
    return _detect_bytes(_read_bytes(path), path.name)


def normalize_text(s: Any) -> Any:
    """NFKC-normalize a string and strip surrounding whitespace (incl. 全角スペース).

    Full-width digits/letters become half-width, half-width kana become full-width.
    Non-string values (numbers, NaN, None) are returned unchanged.

    >>> normalize_text("　ＡＢＣ１２３ ｶﾀｶﾅ　")
    'ABC123 カタカナ'
    """
    if not isinstance(s, str):
        return s
    return unicodedata.normalize("NFKC", s).strip()


def _is_missing(value: Any) -> bool:
    if isinstance(value, str):
        return not value.strip()
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):  # list-like values are never "missing"
        return False


# Keys are NFKC-normalized (… -> ..., － -> -, ｘ -> x); values say what 統計表 mean by them.
_SYMBOLS = {
    "-": "該当なし", "―": "該当なし", "—": "該当なし", "‐": "該当なし", "−": "該当なし",
    "ー": "該当なし", "...": "不詳", "..": "不詳", "・・・": "不詳",
    "x": "秘匿", "X": "秘匿", "*": "秘匿", "***": "秘匿",
}
_MARKS = {"p": "速報値", "r": "訂正値"}
# Thousands separators must group by three so that "1,23" is not silently read as 123.
_NUMBER_RE = re.compile(
    r"^(?P<sign>[△▲+\-−]?)\s*(?P<int>\d{1,3}(?:,\d{3})+|\d+)(?P<frac>\.\d+)?\s*(?P<mark>[pPrR]?)$")
_CANNOT = "数値に変換できません"
_NOTE_COLUMNS = ["行", "元の値", "扱い"]


@lru_cache(maxsize=8192)
def _parse_text(raw: str) -> tuple[float | int, str | None]:
    """Return (number or NaN, note or None) for one cell's text."""
    text = normalize_text(raw)
    if not text:
        return np.nan, "空欄→欠損値"
    if text in _SYMBOLS:
        return np.nan, f"{_SYMBOLS[text]}（{raw.strip()}）→欠損値"
    match = _NUMBER_RE.match(text)
    if match is None:
        if text.endswith("%"):
            return np.nan, (f"{_CANNOT}（%付きの値は自動変換しません。"
                            "割合にするなら%を除いて100で割ってください）→欠損値")
        return np.nan, f"{_CANNOT}→欠損値"
    digits = match["int"].replace(",", "") + (match["frac"] or "")
    number: float | int = float(digits) if match["frac"] else int(digits)
    if match["sign"] and match["sign"] != "+":
        number = -number
    mark = match["mark"]
    note = f"{_MARKS[mark.lower()]}の印（{mark}）を除いて数値化" if mark else None
    return number, note


def _parse_one(value: Any) -> tuple[Any, str | None]:
    if isinstance(value, str):
        return _parse_text(value)
    if isinstance(value, (bool, np.bool_)):
        return np.nan, f"{_CANNOT}（真偽値）→欠損値"
    if isinstance(value, (int, float, np.integer, np.floating)):
        return value, None
    if _is_missing(value):
        return np.nan, None
    return np.nan, f"{_CANNOT}→欠損値"


def _series_to_number(series: pd.Series) -> tuple[pd.Series, list[tuple]]:
    if pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series):
        return series, []
    parsed = [_parse_one(v) for v in series]
    notes = [(label, value, note)
             for label, value, (_, note) in zip(series.index, series, parsed) if note]
    numbers = pd.Series([n for n, _ in parsed], index=series.index, name=series.name,
                        dtype="float64")
    return numbers, notes


def to_number(series_or_value: Any, *, return_notes: bool = False) -> Any:
    """Convert statistical-table text ("１，２３４", "△5", "x", "123p") to numbers.

    △ / ▲ mean negative; "-" "－" "―" (該当なし), "…" "..." (不詳), "x" "ｘ" "***" (秘匿)
    and blanks become NaN; a trailing "p" (速報) or "r" (訂正) is dropped and noted;
    anything else (including "12%") becomes NaN with the note "数値に変換できません".
    A Series gives a float64 Series (same index); already-numeric Series are returned
    unchanged.  A scalar gives int, float or NaN.  With ``return_notes=True`` returns
    ``(result, notes)``, notes being a DataFrame with columns 行 (index label), 元の値, 扱い.

    >>> to_number("△1,234")
    -1234
    >>> nums, notes = to_number(pd.Series(["１２", "x"]), return_notes=True)
    >>> nums.tolist(), notes["扱い"].tolist()
    ([12.0, nan], ['秘匿（x）→欠損値'])
    """
    if isinstance(series_or_value, (list, tuple, np.ndarray, pd.Index)):
        series_or_value = pd.Series(series_or_value)
    if isinstance(series_or_value, pd.Series):
        result, rows = _series_to_number(series_or_value)
    else:
        result, note = _parse_one(series_or_value)
        rows = [(None, series_or_value, note)] if note else []
    if not return_notes:
        return result
    return result, pd.DataFrame(rows, columns=_NOTE_COLUMNS)


# First day of each era.  明治 dates before 1873 were lunar-calendar dates; we accept them
# leniently as Gregorian from 1868-01-01 rather than reject old records.
_ERA_STARTS = {
    "明治": date(1868, 1, 1), "大正": date(1912, 7, 30), "昭和": date(1926, 12, 25),
    "平成": date(1989, 1, 8), "令和": date(2019, 5, 1),
}
_ERA_LETTERS = {"M": "明治", "T": "大正", "S": "昭和", "H": "平成", "R": "令和"}
_ERA = r"(?P<era>明治|大正|昭和|平成|令和|[MTSHR])\.?(?P<year>元|\d{1,2})"
_MONTH_DAY = r"(?:年|[./-])(?P<month>\d{1,2})(?:月|[./-])(?P<day>\d{1,2})日?"
_DATE_PATTERNS = [re.compile(p, re.IGNORECASE) for p in (
    rf"^{_ERA}{_MONTH_DAY}$",
    rf"^{_ERA}(?:年度?)?$",
    rf"^(?P<year>\d{{4}}){_MONTH_DAY}$",
    r"^(?P<year>\d{4})(?P<month>\d{2})(?P<day>\d{2})$",  # 20240401, common in system exports
    r"^(?P<year>\d{4})(?:年度?)?$",
)]
_DATE_HINT = "令和6年4月1日、R6.4.1、2024/4/1 のような形にしてください"


def _split_date(value: Any) -> tuple[str | None, int, int | None, int | None]:
    """Return (era or None, year number, month, day) or raise if the text is no date."""
    text = re.sub(r"\s+", "", normalize_text(str(value)))
    for pattern in _DATE_PATTERNS:
        match = pattern.match(text)
        if match:
            parts = match.groupdict()
            era = _ERA_LETTERS.get(parts["era"].upper(), parts["era"]) if parts.get("era") else None
            year = 1 if parts["year"] == "元" else int(parts["year"])
            month, day = (int(parts[k]) if parts.get(k) else None for k in ("month", "day"))
            return era, year, month, day
    raise DataFileError(f"「{value}」は日付・年として読めません（{_DATE_HINT}）")


def _era_span(era: str) -> tuple[date, date | None]:
    names = list(_ERA_STARTS)
    position = names.index(era)
    if position + 1 == len(names):
        return _ERA_STARTS[era], None
    return _ERA_STARTS[era], _ERA_STARTS[names[position + 1]] - timedelta(days=1)


def _nen(era: str, western_year: int) -> str:
    number = western_year - _ERA_STARTS[era].year + 1
    return "元" if number == 1 else str(number)


def _wareki_label(day: date, year_only: bool) -> str:
    """Correct wareki for a western date, used to tell the user what was probably meant."""
    probe = date(day.year, 12, 31) if year_only else day
    era = [name for name, start in _ERA_STARTS.items() if start <= probe][-1]
    label = f"{era}{_nen(era, day.year)}年"
    return label if year_only else f"{label}{day.month}月{day.day}日"


def _check_in_era(original: str, era: str, day: date, *, year_only: bool = False) -> None:
    start, end = _era_span(era)
    too_late = end is not None and (day.year > end.year if year_only else day > end)
    too_early = not year_only and day < start
    if not (too_late or too_early):
        return
    edge, word = (end, "まで") if too_late else (start, "から")
    western = f"{day.year}年" if year_only else f"{day.year}年{day.month}月{day.day}日"
    raise DataFileError(
        f"{original} は{era}の期間外です（{era}は{_nen(era, edge.year)}年{edge.month}月"
        f"{edge.day}日{word}。西暦{western}は{_wareki_label(day, year_only)}です）")


def _western_year(original: str, era: str | None, number: int) -> int:
    if era is None:
        return number
    if number < 1:
        raise DataFileError(f"{original} の年が0です（和暦は元年（1年）から数えます）")
    return _ERA_STARTS[era].year + number - 1


def _to_date(original: str, era: str | None, number: int, month: int, day: int) -> date:
    year = _western_year(original, era, number)
    try:
        result = date(year, month, day)
    except ValueError:
        raise DataFileError(
            f"{original} は存在しない日付です（西暦{year}年{month}月{day}日は暦にありません）"
        ) from None
    if era is not None:
        _check_in_era(original, era, result)
    return result


def parse_wareki_date(s: Any) -> pd.Timestamp:
    """Parse a Japanese era or western date string to a Timestamp (NaT if blank).

    Accepts 令和6年4月1日, 令和元年5月1日, R6.4.1, R6/4/1, H31.4.30, S22.5.3, 大正15年12月24日,
    full-width digits, 2024-04-01, 2024/4/1, 2024年4月1日 and 20240401; date/datetime
    values pass through.  Raises DataFileError (Japanese message) for text that is no
    date, a date outside its era (平成32年1月1日) or not on the calendar (R6.2.30).

    >>> parse_wareki_date("令和元年5月1日")
    Timestamp('2019-05-01 00:00:00')
    >>> parse_wareki_date("H31.4.30").date()
    datetime.date(2019, 4, 30)
    """
    if _is_missing(s):
        return pd.NaT
    if isinstance(s, (datetime, date)):
        return pd.Timestamp(s)
    era, number, month, day = _split_date(s)
    if month is None or day is None:
        raise DataFileError(f"「{s}」には月日がありません（日付は{_DATE_HINT}。"
                            "年だけなら wareki_to_year を使ってください）")
    return pd.Timestamp(_to_date(str(s), era, number, month, day))


def wareki_to_year(s: Any) -> int | None:
    """Return the western year of a wareki/western year or date (None if blank).

    "令和6年", "令和6年度", "R6", "平成元年", "2024年度", "2024", 2024 and full dates all
    work; 年度 labels give the year number written (令和6年度 → 2024).  Raises
    DataFileError for text that is no year or a year after its era ended (平成32年).

    >>> wareki_to_year("平成元年"), wareki_to_year("令和6年度"), wareki_to_year("S22")
    (1989, 2024, 1947)
    """
    if _is_missing(s):
        return None
    if isinstance(s, (datetime, date)):
        return s.year
    if isinstance(s, (int, float, np.integer, np.floating)) and float(s).is_integer():
        s = str(int(s))  # Excel stores 2024 as a number; route it through the same rules
    era, number, month, day = _split_date(s)
    if month is None or day is None:
        year = _western_year(str(s), era, number)
        if era is not None:
            _check_in_era(str(s), era, date(year, 1, 1), year_only=True)
        return year
    return _to_date(str(s), era, number, month, day).year


def _dates_with_notes(series: pd.Series) -> tuple[pd.Series, list[tuple]]:
    values, problems = [], []
    for label, value in series.items():
        try:
            values.append(parse_wareki_date(value))
        except DataFileError as exc:
            values.append(pd.NaT)
            problems.append((label, value, str(exc)))
    result = pd.Series(values, index=series.index, name=series.name, dtype="datetime64[ns]")
    return result, problems


def to_datetime_wareki(series: Any, *, errors: str = "coerce") -> pd.Series:
    """Vectorized parse_wareki_date: returns a datetime64 Series with the same index.

    With errors="coerce" (default) unparseable or invalid values become NaT; with
    errors="raise" the first one raises DataFileError naming its row label.

    >>> to_datetime_wareki(pd.Series(["R6.4.1", "平成32年1月1日"])).tolist()
    [Timestamp('2024-04-01 00:00:00'), NaT]
    """
    if errors not in ("coerce", "raise"):
        raise ValueError(f'errors は "coerce" か "raise" を指定してください（指定値: {errors!r}）')
    series = series if isinstance(series, pd.Series) else pd.Series(series)
    result, problems = _dates_with_notes(series)
    if problems and errors == "raise":
        label, _, reason = problems[0]
        raise DataFileError(f"行 {label}: {reason}")
    return result



def _is_text(value: Any) -> bool:
    """True for a cell that reads as a word (a column name), not as a number or symbol."""
    return isinstance(value, str) and (_parse_text(value)[1] or "").startswith(_CANNOT)


def find_header_row(raw: pd.DataFrame, *, max_scan: int = 20) -> int:
    """Return the 0-based index of the row that looks like the column names.

    ``raw`` is a sheet read with header=None.  Among the first ``max_scan`` rows, picks
    the first row with the most non-empty cells that are mostly text and is followed by
    a row with data, so title rows (one cell) and blank rows above the table are skipped.
    If no row is mostly text (e.g. years as column names), the widest row is used.

    >>> raw = pd.DataFrame([["令和5年度 利用状況", None], [None, None],
    ...                     ["施設名", "利用者数"], ["図書館", "1,200"]])
    >>> find_header_row(raw)
    2
    """
    rows = raw.head(max_scan + 1).itertuples(index=False, name=None)
    filled = [[v for v in row if not _is_missing(v)] for row in rows]
    counts = [len(cells) for cells in filled[:max_scan]]
    if not counts or max(counts) == 0:
        raise DataFileError(f"先頭{max_scan}行に値がありません（シートやファイルの中身を確認してください）")
    best, best_count = None, 0
    for i, cells in enumerate(filled[:max_scan]):
        followed_by_data = i + 1 < len(filled) and bool(filled[i + 1])
        text_share = sum(map(_is_text, cells)) / len(cells) if cells else 0
        if followed_by_data and text_share >= 0.5 and len(cells) > best_count:
            best, best_count = i, len(cells)
    return counts.index(max(counts)) if best is None else best


_CSV_SUFFIXES = (".csv", ".txt")
_EXCEL_SUFFIXES = (".xlsx", ".xlsm")


def _csv_rows(path: Path, encoding: str | None) -> list[list[str]]:
    data = _read_bytes(path)
    encoding = encoding or _detect_bytes(data, path.name)
    try:
        text = data.decode(encoding)
    except (UnicodeDecodeError, LookupError) as exc:
        raise DataFileError(
            f"{path.name} を文字コード {encoding} として読めません（Excel の日本語CSVは cp932 です。"
            "encoding を指定せず自動判定させるか、「CSV UTF-8」形式で保存し直してください）") from exc
    text = text.removeprefix("\ufeff")  # a BOM left over when the caller forced "utf-8"
    sample = text[:5000]
    delimiter = "\t" if sample.count("\t") > sample.count(",") else ","
    try:
        return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as exc:
        raise DataFileError(f"{path.name} をCSVとして読めません（{exc}）") from exc


def _pick_sheet(book: Any, sheet: str | int | None, name: str) -> Any:
    sheets = book.worksheets
    listing = "、".join(f"「{ws.title}」" for ws in sheets)
    if sheet is None:
        return sheets[0]
    if isinstance(sheet, int):
        if 0 <= sheet < len(sheets):
            return sheets[sheet]
        raise DataFileError(f"シート番号 {sheet} はありません（{name} のシートは0〜{len(sheets) - 1}"
                            f"番の{len(sheets)}枚です: {listing}）")
    # Match "Ｒ５" to "R5" too: sheet names are typed by hand on both sides.
    matches = [ws for ws in sheets if normalize_text(ws.title) == normalize_text(sheet)]
    if matches:
        return matches[0]
    raise DataFileError(f"シート「{sheet}」が見つかりません（{name} にあるシート: {listing}）")


def _excel_rows(path: Path, sheet: str | int | None) -> list[list[Any]]:
    try:
        # data_only: formula cells give the value Excel last saved, not the formula text.
        book = load_workbook(path, data_only=True)
    except (BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as exc:
        raise DataFileError(
            f"{path.name} を Excel ファイルとして開けません（破損・パスワード付き・別形式の可能性が"
            "あります。Excel で開いて .xlsx 形式で保存し直してください）") from exc
    try:
        return [list(row) for row in _pick_sheet(book, sheet, path.name).iter_rows(values_only=True)]
    finally:
        book.close()


def _rows_to_frame(rows: list[list[Any]], name: str, width: int = 0) -> pd.DataFrame:
    cleaned = [[None if _is_missing(v) else v for v in row] for row in rows]
    if not any(v is not None for row in cleaned for v in row):
        raise DataFileError(f"{name} に値が入っていません（ファイルやシートの選択を確認してください）")
    width = max([width, *map(len, cleaned)])
    return pd.DataFrame([row + [None] * (width - len(row)) for row in cleaned], dtype=object)


def _read_raw(path: Path, sheet: str | int | None, encoding: str | None) -> pd.DataFrame:
    suffix = path.suffix.lower()
    if suffix not in _CSV_SUFFIXES + _EXCEL_SUFFIXES:
        hint = "。.xls は Excel で .xlsx 形式に保存し直してください" if suffix == ".xls" else ""
        supported = ", ".join(_CSV_SUFFIXES + _EXCEL_SUFFIXES)
        raise DataFileError(f"対応していないファイル形式です: {path.name}（対応形式: {supported}{hint}）")
    _read_bytes(path)  # a missing file should say so before any format-specific error
    rows = _csv_rows(path, encoding) if suffix in _CSV_SUFFIXES else _excel_rows(path, sheet)
    return _rows_to_frame(rows, path.name)


def _column_name(value: Any, position: int) -> str:
    if _is_missing(value):
        return f"列{get_column_letter(position + 1)}"  # Excel letter, as the user sees it
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime):
        value = value.date()
    # Header cells often contain line breaks (Alt+Enter) that are layout, not meaning.
    return re.sub(r"\s*\n\s*", "", normalize_text(str(value)))


def _unique(names: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    result = []
    for name in names:
        seen[name] = seen.get(name, 0) + 1
        result.append(name if seen[name] == 1 else f"{name}_{seen[name]}")
    return result


def _retype(body: pd.DataFrame, names: list[str]) -> pd.DataFrame:
    """Rebuild per column so pandas infers str / int / float instead of keeping object."""
    return pd.DataFrame({n: body.iloc[:, j].tolist() for j, n in enumerate(names)},
                        index=body.index)


def _frame_below_header(raw: pd.DataFrame, header_index: int) -> pd.DataFrame:
    header = raw.iloc[header_index]
    body = raw.iloc[header_index + 1:]
    keep = [j for j in range(raw.shape[1])
            if not _is_missing(header.iloc[j]) or body.iloc[:, j].notna().any()]
    names = _unique([_column_name(header.iloc[j], j) for j in keep])
    body = body.iloc[:, keep].dropna(how="all")
    body = body.set_axis(body.index + 1, axis=0)  # 1-based row numbers, as Excel shows them
    return _retype(body, names)


def read_table(path: str | Path, *, sheet: str | int | None = None,
               header_row: int | None = None, encoding: str | None = None) -> pd.DataFrame:
    """Read a .csv/.txt or .xlsx/.xlsm table whose header may sit below title rows.

    ``sheet`` is a sheet name or 0-based index (default: first sheet).  ``header_row``
    is the 1-based row number of the column names as Excel shows it; if omitted
    find_header_row decides.  ``encoding`` is detected for CSV if omitted; tab-separated
    text is recognised.  Column names are normalize_text'ed (line breaks removed, blanks
    named 列C, duplicates suffixed _2).  Fully empty rows/columns are dropped.  Values are
    NOT converted: CSV cells stay strings, Excel cells keep their cell types; use
    clean_table.  The index holds the 1-based row number in the file, and
    ``df.attrs["header_row"]`` the header row used.

    >>> df = read_table("利用状況.xlsx", sheet="R5")    # doctest: +SKIP
    """
    path = Path(path)
    raw = _read_raw(path, sheet, encoding)
    if header_row is None:
        index = find_header_row(raw)
    elif not 1 <= header_row <= len(raw):
        raise DataFileError(f"header_row={header_row} はデータの範囲外です（{path.name} は{len(raw)}"
                            "行目までです。列名が書かれた行の番号を1から数えて指定してください）")
    elif raw.iloc[header_row - 1].isna().all():
        raise DataFileError(f"header_row={header_row} の行は空です（列名が書かれた行を指定してください）")
    else:
        index = header_row - 1
    df = _frame_below_header(raw, index)
    df.attrs.update(source=path.name, header_row=index + 1)
    return df


_LEADING_ZERO = re.compile(r"^[+-]?0\d")


def _looks_numeric(series: pd.Series) -> bool:
    if pd.api.types.is_numeric_dtype(series):
        return False  # nothing to convert
    values = [v for v in series if not _is_missing(v)]
    # "01100" is a 団体コード, not 1100: converting would lose the leading zero.
    if not values or any(_LEADING_ZERO.match(str(normalize_text(v))) for v in values):
        return False
    parsed = [_parse_one(v) for v in values]
    numbers = sum(not _is_missing(n) for n, _ in parsed)
    symbols = sum(_is_missing(n) and not (note or "").startswith(_CANNOT) for n, note in parsed)
    return numbers > 0 and (numbers + symbols) / len(values) >= 0.8


def _require_columns(df: pd.DataFrame, columns: list[Any]) -> None:
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise DataFileError(f"列が見つかりません: {'、'.join(map(str, missing))}"
                            f"（この表の列: {'、'.join(map(str, df.columns))}）")


def clean_table(df: pd.DataFrame, *, numeric: list[Any] | None = None,
                dates: list[Any] | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Convert number and date columns; return (cleaned frame, notes).

    ``numeric`` lists columns for to_number; if None, columns where at least 80% of the
    non-empty cells are numbers or known symbols (x, -, …) are chosen, except columns
    with leading-zero codes such as "01100".  ``dates`` lists columns for
    to_datetime_wareki.  Notes has columns 列, 行, 元の値, 扱い.

    >>> df = pd.DataFrame({"市": ["A市", "B市"], "人口": ["1,200", "x"]})
    >>> cleaned, notes = clean_table(df)
    >>> cleaned["人口"].tolist(), notes["扱い"].tolist()
    ([1200.0, nan], ['秘匿（x）→欠損値'])
    """
    dates = list(dates or [])
    _require_columns(df, dates + list(numeric or []))
    if numeric is None:
        numeric = [c for c in df.columns if c not in dates and _looks_numeric(df[c])]
    cleaned, notes = df.copy(), []
    for column in numeric:
        cleaned[column], column_notes = to_number(df[column], return_notes=True)
        notes.append(column_notes.assign(列=column))
    for column in dates:
        cleaned[column], problems = _dates_with_notes(df[column])
        rows = [(label, value, f"日付に変換できません→欠損値（{reason}）")
                for label, value, reason in problems]
        notes.append(pd.DataFrame(rows, columns=_NOTE_COLUMNS).assign(列=column))
    columns = ["列", *_NOTE_COLUMNS]
    notes = [n[columns] for n in notes if not n.empty]
    return cleaned, (pd.concat(notes, ignore_index=True) if notes
                     else pd.DataFrame(columns=columns))


_ITEM_CODE = re.compile(r"^[A-Za-z#]*\d+\w*$")  # A1101, A110101; not "Code" or "SSDSE-A-2024"


def read_multiheader_csv(path: str | Path, *, header_rows: int = 3,
                         label_row: int | None = None,
                         encoding: str | None = None) -> pd.DataFrame:
    """Read an SSDSE-style CSV (統計センター 教育用標準データセット) with 2-3 header rows.

    Row 1 holds item codes (A1101), row 2 the 年度 (when there are 3 rows) and
    ``label_row`` (1-based, default: the last header row) the Japanese labels used as
    column names.  ``df.attrs["codes"]`` maps label → item code and, with 3 header rows,
    ``df.attrs["years"]`` label → 年度.  Values stay strings ("R00000" keeps its form).

    >>> df = read_multiheader_csv("SSDSE-A-2024.csv")    # doctest: +SKIP
    >>> df.attrs["codes"]["総人口"]                        # doctest: +SKIP
    'A1101'
    """
    path = Path(path)
    label_row = header_rows if label_row is None else label_row
    if not 1 <= label_row <= header_rows:
        raise DataFileError(f"label_row={label_row} は見出し行（1〜{header_rows}行目）の中で指定してください")
    rows = _csv_rows(path, encoding)
    if len(rows) <= header_rows:
        raise DataFileError(f"{path.name} は{len(rows)}行しかなく、{header_rows}行の見出しの下に"
                            "データがありません（header_rows を確認してください）")
    width = max(map(len, rows))
    header = [[v.strip() for v in row] + [""] * (width - len(row)) for row in rows[:header_rows]]
    names = _unique([_column_name(v, j) for j, v in enumerate(header[label_row - 1])])
    body = _rows_to_frame(rows[header_rows:], path.name, width)
    body = body.set_axis(body.index + header_rows + 1, axis=0).dropna(how="all")
    df = _retype(body, names)
    if label_row != 1:
        df.attrs["codes"] = {n: c for n, c in zip(names, header[0]) if _ITEM_CODE.match(c)}
    if header_rows >= 3 and label_row != 2:
        df.attrs["years"] = {n: y for n, y in zip(names, header[1]) if y}
    df.attrs["source"] = path.name
    return df
