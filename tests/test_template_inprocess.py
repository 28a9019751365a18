"""Executing a template notebook in the CLI's own process (workbench.templates.inprocess).

The injected parameters are compared with what papermill itself writes; the recorded
outputs with what a notebook's cells produce (stream, display_data, execute_result,
error); and the process is left as it was (no IPython shell registered, matplotlib's
backend, the working folder, ``__main__``).  The slow test executes a real template both
ways, in process and with papermill in a kernel, and compares the recorded cells.
"""

from __future__ import annotations

import json
import os
import pickle
import sys
from pathlib import Path

import matplotlib
import nbformat
import pytest

from workbench.templates import inprocess

PARAMETERS = {
    "value": "睡眠時間の増加（時間）",
    "group": 'say "hi" \\ ok',
    "alpha": 0.05,
    "mu": float("nan"),
    "upper": float("-inf"),
    "count": 3,
    "flag": True,
    "empty": "",
}


def _template(tmp_path: Path, *cells: str) -> Path:
    nb = nbformat.v4.new_notebook()
    parameters = nbformat.v4.new_code_cell('value = ""\ncount = 0')
    parameters.metadata["tags"] = ["parameters"]
    nb.cells = [nbformat.v4.new_markdown_cell("# t"), parameters]
    nb.cells += [nbformat.v4.new_code_cell(c) for c in cells]
    path = tmp_path / "template.ipynb"
    nbformat.write(nb, path)
    return path


def test_parameters_are_injected_as_papermill_injects_them(tmp_path):
    from papermill.iorw import load_notebook_node
    from papermill.parameterize import parameterize_notebook

    source = _template(tmp_path, "print(value)")
    ours = inprocess.parameterize(source, PARAMETERS)
    theirs = parameterize_notebook(
        load_notebook_node(str(source)), PARAMETERS, kernel_name="python3", language="python"
    )
    assert [c.source for c in ours.cells] == [c.source for c in theirs.cells]
    assert [c.metadata["tags"] for c in ours.cells] == [c.metadata["tags"] for c in theirs.cells]
    assert ours.cells[2].metadata["tags"] == ["injected-parameters"]
    assert ours.metadata.papermill["parameters"] == theirs.metadata.papermill["parameters"]
    # The comparison bites: Python's own repr of the Japanese value is not what papermill writes.
    assert f"value = {PARAMETERS['value']!r}" not in theirs.cells[2].source


def test_outputs_are_recorded_like_a_kernel_records_them(tmp_path):
    source = _template(
        tmp_path,
        "print('出力', value)\nimport sys\nprint('警告', file=sys.stderr)",
        "from IPython.display import Markdown\ndisplay(Markdown('**太字**'))\ncount + 1",
        "import matplotlib.pyplot as plt\nfig, ax = plt.subplots()\nax.plot([0, 1])\nplt.show()",
        "import os\nos.getcwd()",
    )
    out = tmp_path / "out.ipynb"
    work = tmp_path / "work"
    work.mkdir()
    inprocess.execute(source, out, {"value": "値", "count": 41}, cwd=work)
    cells = [c for c in nbformat.read(out, as_version=4).cells if c.cell_type == "code"]
    assert [c.execution_count for c in cells] == [1, 2, 3, 4, 5, 6]
    printed = cells[2].outputs
    assert [(o.output_type, o.name, o.text) for o in printed] == [
        ("stream", "stdout", "出力 値\n"),
        ("stream", "stderr", "警告\n"),
    ]
    shown, value = cells[3].outputs
    assert shown.output_type == "display_data" and shown.data["text/markdown"] == "**太字**"
    assert value.output_type == "execute_result" and value.data["text/plain"] == "42"
    (figure,) = cells[4].outputs
    assert figure.output_type == "display_data"
    assert figure.data["image/png"].startswith("iVBORw0KGgo")  # base64 of a PNG header
    assert cells[5].outputs[0].data["text/plain"] == repr(str(work))
    meta = nbformat.read(out, as_version=4).metadata.papermill
    assert meta["parameters"] == {"value": "値", "count": 41} and meta["exception"] is False


def test_an_error_is_recorded_and_raised_and_the_process_is_left_as_it_was(tmp_path):
    matplotlib.use("Agg")
    backend, main, cwd = matplotlib.get_backend(), sys.modules["__main__"], os.getcwd()
    source = _template(tmp_path, "secret = 1", "raise ValueError('壊れた値')", "print('not run')")
    out = tmp_path / "out.ipynb"
    with pytest.raises(inprocess.CellError) as caught:
        inprocess.execute(source, out, {}, cwd=tmp_path)
    assert (caught.value.ename, caught.value.evalue) == ("ValueError", "壊れた値")
    cells = [c for c in json.loads(out.read_text(encoding="utf-8"))["cells"]]
    error = cells[4]["outputs"][0]
    assert error["output_type"] == "error" and error["ename"] == "ValueError"
    assert cells[5]["outputs"] == []  # nothing after the failing cell ran
    assert inprocess.available()  # no IPython shell left registered
    assert matplotlib.get_backend().lower() == backend.lower()
    assert sys.modules["__main__"] is main and os.getcwd() == cwd
    # The next run starts with no variables of the previous one, as a new kernel would.
    source = _template(tmp_path, "secret")
    with pytest.raises(inprocess.CellError, match="NameError"):
        inprocess.execute(source, tmp_path / "again.ipynb", {}, cwd=tmp_path)


@pytest.mark.slow
def test_a_template_records_the_same_cells_in_process_and_in_a_kernel(tmp_path):
    from workbench import templates
    from workbench.paths import REPO_ROOT

    data = REPO_ROOT / "templates" / "examples" / "sleep.csv"
    params = [("value", "睡眠時間の増加（時間）"), ("group", "薬剤"), ("pair_by", "被験者")]
    info = templates.get("ttest")
    recorded = {}
    for way in ("inprocess", "papermill"):
        work = tmp_path / way
        work.mkdir()
        values, df, notes = templates._read(info, data, params, None, None, None, False)
        parameters = {
            **values,
            "data_path": str(work / "data.pkl"),
            "result_path": str(work / "result.json"),
        }
        bundle = {"data": df, "notes": notes, "source": data.name, "header_row": None}
        bundle |= {"sheet": None, "reading": templates.reading_record(df)}
        (work / "data.pkl").write_bytes(pickle.dumps(bundle))
        if way == "inprocess":
            inprocess.execute(info.path, work / "report.ipynb", parameters, cwd=work)
        else:
            templates._execute_papermill(info, work, parameters, None)
        nb = nbformat.read(work / "report.ipynb", as_version=4)
        recorded[way] = (
            [c.source.replace(str(work), "WORK") for c in nb.cells],
            [
                [(o.output_type, sorted(o.get("data", {}))) for o in c.get("outputs", [])]
                for c in nb.cells
            ],
            json.loads((work / "result.json").read_text(encoding="utf-8")),
        )
    ours, theirs = recorded["inprocess"], recorded["papermill"]
    assert ours[0] == theirs[0]  # same cells, same injected parameters
    assert ours[1] == theirs[1]  # same kinds of output, cell by cell
    assert ours[2] == theirs[2]  # the same result.json
