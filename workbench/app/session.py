"""The app's state and logic, without widgets: file → preview → template → run.

Everything the page shows comes from here, so it is tested without a browser.  The table
is read with the templates' own loader (workbench.templates.load_data / load_sheets), the
file is checked with ``workbench check``'s code, parameters are passed as the CLI's
``-p KEY VALUE`` pairs and the run is ``templates.run``: the messages a user sees are the
CLI's messages.
"""

from __future__ import annotations

import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from workbench import templates
from workbench.app.columns import CHOICES, MULTIPLE, column_kinds, columns_for
from workbench.errors import WorkbenchError
from workbench.io.excel import sheet_names
from workbench.io.machine_readability import report_lines
from workbench.io.readability_checks import check_file

#: Data files the app offers and accepts.
SUFFIXES = (".csv", ".txt", ".xlsx", ".xlsm")


class AppError(WorkbenchError):
    """A choice in the app that cannot be used; the message says what to choose."""


@dataclass
class Preview:
    """The table as the templates will read it, and what the reader decided."""

    data: pd.DataFrame
    notes: pd.DataFrame
    kinds: dict[str, set[str]]
    sheet: str | None
    header_rows: Any
    #: `workbench check` findings for this sheet (Japanese lines, as the CLI prints).
    readability: list[str]


@dataclass
class Outcome:
    """A finished run: the report folder, result.json's content and how long it took."""

    out: Path
    result: dict[str, Any]
    seconds: float

    def file(self, name: str) -> Path:
        return self.out / name


@dataclass
class ParameterField:
    """What the form shows for one parameter: a column list, a choice or free text."""

    name: str
    help: str
    required: bool
    default: Any
    columns: list[str] | None = None  # None: not a column parameter
    multiple: bool = False
    choices: list[str] | None = None


@dataclass
class Session:
    """One user's app session: the working folder holds uploads and report folders."""

    work: Path
    path: Path | None = None
    sheet: str | None = None
    header_row: int | None = None
    keep_totals: bool = False
    preview: Preview | None = None
    runs: list[Outcome] = field(default_factory=list)

    # --- the file ------------------------------------------------------------------------

    def upload(self, name: str, content: bytes) -> Path:
        """Save an uploaded file into the working folder and choose it."""
        name = Path(name).name  # a browser may send a path; only the name is used
        if Path(name).suffix.lower() not in SUFFIXES:
            raise AppError(
                f"{name} は読み込めない形式です。CSV（.csv）か Excel（.xlsx）の"
                "ファイルを選んでください（.xls は Excel で .xlsx 形式に保存し直してください）"
            )
        folder = self.work / "uploads"
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / name
        target.write_bytes(content)
        self.choose(target)
        return target

    def choose(self, path: str | Path) -> None:
        self.path, self.sheet, self.header_row, self.preview = Path(path), None, None, None

    def sheets(self) -> list[str]:
        """The workbook's sheet names ([] for CSV)."""
        if self.path is None or self.path.suffix.lower() not in (".xlsx", ".xlsm"):
            return []
        return sheet_names(self.path)

    def load(self, info: templates.TemplateInfo | None = None) -> Preview:
        """Read the chosen file as the template (all sheets for consolidate) will."""
        if self.path is None:
            raise AppError("データファイルを選ぶか、アップロードしてください")
        try:
            if info is not None and info.all_sheets:
                df, notes = templates.load_sheets(
                    self.path, header_row=self.header_row, keep_totals=self.keep_totals
                )
            else:
                df, notes = templates.load_data(
                    self.path,
                    sheet=self.sheet,
                    header_row=self.header_row,
                    keep_totals=self.keep_totals,
                )
        except WorkbenchError as error:
            self.preview = None
            raise AppError(str(error)) from None
        sheet = df.attrs.get("sheet")
        self.preview = Preview(
            df,
            notes,
            column_kinds(df),
            sheet,
            df.attrs.get("header_rows"),
            self.readability(sheet),
        )
        return self.preview

    def readability(self, sheet: str | None = None) -> list[str]:
        """`workbench check` on the chosen file (one sheet, or all): shown even when the
        table cannot be read, which is when a publisher most needs it."""
        if self.path is None:
            return []
        try:
            checks = check_file(self.path, sheet=sheet)
        except WorkbenchError as error:
            return [str(error)]
        return report_lines(self.path, checks)

    # --- the template and its parameters ----------------------------------------------------

    def fields(self, name: str) -> list[ParameterField]:
        """The form of template NAME for the loaded table."""
        info = templates.get(name)
        kinds = self.preview.kinds if self.preview else {}
        return [
            ParameterField(
                p.name,
                p.help,
                p.required,
                p.default,
                columns_for(p.name, kinds),
                p.name in MULTIPLE,
                CHOICES.get(p.name),
            )
            for p in info.parameters
        ]

    @staticmethod
    def pairs(values: dict[str, Any]) -> list[tuple[str, str]]:
        """Form values → the CLI's ``-p KEY VALUE`` pairs (empty choices are left out)."""
        pairs = []
        for key, value in values.items():
            if isinstance(value, list | tuple):
                value = ",".join(map(str, value))
            if value is None or value == "":
                continue
            pairs.append((key, str(value)))
        return pairs

    def check(self, name: str, values: dict[str, Any]) -> dict[str, Any]:
        """Run the analysis in this process (no report): the CLI's checks and messages."""
        if self.path is None:
            raise AppError("データファイルを選ぶか、アップロードしてください")
        _, _, _, result = templates.analyse(
            name,
            self.path,
            self.pairs(values),
            sheet=self.sheet,
            header_row=self.header_row,
            keep_totals=self.keep_totals,
        )
        return result

    def run(
        self, name: str, values: dict[str, Any], kernel_manager: Any = None, source: str = ""
    ) -> Outcome:
        """``template run`` into a new report folder; ``source``: the データの出典."""
        if self.path is None:
            raise AppError("データファイルを選ぶか、アップロードしてください")
        out = self.work / "reports" / f"{len(self.runs) + 1:02d}_{name}"
        if out.exists():
            shutil.rmtree(out)
        start = time.perf_counter()
        result = templates.run(
            name,
            self.path,
            out,
            self.pairs(values),
            sheet=self.sheet,
            header_row=self.header_row,
            keep_totals=self.keep_totals,
            source=source,
            kernel_manager=kernel_manager,
        )
        outcome = Outcome(out, result, time.perf_counter() - start)
        self.runs.append(outcome)
        return outcome


def data_files(folder: Path) -> list[Path]:
    """Data files directly in ``folder`` (the folder the app was started in)."""
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in SUFFIXES)
