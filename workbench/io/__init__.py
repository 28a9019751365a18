"""Robust readers for the data files Japanese public-sector staff actually receive.

Such data arrives as cp932 CSV saved from Excel, as workbooks with a title above the
table, as statistical tables mixing numbers with symbols (△ = negative, x = 秘匿,
- = 該当なし) and with era dates (令和6年4月1日, R6.4.1).  Nothing is guessed silently:
values that cannot be taken at face value are listed in a notes table, and errors
(DataFileError) say in Japanese what is wrong and how to fix it.

    >>> df = read_table("施設利用状況.xlsx", sheet="R5")    # doctest: +SKIP
    >>> cleaned, notes = clean_table(df, dates=["開設日"])    # doctest: +SKIP

The package is split by job: text (normalisation, the error type), encodings, numbers,
wareki (the one era table), excel, headings, tables and ssdse.
"""

from __future__ import annotations

from workbench.io.encodings import detect_encoding
from workbench.io.headings import find_header_row
from workbench.io.numbers import to_number
from workbench.io.rows import find_non_data_rows
from workbench.io.ssdse import read_multiheader_csv
from workbench.io.tables import clean_table, read_table
from workbench.io.text import DataFileError, normalize_text
from workbench.io.wareki import (
    convert_date_columns,
    parse_wareki_date,
    to_datetime_wareki,
    wareki_to_year,
)

__all__ = [
    "DataFileError",
    "detect_encoding",
    "normalize_text",
    "to_number",
    "parse_wareki_date",
    "wareki_to_year",
    "to_datetime_wareki",
    "find_header_row",
    "read_table",
    "clean_table",
    "read_multiheader_csv",
    "convert_date_columns",
    "find_non_data_rows",
]
