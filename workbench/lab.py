"""Prepare a learner workspace and start JupyterLab in Japanese on this machine."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from workbench import course, datasets
from workbench.paths import workspace_dir

LOCALE = "ja_JP"
TRANSLATION_PLUGIN = "@jupyterlab/translation-extension:plugin"


def lab_settings_dir() -> Path:
    """JupyterLab's application settings folder of this environment (holds overrides.json)."""
    return Path(sys.prefix) / "share" / "jupyter" / "lab" / "settings"


def set_default_language(settings_dir: Path | None = None) -> Path:
    """Make Japanese the default UI language for every user of this environment.

    ``overrides.json`` changes the default, not a user's choice: a learner who switches
    the menu back to English keeps English.
    """
    settings_dir = settings_dir or lab_settings_dir()
    settings_dir.mkdir(parents=True, exist_ok=True)
    overrides_path = settings_dir / "overrides.json"
    overrides = json.loads(overrides_path.read_text()) if overrides_path.is_file() else {}
    plugin = overrides.setdefault(TRANSLATION_PLUGIN, {})
    if plugin.get("locale") != LOCALE:
        plugin["locale"] = LOCALE
        overrides_path.write_text(json.dumps(overrides, ensure_ascii=False, indent=2) + "\n")
    return overrides_path


def prepare_workspace(workspace: Path | None = None, log=print) -> Path:
    """Build small datasets, release every unit and copy new files into the workspace."""
    workspace = workspace or workspace_dir()
    for name in datasets.names():
        datasets.build(name, "small")
    for unit in course.units():
        regenerated = course.generate(unit)
        copied = course.copy_to_workspace(unit, workspace)
        state = "配布版を生成しました" if regenerated else "配布版は最新です"
        log(f"単元 {unit}: {state}。ワークスペースに {len(copied)} 件コピーしました。")
    return workspace


def lab_command(workspace: Path, port: int | None = None, open_browser: bool = True) -> list[str]:
    command = [
        sys.executable,
        "-m",
        "jupyterlab",
        "--ip=127.0.0.1",
        f"--ServerApp.root_dir={workspace}",
    ]
    if os.name == "posix" and os.geteuid() == 0:
        # Containers and CI run as root; JupyterLab refuses that unless told it is intended.
        command.append("--allow-root")
    if port is not None:
        command.append(f"--port={port}")
    if not open_browser:
        command.append("--no-browser")
    return command


def start(workspace: Path | None = None, port: int | None = None, open_browser: bool = True):
    """Prepare everything, then replace this process with JupyterLab."""
    workspace = prepare_workspace(workspace)
    set_default_language()
    command = lab_command(workspace, port, open_browser)
    print("JupyterLab を起動します。表示される URL（token 付き）をブラウザで開いてください。")
    sys.stdout.flush()
    os.execve(command[0], command, course.environment_with_tools())
