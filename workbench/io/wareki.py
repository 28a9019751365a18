"""和暦 and western dates: the one era table of the package and the parsers built on it."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from typing import Any

import numpy as np
import pandas as pd

from workbench.io.text import (
    DataFileError,
    _is_missing,
    map_distinct,
    normalize_text,
    present_values,
)

#: The one era table of the package: (name, letter, first day), oldest first.  明治 dates
#: before 1873 are lunar-calendar dates; we accept them as Gregorian from 1868-01-01
#: rather than reject old records.
ERAS: tuple[tuple[str, str, date], ...] = (
    ("明治", "M", date(1868, 1, 1)),
    ("大正", "T", date(1912, 7, 30)),
    ("昭和", "S", date(1926, 12, 25)),
    ("平成", "H", date(1989, 1, 8)),
    ("令和", "R", date(2019, 5, 1)),
)
_ERA_STARTS = {name: start for name, _, start in ERAS}


def era_of(day: date) -> tuple[str, str, int]:
    """(era name, letter, year number) of a date: 2019-05-01 → ("令和", "R", 1)."""
    for name, letter, start in reversed(ERAS):
        if day >= start:
            return name, letter, day.year - start.year + 1
    raise DataFileError(f"{day} は明治より前の日付です（和暦に変換できません）")


_ERA_ENDS = {
    era: nxt - timedelta(days=1)
    for era, nxt in zip(list(_ERA_STARTS)[:-1], list(_ERA_STARTS.values())[1:], strict=True)
}
_ERA_LETTERS = {letter: name for name, letter, _ in ERAS}
ERA_NAMES = "|".join(name for name, _, _ in ERAS)
_ERA = rf"(?P<era>{ERA_NAMES}|[{''.join(_ERA_LETTERS)}])\.?(?P<year>元|\d{{1,2}})"
_MONTH_DAY = r"(?:年|[./-])(?P<month>\d{1,2})(?:月|[./-])(?P<day>\d{1,2})日?"
_DATE_PATTERNS = [
    re.compile(p, re.IGNORECASE)
    for p in (
        rf"^{_ERA}{_MONTH_DAY}$",
        rf"^{_ERA}(?:年度?)?$",
        rf"^(?P<year>\d{{4}}){_MONTH_DAY}$",
        r"^(?P<year>\d{4})(?P<month>\d{2})(?P<day>\d{2})$",  # 20240401, common in system exports
        r"^(?P<year>\d{4})(?:年度?)?$",
    )
]
# Exports write dates as date-times at midnight: "2020-01-29T00:00:00", "2020/1/16 0:00".
_MIDNIGHT = re.compile(r"(?<=\d)(?:T|\s+)0{1,2}:00(?::00(?:\.0+)?)?$")
_DATE_HINT = "令和6年4月1日、R6.4.1、2024/4/1 のような形にしてください"


def _split_date(value: Any) -> tuple[str | None, int, int | None, int | None]:
    """Return (era or None, year number, month, day); raise if the text is no date."""
    text = _MIDNIGHT.sub("", normalize_text(str(value)).strip())
    text = re.sub(r"\s+", "", text)
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
        f"{edge.day}日{word}。西暦{western}は{_wareki_label(day, year_only)}です）"
    )


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
        raise DataFileError(
            f"「{s}」には月日がありません（日付は{_DATE_HINT}。"
            "年だけなら wareki_to_year を使ってください）"
        )
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


# Column detection: kanji eras may stand alone (令和6年度); letter abbreviations only as
# full dates (R6.4.1), because "H12" or "R3" alone are as likely room numbers or product
# codes as years.  Western dates need year, month and day (2020-01-29, 2020/1/16,
# 2020年1月16日); four-digit years with 年/年度 count as years.
_ERA_TEXT = re.compile(
    rf"^({ERA_NAMES})(元|\d{{1,2}})"
    rf"|^[{''.join(_ERA_LETTERS)}]\.?\d{{1,2}}[./-]\d{{1,2}}[./-]\d{{1,2}}$",
    re.IGNORECASE,
)
_WESTERN_DATE = re.compile(r"^\d{4}(年\d{1,2}月\d{1,2}日|([./-])\d{1,2}\2\d{1,2})$")
_WESTERN_YEAR = re.compile(r"^\d{4}年度?$")
_HAS_DAY = re.compile(r"月|\d[./-]\d+[./-]\d")
_NOTE_COLUMNS_DATES = ["列", "行", "元の値", "扱い"]
#: Share of a column's non-empty cells that must read as dates or years.
DATE_SHARE = 0.8


def _kinds(values: list) -> list[str | None]:
    """``_kind`` of each value."""
    return map_distinct(pd.Series(values), _kind).tolist()  # a text list → str, hashed in C


def _kind(value: Any) -> str | None:
    """ "date", "year" or None for one cell."""
    if isinstance(value, (datetime, date, pd.Timestamp)):
        return "date"
    if not isinstance(value, str) or not value.strip():
        return None
    text = re.sub(r"\s+", "", _MIDNIGHT.sub("", normalize_text(value).strip()))
    if _WESTERN_DATE.match(text):
        return "date"
    if _ERA_TEXT.match(text):
        return "date" if _HAS_DAY.search(text) else "year"
    if _WESTERN_YEAR.match(text):
        return "year"
    return None


# Excel counts days from 1899-12-30 (its 1900 leap-year bug shifts day 60 onwards).
_EXCEL_EPOCH = pd.Timestamp("1899-12-30")
#: A column named like a date (日付, 年月日, 受付日 …) may hold serial numbers.
_DATE_NAME = re.compile(r"日付|年月日|日時|^date|date$", re.IGNORECASE)
#: Serials of 1954-10-03 … 2119-01-07: whole numbers there in a date-named column are days.
_SERIALS = (20000, 80000)


def _excel_serials(column: Any, series: pd.Series) -> bool:
    """Dates that lost their cell format in Excel (43831 = 2020-01-01): a number column
    whose name says date and whose values are all whole numbers in the serial range.
    Gated on the name because counts (相談件数 43,900) can fall in the same range."""
    if not _DATE_NAME.search(str(column)) or not pd.api.types.is_numeric_dtype(series):
        return False
    if pd.api.types.is_bool_dtype(series):
        return False
    values = series.dropna().to_numpy(float)
    low, high = _SERIALS
    return bool(
        values.size
        and np.all(values == np.round(values))
        and np.all((values >= low) & (values <= high))
    )


def _few_dates_in_text(series: pd.Series) -> bool:
    """True for a text column whose distinct cells are mostly not dates: one hashing pass
    in C (value_counts) answers for a 10^6-row column of labels, before any list is built."""
    if pd.api.types.infer_dtype(series, skipna=True) != "string":
        return False  # Excel cells (datetime, numbers): the full check below
    counts = series.value_counts(sort=False)
    counts = counts[[bool(v.strip()) for v in counts.index]]
    dated = sum(n for v, n in counts.items() if _kind(v) is not None)
    return dated < DATE_SHARE * counts.sum()


def convert_date_columns(df: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Turn text columns of dates into datetime64 and of 和暦 years into western years.

    A column qualifies when at least 80% of its non-empty cells are dates (2020-01-29,
    2020/1/16, 2020年1月16日, 令和6年4月1日, R6.4.1, Excel date cells) or years (令和6年度,
    2024年度; plain numbers are left alone).  Any day in the column makes it a date
    column.  Cells that are not dates (a 合計 row, a ※ note) or not valid (令和6年2月30日)
    become missing, each with a note; notes has columns 列, 行, 元の値, 扱い.  A number
    column named like a date (日付, 年月日) holding Excel serials (43831) becomes dates.
    """
    df = df.copy()
    notes = []
    for column in df.columns:
        series = df[column]
        if _excel_serials(column, series):
            df[column] = pd.to_datetime(series, unit="D", origin=_EXCEL_EPOCH)
            first = series.dropna().iloc[0]
            example = df[column].dropna().iloc[0].date()
            notes.append(
                (
                    column,
                    "全行",
                    first,
                    f"Excel の日付シリアル値として変換（例: {first}→{example}）",
                )
            )
            continue
        if pd.api.types.is_numeric_dtype(series) or pd.api.types.is_datetime64_any_dtype(series):
            continue
        if _few_dates_in_text(series):
            continue
        values = present_values(series)
        kinds = _kinds(values)
        if not values or sum(k is not None for k in kinds) < DATE_SHARE * len(values):
            continue
        is_date = "date" in kinds
        convert = parse_wareki_date if is_date else wareki_to_year
        converted = []
        for label, value in series.items():
            try:
                converted.append(convert(value))
            except DataFileError as error:
                converted.append(None)
                notes.append((column, label, value, f"日付・年に変換できません→欠損値（{error}）"))
        if is_date:
            df[column] = pd.Series(converted, index=series.index, dtype="datetime64[ns]")
            example = next((v.date() for v in df[column] if pd.notna(v)), "")
        else:
            df[column] = pd.Series(
                [np.nan if v is None else float(v) for v in converted], index=series.index
            )
            example = next((f"{int(v)}年" for v in df[column] if pd.notna(v)), "")
        first = next(v for v, k in zip(values, kinds, strict=True) if k)
        if isinstance(first, str):
            what = (
                "和暦を西暦に"
                if _ERA_TEXT.match(re.sub(r"\s+", "", normalize_text(first)))
                else "日付として"
            )
            notes.append((column, "全行", first, f"{what}変換（例: {first}→{example}）"))
    return df, pd.DataFrame(notes, columns=_NOTE_COLUMNS_DATES)
