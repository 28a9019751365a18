"""The files a template run leaves: the reports are written in a work folder and moved
into the output folder only once all are written, result.json last, so a run that fails
while writing leaves the old report in place and a present result.json marks a full set.

The report writers import python-docx, openpyxl and nbconvert; they are imported when a
run writes its reports, not when ``workbench.templates`` is imported.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd

#: Files a finished run leaves in the output folder.
OUTPUTS = ("report.ipynb", "report.html", "report.docx", "results.xlsx", "result.json")


def write_reports(work: Path, title: str, notes: pd.DataFrame, source: str) -> None:
    """report.html, report.docx and results.xlsx from one ReportContent; result.json gains
    a ``report`` block (作成日, 出典, 要旨) so the app and other tools can show the same."""
    from workbench.templates.content import ReportContent
    from workbench.templates.report_docx import write_docx
    from workbench.templates.report_html import render_html
    from workbench.templates.report_xlsx import write_xlsx

    result = json.loads((work / "result.json").read_text(encoding="utf-8"))
    content = ReportContent.from_run(title, result, notes, work / "report.ipynb", source)
    render_html(work, title, content.markdown_header())
    write_docx(content, work / "report.docx")
    write_xlsx(content, work / "results.xlsx")
    result["report"] = {
        "created": content.created.isoformat(),
        "source": source or None,
        "summary": content.summary,
    }
    text = json.dumps(result, ensure_ascii=False, indent=2)
    (work / "result.json").write_text(text, encoding="utf-8")


def publish(work: Path, out: Path) -> None:
    """Move the finished files into ``out``; the old report is replaced only now."""
    out.mkdir(parents=True, exist_ok=True)
    for name in OUTPUTS:
        (out / name).unlink(missing_ok=True)
    # result.json last: its presence marks a complete report.
    for name in OUTPUTS:
        shutil.move(str(work / name), str(out / name))
