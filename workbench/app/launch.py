"""``python -m workbench app``: serve the app page with Voilà on 127.0.0.1 with a token.

Voilà runs ``app.ipynb`` without showing its code.  The data files offered are those of
the folder the command was started in (``WORKBENCH_APP_DATA_DIR``); the token keeps other
users of a shared machine out, as JupyterLab's does.
"""

from __future__ import annotations

import os
import secrets
import sys
from dataclasses import dataclass
from importlib import resources
from pathlib import Path


def notebook() -> Path:
    return Path(str(resources.files("workbench.app") / "app.ipynb"))


@dataclass(frozen=True)
class Launch:
    command: list[str]
    env: dict[str, str]
    url: str


def app_launch(
    data_dir: Path, port: int = 8866, token: str | None = None, open_browser: bool = True
) -> Launch:
    token = token or secrets.token_urlsafe(24)
    command = [
        sys.executable,
        "-m",
        "voila",
        str(notebook()),
        "--Voila.ip=127.0.0.1",
        f"--port={port}",
        f"--token={token}",
        "--Voila.port_retries=0",  # the printed URL must be the one served
        "--VoilaConfiguration.show_tracebacks=False",
    ]
    if not open_browser:
        command.append("--no-browser")
    env = {**os.environ, "WORKBENCH_APP_DATA_DIR": str(data_dir.resolve())}
    return Launch(command, env, f"http://127.0.0.1:{port}/?token={token}")


def start(port: int = 8866, open_browser: bool = True) -> None:
    """Replace this process with Voilà serving the app."""
    launch = app_launch(Path.cwd(), port, open_browser=open_browser)
    print(
        f"分析テンプレートを起動します。ブラウザで次の URL を開いてください: {launch.url}\n"
        f"（このフォルダの CSV・Excel ファイルを選べます: {Path.cwd()}。終了は Ctrl+C）"
    )
    sys.stdout.flush()
    os.execve(launch.command[0], launch.command, launch.env)
