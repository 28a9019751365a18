"""Test tiers for tests/ and courses/ (nbval): markers, xdist groups, and what ran.

A root conftest, so its collection hooks see the notebooks in courses/ too.

Every collected test belongs to exactly one tier. A test marked with one of the heavy
markers belongs to the first of them in ``HEAVY``; every other test is ``fast`` (the
marker is added here, so ``pytest -m fast`` is the developer's loop). The tiers are
registered in pyproject.toml and listed in the README.
"""

from __future__ import annotations

import shutil
from collections import Counter, defaultdict

import pytest

from workbench import course

_UNITS = frozenset(course.units())

# Most specific first: a browser test is also "slow", but it is reported as browser.
HEAVY = ("browser", "hub", "postgres", "course", "slow")
TIERS = ("fast", "slow", "course", "postgres", "browser", "hub")


def tier_of(marker_names) -> str:
    names = set(marker_names)
    return next((tier for tier in HEAVY if tier in names), "fast")


def _graded_unit(item) -> str | None:
    callspec = getattr(item, "callspec", None)
    return callspec.params.get("graded_unit") if callspec else None


def _mark(item) -> None:
    """Give ``item`` its tier marker: nbval cells and every use of ``graded_unit`` are
    ``course``; a test without a heavier marker is ``fast``.

    Called as each item is collected (a root conftest sees courses/ too), so ``-m``
    selects on these markers.
    """
    if item.path.suffix == ".ipynb" or _graded_unit(item) is not None:
        item.add_marker(pytest.mark.course)
    if tier_of(marker.name for marker in item.iter_markers()) == "fast":
        item.add_marker(pytest.mark.fast)


# Modules whose tests share one expensive module-scoped set-up (a server stack, a course
# graded by real nbgrader): split over two workers, each would build it.
SHARED_MODULES = ("test_browser.py", "test_hub.py", "test_feedback_report.py")


def _scope(nodeid: str) -> str:
    """The xdist work unit of a test: what must run on one worker, in order.

    A notebook's nbval cells share one kernel; every test of one unit's ``graded_unit``
    (its id ends in ``[unit]``) shares that unit's session-scoped grading, which must run
    once, not once per worker; the modules in ``SHARED_MODULES`` each share one set-up.
    Everything else is its own unit of work.
    """
    if ".ipynb" in nodeid or "::ipynb::" in nodeid:  # pytest 9 writes a.ipynb as a::ipynb
        return nodeid.rpartition("::Cell ")[0]
    path, _, rest = nodeid.partition("::")
    if rest.endswith("]") and rest[rest.rfind("[") + 1 : -1] in _UNITS:
        return "graded:" + rest[rest.rfind("[") + 1 : -1]
    if path.endswith(SHARED_MODULES):
        return path
    return nodeid


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
            why = f'-m "{markexpr}" などで選択外' if markexpr else "指定したパスに無し"
            parts.append(f"実行しなかった層: {', '.join(unselected)}（{why}）")
        return " / ".join(parts)


def _skip_reason(report) -> str:
    longrepr = report.longrepr
    if isinstance(longrepr, tuple) and len(longrepr) == 3:
        return str(longrepr[2]).removeprefix("Skipped: ")
    return ""


# --------------------------------------------------------------------------- hooks


@pytest.hookimpl(optionalhook=True)  # a hook of pytest-xdist
def pytest_xdist_make_scheduler(config, log):
    """``--dist loadgroup``, grouped by ``_scope``.

    xdist 3.8 implements ``xdist_group`` by rewriting ``item._nodeid``, which pytest 9 no
    longer reads, so its groups silently fall apart; a scope scheduler with our own split
    keeps each notebook and each unit's grading on one worker.
    """
    if config.getvalue("dist") != "loadgroup":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class TierScheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return _scope(nodeid)

    return TierScheduling(config, log)


def pytest_itemcollected(item):
    _mark(item)


def pytest_collection_modifyitems(config, items):
    """Each unit's grading first: xdist hands out work units in collection order, and a
    unit's grading (minutes) handed out last leaves the other worker idle at the end.
    The sort is stable, so every other test keeps its order."""
    items.sort(key=lambda item: not _scope(item.nodeid).startswith("graded:"))


_OUTCOMES = Outcomes()


def pytest_runtest_logreport(report):
    _OUTCOMES.add(report)


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if hasattr(config, "workerinput") or config.option.collectonly:
        return  # an xdist worker (the controller reports) or nothing ran
    terminalreporter.write_sep("-", "テストの層")
    terminalreporter.write_line(_OUTCOMES.summary(config.option.markexpr))
