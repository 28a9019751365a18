"""Display helpers shared by the template notebooks, so each notebook stays short.

Everything shown is Japanese; numbers come from the analysis result dict, which is also
what result.json holds, so the report and the JSON cannot disagree.
"""

from __future__ import annotations

import json
import math
import pickle
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from IPython.display import Markdown, display

#: At most this many per-cell data notes go into result.json (the report shows them all).
MAX_NOTES = 500


def load(data_path: str) -> dict[str, Any]:
    """The bundle the runner wrote: data, notes, source, header_row, sheet."""
    with Path(data_path).open("rb") as handle:
        return pickle.load(handle)


def _notes_records(notes: pd.DataFrame) -> list[dict[str, Any]]:
    return [
        {
            "column": str(r["列"]),
            "row": r["行"] if isinstance(r["行"], str) else int(r["行"]),
            "original": str(r["元の値"]),
            "handling": str(r["扱い"]),
        }
        for _, r in notes.head(MAX_NOTES).iterrows()
    ]


def _json_safe(value: Any) -> Any:
    """NaN and infinities are not JSON: write them as null, at any depth."""
    if isinstance(value, dict):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_safe(v) for v in value]
    if isinstance(value, float | np.floating):
        return float(value) if math.isfinite(value) else None
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.bool_):
        return bool(value)
    return value


def save(
    result: dict[str, Any], bundle: dict[str, Any], path: str, parameters: dict[str, Any]
) -> None:
    """Write result.json: the analysis numbers plus where the data came from."""
    notes = bundle["notes"]
    result = {
        **result,
        "parameters": parameters,
        "data": {
            "source": bundle["source"],
            "sheet": bundle.get("sheet"),
            "header_row": bundle.get("header_row"),
            **bundle.get("reading", {}),
            "rows": len(bundle["data"]),
            "notes_total": len(notes),
            "notes": _notes_records(notes),
        },
    }
    text = json.dumps(
        _json_safe(result), ensure_ascii=False, indent=2, default=str, allow_nan=False
    )
    Path(path).write_text(text, encoding="utf-8")


def conclusion(result: dict[str, Any]) -> None:
    display(Markdown(f"**{result['conclusion']}**"))


def caveats(result: dict[str, Any]) -> None:
    items = result.get("caveats") or []
    if items:
        display(Markdown("\n".join(f"- ⚠️ {c}" for c in items)))
    else:
        display(Markdown("- ✅ 前提条件のチェックで大きな問題は見つかりませんでした。"))


def data_notes(bundle: dict[str, Any]) -> None:
    """Source, header row and every value that was not taken at face value."""
    reading = bundle.get("reading", {})
    sheets = reading.get("sheets")
    sheet = (
        f"、シート「{'」「'.join(sheets)}」"
        if sheets
        else f"、シート「{bundle['sheet']}」"
        if bundle.get("sheet")
        else ""
    )
    rows = reading.get("header_rows")
    heading = (
        f"{rows[0]}～{rows[-1]}行目"
        if isinstance(rows, list) and len(rows) > 1
        else f"{bundle.get('header_row')}行目"
        if bundle.get("header_row")
        else "シートごと"
    )
    excluded = reading.get("excluded_rows") or []
    dropped = f"、集計から除いた行 {len(excluded)}行" if excluded else ""
    display(
        Markdown(
            f"データ: `{bundle['source']}`{sheet}（見出しは{heading}、データ "
            f"{len(bundle['data'])}行{dropped}）。"
        )
    )
    notes = bundle["notes"]
    if notes.empty:
        display(Markdown("数値・日付への変換で注意が必要な値はありませんでした。"))
        return
    display(
        Markdown(
            f"読み込みで次の{len(notes)}件を判断・変換しました（合計行・注記の除外、"
            "見出しの読み方、数値・日付にできない値。行はファイルの行番号）。"
        )
    )
    display(notes.rename(columns={"行": "行番号"}).style.hide(axis="index"))


def parameters(values: dict[str, Any]) -> None:
    table = pd.DataFrame({"パラメータ": list(values), "値": [str(v) for v in values.values()]})
    display(table.style.hide(axis="index"))


def table(rows: dict[str, Any], *, label: str = "項目", value: str = "値") -> None:
    display(pd.DataFrame({label: list(rows), value: list(rows.values())}).style.hide(axis="index"))


def note(text: str) -> None:
    display(Markdown(text))
