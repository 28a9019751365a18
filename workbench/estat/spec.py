"""What e-Stat's published API specification fixes: URLs, parameter names, status codes.

Source: 政府統計の総合窓口（e-Stat）の API 仕様 3.0版（独立行政法人統計センター, 2019年7月,
https://www.e-stat.go.jp/api/api-info/e-stat-manual3-0）.
- 2. APIの利用方法: request URL ``https://api.e-stat.go.jp/rest/3.0/app/json/<機能>``
  for JSON; every request carries ``appId`` (アプリケーションID).
- 3. APIパラメータ: getStatsList (surveyYears, openYears, statsField, statsCode,
  searchWord, searchKind, collectArea, explanationGetFlg, statsNameList, startPosition,
  limit, updatedDate), getMetaInfo (statsDataId, explanationGetFlg), getStatsData
  (statsDataId, lvTab/cdTab/cdTabFrom/cdTabTo and the same for Time, Area and
  Cat01…Cat15, startPosition, limit ≤ 100,000, metaGetFlg, cntGetFlg,
  explanationGetFlg, annotationGetFlg, replaceSpChars, sectionHeaderFlg); ``lang`` is
  J (Japanese, the default) or E. Several codes are given comma-separated.
- 4. APIの出力データ: ``RESULT.STATUS`` 0-2 finish normally (1 = 正常に終了しましたが、
  該当データはありませんでした), 100 = 認証エラー（appId）, 101-998 = パラメータの誤り,
  999 = システムエラー; ``RESULT.ERROR_MSG`` says it in Japanese;
  ``STATISTICAL_DATA.RESULT_INF.NEXT_KEY`` is present when more data remains and is
  the ``startPosition`` of the next request.
The R package estatapi (CRAN, estat_getStatsData) documents the same parameter names.
"""

from __future__ import annotations

import re

BASE_URL = "https://api.e-stat.go.jp/rest/3.0/app/json"
ENDPOINTS = ("getStatsList", "getMetaInfo", "getStatsData")
ROOTS = {
    "getStatsList": "GET_STATS_LIST",
    "getMetaInfo": "GET_META_INFO",
    "getStatsData": "GET_STATS_DATA",
}
MAX_LIMIT = 100_000

_AXES = ["Tab", "Time", "Area"] + [f"Cat{i:02d}" for i in range(1, 16)]
_NARROWING = [
    f"{prefix}{axis}{suffix}"
    for axis in _AXES
    for prefix, suffix in [("lv", ""), ("cd", ""), ("cd", "From"), ("cd", "To")]
]
_COMMON = ["appId", "lang"]
PARAMETERS = {
    "getStatsList": _COMMON
    + [
        "surveyYears",
        "openYears",
        "statsField",
        "statsCode",
        "searchWord",
        "searchKind",
        "collectArea",
        "explanationGetFlg",
        "statsNameList",
        "startPosition",
        "limit",
        "updatedDate",
    ],
    "getMetaInfo": _COMMON + ["statsDataId", "explanationGetFlg"],
    "getStatsData": _COMMON
    + [
        "dataSetId",
        "statsDataId",
        *_NARROWING,
        "startPosition",
        "limit",
        "metaGetFlg",
        "cntGetFlg",
        "explanationGetFlg",
        "annotationGetFlg",
        "replaceSpChars",
        "sectionHeaderFlg",
    ],
}
REQUIRED = {"getStatsList": [], "getMetaInfo": ["statsDataId"], "getStatsData": ["statsDataId"]}
_FLAGS = {"explanationGetFlg", "metaGetFlg", "cntGetFlg", "annotationGetFlg", "statsNameList"}
STATS_DATA_ID = re.compile(r"^\d{10}$")

# RESULT.STATUS: 0-2 finish normally (1: nothing matched); 100 = the appId; 101-998 a
# parameter; 999 the service itself.
STATUS_OK = 0
STATUS_NO_DATA = 1
STATUS_PARTIAL = 2
STATUS_AUTH = 100
STATUS_SYSTEM = 999


def check_parameters(endpoint: str, params: dict[str, str]) -> list[str]:
    """Problems (Japanese) with ``params`` for ``endpoint`` per the specification."""
    if endpoint not in ENDPOINTS:
        return [f"機能 {endpoint} はこのクライアントでは使えません（{', '.join(ENDPOINTS)}）"]
    problems = []
    allowed = PARAMETERS[endpoint]
    for name in params:
        if name not in allowed:
            close = [a for a in allowed if a.lower() == name.lower()]
            hint = f"（大文字・小文字が違います: {close[0]}）" if close else ""
            problems.append(f"パラメータ {name} は {endpoint} の仕様にありません{hint}")
    for name in REQUIRED[endpoint]:
        if not params.get(name):
            problems.append(f"{endpoint} には {name} が必要です")
    if "statsDataId" in params and not STATS_DATA_ID.match(params["statsDataId"]):
        problems.append(
            f"statsDataId={params['statsDataId']!r} は10桁の数字ではありません"
            "（e-Stat の統計表ページの「統計表ID」をそのまま文字列で指定します）"
        )
    if params.get("lang", "J") not in ("J", "E"):
        problems.append("lang は J（日本語）か E（英語）です")
    for name in ("startPosition", "limit"):
        if name in params and not (params[name].isdigit() and int(params[name]) >= 1):
            problems.append(f"{name} は1以上の整数です")
    if "limit" in params and params["limit"].isdigit() and int(params["limit"]) > MAX_LIMIT:
        problems.append(f"limit は最大 {MAX_LIMIT:,} です")
    for name in _FLAGS & params.keys():
        if params[name] not in ("Y", "N"):
            problems.append(f"{name} は Y か N です")
    return problems
