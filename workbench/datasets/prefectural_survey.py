"""県民意識調査 (synthetic answers on a real population frame): design, non-response, crosstabs.

Three files, as a prefecture's survey office keeps them:

- ``population_frame.csv``: the population the survey stands for, by area (東部・中部・西部),
  sex and age group. These counts are real: 鳥取県's 19 municipalities in SSDSE-A (the
  statistics centre's teaching dataset, population from the 2015 国勢調査), summed by the
  prefecture's three areas. They are the margins the survey is weighted to.
- ``survey_responses.csv``: one row per returned questionnaire of a survey sent to a
  sample stratified by area (proportional allocation, simple random sampling within each
  area). Younger people return it less often, and they also answer differently, so the
  unweighted results are biased: the point of the unit.
- ``response_rates.csv``: questionnaires sent and returned per area x sex x age group.

The answers are invented to carry two lessons: older people are more satisfied and return
the questionnaire more often (non-response bias that weighting repairs), and online
applicants are mostly young, so the crosstab of online use by satisfaction reverses once
age is held fixed (a Simpson-type reversal).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from workbench.datasets.files import write_excel_csv
from workbench.datasets.registry import DataFile, Dataset, register

AREAS = ("東部", "中部", "西部")
SEXES = ("男", "女")
AGES = ("15-64歳", "65-74歳", "75歳以上")

# SSDSE-A (SSDSE_seiichiinoue.csv), 鳥取県, summed over each area's municipalities:
# 15-64歳 = A130201/A130202, 75歳以上 = A141901/A141902, 65-74歳 = A130301/A130302 minus
# 75歳以上. 東部: 鳥取市 岩美町 若桜町 智頭町 八頭町; 中部: 倉吉市 三朝町 湯梨浜町 琴浦町
# 北栄町; 西部: 米子市 境港市 日吉津村 大山町 南部町 伯耆町 日南町 日野町 江府町.
POPULATION = {
    ("東部", "男"): (69084, 14538, 12303),
    ("東部", "女"): (66930, 15718, 22085),
    ("中部", "男"): (28541, 7324, 6419),
    ("中部", "女"): (28772, 7870, 11766),
    ("西部", "男"): (66137, 15947, 13378),
    ("西部", "女"): (66837, 17896, 23848),
}

# Invented behaviour (see the data card). Return probability by age group; women a little
# more often, as in most published 県民意識調査 reports.
RETURN_RATE = {"15-64歳": 0.36, "65-74歳": 0.66, "75歳以上": 0.52}
RETURN_RATE_WOMEN = 0.05
# Share of each age group that has applied online at least once.
ONLINE_USE = {"15-64歳": 0.70, "65-74歳": 0.30, "75歳以上": 0.08}
# Probability of answering 満足 or やや満足 on 行政サービス; online users +SERVICE_ONLINE.
SERVICE_SATISFIED = {"15-64歳": 0.25, "65-74歳": 0.52, "75歳以上": 0.66}
SERVICE_ONLINE = 0.12
# Probability of 満足 or やや満足 on 暮らしやすさ, by age group and area.
LIVING_SATISFIED = {"15-64歳": 0.46, "65-74歳": 0.62, "75歳以上": 0.70}
LIVING_AREA = {"東部": 0.0, "中部": -0.06, "西部": 0.04}
ITEM_BLANK = 0.02  # a question left unanswered on a returned questionnaire

SCALE = ("満足", "やや満足", "どちらともいえない", "やや不満", "不満")
ONLINE = ("利用したことがある", "利用したことがない")
SENT = {"small": 2000, "full": 20000}


def population_frame() -> pd.DataFrame:
    """The real margins: one row per area x sex x age group, counts of people."""
    rows = [
        {"地域": area, "性別": sex, "年齢層": age, "人口": count}
        for (area, sex), counts in POPULATION.items()
        for age, count in zip(AGES, counts, strict=True)
    ]
    return pd.DataFrame(rows)


def _allocate(total: int, weights: np.ndarray) -> np.ndarray:
    """Largest-remainder rounding: integers proportional to ``weights`` summing to ``total``."""
    exact = total * weights / weights.sum()
    counts = np.floor(exact).astype(int)
    remainder = total - counts.sum()
    counts[np.argsort(-(exact - counts), kind="stable")[:remainder]] += 1
    return counts


def _five_point(rng: np.random.Generator, satisfied: np.ndarray) -> np.ndarray:
    """A 5-point answer whose top-two share is ``satisfied`` (per person)."""
    top = rng.random(len(satisfied)) < satisfied
    upper = rng.choice(SCALE[:2], len(satisfied), p=[0.3, 0.7])
    lower = rng.choice(SCALE[2:], len(satisfied), p=[0.5, 0.35, 0.15])
    return np.where(top, upper, lower)


def generate(out_dir: Path, size: str, seed: int) -> None:
    rng = np.random.default_rng(seed)
    frame = population_frame()
    write_excel_csv(frame, out_dir / "population_frame.csv")

    # 層化抽出: the sample is split over the areas in proportion to their population, then
    # drawn at random within each area (so its age and sex mix follows the area's).
    area_pop = frame.groupby("地域", sort=False)["人口"].sum().to_numpy()
    per_area = _allocate(SENT[size], area_pop.astype(float))
    sent_parts = []
    for area, n_area in zip(AREAS, per_area, strict=True):
        cells = frame[frame["地域"] == area].reset_index(drop=True)
        picks = rng.choice(len(cells), n_area, p=cells["人口"] / cells["人口"].sum())
        sent_parts.append(cells.loc[picks, ["地域", "性別", "年齢層"]])
    sent = pd.concat(sent_parts, ignore_index=True)
    sent["調査票ID"] = [f"K{i + 1:05d}" for i in range(len(sent))]

    rate = sent["年齢層"].map(RETURN_RATE) + np.where(sent["性別"] == "女", RETURN_RATE_WOMEN, 0)
    sent["回収"] = rng.random(len(sent)) < rate

    replies = sent[sent["回収"]].reset_index(drop=True)
    n = len(replies)
    online = rng.random(n) < replies["年齢層"].map(ONLINE_USE).to_numpy()
    service_p = replies["年齢層"].map(SERVICE_SATISFIED).to_numpy() + SERVICE_ONLINE * online
    living_p = (
        replies["年齢層"].map(LIVING_SATISFIED) + replies["地域"].map(LIVING_AREA)
    ).to_numpy()
    answers = pd.DataFrame(
        {
            "調査票ID": replies["調査票ID"],
            "地域": replies["地域"],
            "性別": replies["性別"],
            "年齢層": replies["年齢層"],
            "問1_暮らしやすさ": _five_point(rng, living_p),
            "問2_行政サービス満足度": _five_point(rng, service_p),
            "問3_オンライン申請": np.where(online, ONLINE[0], ONLINE[1]),
        }
    )
    for column in ["問1_暮らしやすさ", "問2_行政サービス満足度", "問3_オンライン申請"]:
        answers.loc[rng.random(n) < ITEM_BLANK, column] = None
    write_excel_csv(answers, out_dir / "survey_responses.csv")

    rates = (
        sent.groupby(["地域", "性別", "年齢層"], sort=False)["回収"]
        .agg(発送数="size", 回収数="sum")
        .reset_index()
    )
    order = {name: i for i, name in enumerate(AREAS + SEXES + AGES)}
    rates = rates.sort_values(["地域", "性別", "年齢層"], key=lambda c: c.map(order))
    write_excel_csv(rates.reset_index(drop=True), out_dir / "response_rates.csv")


DATASET = register(
    Dataset(
        name="prefectural_survey",
        title="県民意識調査（合成データ、人口の枠は国勢調査の公表値）",
        synthetic=True,
        files=(
            DataFile("survey_responses.csv", {"encoding": "cp932"}),
            DataFile("population_frame.csv", {"encoding": "cp932"}),
            DataFile("response_rates.csv", {"encoding": "cp932"}),
        ),
        generate=generate,
        seed=2015,
    )
)
