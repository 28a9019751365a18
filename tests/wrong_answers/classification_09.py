"""Realistic wrong answers for unit 09 (分類とリスク予測), each with the hint it must show.

Decision questions (choice_exN) get one wrong answer per wrong option: each option has
its own hint, so a learner learns why that option is wrong, not only that it is.
"""

from harness import WrongAnswer
from harness import choice_answer as _choice

UNIT = "09_classification"

LOGIT = (
    "fit_logit = smf.logit(\n"
    "    '危険判定 ~ 築年数 + 木造 + C(接道, Treatment(\"4m以上\")) + 固定資産税滞納'\n"
    "    ' + C(所有者住所, Treatment(\"市内\"))',\n"
    "    data=train,\n"
    ").fit(disp=0)\n"
)
CALIB = (
    "calib = (\n"
    "    test.assign(予測確率=p_test, グループ=pd.qcut(p_test, 10, labels=False))\n"
    '    .groupby("グループ")\n'
    '    .agg(予測の平均=("予測確率", "mean"), 実際の割合=("危険判定", "mean"))\n'
    ")\n"
    "pred_rate = p_test.mean()\n"
    'obs_rate = test["危険判定"].mean()\n'
)
SK_MODEL = 'model = LogisticRegression(C=np.inf, solver="newton-cholesky").fit(X_train, y_train)\n'
TOP_300 = (
    "ranked = p_test.sort_values(ascending=False)\n"
    "threshold_300 = ranked.iloc[299]\n"
    "top_300 = ranked.index[:300]\n"
    "hits_300 = int(y_test.loc[top_300].sum())\n"
)


WRONG_ANSWERS: list[WrongAnswer] = [
    # ex1: a random split, as in unit 05, mixes 2024 into the training data.
    WrongAnswer(
        cell="ex1",
        test="ex1_test",
        code="test = houses.sample(frac=0.2, random_state=0)\ntrain = houses.drop(test.index)",
        hint="ランダムに分けず（sample は使わず）",
    ),
    # ex2: why split by year: every wrong option has its own hint.
    _choice("ex2", "A", "seed を固定すれば毎回同じ"),
    _choice("ex2", "B", "最新のデータを学習に使うこと自体は過学習ではありません"),
    _choice("ex2", "C", "frac=0.2 なら件数の比は毎回同じ"),
    # ex3: the coefficient reported as the odds ratio.
    WrongAnswer(
        cell="ex3",
        test="ex3_test",
        code=LOGIT + 'or_arrears = fit_logit.params["固定資産税滞納"]\n'
        'or_age10 = np.exp(10 * fit_logit.params["築年数"])',
        hint="係数そのもの（対数オッズの差）",
    ),
    # ex3: ten years' odds ratio as ten times one year's.
    WrongAnswer(
        cell="ex3",
        test="ex3_test",
        code=LOGIT + 'or_arrears = np.exp(fit_logit.params["固定資産税滞納"])\n'
        'or_age10 = 10 * np.exp(fit_logit.params["築年数"])',
        hint="「1年分のオッズ比 × 10」",
    ),
    # ex3: linear regression on a 0/1 outcome.
    WrongAnswer(
        cell="ex3",
        test="ex3_test",
        code=LOGIT.replace("smf.logit", "smf.ols").replace(".fit(disp=0)", ".fit()")
        + 'or_arrears = np.exp(fit_logit.params["固定資産税滞納"])\n'
        'or_age10 = np.exp(10 * fit_logit.params["築年数"])',
        hint="smf.ols ではなく smf.logit",
    ),
    # ex4: reading the odds ratio.
    _choice("ex4", "A", "オッズ比は確率の比ではありません"),
    _choice("ex4", "C", "因果は言えません"),
    _choice("ex4", "D", "確率の差（ポイント）ではありません"),
    # ex6: log-odds (the linear predictor) taken for probabilities.
    WrongAnswer(
        cell="ex6",
        test="ex6_test",
        code='p_test = fit_logit.predict(test, which="linear")\n' + CALIB,
        hint='対数オッズ（which="linear"）',
    ),
    # ex7: 0/1 decisions instead of probabilities.
    WrongAnswer(
        cell="ex7",
        test="ex7_test",
        code=SK_MODEL + "p_test_sk = model.predict(X_test)",
        hint="model.predict は0.5を境にした判定",
    ),
    # ex7: the probability of class 0.
    WrongAnswer(
        cell="ex7",
        test="ex7_test",
        code=SK_MODEL + "p_test_sk = model.predict_proba(X_test)[:, 0]",
        hint="列 0 は 0 の確率",
    ),
    # ex7: scikit-learn's default penalty shrinks the coefficients.
    WrongAnswer(
        cell="ex7",
        test="ex7_test",
        code="model = LogisticRegression(max_iter=1000).fit(X_train, y_train)\n"
        "p_test_sk = model.predict_proba(X_test)[:, 1]",
        hint="既定（C=1.0、正則化あり）",
    ),
    # ex8: precision and recall swapped.
    WrongAnswer(
        cell="ex8",
        test="ex8_test",
        code="flag_02 = p_test >= 0.2\nflagged_02 = int(flag_02.sum())\n"
        "precision_02 = recall_score(y_test, flag_02)\n"
        "recall_02 = precision_score(y_test, flag_02)",
        hint="適合率と再現率が入れ替わっています",
    ),
    # ex8: the threshold left at 0.5.
    WrongAnswer(
        cell="ex8",
        test="ex8_test",
        code="flag_02 = p_test >= 0.5\nflagged_02 = int(flag_02.sum())\n"
        "precision_02 = precision_score(y_test, flag_02)\n"
        "recall_02 = recall_score(y_test, flag_02)",
        hint="しきい値 0.5 のときの件数",
    ),
    # ex10: AUC of the 0/1 decisions instead of the scores.
    WrongAnswer(
        cell="ex10",
        test="ex10_test",
        code="auc_model = roc_auc_score(y_test, p_test >= 0.5)\n"
        'auc_age = roc_auc_score(y_test, test["築年数"])',
        hint="しきい値で切る前の予測確率 p_test",
    ),
    # ex11: is AUC 0.62 good enough?
    _choice("ex11", "A", "比べる相手は「でたらめ」ではなく今のやり方"),
    _choice("ex11", "B", "「0.7 未満は使えない」という決まった基準はありません"),
    _choice("ex11", "C", "p値は「係数が0でなさそうか」を示すだけ"),
    # ex12: threshold 0.5 whatever the budget.
    WrongAnswer(
        cell="ex12",
        test="ex12_test",
        code="threshold_300 = 0.5\nhits_300 = int(y_test[p_test >= 0.5].sum())\n"
        "precision_300 = hits_300 / 300\nrecall_300 = hits_300 / y_test.sum()",
        hint="しきい値 0.5 のような決まった値ではなく",
    ),
    # ex12: recall divided by the number surveyed (precision again).
    WrongAnswer(
        cell="ex12",
        test="ex12_test",
        code=TOP_300 + "precision_300 = hits_300 / 300\nrecall_300 = hits_300 / 300",
        hint="適合率と同じ「÷ 300（調査した件数）」",
    ),
    # ex13: which way to choose under the budget.
    _choice("ex13", "A", "0.1 以上は300件を大きく超えます"),
    _choice("ex13", "C", "正解率が最も高いのは「ほとんど調査しない」しきい値"),
    _choice("ex13", "D", "調査枠を使わずに残すと"),
    # ex14: recall computed as hits / surveyed (that is precision).
    WrongAnswer(
        cell="ex14",
        test="ex14_test",
        code='by_area = survey.groupby("地区")[["調査", "危険", "的中", "空振り", "安全"]].sum()\n'
        'by_area["再現率"] = by_area["的中"] / by_area["調査"]\n'
        'by_area["誤警報率"] = by_area["空振り"] / by_area["安全"]',
        hint="（適合率）になっています",
    ),
]
