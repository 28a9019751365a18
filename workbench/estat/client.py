"""The e-Stat API 3.0 client: request building, retries, paging, cache, tidy frames.

    >>> client = EstatClient()                      # appId from $ESTAT_APP_ID  # doctest: +SKIP
    >>> census = client.stats_data_frame("0003445078", cdCat01="0")        # doctest: +SKIP

Parameter names are e-Stat's own (statsDataId, cdArea, cdTime, cdCat01 …) so that the
specification and e-Stat's pages can be read side by side; see workbench.estat.spec.
"""

from __future__ import annotations

import copy
import os
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import pandas as pd
import requests

from workbench.estat import spec
from workbench.estat.cache import ResponseCache, default_cache_dir, request_key
from workbench.estat.errors import (
    APP_ID_ENV,
    EstatAppIdMissing,
    EstatError,
    EstatNetworkError,
    EstatParameterError,
    EstatServiceError,
    error_for_status,
)
from workbench.io.estat import as_list, estat_frame

# 5xx and 429 are the service being busy or down for a moment; anything else is final.
_RETRY_HTTP = {429, 500, 502, 503, 504}


def _text(value: Any) -> str:
    """Parameter values as the API wants them: several codes comma-separated."""
    if isinstance(value, str):
        return value
    if isinstance(value, Iterable):
        return ",".join(str(v) for v in value)
    return str(value)


class EstatClient:
    """Talks to e-Stat (or to a local replay of it: pass its ``base_url``)."""

    def __init__(
        self,
        app_id: str | None = None,
        *,
        base_url: str = spec.BASE_URL,
        lang: str = "J",
        cache_dir: str | Path | None = None,
        use_cache: bool = True,
        timeout: float = 30.0,
        retries: int = 3,
        backoff: float = 1.0,
        session: requests.Session | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.app_id = (app_id or os.environ.get(APP_ID_ENV, "")).strip()
        self.base_url = base_url.rstrip("/")
        self.lang = lang
        self.cache = ResponseCache(cache_dir or default_cache_dir()) if use_cache else None
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self.session = session or requests.Session()
        self._sleep = sleep
        #: HTTP requests actually sent (cache hits are not counted).
        self.requests_sent = 0

    # ------------------------------------------------------------------ requests
    def build_params(self, endpoint: str, params: dict[str, Any]) -> dict[str, str]:
        """The query parameters of one request, checked against the specification."""
        if not self.app_id:
            raise EstatAppIdMissing()
        built = {"appId": self.app_id, "lang": self.lang}
        built.update({k: _text(v) for k, v in params.items() if v is not None})
        problems = spec.check_parameters(endpoint, built)
        if problems:
            raise EstatParameterError(
                "リクエストを送る前に、e-Stat の API 仕様に合わない点が見つかりました: "
                + "／".join(problems)
            )
        return built

    def request(self, endpoint: str, **params: Any) -> dict:
        """One request (one page): cached, retried, RESULT.STATUS checked."""
        built = self.build_params(endpoint, params)
        key = request_key(self.base_url, endpoint, built)
        if self.cache is not None:
            cached = self.cache.get(key)
            if cached is not None:
                return cached
        document = self._send(endpoint, built)
        root = document.get(spec.ROOTS[endpoint], {})
        result = root.get("RESULT", {})
        status = int(result.get("STATUS", -1))
        if status not in (spec.STATUS_OK, spec.STATUS_PARTIAL):
            raise error_for_status(status, str(result.get("ERROR_MSG", "")), endpoint)
        if self.cache is not None:
            self.cache.put(key, document)
        return document

    def _send(self, endpoint: str, params: dict[str, str]) -> dict:
        url = f"{self.base_url}/{endpoint}"
        last = ""
        for attempt in range(self.retries + 1):
            if attempt:
                # Exponential backoff: 1 s, 2 s, 4 s … gives a busy service room.
                self._sleep(self.backoff * 2 ** (attempt - 1))
            self.requests_sent += 1
            try:
                response = self.session.get(url, params=params, timeout=self.timeout)
            except requests.Timeout:
                last = f"{self.timeout:g}秒待っても応答がありませんでした"
                continue
            except requests.ConnectionError:
                raise EstatNetworkError(
                    f"e-Stat（{url.split('/')[2]}）に接続できません。ネットワークにつながっているか、"
                    "庁内のプロキシ設定が必要でないかを確かめてください。インターネットのない研修環境"
                    "では、記録済みの応答を返す workbench.estat.replay を使います（単元07を参照）。"
                ) from None
            if response.status_code in _RETRY_HTTP:
                last = f"HTTP {response.status_code}"
                continue
            if response.status_code != 200:
                raise EstatError(
                    f"e-Stat が HTTP {response.status_code} を返しました（{url}）。"
                    "URL（rest/3.0/app/json/機能名）が正しいか確かめてください。"
                )
            try:
                return response.json()
            except ValueError:
                raise EstatServiceError(
                    "e-Stat の応答が JSON ではありませんでした。時間をおいて実行し直してください。"
                ) from None
        raise EstatServiceError(
            f"e-Stat が {self.retries + 1}回続けて応答しませんでした（最後は{last}）。"
            "サービスが混雑しているか停止中です。時間をおいてもう一度実行してください。"
        )

    # ------------------------------------------------------------------ the three functions
    def get_stats_list(self, **params: Any) -> dict:
        """統計表情報取得 (getStatsList): search tables by searchWord, statsCode …"""
        return self.request("getStatsList", **params)

    def get_meta_info(self, stats_data_id: str) -> dict:
        """メタ情報取得 (getMetaInfo): the CLASS_INF (codes and names) of one table."""
        return self.request("getMetaInfo", statsDataId=stats_data_id)

    def get_stats_data(
        self, stats_data_id: str, *, all_pages: bool = True, max_pages: int = 1000, **params: Any
    ) -> dict:
        """統計データ取得 (getStatsData); with ``all_pages`` every page joined into one.

        A response holds at most ``limit`` values; ``RESULT_INF.NEXT_KEY`` is where the next
        page starts (its ``startPosition``). The joined document keeps the first page's
        CLASS_INF and has every page's VALUE in order and no NEXT_KEY.
        """
        first = self.request("getStatsData", statsDataId=stats_data_id, **params)
        if not all_pages:
            return first
        joined = copy.deepcopy(first)
        data = joined["GET_STATS_DATA"].get("STATISTICAL_DATA", {})
        values = as_list(data.get("DATA_INF", {}).get("VALUE"))
        result_inf = data.get("RESULT_INF", {})
        page = first
        for _ in range(max_pages):
            next_key = (
                page["GET_STATS_DATA"]["STATISTICAL_DATA"].get("RESULT_INF", {}).get("NEXT_KEY")
            )
            if not next_key:
                break
            page = self.request(
                "getStatsData",
                statsDataId=stats_data_id,
                **{**params, "startPosition": str(next_key)},
            )
            page_data = page["GET_STATS_DATA"]["STATISTICAL_DATA"]
            values += as_list(page_data.get("DATA_INF", {}).get("VALUE"))
            result_inf["TO_NUMBER"] = page_data.get("RESULT_INF", {}).get("TO_NUMBER")
        else:
            raise EstatServiceError(
                f"{max_pages}ページを超えても終わりません。"
                "limit を大きくするか条件を絞ってください。"
            )
        result_inf.pop("NEXT_KEY", None)
        if "DATA_INF" in data:
            data["DATA_INF"]["VALUE"] = values
        return joined

    def stats_data_frame(self, stats_data_id: str, **params: Any) -> pd.DataFrame:
        """getStatsData, every page, as a tidy DataFrame (see workbench.io.estat)."""
        return estat_frame(self.get_stats_data(stats_data_id, **params))
