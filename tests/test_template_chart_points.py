"""Charts draw at most CHART_POINTS points per scatter or group (regression, t test), and say so.

A strip of 10^6 dots is one blot and took longer to draw than the analysis; the mean and
its interval in the chart are still computed from every value (the notebook's cell).
"""

from __future__ import annotations

import numpy as np
import pytest

from workbench.templates.analyses.common import rows_to_draw
from workbench.templates.analyses.ttest import CHART_POINTS, points_to_draw

pytestmark = pytest.mark.fast


def test_small_groups_are_drawn_whole_without_a_note():
    samples = [np.arange(10.0), np.arange(5.0)]
    shown, note = points_to_draw(samples, paired=False)
    assert [s.tolist() for s in shown] == [s.tolist() for s in samples] and note == ""


def test_large_groups_are_sampled_from_their_own_values_and_the_chart_says_so():
    rng = np.random.default_rng(1)
    big, small = rng.normal(0, 1, 50_000), rng.normal(5, 1, 300)
    shown, note = points_to_draw([big, small], paired=False)
    assert len(shown[0]) == CHART_POINTS and len(np.unique(shown[0])) == CHART_POINTS
    assert set(shown[0]) <= set(big)
    assert shown[1].tolist() == small.tolist()  # a small group is drawn whole
    assert f"{CHART_POINTS:,}" in note and "全件" in note
    # negative control: the draw is not simply the first rows
    assert shown[0].tolist() != big[:CHART_POINTS].tolist()


def test_pairs_keep_both_sides_of_the_same_rows():
    before = np.arange(10_000.0)
    after = before * 10 + 1
    (a, b), note = points_to_draw([before, after], paired=True)
    assert len(a) == len(b) == CHART_POINTS
    assert (b == a * 10 + 1).all()  # every drawn line joins the two values of one pair
    assert "10,000組" in note


def test_rows_to_draw_keeps_every_row_up_to_the_limit_then_a_sorted_random_draw():
    rows, note = rows_to_draw(CHART_POINTS)
    assert rows.tolist() == list(range(CHART_POINTS)) and note == ""
    rows, note = rows_to_draw(1_000_000)
    assert len(rows) == len(set(rows.tolist())) == CHART_POINTS
    assert (np.diff(rows) > 0).all() and rows[0] >= 0 and rows[-1] < 1_000_000
    assert rows[-1] > 900_000  # drawn over the whole file, not its head
    assert "1,000,000件" in note and f"{CHART_POINTS:,}件" in note
