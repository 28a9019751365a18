"""``report.html``: the cohort page (pages/report.html.j2) with its numbers and charts."""

from __future__ import annotations

import math
from datetime import datetime

import pandas as pd

from workbench.grading import pages
from workbench.grading.report import charts
from workbench.grading.report.cohort import STATUS_CHECK, STATUS_PENDING, Cohort, Item
from workbench.grading.report.followup import (
    COMPLETED,
    ON_HOLD,
    CompletionRule,
    follow_ups,
)
from workbench.grading.report.item_stats import LOW_DISCRIMINATION


def _fmt(value: float | None, pattern: str = "{:.2f}") -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    return pattern.format(value)


def _item_note(item: Item, stat: pd.Series) -> str:
    notes = []
    if stat["n"] == 0:
        return "採点済みの回答なし"
    if not stat["discrimination"] >= LOW_DISCRIMINATION:
        if math.isnan(stat["discrimination"]):
            notes.append("全員同じ得点のため識別力なし")
        elif stat["discrimination"] < 0:
            notes.append("識別力が負（要見直し）")
        else:
            notes.append("識別力が低い")
    if stat["difficulty"] >= 0.95:
        notes.append("ほぼ全員正解")
    elif stat["difficulty"] <= 0.3:
        notes.append("正答率が低い")
    return "、".join(notes)


def _item_row(cohort: Cohort, item: Item, stat: pd.Series) -> dict:
    row = {
        "label": item.label,
        "id": item.grade_id,
        "kind": "自動採点" if item.kind == "auto" else "手採点",
        "max": f"{item.max_score:g}",
        "n": int(stat["n"]),
        "mean": _fmt(stat["mean"]),
        "difficulty": _fmt(stat["difficulty"], "{:.1%}"),
        "discrimination": _fmt(stat["discrimination"]),
        "note": _item_note(item, stat),
        "pending": 0,
    }
    waiting = cohort.pending_count(item) if item.kind == "manual" else 0
    if waiting:
        # statistics over the few answers graded so far (often only the blank ones,
        # scored 0 automatically) would read as a failed question
        row.update(mean="—", difficulty="—", discrimination="—", pending=waiting,
                   note=f"採点待ち {waiting}人（採点が済んでから集計します）")  # fmt: skip
    return row


def render_report(
    cohort: Cohort, stats: pd.DataFrame, created: datetime, rule: CompletionRule | None = None
) -> str:
    rule = rule or CompletionRule()
    scores = pd.Series([s.score for s in cohort.submitted], dtype="float64")
    summary = {
        "mean": _fmt(scores.mean(), "{:.1f}点") if len(scores) else "—",
        "median": _fmt(scores.median(), "{:g}点") if len(scores) else "—",
        "sd": _fmt(scores.std(ddof=0), "{:.1f}") if len(scores) else "—",
        "max": _fmt(scores.max(), "{:g}点") if len(scores) else "—",
        "min": _fmt(scores.min(), "{:g}点") if len(scores) else "—",
    }
    items = [
        _item_row(cohort, item, stat)
        for item, (_, stat) in zip(cohort.items, stats.iterrows(), strict=True)
    ]
    judged = [rule.judge(s) for s in cohort.students]
    from workbench import plotting

    plotting.setup()
    images = {
        "distribution": charts.distribution(cohort) if cohort.submitted else "",
        "completion": charts.completion(cohort),
        "questions": charts.items(cohort, stats) if cohort.items and cohort.submitted else "",
    }
    return pages.render(
        "report.html.j2",
        c=cohort,
        created=created.strftime("%Y-%m-%d %H:%M"),
        missing=len(cohort.students) - len(cohort.submitted),
        rate=f"{len(cohort.submitted) / max(len(cohort.students), 1):.0%}",
        summary=summary,
        pending=sum(s.status == STATUS_PENDING for s in cohort.students),
        check=[s for s in cohort.students if s.status.startswith(STATUS_CHECK)],
        provisional=any(s.pending_items for s in cohort.submitted),
        rule=rule.describe(),
        completed=judged.count(COMPLETED),
        on_hold=judged.count(ON_HOLD),
        follow=follow_ups(cohort.students),
        items=items,
        low=LOW_DISCRIMINATION,
        charts=images,
    )
