"""The reader's column-wise fast paths read exactly what the cell-by-cell ones read.

Reading a 10^6-row CSV went from 17 s to ≈4 s (benchmarks/README.md) by replacing
per-cell Python with pandas' C tokenizer, one regex pass per column and per-distinct-label
arrays.  Each fast path is compared here with the simple reading it replaced, kept in
this file as the reference: the csv module's rows (blanks → None), a regex per cell for
plain numbers, and the row loop that found footnotes, （再掲） blocks and totals.  The
files are fuzzed CSVs (quotes, line breaks in cells, blank and ragged rows, 全角 spaces,
unterminated quotes), every CSV and workbook in the repository, and the real published
files in ../shared/realdata when present.  Each comparison has a negative control.
"""

from __future__ import annotations

import csv
import io
import random
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from workbench.io import find_non_data_rows, read_table
from workbench.io.csv_frame import _fast_frame, csv_frame
from workbench.io.encodings import csv_text
from workbench.io.numbers import _plain_text
from workbench.io.rows import _RETABULATION, _TOTAL_SUFFIX, TOTAL_LABELS, _label
from workbench.io.tables import clean_table
from workbench.io.text import DataFileError, _is_missing, normalize_text

pytestmark = pytest.mark.fast

ROOT = Path(__file__).resolve().parents[1]
REALDATA = ROOT.parent / "shared" / "realdata"
REPO_CSVS = sorted(p for p in ROOT.rglob("*.csv") if ".venv" not in p.parts)
REAL_CSVS = sorted(REALDATA.glob("*.csv")) if REALDATA.is_dir() else []


# ------------------------------------------------------------ the reference readings


def reference_frame(path: Path) -> list[list]:
    """The csv module's rows, blanks as None, padded to the widest row."""
    text, delimiter = csv_text(path, None)
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    width = max(map(len, rows), default=0)
    return [
        [None if _is_missing(v) else v for v in row] + [None] * (width - len(row)) for row in rows
    ]


def cells(frame: pd.DataFrame) -> list[list]:
    return [
        [None if v is None or v is np.nan else v for v in row]
        for row in frame.itertuples(index=False)
    ]


def same_reading(path: Path) -> bool:
    try:
        expected = reference_frame(path)
    except csv.Error:
        return True  # the reference cannot read it either (the reader says so)
    if not any(v is not None for row in expected for v in row):
        with pytest.raises(DataFileError):
            csv_frame(path, None)
        return True
    frame = csv_frame(path, None)
    return cells(frame) == expected and list(frame.index) == list(range(len(expected)))


_ALPHABET = [
    "a",
    "値",
    "1",
    "2.5",
    "-3",
    " ",
    "　",
    ",",
    '"',
    "\n",
    "\r\n",
    "\r",
    "\t",
    "x",
    "全角１",
]


def fuzzed_csv(rng: random.Random) -> str:
    lines = []
    for _ in range(rng.randint(0, 12)):
        fields = []
        for _ in range(rng.randint(0, 6)):
            piece = "".join(rng.choice(_ALPHABET) for _ in range(rng.randint(0, 4)))
            if rng.random() < 0.3:  # a quoted field, possibly holding quotes and breaks
                piece = '"' + piece.replace('"', '""') + '"'
            elif rng.random() < 0.1:
                piece = '"' + piece  # an unterminated or stray quote
            fields.append(piece)
        lines.append(",".join(fields))
    return rng.choice(["\n", "\r\n"]).join(lines) + rng.choice(["", "\n"])


@pytest.mark.parametrize("seed", range(200))
def test_fuzzed_csv_reads_like_the_csv_module(tmp_path, seed):
    path = tmp_path / "f.csv"
    path.write_text(fuzzed_csv(random.Random(seed)), encoding="utf-8")
    assert same_reading(path)


@pytest.mark.parametrize("path", REPO_CSVS + REAL_CSVS, ids=lambda p: p.name)
def test_every_known_csv_reads_like_the_csv_module(path):
    assert same_reading(path)


def test_the_fast_path_is_taken_on_a_plain_file_and_not_on_a_ragged_one(tmp_path):
    plain = tmp_path / "plain.csv"
    plain.write_text("表題\n\n地域,値\nA,1\nB,\nC,　\n", encoding="utf-8")
    text, delimiter = csv_text(plain, None)
    frame = _fast_frame(text, delimiter, 2)
    assert frame is not None and cells(frame) == reference_frame(plain)
    assert cells(frame)[4:] == [["B", None], ["C", None]]  # "" and 全角 space are blank
    ragged = tmp_path / "ragged.csv"  # a row wider than the first rows: the csv module
    ragged.write_text("a,b\n1,2\n3,4,5\n", encoding="utf-8")
    assert _fast_frame(*csv_text(ragged, None), 2) is None
    assert cells(csv_frame(ragged, None)) == [["a", "b", None], ["1", "2", None], ["3", "4", "5"]]


def test_negative_control_the_comparison_sees_a_reading_that_drops_blank_lines(tmp_path):
    path = tmp_path / "blank.csv"
    path.write_text("表題\n\n地域,値\nA,1\n", encoding="utf-8")
    text, delimiter = csv_text(path, None)
    skipping = pd.read_csv(io.StringIO(text), header=None, names=range(2), dtype=object)
    assert cells(skipping) != reference_frame(path)  # one row short: row numbers shift
    assert same_reading(path)


# ------------------------------------------------------------------ plain numbers

_PLAIN_CELL = re.compile(r"[+-]?[0-9]+(?:\.[0-9]+)?")
_NUMBERISH = ["0", "7", "12", "-3", "+4", "1.5", "-0.25", "1.", ".5", "+", "-", "1-2", "1.2.3",
              "１", "1e5", " 1", "1 ", "", "1\n2", "x", "٣", "00", "-.5", "9" * 30]  # fmt: skip


@pytest.mark.parametrize("seed", range(300))
def test_plain_number_columns_are_what_a_regex_per_cell_says(seed):
    rng = random.Random(seed)
    size = rng.choice([1, 3, 150])
    base = rng.choice(["7", "-1.25", "12"])
    values = [base] * size
    for _ in range(rng.randint(0, 2)):  # a few other cells, anywhere (also after 100)
        values[rng.randrange(size)] = rng.choice(_NUMBERISH)
    series = pd.Series(values, dtype="str")
    expected = all(_PLAIN_CELL.fullmatch(v) for v in values)
    assert (_plain_text(series) is not None) == expected, values


def test_negative_control_a_bad_cell_after_the_first_hundred_is_seen():
    values = ["1.5"] * 500
    assert _plain_text(pd.Series(values, dtype="str")) is not None
    values[400] = "1.2.3"
    assert _plain_text(pd.Series(values, dtype="str")) is None
    values[400] = "１"  # 全角: float() would read it, the reader notes it instead
    assert _plain_text(pd.Series(values, dtype="str")) is None


def test_a_plain_column_converts_to_the_same_floats_as_float():
    values = [repr(float(x)) for x in np.random.default_rng(0).normal(0, 1e3, 2000)]
    values = [v for v in values if "e" not in v] + ["0.1", "123456789012345678901.5"]
    cleaned, notes = clean_table(pd.DataFrame({"値": pd.Series(values, dtype="str")}))
    assert cleaned["値"].tolist() == [float(v) for v in values] and notes.empty


# ------------------------------------------------------------- rows that are not data

_NOTE_START = re.compile(r"^(\(?注|[※＊*]|資料|出典|備考|\(?備考|\d+\s)")


def reference_non_data_rows(df: pd.DataFrame, cleaned: pd.DataFrame) -> list[tuple]:
    """The row loop find_non_data_rows replaced (before its sum check), row by row."""
    numeric = [c for c in cleaned.columns if pd.api.types.is_numeric_dtype(cleaned[c])
               and not pd.api.types.is_bool_dtype(cleaned[c])]  # fmt: skip
    labels = [c for c in df.columns if c not in numeric and any(isinstance(v, str) for v in df[c])]
    found, under = [], False
    for index, row in df.iterrows():
        present = [v for v in row if not _is_missing(v)]
        texts_in_row = [v for v in row if isinstance(v, str) and v.strip()]
        if row.notna().sum() <= 2 and texts_in_row and len(present) <= 2:
            if _NOTE_START.match(normalize_text(texts_in_row[0])):
                found.append((index, "footnote", normalize_text(texts_in_row[0])))
                under = False
                continue
        texts = [_label(row[c]) for c in labels if _label(row[c])]
        if any(_RETABULATION.match(t) for t in texts) or under:
            under = True
            found.append((index, "retabulation", "・".join(texts)))
            continue
        total = [t for t in texts if t in TOTAL_LABELS or _TOTAL_SUFFIX.search(t)]
        if total:
            found.append((index, "total", total[0]))
    return found


def found_rows(raw: pd.DataFrame) -> list[tuple]:
    cleaned, _ = clean_table(raw)
    return [(e.row, e.kind, e.label) for e in find_non_data_rows(raw, cleaned) if e.label]


def shaped_table(tmp_path: Path) -> Path:
    rows = [["令和5年 調査", "", ""], ["", "", ""], ["地域", "区分", "件数"]]
    rows += [["北部", "A", "10"], ["南部", "B", "20"], ["合計", "", "30"]]
    rows += [["（再掲）", "", ""], ["北部", "うち高齢", "4"], ["南部", "うち高齢", "5"]]
    rows += [["注1 数値は速報値", "", ""], ["東部", "A", "7"], ["東部", "計", "7"]]
    rows += [
        ["西部", "（再掲）B", "1"],
        ["西部", "C", "2"],
        ["※ 出典: 県", "", ""],
        ["中部", "A", "3"],
    ]
    path = tmp_path / "shaped.csv"
    path.write_text("\n".join(",".join(r) for r in rows) + "\n", encoding="utf-8")
    return path


def known_tables() -> list[tuple[Path, str | None]]:
    tables = [(p, None) for p in REPO_CSVS + REAL_CSVS]
    if REALDATA.is_dir():
        tables += [(REALDATA / "kobe_kansensya_pcr.xlsx", s) for s in ("all", "kobe", "other")]
        tables += [(REALDATA / "traffic_2020_05.xlsx", s) for s in ("表4-1", "表2-2")]
        tables += [(REALDATA / "kobe_sodan.xlsx", "相談件数")]
    return tables


def test_rows_that_are_not_data_match_the_row_loop_on_a_shaped_table(tmp_path):
    raw = read_table(shaped_table(tmp_path))
    found = found_rows(raw)
    assert found == reference_non_data_rows(raw, clean_table(raw)[0])
    assert [kind for _, kind, _ in found] == [
        "total", "retabulation", "retabulation", "retabulation", "footnote", "total",
        "retabulation", "retabulation", "footnote",
    ]  # fmt: skip


@pytest.mark.parametrize("path,sheet", known_tables(), ids=lambda x: getattr(x, "name", x))
def test_rows_that_are_not_data_match_the_row_loop_on_every_known_table(path, sheet):
    try:
        raw = read_table(path, sheet=sheet)
    except DataFileError:
        pytest.skip("not a table the reader reads (its refusal is tested elsewhere)")
    raw = raw.iloc[:1500]  # the reference loop is slow (iterrows); the head is enough
    assert found_rows(raw) == reference_non_data_rows(raw, clean_table(raw)[0])


def test_negative_control_the_row_comparison_sees_a_lost_retabulation_block(tmp_path):
    raw = read_table(shaped_table(tmp_path))
    reference = reference_non_data_rows(raw, clean_table(raw)[0])
    without_state = [r for r in reference if not (r[1] == "retabulation" and "再掲" not in r[2])]
    assert found_rows(raw) != without_state
