"""The report's charts as PNG data URIs, so report.html is one self-contained file."""

from __future__ import annotations

import base64
import io
import math

import numpy as np
import pandas as pd

from workbench.grading.report.cohort import Cohort
from workbench.grading.report.item_stats import LOW_DISCRIMINATION


def _png(figure) -> str:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=100, bbox_inches="tight")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def _figure(width: float = 8.0, height: float = 4.0):
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), layout="constrained")


def distribution(cohort: Cohort) -> str:
    scores = np.array([s.score for s in cohort.submitted], dtype="float64")
    figure = _figure()
    ax = figure.subplots()
    maximum = cohort.max_score
    if maximum and maximum <= 50:
        bins = np.arange(-0.5, math.floor(maximum) + 1.5, 1.0)
    else:
        bins = 20
    ax.hist(scores, bins=bins, color="#4C78A8", edgecolor="white")
    if len(scores):
        mean = float(scores.mean())
        ax.axvline(mean, color="#E45756", linestyle="--", label=f"平均 {mean:.1f}点")
        ax.legend()
    ax.set_title(f"得点分布（提出者 {len(scores)}人、満点 {maximum:g}点）")
    ax.set_xlabel("得点")
    ax.set_ylabel("人数")
    ax.yaxis.get_major_locator().set_params(integer=True)
    return _png(figure)


def completion(cohort: Cohort) -> str:
    done, missing = len(cohort.submitted), len(cohort.students) - len(cohort.submitted)
    figure = _figure(8.0, 1.8)
    ax = figure.subplots()
    ax.barh([0], [done], color="#54A24B", label=f"提出済み {done}人")
    ax.barh([0], [missing], left=[done], color="#BAB0AC", label=f"未提出 {missing}人")
    ax.set_yticks([])
    ax.set_xlim(0, max(done + missing, 1))
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.set_xlabel("人数")
    total = max(done + missing, 1)
    ax.set_title(f"提出状況（対象 {done + missing}人、提出率 {done / total:.0%}）")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.45), ncol=2)
    ax.grid(False)
    return _png(figure)


def items(cohort: Cohort, stats: pd.DataFrame) -> str:
    names = [item.short for item in cohort.items]
    positions = np.arange(len(names))
    figure = _figure(9.0, 0.45 * len(names) + 1.6)
    left, right = figure.subplots(1, 2, sharey=True)
    difficulty = stats["difficulty"].to_numpy(dtype="float64")
    discrimination = stats["discrimination"].to_numpy(dtype="float64")
    left.barh(positions, np.nan_to_num(difficulty), color="#4C78A8")
    left.set_xlim(0, 1)
    left.set_title("正答率（得点 ÷ 満点 の平均）")
    left.xaxis.set_major_formatter(lambda v, _: f"{v:.0%}")
    colors = ["#E45756" if not v >= LOW_DISCRIMINATION else "#54A24B" for v in discrimination]
    right.barh(positions, np.nan_to_num(discrimination), color=colors)
    right.axvline(LOW_DISCRIMINATION, color="#888888", linestyle="--", linewidth=1)
    right.axvline(0, color="#333333", linewidth=0.8)
    right.set_xlim(-1, 1)
    right.set_title("識別力（残りの合計点との相関）")
    left.set_yticks(positions, names)
    left.invert_yaxis()
    return _png(figure)
