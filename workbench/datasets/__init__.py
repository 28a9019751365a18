"""Registered datasets: ``load("NAME")`` in notebooks, ``build`` from the command line.

Importing this package registers every dataset module listed below.
"""

from workbench.datasets import dx_indicators, facility_usage  # noqa: F401  (registration)
from workbench.datasets.registry import (
    SIZES,
    DataFile,
    Dataset,
    DatasetError,
    build,
    build_dir,
    get,
    load,
    names,
    path,
)

__all__ = [
    "SIZES",
    "DataFile",
    "Dataset",
    "DatasetError",
    "build",
    "build_dir",
    "get",
    "load",
    "names",
    "path",
]
