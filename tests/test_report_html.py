"""report.html's exporter gives exactly the page nbconvert's HTMLExporter gives.

workbench/templates/report_html.py redoes HTMLExporter's final BeautifulSoup pass (alt
text for images without one, tabindex on input and output areas) without CSS selectors;
the expected page is nbconvert's own, rendered from the same notebook.
"""

from __future__ import annotations

import base64
import struct
import zlib

import nbformat
import pytest
from bs4 import BeautifulSoup
from nbconvert import HTMLExporter
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from workbench.templates.report_html import MISSING_ALT, ReportHTMLExporter, accessibility_pass

#: The options report.html is rendered with, and nbconvert's defaults (inputs shown).
OPTIONS = [
    {"exclude_input": True, "exclude_input_prompt": True, "exclude_output_prompt": True},
    {},
]


def _png() -> bytes:
    """A 1×1 white PNG, written by hand."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\xff\xff")
    chunks = chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    return b"\x89PNG\r\n\x1a\n" + chunks


def _notebook() -> nbformat.NotebookNode:
    """A report-like notebook: markdown with an entity and images with and without alt,
    a code cell with a chart, a table and printed text."""
    png = base64.b64encode(_png()).decode("ascii")
    chart = new_output("display_data", data={"image/png": png, "text/plain": "<Figure>"})
    table = new_output(
        "display_data",
        data={"text/html": '<table class="x"><tr><td>p &lt; 0.001</td></tr></table>'},
    )
    text = new_output("stream", name="stdout", text="平均 1.5\n")
    return new_notebook(
        cells=[
            new_markdown_cell("# 2群の比較\n\n**p < 0.001** で有意です。"),
            new_markdown_cell(
                f'<img src="data:image/png;base64,{png}" alt="図">'
                f'<img src="data:image/png;base64,{png}">'
            ),
            new_code_cell("plt.show()", outputs=[chart, table, text], execution_count=1),
            new_code_cell("x = 1", execution_count=2),
        ],
        metadata={"title": "報告", "language_info": {"name": "python"}},
    )


@pytest.mark.parametrize("options", OPTIONS, ids=["report", "with-inputs"])
def test_same_page_as_nbconvert(options):
    nb = _notebook()
    expected, _ = HTMLExporter(**options).from_notebook_node(nb)
    page, _ = ReportHTMLExporter(**options).from_notebook_node(nb)
    # The notebook exercises every change of the pass (else equality would prove little).
    assert expected.count(f'alt="{MISSING_ALT}"') == 2  # the chart and one markdown image
    assert 'alt="図"' in expected
    # Two markdown cells (input areas) + three outputs, + two code inputs when shown.
    assert expected.count('tabindex="0"') == (5 if options else 7)
    assert page == expected


def test_comparison_bites_on_a_missed_change():
    """Negative control: a pass that forgets the tabindex gives a different page."""

    class Forgetful(ReportHTMLExporter):
        def from_notebook_node(self, nb, resources=None, **kw):
            page, resources = super().from_notebook_node(nb, resources, **kw)
            return page.replace(' tabindex="0"', ""), resources

    nb = _notebook()
    expected, _ = HTMLExporter(**OPTIONS[0]).from_notebook_node(nb)
    page, _ = Forgetful(**OPTIONS[0]).from_notebook_node(nb)
    assert page != expected


def _selector_pass(html: str) -> str:
    """nbconvert 7's pass as HTMLExporter.from_notebook_node writes it (CSS selectors)."""
    soup = BeautifulSoup(html, features="html.parser")
    for elem in soup.select("img:not([alt])"):
        elem.attrs["alt"] = MISSING_ALT
    for elem in soup.select(".jp-Notebook div.jp-Cell-inputWrapper"):
        elem.attrs["tabindex"] = "0"
    for elem in soup.select(".jp-Notebook div.jp-OutputArea-output"):
        elem.attrs["tabindex"] = "0"
    return str(soup)


#: Tags each selector must pick or leave: outside .jp-Notebook, a span of the class, a
#: class name that only contains the wanted one, an empty alt, nested notebooks.
HOSTILE = """<!DOCTYPE html><html><body>
<div class="jp-OutputArea-output">outside</div>
<main class="x jp-Notebook"><section><div class="a jp-Cell-inputWrapper b">in</div>
<span class="jp-OutputArea-output">span</span><div class="jp-OutputArea-outputs">near</div>
<img src="a.png"><img src="b.png" alt=""><IMG SRC="c.png">
<div class="jp-Notebook"><div class="jp-OutputArea-output">nested &lt; &amp;</div></div>
</section></main><div class="jp-Cell-inputWrapper">after</div></body></html>"""


def test_pass_picks_the_tags_the_selectors_pick():
    page, missing = accessibility_pass(HOSTILE)
    assert missing == 2  # a.png and c.png; b.png has an (empty) alt
    assert page.count('tabindex="0"') == 2  # the wrapper and the nested output only
    assert page == _selector_pass(HOSTILE)
