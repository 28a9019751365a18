"""A local on-disk cache of e-Stat responses, keyed by the request (never by the appId)."""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path

CACHE_ENV = "WORKBENCH_ESTAT_CACHE"


def default_cache_dir() -> Path:
    """``$WORKBENCH_ESTAT_CACHE`` or ``~/.cache/workbench/estat``."""
    if os.environ.get(CACHE_ENV):
        return Path(os.environ[CACHE_ENV])
    return Path.home() / ".cache" / "workbench" / "estat"


def request_key(base_url: str, endpoint: str, params: dict[str, str]) -> str:
    """Same request, same key. The appId is left out: it is a secret and does not change
    the data, so a cache folder can be shared without sharing anyone's appId."""
    visible = {k: v for k, v in sorted(params.items()) if k != "appId"}
    text = json.dumps([base_url.rstrip("/"), endpoint, visible], ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class ResponseCache:
    """JSON documents in ``folder/<key[:2]>/<key>.json``; written atomically."""

    def __init__(self, folder: str | Path) -> None:
        self.folder = Path(folder)

    def _path(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}.json"

    def get(self, key: str) -> dict | None:
        path = self._path(key)
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except (FileNotFoundError, json.JSONDecodeError):
            # A damaged entry is a miss: the request is simply sent again.
            return None

    def put(self, key: str, document: dict) -> None:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        # Write then rename, so a reader never sees half a file.
        with tempfile.NamedTemporaryFile(
            "w", encoding="utf-8", dir=path.parent, suffix=".tmp", delete=False
        ) as handle:
            json.dump(document, handle, ensure_ascii=False)
        os.replace(handle.name, path)
