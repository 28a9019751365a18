"""Reading a data file for a template: one table (or every sheet), cleaned once.

Everything the reader decided — the sheet, the heading rows, the rows taken out as
totals, re-tabulations or notes, and the user's row filter — is a note and sits in
``df.attrs`` so that the report and result.json can say it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from workbench import io
from workbench.io.excel import sheet_names
from workbench.templates.analyses.common import (
    TemplateInputError,
    _label,
    _names,
    _require_column,
)

NOTE_COLUMNS = ["列", "行", "元の値", "扱い"]


SHEET_COLUMN = "シート"


def load_sheets(
    path: str | Path,
    *,
    sheets: list[str] | None = None,
    header_row: int | None = None,
    keep_totals: bool = False,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Every sheet of a workbook (or the listed ones) stacked, with a シート column.

    Sheets with no table (empty, or a memo without data rows) are skipped with a note;
    a CSV is one table.  Notes name rows as ``シート!行`` like Excel does.
    """
    path = Path(path)
    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        df, notes = load_data(path, header_row=header_row, keep_totals=keep_totals)
        df.insert(0, SHEET_COLUMN, path.stem)
        return df, notes
    names = sheets or sheet_names(path)
    frames, notes, used, excluded = [], [], [], []
    heading_rows: dict[str, Any] = {}
    for name in names:
        try:
            df, sheet_notes = load_data(
                path, sheet=name, header_row=header_row, keep_totals=keep_totals
            )
            if df.empty:
                raise io.DataFileError("見出しの下にデータの行がありません")
        except io.DataFileError as error:
            if sheets:  # asked for by name: a problem there is the user's to fix
                raise
            skipped = ("（シート全体）", name, "", f"読み飛ばしました（{error}）")
            notes.append(pd.DataFrame([skipped], columns=["列", "行", "元の値", "扱い"]))
            continue
        used.append(name)
        heading_rows[name] = df.attrs.get("header_rows")
        excluded += [{**e, "row": f"{name}!{e['row']}"} for e in df.attrs.get("excluded", [])]
        frames.append(df.reset_index(names="__row__").assign(**{SHEET_COLUMN: name}))
        notes.append(sheet_notes.assign(行=[f"{name}!{r}" for r in sheet_notes["行"]]))
    if not frames:
        raise io.DataFileError(f"{path.name} のどのシートにも表が見つかりません")
    df = pd.concat(frames, ignore_index=True)
    df.index = [f"{s}!{r}" for s, r in zip(df[SHEET_COLUMN], df["__row__"], strict=True)]
    df = df[[SHEET_COLUMN] + [c for c in df.columns if c not in (SHEET_COLUMN, "__row__")]]
    rows = {tuple(r or ()) for r in heading_rows.values()}
    same = next(iter(rows)) if len(rows) == 1 else None  # one heading layout for all sheets
    df.attrs.update(
        source=path.name,
        sheets=used,
        excluded=excluded,
        header_rows=list(same) if same else heading_rows,
        header_row=same[-1] if same else None,
    )
    return df, pd.concat(notes, ignore_index=True) if notes else pd.DataFrame(
        columns=["列", "行", "元の値", "扱い"]
    )


def load_data(
    path: str | Path,
    *,
    sheet: str | None = None,
    header_row: int | None = None,
    keep_totals: bool = False,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Read and clean a table once: numbers, dates, and rows that are not data.

    Numbers (全角, 桁区切り, symbols) and dates (西暦・和暦 text, Excel cells) are converted;
    footnotes and （再掲） rows are always taken out, total/subtotal rows unless
    ``keep_totals``.  Every decision is a note and sits in ``df.attrs`` (sheet,
    header_rows, code_row, excluded) for the report and result.json.
    """
    raw = io.read_table(path, sheet=sheet, header_row=header_row)
    cleaned, notes = io.clean_table(raw)
    cleaned, date_notes = io.convert_date_columns(cleaned)
    reading = [(c, r, v, h) for c, r, v, h in raw.attrs.get("reading_notes", [])]
    if raw.attrs.get("sheet_note"):
        reading.append(("（シート）", "", raw.attrs.get("sheet"), raw.attrs["sheet_note"]))
    if raw.attrs.get("code_row"):
        reading.append(
            (
                "（見出し）",
                raw.attrs["code_row"],
                "項目コードの行",
                f"{raw.attrs['code_row']}行目は項目コード（A1101 など）のため、その下の"
                f"{raw.attrs['header_rows'][0]}行目を列名にしました",
            )
        )
    if len(raw.attrs.get("header_rows", [])) > 1:
        rows = raw.attrs["header_rows"]
        reading.append(
            (
                "（見出し）",
                f"{rows[0]}～{rows[-1]}",
                "複数行の見出し",
                "上段と下段の見出しを「上段_下段」の形でつないで列名にしました",
            )
        )
    excluded = []
    for item in io.find_non_data_rows(raw, cleaned):
        if item.kind == "total" and keep_totals:
            reading.append(
                (
                    "（行全体）",
                    item.row,
                    item.label,
                    f"{item.reason}ですが、指定により残しました（二重計上に注意）",
                )
            )
            continue
        excluded.append(
            {"row": item.row, "kind": item.kind, "label": item.label, "reason": item.reason}
        )
        hint = "。残すには --keep-totals を付けてください" if item.kind == "total" else ""
        reading.append(("（行全体）", item.row, item.label, f"{item.reason}として除外{hint}"))
    cleaned = cleaned.drop(index=[e["row"] for e in excluded])
    parts = [
        n for n in (notes, date_notes, pd.DataFrame(reading, columns=notes.columns)) if not n.empty
    ]
    notes = pd.concat(parts, ignore_index=True) if parts else notes
    if excluded:  # a note's cell notes ("数値に変換できません") are about a dropped row
        gone = {e["row"] for e in excluded}
        notes = notes[~(notes["行"].isin(gone) & ~notes["列"].astype(str).str.startswith("（"))]
    cleaned.attrs.update(raw.attrs)
    cleaned.attrs.pop("reading_notes", None)
    cleaned.attrs["excluded"] = excluded
    return cleaned, notes.reset_index(drop=True)


def _where_parts(text: str) -> tuple[str, bool, list[str]]:
    for operator, keep in (("!=", False), ("≠", False), ("=", True)):
        column, found, values = text.partition(operator)
        if found and column.strip() and _names(values):
            return column.strip(), keep, _names(values)
    raise TemplateInputError(
        f"--where「{text}」の形が違います。残す行は --where 列名=値1,値2、"
        "除く行は --where 列名!=値 の形で指定してください"
    )


def apply_where(df: pd.DataFrame, conditions: list[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Keep (列=値,…) or exclude (列!=値,…) rows; each condition a note with its count.

    Values are compared as the cell reads (NFKC, spaces removed), so 東京都 matches
    "東京都 " and dates match 2020-04-07.  A value that no row has is an error: a typo
    must not silently keep nothing or exclude nothing.
    """
    notes = []
    for text in conditions:
        column, keep, values = _where_parts(text)
        column = _require_column(df, column, "--where")
        cells = df[column].map(
            lambda v: "" if pd.isna(v) else io.normalize_text(_label(v)).replace(" ", "")
        )
        wanted = [io.normalize_text(v).replace(" ", "") for v in values]
        if missing := [v for v, w in zip(values, wanted, strict=True) if not (cells == w).any()]:
            shown = "、".join(f"「{v}」" for v in pd.unique(cells)[:15])
            raise TemplateInputError(
                f"--where: 列「{column}」に {'、'.join(missing)} という値の"
                f"行がありません（この列の値: {shown}）"
            )
        match = cells.isin(wanted)
        before = len(df)
        df = df[match] if keep else df[~match]
        how = "だけを残しました" if keep else "を除きました"
        notes.append(
            (
                "（絞り込み）",
                "",
                text,
                f"列「{column}」が{'・'.join(values)}の行{how}（{before}行→{len(df)}行）",
            )
        )
    return df, pd.DataFrame(notes, columns=NOTE_COLUMNS)
