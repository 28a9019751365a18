"""The figures behind the recorded e-Stat responses, and how the JSON files are written.

No internet reaches the training rooms or CI, so the responses in ``recorded/`` were
written to the shape of e-Stat API 3.0 (see workbench.estat.spec) from these figures;
they were not captured from the live service. ``python -m workbench.estat.recorded_source``
rewrites them; tests/test_estat.py checks the committed files equal what this writes.

- 国勢調査 令和2年（2020年）人口等基本集計, 都道府県別の人口（総数）: the published
  definitive counts (総務省統計局, 2021年11月公表). The 47 prefectures add up to the
  published national total 126,146,099, which the tests check; 男 61,349,581 and
  女 64,796,518 for 全国.
- 消費者物価指数（2020年基準）の 10大費目ウエイト (総務省統計局, 全国, 万分比, total
  10,000) are real. The monthly index values of 2021-2023 are 合成データ: a trend, a
  seasonal pattern (被服及び履物 falls in the January and July sales, 食料 in summer)
  and noise from a fixed seed, so that 前年同月比・寄与度・移動平均 can be practised.
- statsDataId 9990000001/9990000002 are numbers made up for this record (real tables
  have other IDs); area codes are the real 5-digit 都道府県コード (JIS X 0401 + 000).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

CENSUS_ID = "9990000001"
CPI_ID = "9990000002"
PAGE_LIMIT = 20  # the census by prefecture (48 values) comes back in 3 pages of ≤ 20

PREFECTURES = [
    "北海道", "青森県", "岩手県", "宮城県", "秋田県", "山形県", "福島県", "茨城県", "栃木県",
    "群馬県", "埼玉県", "千葉県", "東京都", "神奈川県", "新潟県", "富山県", "石川県", "福井県",
    "山梨県", "長野県", "岐阜県", "静岡県", "愛知県", "三重県", "滋賀県", "京都府", "大阪府",
    "兵庫県", "奈良県", "和歌山県", "鳥取県", "島根県", "岡山県", "広島県", "山口県", "徳島県",
    "香川県", "愛媛県", "高知県", "福岡県", "佐賀県", "長崎県", "熊本県", "大分県", "宮崎県",
    "鹿児島県", "沖縄県",
]  # fmt: skip
# 令和2年国勢調査 確定値, 人口総数 (人), in the order above.
POPULATION_2020 = [
    5224614, 1237984, 1210534, 2301996, 959502, 1068027, 1833152, 2867009, 1933146,
    1939110, 7344765, 6284480, 14047594, 9237337, 2201272, 1034814, 1132526, 766863,
    809974, 2048011, 1978742, 3633202, 7542415, 1770254, 1413610, 2578087, 8837685,
    5465002, 1324473, 922584, 553407, 671126, 1888432, 2799702, 1342059, 719559,
    950244, 1334841, 691527, 5135214, 811442, 1312317, 1738301, 1123852, 1069576,
    1588256, 1467480,
]  # fmt: skip
JAPAN_2020 = {"0": 126146099, "1": 61349581, "2": 64796518}

# 2020年基準 10大費目ウエイト（全国, 万分比）: code, name, weight.
CPI_GROUPS = [
    ("0002", "食料", 2626),
    ("0003", "住居", 2149),
    ("0004", "光熱・水道", 693),
    ("0005", "家具・家事用品", 387),
    ("0006", "被服及び履物", 353),
    ("0007", "保健医療", 477),
    ("0008", "交通・通信", 1493),
    ("0009", "教育", 304),
    ("0010", "教養娯楽", 911),
    ("0011", "諸雑費", 607),
]
CPI_TOTAL = ("0001", "総合")
MONTHS = [(year, month) for year in (2021, 2022, 2023) for month in range(1, 13)]
DATE = "2024-01-19T08:30:00.000+09:00"


def _result(status: int = 0, message: str = "正常に終了しました。") -> dict:
    return {"STATUS": status, "ERROR_MSG": message, "DATE": DATE}


def _cpi_values(seed: int = 2020) -> dict[str, list[float]]:
    """合成データ: monthly indices (2020 = 100) of each group, 2021-01 … 2023-12."""
    rng = np.random.default_rng(seed)
    t = np.arange(len(MONTHS)) / 12  # years since 2021-01
    month = np.array([m for _, m in MONTHS])
    # Yearly drift (% per year) and a seasonal pattern by calendar month (%).
    drift = {"食料": 3.5, "住居": 0.3, "光熱・水道": 8.0, "家具・家事用品": 3.0,
             "被服及び履物": 1.5, "保健医療": 0.5, "交通・通信": -1.5, "教育": 0.8,
             "教養娯楽": 2.0, "諸雑費": 1.0}  # fmt: skip
    clothing = np.array([-6.0, -2.5, 2.0, 3.0, 2.0, 0.5, -7.0, -3.0, 2.5, 4.0, 3.0, 1.5])
    food = np.array([0.6, 0.4, 0.2, 0.0, -0.4, -0.8, -1.0, -0.6, 0.0, 0.4, 0.6, 0.6])
    values = {}
    for _, name, _ in CPI_GROUPS:
        level = 99.0 + drift[name] * t + rng.normal(0, 0.15, len(t)).cumsum() * 0.3
        if name == "被服及び履物":
            level = level + clothing[month - 1]
        if name == "食料":
            level = level + food[month - 1]
        if name == "光熱・水道":
            # A subsidy from 2023-02 lowers electricity and gas bills.
            level = level - 6.0 * ((t * 12) >= 25)
        values[name] = [round(float(v), 1) for v in level]
    total_weight = sum(w for _, _, w in CPI_GROUPS)
    values["総合"] = [
        round(sum(values[n][i] * w for _, n, w in CPI_GROUPS) / total_weight, 1)
        for i in range(len(MONTHS))
    ]
    return values


def _time_code(year: int, month: int) -> str:
    return f"{year}00{month:02d}{month:02d}"  # e-Stat's monthly time code, e.g. 2021000101


def _class(id_: str, name: str, items: list[tuple[str, str]]) -> dict:
    classes = [{"@code": c, "@name": n, "@level": "1"} for c, n in items]
    # As in e-Stat's JSON, a single CLASS is an object rather than a list of one.
    return {"@id": id_, "@name": name, "CLASS": classes[0] if len(classes) == 1 else classes}


def _census_classes() -> dict:
    areas = [("00000", "全国")] + [(f"{i:02d}000", p) for i, p in enumerate(PREFECTURES, 1)]
    return {
        "CLASS_OBJ": [
            _class("tab", "表章項目", [("020", "人口")]),
            _class("cat01", "男女別", [("0", "総数"), ("1", "男"), ("2", "女")]),
            _class("area", "地域", areas),
            _class("time", "時間軸（年次）", [("2020000000", "2020年")]),
        ]
    }


def _cpi_classes() -> dict:
    groups = [CPI_TOTAL] + [(c, n) for c, n, _ in CPI_GROUPS]
    times = [(_time_code(y, m), f"{y}年{m}月") for y, m in MONTHS]
    return {
        "CLASS_OBJ": [
            _class("tab", "表章項目", [("1", "指数")]),
            _class("cat01", "品目", groups),
            _class("area", "地域", [("00000", "全国")]),
            _class("time", "時間軸（月次）", times),
        ]
    }


_TABLES = {
    CENSUS_ID: {
        "STAT_NAME": {"@code": "00200521", "$": "国勢調査"},
        "GOV_ORG": {"@code": "00200", "$": "総務省"},
        "STATISTICS_NAME": "令和2年国勢調査 人口等基本集計（記録用の再現）",
        "TITLE": {"@no": "001", "$": "男女別人口－全国，都道府県"},
        "CYCLE": "-",
        "SURVEY_DATE": "202010",
        "OPEN_DATE": "2021-11-30",
        "SMALL_AREA": "0",
        "COLLECT_AREA": "該当なし",
        "MAIN_CATEGORY": {"@code": "02", "$": "人口・世帯"},
        "SUB_CATEGORY": {"@code": "01", "$": "人口"},
        "OVERALL_TOTAL_NUMBER": 144,
        "UPDATED_DATE": "2021-11-30",
    },
    CPI_ID: {
        "STAT_NAME": {"@code": "00200573", "$": "消費者物価指数"},
        "GOV_ORG": {"@code": "00200", "$": "総務省"},
        "STATISTICS_NAME": "2020年基準消費者物価指数 10大費目（合成データ: 練習用）",
        "TITLE": {"@no": "001", "$": "10大費目指数（月次，全国）"},
        "CYCLE": "月次",
        "SURVEY_DATE": "202101-202312",
        "OPEN_DATE": "2024-01-19",
        "SMALL_AREA": "0",
        "COLLECT_AREA": "該当なし",
        "MAIN_CATEGORY": {"@code": "05", "$": "家計"},
        "SUB_CATEGORY": {"@code": "02", "$": "物価"},
        "OVERALL_TOTAL_NUMBER": 396,
        "UPDATED_DATE": "2024-01-19",
    },
}


def _stats_data(stats_id: str, parameter: dict, values: list[dict], classes: dict,
                start: int, total: int, limit: int | None) -> dict:  # fmt: skip
    end = total if limit is None else min(total, start + limit - 1)
    page = values[start - 1 : end]
    result_inf = {"TOTAL_NUMBER": total, "FROM_NUMBER": start, "TO_NUMBER": end}
    if end < total:
        result_inf["NEXT_KEY"] = end + 1
    return {
        "GET_STATS_DATA": {
            "RESULT": _result(),
            "PARAMETER": {
                "LANG": "J",
                "STATS_DATA_ID": stats_id,
                **parameter,
                "DATA_FORMAT": "J",
                "START_POSITION": start,
                **({"LIMIT": limit} if limit else {}),
                "METAGET_FLG": "Y",
            },  # fmt: skip
            "STATISTICAL_DATA": {
                "RESULT_INF": result_inf,
                "TABLE_INF": {"@id": stats_id, **_TABLES[stats_id]},
                "CLASS_INF": classes,
                "DATA_INF": {
                    "NOTE": [
                        {"@char": "-", "$": "数値が得られないもの"},
                        {"@char": "***", "$": "秘匿"},
                    ],
                    "VALUE": page,
                },
            },
        }
    }


def _census_values(cat01: str | None) -> list[dict]:
    def value(cat: str, area: str, number: int) -> dict:
        return {"@tab": "020", "@cat01": cat, "@area": area, "@time": "2020000000",
                "@unit": "人", "$": str(number)}  # fmt: skip

    if cat01 == "0":
        return [value("0", "00000", JAPAN_2020["0"])] + [
            value("0", f"{i:02d}000", n) for i, n in enumerate(POPULATION_2020, 1)
        ]
    return [value(c, "00000", n) for c, n in JAPAN_2020.items()]


def recorded_documents() -> dict[str, dict]:
    """File name → JSON document, every response the replay can give."""
    docs: dict[str, dict] = {}
    docs["getStatsList_kokusei.json"] = {
        "GET_STATS_LIST": {
            "RESULT": _result(),
            "PARAMETER": {
                "LANG": "J",
                "SEARCH_WORD": "国勢調査 都道府県 人口",
                "DATA_FORMAT": "J",
            },  # fmt: skip
            "DATALIST_INF": {
                "NUMBER": 1,
                "RESULT_INF": {"FROM_NUMBER": 1, "TO_NUMBER": 1},
                "TABLE_INF": {"@id": CENSUS_ID, **_TABLES[CENSUS_ID]},
            },
        }
    }
    for stats_id, classes in ((CENSUS_ID, _census_classes()), (CPI_ID, _cpi_classes())):
        docs[f"getMetaInfo_{stats_id}.json"] = {
            "GET_META_INFO": {
                "RESULT": _result(),
                "PARAMETER": {"LANG": "J", "STATS_DATA_ID": stats_id, "DATA_FORMAT": "J"},
                "METADATA_INF": {
                    "TABLE_INF": {"@id": stats_id, **_TABLES[stats_id]},
                    "CLASS_INF": classes,
                },
            }
        }
    census = _census_values("0")
    for page, start in enumerate(range(1, len(census) + 1, PAGE_LIMIT), 1):
        docs[f"getStatsData_{CENSUS_ID}_cat01-0_page{page}.json"] = _stats_data(
            CENSUS_ID, {"NARROWING_COND": {"CODE_CAT01_SELECT": "0"}}, census,
            _census_classes(), start, len(census), PAGE_LIMIT,
        )  # fmt: skip
    japan = _census_values(None)
    docs[f"getStatsData_{CENSUS_ID}_area-00000.json"] = _stats_data(
        CENSUS_ID, {"NARROWING_COND": {"CODE_AREA_SELECT": "00000"}}, japan,
        _census_classes(), 1, len(japan), None,
    )  # fmt: skip
    cpi = _cpi_values()
    groups = [CPI_TOTAL] + [(c, n) for c, n, _ in CPI_GROUPS]
    cpi_values = [
        {
            "@tab": "1",
            "@cat01": code,
            "@area": "00000",
            "@time": _time_code(y, m),
            "@unit": "2020年=100",
            "$": f"{cpi[name][i]:.1f}",
        }  # fmt: skip
        for code, name in groups
        for i, (y, m) in enumerate(MONTHS)
    ]
    docs[f"getStatsData_{CPI_ID}.json"] = _stats_data(
        CPI_ID, {}, cpi_values, _cpi_classes(), 1, len(cpi_values), None
    )
    docs["error_auth.json"] = {
        "GET_STATS_DATA": {
            "RESULT": _result(100, "認証に失敗しました。アプリケーションIDを確認して下さい。"),
            "PARAMETER": {"LANG": "J", "DATA_FORMAT": "J"},
        }
    }
    docs["error_no_data.json"] = {
        "GET_STATS_DATA": {
            "RESULT": _result(1, "正常に終了しましたが、該当データはありませんでした。"),
            "PARAMETER": {"LANG": "J", "DATA_FORMAT": "J"},
        }
    }
    return docs


def recorded_index() -> list[dict]:
    """Which request (endpoint + parameters other than appId and lang) gets which file."""
    index = [
        {
            "endpoint": "getStatsList",
            "params": {"searchWord": "国勢調査 都道府県 人口"},
            "file": "getStatsList_kokusei.json",
        },  # fmt: skip
        {
            "endpoint": "getMetaInfo",
            "params": {"statsDataId": CENSUS_ID},
            "file": f"getMetaInfo_{CENSUS_ID}.json",
        },  # fmt: skip
        {
            "endpoint": "getMetaInfo",
            "params": {"statsDataId": CPI_ID},
            "file": f"getMetaInfo_{CPI_ID}.json",
        },  # fmt: skip
        {
            "endpoint": "getStatsData",
            "params": {"statsDataId": CENSUS_ID, "cdArea": "00000"},
            "file": f"getStatsData_{CENSUS_ID}_area-00000.json",
        },  # fmt: skip
        {
            "endpoint": "getStatsData",
            "params": {"statsDataId": CPI_ID},
            "file": f"getStatsData_{CPI_ID}.json",
        },  # fmt: skip
    ]
    for page, start in enumerate((1, 21, 41), 1):
        params = {"statsDataId": CENSUS_ID, "cdCat01": "0", "limit": str(PAGE_LIMIT)}
        if start > 1:
            params["startPosition"] = str(start)
        index.append({"endpoint": "getStatsData", "params": params,
                      "file": f"getStatsData_{CENSUS_ID}_cat01-0_page{page}.json"})  # fmt: skip
    return index


def dumps(document: object) -> str:
    return json.dumps(document, ensure_ascii=False, indent=1) + "\n"


def write_recorded(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, document in recorded_documents().items():
        (folder / name).write_text(dumps(document), encoding="utf-8")
    (folder / "index.json").write_text(dumps(recorded_index()), encoding="utf-8")


if __name__ == "__main__":
    write_recorded(Path(__file__).parent / "recorded")
