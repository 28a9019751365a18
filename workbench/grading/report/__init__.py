"""Cohort report for instructors (``workbench report``): grades for HR and the questions.

``write_report`` reads nbgrader's gradebook and the autograded notebooks once
(:mod:`.cohort`) and writes three files:

- ``grades.csv`` and ``grades.xlsx`` (:mod:`.tables`): one row per student for HR records,
  and in the workbook a sheet on the questions;
- ``report.html`` (:mod:`.page`, :mod:`.charts`): score distribution, completion,
  per-question difficulty and discrimination (:mod:`.item_stats`), the most common ❌
  hints (real mistakes apart from untried exercises), the learners to follow up, with
  charts inlined as PNG data URIs.

The 修了 column and the follow-up list are decided in :mod:`.followup`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from workbench.grading import feedback
from workbench.grading.report.cohort import JST, Cohort, ReportError, load_cohort
from workbench.grading.report.followup import CompletionRule, CompletionRuleError
from workbench.grading.report.item_stats import item_statistics
from workbench.grading.report.page import render_report
from workbench.grading.report.tables import write_csv, write_xlsx

__all__ = ["Cohort", "CompletionRule", "CompletionRuleError", "ReportError", "ReportSummary",
           "item_statistics", "load_cohort", "render_report", "write_report"]  # fmt: skip


@dataclass
class ReportSummary:
    folder: Path
    csv: Path
    xlsx: Path
    html: Path
    students: int
    submitted: int
    mean: float | None


def write_report(
    assignment: str,
    out_dir: Path | str | None = None,
    course_root: Path | str | None = None,
    rule: CompletionRule | None = None,
) -> ReportSummary:
    """Write grades.csv, grades.xlsx and report.html for ``assignment``.

    ``rule`` decides the 修了 column (default: ≥ 60 % and every written answer graded).
    """
    rule = rule or CompletionRule()
    cohort = load_cohort(assignment, course_root)
    if out_dir is None:
        out_dir = feedback.open_course(course_root).root / "reports" / assignment
    folder = Path(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    stats = item_statistics(cohort.score_matrix(), [item.max_score for item in cohort.items])
    csv_path = write_csv(cohort, folder / "grades.csv", rule)
    xlsx_path = write_xlsx(cohort, stats, folder / "grades.xlsx", rule)
    html_path = folder / "report.html"
    html_path.write_text(render_report(cohort, stats, datetime.now(JST), rule), encoding="utf-8")
    scores = [s.score for s in cohort.submitted]
    return ReportSummary(
        folder, csv_path, xlsx_path, html_path, len(cohort.students), len(scores),
        sum(scores) / len(scores) if scores else None,
    )  # fmt: skip
