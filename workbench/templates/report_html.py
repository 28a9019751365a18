"""report.html: ``render_html`` with nbconvert's HTMLExporter, its last pass made cheaper.

HTMLExporter ends by parsing the page with BeautifulSoup to give images without an
``alt`` a placeholder text and output areas a ``tabindex``; it finds them with CSS
selectors, and compiling those selectors (soupsieve's tokenizer, ≈90 regular
expressions) is ≈0.14 s of CPU, a third of rendering a report (issue 16).  This exporter
makes the same changes to the same parsed page with ``find_all``, which needs no
selector compiler, so the page is the same string: tests/test_report_html.py renders
notebooks with both and compares them byte for byte, so a change in nbconvert's pass
shows up there.  Imported only when a report is rendered (it imports nbconvert).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import nbformat
from bs4 import BeautifulSoup
from nbconvert import HTMLExporter
from nbconvert.exporters.templateexporter import TemplateExporter
from nbconvert.filters.highlight import Highlight2HTML
from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter
from nbformat import NotebookNode

#: What nbconvert writes into an image's missing ``alt`` (its text, kept identical).
MISSING_ALT = "No description has been provided for this image"


def _inside_notebook(tag: Any) -> bool:
    """``.jp-Notebook TAG``: some ancestor has the class jp-Notebook."""
    return tag.find_parent(class_="jp-Notebook") is not None


def accessibility_pass(html: str) -> tuple[str, int]:
    """HTMLExporter's BeautifulSoup pass: the page, and how many images had no alt.

    find_all stands for the selectors "img:not([alt])", ".jp-Notebook
    div.jp-Cell-inputWrapper" and ".jp-Notebook div.jp-OutputArea-output"; both give the
    tags in document order, and the changes are made in nbconvert's order.
    """
    soup = BeautifulSoup(html, features="html.parser")
    missing_alt = 0
    for elem in soup.find_all("img", alt=False):
        elem.attrs["alt"] = MISSING_ALT
        missing_alt += 1
    for name in ("jp-Cell-inputWrapper", "jp-OutputArea-output"):
        for elem in soup.find_all("div", class_=name):
            if _inside_notebook(elem):
                elem.attrs["tabindex"] = "0"
    return str(soup), missing_alt


class ReportHTMLExporter(HTMLExporter):
    def from_notebook_node(
        self, nb: NotebookNode, resources: dict[str, Any] | None = None, **kw: Any
    ) -> tuple[str, dict[str, Any]]:
        # As HTMLExporter.from_notebook_node (nbconvert 7) up to the template rendering.
        langinfo = nb.metadata.get("language_info", {})
        lexer = langinfo.get("pygments_lexer", langinfo.get("name", None))
        highlight_code = self.filters.get(
            "highlight_code", Highlight2HTML(pygments_lexer=lexer, parent=self)
        )
        resources = self._init_resources(resources)
        filter_data_type = WidgetsDataTypeFilter(
            notebook_metadata=self._nb_metadata, parent=self, resources=resources
        )
        self.register_filter("highlight_code", highlight_code)
        self.register_filter("filter_data_type", filter_data_type)
        html, resources = TemplateExporter.from_notebook_node(self, nb, resources, **kw)
        page, missing_alt = accessibility_pass(html)
        if missing_alt:
            self.log.warning("Alternative text is missing on %s image(s).", missing_alt)
        return page, resources


def render_html(work: Path, title: str, header: str = "") -> None:
    """work/report.ipynb as work/report.html: no code, the title in the tab, ``header``
    (作成日, 出典 and 要旨 in Markdown) under the notebook's title cell."""
    nb = nbformat.read(work / "report.ipynb", as_version=4)
    nb.metadata["title"] = title  # the browser tab / file name shown when shared
    if header:  # 作成日, 出典 and 要旨 under the notebook's title cell, in the HTML only
        nb.cells.insert(1, nbformat.v4.new_markdown_cell(header))
    exporter = ReportHTMLExporter(
        exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True
    )
    body, _ = exporter.from_notebook_node(nb)
    # nbconvert writes <html> or <html lang="en">: the report is Japanese.
    body = re.sub(r"<html[^>]*>", '<html lang="ja">', body, count=1)
    (work / "report.html").write_text(body, encoding="utf-8")
