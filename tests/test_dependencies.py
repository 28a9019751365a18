"""Every import of the package and its notebooks is declared in pyproject.toml, per part.

A part may import the core dependencies and its extra (extras that name
``workbench[other]`` include that one): what the templates import must be in
``[templates]``, or a policy team's ``pip install 'workbench[templates]'`` breaks.
"""

from __future__ import annotations

import ast
import importlib.metadata
import json
import re
import sys
import tomllib
from pathlib import Path

import pytest

from workbench.paths import REPO_ROOT

PYPROJECT = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))

#: (files, the extra they may use besides the core); the first matching pattern wins.
PARTS = [
    ("workbench/grading/**/*.py", "grading"),
    ("workbench/templates/**/*.py", "templates"),
    ("workbench/app/**/*.py", "app"),  # 分析テンプレート: ipywidgets served by Voilà
    ("workbench/app/*.ipynb", "app"),
    ("templates/*.ipynb", "templates"),
    ("workbench/course.py", "course"),
    ("workbench/lab.py", "course"),
    ("workbench/progress.py", "course"),
    ("workbench/nbgrader_config.py", "course"),
    ("workbench/checks.py", "course"),  # the course notebooks' check cells
    ("workbench/learner_errors.py", "course"),  # loaded only in a learner's kernel
    ("workbench/learner_error_box.py", "course"),
    ("workbench/learner/*.ipynb", "course"),
    ("courses/*/*.ipynb", "course"),
    ("workbench/**/*.py", None),  # the CLI, io, datasets, checks, plotting, trajectory
]


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _requirement_name(requirement: str) -> tuple[str, list[str]]:
    match = re.match(r"\s*([A-Za-z0-9_.-]+)\s*(?:\[([^\]]*)\])?", requirement)
    extras = [e.strip() for e in (match.group(2) or "").split(",") if e.strip()]
    return _normal(match.group(1)), extras


def allowed(extra: str | None) -> set[str]:
    """Distributions a part may import: the core plus ``extra`` and what it includes."""
    names = {_requirement_name(r)[0] for r in PYPROJECT["project"]["dependencies"]}
    todo = [extra] if extra else []
    seen = set()
    while todo:
        current = todo.pop()
        seen.add(current)
        for requirement in PYPROJECT["project"]["optional-dependencies"][current]:
            name, extras = _requirement_name(requirement)
            if name == "workbench":
                todo += [e for e in extras if e not in seen]
            else:
                names.add(name)
    return names


def imports_of(source: str) -> set[str]:
    """Top-level names of absolute imports (in functions too: lazy imports count)."""
    names = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names - set(sys.stdlib_module_names) - {"workbench", "__future__"}


def _notebook_source(path: Path) -> str:
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    lines = []
    for cell in cells:
        if cell["cell_type"] == "code":
            source = "".join(cell["source"])
            lines += [
                line for line in source.splitlines() if not line.lstrip().startswith(("%", "!"))
            ]
    return "\n".join(lines)


DISTRIBUTIONS = importlib.metadata.packages_distributions()


def undeclared(source: str, extra: str | None) -> set[str]:
    """Imports of ``source`` whose distribution is not allowed for ``extra``."""
    allowed_names = allowed(extra)
    missing = set()
    for module in imports_of(source):
        distributions = {_normal(d) for d in DISTRIBUTIONS.get(module, [module])}
        if not distributions & allowed_names:
            missing.add(module)
    return missing


def _files() -> list[tuple[Path, str | None]]:
    claimed: dict[Path, str | None] = {}
    for pattern, extra in PARTS:
        for path in sorted(REPO_ROOT.glob(pattern)):
            claimed.setdefault(path, extra)
    return sorted(claimed.items())


def test_every_part_imports_only_what_pyproject_declares_for_it():
    problems = {}
    for path, extra in _files():
        source = (
            _notebook_source(path) if path.suffix == ".ipynb" else path.read_text(encoding="utf-8")
        )
        missing = undeclared(source, extra)
        if missing:
            problems[str(path.relative_to(REPO_ROOT))] = (extra or "core", sorted(missing))
    assert problems == {}


def test_the_check_bites():
    assert len(_files()) > 50
    assert undeclared("import nbgrader\nimport pandas", "templates") == {"nbgrader"}
    assert undeclared("def f():\n    from distributed import Client", "course") == {"distributed"}
    assert undeclared("from distributed import Client", "grading") == set()
    assert undeclared("import nbgrader", "hub") == set()  # hub ⊃ grading ⊃ course
    assert undeclared("import papermill", None) == {"papermill"}


@pytest.mark.parametrize("group", ["test", "lint", "browser"])
def test_dependency_groups_exist(group):
    assert PYPROJECT["dependency-groups"][group]
