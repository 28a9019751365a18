"""Robust readers for the data files Japanese public-sector staff actually receive.

Such data arrives as cp932 CSV saved from Excel, as workbooks with a title above the
table, as statistical tables mixing numbers with symbols (△ = negative, x = 秘匿,
- = 該当なし) and with era dates (令和6年4月1日, R6.4.1).  Nothing is guessed silently:
values that cannot be taken at face value are listed in a notes table, and errors
(DataFileError) say in Japanese what is wrong and how to fix it.

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

from workbench.errors import WorkbenchError

__all__ = [
    "DataFileError", "detect_encoding", "normalize_text", "to_number", "parse_wareki_date",
    "wareki_to_year", "to_datetime_wareki", "find_header_row", "read_table", "clean_table",
    "read_multiheader_csv",
]


class DataFileError(WorkbenchError, ValueError):
    """A file or value cannot be read as asked; the Japanese message says how to fix it."""


def _read_bytes(path: Path) -> bytes:
    if not path.is_file():
        raise DataFileError(f"ファイルが見つかりません: {path}"
                            "（フォルダ名・ファイル名・拡張子を確認してください）")
    return path.read_bytes()


def _detect_bytes(data: bytes, name: str) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    # UTF-8 first: Japanese cp932 text is almost never valid UTF-8, the reverse is not true.
    for encoding in ("utf-8", "cp932"):
        try:
            data.decode(encoding)
            return encoding
        except UnicodeDecodeError:
            pass
    raise DataFileError(f"{name} の文字コードを判定できません（UTF-8 でも cp932 でもありません）。"
                        "Excel で開き「CSV UTF-8」形式で保存し直してください")


def detect_encoding(path: str | Path) -> str:
    """Return "utf-8-sig" (BOM), "utf-16" (BOM FF FE / FE FF), "utf-8" or "cp932".

    cp932, not shift_jis: Excel's Japanese CSV contains ①, 髙 or ～, which exist only
    in cp932.  Raises DataFileError if the bytes decode as none of these.

    >>> import pathlib, tempfile
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "a.csv"
    >>> _ = p.write_bytes("髙橋,①".encode("cp932")); detect_encoding(p)
    'cp932'
    """
    path = Path(path)
    return _detect_bytes(_read_bytes(path), path.name)


def normalize_text(s: Any) -> Any:
    """NFKC-normalize (全角英数→半角, 半角カナ→全角) and strip spaces incl. 全角スペース.

    Non-strings are returned unchanged.

    >>> normalize_text("　ＡＢＣ１２３ ｶﾀｶﾅ　")
    'ABC123 カタカナ'
    """
    return unicodedata.normalize("NFKC", s).strip() if isinstance(s, str) else s


def _is_missing(value: Any) -> bool:
    if isinstance(value, str):
        return not value.strip()
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):  # list-likes are values, not missing
        return False


# Keys are NFKC-normalized (… -> ..., － -> -, ｘ -> x); values say what 統計表 mean by them.
_SYMBOLS = {
    "-": "該当なし", "―": "該当なし", "—": "該当なし", "‐": "該当なし", "−": "該当なし",
    "ー": "該当なし", "...": "不詳", "..": "不詳", "・・・": "不詳",
    "x": "秘匿", "X": "秘匿", "*": "秘匿", "***": "秘匿",
}
_MARKS = {"p": "速報値", "r": "訂正値"}
# Thousands separators must group by three so that "1,23" is not silently read as 123.
_NUMBER_RE = re.compile(r"^(?P<sign>[△▲+\-−]?)\s*(?P<int>\d{1,3}(?:,\d{3})+|\d+)"
                        r"(?P<frac>\.\d+)?\s*(?P<mark>[pPrR]?)$")
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
    if match is None and text.endswith("%"):
        return np.nan, (f"{_CANNOT}（%付きの値は自動変換しません。"
                        "割合にするなら%を除いて100で割ってください）→欠損値")
    if match is None:
        return np.nan, f"{_CANNOT}→欠損値"
    digits = match["int"].replace(",", "") + (match["frac"] or "")
    number: float | int = float(digits) if match["frac"] else int(digits)
    mark = match["mark"]
    note = f"{_MARKS[mark.lower()]}の印（{mark}）を除いて数値化" if mark else None
    return (number if match["sign"] in ("", "+") else -number), note


def _parse_one(value: Any) -> tuple[Any, str | None]:
    if isinstance(value, str):
        return _parse_text(value)
    if isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool):
        return value, None
    return np.nan, (None if _is_missing(value) else f"{_CANNOT}→欠損値")


def _series_to_number(series: pd.Series) -> tuple[pd.Series, list[tuple]]:
    if pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series):
        return series, []
    parsed = [_parse_one(v) for v in series]
    notes = [(label, value, note) for label, value, (_, note)
             in zip(series.index, series, parsed, strict=True) if note]
    numbers = [n for n, _ in parsed]
    return pd.Series(numbers, index=series.index, name=series.name, dtype="float64"), notes


def to_number(series_or_value: Any, *, return_notes: bool = False) -> Any:
    """Convert statistical-table text ("１，２３４", "△5", "x", "123p") to numbers.

    △/▲ mean negative.  "-" "－" "―" (該当なし), "…" "..." (不詳), "x" "ｘ" "***" (秘匿) and
    blanks become NaN; a trailing "p" (速報) / "r" (訂正) is dropped; anything else,
    "12%" included, becomes NaN noted "数値に変換できません".  A Series gives float64 with
    the same index (already-numeric Series come back unchanged); a scalar gives int,
    float or NaN.  ``return_notes=True`` returns ``(result, notes)``, notes having the
    columns 行 (index label), 元の値, 扱い.

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
    return (result, pd.DataFrame(rows, columns=_NOTE_COLUMNS)) if return_notes else result


# 明治 dates before 1873 are lunar-calendar dates; we accept them as Gregorian from
# 1868-01-01 rather than reject old records.
_ERA_STARTS = {"明治": date(1868, 1, 1), "大正": date(1912, 7, 30), "昭和": date(1926, 12, 25),
               "平成": date(1989, 1, 8), "令和": date(2019, 5, 1)}
_ERA_ENDS = {era: nxt - timedelta(days=1) for era, nxt in zip(
    list(_ERA_STARTS)[:-1], list(_ERA_STARTS.values())[1:], strict=True)}
_ERA_LETTERS = {"M": "明治", "T": "大正", "S": "昭和", "H": "平成", "R": "令和"}
_ERA = r"(?P<era>明治|大正|昭和|平成|令和|[MTSHR])\.?(?P<year>元|\d{1,2})"
_MONTH_DAY = r"(?:年|[./-])(?P<month>\d{1,2})(?:月|[./-])(?P<day>\d{1,2})日?"
_DATE_PATTERNS = [re.compile(p, re.IGNORECASE) for p in (
    rf"^{_ERA}{_MONTH_DAY}$", rf"^{_ERA}(?:年度?)?$", rf"^(?P<year>\d{{4}}){_MONTH_DAY}$",
    r"^(?P<year>\d{4})(?P<month>\d{2})(?P<day>\d{2})$",  # 20240401, common in system exports
    r"^(?P<year>\d{4})(?:年度?)?$",
)]
_DATE_HINT = "令和6年4月1日、R6.4.1、2024/4/1 のような形にしてください"


def _split_date(value: Any) -> tuple[str | None, int, int | None, int | None]:
    """Return (era or None, year number, month, day); raise if the text is no date."""
    text = re.sub(r"\s+", "", normalize_text(str(value)))
    for pattern in _DATE_PATTERNS:
        if match := pattern.match(text):
            parts = match.groupdict()
            era = parts.get("era")
            era = _ERA_LETTERS.get(era.upper(), era) if era else None
            year = 1 if parts["year"] == "元" else int(parts["year"])
            month, day = (int(parts[k]) if parts.get(k) else None for k in ("month", "day"))
            return era, year, month, day
    raise DataFileError(f"「{value}」は日付・年として読めません（{_DATE_HINT}）")


def _nen(era: str, western_year: int) -> str:
    number = western_year - _ERA_STARTS[era].year + 1
    return "元" if number == 1 else str(number)


def _wareki_label(day: date, year_only: bool) -> str:
    """The era a western date really belongs to, to tell the user what was meant."""
    probe = date(day.year, 12, 31) if year_only else day
    era = [name for name, start in _ERA_STARTS.items() if start <= probe][-1]
    label = f"{era}{_nen(era, day.year)}年"
    return label if year_only else f"{label}{day.month}月{day.day}日"


def _check_in_era(original: str, era: str, day: date, *, year_only: bool = False) -> None:
    start, end = _ERA_STARTS[era], _ERA_ENDS.get(era)
    too_late = end is not None and (day.year > end.year if year_only else day > end)
    if not too_late and (year_only or day >= start):
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
        raise DataFileError(f"{original} は存在しない日付です"
                            f"（西暦{year}年{month}月{day}日は暦にありません）") from None
    if era is not None:
        _check_in_era(original, era, result)
    return result


def parse_wareki_date(s: Any) -> pd.Timestamp:
    """Parse an era or western date to a Timestamp; NaT if blank.

    Accepts 令和6年4月1日, 令和元年5月1日, R6.4.1, R6/4/1, r6.4.1, H31.4.30, S22.5.3,
    大正15年12月24日, 全角 digits, 2024-04-01, 2024/4/1, 2024年4月1日, 20240401; dates pass
    through.  Raises DataFileError for text that is no date, a date outside its era
    (平成32年1月1日, 令和1年4月1日) or off the calendar (R6.2.30).

    >>> parse_wareki_date("令和元年5月1日"), parse_wareki_date("H31.4.30").date()
    (Timestamp('2019-05-01 00:00:00'), datetime.date(2019, 4, 30))
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
    """Return the western year of a year or date ("令和6年度" → 2024); None if blank.

    Accepts 令和6年, 令和6年度, R6, 平成元年, 2024年度, "2024", 2024 and every date form of
    parse_wareki_date.  Raises DataFileError for text that is no year or a year after
    its era ended (平成32年度: the message suggests 令和2年).

    >>> wareki_to_year("平成元年"), wareki_to_year("令和6年度"), wareki_to_year("S22")
    (1989, 2024, 1947)
    """
    if _is_missing(s):
        return None
    if isinstance(s, (datetime, date)):
        return s.year
    if isinstance(s, (int, float, np.integer, np.floating)) and float(s).is_integer():
        s = str(int(s))  # Excel stores 2024 as a number; apply the same rules to it
    era, number, month, day = _split_date(s)
    if month is not None and day is not None:
        return _to_date(str(s), era, number, month, day).year
    year = _western_year(str(s), era, number)
    if era is not None:
        _check_in_era(str(s), era, date(year, 1, 1), year_only=True)
    return year


def _dates_with_notes(series: pd.Series) -> tuple[pd.Series, list[tuple]]:
    values, problems = [], []
    for label, value in series.items():
        try:
            values.append(parse_wareki_date(value))
        except DataFileError as exc:
            values.append(pd.NaT)
            problems.append((label, value, str(exc)))
    dates = pd.Series(values, index=series.index, name=series.name, dtype="datetime64[ns]")
    return dates, problems


def to_datetime_wareki(series: Any, *, errors: str = "coerce") -> pd.Series:
    """Vectorized parse_wareki_date: a datetime64 Series with the same index.

    errors="coerce" turns unreadable or invalid values into NaT; errors="raise" raises
    DataFileError for the first one, naming its row label.

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
    """True for a cell that reads as a word (a column name), not a number or symbol."""
    return isinstance(value, str) and (_parse_text(value)[1] or "").startswith(_CANNOT)


def find_header_row(raw: pd.DataFrame, *, max_scan: int = 20) -> int:
    """Return the 0-based index of the row holding the column names.

    ``raw`` is a sheet read with header=None.  Among the first ``max_scan`` rows, picks
    the first with the most non-empty cells that are mostly text and followed by a row
    with data, so title and blank rows are skipped.  If no row is mostly text (years as
    column names), the first widest row is used.

    >>> find_header_row(pd.DataFrame([["令和5年度 利用状況", None], [None, None],
    ...                               ["施設名", "利用者数"], ["図書館", "1,200"]]))
    2
    """
    rows = raw.head(max_scan + 1).itertuples(index=False, name=None)
    filled = [[v for v in row if not _is_missing(v)] for row in rows]
    counts = [len(cells) for cells in filled[:max_scan]]
    if not counts or max(counts) == 0:
        raise DataFileError(f"先頭{max_scan}行に値がありません"
                            "（シートやファイルの中身を確認してください）")
    best, best_count = None, 0
    for i, cells in enumerate(filled[:max_scan]):
        followed_by_data = i + 1 < len(filled) and bool(filled[i + 1])
        mostly_text = bool(cells) and sum(map(_is_text, cells)) >= len(cells) / 2
        if followed_by_data and mostly_text and len(cells) > best_count:
            best, best_count = i, len(cells)
    return counts.index(max(counts)) if best is None else best


_CSV_SUFFIXES, _EXCEL_SUFFIXES = (".csv", ".txt"), (".xlsx", ".xlsm")


def _csv_rows(path: Path, encoding: str | None) -> list[list[str]]:
    data = _read_bytes(path)
    encoding = encoding or _detect_bytes(data, path.name)
    try:
        text = data.decode(encoding).removeprefix("\ufeff")  # BOM left by a forced "utf-8"
    except (UnicodeDecodeError, LookupError) as exc:
        raise DataFileError(f"{path.name} を文字コード {encoding} として読めません"
                            "（Excel の日本語CSVは cp932 です。encoding を指定せず自動判定"
                            "させるか、「CSV UTF-8」形式で保存し直してください）") from exc
    delimiter = "\t" if text[:5000].count("\t") > text[:5000].count(",") else ","
    try:  # csv, not pd.read_csv: title rows are narrower than the table below them
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
        raise DataFileError(f"シート番号 {sheet} はありません（{name} のシートは0から数えて"
                            f"{len(sheets) - 1}番まで: {listing}）")
    # Sheet names are typed by hand on both sides, so "Ｒ５" should find "R5".
    for ws in sheets:
        if normalize_text(ws.title) == normalize_text(sheet):
            return ws
    raise DataFileError(f"シート「{sheet}」が見つかりません（{name} にあるシート: {listing}）")


def _excel_rows(path: Path, sheet: str | int | None) -> list[list[Any]]:
    try:  # data_only: formula cells give the value Excel last saved, not the formula
        book = load_workbook(path, data_only=True)
    except (BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as exc:
        raise DataFileError(f"{path.name} を Excel ファイルとして開けません（破損・パスワード付き"
                            "・別形式の可能性があります。Excel で開いて .xlsx 形式で保存し直して"
                            "ください）") from exc
    try:
        return [list(row) for row in _pick_sheet(book, sheet, path.name).iter_rows(
            values_only=True)]
    finally:
        book.close()


def _rows_to_frame(rows: list[list[Any]], name: str, width: int = 0) -> pd.DataFrame:
    cleaned = [[None if _is_missing(v) else v for v in row] for row in rows]
    if not any(v is not None for row in cleaned for v in row):
        raise DataFileError(f"{name} に値が入っていません"
                            "（ファイルやシートの選択を確認してください）")
    width = max([width, *map(len, cleaned)])
    return pd.DataFrame([row + [None] * (width - len(row)) for row in cleaned], dtype=object)


def _read_raw(path: Path, sheet: str | int | None, encoding: str | None) -> pd.DataFrame:
    suffix = path.suffix.lower()
    if suffix not in _CSV_SUFFIXES + _EXCEL_SUFFIXES:
        hint = "。.xls は Excel で .xlsx 形式に保存し直してください" if suffix == ".xls" else ""
        raise DataFileError(f"対応していないファイル形式です: {path.name}（対応形式: "
                            f"{', '.join(_CSV_SUFFIXES + _EXCEL_SUFFIXES)}{hint}）")
    _read_bytes(path)  # a missing file should say so before any format-specific error
    rows = _csv_rows(path, encoding) if suffix in _CSV_SUFFIXES else _excel_rows(path, sheet)
    return _rows_to_frame(rows, path.name)


def _column_name(value: Any, position: int) -> str:
    if _is_missing(value):
        return f"列{get_column_letter(position + 1)}"  # the Excel letter the user sees
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime):
        value = value.date()
    # Line breaks in header cells (Alt+Enter) are layout, not part of the name.
    return re.sub(r"\s*\n\s*", "", normalize_text(str(value)))


def _unique(names: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    result = []
    for name in names:
        seen[name] = seen.get(name, 0) + 1
        result.append(name if seen[name] == 1 else f"{name}_{seen[name]}")
    return result


def _retype(body: pd.DataFrame, names: list[str]) -> pd.DataFrame:
    """Rebuild column by column so pandas infers str/int/float instead of object."""
    return pd.DataFrame({n: body.iloc[:, j].tolist() for j, n in enumerate(names)},
                        index=body.index)


def _frame_below_header(raw: pd.DataFrame, header_index: int) -> pd.DataFrame:
    header, body = raw.iloc[header_index], raw.iloc[header_index + 1:]
    keep = [j for j in range(raw.shape[1])
            if not _is_missing(header.iloc[j]) or body.iloc[:, j].notna().any()]
    names = _unique([_column_name(header.iloc[j], j) for j in keep])
    body = body.iloc[:, keep].dropna(how="all")
    return _retype(body.set_axis(body.index + 1, axis=0), names)  # 1-based, as in Excel


def read_table(path: str | Path, *, sheet: str | int | None = None,
               header_row: int | None = None, encoding: str | None = None) -> pd.DataFrame:
    """Read a .csv/.txt or .xlsx/.xlsm table whose header may sit below title rows.

    ``sheet``: name or 0-based index (default first).  ``header_row``: 1-based row number
    of the column names as Excel shows it (default: find_header_row).  ``encoding``:
    detected for CSV if omitted; tab-separated text works too.  Column names are
    normalize_text'ed (line breaks removed, blanks named like 列C, duplicates get _2);
    fully empty rows and columns are dropped.  Values are NOT converted (CSV cells stay
    strings, Excel cells keep their types): use clean_table.  The index is the 1-based
    row number in the file; ``df.attrs["header_row"]`` tells which header row was used.

    >>> df = read_table("利用状況.xlsx", sheet="R5")    # doctest: +SKIP
    """
    path = Path(path)
    raw = _read_raw(path, sheet, encoding)
    if header_row is None:
        index = find_header_row(raw)
    elif not 1 <= header_row <= len(raw):
        raise DataFileError(f"header_row={header_row} はデータの範囲外です（{path.name} は"
                            f"{len(raw)}行目までです。列名の行を1から数えて指定してください）")
    elif raw.iloc[header_row - 1].isna().all():
        raise DataFileError(f"header_row={header_row} の行は空です"
                            "（列名が書かれた行を指定してください）")
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
    return numbers > 0 and (numbers + symbols) >= 0.8 * len(values)


def _require_columns(df: pd.DataFrame, columns: list[Any]) -> None:
    if missing := [c for c in columns if c not in df.columns]:
        raise DataFileError(f"列が見つかりません: {'、'.join(map(str, missing))}"
                            f"（この表の列: {'、'.join(map(str, df.columns))}）")


def clean_table(df: pd.DataFrame, *, numeric: list[Any] | None = None,
                dates: list[Any] | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Apply to_number / to_datetime_wareki to columns; return (cleaned, notes).

    ``numeric`` defaults to the columns where at least 80% of non-empty cells are
    numbers or known symbols (x, -, …), skipping code columns with leading zeros
    ("01100").  ``dates`` lists date columns.  notes has columns 列, 行, 元の値, 扱い.

    >>> cleaned, notes = clean_table(pd.DataFrame({"市": ["A市", "B市"], "人口": ["1,200", "x"]}))
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
    return cleaned, pd.concat(notes, ignore_index=True) if notes else pd.DataFrame(columns=columns)


_ITEM_CODE = re.compile(r"^[A-Za-z#]*\d+\w*$")  # A1101, A110101; not "Code" or "SSDSE-A-2024"


def read_multiheader_csv(path: str | Path, *, header_rows: int = 3, label_row: int | None = None,
                         encoding: str | None = None) -> pd.DataFrame:
    """Read an SSDSE-style CSV (統計センター 教育用標準データセット) with 2-3 header rows.

    Row 1 holds item codes (A1101), row 2 the 年度 when there are 3 rows, and ``label_row``
    (1-based, default the last header row) the Japanese labels used as column names.
    ``df.attrs["codes"]`` maps label → code, ``df.attrs["years"]`` label → 年度 (3 rows
    only).  Values stay strings, so region codes such as "R00000" keep their form.

    >>> read_multiheader_csv("SSDSE-A-2024.csv").attrs["codes"]["総人口"]   # doctest: +SKIP
    'A1101'
    """
    path = Path(path)
    label_row = header_rows if label_row is None else label_row
    if not 1 <= label_row <= header_rows:
        raise DataFileError(f"label_row={label_row} は見出し行（1〜{header_rows}行目）の"
                            "中で指定してください")
    rows = _csv_rows(path, encoding)
    if len(rows) <= header_rows:
        raise DataFileError(f"{path.name} は{len(rows)}行しかなく、{header_rows}行の見出しの下に"
                            "データがありません（header_rows を確認してください）")
    width = max(map(len, rows))
    header = [[v.strip() for v in row] + [""] * (width - len(row)) for row in rows[:header_rows]]
    names = _unique([_column_name(v, j) for j, v in enumerate(header[label_row - 1])])
    body = _rows_to_frame(rows[header_rows:], path.name, width)
    df = _retype(body.set_axis(body.index + header_rows + 1, axis=0).dropna(how="all"), names)
    if label_row != 1:
        df.attrs["codes"] = {n: c for n, c in zip(names, header[0], strict=True)
                             if _ITEM_CODE.match(c)}
    if header_rows >= 3 and label_row != 2:
        df.attrs["years"] = {n: y for n, y in zip(names, header[1], strict=True) if y}
    df.attrs["source"] = path.name
    return df
