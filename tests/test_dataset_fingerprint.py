"""A dataset is rebuilt when any of its generator's code changes, also when split in modules."""

from __future__ import annotations

import hashlib
import importlib
import inspect
import sys

import pytest

from workbench import datasets
from workbench.datasets.registry import DataFile, Dataset


@pytest.fixture
def generator_package(tmp_path, monkeypatch):
    """A throwaway dataset generator split like messy_municipal_files: __init__ + values."""
    package = tmp_path / "fake_generator"
    package.mkdir()
    (package / "__init__.py").write_text(
        "from fake_generator.values import ROWS\n\n\n"
        "def generate(out_dir, size, seed):\n    return ROWS\n"
    )
    (package / "values.py").write_text("ROWS = 3\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    yield package
    for name in [m for m in sys.modules if m.startswith("fake_generator")]:
        del sys.modules[name]


def _digest(generate) -> str:
    return Dataset("x", "x", True, (DataFile("x.csv"),), generate).fingerprint("small", 1)[
        "generator"
    ]


def test_a_change_in_a_helper_module_of_the_generator_changes_the_fingerprint(generator_package):
    before = _digest(importlib.import_module("fake_generator").generate)
    (generator_package / "values.py").write_text("ROWS = 4\n")
    assert _digest(importlib.import_module("fake_generator").generate) != before
    (generator_package / "values.py").write_text("ROWS = 3\n")
    assert _digest(importlib.import_module("fake_generator").generate) == before


def test_single_module_generators_keep_their_fingerprint():
    # Same digest as before packages were considered: built datasets are not rebuilt for it.
    dataset = datasets.get("student_sleep")
    source = inspect.getsource(inspect.getmodule(dataset.generate))
    expected = hashlib.sha256(source.encode("utf-8")).hexdigest()[:16]
    assert dataset.fingerprint("small", 1)["generator"] == expected
