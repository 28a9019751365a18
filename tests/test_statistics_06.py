"""Unit 06: the course solution recovers what the generators put in, checked independently.

Each part's code cells (solutions and tests) are executed in-process, each part on its
own (part D up to the summary exercise); the resulting ``replies``, ``log``, ``summary``,
``apps`` and ``latest`` are compared with the generators' ground truth
(``survey_replies.expected``) and with plain-Python recomputations (calendar arithmetic,
dateutil, day-by-day loops).
"""

from __future__ import annotations

import calendar
import contextlib
import datetime as dt
import io
import os
import unicodedata

import nbformat
import numpy as np
import pandas as pd
import pytest
from dateutil.relativedelta import relativedelta

from workbench import datasets
from workbench.datasets import application_records, survey_replies
from workbench.paths import REPO_ROOT

UNIT_DIR = REPO_ROOT / "courses" / "06_excel_automation"
# Each part runs on its own, as nbgrader grades it: part B re-reads the applications in its
# set-up, part D takes replies and log from survey_replies.expected (which part C's
# consolidation must reproduce: test_consolidation_recovers_the_generators_clean_values).
PARTS = {
    "a": ("06a_strings_dates.ipynb", None),
    "b": ("06b_workdays_duplicates.ipynb", None),
    "c": ("06c_collect_replies.ipynb", None),
    "d": ("06d_summary_report.ipynb", "ex12_test"),
}


def _run(path, last_cell: str | None, workdir) -> dict:
    """Namespace after running the notebook's code cells (up to ``last_cell``)."""
    notebook = nbformat.read(path, as_version=4)
    namespace: dict = {"__name__": "__main__"}
    previous = os.getcwd()
    os.chdir(workdir)
    try:
        for cell in notebook.cells:
            if cell.cell_type != "code":
                continue
            with contextlib.redirect_stdout(io.StringIO()):
                exec(compile(cell.source, cell.id, "exec"), namespace)  # noqa: S102
            if last_cell and cell.metadata.get("nbgrader", {}).get("grade_id") == last_cell:
                break
    finally:
        os.chdir(previous)
    return namespace


@pytest.fixture(scope="module")
def parts(tmp_path_factory) -> dict[str, dict]:
    """Each part's namespace after running its code cells (solutions and tests)."""
    return {
        key: _run(UNIT_DIR / name, last, tmp_path_factory.mktemp(f"unit06{key}"))
        for key, (name, last) in PARTS.items()
    }


def _rows(frame: pd.DataFrame) -> list[tuple]:
    return sorted(
        (city, proc, None if pd.isna(n) else float(n), None if pd.isna(o) else float(o))
        for city, proc, n, o in frame[
            ["市町村", "手続名", "申請件数", "オンライン件数"]
        ].itertuples(index=False, name=None)
    )


def test_consolidation_recovers_the_generators_clean_values(parts):
    table, _ = survey_replies.expected("small")
    assert _rows(parts["c"]["replies"]) == _rows(table)


def test_every_injected_problem_appears_in_the_log(parts):
    _, problems = survey_replies.expected("small")
    kinds = set(problems["問題"])
    assert kinds == {
        survey_replies.CSV,
        survey_replies.BROKEN,
        survey_replies.SHEET,
        survey_replies.TITLE,
        survey_replies.HEADER,
        survey_replies.UNANSWERED,
        survey_replies.MISSING,
    }, "small must contain every kind of problem"
    log = parts["c"]["log"]
    assert sorted(zip(log["市町村"], log["問題"], strict=True)) == sorted(
        zip(problems["市町村"], problems["問題"], strict=True)
    )


def test_unanswered_is_missing_not_zero_and_dash_is_zero(parts):
    replies = parts["c"]["replies"]
    table, _ = survey_replies.expected("small")
    assert replies["申請件数"].isna().sum() == table["申請件数"].isna().sum() > 0
    assert replies["オンライン件数"].isna().sum() == table["オンライン件数"].isna().sum() > 0
    # "－" (not offered online) is 0 件: the small data has many such cells.
    assert (replies["オンライン件数"] == 0).sum() >= 20


def test_summary_is_a_ratio_of_sums_over_pairs_answered(parts):
    table, _ = survey_replies.expected("small")
    sums: dict[str, list[float]] = {}
    for _, proc, n, o in _rows(table):
        if n is None or o is None:
            continue
        entry = sums.setdefault(proc, [0, 0.0, 0.0])
        entry[0] += 1
        entry[1] += n
        entry[2] += o
    summary = parts["d"]["summary"]
    assert set(summary.index) == set(sums)
    for proc, (k, n, o) in sums.items():
        assert summary.loc[proc, "回答団体数"] == k
        assert summary.loc[proc, "申請件数"] == pytest.approx(n)
        assert summary.loc[proc, "オンライン件数"] == pytest.approx(o)
        assert summary.loc[proc, "オンライン化率"] == pytest.approx(100 * o / n)


@pytest.mark.slow
def test_read_reply_generalizes_to_the_full_size_folder(parts, tmp_path):
    folder = datasets.build("survey_replies", "full", out_dir=tmp_path / "full")
    read_reply = parts["c"]["read_reply"]
    tables, logged = [], []
    for path in sorted(folder.glob("*_回答.*")):
        city = path.stem.split("_")[1]
        try:
            table, problems = read_reply(path)
        except Exception:
            logged.append((city, survey_replies.BROKEN))
            continue
        tables.append(table)
        logged += [(city, problem) for problem in problems]
    expected_table, expected_problems = survey_replies.expected("full")
    assert len(expected_table) > 2000
    assert _rows(pd.concat(tables)) == _rows(expected_table)
    present = {p.stem.split("_")[1] for p in folder.glob("*_回答.*")}
    logged += [
        (c, survey_replies.MISSING)
        for c in pd.read_csv(folder / "照会先一覧.csv", encoding="cp932")["市町村"]
        if c not in present
    ]
    assert sorted(logged) == sorted(
        zip(expected_problems["市町村"], expected_problems["問題"], strict=True)
    )


def _raw_applications() -> list[dict]:
    from openpyxl import load_workbook

    book = load_workbook(datasets.path("application_records"), read_only=True)
    rows = [list(r) for r in book["申込一覧"].iter_rows(values_only=True)]
    book.close()
    return [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]


def test_ages_match_dateutil_relativedelta(parts):
    base = dt.datetime(2024, 4, 1)
    expected = [relativedelta(base, r["生年月日"]).years for r in _raw_applications()]
    assert [int(v) for v in parts["a"]["apps"]["年齢"]] == expected


def test_report_due_is_the_last_day_of_the_next_month(parts):
    apps = parts["a"]["apps"]
    for session, due in zip(apps["受講日"], apps["報告期限"], strict=True):
        year, month = (
            (session.year + 1, 1) if session.month == 12 else (session.year, session.month + 1)
        )
        assert due == pd.Timestamp(year, month, calendar.monthrange(year, month)[1])


def test_networkdays_counts_both_ends_and_skips_holidays(parts):
    holidays = {dt.date.fromisoformat(h) for h in application_records.HOLIDAYS_2024}
    for row, days in zip(_raw_applications(), parts["b"]["apps"]["処理日数"], strict=True):
        day, last, count = row["受付日時"].date(), row["承認日"].date(), 0
        while day <= last:
            count += day.weekday() < 5 and day not in holidays
            day += dt.timedelta(days=1)
        assert days == count


def test_latest_keeps_each_staff_members_newest_application(parts):
    newest: dict[str, dict] = {}
    for row in _raw_applications():
        key = unicodedata.normalize("NFKC", str(row["職員番号"])).zfill(6)
        if key not in newest or row["受付日時"] > newest[key]["受付日時"]:
            newest[key] = row
    latest = parts["b"]["latest"]
    assert dict(zip(latest["職員番号"], latest["受付番号"], strict=True)) == {
        key: row["受付番号"] for key, row in newest.items()
    }
    # Exact copies alone would leave near-duplicates: the data must make that visible.
    assert len(parts["b"]["apps"].drop_duplicates()) > len(newest)


def test_holiday_list_follows_the_substitute_holiday_rule(parts):
    holidays = parts["b"]["HOLIDAYS"]
    listed = [dt.date.fromisoformat(h) for h in holidays]
    assert holidays == application_records.HOLIDAYS_2024
    for holiday in listed:
        if holiday.weekday() == 6:  # 振替休日: a Sunday holiday makes the next day a holiday too
            assert holiday + dt.timedelta(days=1) in listed, holiday
    approvals = [r["承認日"].date() for r in _raw_applications()]
    assert all(d.weekday() < 5 and d not in set(listed) for d in approvals)
    assert np.is_busday(np.array(approvals, dtype="datetime64[D]"), holidays=listed).all()
