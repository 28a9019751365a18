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


# Bytes of the default small build of datasets whose committed notebook outputs, data card
# and model answers quote exact numbers: a generator change that alters them shows up here
# first, with the file named, before nbval reports a changed cell output.
PINNED_SMALL_BUILDS = {
    "prefectural_survey": {
        "population_frame.csv": "7c037bfb19542850e146f85ae004ad9caf2a8b138e4d96c9401b0ab181fa6286",
        "response_rates.csv": "0bec0a825b498a4fd2c23b5b075c2fd32d6b9af720efd09da72c37cc434120e6",
        "survey_responses.csv": "3b821b823be85752860ab76e374f318a649f63de2c36f395f6f6ae24c05e8067",
    },
}


@pytest.mark.parametrize("name", sorted(PINNED_SMALL_BUILDS))
def test_default_small_build_has_the_pinned_bytes(name, tmp_path):
    folder = datasets.build(name, "small", out_dir=tmp_path / name)
    built = {
        path.name: hashlib.sha256(path.read_bytes()).hexdigest()
        for path in folder.iterdir()
        if not path.name.startswith(".")
    }
    assert built == PINNED_SMALL_BUILDS[name]


def test_pinned_bytes_differ_for_another_seed(tmp_path):
    # Negative control: the pin is sensitive to the data, not a constant of the build.
    folder = datasets.build("prefectural_survey", "small", seed=2016, out_dir=tmp_path / "other")
    digest = hashlib.sha256((folder / "survey_responses.csv").read_bytes()).hexdigest()
    assert digest != PINNED_SMALL_BUILDS["prefectural_survey"]["survey_responses.csv"]
