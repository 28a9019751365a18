"""Every source notebook runs top to bottom through papermill, as instructors run it."""

from __future__ import annotations

import shutil

import papermill
import pytest

from workbench import course

pytestmark = pytest.mark.slow

SOURCE_NOTEBOOKS = [path for unit in course.units() for path in course.notebooks(unit)]


@pytest.mark.parametrize("path", SOURCE_NOTEBOOKS, ids=lambda p: p.parent.name + "/" + p.name)
def test_source_notebook_executes_without_error(path, tmp_path):
    # Run in a copy so files the notebook writes (output/) never land in the sources.
    work = tmp_path / path.parent.name
    shutil.copytree(path.parent, work, ignore=shutil.ignore_patterns("output"))
    executed = papermill.execute_notebook(
        str(work / path.name),
        str(tmp_path / "executed.ipynb"),
        cwd=str(work),
        kernel_name="python3",
        progress_bar=False,
    )
    errors = [
        output
        for cell in executed.cells
        for output in cell.get("outputs", [])
        if output.output_type == "error"
    ]
    assert not errors
    stderr = [
        output.text
        for cell in executed.cells
        for output in cell.get("outputs", [])
        if output.output_type == "stream" and output.name == "stderr"
    ]
    assert not [text for text in stderr if "Glyph" in text and "missing" in text]
