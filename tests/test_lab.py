"""`make lab` pieces: the learner workspace, idempotence, and a Japanese JupyterLab."""

from __future__ import annotations

import json
import subprocess
import time
import urllib.request

import pytest
from harness import make_course
from servers import free_port

from workbench import course, lab

pytestmark = pytest.mark.slow


@pytest.fixture
def workspace_env(tmp_path, monkeypatch):
    # Two units: the first (whose release the tests read) and one in parts.
    root = make_course(tmp_path, units=("01_excel_basics", "04_t_test"))
    monkeypatch.setenv("WORKBENCH_GRADING_DIR", str(root))
    monkeypatch.setenv("WORKBENCH_COURSES_DIR", str(tmp_path / "courses"))
    workspace = tmp_path / "workspace"
    monkeypatch.setenv("WORKBENCH_WORKSPACE_DIR", str(workspace))
    return workspace


def test_prepare_releases_student_versions_and_is_idempotent(workspace_env):
    messages = []
    lab.prepare_workspace(log=messages.append)
    first_part = course.notebooks("01_excel_basics")[0].name  # one notebook or part A
    released = workspace_env / "01_excel_basics" / first_part
    text = released.read_text(encoding="utf-8")
    assert "BEGIN SOLUTION" not in text and "まだ解答が書かれていません" in text
    assert any("生成しました" in m for m in messages)

    # The learner works; a second run must neither redo the release nor touch the work.
    edited = text.replace("まだ解答が書かれていません", "学習者の解答")
    released.write_text(edited, encoding="utf-8")
    messages.clear()
    lab.prepare_workspace(log=messages.append)
    assert all("配布版は最新です" in m and "0 件コピー" in m for m in messages)
    assert "学習者の解答" in released.read_text(encoding="utf-8")


def test_changed_source_is_released_again(workspace_env, monkeypatch):
    lab.prepare_workspace(log=lambda _: None)
    source = course.notebooks("01_excel_basics")[0]
    source.write_text(source.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert course.generate("01_excel_basics") is True


def test_default_language_override_keeps_other_settings(tmp_path):
    (tmp_path / "overrides.json").write_text('{"@jupyterlab/apputils-extension:themes": {}}')
    path = lab.set_default_language(tmp_path)
    overrides = json.loads(path.read_text())
    assert overrides[lab.TRANSLATION_PLUGIN]["locale"] == "ja_JP"
    assert "@jupyterlab/apputils-extension:themes" in overrides


def _get_json(url: str):
    with urllib.request.urlopen(url, timeout=5) as response:
        return json.loads(response.read())


def test_jupyterlab_serves_japanese_ui(tmp_path):
    lab.set_default_language()
    port, token = free_port(), "workbench-test-token"
    command = lab.lab_command(tmp_path, port=port, open_browser=False)
    command.append(f"--IdentityProvider.token={token}")
    server = subprocess.Popen(
        command,
        env=course.environment_with_tools(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                settings = _get_json(
                    f"{base}/lab/api/settings/{lab.TRANSLATION_PLUGIN}?token={token}"
                )
                break
            except OSError:
                assert time.monotonic() < deadline, "JupyterLab did not start in 60 s"
                assert server.poll() is None, "JupyterLab exited"
                time.sleep(0.5)
        # overrides.json changes the schema default; the UI uses it unless a user chose.
        assert settings["schema"]["properties"]["locale"]["default"] == "ja_JP"
        languages = _get_json(f"{base}/lab/api/translations?token={token}")["data"]
        assert "ja_JP" in languages
        bundle = _get_json(f"{base}/lab/api/translations/ja_JP?token={token}")["data"]
        assert "ファイル" in json.dumps(bundle, ensure_ascii=False)
    finally:
        server.terminate()
        server.wait(timeout=20)
