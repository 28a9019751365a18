"""What every output of a run shares: title, 作成日, 出典, 要旨, tables, charts, notes.

``ReportContent.from_run`` gathers it once from result.json, the notes table and the
executed notebook (its PNG outputs are the charts, drawn with workbench.plotting's
Japanese fonts), so the HTML, Word and Excel reports cannot say different things.  The
app can build the same object from an in-process run and call the same writers.
"""

from __future__ import annotations

import base64
import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nbformat
import pandas as pd

from workbench.templates.result_tables import Table, result_tables
from workbench.templates.summary import summarize

#: Shown when the user gave no --source: the report must not look as if it had one.
NO_SOURCE = "（未記入。--source で指定できます）"


def created_text(day: dt.date) -> str:
    """令和8年12月2日（2026年12月2日）: 和暦 with the western date, as 報告資料 write it."""
    from workbench.io.wareki import era_of

    era, _, year = era_of(day)
    nen = "元" if year == 1 else str(year)
    return f"{era}{nen}年{day.month}月{day.day}日（{day.year}年{day.month}月{day.day}日）"


def notebook_images(path: Path) -> list[bytes]:
    """The PNG charts of an executed notebook, in order."""
    nb = nbformat.read(path, as_version=4)
    images = []
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            png = output.get("data", {}).get("image/png")
            if png:
                images.append(base64.b64decode(png))
    return images


def reading_lines(result: dict[str, Any]) -> list[str]:
    """How the file was read: sheet, heading rows, rows taken out (from result.json)."""
    data = result.get("data", {})
    sheets = data.get("sheets") or ([data["sheet"]] if data.get("sheet") else [])
    rows = data.get("header_rows")
    lines = [f"ファイル: {data.get('source', '')}"]
    if sheets:
        lines.append(f"シート: {'、'.join(map(str, sheets))}")
    if isinstance(rows, list) and rows:
        heading = f"{rows[0]}～{rows[-1]}行目" if len(rows) > 1 else f"{rows[0]}行目"
        lines.append(f"見出しの行: {heading}")
    lines.append(f"分析に使ったデータの行数: {data.get('rows', '')}行")
    for e in data.get("excluded_rows") or []:
        label = f"「{e['label']}」" if e.get("label") else ""
        lines.append(f"除いた行: {e['row']}行目{label}（{e['reason']}）")
    return lines


@dataclass
class ReportContent:
    title: str
    result: dict[str, Any]
    notes: pd.DataFrame
    source: str = ""
    created: dt.date = field(default_factory=dt.date.today)
    images: list[bytes] = field(default_factory=list)

    @property
    def summary(self) -> list[str]:
        return summarize(self.result)

    @property
    def tables(self) -> list[Table]:
        return result_tables(self.result)

    @property
    def file_name(self) -> str:
        return str(self.result.get("data", {}).get("source", ""))

    @property
    def source_text(self) -> str:
        return self.source or NO_SOURCE

    def header_lines(self) -> list[str]:
        return [
            f"作成日: {created_text(self.created)}",
            f"データの出典: {self.source_text}",
            f"データのファイル: {self.file_name}",
        ]

    def markdown_header(self) -> str:
        """The block the HTML report shows under its title (作成日, 出典, 要旨)."""
        lines = "  \n".join(self.header_lines())
        summary = "\n".join(f"- {s}" for s in self.summary)
        return f"{lines}\n\n## 要旨\n\n{summary}"

    @classmethod
    def from_run(
        cls, title: str, result: dict[str, Any], notes: pd.DataFrame, notebook: Path, source: str
    ) -> ReportContent:
        return cls(title, result, notes, source, images=notebook_images(notebook))
