"""The hub deployment for real: deploy/jupyterhub_config.py with two learners and an instructor.

Starts JupyterHub (PyPI) with configurable-http-proxy (npm, in deploy/node_modules) on
127.0.0.1 with random ports, DummyAuthenticator and SimpleLocalProcessSpawner, a temporary
copy of the course as the grading service's course root and a temporary shared exchange.
Everything then goes over HTTP through the proxy, as browsers and JupyterLab do:
the instructor generates and releases through formgrader's API on the course service,
each learner's own server fetches, validates and submits with nbgrader's Assignment List
API, and the instructor collects, autogrades and returns feedback through formgrader.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pytest
import requests
from harness import answered, cells_by_id, make_course, notebook_holding
from servers import free_port
from traitlets.config.loader import PyFileConfigLoader

from workbench import course, datasets
from workbench.paths import REPO_ROOT

pytestmark = pytest.mark.hub

DEPLOY = REPO_ROOT / "deploy"
PROXY = DEPLOY / "node_modules" / ".bin" / "configurable-http-proxy"
COURSE = "data_literacy"
UNIT = "01_excel_basics"
# The part of unit 01 that holds written exercise 10 (found by content, not by name).
NOTEBOOK = notebook_holding(UNIT, "ex10_written").name
PASSWORD = "workbench-hub-test"
ADMIN_TOKEN = "workbench-hub-test-admin-token-0123456789"
LEARNERS = ("tanaka", "suzuki")
INSTRUCTOR = "sensei"
WRITTEN_ANSWER = "図書館の利用者数が最も多く、集計中の月があるため合計は少なめに見えます。"


@pytest.fixture(scope="module")
def proxy_command() -> Path:
    """configurable-http-proxy from the npm registry (what `.ci/run` installs)."""
    if not PROXY.exists():
        npm = shutil.which("npm")
        if npm is None or shutil.which("node") is None:
            pytest.skip("node と npm がありません: apt-get install nodejs npm")
        subprocess.run(
            [npm, "ci", "--prefix", str(DEPLOY), "--no-audit", "--no-fund", "--loglevel=error"],
            check=True,
            capture_output=True,
        )
    return PROXY


@dataclass
class Hub:
    base: str
    tmp: Path
    course_root: Path
    homes: Path
    log: Path

    def api(self, method: str, path: str, token: str = ADMIN_TOKEN, **kwargs):
        response = requests.request(
            method,
            f"{self.base}/hub/api{path}",
            headers={"Authorization": f"token {token}"},
            timeout=60,
            **kwargs,
        )
        assert response.ok, f"{method} {path}: {response.status_code} {response.text[:500]}"
        return response.json() if response.content else None

    def call(self, method: str, path: str, token: str, timeout: float = 300, **kwargs):
        """A request through the proxy to a user server or service; returns the JSON body."""
        response = requests.request(
            method,
            f"{self.base}{path}",
            headers={"Authorization": f"token {token}"},
            timeout=timeout,
            **kwargs,
        )
        assert response.ok, f"{method} {path}: {response.status_code} {response.text[:800]}"
        return response.json()

    def tail(self) -> str:
        return self.log.read_text(errors="replace")[-4000:]


def _wait(condition, what: str, hub: Hub, timeout: float = 240):
    deadline = time.monotonic() + timeout
    while True:
        try:
            result = condition()
            if result:
                return result
        except (requests.RequestException, AssertionError):
            pass
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}\n{hub.tail()}")
        time.sleep(0.5)


@pytest.fixture(scope="module")
def hub(tmp_path_factory, proxy_command):
    tmp = tmp_path_factory.mktemp("hub")
    course_root = make_course(tmp)
    for folder in (tmp / "courses").iterdir():
        if folder.is_dir() and course.UNIT_PATTERN.match(folder.name) and folder.name != UNIT:
            shutil.rmtree(folder)
    for name in datasets.names():  # learners' kernels and autograde read the small data
        datasets.build(name, "small")
    exchange = tmp / "exchange"
    roster = tmp / "roster.csv"
    with roster.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["username", "role", "course"])
        writer.writerow([INSTRUCTOR, "instructor", COURSE])
        writer.writerows([name, "learner", COURSE] for name in LEARNERS)

    port = free_port()
    env = course.environment_with_tools()
    for variable in ("JUPYTER_CONFIG_PATH", "WORKBENCH_GRADEBOOK_URL", "JUPYTERHUB_API_TOKEN"):
        env.pop(variable, None)
    env.update(
        {
            "WORKBENCH_HUB_STATE": str(tmp / "state"),
            "WORKBENCH_HUB_BIND_URL": f"http://127.0.0.1:{port}",
            "WORKBENCH_HUB_API_PORT": str(free_port()),
            "WORKBENCH_HUB_PROXY_API_PORT": str(free_port()),
            "WORKBENCH_HUB_SERVICE_PORT": str(free_port()),
            "WORKBENCH_HUB_AUTH": "dummy",
            "WORKBENCH_HUB_DUMMY_PASSWORD": PASSWORD,
            "WORKBENCH_HUB_SPAWNER": "simple",
            "WORKBENCH_HUB_HOMES": str(tmp / "home"),
            "WORKBENCH_HUB_ROSTER": str(roster),
            "WORKBENCH_HUB_ADMINS": INSTRUCTOR,
            "WORKBENCH_HUB_COURSES": str(course_root),
            "WORKBENCH_HUB_ADMIN_TOKEN": ADMIN_TOKEN,
            "WORKBENCH_EXCHANGE_ROOT": str(exchange),
            # Learners' kernels and the service read the temporary course, not the repo's.
            "WORKBENCH_COURSES_DIR": str(tmp / "courses"),
        }
    )
    log = tmp / "jupyterhub.log"
    (tmp / "state").mkdir()
    with log.open("w") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "jupyterhub", "-f", str(DEPLOY / "jupyterhub_config.py")],
            cwd=tmp / "state",
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    hub = Hub(f"http://127.0.0.1:{port}", tmp, course_root, tmp / "home", log)
    try:
        _wait(
            lambda: process.poll() is None and hub.api("GET", "/info"),
            "the hub to answer",
            hub,
            timeout=120,
        )
        yield hub
    finally:
        process.terminate()  # the hub stops the proxy, the services and the user servers
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()


def _token(hub: Hub, user: str) -> str:
    return hub.api("POST", f"/users/{user}/tokens", json={"note": "test", "expires_in": 3600})[
        "token"
    ]


def _start_server(hub: Hub, user: str) -> None:
    hub.api("POST", f"/users/{user}/server")


def _server_ready(hub: Hub, user: str) -> bool:
    server = hub.api("GET", f"/users/{user}").get("servers", {}).get("")
    return bool(server and server.get("ready"))


def test_login_with_the_hub_password(hub):
    """A learner logs in through the hub's login form (DummyAuthenticator)."""
    session = requests.Session()
    session.get(f"{hub.base}/hub/login", timeout=30).raise_for_status()
    response = session.post(
        f"{hub.base}/hub/login",
        data={"username": LEARNERS[0], "password": PASSWORD, "_xsrf": session.cookies["_xsrf"]},
        allow_redirects=False,
        timeout=30,
    )
    assert response.status_code == 302, response.text[:500]
    home = session.get(f"{hub.base}/hub/home", timeout=30)
    assert home.ok and LEARNERS[0] in home.text
    wrong = requests.Session()
    wrong.get(f"{hub.base}/hub/login", timeout=30)
    refused = wrong.post(
        f"{hub.base}/hub/login",
        data={"username": "tanaka", "password": "wrong", "_xsrf": wrong.cookies["_xsrf"]},
        allow_redirects=False,
        timeout=30,
    )
    assert refused.status_code == 403


def test_two_learners_submit_and_the_instructor_grades(hub):
    tokens = {user: _token(hub, user) for user in (*LEARNERS, INSTRUCTOR)}
    groups = hub.api("GET", f"/groups/nbgrader-{COURSE}")
    assert sorted(groups["users"]) == sorted(LEARNERS)
    for user in LEARNERS:
        _start_server(hub, user)

    # Instructor: generate and release with formgrader on the course's grading service.
    service = f"/services/{COURSE}/formgrader/api"
    teacher = tokens[INSTRUCTOR]
    _wait(lambda: hub.call("GET", f"{service}/status", teacher), "the grading service", hub)
    assert hub.call("POST", f"{service}/assignment/{UNIT}/assign", teacher)["success"]
    assert hub.call("POST", f"{service}/assignment/{UNIT}/release", teacher)["success"]
    # Without per-server origins formgrader is its own page (the Services menu opens it);
    # the service keeps JupyterHub's frame-ancestors 'none'.
    page = requests.get(
        f"{hub.base}/services/{COURSE}/formgrader/manage_assignments",
        headers={"Authorization": f"token {teacher}"},
        timeout=60,
    )
    assert page.ok and "Manage Assignments" in page.text
    assert "frame-ancestors 'none'" in page.headers.get("Content-Security-Policy", "")
    # A learner is refused by the grading service.
    denied = requests.get(
        f"{hub.base}{service}/status",
        headers={"Authorization": f"token {tokens[LEARNERS[0]]}"},
        timeout=30,
        allow_redirects=False,
    )
    assert denied.status_code in (302, 403), denied.status_code

    # Learners: fetch through the exchange from their own servers.
    for user in LEARNERS:
        _wait(lambda user=user: _server_ready(hub, user), f"{user}'s server", hub)
    unit = {"course_id": COURSE, "assignment_id": UNIT}
    listed = {}
    for user in LEARNERS:
        fetched = hub.call("POST", f"/user/{user}/assignments/fetch", tokens[user], params=unit)
        assert fetched["success"], fetched
        listed[user] = {a["assignment_id"]: a for a in fetched["value"]}
        assert listed[user][UNIT]["status"] == "fetched"
    path = f"{COURSE}/{UNIT}/{NOTEBOOK}"
    assert (hub.homes / "tanaka" / path).is_file()
    # Learner servers keep JupyterHub's no-iframe policy.
    lab = requests.get(
        f"{hub.base}/user/tanaka/api/status",
        headers={"Authorization": f"token {tokens['tanaka']}"},
        timeout=30,
    )
    assert "frame-ancestors 'none'" in lab.headers.get("Content-Security-Policy", "")

    # tanaka answers everything (through the contents API, as JupyterLab saves), validates.
    # Every part of the unit is answered.
    for source_path in course.notebooks(UNIT):
        contents = f"/user/tanaka/api/contents/{COURSE}/{UNIT}/{source_path.name}"
        released = nbformat.from_dict(hub.call("GET", contents, tokens["tanaka"])["content"])
        notebook = answered(released, nbformat.read(source_path, as_version=4))
        if source_path.name == NOTEBOOK:
            cells_by_id(notebook)["ex10_written"].source = WRITTEN_ANSWER
        hub.call(
            "PUT",
            contents,
            tokens["tanaka"],
            json={"type": "notebook", "format": "json", "content": notebook},
        )
    validated = hub.call(
        "POST", "/user/tanaka/assignments/validate", tokens["tanaka"], params={"path": path}
    )
    assert validated["success"], validated
    value = validated["value"]
    value = json.loads(value) if isinstance(value, str) else value
    assert not value.get("failed") and not value.get("changed"), value

    # Both submit; suzuki submits the unanswered notebook.
    for user in LEARNERS:
        submitted = hub.call("POST", f"/user/{user}/assignments/submit", tokens[user], params=unit)
        assert submitted["success"], submitted
    inbox = hub.tmp / "exchange" / COURSE / "inbound"
    inbound = sorted(p.name.split("+")[0] for p in inbox.iterdir())
    assert inbound == sorted(LEARNERS)

    # Instructor: collect, autograde each submission, return feedback.
    assert hub.call("POST", f"{service}/assignment/{UNIT}/collect", teacher)["success"]
    for user in LEARNERS:
        graded = hub.call("POST", f"{service}/submission/{UNIT}/{user}/autograde", teacher)
        assert graded["success"], graded.get("log", graded)
    listed = hub.call("GET", f"{service}/submissions/{UNIT}", teacher)
    submissions = {s["student"]: s for s in listed}
    assert submissions["tanaka"]["code_score"] == submissions["tanaka"]["max_code_score"] == 17
    assert submissions["suzuki"]["code_score"] == 0
    assert submissions["tanaka"]["needs_manual_grade"]  # the written answer waits for a person

    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{hub.course_root / 'gradebook.db'}") as gradebook:
        assert gradebook.find_submission(UNIT, "tanaka").code_score == 17

    assert hub.call("POST", f"{service}/assignment/{UNIT}/generate_feedback", teacher)["success"]
    assert hub.call("POST", f"{service}/assignment/{UNIT}/release_feedback", teacher)["success"]
    feedback = hub.call(
        "POST", "/user/tanaka/assignments/fetch_feedback", tokens["tanaka"], params=unit
    )
    assert feedback["success"], feedback

    # The learner's progress page, with the environment the hub gives tanaka's kernels.
    env = dict(os.environ)
    env.update(
        {
            "JUPYTER_CONFIG_PATH": str(DEPLOY / "singleuser"),
            "WORKBENCH_EXCHANGE_ROOT": str(hub.tmp / "exchange"),
            "JUPYTERHUB_USER": "tanaka",
            "USER": "tanaka",
            "JUPYTERHUB_API_TOKEN": tokens["tanaka"],
            "JUPYTERHUB_API_URL": f"{hub.base}/hub/api",
            "HOME": str(hub.homes / "tanaka"),
        }
    )
    script = (
        "import json; from workbench import progress\n"
        "print(json.dumps([r.__dict__ for r in progress.collect()]))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=hub.homes / "tanaka",
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    (row,) = json.loads(result.stdout.strip().splitlines()[-1])
    assert row["unit"] == UNIT and row["submissions"] == 1
    assert row["answered"] == row["exercises"] == 10
    assert (row["score"], row["max_score"]) == (17, 20)
    assert (hub.homes / "tanaka" / "00_はじめに.ipynb").is_file()  # given at first start


def test_formgrader_iframe_only_with_subdomains(monkeypatch):
    """The grading service allows framing by itself only when every server has its origin."""
    loader = PyFileConfigLoader("jupyter_server_config.py", path=str(DEPLOY / "grader"))
    monkeypatch.setenv("WORKBENCH_FORMGRADER_IFRAME", "0")
    assert "tornado_settings" not in loader.load_config().ServerApp
    monkeypatch.setenv("WORKBENCH_FORMGRADER_IFRAME", "1")
    loader = PyFileConfigLoader("jupyter_server_config.py", path=str(DEPLOY / "grader"))
    headers = loader.load_config().ServerApp.tornado_settings["headers"]
    assert headers["Content-Security-Policy"] == "frame-ancestors 'self'"


def test_hub_learner_settings_match_the_local_ones():
    """The hub's learner servers hide the same instructor plugins as `make lab`."""
    from workbench import lab

    page = json.loads((DEPLOY / "singleuser" / "labconfig" / "page_config.json").read_text())
    assert set(page["disabledExtensions"]) == set(lab.INSTRUCTOR_LAB_PLUGINS)
    server = json.loads((DEPLOY / "singleuser" / "jupyter_server_config.json").read_text())
    disabled = server["ServerApp"]["jpserver_extensions"]
    assert {k for k, on in disabled.items() if not on} == set(lab.INSTRUCTOR_SERVER_EXTENSIONS)
