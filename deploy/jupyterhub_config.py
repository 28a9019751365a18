"""JupyterHub for the data-literacy workbench: one hub for all staff, a grading service per course.

Start with ``jupyterhub -f deploy/jupyterhub_config.py`` (see deploy/README.md). Everything
that differs between a pilot, the production server and the test (tests/test_hub.py) is an
environment variable, so this one file is what runs everywhere:

==============================  ===========================================================
WORKBENCH_HUB_STATE             folder for the hub's database, cookie secret, proxy pid
WORKBENCH_HUB_BIND_URL          public URL the proxy listens on (http://127.0.0.1:8000)
WORKBENCH_HUB_API_PORT          the hub's internal API port (8081)
WORKBENCH_HUB_PROXY_API_PORT    configurable-http-proxy's API port (8001)
WORKBENCH_HUB_SERVICE_PORT      first port for the per-course grading services (10101)
WORKBENCH_HUB_DB_URL            SQLAlchemy URL of the hub database (SQLite in STATE)
WORKBENCH_HUB_AUTH              ``pam`` (OS accounts, e.g. AD through sssd) or ``dummy``
WORKBENCH_HUB_DUMMY_PASSWORD    the shared password for ``dummy`` (trials and tests only)
WORKBENCH_HUB_SPAWNER           ``local`` (one OS account per person) or ``simple`` (tests)
WORKBENCH_HUB_HOMES             home folders for ``simple`` ({username} appended)
WORKBENCH_HUB_ROSTER            CSV ``username,role,course`` (role: learner / instructor)
WORKBENCH_HUB_ADMINS            comma-separated hub administrators
WORKBENCH_HUB_COURSES           course roots (folders with nbgrader_config.py), os.pathsep
WORKBENCH_HUB_SUBDOMAIN_HOST    e.g. https://hub.example.lg.jp: one origin per server/service
WORKBENCH_HUB_ADMIN_TOKEN       token of an admin API service (automation, tests)
WORKBENCH_EXCHANGE_ROOT         nbgrader's shared exchange (/srv/nbgrader/exchange)
WORKBENCH_GRADEBOOK_URL         the grading services' gradebook (SQLAlchemy URL; SQLite default)
==============================  ===========================================================
"""

import csv
import importlib.util
import os
import pwd
import shutil
import sys
from collections import defaultdict
from pathlib import Path

from traitlets.config.loader import PyFileConfigLoader

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
c = get_config()  # noqa: F821  (provided by JupyterHub's config loader)


def setting(name, default=None):
    return os.environ.get(f"WORKBENCH_{name}", default)


STATE = Path(setting("HUB_STATE", "/srv/workbench-hub"))
STATE.mkdir(parents=True, exist_ok=True)
EXCHANGE = Path(setting("EXCHANGE_ROOT", "/srv/nbgrader/exchange"))
RUNNING_AS_ROOT = os.geteuid() == 0

# --- hub, proxy, database ---------------------------------------------------------------

c.JupyterHub.bind_url = setting("HUB_BIND_URL", "http://127.0.0.1:8000")
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = int(setting("HUB_API_PORT", "8081"))
c.JupyterHub.db_url = setting("HUB_DB_URL", f"sqlite:///{STATE / 'jupyterhub.sqlite'}")
c.JupyterHub.cookie_secret_file = str(STATE / "jupyterhub_cookie_secret")
c.JupyterHub.pid_file = str(STATE / "jupyterhub.pid")
# configurable-http-proxy from the npm registry, installed by `npm ci --prefix deploy`.
c.ConfigurableHTTPProxy.command = [str(HERE / "node_modules" / ".bin" / "configurable-http-proxy")]
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{setting('HUB_PROXY_API_PORT', '8001')}"
c.ConfigurableHTTPProxy.pid_file = str(STATE / "proxy.pid")
c.ConfigurableHTTPProxy.debug = False

subdomain_host = setting("HUB_SUBDOMAIN_HOST")
if subdomain_host:
    # Every user server and service gets its own origin (needs wildcard DNS and a
    # wildcard certificate); only then may formgrader's iframe be allowed, see README.
    c.JupyterHub.subdomain_host = subdomain_host

# --- who may log in ---------------------------------------------------------------------

if setting("HUB_AUTH", "pam") == "dummy":
    password = setting("HUB_DUMMY_PASSWORD")
    if not password:
        raise SystemExit("WORKBENCH_HUB_AUTH=dummy needs WORKBENCH_HUB_DUMMY_PASSWORD")
    c.JupyterHub.authenticator_class = "dummy"
    c.DummyAuthenticator.password = password
else:
    c.JupyterHub.authenticator_class = "pam"

learners: dict[str, set[str]] = defaultdict(set)
instructors: dict[str, set[str]] = defaultdict(set)
roster = setting("HUB_ROSTER")
if roster:
    with open(roster, encoding="utf-8-sig", newline="") as handle:  # Excel writes a BOM
        for row in csv.DictReader(handle):
            people = instructors if row["role"].strip() == "instructor" else learners
            people[row["course"].strip()].add(row["username"].strip())
admins = {name.strip() for name in setting("HUB_ADMINS", "").split(",") if name.strip()}
everyone = set().union(*learners.values(), *instructors.values(), admins)
if everyone:
    c.Authenticator.allowed_users = everyone
c.Authenticator.admin_users = admins

# --- one server per learner ---------------------------------------------------------------

if setting("HUB_SPAWNER", "local") == "simple":
    # Test and pilot only: every server runs as the hub's own OS user.
    c.JupyterHub.spawner_class = "simple"
    c.SimpleLocalProcessSpawner.home_dir_template = str(
        Path(setting("HUB_HOMES", "/tmp/workbench-homes")) / "{username}"
    )
    if RUNNING_AS_ROOT:
        c.Spawner.args = ["--allow-root"]
else:
    c.JupyterHub.spawner_class = "localprocess"

c.Spawner.cmd = [sys.executable, "-m", "jupyterhub.singleuser"]
c.Spawner.default_url = "/lab"
c.Spawner.start_timeout = 180
c.Spawner.http_timeout = 180
c.Spawner.environment = {
    # Learner settings: shared exchange, courses from hub groups, no instructor plugins.
    "JUPYTER_CONFIG_PATH": str(HERE / "singleuser"),
    "WORKBENCH_EXCHANGE_ROOT": str(EXCHANGE),
}
# nbgrader asks the hub which courses a learner is in (groups nbgrader-COURSE), so the
# server's own token must be allowed to read its owner's groups.
c.Spawner.server_token_scopes = [
    "users:activity!user",
    "read:users:name!user",
    "read:users:groups!user",
]


def _home(spawner) -> tuple[Path, int | None, int | None]:
    home = getattr(spawner, "home_dir", "")
    if home:
        return Path(home), None, None
    account = pwd.getpwnam(spawner.user.name)
    return Path(account.pw_dir), account.pw_uid, account.pw_gid


def give_learner_notebooks(spawner) -> None:
    """Put はじめに and the progress notebook into a new learner's home (never overwrite)."""
    home, uid, gid = _home(spawner)
    home.mkdir(parents=True, exist_ok=True)
    for notebook in sorted((REPO / "workbench" / "learner").glob("*.ipynb")):
        target = home / notebook.name
        if not target.exists():
            shutil.copyfile(notebook, target)
            if uid is not None and RUNNING_AS_ROOT:
                os.chown(target, uid, gid)


c.Spawner.pre_spawn_hook = give_learner_notebooks

# --- one grading service per course (nbgrader's multi-course setup) ---------------------


def _course(root: Path) -> tuple[str, Path]:
    """Course id and the folder that holds both the course root and its sources."""
    config = PyFileConfigLoader("nbgrader_config.py", path=str(root)).load_config()
    sources = (root / str(config.CourseDirectory.source_directory)).resolve()
    return str(config.CourseDirectory.course_id), Path(os.path.commonpath([root, sources]))


services = []
roles = []
groups = {}
grader_accounts = set()
first_port = int(setting("HUB_SERVICE_PORT", "10101"))
course_roots = setting("HUB_COURSES", str(REPO / "grading")).split(os.pathsep)
for index, course_root in enumerate(Path(p).resolve() for p in course_roots if p):
    course_id, server_root = _course(course_root)
    # nbgrader's hub plugin asks the hub which courses the service's account grades
    # (group formgrade-COURSE); the account exists only for that and cannot log in.
    grader = f"grader-{course_id}"
    grader_accounts.add(grader)
    command = [
        sys.executable,
        "-m",
        "jupyterhub.singleuser",
        f"--ServerApp.root_dir={server_root}",
        # The hub's Services menu opens formgrader as a page of its own (no iframe).
        "--ServerApp.default_url=/formgrader",
    ]
    environment = {
        "JUPYTER_CONFIG_PATH": str(HERE / "grader"),
        "JUPYTERHUB_USER": grader,
        "WORKBENCH_EXCHANGE_ROOT": str(EXCHANGE),
        "WORKBENCH_GRADING_DIR": str(course_root),
        "WORKBENCH_FORMGRADER_IFRAME": "1" if subdomain_host else "0",
    }
    if setting("GRADEBOOK_URL"):  # PostgreSQL for many instructors grading at once
        environment["WORKBENCH_GRADEBOOK_URL"] = setting("GRADEBOOK_URL")
    service = {
        "name": course_id,
        "url": f"http://127.0.0.1:{first_port + index}",
        "command": command,
        # formgrader and nbgrader read the course's nbgrader_config.py from here.
        "cwd": str(course_root),
        "environment": environment,
        "oauth_no_confirm": True,
        "display": True,
    }
    try:
        # In production the service runs as the course's own OS account (which owns the
        # course root and the gradebook), as nbgrader's multi-course setup describes.
        pwd.getpwnam(grader)
        service["user"] = grader
    except KeyError:
        if RUNNING_AS_ROOT:
            command.append("--allow-root")
    services.append(service)
    groups[f"nbgrader-{course_id}"] = {"users": sorted(learners.get(course_id, ()))}
    groups[f"formgrade-{course_id}"] = {"users": sorted({grader, *instructors.get(course_id, ())})}
    roles += [
        {
            # Instructors of the course may open its grading service.
            "name": f"formgrade-{course_id}",
            "groups": [f"formgrade-{course_id}"],
            "scopes": [f"access:services!service={course_id}"],
        },
        {
            # The service adds learners to the course group when an instructor adds them
            # in formgrader or with `nbgrader db student add` (JupyterHubAuthPlugin).
            "name": f"grader-{course_id}",
            "services": [course_id],
            "scopes": ["list:users", "read:users", "list:groups", "read:groups", "groups"],
        },
    ]

if importlib.util.find_spec("jupyterhub_idle_culler"):
    # Stop servers idle for an hour: 5,000 accounts, but only the active ones use memory.
    services.append(
        {
            "name": "idle-culler",
            "command": [sys.executable, "-m", "jupyterhub_idle_culler", "--timeout=3600"],
        }
    )
    roles.append(
        {
            "name": "idle-culler",
            "services": ["idle-culler"],
            "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"],
        }
    )

admin_token = setting("HUB_ADMIN_TOKEN")
if admin_token:
    # For automation (account roll-out, tests): a service with an admin token.
    services.append({"name": "workbench-admin", "api_token": admin_token})
    roles.append(
        {
            "name": "workbench-admin",
            "services": ["workbench-admin"],
            "scopes": [
                "admin:users",
                "admin:servers",
                "admin:groups",
                "tokens",
                "access:servers",
                "access:services",
                "list:services",
                "read:hub",
            ],
        }
    )

c.Authenticator.blocked_users = grader_accounts
c.JupyterHub.services = services
c.JupyterHub.load_roles = roles
c.JupyterHub.load_groups = groups
