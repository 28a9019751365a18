"""Registered datasets: ``load("NAME")`` in notebooks, ``build`` from the command line.

Every module in this package other than the registry machinery defines one dataset and
registers it on import; they are discovered here, so adding a dataset is adding a module.
"""

import importlib
import pkgutil

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

_INFRASTRUCTURE = {"registry", "files"}

for _module in pkgutil.iter_modules(__path__):
    if _module.name not in _INFRASTRUCTURE:
        importlib.import_module(f"{__name__}.{_module.name}")

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
