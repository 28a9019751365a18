"""Test tiers: which marker each test carries, how xdist groups it, and what ran.

Every collected test belongs to exactly one tier. A test marked with one of the heavy
markers belongs to the first of them in ``HEAVY``; every other test is ``fast`` (the
marker is added here, so ``pytest -m fast`` is the developer's loop). The tiers are
registered in pyproject.toml and listed in the README.
"""

from __future__ import annotations

import os
import shutil
from collections import Counter, defaultdict

# Most specific first: a browser test is also "slow", but it is reported as browser.
HEAVY = ("browser", "hub", "postgres", "course", "slow")
TIERS = ("fast", "slow", "course", "postgres", "browser", "hub")
# Scheduling rank under xdist: long groups first, so two workers finish together.
RANK = {"course": 0, "hub": 1, "browser": 2, "slow": 3, "postgres": 3, "fast": 4}


def tier_of(marker_names) -> str:
    names = set(marker_names)
    return next((tier for tier in HEAVY if tier in names), "fast")


def _graded_unit(item) -> str | None:
    callspec = getattr(item, "callspec", None)
    return callspec.params.get("graded_unit") if callspec else None


def classify(items, pytest) -> None:
    """Mark every item with its tier and an xdist group where its work must stay together.

    nbval cells of one notebook share one kernel and run in order, so a notebook is one
    group; every test that uses one unit's ``graded_unit`` fixture is one group, so the
    (session-scoped) grading of a unit runs once, on one worker.
    """
    for item in items:
        if item.path.suffix == ".ipynb":
            item.add_marker(pytest.mark.course)
            item.add_marker(pytest.mark.xdist_group(f"nbval:{item.path.parent.name}"))
        unit = _graded_unit(item)
        if unit is not None:
            item.add_marker(pytest.mark.course)
            item.add_marker(pytest.mark.xdist_group(f"graded:{unit}"))
        tier = tier_of(mark.name for mark in item.iter_markers())
        if tier == "fast":
            item.add_marker(pytest.mark.fast)
        elif tier in ("browser", "hub") and not item.get_closest_marker("xdist_group"):
            # One server stack at a time: the two suites share ports and a course copy.
            item.add_marker(pytest.mark.xdist_group(tier))
    # Stable: keeps nbval cells and fixture-parameter order inside each tier.
    items.sort(key=lambda item: RANK[tier_of(m.name for m in item.iter_markers())])


def bubblewrap_missing() -> bool:
    return shutil.which("bwrap") is None


class Outcomes:
    """Per-tier counts of what ran, collected from the test reports (also under xdist)."""

    def __init__(self) -> None:
        self.counts: dict[str, Counter] = defaultdict(Counter)
        self.reasons: dict[str, list[str]] = defaultdict(list)

    def add(self, report) -> None:
        if report.when != "call" and not (report.skipped or report.failed):
            return
        tier = tier_of(name for name, value in report.keywords.items() if value)
        if report.skipped:
            self.counts[tier]["skipped"] += 1
            reason = _skip_reason(report)
            if reason and reason not in self.reasons[tier]:
                self.reasons[tier].append(reason)
        elif report.failed:
            self.counts[tier]["failed"] += 1
        elif report.when == "call":
            self.counts[tier]["passed"] += 1

    def summary(self, markexpr: str) -> str:
        """One line in Japanese: tiers run, tiers skipped and why, tiers not selected."""
        ran, skipped, unselected = [], [], []
        for tier in TIERS:
            count = self.counts.get(tier, Counter())
            done = count["passed"] + count["failed"]
            if done:
                partly = f"、スキップ {count['skipped']}件" if count["skipped"] else ""
                ran.append(f"{tier} {done}件{partly}")
            elif count["skipped"]:
                why = " / ".join(self.reasons[tier][:2]) or "理由不明"
                skipped.append(f"{tier}（{why}）")
            else:
                unselected.append(tier)
        if bubblewrap_missing() and ({"course", "slow"} & {t.split()[0] for t in ran}):
            skipped.append("sandbox（bubblewrap がありません: サンドボックスなしで採点しました）")
        parts = [f"実行した層: {', '.join(ran) or 'なし'}"]
        if skipped:
            parts.append(f"スキップした層: {', '.join(skipped)}")
        if unselected:
            why = f"-m \"{markexpr}\" で選択外" if markexpr else "収集されませんでした"
            parts.append(f"実行しなかった層: {', '.join(unselected)}（{why}）")
        return " / ".join(parts)


def _skip_reason(report) -> str:
    longrepr = report.longrepr
    if isinstance(longrepr, tuple) and len(longrepr) == 3:
        return str(longrepr[2]).removeprefix("Skipped: ")
    return ""


def worker_count() -> int:
    """Grader processes per test: one per core, unless xdist already uses the cores."""
    return 1 if os.environ.get("PYTEST_XDIST_WORKER") else 2

