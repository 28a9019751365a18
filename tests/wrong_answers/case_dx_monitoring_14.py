"""Realistic wrong answers for case unit 14 (県庁DXのモニタリング), each with its hint.

Decision questions (choice_exN) get one wrong answer per wrong option, each with its own hint.
"""

from harness import WrongAnswer, choice_answers

UNIT = "14_case_dx_monitoring"

MERGE_PREP = (
    'members["月初"] = pd.to_datetime(members["month"] + "-01")\n'
    'roster["着任日"] = pd.to_datetime(roster["着任日"], format="%Y/%m/%d")\n'
)
COUNTS = (
    'member_dept["アクティブ"] = member_dept["days_active"] >= 1\n'
    "counts = (\n"
    '    member_dept.groupby(["部局", "month"])\n'
    '    .agg(アカウント数=("user_id", "size"), アクティブ数=("アクティブ", "sum"))\n'
    "    .reset_index()\n"
    ")\n"
    'dept_month = staff[["部局", "month", "職員数"]].merge(\n'
    '    counts, on=["部局", "month"], how="left")\n'
    'dept_month[["アカウント数", "アクティブ数"]] = '
    'dept_month[["アカウント数", "アクティブ数"]].fillna(0).astype(int)\n'
)
SORT = 'dept_month = dept_month.sort_values(["部局", "month"]).reset_index(drop=True)\n'
LATEST = (
    'latest = dept_month[(dept_month["month"] == latest_month) & (dept_month["職員数"] >= 5)]'
    '.dropna(subset=["前月差"])\n'
)
REPORT = (
    "top_dept = top['部局']\n"
    'report = (f"{latest_month} に前月から最も大きく動いたのは {top_dept} で、"\n'
    "          f\"アクティブ率は {top['アクティブ率']:.1f}%\"\n"
    "          f\"（前月差 {top['前月差']:+.1f}ポイント）でした。\")\n"
)

WRONG_ANSWERS: list[WrongAnswer] = [
    # --- 演習1: the June export pasted twice is left in.
    WrongAnswer(
        cell="ex1",
        test="ex1_test",
        code='members = analytics[analytics["account_type"].isin(["Member", "Admin"])].copy()',
        hint="2回貼り付けられています",
    ),
    # --- 演習1: "staff = Member" forgets the admins, who are staff too.
    WrongAnswer(
        cell="ex1",
        test="ex1_test",
        code=(
            "members = analytics.drop_duplicates()\n"
            'members = members[members["account_type"] == "Member"].copy()'
        ),
        hint="Admin（管理者）も職員です",
    ),
    # --- 演習2: NFKC and strip only; 健康福祉部局 and 教育委員会事務局 stay.
    WrongAnswer(
        cell="ex2",
        test="ex2_test",
        code='roster["部局"] = roster["所属部局"].map(wbio.normalize_text)',
        hint="言い換え辞書",
    ),
    # --- 演習3: one row per person (the latest assignment) for every month.
    WrongAnswer(
        cell="ex3",
        test="ex3_test",
        code=(
            MERGE_PREP
            + 'latest_post = roster.sort_values("着任日").drop_duplicates("user_id", keep="last")\n'
            'member_dept = members.merge(latest_post[["user_id", "着任日", "部局"]], '
            'on="user_id", how="left")'
        ),
        hint="異動した職員が、すべての月で同じ部局",
    ),
    # --- 演習4: active / registered accounts instead of / staff.
    WrongAnswer(
        cell="ex4",
        test="ex4_test",
        code=(
            COUNTS + 'dept_month["アクティブ率"] = dept_month["アクティブ数"] / '
            'dept_month["アカウント数"].replace(0, np.nan) * 100\n' + SORT
        ),
        hint="登録アカウント数で割っています",
    ),
    # --- 演習4: dividing by a zero headcount gives inf (デジタル推進局, 2024-09).
    WrongAnswer(
        cell="ex4",
        test="ex4_test",
        code=(
            COUNTS + 'dept_month["アクティブ率"] = '
            'dept_month["アクティブ数"] / dept_month["職員数"] * 100\n' + SORT
        ),
        hint="無限大（inf）",
    ),
    # --- 演習5: .diff() over the whole table, across departments.
    WrongAnswer(
        cell="ex5",
        test="ex5_test",
        code=(
            'dept_month["前月差"] = dept_month["アクティブ率"].diff()\n'
            'dept_month["前年同月差"] = dept_month["アクティブ率"].diff(12)'
        ),
        hint="部局ごとに groupby('部局')",
    ),
    # --- 演習5: percent change of a rate instead of the difference in points.
    WrongAnswer(
        cell="ex5",
        test="ex5_test",
        code=(
            'by_dept = dept_month.groupby("部局")["アクティブ率"]\n'
            'dept_month["前月差"] = by_dept.pct_change() * 100\n'
            'dept_month["前年同月差"] = by_dept.pct_change(12) * 100'
        ),
        hint="変化率（%）",
    ),
    # --- 演習6: no suppression at all.
    WrongAnswer(
        cell="ex6",
        test="ex6_test",
        code=(
            'published = dept_month.pivot(index="部局", columns="month", values="アクティブ率")'
            ".reindex(DEPT_ORDER)"
        ),
        hint="職員数 < 5 のセルは NaN（秘匿）",
    ),
    # --- 演習6: small departments dropped from the table instead of masked.
    WrongAnswer(
        cell="ex6",
        test="ex6_test",
        code=(
            'shown = dept_month[dept_month["職員数"] >= 5]\n'
            'published = shown.pivot(index="部局", columns="month", values="アクティブ率")'
            ".reindex([d for d in DEPT_ORDER if d in set(shown['部局'])])"
        ),
        hint="行を消すのではなく",
    ),
    # --- 演習6: only the small-department rule; a department of 12 at 100 % is published.
    WrongAnswer(
        cell="ex6",
        test="ex6_test",
        code=(
            'shown = dept_month.assign(アクティブ率=dept_month["アクティブ率"]'
            '.where(dept_month["職員数"] >= 5))\n'
            'published = shown.pivot(index="部局", columns="month", values="アクティブ率")'
            ".reindex(DEPT_ORDER)"
        ),
        hint="全員がアクティブ（100%）",
    ),
    # --- 演習7: the biggest increase, not the biggest move.
    WrongAnswer(
        cell="ex7",
        test="ex7_test",
        code=LATEST + 'top = latest.loc[latest["前月差"].idxmax()]\n' + REPORT,
        hint="大きく減った部局も報告の対象",
    ),
    # --- 演習5b: the August drop read from the month-on-month change alone, as a ratio, or by
    # deleting August.
    *choice_answers(
        "ex5b",
        {
            "A": "前年の8月も7月より",
            "B": "率の変化はポイント（差）で書くのが約束",
            "D": "8月を除くと9月の前月差が7月との比較",
        },
    ),
    # --- 演習6b: publishing a 3-person department's rate, its count, or dropping it silently.
    *choice_answers(
        "ex6b",
        {
            "A": "部局単位でも人数が少ないと",
            "B": "アクティブ数を載せても",
            "C": "行を黙って消すと",
        },
    ),
    # --- 演習7b: posts, the account denominator with month-on-month changes, a list of people.
    *choice_answers(
        "ex7b",
        {
            "A": "投稿数の合計は職員数の多い部局",
            "C": "登録アカウント数で割ると",
            "D": "個人の一覧は作らない・配らない",
        },
    ),
]
