"""Japanese national holidays (国民の祝日 and 振替休日) for the periods the generators cover.

One table for every generator that skips closed days, so a correction is made once. The
dates are as fixed by the 国民の祝日に関する法律 (weekend holidays included: callers that
count working days drop weekends themselves). Extend the table when a generator needs a
longer period. Note: a built dataset's fingerprint hashes only its generator's own module
(registry.Dataset.fingerprint), so after editing this table delete the built folders of the
datasets that use it (application_records, counter_wait_times; registry.build_dir) so
they are built again.
"""

from __future__ import annotations

NATIONAL_HOLIDAYS = (
    # 令和5年度 (April 2023 - March 2024)
    "2023-04-29",
    "2023-05-03",
    "2023-05-04",
    "2023-05-05",
    "2023-07-17",
    "2023-08-11",
    "2023-09-18",
    "2023-09-23",
    "2023-10-09",
    "2023-11-03",
    "2023-11-23",
    # 令和6年 (calendar year 2024)
    "2024-01-01",
    "2024-01-08",
    "2024-02-11",
    "2024-02-12",
    "2024-02-23",
    "2024-03-20",
    "2024-04-29",
    "2024-05-03",
    "2024-05-04",
    "2024-05-05",
    "2024-05-06",
    "2024-07-15",
    "2024-08-11",
    "2024-08-12",
    "2024-09-16",
    "2024-09-22",
    "2024-09-23",
    "2024-10-14",
    "2024-11-03",
    "2024-11-04",
    "2024-11-23",
)


def holidays_between(first: str, last: str) -> list[str]:
    """The national holidays from ``first`` to ``last`` (ISO dates, both included), in order."""
    return [day for day in NATIONAL_HOLIDAYS if first <= day <= last]
