"""庁内チャットの利用状況 (synthetic): Slack-style monthly member analytics of a prefecture.

Three files, as a DX推進課 would collect them for monitoring:
- ``member_analytics.csv``: the Slack member-analytics export, one row per account and
  month (``user_id, date_last_active, days_active, messages_posted, reactions_added`` as in
  Slack's export), stacked month by month into one UTF-8-with-BOM file; one month was
  exported and appended twice, and guests, bots, admins and deactivated accounts appear;
- ``staff_roster.csv``: the account ledger joining Slack user IDs to 人事 records, one row per
  assignment (所属部局 from 着任日), saved from Excel (cp932, CRLF), with 部局 spelled in
  several ways;
- ``staff_count.xlsx``: 人事課's headcount by 部局 and month (the denominator of active
  rates), with a title row; a department created mid-period has zero staff before it exists.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from scipy.special import ndtri

from workbench.datasets.files import write_excel_csv, write_titled_xlsx
from workbench.datasets.registry import DataFile, Dataset, register

# 部局: full-size headcount in April 2023 (sums to 4,986, the all-staff course size in
# REFERENCE.md §A), share of staff with a chat account, active share of account holders at
# roll-out and after two years, messages per active day of a posting user.
DEPARTMENTS = {
    "総務部": (543, 0.98, 0.55, 0.88, 1.6),
    "企画振興部": (300, 0.97, 0.50, 0.85, 1.4),
    "健康福祉部": (780, 0.90, 0.40, 0.70, 1.0),
    "環境生活部": (330, 0.95, 0.45, 0.75, 0.9),
    "商工労働部": (350, 0.95, 0.45, 0.78, 1.0),
    "農林水産部": (900, 0.80, 0.25, 0.50, 0.6),
    "県土整備部": (1000, 0.75, 0.22, 0.45, 0.5),
    "会計局": (120, 0.97, 0.50, 0.80, 0.8),
    "教育委員会": (660, 0.85, 0.30, 0.55, 0.7),
    "収用委員会事務局": (3, 1.00, 0.60, 0.90, 0.5),
}
NEW_DEPARTMENT = "デジタル推進局"
NEW_DEPARTMENT_START = 18  # month index of 2024-10: created on 2024-10-01
ORDER = [*DEPARTMENTS, NEW_DEPARTMENT]
# Spellings in the roster besides the canonical name (the ledger was typed by hand).
VARIANTS = {
    "健康福祉部": ["健康福祉部局", "健康福祉部 "],
    "教育委員会": ["教育委員会事務局", "教育委員会\u3000"],
    "県土整備部": ["県土整備部\u3000"],
    NEW_DEPARTMENT: ["ﾃﾞｼﾞﾀﾙ推進局"],
    "農林水産部": ["農林水産部局"],
}
JOBS = ["行政", "行政", "行政", "技術", "技術", "保健・福祉", "事務補助"]
MONTHS = pd.period_range("2023-04", "2025-03", freq="M")
SEASON = {5: -0.10, 8: -0.30, 12: -0.10, 1: -0.25, 3: 0.10}  # GW, お盆, 年末年始, 年度末
# Invented events (the report exercise finds them): 健康福祉部 coordinated disaster relief
# on chat in January 2024; 県土整備部's field tablets were replaced in March 2025.
EVENTS = {("健康福祉部", 9): 0.60, ("健康福祉部", 10): 0.30, ("県土整備部", 23): -0.90}
SIZES = {
    "small": {"scale": 0.25, "new_dept": 12, "guests": 10},
    "full": {"scale": 1.0, "new_dept": 40, "guests": 30},
}
SIGMA_PERSON, SIGMA_MONTH = 1.5, 0.45
DUPLICATED_MONTH = "2024-06"


def _staff(rng: np.random.Generator, spec: dict) -> pd.DataFrame:
    """Everyone employed in the period: account or not, with their department history."""
    rows = []
    for dept, (count, coverage, *_rest) in DEPARTMENTS.items():
        n = count if count < 10 else int(round(count * spec["scale"]))
        for _ in range(n):
            rows.append({"dept0": dept, "has_account": rng.random() < coverage})
    staff = pd.DataFrame(rows)
    n = len(staff)
    staff["job"] = rng.choice(JOBS, n)
    years = rng.integers(2012, 2023, n)
    months = rng.choice([4, 4, 4, 10], n)
    staff["start0"] = [f"{y}/{m:02d}/01" for y, m in zip(years, months, strict=True)]
    staff["hired"] = 0  # month index of first month employed
    staff["left"] = 24  # first month index no longer employed
    staff["moves"] = [[] for _ in range(n)]  # (month index, date text, new department)
    big = [d for d in DEPARTMENTS if DEPARTMENTS[d][0] >= 10]
    tiny = staff["dept0"] == "収用委員会事務局"
    # Mid-year moves on 2023-10-16 (mid-month: the move counts from November).
    for i in rng.choice(np.flatnonzero(~tiny), max(5, n // 100), replace=False):
        new = rng.choice([d for d in big if d != staff.at[i, "dept0"]])
        staff.at[i, "moves"].append((7, "2023/10/16", str(new)))
    # Retirements on 2024-03-31 and the April 2024 personnel transfer (定期異動).
    retire = rng.random(n) < 0.04
    retire &= ~tiny.to_numpy()
    staff.loc[retire, "left"] = 12
    for i in np.flatnonzero(~retire & ~tiny.to_numpy() & (rng.random(n) < 0.12)):
        current = staff.at[i, "moves"][-1][2] if staff.at[i, "moves"] else staff.at[i, "dept0"]
        new = rng.choice([d for d in big if d != current])
        staff.at[i, "moves"].append((12, "2024/04/01", str(new)))
    # New hires on 2024-04-01, replacing the retirees department by department.
    hires = staff.loc[retire, ["dept0"]].copy()
    hires["has_account"] = rng.random(len(hires)) < 0.95
    hires["job"] = rng.choice(JOBS, len(hires))
    hires["start0"] = "2024/04/01"
    hires["hired"], hires["left"] = 12, 24
    hires["moves"] = [[] for _ in range(len(hires))]
    staff = pd.concat([staff, hires], ignore_index=True)
    # デジタル推進局 (2024-10-01) takes account holders from 総務部 and 企画振興部; two of
    # them joined its 準備室 on 2024-09-01, before 人事 counts anyone there.
    pool = np.flatnonzero(
        staff["dept0"].isin(["総務部", "企画振興部"]).to_numpy()
        & staff["has_account"].to_numpy()
        & (staff["left"] == 24).to_numpy()
        & staff["moves"].map(len).eq(0).to_numpy()
    )
    chosen = rng.choice(pool, spec["new_dept"], replace=False)
    for k, i in enumerate(chosen):
        when = (17, "2024/09/01") if k < 2 else (NEW_DEPARTMENT_START, "2024/10/01")
        staff.at[i, "moves"].append((*when, NEW_DEPARTMENT))
    staff["prep"] = False
    staff.loc[chosen[:2], "prep"] = True
    return staff


def _dept_matrix(staff: pd.DataFrame, hr: bool) -> np.ndarray:
    """Department of each person in each month (None when not employed).

    ``hr=True`` is 人事's view, where the 準備室 members still count in their old department
    until デジタル推進局 officially exists.
    """
    depts = np.empty((len(staff), len(MONTHS)), dtype=object)
    for i, person in enumerate(staff.itertuples(index=False)):
        current = person.dept0
        events = dict((m, d) for m, _, d in person.moves)
        for t in range(len(MONTHS)):
            if t in events and not (hr and person.prep and t < NEW_DEPARTMENT_START):
                current = events[t]
            elif hr and person.prep and t == NEW_DEPARTMENT_START:
                current = NEW_DEPARTMENT
            depts[i, t] = current if person.hired <= t < person.left else None
    return depts


def _activity(rng: np.random.Generator, staff: pd.DataFrame, depts: np.ndarray):
    n, months = depts.shape
    base = np.zeros((n, months))
    per_day = np.zeros((n, months))
    for t in range(months):
        season = SEASON.get(MONTHS[t].month, 0.0)
        for dept in ORDER:
            rows = depts[:, t] == dept
            if dept == NEW_DEPARTMENT:
                start, end, posts = 0.95, 0.97, 2.0
            else:
                _, _, start, end, posts = DEPARTMENTS[dept]
            share = start + (end - start) * (1 - np.exp(-t / 8)) / (1 - np.exp(-23 / 8))
            total_sd = np.hypot(SIGMA_PERSON, SIGMA_MONTH)
            base[rows, t] = total_sd * ndtri(share) + season + EVENTS.get((dept, t), 0.0)
            per_day[rows, t] = posts
    person = rng.normal(0.0, SIGMA_PERSON, (n, 1))
    person[staff["prep"].to_numpy()] = 4.0  # the 準備室 members use chat every day
    z = base + person + rng.normal(0.0, SIGMA_MONTH, (n, months))
    active = z > 0
    days = np.where(active, 1 + rng.binomial(19, 1 / (1 + np.exp(-(z - 1.0)))), 0)
    poster = active & (rng.random((n, months)) < 1 / (1 + np.exp(-(z - 0.3))))
    messages = np.where(poster, rng.negative_binomial(2, 2 / (2 + days * per_day)), 0)
    reactions = np.where(active, rng.poisson(days * 0.9), 0)
    return days, messages, reactions


def _last_active(rng: np.random.Generator, days: np.ndarray) -> np.ndarray:
    """date_last_active as Slack reports it: the last day used so far, blank if never."""
    n, months = days.shape
    out = np.full((n, months), "", dtype=object)
    last = np.full(n, "", dtype=object)
    for t in range(months):
        period = MONTHS[t]
        day = np.minimum(period.days_in_month, 20 + rng.integers(0, 12, n))
        text = np.array([f"{period.year}-{period.month:02d}-{d:02d}" for d in day], dtype=object)
        last = np.where(days[:, t] > 0, text, last)
        out[:, t] = last
    return out


def generate(out_dir: Path, size: str, seed: int) -> None:
    rng = np.random.default_rng(seed)
    spec = SIZES[size]
    staff = _staff(rng, spec)
    depts = _dept_matrix(staff, hr=False)
    hr_depts = _dept_matrix(staff, hr=True)

    # Headcount by 部局 and month (人事課), including staff without a chat account.
    counts = [
        {
            "年月": MONTHS[t].to_timestamp().to_pydatetime(),
            "部局": dept,
            "職員数": int((hr_depts[:, t] == dept).sum()),
        }
        for t in range(len(MONTHS))
        for dept in ORDER
    ]
    write_titled_xlsx(
        out_dir / "staff_count.xlsx",
        {"職員数": pd.DataFrame(counts)},
        {"職員数": "部局別職員数（各月1日現在、人事課）【合成データ】"},
    )

    account = staff["has_account"].to_numpy()
    holders = staff[account].reset_index(drop=True)
    ids = [f"U0{k:07X}" for k in rng.choice(16**7, len(holders), replace=False)]
    holders["user_id"] = ids
    days, messages, reactions = _activity(rng, holders, depts[account])
    t_index = np.arange(len(MONTHS))
    working = (holders["hired"].to_numpy()[:, None] <= t_index) & (
        t_index < holders["left"].to_numpy()[:, None]
    )
    days, messages, reactions = (np.where(working, a, 0) for a in (days, messages, reactions))
    last = _last_active(rng, days)

    # Roster (account ledger): one row per assignment, names typed in several ways.
    roster_rows = []
    for person in holders.itertuples(index=False):
        history = [(person.start0, person.dept0)] + [(d, dept) for _, d, dept in person.moves]
        for date_text, dept in history:
            name = dept
            if dept in VARIANTS and rng.random() < 0.3:
                name = str(rng.choice(VARIANTS[dept]))
            roster_rows.append(
                {
                    "user_id": person.user_id,
                    "所属部局": name,
                    "職種": person.job,
                    "着任日": date_text,
                }
            )
    roster = pd.DataFrame(roster_rows)
    roster = roster.iloc[rng.permutation(len(roster))].reset_index(drop=True)
    write_excel_csv(roster, out_dir / "staff_roster.csv")

    # Member analytics, month by month.
    admins = set(rng.choice(np.flatnonzero(holders["dept0"] == "総務部"), 4, replace=False))
    frames = []
    n_guests = spec["guests"]
    guest_ids = [f"U0{k:07X}" for k in rng.choice(16**7, n_guests + 3, replace=False)]
    for t, period in enumerate(MONTHS):
        employed = (holders["hired"] <= t).to_numpy()
        left = (holders["left"] <= t).to_numpy()
        kind = np.where(left, "Deactivated", "Member").astype(object)
        kind[list(admins)] = np.where(left[list(admins)], "Deactivated", "Admin")
        month = pd.DataFrame(
            {
                "month": str(period),
                "user_id": holders["user_id"],
                "account_type": kind,
                "date_last_active": last[:, t],
                "days_active": days[:, t],
                "messages_posted": messages[:, t],
                "reactions_added": reactions[:, t],
            }
        )[employed]
        # Contractors (guests) and bots: accounts, but not staff.
        g_active = rng.random(n_guests) < 0.7
        g_days = np.where(g_active, rng.integers(1, 15, n_guests), 0)
        extra = pd.DataFrame(
            {
                "month": str(period),
                "user_id": guest_ids,
                "account_type": ["Multi-Channel Guest"] * (n_guests // 2)
                + ["Single-Channel Guest"] * (n_guests - n_guests // 2)
                + ["Bot"] * 3,
                "date_last_active": [
                    f"{period.year}-{period.month:02d}-{min(d + 10, 28):02d}" if d else ""
                    for d in g_days
                ]
                + [f"{period.year}-{period.month:02d}-{period.days_in_month:02d}"] * 3,
                "days_active": [*g_days.tolist(), *rng.integers(19, 22, 3).tolist()],
                "messages_posted": [
                    *np.where(g_active, rng.poisson(8, n_guests), 0).tolist(),
                    *rng.integers(300, 3000, 3).tolist(),
                ],
                "reactions_added": [
                    *np.where(g_active, rng.poisson(5, n_guests), 0).tolist(),
                    0,
                    0,
                    0,
                ],
            }
        )
        frame = pd.concat([month, extra], ignore_index=True)
        frame = frame.sort_values("user_id", kind="stable")
        frames.append(frame)
        if str(period) == DUPLICATED_MONTH:
            frames.append(frame)  # exported and appended a second time
    analytics = pd.concat(frames, ignore_index=True)
    analytics.to_csv(
        out_dir / "member_analytics.csv", index=False, encoding="utf-8-sig", lineterminator="\n"
    )


DATASET = register(
    Dataset(
        name="chat_activity",
        title="庁内チャットの利用状況（合成データ）",
        synthetic=True,
        files=(
            DataFile(
                "member_analytics.csv",
                {"encoding": "utf-8-sig", "dtype": {"date_last_active": "str"}},
            ),
            DataFile("staff_roster.csv", {"encoding": "cp932"}),
            DataFile("staff_count.xlsx", {"sheet_name": "職員数", "header": 2}),
        ),
        generate=generate,
    )
)
