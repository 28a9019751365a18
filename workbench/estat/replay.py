"""A local stand-in for e-Stat that answers with the recorded responses (offline).

The training rooms and CI have no internet, so the unit and the tests start this server
on 127.0.0.1 (a real socket, a thread of the notebook's own process) and point the real
:class:`~workbench.estat.client.EstatClient` at it: request building, paging, retries
and the cache all run exactly as against e-Stat. Only the answers are recorded.

    >>> with replay.start() as server:                       # doctest: +SKIP
    ...     client = server.client()
    ...     census = client.stats_data_frame("9990000001", cdCat01="0", limit=20)

Two ways to run: a background thread serving until ``stop()`` (tests), or ``on_demand``:
the socket stays open and each request of ``server.client()`` is answered by a thread that
lives for that one request only. Notebooks use ``on_demand`` because the grader refuses to
run a test cell while any background thread is alive (a thread could tamper with the
checks), and an on-demand server leaves none between requests.
"""

from __future__ import annotations

import json
import tempfile
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer, ThreadingHTTPServer
from importlib import resources
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import requests

from workbench.estat.client import EstatClient

#: The appId the replay accepts: any non-empty one except this, which it refuses like
#: e-Stat refuses an unknown appId (STATUS 100). Never a real appId.
REPLAY_APP_ID = "REPLAY-PRACTICE-ID"
REJECTED_APP_ID = "INVALID-APP-ID"
_PATH_PREFIX = "/rest/3.0/app/json/"


def recorded_folder() -> Path:
    """The recorded responses shipped with the package."""
    return Path(str(resources.files("workbench.estat") / "recorded"))


class ReplayServer:
    """Serves ``recorded/`` like e-Stat; counts requests; can fail on purpose."""

    def __init__(self, folder: str | Path | None = None, *, on_demand: bool = False) -> None:
        self.on_demand = on_demand
        self.folder = Path(folder) if folder else recorded_folder()
        self.index = json.loads((self.folder / "index.json").read_text(encoding="utf-8"))
        #: Every request received: (endpoint, parameters including appId).
        self.requests: list[tuple[str, dict[str, str]]] = []
        self._failures: list[int] = []
        self._lock = threading.Lock()
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # ------------------------------------------------------------------ control
    @property
    def base_url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}{_PATH_PREFIX.rstrip('/')}"

    def fail_next(self, count: int = 1, status: int = 503) -> None:
        """Answer the next ``count`` requests with HTTP ``status`` (a busy service)."""
        with self._lock:
            self._failures += [status] * count

    def start(self) -> ReplayServer:
        if self.on_demand:
            self._httpd = HTTPServer(("127.0.0.1", 0), _handler(self))
            self._httpd.timeout = 10  # a request that never arrives frees its thread
            return self
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._httpd is not None:
            if self._thread is not None:
                self._httpd.shutdown()
                self._thread.join(timeout=5)
                self._thread = None
            self._httpd.server_close()
            self._httpd = None

    def serve_one(self) -> threading.Thread:
        """On demand: a thread that answers exactly one request, then ends."""
        worker = threading.Thread(target=self._httpd.handle_request, daemon=True)
        worker.start()
        return worker

    def __enter__(self) -> ReplayServer:
        return self if self._httpd else self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def client(self, **options: object) -> EstatClient:
        """An EstatClient aimed at this server with the practice appId and a fresh cache."""
        options.setdefault("app_id", REPLAY_APP_ID)
        options.setdefault("cache_dir", tempfile.mkdtemp(prefix="estat-cache-"))
        options.setdefault("backoff", 0.05)
        if self.on_demand:
            options.setdefault("session", _OnDemandSession(self))
        return EstatClient(base_url=self.base_url, **options)

    # ------------------------------------------------------------------ answers
    def answer(self, endpoint: str, params: dict[str, str]) -> tuple[int, bytes]:
        """HTTP status and body for one request."""
        with self._lock:
            self.requests.append((endpoint, dict(params)))
            failure = self._failures.pop(0) if self._failures else None
        if failure is not None:
            return failure, b"Service Temporarily Unavailable"
        if endpoint not in ("getStatsList", "getMetaInfo", "getStatsData"):
            return 404, b"Not Found"
        app_id = params.get("appId", "")
        if not app_id or app_id == REJECTED_APP_ID:
            return 200, self._file("error_auth.json", endpoint)
        wanted = {k: v for k, v in params.items() if k != "appId" and not (k, v) == ("lang", "J")}
        for entry in self.index:
            if entry["endpoint"] == endpoint and entry["params"] == wanted:
                return 200, (self.folder / entry["file"]).read_bytes()
        # e-Stat answers a valid request that matches nothing with STATUS 1.
        return 200, self._file("error_no_data.json", endpoint)

    def _file(self, name: str, endpoint: str) -> bytes:
        document = json.loads((self.folder / name).read_text(encoding="utf-8"))
        body = next(iter(document.values()))
        root = {"getStatsList": "GET_STATS_LIST", "getMetaInfo": "GET_META_INFO"}
        return json.dumps({root.get(endpoint, "GET_STATS_DATA"): body}, ensure_ascii=False).encode()


class _OnDemandSession(requests.Session):
    """Starts the one-request server thread around each request, and waits for it."""

    def __init__(self, server: ReplayServer) -> None:
        super().__init__()
        self._server = server

    def request(self, method, url, *args, **kwargs):
        worker = self._server.serve_one()
        try:
            return super().request(method, url, *args, **kwargs)
        finally:
            worker.join(timeout=self._server._httpd.timeout + 1)


def _handler(server: ReplayServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (the http.server API)
            url = urlsplit(self.path)
            endpoint = (
                url.path.removeprefix(_PATH_PREFIX) if url.path.startswith(_PATH_PREFIX) else ""
            )
            status, body = server.answer(endpoint, dict(parse_qsl(url.query)))
            self.send_response(status)
            kind = "application/json" if body.startswith(b"{") else "text/plain"
            self.send_header("Content-Type", f"{kind}; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass  # keep notebooks and test output quiet

    return Handler


def start(folder: str | Path | None = None, *, on_demand: bool = False) -> ReplayServer:
    """Start a replay server on a free port of 127.0.0.1 and return it."""
    return ReplayServer(folder, on_demand=on_demand).start()
