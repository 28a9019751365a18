"""What an instructor acts on: the 修了 judgement, provisional totals and who to follow up.

- **修了** (completion, for HR records) follows a configurable rule: at least
  ``min_rate`` of the points and, by default, every written answer graded. While a
  written answer waits the judgement is 保留, never a silent 未修了.
- **暫定**: a total is provisional while any of the learner's written answers waits.
- **要フォロー**: learners with zero or near-zero scores, no submission, a fault during
  grading, or written answers waiting, one row per learner with every reason.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from workbench.errors import WorkbenchError

COMPLETED = "修了"
NOT_COMPLETED = "未修了"
ON_HOLD = "保留（採点待ち）"
PROVISIONAL = "暫定"
FINAL = "確定"

#: A score rate at or below this is "near zero": nothing meaningful was answered.
NEAR_ZERO_RATE = 0.1

#: The checks module's message for a variable that was never made (an untried exercise).
UNATTEMPTED = re.compile(r"変数 \S+ がまだありません")


class CompletionRuleError(WorkbenchError, ValueError):
    """The 修了 rule given on the command line is not valid."""


@dataclass(frozen=True)
class CompletionRule:
    """修了 when score / max ≥ ``min_rate`` (and every written answer graded, if required)."""

    min_rate: float = 0.6
    require_graded: bool = True

    def __post_init__(self):
        if not 0 <= self.min_rate <= 1:
            raise CompletionRuleError(
                f"修了の基準（得点率）は 0〜100 % で指定してください（指定: {self.min_rate:.0%}）。"
            )

    @classmethod
    def from_percent(cls, percent: float, require_graded: bool = True) -> CompletionRule:
        return cls(percent / 100, require_graded)

    def describe(self) -> str:
        text = f"得点率 {self.min_rate:.0%} 以上"
        return text + ("、かつ記述式の採点がすべて済んでいること" if self.require_graded else "")

    def judge(self, record) -> str:
        """修了 / 未修了 / 保留 for one learner (a cohort.StudentRecord)."""
        if not record.submitted or record.rate is None:
            return NOT_COMPLETED
        if record.rate + 1e-9 >= self.min_rate:
            if self.require_graded and record.pending_items:
                return ON_HOLD
            return COMPLETED
        # a learner below the mark can still pass once the written answers are graded
        if record.pending_items and record.score + record.pending_points >= (
            self.min_rate * record.max_score - 1e-9
        ):
            return ON_HOLD
        return NOT_COMPLETED


def score_state(record) -> str:
    """暫定 while written answers of a submitted learner wait, else 確定 ('' if absent)."""
    if not record.submitted:
        return ""
    return f"{PROVISIONAL}（採点待ち {record.pending_items}問）" if record.pending_items else FINAL


@dataclass(frozen=True)
class FollowUp:
    student_id: str
    name: str
    score: float | None
    rate: float | None
    reasons: tuple[str, ...]


def follow_ups(students) -> list[FollowUp]:
    """Learners who need the instructor, with every reason (cohort.StudentRecord list)."""
    rows = []
    for s in students:
        reasons = []
        if not s.submitted:
            reasons.append("未提出")
        else:
            if s.rate is not None and s.rate <= NEAR_ZERO_RATE:
                reasons.append("0点" if not s.score else f"低得点（{s.rate:.0%}）")
            if s.faults:
                reasons.append("採点時の問題（" + "・".join(s.faults) + "）")
            if s.pending_items:
                reasons.append(f"記述式の採点待ち {s.pending_items}問")
        if reasons:
            rows.append(FollowUp(s.student_id, s.name, s.score, s.rate, tuple(reasons)))
    return rows
