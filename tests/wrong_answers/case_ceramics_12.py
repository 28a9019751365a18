"""Realistic wrong answers for case unit 12 (陶器の熱膨張係数の予測), each with its hint."""

from harness import WrongAnswer, choice_answers

UNIT = "12_case_ceramics"

FIT_BASE = (
    'fit_base = smf.ols("熱膨張係数 ~ ペタライト + 石英 + 長石 + 焼成温度 + 保持時間",'
    " data=data).fit()\n"
)
SIMPLE = 'smf.ols("熱膨張係数 ~ ペタライト", data=data).fit().params["ペタライト"]'
PLAN_PRED = (
    'plan_pred = pd.DataFrame({{"配合名": plans["配合名"], "予測値": frame["mean"].to_numpy(),'
    ' "予測上限": frame["{upper}"].to_numpy()}})'
)
FIT_INTER = (
    'fit_inter = smf.ols("熱膨張係数 ~ ペタライト + 石英 * 焼成温度 + 長石 + 保持時間",'
    " data=data).fit()\n"
)
PREDICT = "frame = fit_final.get_prediction(plans).summary_frame(alpha={alpha})\n"

WRONG_ANSWERS: list[WrongAnswer] = [
    # ex1: typed numbers -> float
    WrongAnswer(
        cell="ex1",
        test="ex1_test",
        # errors="coerce" silently turns every dirty value into NaN.
        code=(
            "df1 = raw.copy()\n"
            'df1["焼成温度_℃"] = pd.to_numeric(df1["焼成温度_℃"], errors="coerce")\n'
            'df1["熱膨張係数"] = pd.to_numeric(df1["熱膨張係数"], errors="coerce")'
        ),
        hint="errors='coerce' で消すのではなく",
    ),
    WrongAnswer(
        cell="ex1",
        test="ex1_test",
        # NFKC first turns "℃" into "°C", so the later replace of "℃" finds nothing.
        code=(
            "def to_number(s):\n"
            '    text = s.str.normalize("NFKC").str.replace(",", "").str.replace("℃", "")\n'
            '    return pd.to_numeric(text, errors="coerce")\n'
            "df1 = raw.copy()\n"
            'df1["焼成温度_℃"] = to_number(df1["焼成温度_℃"])\n'
            'df1["熱膨張係数"] = to_number(df1["熱膨張係数"])'
        ),
        hint="NFKC は「℃」を「°C」に書き換える",
    ),
    # ex2: unit mix-up
    WrongAnswer(
        cell="ex2",
        test="ex2_test",
        code=(
            "df2 = df1.copy()\n"
            'old_unit = df2["測定単位"] == "×10^-7/K"\n'
            'df2.loc[old_unit, "熱膨張係数"] = df2.loc[old_unit, "熱膨張係数"] * 10'
        ),
        hint="×10^-7/K の行を10倍しています",
    ),
    # ex3: duplicates, missing soak times, compositions
    WrongAnswer(
        cell="ex3",
        test="ex3_test",
        # dropna() without subset also drops every row with an empty 備考.
        code=(
            "batches = df2.drop_duplicates().dropna()\n"
            "total = batches[COMPOSITION].sum(axis=1)\n"
            "batches = batches[(total - 100).abs() <= 0.5]"
        ),
        hint="備考 が空欄なだけの行まで消して",
    ),
    WrongAnswer(
        cell="ex3",
        test="ex3_test",
        code='batches = df2.drop_duplicates().dropna(subset=["保持時間_h"])',
        hint="配合の合計が100%にならない行",
    ),
    # ex4: multiple regression, coefficients in the shop floor's units
    WrongAnswer(
        cell="ex4",
        test="ex4_test",
        # The simple-regression slope of petalite instead of the multiple-regression one.
        code=(
            FIT_BASE + f'coef_petalite = {SIMPLE}\neffect_10c = fit_base.params["焼成温度"] * 10'
        ),
        hint="ペタライトだけの単回帰の傾き",
    ),
    WrongAnswer(
        cell="ex4",
        test="ex4_test",
        code=(
            FIT_BASE + 'coef_petalite = fit_base.params["ペタライト"]\n'
            'effect_10c = fit_base.params["焼成温度"]'
        ),
        hint="係数を10倍しましょう",
    ),
    # ex6: adjusted R-squared
    WrongAnswer(
        cell="ex6",
        test="ex6_test",
        code=FIT_INTER + "adj_base = fit_base.rsquared\nadj_inter = fit_inter.rsquared",
        hint="自由度調整済み R²（rsquared_adj）で比べましょう",
    ),
    # ex7: residual outlier
    WrongAnswer(
        cell="ex7",
        test="ex7_test",
        code=(
            "fig, ax_resid = plt.subplots()\n"
            "ax_resid.scatter(fit_inter.fittedvalues, fit_inter.resid)\n"
            'ax_resid.set_xlabel("予測値")\n'
            'ax_resid.set_ylabel("残差")\n'
            'worst_batch = data.loc[data["熱膨張係数"].idxmax(), "バッチID"]'
        ),
        hint="熱膨張係数が最大のバッチを選んでいます",
    ),
    # ex8: prediction interval, not confidence interval
    WrongAnswer(
        cell="ex8",
        test="ex8_test",
        code=(PREDICT.format(alpha=0.05) + PLAN_PRED.format(upper="mean_ci_upper")),
        hint="平均の信頼区間の上限（mean_ci_upper）",
    ),
    WrongAnswer(
        cell="ex8",
        test="ex8_test",
        code=(PREDICT.format(alpha=0.1) + PLAN_PRED.format(upper="obs_ci_upper")),
        hint="alpha=0.1 は90%",
    ),
    # ex9: spec check with the upper prediction bound
    WrongAnswer(
        cell="ex9",
        test="ex9_test",
        code='fail_plans = plan_pred.loc[plan_pred["予測値"] > SPEC, "配合名"].tolist()',
        hint="予測値だけで判定しています",
    ),
]

# Decisions: one wrong answer per wrong option, each with its own hint.
WRONG_ANSWERS += [
    # ex6b: which model to predict with.
    *choice_answers(
        "ex6b",
        {
            "A": "意味のない項を足しても下がりません",
            "C": "少ない説明変数が「必ず」よいわけではありません",
            "D": "手元のデータに合わせすぎた（過学習の）モデル",
        },
    ),
    # ex8b: what the upper limit of the prediction interval means.
    *choice_answers(
        "ex8b",
        {
            "A": "平均についての範囲は信頼区間",
            "C": "過去のデータの分布を書き写したものではなく",
            "D": "この判定では「規格内と言える」配合です",
        },
    ),
    # ex9b: more trial firings, or a new recipe?
    *choice_answers(
        "ex9b",
        {
            "A": "何回焼いても、上限は「予測値 + t × s」",
            "C": "予測値は1バッチの値の真ん中の見込みにすぎません",
            "D": "平均の信頼区間は、何百回も焼いたときの平均",
        },
    ),
    # ex9c: a recipe outside the data (extrapolation).
    *choice_answers(
        "ex9c",
        {
            "A": "範囲の外（外挿）では",
            "B": "区間を広げても",
            "C": "範囲の外でも直線が続くかどうかは、p値からは分かりません",
        },
    ),
]
