"""Realistic wrong answers for unit 15 (政策評価と効果測定), each with the hint it must show.

Decision questions (choice_exN) get one wrong answer per wrong option, each with its own hint.
"""

from harness import WrongAnswer, choice_answers

UNIT = "15_policy_evaluation"

CLUSTER = 'cov_type="cluster", cov_kwds={"groups": did_data["団体コード"]}'

WRONG_ANSWERS: list[WrongAnswer] = [
    # ex1: cleaning
    WrongAnswer(
        cell="ex1",
        test="ex1_test",
        # The 県計 row is kept: it would enter every average as one more "municipality".
        code=(
            "panel = raw.copy()\n"
            'panel["年度"] = panel["年度"].map(wareki_to_year).astype(int)\n'
            'for column in ["人口", "転入者数", "転出者数"]:\n'
            "    panel[column] = to_number(panel[column])\n"
            'panel = panel.dropna(subset=["人口", "転入者数", "転出者数"])'
        ),
        hint="県計の行",
    ),
    WrongAnswer(
        cell="ex1",
        test="ex1_test",
        # pd.to_numeric after removing commas: 全角 digits silently become NaN and the
        # rows are dropped together with the "-" rows.
        code=(
            'panel = raw[~raw["市町村名"].str.endswith("計")].copy()\n'
            'panel["年度"] = panel["年度"].map(wareki_to_year).astype(int)\n'
            'for column in ["人口", "転入者数", "転出者数"]:\n'
            '    text = panel[column].str.replace(",", "")\n'
            '    panel[column] = pd.to_numeric(text, errors="coerce")\n'
            "panel = panel.dropna()"
        ),
        hint="全角数字（１２，３４５）",
    ),
    # ex2: net migration rate
    WrongAnswer(
        cell="ex2",
        test="ex2_test",
        code='panel["純移動率"] = (panel["転入者数"] - panel["転出者数"]) / panel["人口"] * 100',
        hint="人口「千人あたり」",
    ),
    WrongAnswer(
        cell="ex2",
        test="ex2_test",
        code='panel["純移動率"] = (panel["転出者数"] - panel["転入者数"]) / panel["人口"] * 1000',
        hint="「転入 − 転出」の順",
    ),
    # ex3: analysis sample
    WrongAnswer(
        cell="ex3",
        test="ex3_test",
        # Counting years by name: 北山町/北山市 (renamed in 2018) drop out.
        code=(
            'complete = panel.groupby("市町村名")["年度"].transform("size") == 13\n'
            'start_year = panel["団体コード"].map(programs.set_index("団体コード")["開始年"])\n'
            "did_data = panel[complete & (start_year != 2022)].copy()\n"
            'did_data["対象"] = (start_year[complete & (start_year != 2022)] == 2018).astype(int)\n'
            'did_data["後"] = (did_data["年度"] >= 2018).astype(int)'
        ),
        hint="団体コードで年度数を数えましょう",
    ),
    WrongAnswer(
        cell="ex3",
        test="ex3_test",
        # Late adopters (令和4年度) kept as comparison municipalities.
        code=(
            'complete = panel.groupby("団体コード")["年度"].transform("size") == 13\n'
            'start_year = panel["団体コード"].map(programs.set_index("団体コード")["開始年"])\n'
            "did_data = panel[complete].copy()\n"
            'did_data["対象"] = (start_year[complete] == 2018).astype(int)\n'
            'did_data["後"] = (did_data["年度"] >= 2018).astype(int)'
        ),
        hint="令和4年度に始めた市町村が残っています",
    ),
    # ex4: before/after
    WrongAnswer(
        cell="ex4",
        test="ex4_test",
        code=(
            'treated = did_data[did_data["対象"] == 1]\n'
            'before_after = treated.loc[treated["後"] == 0, "純移動率"].mean()'
            ' - treated.loc[treated["後"] == 1, "純移動率"].mean()'
        ),
        hint="「実施後の平均 − 実施前の平均」の順",
    ),
    WrongAnswer(
        cell="ex4",
        test="ex4_test",
        # A cross-section after the start instead of the same municipalities before/after.
        code=(
            'after = did_data[did_data["後"] == 1]\n'
            'before_after = after.loc[after["対象"] == 1, "純移動率"].mean()'
            ' - after.loc[after["対象"] == 0, "純移動率"].mean()'
        ),
        hint="対象群の前と後を比べます",
    ),
    # ex5: 2x2 table and DiD by hand
    WrongAnswer(
        cell="ex5",
        test="ex5_test",
        code=(
            'table_2x2 = did_data.groupby(["対象", "後"])["純移動率"].mean().unstack()\n'
            "did_hand = (table_2x2.loc[0, 1] - table_2x2.loc[0, 0])"
            " - (table_2x2.loc[1, 1] - table_2x2.loc[1, 0])"
        ),
        hint="引き算の順番が逆です",
    ),
    WrongAnswer(
        cell="ex5",
        test="ex5_test",
        code=(
            'table_2x2 = did_data.groupby(["対象", "後"])["純移動率"].mean().unstack()\n'
            "did_hand = table_2x2.loc[1, 1] - table_2x2.loc[0, 1]"
        ),
        hint="実施前の差",
    ),
    # ex6: DiD by OLS with cluster-robust SE
    WrongAnswer(
        cell="ex6",
        test="ex6_test",
        code=(
            'fit_did = smf.ols("純移動率 ~ 対象 * 後", data=did_data).fit()\n'
            'did_coef = fit_did.params["対象:後"]\n'
            'did_se = fit_did.bse["対象:後"]\n'
            'did_ci = tuple(fit_did.conf_int().loc["対象:後"])'
        ),
        hint="クラスター頑健になっていません",
    ),
    WrongAnswer(
        cell="ex6",
        test="ex6_test",
        code=(
            f'fit_did = smf.ols("純移動率 ~ 対象 * 後", data=did_data).fit({CLUSTER})\n'
            'did_coef = fit_did.params["対象:後"]\n'
            'did_se = fit_did.bse["対象:後"]\n'
            'did_ci = tuple(fit_did.conf_int(alpha=0.1).loc["対象:後"])'
        ),
        hint="90%信頼区間",
    ),
    # ex7: pre-trend test
    WrongAnswer(
        cell="ex7",
        test="ex7_test",
        # All years: the policy effect itself then looks like a slope difference.
        code=(
            f'fit_pre = smf.ols("純移動率 ~ 対象 * 年度", data=did_data).fit({CLUSTER})\n'
            'pretrend_diff = fit_pre.params["対象:年度"]\n'
            'pretrend_p = fit_pre.pvalues["対象:年度"]'
        ),
        hint="実施前（2017年度まで）の行だけ",
    ),
    # ex8: placebo
    WrongAnswer(
        cell="ex8",
        test="ex8_test",
        code=(
            "placebo = did_data.copy()\n"
            'placebo["偽の後"] = (placebo["年度"] >= 2015).astype(int)\n'
            'fit_placebo = smf.ols("純移動率 ~ 対象 * 偽の後", data=placebo).fit(\n'
            '    cov_type="cluster", cov_kwds={"groups": placebo["団体コード"]})\n'
            'placebo_coef = fit_placebo.params["対象:偽の後"]\n'
            'placebo_p = fit_placebo.pvalues["対象:偽の後"]'
        ),
        hint="本当の施策が始まる前の期間だけ",
    ),
    WrongAnswer(
        cell="ex8",
        test="ex8_test",
        code=(
            'placebo = did_data[did_data["年度"] <= 2017].copy()\n'
            'placebo["偽の後"] = (placebo["年度"] > 2015).astype(int)\n'
            'fit_placebo = smf.ols("純移動率 ~ 対象 * 偽の後", data=placebo).fit(\n'
            '    cov_type="cluster", cov_kwds={"groups": placebo["団体コード"]})\n'
            'placebo_coef = fit_placebo.params["対象:偽の後"]\n'
            'placebo_p = fit_placebo.pvalues["対象:偽の後"]'
        ),
        hint="偽の開始年度から 1 です",
    ),
    # ex6b: the before-after change taken as the effect, the post level alone, or "levels differ".
    *choice_answers(
        "ex6b",
        {
            "A": "前後比較はこの共通の変化まで",
            "C": "実施後の水準だけでは",
            "D": "実施前の水準の違いは差し引かれます",
        },
    ),
    # ex6c: the CI as a probability, the DiD as programme users, significance as size.
    *choice_answers(
        "ex6c",
        {
            "B": "作り方の性質です",
            "C": "誰が事業を使って移住したかは分かりません",
            "D": "p値が小さいことは効果が大きいことを意味しません",
        },
    ),
    # ex8b: "not significant" as proof, levels as the test, the placebo as the effect.
    *choice_answers(
        "ex8b",
        {
            "A": "証明ではありません",
            "B": "水準ではなく、動き（傾き）の違い",
            "D": "点検に合格した",
        },
    ),
    # ex9b: before-after as evidence, "no effect", expanding everywhere at once.
    *choice_answers(
        "ex9b",
        {
            "A": "効果の根拠には使えません",
            "B": "0を含まず",
            "C": "比較群がなくなり",
        },
    ),
]
