"""Case unit 14 (県庁DXのモニタリング): the indicators it teaches, checked by hand, and the
chat_activity generator's intended properties."""

from __future__ import annotations

import csv
import math
import re
import unicodedata
from collections import Counter, defaultdict
from pathlib import Path

import nbformat
import numpy as np
import pandas as pd
import pytest

from workbench import datasets

UNIT = Path(__file__).resolve().parents[1] / "courses" / "14_case_dx_monitoring"

DEPTS = {
    "総務部", "企画振興部", "健康福祉部", "環境生活部", "商工労働部", "農林水産部",
    "県土整備部", "会計局", "教育委員会", "収用委員会事務局", "デジタル推進局",
}  # fmt: skip


def _indicators(members: pd.DataFrame, roster: pd.DataFrame, staff: pd.DataFrame):
    """The notebook's pipeline: department at month start, active rate, changes in points."""
    members = members.assign(月初=pd.to_datetime(members["month"] + "-01"))
    roster = roster.assign(着任日=pd.to_datetime(roster["着任日"]))
    joined = pd.merge_asof(
        members.sort_values("月初"),
        roster.sort_values("着任日"),
        left_on="月初",
        right_on="着任日",
        by="user_id",
    )
    joined["アクティブ"] = joined["days_active"] >= 1
    counts = joined.groupby(["部局", "month"]).agg(アクティブ数=("アクティブ", "sum")).reset_index()
    table = staff.merge(counts, on=["部局", "month"], how="left").fillna({"アクティブ数": 0})
    table["アクティブ率"] = table["アクティブ数"] / table["職員数"].replace(0, np.nan) * 100
    table = table.sort_values(["部局", "month"]).reset_index(drop=True)
    table["前月差"] = table.groupby("部局")["アクティブ率"].diff()
    return table.set_index(["部局", "month"])


def test_hand_computed_rates_moves_zero_denominator_and_new_department():
    # 3 months. Aさん moves from 総務部 to 新設局 on 02-16 (counts there from March);
    # 新設局 exists from March (0 staff in Jan/Feb) although Cさん sits there from Feb.
    members = pd.DataFrame(
        {
            "month": ["2025-01", "2025-02", "2025-03"] * 3,
            "user_id": ["A"] * 3 + ["B"] * 3 + ["C"] * 3,
            "days_active": [3, 0, 5, 1, 2, 0, 0, 4, 6],
        }
    )
    roster = pd.DataFrame(
        {
            "user_id": ["A", "A", "B", "C", "C"],
            "部局": ["総務部", "新設局", "総務部", "総務部", "新設局"],
            "着任日": ["2020-04-01", "2025-02-16", "2019-04-01", "2018-04-01", "2025-02-01"],
        }
    )
    staff = pd.DataFrame(
        {
            "部局": ["総務部"] * 3 + ["新設局"] * 3,
            "month": ["2025-01", "2025-02", "2025-03"] * 2,
            "職員数": [4, 4, 2, 0, 0, 2],
        }
    )
    table = _indicators(members, roster, staff)
    # 総務部: Jan A,B active of 4 staff = 50%; Feb B only (A inactive, C moved) = 25%;
    # Mar B inactive, A and C gone = 0 of 2 = 0%.
    assert table.loc[("総務部", "2025-01"), "アクティブ率"] == pytest.approx(50.0)
    assert table.loc[("総務部", "2025-02"), "アクティブ率"] == pytest.approx(25.0)
    assert table.loc[("総務部", "2025-03"), "アクティブ率"] == pytest.approx(0.0)
    # Differences in points: 50 → 25 is −25 points (a −50% change, which we do not report).
    assert table.loc[("総務部", "2025-02"), "前月差"] == pytest.approx(-25.0)
    assert table.loc[("総務部", "2025-03"), "前月差"] == pytest.approx(-25.0)
    # 新設局: Jan 0/0 → NaN; Feb 1 active / 0 staff → NaN (not inf); Mar A and C of 2 = 100%.
    assert math.isnan(table.loc[("新設局", "2025-01"), "アクティブ率"])
    assert math.isnan(table.loc[("新設局", "2025-02"), "アクティブ率"])
    assert table.loc[("新設局", "2025-03"), "アクティブ率"] == pytest.approx(100.0)
    # A department appearing mid-year has no previous month to compare with.
    assert math.isnan(table.loc[("新設局", "2025-03"), "前月差"])
    # The classic mistakes give other numbers: / accounts (A, B, C in Jan) and pct_change.
    assert 2 / 3 * 100 != pytest.approx(table.loc[("総務部", "2025-01"), "アクティブ率"])
    assert (25 / 50 - 1) * 100 != pytest.approx(table.loc[("総務部", "2025-02"), "前月差"])
    assert not np.isinf(table["アクティブ率"]).any()


def test_year_on_year_difference_by_position_equals_same_month_lookup():
    months = pd.period_range("2023-04", "2025-03", freq="M").astype(str)
    rate = pd.Series(np.linspace(30, 60, 24), index=months)
    by_position = rate.diff(12)
    for month in months[12:]:
        last_year = str(pd.Period(month) - 12)
        assert by_position[month] == pytest.approx(rate[month] - rate[last_year])
    assert by_position.iloc[:12].isna().all()


def _read_small():
    folder = datasets.build("chat_activity", "small")
    with open(folder / "member_analytics.csv", encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    with open(folder / "staff_roster.csv", encoding="cp932", newline="") as handle:
        roster = list(csv.DictReader(handle))
    staff = datasets.load("chat_activity", "staff_count.xlsx")
    return folder, rows, roster, staff


def test_planted_dirt_is_present():
    folder, rows, roster, staff = _read_small()
    raw = (folder / "member_analytics.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    roster_bytes = (folder / "staff_roster.csv").read_bytes()
    assert b"\r\n" in roster_bytes
    with pytest.raises(UnicodeDecodeError):
        roster_bytes.decode("utf-8")
    per_month = Counter(row["month"] for row in rows)
    assert per_month["2024-06"] == 2 * per_month["2024-05"]
    keys = Counter(tuple(row.values()) for row in rows)
    assert sum(n - 1 for n in keys.values()) == per_month["2024-05"]
    types = Counter(row["account_type"] for row in rows)
    assert {"Member", "Admin", "Bot", "Deactivated", "Multi-Channel Guest"} <= set(types)
    names = {row["所属部局"] for row in roster}
    assert {"健康福祉部局", "教育委員会事務局", "ﾃﾞｼﾞﾀﾙ推進局"} <= names
    canonical = {unicodedata.normalize("NFKC", n).strip() for n in names}
    fix = {
        "健康福祉部局": "健康福祉部",
        "教育委員会事務局": "教育委員会",
        "農林水産部局": "農林水産部",
    }
    canonical = {fix.get(n, n) for n in canonical}
    assert canonical == DEPTS == set(staff["部局"])
    movers = Counter(row["user_id"] for row in roster)
    assert sum(n >= 2 for n in movers.values()) >= 50
    assert any(row["着任日"] == "2023/10/16" for row in roster)
    # Zero headcount before デジタル推進局 exists; a department under 5 staff.
    new = staff[staff["部局"] == "デジタル推進局"].sort_values("年月")
    assert (new["職員数"].iloc[:18] == 0).all() and (new["職員数"].iloc[18:] > 0).all()
    assert staff.groupby("部局")["職員数"].max().min() < 5
    prep = [row for row in roster if row["着任日"] == "2024/09/01"]
    assert len(prep) == 2


def test_rates_are_realistic_and_accounts_fewer_than_staff():
    _, rows, roster, staff = _read_small()
    seen, members = set(), []
    for row in rows:
        key = tuple(row.values())
        if key not in seen and row["account_type"] in ("Member", "Admin"):
            seen.add(key)
            members.append(row)
    history = defaultdict(list)
    for row in roster:
        history[row["user_id"]].append((row["着任日"].replace("/", "-"), row["所属部局"]))
    staff = staff.assign(month=staff["年月"].dt.strftime("%Y-%m"))
    n_staff = staff.groupby("month")["職員数"].sum()
    active = Counter(row["month"] for row in members if int(row["days_active"]) >= 1)
    accounts = Counter(row["month"] for row in members)
    rates = {m: active[m] / n_staff[m] for m in n_staff.index}
    assert 0.25 < rates["2023-04"] < 0.45
    assert 0.5 < rates["2025-03"] < 0.75
    assert rates["2025-03"] > rates["2023-04"] + 0.15
    assert all(accounts[m] < n_staff[m] for m in n_staff.index)
    assert all(0 <= int(row["days_active"]) <= 21 for row in members)
    assert all(row["user_id"] in history for row in members)
    bots = [int(r["messages_posted"]) for r in rows if r["account_type"] == "Bot"]
    people = [int(r["messages_posted"]) for r in members if int(r["days_active"]) >= 1]
    assert np.mean(bots) > 20 * np.mean(people)
    deactivated = [r for r in rows if r["account_type"] == "Deactivated"]
    assert deactivated and all(int(r["days_active"]) == 0 for r in deactivated)


def test_full_size_matches_the_all_staff_course(tmp_path):
    folder = datasets.build("chat_activity", "full", out_dir=tmp_path / "full")
    staff = pd.read_excel(folder / "staff_count.xlsx", header=2)
    first = staff[staff["年月"] == staff["年月"].min()]
    assert first["職員数"].sum() == 4986  # REFERENCE.md §A: 4,986 staff
    assert staff["年月"].nunique() == 24


def test_generator_is_deterministic_and_seeded(tmp_path):
    a = datasets.build("chat_activity", "small", seed=3, out_dir=tmp_path / "a")
    b = datasets.build("chat_activity", "small", seed=3, out_dir=tmp_path / "b")
    c = datasets.build("chat_activity", "small", seed=4, out_dir=tmp_path / "c")
    for name in ["member_analytics.csv", "staff_roster.csv", "staff_count.xlsx"]:
        assert (a / name).read_bytes() == (b / name).read_bytes()
    assert (a / "member_analytics.csv").read_bytes() != (c / "member_analytics.csv").read_bytes()


RATIO_COLUMN = re.compile(r"""\[["']([^"']*比[^"']*)["']\]\s*=\s*(.+)""", re.S)


def ratio_definitions(code: str) -> dict[str, str]:
    """Columns named 〜比 and the expression that fills them (assignments only)."""
    return {
        m.group(1): m.group(2)
        for statement in re.split(r"\n(?=\S)", code)
        if (m := RATIO_COLUMN.search(statement))
    }


def is_ratio(expression: str) -> bool:
    # 比 in unit 14 and the glossary: this ÷ previous × 100 (96.0%), never a change rate.
    code = expression.split("#")[0]
    return "pct_change" not in code and "/" in code and not re.search(r"-\s*(1|100)\b", code)


def test_every_ratio_column_in_unit_14_is_this_over_previous():
    cells = [
        cell
        for path in sorted(UNIT.glob("14*.ipynb"))
        for cell in nbformat.read(path, as_version=4).cells
    ]
    found = {}
    for cell in cells:
        if cell.cell_type == "code":
            found.update(ratio_definitions(cell.source))
    assert {"前年度比（%）", "前月比（%）"} <= set(found)
    assert all(is_ratio(expr) for expr in found.values()), found
    text = "\n".join(c.source for c in cells if c.cell_type == "markdown")
    assert "前月比 96.0%（4.0%減）" in text and "前月差 −2.4ポイント" in text


def test_ratio_check_bites_on_a_change_rate():
    change = 'total["前月比（%）"] = total["アクティブ率"].pct_change() * 100\n'
    ratio = 'total["前月比（%）"] = (\n    total["率"] / total["率"].shift(1) * 100\n)\n'
    assert not is_ratio(ratio_definitions(change)["前月比（%）"])
    assert is_ratio(ratio_definitions(ratio)["前月比（%）"])
    minus_one = 'df["前年度比"] = (df["値"] / df["値"].shift(1) - 1) * 100'
    assert not is_ratio(ratio_definitions(minus_one)["前年度比"])
