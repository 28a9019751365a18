"""The e-Stat API (GET_STATS_DATA) style JSON of the establishments table.

Same shape as a real response: ``{"@tab", "@cat01", "@area", "@time", "@unit", "$"}``
values, CLASS_INF with a single time class given as an object (as e-Stat does), and the
"***" (秘匿) / "-" (該当数値なし) notes.
"""

from __future__ import annotations

import pandas as pd

from workbench.datasets.messy_municipal_files.values import (
    ALL_INDUSTRIES,
    ESTAT_TAB,
    ESTAT_TIME,
    INDUSTRIES,
    NONE,
    PREF_CODE,
    PREF_NAME,
    SECRET,
)


def _estat_value(tab: str, count: int, workers: int) -> str:
    if count == 0:
        return NONE
    if tab == "002" and count <= 2:  # one or two sites would reveal a firm's own figures
        return SECRET
    return str(count if tab == "001" else workers)


def estat_document(towns: pd.DataFrame, establishments: pd.DataFrame) -> dict:
    totals = establishments.groupby("団体コード")[["事業所数", "従業者数"]].sum()
    by_industry = establishments.groupby("産業コード")[["事業所数", "従業者数"]].sum()
    pref = f"{PREF_CODE}000"
    cells: dict[tuple[str, str], tuple[int, int]] = {
        (ALL_INDUSTRIES[0], pref): tuple(int(v) for v in totals.sum())
    }
    for code, *_ in INDUSTRIES:
        cells[(code, pref)] = tuple(int(v) for v in by_industry.loc[code])
    for code, row in totals.iterrows():
        cells[(ALL_INDUSTRIES[0], code)] = (int(row["事業所数"]), int(row["従業者数"]))
    for row in establishments.itertuples(index=False):
        cells[(row.産業コード, row.団体コード)] = (row.事業所数, row.従業者数)
    industry_codes = [ALL_INDUSTRIES[0], *(code for code, *_ in INDUSTRIES)]
    areas = [pref, *towns["団体コード"]]
    values = [
        {
            "@tab": tab,
            "@cat01": industry,
            "@area": area,
            "@time": ESTAT_TIME[0],
            "@unit": ESTAT_TAB[tab][1],
            "$": _estat_value(tab, *cells[(industry, area)]),
        }
        for tab in ESTAT_TAB
        for industry in industry_codes
        for area in areas
    ]
    names = dict(zip(towns["団体コード"], towns["市町村名"], strict=True))
    class_inf = [
        {
            "@id": "tab",
            "@name": "表章項目",
            "CLASS": [
                {"@code": code, "@name": name, "@level": "", "@unit": unit}
                for code, (name, unit) in ESTAT_TAB.items()
            ],
        },
        {
            "@id": "cat01",
            "@name": "産業大分類",
            "CLASS": [
                {"@code": ALL_INDUSTRIES[0], "@name": ALL_INDUSTRIES[1], "@level": "1"},
                *(
                    {"@code": code, "@name": name, "@level": "2", "@parentCode": ALL_INDUSTRIES[0]}
                    for code, name, *_ in INDUSTRIES
                ),
            ],
        },
        {
            "@id": "area",
            "@name": "地域",
            "CLASS": [
                {"@code": pref, "@name": PREF_NAME, "@level": "1"},
                *(
                    {"@code": code, "@name": names[code], "@level": "2", "@parentCode": pref}
                    for code in towns["団体コード"]
                ),
            ],
        },
        # e-Stat gives a single class as an object, not as a list of one.
        {
            "@id": "time",
            "@name": "時間軸（調査年）",
            "CLASS": {"@code": ESTAT_TIME[0], "@name": ESTAT_TIME[1], "@level": "1"},
        },
    ]
    return {
        "GET_STATS_DATA": {
            "RESULT": {
                "STATUS": 0,
                "ERROR_MSG": "正常に終了しました。",
                "DATE": "2024-04-01T00:00:00.000+09:00",
            },
            "PARAMETER": {
                "LANG": "J",
                "STATS_DATA_ID": "0000000000",
                "DATA_FORMAT": "J",
                "METAGET_FLG": "Y",
            },
            "STATISTICAL_DATA": {
                "RESULT_INF": {
                    "TOTAL_NUMBER": len(values),
                    "FROM_NUMBER": 1,
                    "TO_NUMBER": len(values),
                },
                "TABLE_INF": {
                    "@id": "0000000000",
                    "STAT_NAME": {"@code": "00000", "$": "事業所に関する統計（模擬）"},
                    "GOV_ORG": {"@code": "48000", "$": "さくら県（架空）"},
                    "STATISTICS_NAME": "市町村別・産業大分類別 事業所数及び従業者数（合成データ）",
                    "TITLE": {"@no": "1", "$": "市町村別・産業大分類別 事業所数及び従業者数"},
                    "SURVEY_DATE": 202106,
                },
                "CLASS_INF": {"CLASS_OBJ": class_inf},
                "DATA_INF": {
                    "NOTE": [{"@char": SECRET, "$": "秘匿"}, {"@char": NONE, "$": "該当数値なし"}],
                    "VALUE": values,
                },
            },
        }
    }
