"""A wheel of the project runs a template on a clean venv with only the templates extra.

What a policy team does on its own PC: ``pip install 'workbench[templates]'`` and
``workbench template run``. The wheel is built from a copy of the files a wheel is made
of (so the checkout stays clean and nothing outside them can leak in), installed with the
exact pins of requirements.txt as constraints, and run from a folder outside the checkout
(marked ``packaging`` and ``slow``). The fast tests here check the same promise inside the
checkout: template commands import nothing of the other extras, package data is read
through importlib.resources.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

from workbench.paths import REPO_ROOT

#: What the course, grading and hub extras bring; none of it may come with [templates].
NOT_FOR_TEMPLATES = [
    "nbgrader",
    "jupyterlab",
    "jupyterhub",
    "distributed",
    "sqlalchemy",
    "psycopg2-binary",
    "playwright",
    "pytest",
]

# Student (1908), R datasets::sleep: extra hours of sleep under two drugs.
SLEEP = {
    "薬A": [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0],
    "薬B": [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4],
}
# R: t.test(extra ~ group, data = sleep) → t = -1.8608, df = 17.776, p-value = 0.07939.
R_WELCH = {"t": 1.8608, "df": 17.776, "p": 0.07939}


def _run(command: list[str], cwd: Path, timeout: float = 300) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("WORKBENCH_")}
    environment.pop("PYTHONPATH", None)
    result = subprocess.run(
        command, cwd=cwd, capture_output=True, text=True, timeout=timeout, env=environment
    )
    assert result.returncode == 0, f"{command[:3]} failed:\n{result.stdout}\n{result.stderr}"
    return result


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    source = tmp_path_factory.mktemp("source")
    for name in ("pyproject.toml", "setup.py", "README.md"):
        shutil.copy2(REPO_ROOT / name, source / name)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", ".ipynb_checkpoints")
    shutil.copytree(REPO_ROOT / "workbench", source / "workbench", ignore=ignore)
    shutil.copytree(REPO_ROOT / "templates", source / "templates", ignore=ignore)
    out = tmp_path_factory.mktemp("wheel")
    _run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(out), str(source)],
        cwd=source,
    )
    (built,) = out.glob("workbench-*.whl")
    return built


@pytest.fixture(scope="module")
def templates_venv(wheel, tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("venv")
    venv.create(folder, with_pip=False)  # installed into by this venv's pip (cache, resolver)
    constraints = folder / "constraints.txt"
    pins = [
        line
        for line in (REPO_ROOT / "requirements.txt").read_text().splitlines()
        if line.strip() and not line.startswith(("#", "-e"))
    ]
    constraints.write_text("\n".join(pins) + "\n")
    _run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(folder / "bin" / "python"),
            "install",
            "--quiet",
            "--no-compile",
            "-c",
            str(constraints),
            f"{wheel}[templates]",
        ],
        cwd=folder,
        timeout=900,
    )
    return folder


#: Modules that only the course, grading and hub extras provide.
HEAVY = (
    "nbgrader",
    "jupyterlab",
    "jupyterhub",
    "distributed",
    "sqlalchemy",
    "nbclient",
    "workbench.grading",
    "workbench.lab",
    "workbench.course",
)

LOADED = """
import json, sys
{setup}
print(json.dumps(sorted(m for m in {heavy!r} if m in sys.modules)))
"""


def _loaded_after(setup: str) -> list[str]:
    code = LOADED.format(setup=setup, heavy=HEAVY)
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO_ROOT
    )
    return json.loads(result.stdout)


def test_template_commands_load_nothing_of_the_other_extras():
    setup = (
        "from workbench import cli, templates\n"
        "cli.build_parser().parse_args(['template', 'run', 'ttest', '--data', 'x.csv',"
        " '--out', 'o'])\n"
        "templates.get('ttest')"
    )
    assert _loaded_after(setup) == []
    # The probe bites: a grading command's modules are seen.
    assert "nbgrader" in _loaded_after("from workbench.grading import feedback")


@pytest.mark.packaging
@pytest.mark.slow
def test_wheel_carries_the_package_data_it_reads(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = {
        f"workbench/template_notebooks/{p.name}" for p in (REPO_ROOT / "templates").glob("*.ipynb")
    }
    # Every data file inside the package (notebooks, HTML templates, CSS), docs aside.
    expected |= {
        p.relative_to(REPO_ROOT).as_posix()
        for p in (REPO_ROOT / "workbench").rglob("*")
        if p.is_file() and p.suffix not in (".py", ".pyc", ".md")
    }
    assert {
        "workbench/grading/pages/feedback.html.j2",
        "workbench/learner/00_はじめに.ipynb",
    } <= expected
    assert expected <= names
    assert not any(n.startswith(("tests/", "courses/", "templates/")) for n in names)


@pytest.mark.packaging
@pytest.mark.slow
def test_template_run_with_only_the_templates_extra(templates_venv, tmp_path):
    python = templates_venv / "bin" / "python"
    probe = (
        "import importlib.metadata as m, json, sys\n"
        "found = {}\n"
        "for name in sys.argv[1:]:\n"
        "    try:\n"
        "        found[name] = m.version(name)\n"
        "    except m.PackageNotFoundError:\n"
        "        pass\n"
        "print(json.dumps(found))\n"
    )
    installed = json.loads(
        _run(
            [str(python), "-c", probe, *NOT_FOR_TEMPLATES, "papermill", "statsmodels"], cwd=tmp_path
        ).stdout
    )
    # The probe bites: what the extra brings is found, the rest is not there.
    assert set(installed) == {"papermill", "statsmodels"}

    where = _run(
        [str(python), "-c", "import workbench; print(workbench.__file__)"], cwd=tmp_path
    ).stdout.strip()
    assert Path(where).is_relative_to(templates_venv), where  # the wheel, not the checkout

    data = tmp_path / "睡眠.csv"
    rows = ["薬剤,増加"] + [f"{drug},{v}" for drug, values in SLEEP.items() for v in values]
    data.write_text("\n".join(rows) + "\n", encoding="cp932")
    run = _run(
        [
            str(templates_venv / "bin" / "workbench"),
            "template",
            "run",
            "ttest",
            "--data",
            str(data),
            "-p",
            "value",
            "増加",
            "-p",
            "group",
            "薬剤",
            "--out",
            str(tmp_path / "out"),
        ],
        cwd=tmp_path,
    )
    assert "p = 0.079" in run.stdout

    result = json.loads((tmp_path / "out" / "result.json").read_text(encoding="utf-8"))
    assert abs(result["statistic"]) == pytest.approx(R_WELCH["t"], abs=1e-4)
    assert result["df"] == pytest.approx(R_WELCH["df"], abs=1e-3)
    assert result["p_value"] == pytest.approx(R_WELCH["p"], abs=1e-5)
    html = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    assert "Welch" in html and "睡眠.csv" in html


def test_learner_notebooks_come_from_package_data_and_keep_a_learners_copy(tmp_path):
    from workbench import lab

    shipped = sorted((REPO_ROOT / "workbench" / "learner").glob("*.ipynb"))
    assert [p.name for p in shipped] == sorted(p.name for p in lab.copy_learner_files(tmp_path))
    for path in shipped:
        assert (tmp_path / path.name).read_bytes() == path.read_bytes()
    mine = tmp_path / shipped[0].name
    mine.write_text("学習者のメモ", encoding="utf-8")
    assert lab.copy_learner_files(tmp_path) == []
    assert mine.read_text(encoding="utf-8") == "学習者のメモ"
