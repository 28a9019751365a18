"""Prepare a learner workspace and start JupyterLab in Japanese on this machine.

One JupyterLab installation serves two roles:

- learner (``python -m workbench lab``): the root is the workspace. Units are released
  through nbgrader's exchange, and a learner nbgrader config (course id, exchange root,
  where fetched assignments live) makes nbgrader's Assignment List (fetch, submit,
  feedback) and Validate work. Instructor-only nbgrader plugins are hidden.
- instructor (``python -m workbench lab --instructor``): the root contains the course
  root (``grading/``) and the sources (``courses/``), the server runs in the course root
  so formgrader and Create Assignment use ``grading/nbgrader_config.py``.

The role-specific settings reach JupyterLab through ``JUPYTER_CONFIG_PATH`` and the
server's working folder (where nbgrader looks for ``nbgrader_config.py``), not through the
environment's shared Jupyter config, so both roles can run side by side from one venv.
"""

from __future__ import annotations

import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path

from workbench import course, datasets
from workbench.paths import courses_dir, grading_dir, learner_files, workspace_dir

LOCALE = "ja_JP"
TRANSLATION_PLUGIN = "@jupyterlab/translation-extension:plugin"
#: Defaults besides the language: staff PCs must not be asked about, or reach out for,
#: Jupyter's news feed and update checks (and many cannot reach the internet at all).
QUIET_DEFAULTS = {
    "@jupyterlab/apputils-extension:notification": {"fetchNews": "false", "checkForUpdates": False}
}

#: Hidden folder in the workspace for the learner's Jupyter/nbgrader configuration.
LEARNER_STATE = ".workbench"

#: nbgrader's instructor tools; a learner's JupyterLab does not load them.
INSTRUCTOR_LAB_PLUGINS = (
    "@jupyter/nbgrader:formgrader",
    "@jupyter/nbgrader:course-list",
    "@jupyter/nbgrader:create-assignment",
)
INSTRUCTOR_SERVER_EXTENSIONS = (
    "nbgrader.server_extensions.formgrader",
    "nbgrader.server_extensions.course_list",
    "workbench.grading.written_page",  # written answers by question, in groups
)


def lab_settings_dir() -> Path:
    """JupyterLab's application settings folder of this environment (holds overrides.json)."""
    return Path(sys.prefix) / "share" / "jupyter" / "lab" / "settings"


def set_default_language(settings_dir: Path | None = None) -> Path:
    """Make Japanese the default UI language for every user of this environment.

    ``overrides.json`` changes the default, not a user's choice: a learner who switches
    the menu back to English keeps English. The news feed is switched off the same way.
    """
    settings_dir = settings_dir or lab_settings_dir()
    settings_dir.mkdir(parents=True, exist_ok=True)
    overrides_path = settings_dir / "overrides.json"
    overrides = json.loads(overrides_path.read_text()) if overrides_path.is_file() else {}
    wanted = {TRANSLATION_PLUGIN: {"locale": LOCALE}, **QUIET_DEFAULTS}
    changed = False
    for plugin, values in wanted.items():
        current = overrides.setdefault(plugin, {})
        for key, value in values.items():
            if current.get(key) != value:
                current[key] = value
                changed = True
    if changed:
        overrides_path.write_text(json.dumps(overrides, ensure_ascii=False, indent=2) + "\n")
    return overrides_path


# --- the course's nbgrader settings, read from grading/nbgrader_config.py ---------------


def course_config():
    """The instructor's nbgrader configuration (a traitlets ``Config``)."""
    from workbench import nbgrader_config

    return nbgrader_config.load(grading_dir(), required=True)


def course_id() -> str:
    return str(course_config().CourseDirectory.course_id)


def exchange_root() -> Path:
    return Path(str(course_config().Exchange.root))


def outbound_dir(unit: str) -> Path:
    """Where nbgrader's exchange keeps the released ``unit`` for learners to fetch."""
    return exchange_root() / course_id() / "outbound" / unit


def release_to_exchange(unit: str, force: bool = False) -> bool:
    """``nbgrader release_assignment`` unless the exchange already has this release."""
    if not force and outbound_dir(unit).is_dir():
        return False
    course.nbgrader("release_assignment", unit, "--force")
    return True


# --- learner workspace ------------------------------------------------------------------


def learner_config_dir(workspace: Path) -> Path:
    """The extra Jupyter config folder of a learner's JupyterLab (``JUPYTER_CONFIG_PATH``)."""
    return workspace / LEARNER_STATE / "jupyter"


def learner_nbgrader_config(workspace: Path) -> str:
    """nbgrader settings a learner needs: which course, where the exchange is, where to work.

    Fetched assignments land directly in ``workspace/UNIT`` (no course folder), the same
    place ``prepare_workspace`` copies released units to, so the Assignment List shows
    them as already fetched and submits from there. The submission cache lives in the
    workspace so every workspace keeps its own record of what it submitted.
    """
    settings = {
        "CourseDirectory.course_id": course_id(),
        "Exchange.root": str(exchange_root()),
        "Exchange.assignment_dir": str(workspace),
        "Exchange.path_includes_course": False,
        "Exchange.cache": str(workspace / LEARNER_STATE / "nbgrader_cache"),
    }
    lines = [
        "# Learner settings written by `python -m workbench lab`; rewritten on every start.",
        "c = get_config()  # noqa: F821",
    ]
    lines += [f"c.{key} = {value!r}" for key, value in settings.items()]
    return "\n".join(lines) + "\n"


def _write_if_changed(path: Path, text: str) -> None:
    if path.is_file() and path.read_text(encoding="utf-8") == text:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def learner_ipython_dir(workspace: Path) -> Path:
    """The IPython folder of a learner's kernels (``IPYTHONDIR``): history and kernel config."""
    return workspace / LEARNER_STATE / "ipython"


#: The learner's kernels explain common errors in Japanese (``workbench.learner_errors``).
#: Graders start kernels without this folder, so graded outputs never contain them.
LEARNER_KERNEL_CONFIG = """\
# Learner kernel settings written by `python -m workbench lab`; rewritten on every start.
c = get_config()  # noqa: F821
c.InteractiveShellApp.extensions = ["workbench.learner_errors"]
"""


def write_learner_kernel_config(workspace: Path) -> Path:
    """Write the learner's IPython folder; return it (for ``IPYTHONDIR``)."""
    folder = learner_ipython_dir(workspace)
    _write_if_changed(
        folder / "profile_default" / "ipython_kernel_config.py", LEARNER_KERNEL_CONFIG
    )
    return folder


#: The app page (workbench/app/app.ipynb) as the workspace shows it; Voilà's server
#: extension in the same JupyterLab serves it at voila/render/<this>, behind JupyterLab's
#: own token, and its kernel starts in the workspace, so the app offers the files there.
APP_NOTEBOOK = "分析テンプレート.ipynb"
APP_TITLE = "分析テンプレート"


def app_launcher_server() -> dict:
    """The launcher tile 「分析テンプレート」 (jupyter-server-proxy's ``ServerProxy.servers``).

    jupyter-server-proxy is used only for its launcher entry: with no command and no
    port nothing is started or proxied (it logs that once), and the tile opens
    ``<base_url>voila/render/分析テンプレート.ipynb`` in a new browser tab (the page's
    downloads need a tab of their own, not JupyterLab's sandboxed iframe).
    """
    return {
        "command": [],
        "new_browser_tab": True,
        "launcher_entry": {
            "enabled": True,
            "title": APP_TITLE,
            "path_info": f"voila/render/{APP_NOTEBOOK}",
            "category": "Other",
        },
    }


def copy_app_notebook(workspace: Path) -> Path:
    """Put the app page into the workspace, replaced when the installed one changed
    (it is the workbench's page, not a learner's file)."""
    from workbench.app.launch import notebook

    path = workspace / APP_NOTEBOOK
    _write_if_changed(path, notebook().read_text(encoding="utf-8"))
    return path


def write_learner_config(workspace: Path) -> Path:
    """Write the learner's Jupyter config folder; return it (for ``JUPYTER_CONFIG_PATH``)."""
    folder = learner_config_dir(workspace)
    write_learner_kernel_config(workspace)
    _write_if_changed(folder / "nbgrader_config.py", learner_nbgrader_config(workspace))
    page_config = {"disabledExtensions": {name: True for name in INSTRUCTOR_LAB_PLUGINS}}
    _write_if_changed(
        folder / "labconfig" / "page_config.json", json.dumps(page_config, indent=2) + "\n"
    )
    server_config = {
        "ServerApp": {"jpserver_extensions": dict.fromkeys(INSTRUCTOR_SERVER_EXTENSIONS, False)},
        "ServerProxy": {"servers": {"workbench-app": app_launcher_server()}},
    }
    _write_if_changed(
        folder / "jupyter_server_config.json", json.dumps(server_config, indent=2) + "\n"
    )
    return folder


def copy_learner_files(workspace: Path) -> list[Path]:
    """Copy はじめに and the progress notebook into the workspace; keep a learner's copy."""
    copied = []
    notebooks = (f for f in learner_files().iterdir() if f.name.endswith(".ipynb"))
    for notebook in sorted(notebooks, key=lambda f: f.name):
        destination = workspace / notebook.name
        if not destination.exists():
            workspace.mkdir(parents=True, exist_ok=True)
            destination.write_bytes(notebook.read_bytes())
            copied.append(destination)
    return copied


def prepare_workspace(workspace: Path | None = None, log=print) -> Path:
    """Build small datasets, release every unit (also to the exchange), fill the workspace."""
    workspace = workspace or workspace_dir()
    for name in datasets.names():
        datasets.build(name, "small")
    for unit in course.units():
        regenerated = course.generate(unit)
        released = release_to_exchange(unit, force=regenerated)
        copied = course.copy_to_workspace(unit, workspace)
        state = "配布版を生成しました" if regenerated else "配布版は最新です"
        if released and not regenerated:
            state += "（交換フォルダに配布し直しました）"
        log(f"単元 {unit}: {state}。ワークスペースに {len(copied)} 件コピーしました。")
    for path in copy_learner_files(workspace):
        log(f"{path.name} をワークスペースに置きました。")
    copy_app_notebook(workspace)
    write_learner_config(workspace)
    return workspace


# --- starting JupyterLab ----------------------------------------------------------------


def instructor_root() -> Path:
    """The instructor's JupyterLab root: the folder holding both ``grading/`` and ``courses/``.

    formgrader links to source notebooks relative to the server root, so the sources must
    be inside it, and it refuses a course root outside it.
    """
    return Path(os.path.commonpath([grading_dir(), courses_dir()]))


def lab_command(root: Path, port: int | None = None, open_browser: bool = True) -> list[str]:
    command = [
        sys.executable,
        "-m",
        "jupyterlab",
        "--ip=127.0.0.1",
        f"--ServerApp.root_dir={root}",
    ]
    if os.name == "posix" and os.geteuid() == 0:
        # Containers and CI run as root; JupyterLab refuses that unless told it is intended.
        command.append("--allow-root")
    if port is not None:
        command.append(f"--port={port}")
    if not open_browser:
        command.append("--no-browser")
    return command


@dataclass(frozen=True)
class Launch:
    """How to start one JupyterLab: command line, environment and working directory.

    nbgrader's Validate and formgrader read ``nbgrader_config.py`` from the server's
    working directory and from the Jupyter config path, so both matter.
    """

    command: list[str]
    env: dict[str, str]
    cwd: Path


def learner_launch(workspace: Path, port: int | None = None, open_browser: bool = True) -> Launch:
    env = course.environment_with_tools()
    extra = [str(learner_config_dir(workspace))]
    if env.get("JUPYTER_CONFIG_PATH"):
        extra.append(env["JUPYTER_CONFIG_PATH"])
    env["JUPYTER_CONFIG_PATH"] = os.pathsep.join(extra)
    env["IPYTHONDIR"] = str(learner_ipython_dir(workspace))
    return Launch(lab_command(workspace, port, open_browser), env, workspace)


def instructor_launch(port: int | None = None, open_browser: bool = True) -> Launch:
    root = instructor_root()
    command = lab_command(root, port, open_browser)
    command.append("--ServerApp.jpserver_extensions=workbench.grading.written_page=True")
    return Launch(command, course.environment_with_tools(), grading_dir())


def prepare_instructor(log=print) -> None:
    """What formgrader needs before it opens: data for autograde, an exchange to release to."""
    for name in datasets.names():
        datasets.build(name, "small")
    exchange_root().mkdir(parents=True, exist_ok=True)
    log(f"コース: {course_id()}（{grading_dir()}）、交換フォルダ: {exchange_root()}")


def start(
    workspace: Path | None = None,
    port: int | None = None,
    open_browser: bool = True,
    instructor: bool = False,
):
    """Prepare everything, then replace this process with JupyterLab."""
    set_default_language()
    if instructor:
        prepare_instructor()
        launch = instructor_launch(port, open_browser)
        print(
            "講師用の JupyterLab を起動します。表示される URL（token 付き）を開き、"
            "メニュー「Nbgrader」→「Formgrader」で配布・回収・採点をします。"
        )
    else:
        workspace = prepare_workspace(workspace)
        launch = learner_launch(workspace, port, open_browser)
        print(
            "JupyterLab を起動します。表示される URL（token 付き）をブラウザで開き、"
            "まず「00_はじめに.ipynb」を開いてください。"
        )
    sys.stdout.flush()
    os.chdir(launch.cwd)
    os.execve(launch.command[0], launch.command, launch.env)
