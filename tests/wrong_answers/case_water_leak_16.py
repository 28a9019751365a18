"""Realistic wrong answers for unit 16 (漏水リスクの予測と調査計画), each with its hint.

Decision questions (choice_exN) get one wrong answer per wrong option, each with its own hint.
"""

from harness import WrongAnswer
from harness import choice_answer as _choice

UNIT = "16_case_water_leak"

FORMULA = (
    "formula = (\n"
    '    \'漏水 ~ 経過年数 + C(材質, Treatment("ダクタイル鋳鉄管")) + 口径_mm'
    ' + C(土壌, Treatment("砂質土"))\'\n'
    "    ' + C(交通量, Treatment(\"少\")) + 土壌水分_偏差 + 過去5年の漏水件数 + 延長_km'\n"
    ")\n"
    "fit_logit = smf.logit(formula, data=train).fit(disp=0)\n"
)
RANKED = (
    'ranked = test.assign(予測確率=p_test, 見込み_km=p_test / test["延長_km"])\n'
    'ranked = ranked.sort_values("見込み_km", ascending=False)\n'
)


WRONG_ANSWERS: list[WrongAnswer] = [
    # ex1: age at a fixed year (the register's "as of today" habit) instead of the row's year.
    WrongAnswer(
        cell="ex1",
        test="ex1_test",
        code=(
            'pipes["経過年数"] = 2024 - pipes["布設年度"]\n'
            'pipes["延長_km"] = pipes["延長_m"] / 1000'
        ),
        hint="その行の「年度」から布設年度を引きましょう",
    ),
    # ex1: metres to kilometres by 100.
    WrongAnswer(
        cell="ex1",
        test="ex1_test",
        code=(
            'pipes["経過年数"] = pipes["年度"] - pipes["布設年度"]\n'
            'pipes["延長_km"] = pipes["延長_m"] / 100'
        ),
        hint="1 km = 1000 m",
    ),
    # ex2: a random split, as in unit 05.
    WrongAnswer(
        cell="ex2",
        test="ex2_test",
        code="test = pipes.sample(frac=0.2, random_state=0)\ntrain = pipes.drop(test.index)",
        hint="ランダムに分けず（sample は使わず）",
    ),
    # ex2: every year for training, the test year included.
    WrongAnswer(
        cell="ex2",
        test="ex2_test",
        code='train = pipes\ntest = pipes[pipes["年度"] == 2024]',
        hint="train に2024年度の行が入っています",
    ),
    # ex2: only the last training year kept.
    WrongAnswer(
        cell="ex2",
        test="ex2_test",
        code='train = pipes[pipes["年度"] == 2023]\ntest = pipes[pipes["年度"] == 2024]',
        hint="2020〜2023年度のすべての行を学習に使いましょう",
    ),
    # ex3: the coefficient reported as the odds ratio.
    WrongAnswer(
        cell="ex3",
        test="ex3_test",
        code=FORMULA
        + 'or_age10 = np.exp(10 * fit_logit.params["経過年数"])\n'
        + 'or_past = fit_logit.params["過去5年の漏水件数"]',
        hint="np.exp で オッズ比 に直しましょう",
    ),
    # ex3: ten years as ten times the one-year odds ratio.
    WrongAnswer(
        cell="ex3",
        test="ex3_test",
        code=FORMULA
        + 'or_age10 = 10 * np.exp(fit_logit.params["経過年数"])\n'
        + 'or_past = np.exp(fit_logit.params["過去5年の漏水件数"])',
        hint="「1年分のオッズ比 × 10」",
    ),
    # ex3: the one-year odds ratio.
    WrongAnswer(
        cell="ex3",
        test="ex3_test",
        code=FORMULA
        + 'or_age10 = np.exp(fit_logit.params["経過年数"])\n'
        + 'or_past = np.exp(fit_logit.params["過去5年の漏水件数"])',
        hint="or_age10 が1年分のオッズ比です",
    ),
    # ex3: the satellite feature left out of the model.
    WrongAnswer(
        cell="ex3",
        test="ex3_test",
        code=(
            "fit_logit = smf.logit(\n"
            '    \'漏水 ~ 経過年数 + C(材質, Treatment("ダクタイル鋳鉄管")) + 口径_mm'
            ' + C(土壌, Treatment("砂質土"))\'\n'
            "    ' + C(交通量, Treatment(\"少\")) + 過去5年の漏水件数 + 延長_km',\n"
            "    data=train,\n"
            ").fit(disp=0)\n"
            'or_age10 = np.exp(10 * fit_logit.params["経過年数"])\n'
            'or_past = np.exp(fit_logit.params["過去5年の漏水件数"])'
        ),
        hint="切片を含めて14個",
    ),
    # ex2b: the records read as if every pipe had been surveyed.
    _choice("ex2b", "A", "「見つかっていない」です"),
    _choice("ex2b", "C", "行を除いても消えません"),
    _choice("ex2b", "D", "何行集めてもそのまま残ります"),
    # ex4: odds ratio read as a probability ratio, as a causal effect, as a share.
    _choice("ex4", "A", "確率の倍率ではありません"),
    _choice("ex4", "C", "修理の効果（因果）は分かりません"),
    _choice("ex4", "D", "割合（何%の管路で見つかるか）ではありません"),
    # ex6: AUC on the training years.
    WrongAnswer(
        cell="ex6",
        test="ex6_test",
        code=(
            'auc_model = roc_auc_score(train["漏水"], fit_logit.predict(train))\n'
            'auc_age = roc_auc_score(y_test, test["経過年数"])'
        ),
        hint="学習用のデータ（2020〜2023年度）で計算されています",
    ),
    # ex6: the laying year as the score: oldest gets the lowest score.
    WrongAnswer(
        cell="ex6",
        test="ex6_test",
        code=(
            "auc_model = roc_auc_score(y_test, p_test)\n"
            'auc_age = roc_auc_score(y_test, test["布設年度"])'
        ),
        hint="布設年度は古いほど小さい数",
    ),
    # ex7: ranked by probability, not by probability per km.
    WrongAnswer(
        cell="ex7",
        test="ex7_test",
        code=(
            'ranked = test.assign(予測確率=p_test).sort_values("予測確率", ascending=False)\n'
            'plan_model = ranked[ranked["延長_km"].cumsum() <= 300]\n'
            'km_model = plan_model["延長_km"].sum()\n'
            'hits_model = plan_model["漏水"].sum()'
        ),
        hint="1 kmあたりの見込み）の大きい順",
    ),
    # ex7: ranked by age only: the current plan again.
    WrongAnswer(
        cell="ex7",
        test="ex7_test",
        code=(
            'ranked = test.sort_values("経過年数", ascending=False)\n'
            'plan_model = ranked[ranked["延長_km"].cumsum() <= 300]\n'
            'km_model = plan_model["延長_km"].sum()\n'
            'hits_model = plan_model["漏水"].sum()'
        ),
        hint="経過年数（古い順）で並べています",
    ),
    # ex7: 300 pipes instead of 300 km (unit 09's 300 cases carried over).
    WrongAnswer(
        cell="ex7",
        test="ex7_test",
        code=RANKED
        + "plan_model = ranked.head(300)\n"
        + 'km_model = plan_model["延長_km"].sum()\n'
        + 'hits_model = plan_model["漏水"].sum()',
        hint="予算の300 kmを使い切るように",
    ),
    # ex7: the budget ignored: every pipe with an above-average score.
    WrongAnswer(
        cell="ex7",
        test="ex7_test",
        code=RANKED
        + 'plan_model = ranked[ranked["予測確率"] >= 0.05]\n'
        + 'km_model = plan_model["延長_km"].sum()\n'
        + 'hits_model = plan_model["漏水"].sum()',
        hint="予算の300 kmを超えています",
    ),
    # ex8: per pipe instead of per km.
    WrongAnswer(
        cell="ex8",
        test="ex8_test",
        code=(
            "per_km_model = hits_model / len(plan_model)\n"
            "per_km_age = hits_age / len(plan_age)\n"
            "share_found_model = hits_model / y_test.sum()"
        ),
        hint="管路の本数で割っています",
    ),
    # ex8: the recall divided by the budget.
    WrongAnswer(
        cell="ex8",
        test="ex8_test",
        code=(
            "per_km_model = hits_model / km_model\n"
            "per_km_age = hits_age / km_age\n"
            "share_found_model = hits_model / 300"
        ),
        hint="share_found_model を300で割っています",
    ),
    # ex8: the age plan's rate divided by the model's kilometres.
    WrongAnswer(
        cell="ex8",
        test="ex8_test",
        code=(
            "per_km_model = hits_model / km_model\n"
            "per_km_age = hits_age / 300\n"
            "share_found_model = hits_model / y_test.sum()"
        ),
        hint="per_km_age が正しくありません",
    ),
    # ex9: each wrong option with its own hint.
    _choice("ex9", "A", "毎年、計画の外の管路も含めて検証を続ける"),
    _choice("ex9", "C", "比べる調査を少し残しましょう"),
    _choice("ex9", "D", "原因と結果が逆"),
]
