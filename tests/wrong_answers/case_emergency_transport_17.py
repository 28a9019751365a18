"""Realistic wrong answers for unit 17 (救急搬送の時間短縮の効果検証), each with its hint."""

from harness import WrongAnswer, choice_answers

UNIT = "17_case_emergency_transport"

_EAST_BEFORE = (
    'east_before = records.loc[(records["導入"] == 1) & (records["後"] == 0), "現場滞在時間"]\n'
)
_MONTHLY_TAIL = (
    'monthly["t"] = range(len(monthly))\n'
    'monthly["月"] = monthly["年月"].str[5:7].astype(int)\n'
    'monthly["後"] = (monthly["年月"] >= "2023-10").astype(int)'
)
_SHARE = (
    'share_4plus = records.assign(四回以上=records["照会回数"] >= 4)'
    '.groupby(["導入", "後"])["四回以上"].mean().unstack() * 100\n'
)

WRONG_ANSWERS: list[WrongAnswer] = [
    # ex1: blanks filled with 0 instead of dropped
    WrongAnswer(
        cell="ex1",
        test="ex1_test",
        code=(
            "records = raw.copy()\n"
            'records["現場滞在時間"] = records["現場滞在時間"].fillna(0)\n'
            'records["年月"] = records["覚知日"].str[:7]\n'
            'records["後"] = (records["覚知日"] >= "2023-10-01").astype(int)\n'
            'records["導入"] = (records["医療圏"] == "東部医療圏").astype(int)'
        ),
        hint="空欄（記録漏れ）を0で埋めると",
    ),
    # ex1: the start of the fiscal year instead of the go-live date
    WrongAnswer(
        cell="ex1",
        test="ex1_test",
        code=(
            'records = raw.dropna(subset=["現場滞在時間"]).copy()\n'
            'records["年月"] = records["覚知日"].str[:7]\n'
            'records["後"] = (records["覚知日"] >= "2023-04-01").astype(int)\n'
            'records["導入"] = (records["医療圏"] == "東部医療圏").astype(int)'
        ),
        hint="年度の初め（2023-04-01）ではありません",
    ),
    # ex2: the mean reported as the median on a skewed distribution
    WrongAnswer(
        cell="ex2",
        test="ex2_test",
        code=(
            _EAST_BEFORE + "stay_mean = east_before.mean()\n"
            "stay_median = east_before.mean()\n"
            "stay_p90 = east_before.quantile(0.9)"
        ),
        hint="stay_median に平均が入っています",
    ),
    # ex2: the 10% point instead of the 90% point
    WrongAnswer(
        cell="ex2",
        test="ex2_test",
        code=(
            _EAST_BEFORE + "stay_mean = east_before.mean()\n"
            "stay_median = east_before.median()\n"
            "stay_p90 = east_before.quantile(0.1)"
        ),
        hint="90%点は quantile(0.9) です",
    ),
    # ex3: before/after of means
    WrongAnswer(
        cell="ex3",
        test="ex3_test",
        code=(
            'east = records[records["導入"] == 1]\n'
            'before_after = east.loc[east["後"] == 1, "現場滞在時間"].mean()'
            ' - east.loc[east["後"] == 0, "現場滞在時間"].mean()'
        ),
        hint="平均の差になっています",
    ),
    # ex3: before − after
    WrongAnswer(
        cell="ex3",
        test="ex3_test",
        code=(
            'east = records[records["導入"] == 1]\n'
            'before_after = east.loc[east["後"] == 0, "現場滞在時間"].median()'
            ' - east.loc[east["後"] == 1, "現場滞在時間"].median()'
        ),
        hint="「導入後の中央値 − 導入前の中央値」の順",
    ),
    # ex4: wrong sign (comparison − treated)
    WrongAnswer(
        cell="ex4",
        test="ex4_test",
        code=(
            'table_median = records.groupby(["導入", "後"])["現場滞在時間"].median().unstack()\n'
            "did_median = (table_median.loc[0, 1] - table_median.loc[0, 0])"
            " - (table_median.loc[1, 1] - table_median.loc[1, 0])"
        ),
        hint="引き算の順番が逆です",
    ),
    # ex4: before/after without the comparison area
    WrongAnswer(
        cell="ex4",
        test="ex4_test",
        code=(
            'table_median = records.groupby(["導入", "後"])["現場滞在時間"].median().unstack()\n'
            "did_median = table_median.loc[1, 1] - table_median.loc[1, 0]"
        ),
        hint="比較地域（西部）の変化を差し引いていません",
    ),
    # ex4: DiD of means
    WrongAnswer(
        cell="ex4",
        test="ex4_test",
        code=(
            'table_median = records.groupby(["導入", "後"])["現場滞在時間"].mean().unstack()\n'
            "did_median = (table_median.loc[1, 1] - table_median.loc[1, 0])"
            " - (table_median.loc[0, 1] - table_median.loc[0, 0])"
        ),
        hint="平均で差の差を計算しています",
    ),
    # ex5: percent change instead of points
    WrongAnswer(
        cell="ex5",
        test="ex5_test",
        code=(
            _SHARE + "did_share_pt = ((share_4plus.loc[1, 1] / share_4plus.loc[1, 0] - 1)"
            " - (share_4plus.loc[0, 1] / share_4plus.loc[0, 0] - 1)) * 100"
        ),
        hint="変化率（％）の差になっています",
    ),
    # ex5: counting calls instead of patients
    WrongAnswer(
        cell="ex5",
        test="ex5_test",
        code=(
            'many = records["照会回数"].where(records["照会回数"] >= 4, 0)\n'
            "calls = records.assign(多い照会=many)\n"
            'grouped = calls.groupby(["導入", "後"])\n'
            'share_4plus = grouped["多い照会"].sum() / grouped["照会回数"].sum()\n'
            "share_4plus = share_4plus.unstack() * 100\n"
            "did_share_pt = (share_4plus.loc[1, 1] - share_4plus.loc[1, 0])"
            " - (share_4plus.loc[0, 1] - share_4plus.loc[0, 0])"
        ),
        hint="照会の回数（電話の本数）で割合を計算しています",
    ),
    # ex7: monthly means
    WrongAnswer(
        cell="ex7",
        test="ex7_test",
        code=(
            'monthly = records[records["導入"] == 1].groupby("年月")["現場滞在時間"]'
            '.mean().reset_index(name="中央値")\n' + _MONTHLY_TAIL
        ),
        hint="月ごとの平均が入っています",
    ),
    # ex7: both areas pooled
    WrongAnswer(
        cell="ex7",
        test="ex7_test",
        code=(
            'monthly = records.groupby("年月")["現場滞在時間"]'
            '.median().reset_index(name="中央値")\n' + _MONTHLY_TAIL
        ),
        hint="西部医療圏の行も入っています",
    ),
    # ex8: seasonality ignored
    WrongAnswer(
        cell="ex8",
        test="ex8_test",
        code=(
            'fit_its = smf.ols("中央値 ~ t + 後", data=monthly).fit()\n'
            'its_level = fit_its.params["後"]\n'
            'its_ci = tuple(fit_its.conf_int().loc["後"])'
        ),
        hint="季節（月）が式に入っていません",
    ),
    # ex8: month as one straight line
    WrongAnswer(
        cell="ex8",
        test="ex8_test",
        code=(
            'fit_its = smf.ols("中央値 ~ t + 後 + 月", data=monthly).fit()\n'
            'its_level = fit_its.params["後"]\n'
            'its_ci = tuple(fit_its.conf_int().loc["後"])'
        ),
        hint="月 が数値（1〜12 の1本の直線）として入っています",
    ),
    # ex9: judgement
    WrongAnswer(cell="ex9", test="ex9_test", code='choice_ex9 = "A"', hint="A ではありません"),
    WrongAnswer(cell="ex9", test="ex9_test", code='choice_ex9 = "C"', hint="C ではありません"),
    WrongAnswer(cell="ex9", test="ex9_test", code='choice_ex9 = "D"', hint="D ではありません"),
    # ex8b: the step without season, the before-after of monthly medians, one month's change.
    *choice_answers(
        "ex8b",
        {
            "B": "冬の長さが段差に混ざり",
            "C": "前後の平均の差は",
            "D": "1か月どうしの差は",
        },
    ),
    # ex9b: expand everywhere at once, stop on the before-after, claim better outcomes.
    *choice_answers(
        "ex9b",
        {
            "A": "一斉に導入すると比べる地域がなくなり",
            "B": "前後比較の約2.7分は",
            "D": "予後が良くなったとは言えません",
        },
    ),
]
