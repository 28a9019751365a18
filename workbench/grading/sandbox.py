"""How a warm process is started: inside bubblewrap, or not at all unless told otherwise.

The sandbox sees the system and the Python environment read-only, the workbench package
and the built datasets read-only, a private /tmp for scratch, no network and no other
process. It does not see the course sources (hidden tests), the gradebook, the exchange
or anyone's submissions: the coordinator sends each notebook through a pipe.
"""

from __future__ import annotations

import os
import shutil
import site
import sys
import warnings
from pathlib import Path

from workbench.errors import WorkbenchError
from workbench.paths import REPO_ROOT, datasets_dir

SYSTEM_DIRS = ("/usr", "/etc", "/bin", "/sbin", "/lib", "/lib64", "/lib32", "/opt")
ENV_PASSTHROUGH = ("LANG", "LC_ALL", "TZ", "PATH")


class SandboxUnavailableWarning(RuntimeWarning):
    pass


class SandboxUnavailable(WorkbenchError):
    """bubblewrap is missing: grading fails closed rather than run learner code bare."""

    def __init__(self) -> None:
        super().__init__(
            "採点用のサンドボックス bubblewrap（bwrap コマンド）が見つかりません。"
            "受講者のコードをサンドボックスなしで実行しないよう、採点を中止しました。"
            "Debian/Ubuntu では `sudo apt-get install bubblewrap` で導入してください。"
            "信頼できる提出物だけを採点する場合に限り、`--no-sandbox` を付けると"
            "サンドボックスなしで採点します（時間・メモリ・出力の上限のみ有効）。"
        )


def bubblewrap() -> str | None:
    return shutil.which("bwrap")


def _readable_paths() -> list[Path]:
    paths = {Path(sys.prefix), Path(sys.base_prefix), REPO_ROOT / "workbench", datasets_dir()}
    paths.update(Path(p) for p in site.getsitepackages())
    return sorted({p.resolve() for p in paths if p.exists()})


def warm_process_command(
    figures: bool = False,
    preload: tuple[str, ...] = (),
    sandbox: bool = True,
    disabled: frozenset[str] = frozenset(),
) -> tuple[list[str], dict[str, str]]:
    """Command and environment that start ``workbench.grading.zygote``.

    ``sandbox=False`` (``--no-sandbox``) runs without bubblewrap after a warning;
    otherwise a missing bubblewrap raises ``SandboxUnavailable``. ``disabled`` names
    defences to switch off, for the hostile-submission suite's negative controls only.
    """
    python = [sys.executable, "-m", "workbench.grading.zygote"]
    env = {k: os.environ[k] for k in ENV_PASSTHROUGH if k in os.environ}
    env.update(
        {
            "HOME": "/tmp",
            "MPLCONFIGDIR": "/tmp/matplotlib",
            "PYTHONDONTWRITEBYTECODE": "1",
            "WORKBENCH_GRADER_FIGURES": "1" if figures else "0",
            "WORKBENCH_GRADER_PRELOAD": ",".join(preload),
            "WORKBENCH_GRADER_SCRATCH": "/tmp",
            "WORKBENCH_DATASETS_DIR": str(datasets_dir()),
            "WORKBENCH_GRADER_DISABLED": ",".join(sorted(disabled)),
        }
    )
    tool = bubblewrap() if sandbox else None
    if tool is None:
        if sandbox:
            raise SandboxUnavailable()
        warnings.warn(
            "--no-sandbox: サンドボックスなしで採点します"
            "（時間・メモリ・出力の上限のみ有効、ファイルとネットワークは制限されません）。",
            SandboxUnavailableWarning,
            stacklevel=2,
        )
        return python, {**os.environ, **env, "WORKBENCH_GRADER_SCRATCH": ""}
    command = [tool, "--unshare-all", "--die-with-parent", "--new-session", "--clearenv"]
    # The private /tmp comes first: later binds may lie below it (a checkout in /tmp) and
    # a tmpfs mounted after them would hide them.
    command += ["--tmpfs", "/tmp"]
    for directory in SYSTEM_DIRS:
        path = Path(directory)
        if path.is_symlink():
            command += ["--symlink", os.readlink(path), directory]
        elif path.is_dir():
            command += ["--ro-bind", directory, directory]
    for path in _readable_paths():
        command += ["--ro-bind", str(path), str(path)]
    command += ["--proc", "/proc", "--dev", "/dev", "--chdir", "/tmp"]
    for key, value in env.items():
        command += ["--setenv", key, value]
    return command + ["--", *python], {}
