"""市町村別の指標 (synthetic): one row per municipality of a fictional prefecture.

Every count (libraries, nurseries, recorded crimes, ambulance dispatches) is drawn as
population × a per-person rate, with each municipality's rates drawn independently of one
another. So any two counts correlate strongly across municipalities only because both
grow with population: the confounded correlation ("図書館が多い市ほど犯罪が多い") that
unit 03 takes apart by dividing by population. Ambulance dispatches per person do rise
with the share of residents aged 65+, a genuine relation kept for contrast.
Saved as an Excel CSV (cp932, CRLF) with SSDSE-style municipality codes.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from workbench.datasets.files import write_excel_csv
from workbench.datasets.registry import DataFile, Dataset, register

HEADS = [
    "中央",
    "港南",
    "青葉",
    "北山",
    "西川",
    "東野",
    "桜川",
    "緑ヶ丘",
    "若葉",
    "高森",
    "白浜",
    "大和田",
    "川口",
    "松原",
    "南谷",
    "朝日",
    "富士見",
    "小柳",
    "鶴見",
    "本宮",
    "長沢",
    "岩瀬",
    "野田",
    "美里",
    "清水",
    "大野",
    "柏原",
    "竹田",
    "三島",
    "久保",
    "八幡",
    "沢渡",
    "深山",
    "星野",
    "湊",
    "花園",
    "宮前",
    "西原",
    "石原",
    "梅田",
]
TAILS = ["", "田", "沢", "原", "浦", "木", "崎", "岡", "瀬", "谷"]
# Municipalities per type and log-population (mean, sd); shaped like a mid-sized prefecture.
KINDS = {
    "市": (0.40, np.log(80_000), 0.75),
    "町": (0.45, np.log(14_000), 0.6),
    "村": (0.15, np.log(3_500), 0.5),
}
SIZES = {"small": 35, "full": 1741}  # full: as many as SSDSE-A's 市区町村


def _names(count: int, rng: np.random.Generator) -> list[str]:
    """Distinct place names: plain heads first (the small table uses only these)."""
    stems = [head + tail for tail in TAILS for head in HEADS if not (tail and head.endswith(tail))]
    stems = [f"{prefix}{s}" for prefix in ("", "新", "北", "南", "東") for s in stems]
    stems = list(dict.fromkeys(stems))  # e.g. 西川 + 原 and 西 + 川原 would repeat
    chosen = rng.permutation(min(count, len(HEADS)))
    names = [stems[i] for i in chosen] + stems[len(HEADS) : count]
    if len(set(names)) != count:
        raise ValueError("not enough distinct names")
    return names


def generate(out_dir: Path, size: str, seed: int) -> None:
    rng = np.random.default_rng(seed)
    count = SIZES[size]
    kinds = list(KINDS)
    shares = np.array([KINDS[k][0] for k in kinds])
    picks = np.sort(rng.choice(len(kinds), size=count, p=shares))  # 市 first, then 町, 村
    kind = [kinds[k] for k in picks]
    log_pop = np.array([rng.normal(KINDS[k][1], KINDS[k][2]) for k in kind])
    population = np.round(np.exp(log_pop)).astype(int)
    area = np.round(np.exp(rng.normal(np.log(120), 0.7, count)), 1)
    aged = np.clip(rng.normal(36 - 2.2 * (log_pop - np.log(20_000)), 3.0), 18, 60).round(1)

    def counts(per_100k: float, sd: float) -> np.ndarray:
        rate = per_100k * np.exp(rng.normal(0, sd, count))
        return rng.poisson(population * rate / 100_000)

    libraries = np.maximum(counts(4.0, 0.25), 1)  # every municipality runs one library
    nurseries = counts(30.0, 0.3)
    crimes = counts(450.0, 0.35)
    ambulance_rate = 4200.0 * np.exp(0.025 * (aged - 33) + rng.normal(0, 0.12, count))
    ambulance = rng.poisson(population * ambulance_rate / 100_000)
    names = _names(count, rng)
    frame = pd.DataFrame(
        {
            "市町村コード": [f"R{(i + 1) * 10:05d}" for i in range(count)],
            "市町村": [f"{n}{k}" for n, k in zip(names, kind, strict=True)],
            "区分": kind,
            "人口": population,
            "面積": area,
            "高齢化率": aged,
            "図書館数": libraries,
            "保育所数": nurseries,
            "刑法犯認知件数": crimes,
            "救急出動件数": ambulance,
        }
    )
    write_excel_csv(frame, out_dir / "municipal_indicators.csv")


DATASET = register(
    Dataset(
        name="municipal_indicators",
        title="市町村別の指標（合成データ）",
        synthetic=True,
        files=(DataFile("municipal_indicators.csv", {"encoding": "cp932"}),),
        generate=generate,
    )
)
