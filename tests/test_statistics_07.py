"""Independent checks of what unit 07 (公的統計の入手と読み方) teaches and claims.

- 全国地方公共団体コード: the notebook's check-digit solution is run on codes as 総務省
  publishes them (千代田区 131016, 札幌市 011002, …, including remainders 0 and 1), and
  each wrong answer of tests/wrong_answers fails on at least one of them (negative control).
- 前年同月比・寄与度: computed by hand with plain Python from the recorded JSON (no pandas),
  compared with the numbers the notebook text and model answers state; the contribution
  identity (contributions add up to the total's change) is checked exactly on an
  unrounded weighted index and approximately on the published-style rounded one.
- 合併: the worked numbers of 07b (17.5% naive vs 4.8% on today's boundaries).
"""

from __future__ import annotations

import json
import re

import nbformat
import pandas as pd
import pytest

from workbench.estat import replay
from workbench.estat.recorded_source import CPI_GROUPS
from workbench.paths import REPO_ROOT

UNIT = REPO_ROOT / "courses" / "07_public_statistics"
PUBLISHED_CODES = {
    "131016": "千代田区",
    "011002": "札幌市",
    "271004": "大阪市",
    "141003": "横浜市",
    "131130": "渋谷区",  # remainder 1 → 0
    "420000": "長崎県",  # remainder 1 → 0
    "330001": "岡山県",  # remainder 0 → 1
    "130001": "東京都",
    "010006": "北海道",
}
WEIGHTS = {name: weight for _, name, weight in CPI_GROUPS}


def _cells(name: str) -> dict[str, str]:
    notebook = nbformat.read(UNIT / name, as_version=4)
    return {cell.id: cell.source for cell in notebook.cells}


def _solution(source: str) -> str:
    return source.split("### BEGIN SOLUTION")[1].split("### END SOLUTION")[0]


def _function(code: str):
    namespace: dict = {}
    exec(code, namespace)  # the notebook's own answer, as a learner would run it
    return namespace["check_digit"]


def _cpi() -> dict[tuple[str, str], float]:
    path = replay.recorded_folder() / "getStatsData_9990000002.json"
    data = json.loads(path.read_text(encoding="utf-8"))["GET_STATS_DATA"]["STATISTICAL_DATA"]
    names = {
        c["@code"]: c["@name"]
        for obj in data["CLASS_INF"]["CLASS_OBJ"]
        if obj["@id"] == "cat01"
        for c in obj["CLASS"]
    }
    return {(names[v["@cat01"]], v["@time"]): float(v["$"]) for v in data["DATA_INF"]["VALUE"]}


def _month(year: int, month: int) -> str:
    return f"{year}00{month:02d}{month:02d}"


# ------------------------------------------------------------------ check digit


def test_notebook_check_digit_matches_published_codes():
    check_digit = _function(_solution(_cells("07b_codes_and_mergers.ipynb")["ex5"]))
    for code6 in PUBLISHED_CODES:
        assert check_digit(code6[:5]) == code6[5], PUBLISHED_CODES[code6]


def test_each_wrong_check_digit_fails_on_a_published_code():
    from wrong_answers.public_statistics_07 import WRONG_ANSWERS

    wrong = [w for w in WRONG_ANSWERS if w.cell == "ex5"]
    assert len(wrong) >= 2
    for answer in wrong:
        check_digit = _function(answer.code)
        assert any(check_digit(c[:5]) != c[5] for c in PUBLISHED_CODES), answer.hint


# ------------------------------------------------------------------ 前年同月比・寄与度


def test_year_on_year_by_hand_matches_pandas_pct_change():
    values = _cpi()
    total = [values[("総合", _month(y, m))] for y in (2021, 2022, 2023) for m in range(1, 13)]
    by_hand = [None] * 12 + [(total[i] / total[i - 12] - 1) * 100 for i in range(12, 36)]
    series = pd.Series(total).pct_change(12) * 100
    assert series.iloc[:12].isna().all()
    assert series.iloc[12:].tolist() == pytest.approx(by_hand[12:], rel=1e-12)


def test_contributions_add_up_exactly_on_an_unrounded_weighted_index():
    values = _cpi()
    now, ago = _month(2023, 12), _month(2022, 12)

    def total(month):  # Laspeyres: the weighted mean of the groups, not rounded
        return sum(values[(n, month)] * w for n, w in WEIGHTS.items()) / 10_000

    contributions = [
        (values[(n, now)] - values[(n, ago)]) / total(ago) * w / 10_000 * 100
        for n, w in WEIGHTS.items()
    ]
    assert sum(contributions) == pytest.approx((total(now) / total(ago) - 1) * 100, rel=1e-12)


def test_the_numbers_the_07b_text_and_model_answer_state():
    values = _cpi()
    now, ago = _month(2023, 12), _month(2022, 12)
    yoy = (values[("総合", now)] / values[("総合", ago)] - 1) * 100
    contribution = {
        n: (values[(n, now)] - values[(n, ago)]) / values[("総合", ago)] * w / 10_000 * 100
        for n, w in WEIGHTS.items()
    }
    own = {n: (values[(n, now)] / values[(n, ago)] - 1) * 100 for n in WEIGHTS}
    # Rounded published-style indices: contributions add up to the total only roughly.
    assert abs(sum(contribution.values()) - yoy) < 0.05
    assert max(contribution, key=contribution.get) == "食料"
    assert sorted(own, key=own.get, reverse=True)[:2] == ["食料", "家具・家事用品"]
    assert min(contribution, key=contribution.get) == "交通・通信"
    cells = _cells("07c_index_seasonality.ipynb")
    model = cells["w2"]
    assert f"+{yoy:.2f}%" in model
    assert f"+{contribution['食料']:.2f}ポイント" in model
    assert f"−{abs(contribution['交通・通信']):.2f}ポイント" in model
    assert f"+{own['家具・家事用品']:.1f}%" in model
    assert f"+{contribution['家具・家事用品']:.2f}ポイント" in model
    assert f"{WEIGHTS['家具・家事用品'] / 100:.1f}%" in model
    # 演習9: January 2023, 被服及び履物, month on month and year on year.
    jan, dec, jan_before = _month(2023, 1), _month(2022, 12), _month(2022, 1)
    mom = (values[("被服及び履物", jan)] / values[("被服及び履物", dec)] - 1) * 100
    yoy_jan = (values[("被服及び履物", jan)] / values[("被服及び履物", jan_before)] - 1) * 100
    assert f"{mom:.1f}%".replace("-", "−") in cells["cell-ex9"]
    assert f"約+{yoy_jan:.1f}%" in cells["cell-ex9"]


def test_clothing_is_seasonal_as_the_text_says():
    values = _cpi()
    for year in (2021, 2022, 2023):
        months = {m: values[("被服及び履物", _month(year, m))] for m in range(1, 13)}
        assert months[1] < months[12 if year == 2021 else 2] and months[7] < months[6]
        assert months[1] < months[2] and months[7] < months[8]


# ------------------------------------------------------------------ 合併 (07a)


def test_merger_numbers_of_the_written_question():
    old = {"さくら市": 120000, "東町": 8000, "西町": 6500}
    today = 141000
    naive = (today / old["さくら市"] - 1) * 100
    fair = (today / sum(old.values()) - 1) * 100
    assert round(naive, 1) == 17.5 and round(fair, 1) == 4.8
    cells = _cells("07b_codes_and_mergers.ipynb")
    assert "17.5%" in cells["w1_rubric"] and "約4.8%" in cells["w1"]
    assert re.search(r"13万4,500人", cells["w1"])
