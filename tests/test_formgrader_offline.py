"""Formgrader's page asks for nothing off the machine (closed networks such as LGWAN).

The browser test (tests/test_browser.py) grades in formgrader with the network blocked;
this one renders formgrader's submission page with the course's nbgrader configuration,
and without the workbench's template as the negative control.
"""

from __future__ import annotations

import re

import nbformat
from nbconvert.exporters import HTMLExporter
from traitlets.config import Config

from workbench import nbgrader_config
from workbench.paths import grading_dir

# What formgrader's SubmissionHandler passes to the template besides the notebook.
RESOURCES = {
    "base_url": "/user/sensei",
    "index": 0,
    "total": 1,
    "notebook_id": "04_t_test",
    "assignment_id": "04_t_test",
    "submission_id": "abc",
    "student": "tanaka",
    "last_name": "",
    "first_name": "",
    "text": "",
}


def _render(config: Config) -> str:
    config.HTMLExporter.template_name = "formgrade"  # as formgrader sets it
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_markdown_cell("平均 $\\bar{x}$")]
    html, _ = HTMLExporter(config=config).from_notebook_node(notebook, resources=RESOURCES)
    return html


def _remote_scripts(html: str) -> list[str]:
    return re.findall(r'src="(https?://[^"]+)"', html)


def test_course_config_serves_mathjax_from_this_server():
    html = _render(nbgrader_config.load(grading_dir(), required=True))
    assert _remote_scripts(html) == []
    assert "/static/jupyter_server_mathjax/MathJax.js" in html
    assert "init_mathjax()" in html  # nbconvert's MathJax configuration still runs


def test_without_the_workbench_template_formgrader_asks_a_cdn():
    config = nbgrader_config.load(grading_dir(), required=True)
    config.HTMLExporter.extra_template_basedirs = config.HTMLExporter.extra_template_basedirs[1:]
    assert any("cdnjs" in url for url in _remote_scripts(_render(config)))


def test_the_local_mathjax_is_installed():
    from importlib.util import find_spec
    from pathlib import Path

    static = Path(find_spec("jupyter_server_mathjax").origin).parent / "static"
    assert (static / "MathJax.js").is_file()
    assert (static / "config" / "TeX-AMS-MML_HTMLorMML-full.js").is_file()
