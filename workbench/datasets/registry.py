"""The dataset registry: what each dataset is, and how to build, locate and load it.

A dataset is a deterministic generator ``(out_dir, size, seed) -> files``: the same seed
gives the same bytes, so files are built on demand instead of committed. Built files live
in ``datasets/NAME/SIZE/`` next to the dataset's data card (``datasets/NAME/README.md``).
"""

from __future__ import annotations

import hashlib
import inspect
import json
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from workbench.errors import WorkbenchError
from workbench.paths import datasets_dir

try:
    import fcntl
except ImportError:  # Windows staff PCs: one learner, no concurrent builders to wait for
    fcntl = None

SIZES = ("small", "full")
STAMP = ".build.json"


class DatasetError(WorkbenchError, ValueError):
    """A dataset request that cannot be served (unknown name, size or file)."""


@dataclass(frozen=True)
class DataFile:
    """One file of a dataset and the options that read it correctly."""

    name: str
    read_options: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Dataset:
    """A registered dataset: metadata plus its deterministic generator."""

    name: str
    title: str
    synthetic: bool
    files: tuple[DataFile, ...]
    generate: Callable[[Path, str, int], None]
    seed: int = 20240401

    def file(self, name: str | None = None) -> DataFile:
        if name is None:
            return self.files[0]
        for data_file in self.files:
            if data_file.name == name:
                return data_file
        known = "、".join(f.name for f in self.files)
        raise DatasetError(
            f"データセット「{self.name}」にファイル「{name}」はありません。あるファイル: {known}"
        )

    def fingerprint(self, size: str, seed: int) -> dict:
        """What a build depends on: a change to the generator's code means rebuild."""
        module = inspect.getmodule(self.generate)
        sources = [Path(inspect.getfile(module))]
        if hasattr(module, "__path__"):  # a generator split into a package: all of it counts
            sources = sorted(sources[0].parent.glob("*.py"))
        digest = hashlib.sha256(b"".join(p.read_bytes() for p in sources)).hexdigest()[:16]
        return {"name": self.name, "size": size, "seed": seed, "generator": digest}


_REGISTRY: dict[str, Dataset] = {}


def register(dataset: Dataset) -> Dataset:
    _REGISTRY[dataset.name] = dataset
    return dataset


def names() -> list[str]:
    return sorted(_REGISTRY)


def get(name: str) -> Dataset:
    try:
        return _REGISTRY[name]
    except KeyError:
        known = "、".join(names())
        raise DatasetError(
            f"データセット「{name}」は登録されていません。使えるデータセット: {known}"
        ) from None


def _check_size(size: str) -> None:
    if size not in SIZES:
        raise DatasetError(f"サイズ「{size}」は使えません。small か full を指定してください。")


def build_dir(name: str, size: str = "small") -> Path:
    return datasets_dir() / name / size


def build(
    name: str, size: str = "small", seed: int | None = None, out_dir: Path | None = None
) -> Path:
    """Build dataset ``name`` and return its folder; skip the work if it is up to date.

    Files are generated in a temporary folder and moved into place in one step, so a
    reader never sees a half-written dataset, and concurrent builders (parallel grading
    processes) wait for each other through a lock file.
    """
    _check_size(size)
    dataset = get(name)
    seed = dataset.seed if seed is None else seed
    target = Path(out_dir) if out_dir is not None else build_dir(name, size)
    fingerprint = dataset.fingerprint(size, seed)
    if _is_current(target, fingerprint):
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    lock_path = target.parent / f".{target.name}.lock"
    with open(lock_path, "w") as lock:
        if fcntl is not None:
            fcntl.flock(lock, fcntl.LOCK_EX)
        if _is_current(target, fingerprint):
            return target
        staging = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
        try:
            dataset.generate(staging, size, seed)
            (staging / STAMP).write_text(json.dumps(fingerprint, sort_keys=True) + "\n")
            if target.exists():
                shutil.rmtree(target)
            staging.rename(target)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    return target


def _is_current(target: Path, fingerprint: dict) -> bool:
    stamp = target / STAMP
    try:
        return json.loads(stamp.read_text()) == fingerprint
    except (OSError, ValueError):
        return False


def path(name: str, file: str | None = None, size: str = "small") -> Path:
    """Path of a dataset file, building the dataset first if needed."""
    data_file = get(name).file(file)
    return build(name, size) / data_file.name


def load(name: str, file: str | None = None, size: str = "small") -> pd.DataFrame:
    """Read a dataset file into a DataFrame with the options it needs (encoding, header row)."""
    data_file = get(name).file(file)
    file_path = build(name, size) / data_file.name
    if file_path.suffix == ".xlsx":
        return pd.read_excel(file_path, **data_file.read_options)
    return pd.read_csv(file_path, **data_file.read_options)
