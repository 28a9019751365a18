"""The committed course notebooks, read without running them (nbval re-runs them)."""

from __future__ import annotations

import nbformat
import pytest

from workbench import course

SOURCE_NOTEBOOKS = [path for unit in course.units() for path in course.notebooks(unit)]


def test_every_unit_folder_has_a_notebook():
    assert len(course.units()) >= 12
    for unit in course.units():
        assert course.notebooks(unit), f"{unit} has no notebook"


@pytest.mark.parametrize("path", SOURCE_NOTEBOOKS, ids=lambda p: p.name)
def test_committed_outputs_have_no_errors_or_missing_glyphs(path):
    # nbval (the course tier) proves a fresh run reproduces these outputs, streams
    # included, so a clean committed notebook means a clean run.
    notebook = nbformat.read(path, as_version=4)
    outputs = [output for cell in notebook.cells for output in cell.get("outputs", [])]
    assert outputs, "source notebooks are committed with their outputs"
    assert not [o for o in outputs if o.output_type == "error"]
    stderr = [o.text for o in outputs if o.output_type == "stream" and o.name == "stderr"]
    assert not [text for text in stderr if "Glyph" in text and "missing" in text]
