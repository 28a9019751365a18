"""Writers that produce byte-identical files for identical content.

Generators must give the same bytes for the same seed (tests compare builds). CSV is
easy; .xlsx is a zip whose entries and document properties carry the save time, so the
workbook is re-packed with a fixed timestamp.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Font

FIXED_ZIP_TIME = (2024, 4, 1, 0, 0, 0)
FIXED_W3CDTF = "2024-04-01T00:00:00Z"
_CORE_TIME = re.compile(r"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)")


def write_excel_csv(frame: pd.DataFrame, path: Path, encoding: str = "cp932") -> None:
    """Write a CSV the way Excel on a Japanese PC saves it: cp932 and CRLF line ends."""
    frame.to_csv(path, index=False, encoding=encoding, lineterminator="\r\n")


def write_titled_xlsx(path: Path, sheets: dict[str, pd.DataFrame], titles: dict[str, str]) -> None:
    """Write sheets whose table starts on row 3 under a bold title in row 1, as offices do.

    The blank row 2 and the title are the quirk learners practise skipping with
    ``pd.read_excel(..., header=2)``.
    """
    workbook = Workbook()
    workbook.remove(workbook.active)
    for sheet_name, frame in sheets.items():
        sheet = workbook.create_sheet(sheet_name)
        sheet.cell(row=1, column=1, value=titles.get(sheet_name, sheet_name)).font = Font(
            bold=True, size=14
        )
        for col, column_name in enumerate(frame.columns, start=1):
            sheet.cell(row=3, column=col, value=str(column_name)).font = Font(bold=True)
        for row_offset, row in enumerate(frame.itertuples(index=False), start=4):
            for col, value in enumerate(row, start=1):
                sheet.cell(row=row_offset, column=col, value=_cell_value(value))
    save_deterministic_xlsx(workbook, path)


def _cell_value(value: object) -> object:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    if hasattr(value, "item"):  # numpy scalar -> Python scalar for openpyxl
        return value.item()
    return value


def save_deterministic_xlsx(workbook: Workbook, path: Path) -> None:
    """Save ``workbook`` with fixed timestamps so identical content gives identical bytes."""
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    with (
        zipfile.ZipFile(buffer) as source,
        zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = _CORE_TIME.sub(rf"\g<1>{FIXED_W3CDTF}\g<2>", data.decode("utf-8")).encode(
                    "utf-8"
                )
            fixed = zipfile.ZipInfo(info.filename, date_time=FIXED_ZIP_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(fixed, data)
