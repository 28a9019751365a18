"""e-Stat API JSON (getStatsData) to a tidy table: one row per value, codes and names.

The shape follows 政府統計の総合窓口（e-Stat）の API 仕様 3.0版（独立行政法人統計センター,
2019年7月）, section 4 (APIの出力データ): ``GET_STATS_DATA.STATISTICAL_DATA`` holds
``CLASS_INF.CLASS_OBJ`` (one object per dimension: ``@id`` such as tab, cat01, area,
time, its ``@name`` and its ``CLASS`` items with ``@code``/``@name``) and
``DATA_INF.VALUE`` (``{"@tab": …, "@cat01": …, "@area": …, "@time": …, "@unit": …,
"$": "1234"}``) with ``DATA_INF.NOTE`` explaining special characters (``***`` = 秘匿 …).
JSON collapses a list of one into an object, so a single CLASS or VALUE arrives as a dict.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd

from workbench.io.numbers import to_number
from workbench.io.text import DataFileError

VALUE_COLUMN = "値"
UNIT_COLUMN = "単位"
NOTE_COLUMN = "注記"


def as_list(item: Any) -> list:
    """e-Stat writes a list of one as a bare object; always give a list."""
    if item is None:
        return []
    return item if isinstance(item, list) else [item]


def statistical_data(document: dict) -> dict:
    """``STATISTICAL_DATA`` of a getStatsData document (or the part itself)."""
    if "GET_STATS_DATA" in document:
        document = document["GET_STATS_DATA"]
    if "STATISTICAL_DATA" in document:
        document = document["STATISTICAL_DATA"]
    if "DATA_INF" not in document and "CLASS_INF" not in document:
        raise DataFileError(
            "e-Stat の統計データ（getStatsData）の JSON ではありません。"
            "GET_STATS_DATA → STATISTICAL_DATA → DATA_INF / CLASS_INF の形の"
            "ファイルを指定してください。"
        )
    return document


def class_table(class_inf: dict) -> dict[str, tuple[str, dict[str, str]]]:
    """``{"cat01": ("男女別", {"0": "総数", …}), …}`` from ``CLASS_INF``."""
    classes = {}
    for obj in as_list(class_inf.get("CLASS_OBJ")):
        names = {c["@code"]: c.get("@name", c["@code"]) for c in as_list(obj.get("CLASS"))}
        classes[obj["@id"]] = (obj.get("@name", obj["@id"]), names)
    return classes


def estat_frame(document: dict) -> pd.DataFrame:
    """A tidy DataFrame from getStatsData JSON (one page or pages already joined).

    For each dimension ``X`` named in ``CLASS_INF`` (e.g. 地域) there are two columns,
    ``Xコード`` (the code, text so that 01100 keeps its zero) and ``X`` (the name).
    ``値`` is numeric; symbols (``-``, ``***``, ``x`` …) become NaN and ``注記`` says what
    the symbol means, using the document's own ``NOTE`` list when it has one.
    """
    data = statistical_data(document)
    classes = class_table(data.get("CLASS_INF", {}))
    data_inf = data.get("DATA_INF", {})
    values = as_list(data_inf.get("VALUE"))
    notes = {n["@char"]: n.get("$", "") for n in as_list(data_inf.get("NOTE"))}
    rows = []
    for value in values:
        row = {}
        for key, (label, names) in classes.items():
            code = value.get(f"@{key}")
            if code is None:
                continue
            row[f"{label}コード"] = code
            row[label] = names.get(code, code)
        row[UNIT_COLUMN] = value.get("@unit")
        raw = value.get("$")
        row[VALUE_COLUMN] = raw
        row[NOTE_COLUMN] = notes.get(raw) if raw in notes else None
        rows.append(row)
    columns = [c for key, (label, _) in classes.items() for c in (f"{label}コード", label)]
    frame = pd.DataFrame(rows, columns=[*columns, UNIT_COLUMN, VALUE_COLUMN, NOTE_COLUMN])
    numbers, parse_notes = to_number(frame[VALUE_COLUMN], return_notes=True)
    # Symbols not listed in NOTE still get the table-symbol meaning from workbench.io.
    for _, note_row in parse_notes.iterrows():
        label = note_row["行"]
        if frame.at[label, NOTE_COLUMN] is None:
            frame.at[label, NOTE_COLUMN] = note_row["扱い"]
    # Counts stay integers (人, 事業所) when every value is a whole number.
    whole = numbers.notna().all() and (numbers % 1 == 0).all()
    frame[VALUE_COLUMN] = numbers.astype("int64") if whole and len(numbers) else numbers
    if frame[UNIT_COLUMN].isna().all():
        frame = frame.drop(columns=UNIT_COLUMN)
    return frame


def read_estat_json(path: str | Path) -> pd.DataFrame:
    """Read a saved getStatsData JSON file (UTF-8) as :func:`estat_frame` does."""
    path = Path(path)
    try:
        document = json.loads(path.read_text(encoding="utf-8-sig"))
    except json.JSONDecodeError as error:
        raise DataFileError(
            f"{path.name} は JSON として読めません（{error.lineno}行目）。"
            "e-Stat の API で format=json を指定して保存したファイルか確かめてください。"
        ) from error
    return estat_frame(document)
