"""workbench.estat against a local replay of e-Stat (real sockets, real requests).

The real service is not reachable from CI, so the client talks to
workbench.estat.replay on 127.0.0.1. Expected figures are the published ones (令和2年
国勢調査: 全国 126,146,099 人, 東京都 14,047,594 人, 鳥取県 553,407 人), not values the
client computed; request parameters are checked against e-Stat API 仕様 3.0版
(3. APIパラメータ; see workbench.estat.spec for what is taken from it).
"""

from __future__ import annotations

import json
import socket

import pandas as pd
import pytest

from workbench.estat import (
    EstatAppIdMissing,
    EstatAuthError,
    EstatClient,
    EstatNetworkError,
    EstatNoData,
    EstatParameterError,
    EstatServiceError,
    replay,
    spec,
)
from workbench.estat.cache import request_key
from workbench.estat.codes import LocalGovernmentCodeError, check_digit, is_valid
from workbench.estat.errors import error_for_status
from workbench.estat.recorded_source import (
    CENSUS_ID,
    CPI_GROUPS,
    CPI_ID,
    POPULATION_2020,
    dumps,
    recorded_documents,
    recorded_index,
)
from workbench.io.estat import estat_frame, read_estat_json


@pytest.fixture
def server():
    with replay.start() as running:
        yield running


@pytest.fixture
def client(server, tmp_path):
    return server.client(cache_dir=tmp_path / "cache", sleep=lambda _: None)


# ------------------------------------------------------------------ recorded responses


def test_recorded_files_are_what_the_source_writes():
    folder = replay.recorded_folder()
    for name, document in recorded_documents().items():
        assert (folder / name).read_text(encoding="utf-8") == dumps(document), name
    assert (folder / "index.json").read_text(encoding="utf-8") == dumps(recorded_index())


def test_census_figures_add_up_to_the_published_national_total():
    # 令和2年国勢調査: 全国 126,146,099 = the 47 prefectures; 男 61,349,581 + 女 64,796,518.
    assert sum(POPULATION_2020) == 126_146_099
    assert 61_349_581 + 64_796_518 == 126_146_099
    assert sum(w for _, _, w in CPI_GROUPS) == 10_000  # 2020年基準 ウエイト are 万分比


# ------------------------------------------------------------------ the client


def test_paging_assembles_every_page_in_order(server, client):
    frame = client.stats_data_frame(CENSUS_ID, cdCat01="0", limit=20)
    assert len(frame) == 48  # 全国 + 47 都道府県, served as 20 + 20 + 8
    assert [e for e, _ in server.requests] == ["getStatsData"] * 3
    starts = [p.get("startPosition") for _, p in server.requests]
    assert starts == [None, "21", "41"]  # each NEXT_KEY became the next startPosition
    by_area = frame.set_index("地域")["値"]
    assert by_area["全国"] == 126_146_099
    assert by_area["東京都"] == 14_047_594
    assert by_area["鳥取県"] == 553_407
    assert frame["地域コード"].tolist()[:3] == ["00000", "01000", "02000"]  # zeros kept
    assert frame.loc[frame["地域コード"] != "00000", "値"].sum() == 126_146_099


def test_one_page_only_when_asked(server, client):
    document = client.get_stats_data(CENSUS_ID, cdCat01="0", limit=20, all_pages=False)
    result_inf = document["GET_STATS_DATA"]["STATISTICAL_DATA"]["RESULT_INF"]
    assert result_inf["NEXT_KEY"] == 21 and len(server.requests) == 1


def test_request_parameters_follow_the_specification(server, client):
    client.stats_data_frame(CENSUS_ID, cdCat01="0", limit=20)
    client.get_meta_info(CPI_ID)
    client.get_stats_list(searchWord="国勢調査 都道府県 人口")
    for endpoint, params in server.requests:
        assert spec.check_parameters(endpoint, params) == [], (endpoint, params)
        assert params["appId"] == replay.REPLAY_APP_ID and params["lang"] == "J"
    first = server.requests[0][1]
    assert first == {
        "appId": replay.REPLAY_APP_ID,
        "lang": "J",
        "statsDataId": CENSUS_ID,
        "cdCat01": "0",
        "limit": "20",
    }


def test_several_codes_are_sent_comma_separated(server, client):
    with pytest.raises(EstatNoData):
        client.get_stats_data(CPI_ID, cdCat01=["0001", "0006"])
    assert server.requests[-1][1]["cdCat01"] == "0001,0006"


def test_spec_check_bites_on_wrong_names_and_values():
    assert spec.check_parameters("getStatsData", {"statsDataId": CENSUS_ID}) == []
    assert spec.check_parameters("getStatsData", {"statsDataID": CENSUS_ID, "statsDataId": "1"})
    assert (
        "大文字"
        in spec.check_parameters("getStatsData", {"statsDataId": CENSUS_ID, "cdcat01": "0"})[0]
    )
    assert spec.check_parameters("getStatsData", {"statsDataId": CENSUS_ID, "limit": "100001"})
    assert spec.check_parameters("getStatsData", {"statsDataId": CENSUS_ID, "lang": "JP"})
    assert spec.check_parameters("getStatsList", {"metaGetFlg": "Y"})  # getStatsData only


def test_bad_parameter_is_refused_before_sending(server, client):
    with pytest.raises(EstatParameterError, match="statsDataId"):
        client.get_stats_data("12345")
    with pytest.raises(EstatParameterError, match="cdArea"):
        client.get_stats_data(CENSUS_ID, cdarea="13000")
    assert server.requests == []


def test_retries_a_503_then_succeeds(server, tmp_path):
    waits = []
    client = server.client(cache_dir=tmp_path, sleep=waits.append, backoff=1.0)
    server.fail_next(2, status=503)
    meta = client.get_meta_info(CENSUS_ID)
    assert "GET_META_INFO" in meta
    assert len(server.requests) == 3 and client.requests_sent == 3
    assert waits == [1.0, 2.0]  # exponential backoff


def test_gives_up_after_the_retries_with_a_japanese_message(server, tmp_path):
    client = server.client(cache_dir=tmp_path, sleep=lambda _: None, retries=2)
    server.fail_next(5, status=503)
    with pytest.raises(EstatServiceError, match="3回続けて応答しませんでした"):
        client.get_meta_info(CENSUS_ID)
    assert len(server.requests) == 3


def test_cache_hit_sends_no_request(server, tmp_path):
    first = server.client(cache_dir=tmp_path, sleep=lambda _: None)
    a = first.stats_data_frame(CENSUS_ID, cdCat01="0", limit=20)
    assert len(server.requests) == 3
    # Another client, even with another appId, reads the same cache: no request at all.
    second = server.client(cache_dir=tmp_path, app_id="ANOTHER-ID")
    b = second.stats_data_frame(CENSUS_ID, cdCat01="0", limit=20)
    assert len(server.requests) == 3 and second.requests_sent == 0
    pd.testing.assert_frame_equal(a, b)
    # Negative control: a different request is not a hit.
    second.get_meta_info(CENSUS_ID)
    assert len(server.requests) == 4


def test_cache_never_stores_the_app_id(server, tmp_path):
    client = server.client(cache_dir=tmp_path, app_id="SECRET-APPID-123")
    client.get_meta_info(CENSUS_ID)
    stored = "".join(p.read_text(encoding="utf-8") for p in tmp_path.rglob("*.json"))
    assert stored and "SECRET-APPID-123" not in stored
    key = request_key("u", "getMetaInfo", {"appId": "a", "statsDataId": "1"})
    assert key == request_key("u", "getMetaInfo", {"appId": "b", "statsDataId": "1"})


def test_errors_are_not_cached(server, tmp_path):
    client = server.client(cache_dir=tmp_path)
    for _ in range(2):
        with pytest.raises(EstatNoData):
            client.get_stats_data(CENSUS_ID, cdArea="13")  # 5 digits: 13000
    assert len(server.requests) == 2


def test_no_data_status_is_a_japanese_hint_about_codes(client):
    with pytest.raises(EstatNoData, match="先頭の0") as caught:
        client.get_stats_data(CENSUS_ID, cdArea="13")
    assert caught.value.status == 1


def test_rejected_app_id_is_an_auth_error(server, tmp_path):
    client = server.client(cache_dir=tmp_path, app_id=replay.REJECTED_APP_ID)
    with pytest.raises(EstatAuthError, match="ESTAT_APP_ID") as caught:
        client.get_meta_info(CENSUS_ID)
    assert caught.value.status == 100


@pytest.mark.parametrize(
    ("status", "kind", "words"),
    [
        (1, EstatNoData, "当てはまるデータがありません"),
        (100, EstatAuthError, "アプリケーションID"),
        (103, EstatParameterError, "パラメータに誤り"),
        (999, EstatServiceError, "時間をおいて"),
    ],
)
def test_status_codes_map_to_japanese_errors(status, kind, words):
    error = error_for_status(status, "msg", "getStatsData")
    assert type(error) is kind and words in str(error) and "STATUS" in str(error)


def test_missing_app_id_is_a_clear_error(monkeypatch, tmp_path):
    monkeypatch.delenv("ESTAT_APP_ID", raising=False)
    with pytest.raises(EstatAppIdMissing, match="ESTAT_APP_ID"):
        EstatClient(cache_dir=tmp_path).get_meta_info(CENSUS_ID)
    monkeypatch.setenv("ESTAT_APP_ID", " from-env ")
    assert EstatClient(cache_dir=tmp_path).app_id == "from-env"


def test_no_network_is_a_clear_error(tmp_path):
    # A port nobody listens on: connection refused, as without a network or a proxy.
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    client = EstatClient(
        "x", base_url=f"http://127.0.0.1:{port}/rest/3.0/app/json", cache_dir=tmp_path
    )
    with pytest.raises(EstatNetworkError, match="接続できません"):
        client.get_meta_info(CENSUS_ID)


def test_the_real_url_is_the_specification_s():
    assert spec.BASE_URL == "https://api.e-stat.go.jp/rest/3.0/app/json"
    assert EstatClient("x", use_cache=False).base_url == spec.BASE_URL


# ------------------------------------------------------------------ the tidy frame


def test_frame_handles_single_objects_symbols_and_notes():
    document = {
        "GET_STATS_DATA": {
            "STATISTICAL_DATA": {
                "CLASS_INF": {
                    "CLASS_OBJ": [
                        {
                            "@id": "area",
                            "@name": "地域",
                            "CLASS": [
                                {"@code": "01100", "@name": "札幌市"},
                                {"@code": "01202", "@name": "函館市"},
                            ],
                        },  # fmt: skip
                        {
                            "@id": "time",
                            "@name": "時間軸",
                            "CLASS": {"@code": "2020000000", "@name": "2020年"},
                        },  # fmt: skip
                    ]
                },
                "DATA_INF": {
                    "NOTE": {"@char": "***", "$": "秘匿"},
                    "VALUE": [
                        {"@area": "01100", "@time": "2020000000", "$": "1,973,395"},
                        {"@area": "01202", "@time": "2020000000", "$": "***"},
                    ],
                },
            }
        }
    }
    frame = estat_frame(document)
    assert frame.columns.tolist() == ["地域コード", "地域", "時間軸コード", "時間軸", "値", "注記"]
    assert frame["値"].iloc[0] == 1_973_395 and pd.isna(frame["値"].iloc[1])
    assert frame["注記"].isna().tolist() == [True, False] and frame["注記"].iloc[1] == "秘匿"
    assert frame["地域コード"].tolist() == ["01100", "01202"]


def test_read_estat_json_reads_a_saved_file_and_refuses_others(tmp_path):
    path = replay.recorded_folder() / f"getStatsData_{CENSUS_ID}_area-00000.json"
    frame = read_estat_json(path)
    assert dict(zip(frame["男女別"], frame["値"], strict=True)) == {
        "総数": 126_146_099, "男": 61_349_581, "女": 64_796_518,
    }  # fmt: skip
    bad = tmp_path / "x.json"
    bad.write_text(json.dumps({"foo": 1}), encoding="utf-8")
    with pytest.raises(Exception, match="getStatsData"):
        read_estat_json(bad)


# ------------------------------------------------------------------ 団体コード


@pytest.mark.parametrize(
    "published",
    ["131016", "011002", "130001", "330001", "420000", "271004", "141003", "131130", "010006"],
)
def test_check_digit_matches_published_codes(published):
    # 全国地方公共団体コード as published by 総務省: 千代田区, 札幌市, 東京都, 岡山県
    # (remainder 0 → 1), 長崎県 (remainder 1 → 0), 大阪市, 横浜市, 渋谷区, 北海道.
    assert check_digit(published[:5]) == published[5]
    assert is_valid(published)


def test_check_digit_catches_a_typo_and_refuses_numbers():
    assert not is_valid("131017") and not is_valid("13101")
    with pytest.raises(LocalGovernmentCodeError, match="文字列"):
        check_digit(1100)


def test_on_demand_server_leaves_no_thread_between_requests(tmp_path):
    # The grader refuses a test cell while a background thread runs; notebooks use this mode.
    import threading

    before = threading.active_count()
    with replay.start(on_demand=True) as server:
        client = server.client(cache_dir=tmp_path, sleep=lambda _: None)
        assert threading.active_count() == before
        frame = client.stats_data_frame(CENSUS_ID, cdCat01="0", limit=20)
        assert len(frame) == 48 and len(server.requests) == 3
        assert threading.active_count() == before
        server.fail_next(1)
        client.get_meta_info(CPI_ID)  # a 503, then the retry is answered
        assert len(server.requests) == 5 and threading.active_count() == before
    # Negative control: the background mode does keep a thread while it runs.
    with replay.start():
        assert threading.active_count() > before
