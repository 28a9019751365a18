"""A CSV file as a frame of its cells: pandas' C parser, or the csv module when needed.

``read_table`` needs every cell as text, rows as the file numbers them (blank lines
included) and blanks as None, whatever the width of each row.  The csv module gives
exactly that but builds a Python list per row: 2.3 s for a 10^6-row file plus 3.4 s to
turn the lists into a frame, where pandas' C tokenizer takes 0.9 s.  pandas reads the
same cells when it is told the width; whenever it cannot (a row wider than the first
rows, an unterminated quote, any parser warning) the csv module reads the file, so the
result never depends on which path ran (tests/test_csv_frame.py compares the two).
"""

from __future__ import annotations

import csv
import io
import warnings
from itertools import islice
from pathlib import Path

import pandas as pd

from workbench.io.encodings import csv_rows_of, csv_text
from workbench.io.text import _BLANK_BETWEEN_MARKS, DataFileError, _is_missing

#: Rows read with the csv module to learn the table's width before pandas reads it all.
WIDTH_SAMPLE_ROWS = 200


def rows_to_frame(rows: list[list], name: str, width: int = 0) -> pd.DataFrame:
    """Rows of cells (lists of any width) as an object frame, blanks as None."""
    cleaned = [[None if _is_missing(v) else v for v in row] for row in rows]
    if not any(v is not None for row in cleaned for v in row):
        raise DataFileError(
            f"{name} に値が入っていません（ファイルやシートの選択を確認してください）"
        )
    width = max([width, *map(len, cleaned)])
    return pd.DataFrame([row + [None] * (width - len(row)) for row in cleaned], dtype=object)


def _blank_to_none(column: pd.Series) -> tuple[pd.Series, bool]:
    """The column with cells of only spaces (or nothing) as None, and whether any is not."""
    values = column.tolist()  # every cell is text: the parser filled short rows with ""
    joined = "\x00" + "\x00".join(values) + "\x00"
    # One regex pass over the joined column instead of a strip() per cell (most large
    # columns have no blank at all); a cell that itself holds \x00 goes cell by cell.
    if joined.count("\x00") == len(values) + 1 and not _BLANK_BETWEEN_MARKS.search(joined):
        return column, bool(values)
    cells = [None if _is_missing(v) else v for v in values]
    return pd.Series(cells, index=column.index, dtype=object), any(v is not None for v in cells)


def _fast_frame(text: str, delimiter: str, width: int) -> pd.DataFrame | None:
    """The cells as pandas' C parser reads them, or None where it would differ."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # "names do not match the data": not the same
            frame = pd.read_csv(
                io.StringIO(text),
                sep=delimiter,
                header=None,
                names=range(width),
                index_col=False,
                dtype=object,
                na_filter=False,  # every cell stays text ("NA" too); short rows get ""
                skip_blank_lines=False,  # row numbers stay the file's
                engine="c",
            )
    except (pd.errors.ParserError, pd.errors.ParserWarning, ValueError, UnicodeError):
        return None
    columns, filled = {}, False
    for j in frame.columns:
        columns[j], any_value = _blank_to_none(frame[j])
        filled = filled or any_value
    return pd.DataFrame(columns) if filled else None


#: Characters of the text the first rows are read from (a row cut at the end has at most
#: the fields it really has, so the width stays a lower bound and pandas checks the rest).
WIDTH_SAMPLE_CHARS = 2_000_000


def _first_rows(text: str, delimiter: str, name: str) -> list[list[str]]:
    sample = io.StringIO(text[:WIDTH_SAMPLE_CHARS], newline="")
    reader = csv.reader(sample, delimiter=delimiter)
    try:
        return list(islice(reader, WIDTH_SAMPLE_ROWS))
    except csv.Error as exc:
        raise DataFileError(f"{name} をCSVとして読めません（{exc}）") from exc


def csv_frame(path: Path, encoding: str | None) -> pd.DataFrame:
    """Every cell of a CSV/TSV file as text (blanks None), one row per row of the file."""
    text, delimiter = csv_text(path, encoding)
    width = max(map(len, _first_rows(text, delimiter, path.name)), default=0)
    frame = _fast_frame(text, delimiter, width) if width else None
    if frame is None:
        # the csv module's reading, and its messages (a file with no values at all)
        return rows_to_frame(csv_rows_of(text, delimiter, path.name), path.name)
    return frame
