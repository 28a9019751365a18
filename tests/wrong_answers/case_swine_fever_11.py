"""Realistic wrong answers for case unit 11 (豚熱の発生状況の傾向把握), each with its hint."""

from harness import WrongAnswer, choice_answers

UNIT = "11_case_swine_fever"

EX1_REST = (
    'outbreaks["飼養頭数"] = pd.to_numeric(\n'
    '    outbreaks["飼養頭数"].str.normalize("NFKC").str.replace(",", ""))\n'
    'place_parts = outbreaks["発生場所"].str.extract(r"^(.+?県)(.+?[市町村])（(.+)）$")\n'
    'outbreaks[["県", "市町村", "農場の種類"]] = place_parts.to_numpy()\n'
    'n_first_year = int(outbreaks["発生日"].between("2018-09-01", "2019-08-31").sum())\n'
)
EX2_COUNTS = (
    'for count_col in ["検査頭数", "陽性頭数"]:\n'
    '    boar[count_col] = pd.to_numeric(boar[count_col].str.normalize("NFKC"), errors="coerce")\n'
)
EX5_HEAD = (
    'live = boar[boar["状態"] != "死亡"]\n'
    'trend = live.groupby("年月")[["陽性頭数", "検査頭数"]].sum()\n'
)
EX5_CI = (
    't_low, t_high = proportion_confint(sum3["陽性頭数"], sum3["検査頭数"], method="wilson")\n'
    'trend["下限"] = t_low\n'
    'trend["上限"] = t_high\n'
)
EX7_HEAD = (
    'muni_month = boar.groupby(["年月", "市町村"])[["陽性頭数", "検査頭数"]].sum()\n'
    'pos3 = muni_month["陽性頭数"].unstack("市町村").rolling(3).sum()\n'
    'n3 = muni_month["検査頭数"].unstack("市町村").rolling(3).sum()\n'
)
EX8_HEAD = (
    "sakura_cases = outbreaks[\n"
    '    (outbreaks["県"] == "さくら県") & (outbreaks["発生日"] <= "2020-12-31")]\n'
    'lead = sakura_cases.groupby("市町村")[["発生日"]].min()\n'
    'lead = lead.rename(columns={"発生日": "初回発生日"})\n'
    'lead["初回警報日"] = first_alert.reindex(lead.index)\n'
)

EX9_COUNTS = (
    "hit = int((test_alert & test_event).to_numpy().sum())\n"
    "false_alarm = int((test_alert & ~test_event).to_numpy().sum())\n"
    "miss = int((~test_alert & test_event).to_numpy().sum())\n"
    "quiet = int((~test_alert & ~test_event).to_numpy().sum())\n"
)
EX9_FARMS = (
    "false_farm_notices = int(\n"
    "    (test_alert & ~test_event).mul(farms, axis=1).to_numpy().sum())\n"
)


def ex9_verify(false_alarm_ratio: str) -> str:
    return (
        'verify = pd.Series({"的中": hit, "空振り": false_alarm, "見逃し": miss,\n'
        '                    "正しく出さず": quiet, "捕捉率": hit / (hit + miss),\n'
        '                    "空振り率": ' + false_alarm_ratio + "})\n"
    )


WRONG_ANSWERS: list[WrongAnswer] = [
    # --- 演習1: cleaning the outbreak table
    WrongAnswer(
        cell="ex1",
        test="ex1_test",
        # drop_duplicates() on all columns keeps the re-typed rows (same case, other date spelling).
        code=(
            "outbreaks = raw_outbreaks.drop_duplicates().copy()\n"
            'outbreaks["発生日"] = to_datetime_wareki(outbreaks["発生日"])\n' + EX1_REST
        ),
        hint="同じ事例番号が2行以上あります",
    ),
    WrongAnswer(
        cell="ex1",
        test="ex1_test",
        # pandas cannot read 和暦; errors="coerce" silently turns those cases into NaT.
        code=(
            'outbreaks = raw_outbreaks.drop_duplicates(subset="事例番号").copy()\n'
            'outbreaks["発生日"] = pd.to_datetime(\n'
            '    outbreaks["発生日"], format="mixed", errors="coerce")\n' + EX1_REST
        ),
        hint="pd.to_datetime は和暦",
    ),
    # --- 演習2: cleaning the surveillance table
    WrongAnswer(
        cell="ex2",
        test="ex2_test",
        # The 県計 rows stay in: every head is counted twice.
        code=(
            "boar = boar_raw.copy()\n"
            'boar["年月"] = pd.to_datetime(boar["年月"], format="%Y年%m月")\n'
            'boar["状態"] = boar["状態"].str.strip()\n'
            'boar["状態"] = boar["状態"].replace({"死亡個体": "死亡", "調査捕獲": "調査"})\n'
            + EX2_COUNTS
        ),
        hint="「県計」の行が残っています",
    ),
    WrongAnswer(
        cell="ex2",
        test="ex2_test",
        # Only the trailing spaces are fixed; 死亡個体 / 調査捕獲 remain separate states.
        code=(
            'boar = boar_raw[boar_raw["市町村"] != "県計"].copy()\n'
            'boar["年月"] = pd.to_datetime(boar["年月"], format="%Y年%m月")\n'
            'boar["状態"] = boar["状態"].str.strip()\n' + EX2_COUNTS
        ),
        hint="表記ゆれ",
    ),
    # --- 演習3: pooled positive rate
    WrongAnswer(
        cell="ex3",
        test="ex3_test",
        # Mean of row-level rates: a 1-of-1 row weighs as much as a 2-of-20 row.
        code=(
            'state_sums = boar.groupby("状態")[["陽性頭数", "検査頭数"]].sum()\n'
            'rate_by_state = (boar["陽性頭数"] / boar["検査頭数"]).groupby(boar["状態"]).mean()\n'
        ),
        hint="行ごとの陽性率の平均",
    ),
    WrongAnswer(
        cell="ex3",
        test="ex3_test",
        code=(
            'state_sums = boar.groupby("状態")[["陽性頭数", "検査頭数"]].sum()\n'
            'rate_by_state = state_sums["陽性頭数"] / state_sums["検査頭数"] * 100\n'
        ),
        hint="割合（0〜1）",
    ),
    # --- 演習4: Wilson interval
    WrongAnswer(
        cell="ex4",
        test="ex4_test",
        # proportion_confint's default method is the normal approximation.
        code=(
            "ci_state = state_sums.copy()\n"
            'ci_state["陽性率"] = ci_state["陽性頭数"] / ci_state["検査頭数"]\n'
            "ci_low, ci_high = proportion_confint(\n"
            '    ci_state["陽性頭数"], ci_state["検査頭数"], alpha=0.05)\n'
            'ci_state["下限"] = ci_low\n'
            'ci_state["上限"] = ci_high\n'
        ),
        hint="正規近似（Wald 法）",
    ),
    WrongAnswer(
        cell="ex4",
        test="ex4_test",
        # Arguments swapped: (nobs, count) instead of (count, nobs).
        code=(
            "ci_state = state_sums.copy()\n"
            'ci_state["陽性率"] = ci_state["陽性頭数"] / ci_state["検査頭数"]\n'
            "ci_low, ci_high = proportion_confint(\n"
            '    ci_state["検査頭数"], ci_state["陽性頭数"], method="wilson")\n'
            'ci_state["下限"] = ci_low\n'
            'ci_state["上限"] = ci_high\n'
        ),
        hint="引数の順番",
    ),
    # --- 演習5: 3-month pooled trend
    WrongAnswer(
        cell="ex5",
        test="ex5_test",
        # Averaging monthly rates instead of pooling counts.
        code=(
            EX5_HEAD
            + "sum3 = trend.rolling(3).sum()\n"
            + 'trend["陽性率_3か月"] = (trend["陽性頭数"] / trend["検査頭数"]).rolling(3).mean()\n'
            + EX5_CI
        ),
        hint="月ごとの陽性率を3か月平均",
    ),
    WrongAnswer(
        cell="ex5",
        test="ex5_test",
        # A centred window needs next month's data: no value for the latest month.
        code=(
            EX5_HEAD
            + "sum3 = trend.rolling(3, center=True).sum()\n"
            + 'trend["陽性率_3か月"] = sum3["陽性頭数"] / sum3["検査頭数"]\n'
            + EX5_CI
        ),
        hint="center=True",
    ),
    WrongAnswer(
        cell="ex5",
        test="ex5_test",
        # Found-dead animals included: a sentinel sample mixed into the prevalence trend.
        code=(
            'trend = boar.groupby("年月")[["陽性頭数", "検査頭数"]].sum()\n'
            "sum3 = trend.rolling(3).sum()\n"
            'trend["陽性率_3か月"] = sum3["陽性頭数"] / sum3["検査頭数"]\n' + EX5_CI
        ),
        hint="死亡個体を含めています",
    ),
    # --- 演習6: first positive month and front speed
    WrongAnswer(
        cell="ex6",
        test="ex6_test",
        # First month with any test, not the first positive month.
        code=(
            'first_positive = boar.groupby("市町村")["年月"].min().sort_values()\n'
            "months_after = (first_positive.dt.year - 2018) * 12 + (first_positive.dt.month - 9)\n"
            "front_speed = np.polyfit(months_after, dist_km[first_positive.index], 1)[0]\n"
        ),
        hint="陽性頭数 > 0 の行だけ",
    ),
    WrongAnswer(
        cell="ex6",
        test="ex6_test",
        # x and y swapped: months per km instead of km per month.
        code=(
            'positives = boar[boar["陽性頭数"] > 0]\n'
            'first_positive = positives.groupby("市町村")["年月"].min().sort_values()\n'
            "months_after = (first_positive.dt.year - 2018) * 12 + (first_positive.dt.month - 9)\n"
            "front_speed = np.polyfit(dist_km[first_positive.index], months_after, 1)[0]\n"
        ),
        hint="x と y が逆",
    ),
    # --- 演習7: the alert rule
    WrongAnswer(
        cell="ex7",
        test="ex7_test",
        # Normal approximation: 1 of 1 gives a lower bound of 100 %.
        code=(
            EX7_HEAD
            + "w_low, _ = proportion_confint(pos3.to_numpy(), n3.to_numpy())\n"
            + "low3 = pd.DataFrame(w_low, index=pos3.index, columns=pos3.columns)\n"
            + "alert = low3 >= ALERT_LEVEL\n"
            + "first_alert = alert.idxmax()[alert.any()] + pd.offsets.MonthBegin(1)\n"
            + "n_alert_months = int(alert.to_numpy().sum())\n"
        ),
        hint="正規近似（Wald 法）の下限",
    ),
    WrongAnswer(
        cell="ex7",
        test="ex7_test",
        # Alert dated in the data month: the month's data are not complete until it ends.
        code=(
            EX7_HEAD
            + 'w_low, _ = proportion_confint(pos3.to_numpy(), n3.to_numpy(), method="wilson")\n'
            + "low3 = pd.DataFrame(w_low, index=pos3.index, columns=pos3.columns)\n"
            + "alert = low3 >= ALERT_LEVEL\n"
            + "first_alert = alert.idxmax()[alert.any()]\n"
            + "n_alert_months = int(alert.to_numpy().sum())\n"
        ),
        hint="翌月1日",
    ),
    # --- 演習8: evaluating the rule
    WrongAnswer(
        cell="ex8",
        test="ex8_test",
        # Subtraction the wrong way round: early warnings come out negative.
        code=(
            EX8_HEAD
            + 'lead["先行日数"] = (lead["初回警報日"] - lead["初回発生日"]).dt.days\n'
            + 'n_warned = int((lead["先行日数"] > 0).sum())\n'
        ),
        hint="引き算の向きが逆",
    ),
    WrongAnswer(
        cell="ex8",
        test="ex8_test",
        # Counting every municipality with an alert, including alerts after the outbreak.
        code=(
            EX8_HEAD
            + 'lead["先行日数"] = (lead["初回発生日"] - lead["初回警報日"]).dt.days\n'
            + 'n_warned = int(lead["初回警報日"].notna().sum())\n'
        ),
        hint="先行日数が正（> 0）の市町村の数",
    ),
    # --- 演習9: the alert rule judged on held-out months, false alarms included
    WrongAnswer(
        cell="ex9",
        test="ex9_test",
        # The rule judged without false alarms: only municipalities that had a farm outbreak.
        code=(
            'towns = sorted(set(sakura_all["市町村"]))\n'
            'test_alert = issued.loc["2020-01-01":"2020-12-01", towns]\n'
            'test_event = event.loc["2020-01-01":"2020-12-01", towns]\n'
            + EX9_COUNTS
            + ex9_verify("false_alarm / (hit + false_alarm)")
            + EX9_FARMS
        ),
        hint="空振りを数えていません",
    ),
    WrongAnswer(
        cell="ex9",
        test="ex9_test",
        # Judged on the same months the threshold was chosen on (the whole period).
        code=(
            "test_alert = issued\n"
            "test_event = event\n"
            + EX9_COUNTS
            + ex9_verify("false_alarm / (hit + false_alarm)")
            + EX9_FARMS
        ),
        hint="選定期間も含めた全期間で数えています",
    ),
    WrongAnswer(
        cell="ex9",
        test="ex9_test",
        # False-alarm rate (over quiet cells) reported as the share of alerts that were wrong.
        code=(
            'test_alert = issued.loc["2020-01-01":"2020-12-01"]\n'
            'test_event = event.loc["2020-01-01":"2020-12-01"]\n'
            + EX9_COUNTS
            + ex9_verify("false_alarm / (false_alarm + quiet)")
            + EX9_FARMS
        ),
        hint="それは誤警報率",
    ),
]

# --- Judgement questions (choice variables): every wrong option, each with its own hint
WRONG_ANSWERS += [
    *choice_answers(
        "ex3b",
        {
            "A": "死んで見つかる個体は、無作為に選ばれたイノシシではありません",
            "C": "問題は頭数ではなく、どんな個体が検査に回るか",
            "D": "計算の仕方を変えても、死亡個体に感染個体が集まる",
        },
    ),
    *choice_answers(
        "ex4b",
        {
            "A": "正規近似の区間は幅が0の [0%, 0%]",
            "C": "0頭でも区間を計算できます",
            "D": "隣の市の陽性率は、この町の検査結果ではありません",
        },
    ),
    *choice_answers(
        "ex5b",
        {
            "A": "陽性が1頭も出ていない市町村があります",
            "C": "検査頭数が少ない月に大きくぶれます",
            "D": "データと矛盾しない陽性率の範囲です",
        },
    ),
    *choice_answers(
        "ex8b",
        {
            "A": "外れた警報（空振り）が入っていません",
            "C": "発生前に警報できた市町村も少なければ、見逃しが増えます",
            "D": "t 検定では、採否に必要な空振りや見逃しは分かりません",
        },
    ),
    *choice_answers(
        "ex9b",
        {
            "A": "「3か月以内に発生」と予告できる成績でもありません",
            "C": "感染が来た合図として役に立ちます",
            "D": "たまたま合った分だけ良く見えます",
        },
    ),
]
