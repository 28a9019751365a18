"""The JupyterLab launcher tile 「分析テンプレート」 that opens the app page (issue 16).

The learner's server config gives jupyter-server-proxy a launcher-only entry whose link
is Voilà's page for the app notebook copied into the workspace.  The fast tests read the
config through jupyter-server-proxy's own config class (what its launcher plugin will
list); the slow test starts the learner's JupyterLab and asks it for the launcher list
and the page.
"""

from __future__ import annotations

import json
import urllib.parse
import urllib.request

import pytest
from servers import free_port, running_server

from workbench import lab
from workbench.app.launch import notebook

EXPECTED_PATH = "voila/render/" + "分析テンプレート.ipynb"  # written out, not taken from lab


def _server_config(workspace) -> dict:
    folder = lab.write_learner_config(workspace)
    return json.loads((folder / "jupyter_server_config.json").read_text(encoding="utf-8"))


def test_learner_config_has_the_launcher_tile(tmp_path):
    config = _server_config(tmp_path)
    servers = config["ServerProxy"]["servers"]
    assert list(servers) == ["workbench-app"]
    entry = servers["workbench-app"]["launcher_entry"]
    assert entry["title"] == "分析テンプレート" and entry["enabled"] is True
    assert entry["path_info"] == EXPECTED_PATH
    # The instructor-only server extensions are still switched off beside it.
    assert config["ServerApp"]["jpserver_extensions"]["workbench.grading.written_page"] is False


def test_jupyter_server_proxy_reads_it_as_a_launcher_only_entry(tmp_path):
    proxy_config = pytest.importorskip("jupyter_server_proxy.config")
    servers = _server_config(tmp_path)["ServerProxy"]["servers"]
    process = proxy_config.make_server_process("workbench-app", servers["workbench-app"], None)
    assert process.launcher_entry.title == "分析テンプレート"
    assert process.launcher_entry.path_info == EXPECTED_PATH
    assert process.new_browser_tab is True
    # Nothing is started or proxied: no command, no port.
    with pytest.warns(UserWarning, match="does not have a command"):
        handler, _ = process.make_proxy_handler()
    assert handler is None


def test_the_tile_target_is_the_app_notebook_in_the_workspace(tmp_path):
    path = lab.copy_app_notebook(tmp_path)
    assert path == tmp_path / "分析テンプレート.ipynb"
    assert path.read_bytes() == notebook().read_bytes()
    # A changed package page replaces the old copy; an unchanged one is left alone.
    path.write_text("{}", encoding="utf-8")
    lab.copy_app_notebook(tmp_path)
    assert path.read_bytes() == notebook().read_bytes()


def _get(url: str, timeout: float = 10):
    with urllib.request.urlopen(url, timeout=timeout) as response:
        return response.status, response.read(2000)


@pytest.mark.slow
def test_learner_jupyterlab_lists_the_tile_and_serves_the_page(tmp_path):
    pytest.importorskip("jupyter_server_proxy")
    workspace = tmp_path / "workspace"
    lab.copy_app_notebook(workspace)
    lab.write_learner_config(workspace)
    port, token = free_port(), "workbench-test-token"
    launch = lab.learner_launch(workspace, port=port, open_browser=False)
    base = f"http://127.0.0.1:{port}"
    info = f"{base}/server-proxy/servers-info?token={token}"
    with running_server(
        [*launch.command, f"--IdentityProvider.token={token}"],
        env=launch.env,
        cwd=launch.cwd,
        log=tmp_path / "jupyterlab.log",
        ready_url=info,
        name="JupyterLab",
    ):
        _, body = _get(info)
        entries = {e["name"]: e for e in json.loads(body)["server_processes"]}
        entry = entries["workbench-app"]
        assert entry["launcher_entry"]["title"] == "分析テンプレート"
        # What the launcher opens: base URL + path_info, Voilà's page of the app.
        url = f"{base}/{urllib.parse.quote(entry['launcher_entry']['path_info'])}?token={token}"
        status, start = _get(url, timeout=120)
        assert status == 200 and b"<html" in start.lower()
