"""Item statistics of classical test theory, over the students who submitted.

- difficulty (正答率) = mean of score / max score;
- discrimination (識別力) = Pearson correlation of the item score with the rest score
  (the student's total minus this item), i.e. the corrected item-total or, for a 0/1
  item, point-biserial correlation. Undefined (NaN) when either side has no variance.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd

#: Below this the question separates strong and weak learners poorly (common rule of thumb).
LOW_DISCRIMINATION = 0.2


def _pearson(x: np.ndarray, y: np.ndarray) -> float:
    if len(x) < 2:
        return math.nan
    dx, dy = x - x.mean(), y - y.mean()
    denominator = math.sqrt(float((dx * dx).sum()) * float((dy * dy).sum()))
    if denominator == 0:
        return math.nan
    return float((dx * dy).sum()) / denominator


def item_statistics(scores: pd.DataFrame, max_scores: Sequence[float]) -> pd.DataFrame:
    """Difficulty and discrimination per item (column) of a students × items score table.

    Returns one row per item with ``n`` (students with a score), ``mean`` (mean score),
    ``difficulty`` (mean score rate) and ``discrimination`` (corr(item, total − item)).
    """
    values = scores.to_numpy(dtype="float64")
    total = np.nansum(values, axis=1)
    rows = []
    for column, maximum in enumerate(max_scores):
        item = values[:, column]
        present = ~np.isnan(item)
        x = item[present]
        rest = total[present] - x
        rows.append(
            {
                "n": int(present.sum()),
                "mean": float(x.mean()) if len(x) else math.nan,
                "difficulty": float((x / maximum).mean()) if len(x) and maximum else math.nan,
                "discrimination": _pearson(x, rest),
            }
        )
    return pd.DataFrame(rows, index=scores.columns)
