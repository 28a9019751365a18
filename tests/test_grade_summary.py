"""``workbench grade``'s closing summary names the learners whose grading had a fault."""

from __future__ import annotations

from collections import Counter

from workbench.grading.pipeline import Summary


def test_summary_names_learners_with_faults():
    summary = Summary(graded=3, faults=Counter({"timeout": 1, "kernel_died": 1}), seconds=2.0)
    summary.students_with_faults = {"u102": ["timeout"], "u007": ["kernel_died", "memory"]}
    text = "\n".join(summary.lines())
    assert "u102: タイムアウト" in text
    assert "u007: カーネル停止・メモリ上限" in text
    assert text.index("u007") < text.index("u102")  # sorted, so the list is easy to scan
    # negative control: no faults, no list
    clean = "\n".join(Summary(graded=3, seconds=2.0).lines())
    assert "採点時の問題があった受講者" not in clean
