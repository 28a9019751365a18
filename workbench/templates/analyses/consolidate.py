"""Excel's 統合: aggregate values by key columns over sheets, with suppression."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

import pandas as pd

from workbench.templates.analyses.common import (
    SECRET,
    TemplateInputError,
    _float,
    _names,
    _require_column,
    _require_numeric,
    fmt,
    labels_of,
)

HOWS = {"sum": "合計", "mean": "平均", "count": "件数", "min": "最小", "max": "最大"}


def consolidate(
    df: pd.DataFrame, by: str, values: str = "", how: str = "sum", threshold: int = 0
) -> dict[str, Any]:
    """Excel's 統合: stack sheets (done by the runner) and aggregate values by key columns.

    Key text is NFKC-normalized and stripped first, so "Ａ市 " and "A市" are one key (the
    merges are reported).  Keys with fewer than ``threshold`` rows are shown as "x".
    """
    if how not in HOWS:
        raise TemplateInputError(
            f"how は {', '.join(HOWS)} のどれかにしてください（指定値: {how}）"
        )
    threshold = int(threshold)
    if not _names(by):
        _require_column(df, "", "by")  # raises: asks for a column name
    keys = [_require_column(df, name, "by") for name in _names(by)]
    sheet = "シート"
    if values:
        columns = [_require_column(df, name, "values") for name in _names(values)]
        for column in columns:
            _require_numeric(df, column, "values")
    else:
        columns = [
            c
            for c in df.columns
            if c not in keys
            and c != sheet
            and pd.api.types.is_numeric_dtype(df[c])
            and not pd.api.types.is_bool_dtype(df[c])
        ]
        if not columns:
            raise TemplateInputError(
                "集計できる数値の列がありません（-p values 列名 で指定してください）"
            )
    data = df.copy()
    merged = []
    for key in keys:
        original = labels_of(data[key])
        normalized = original.map(
            lambda v: v if pd.isna(v) else re.sub(r"\s+", "", unicodedata.normalize("NFKC", v))
        )
        for before, after in sorted(
            {
                (b, a)
                for b, a in zip(original, normalized, strict=True)
                if isinstance(b, str) and b != a
            }
        ):
            merged.append(f"「{before}」→「{after}」")
        data[key] = normalized
    missing_key = int(data[keys].isna().any(axis=1).sum())
    data = data.dropna(subset=keys)
    grouped = data.groupby(keys, sort=True)
    table = grouped[columns].agg(how) if how != "count" else grouped[columns].count()
    rows = grouped.size()
    totals = data[columns].agg(how) if how != "count" else data[columns].count()
    hidden = rows < threshold if threshold > 0 else rows < 0
    if hidden.sum() == 1 and len(rows) > 2:
        # One hidden group could be recovered from the overall total: hide the next smallest.
        hidden[rows[~hidden].sort_values(kind="stable").index[0]] = True

    def key_name(k: Any) -> str:
        return "・".join(map(str, k)) if isinstance(k, tuple) else str(k)

    shown = {}
    for k, record in table.iterrows():
        shown[key_name(k)] = {c: SECRET if hidden[k] else _float(record[c]) for c in columns}
        shown[key_name(k)]["行数"] = SECRET if hidden[k] else int(rows[k])
    by_sheet = None
    if sheet in data.columns and data[sheet].nunique() > 1 and not hidden.any():
        per = data.groupby(sheet, sort=False)[columns]
        per = per.agg(how) if how != "count" else per.count()
        by_sheet = {str(s): {c: _float(v) for c, v in r.items()} for s, r in per.iterrows()}
    caveats = []
    if merged:
        caveats.append(
            "表記ゆれを統一しました（全角・半角、空白）: "
            + "、".join(merged[:20])
            + ("など" if len(merged) > 20 else "")
        )
    if missing_key:
        caveats.append(f"「{'・'.join(keys)}」が空欄の {missing_key}行は集計から除きました。")
    blanks = {c: int(data[c].isna().sum()) for c in columns if data[c].isna().any()}
    if blanks:
        caveats.append(
            "欠損値（空欄・記号）を除いて集計しました: "
            + "、".join(f"「{c}」{n}件" for c, n in blanks.items())
        )
    if int(hidden.sum()):
        caveats.append(
            f"行数が{threshold}未満の項目と、全体から逆算できてしまう項目（計"
            f"{int(hidden.sum())}項目）を「{SECRET}」で秘匿しました。全体の値は秘匿前の"
            "値です。シート別の集計は秘匿した項目を逆算できるため表示しません。"
        )
    sheets = list(df.attrs.get("sheets") or [])
    result = {
        "template": "consolidate",
        "by": keys,
        "values": columns,
        "how": how,
        "how_name": HOWS[how],
        "threshold": threshold,
        "sheets": sheets,
        "n": int(len(data)),
        "rows_dropped": missing_key,
        "groups": int(len(table)),
        "table": shown,
        "totals": {c: _float(v) for c, v in totals.items()},
        "by_sheet": by_sheet,
        "merged_keys": merged,
        "suppressed_groups": int(hidden.sum()),
    }
    where = f"{len(sheets)}シート・" if len(sheets) > 1 else ""
    result["conclusion"] = (
        f"{where}{result['n']}行を「{'・'.join(keys)}」ごとに{len(table)}項目へ統合し、"
        f"{'、'.join(f'「{c}」' for c in columns[:3])}"
        f"{f'など{len(columns)}列' if len(columns) > 3 else ''}の{HOWS[how]}を求めました。"
        + (
            f"全体の{HOWS[how]}は "
            + "、".join(f"「{c}」{fmt(result['totals'][c])}" for c in columns[:3])
            + (" など（すべての列は表を参照）" if len(columns) > 3 else "")
            + " です。"
        )
    )
    result["caveats"] = caveats
    return result
