"""SSDSE (統計センター 教育用標準データセット) CSVs with item-code and label rows."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from workbench.io.csv_frame import rows_to_frame
from workbench.io.encodings import _csv_rows
from workbench.io.headings import _column_name, _unique
from workbench.io.tables import _retype
from workbench.io.text import DataFileError

_ITEM_CODE = re.compile(r"^[A-Za-z#]*\d+\w*$")  # A1101, A110101; not "Code" or "SSDSE-A-2024"


def read_multiheader_csv(
    path: str | Path,
    *,
    header_rows: int = 3,
    label_row: int | None = None,
    encoding: str | None = None,
) -> pd.DataFrame:
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
        raise DataFileError(
            f"label_row={label_row} は見出し行（1〜{header_rows}行目）の中で指定してください"
        )
    rows = _csv_rows(path, encoding)
    if len(rows) <= header_rows:
        raise DataFileError(
            f"{path.name} は{len(rows)}行しかなく、{header_rows}行の見出しの下に"
            "データがありません（header_rows を確認してください）"
        )
    width = max(map(len, rows))
    header = [[v.strip() for v in row] + [""] * (width - len(row)) for row in rows[:header_rows]]
    names = _unique([_column_name(v, j) for j, v in enumerate(header[label_row - 1])])
    body = rows_to_frame(rows[header_rows:], path.name, width)
    df = _retype(body.set_axis(body.index + header_rows + 1, axis=0).dropna(how="all"), names)
    if label_row != 1:
        df.attrs["codes"] = {
            n: c for n, c in zip(names, header[0], strict=True) if _ITEM_CODE.match(c)
        }
    if header_rows >= 3 and label_row != 2:
        df.attrs["years"] = {n: y for n, y in zip(names, header[1], strict=True) if y}
    df.attrs["source"] = path.name
    return df
