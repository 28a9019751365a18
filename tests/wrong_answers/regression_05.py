"""Realistic wrong answers for unit 05 (回帰分析), each with the hint it must show."""

from harness import WrongAnswer
from harness import choice_answer as _choice

UNIT = "05_regression"

PLOT_RESID = (
    "fig, ax_resid = plt.subplots()\n"
    "ax_resid.scatter(fit_type.fittedvalues, fit_type.resid)\n"
    'ax_resid.set_xlabel("予測値")\n'
    'ax_resid.set_ylabel("残差")\n'
)
NEW_HALL = (
    'new_hall = pd.DataFrame({"延床面積": [6000], "築年数": [15], "年間開館時間": [3200],'
    ' "種別": ["文化ホール"]})\n'
)
COLUMNS = 'cols = ["GNPDEFL", "GNP", "UNEMP", "ARMED", "POP", "YEAR"]\n'
INTER_MODEL = (
    "fit_inter = smf.ols('年間光熱費 ~ 延床面積 * C(種別, Treatment(\"庁舎\"))'\n"
    "                    ' + 築年数 + 年間開館時間', data=energy).fit()\n"
)
MULTI_MODEL = (
    'fit_multi = smf.ols("年間光熱費 ~ 延床面積 + 築年数 + 年間開館時間", data=energy).fit()\n'
)
INTER_TERM = "'延床面積:C(種別, Treatment(\"庁舎\"))[T.文化ホール]'"


WRONG_ANSWERS: list[WrongAnswer] = [
    # ex1: reading the slope with its units
    _choice("ex1", "A", "光熱費の単位は千円"),
    _choice("ex1", "C", "面積の違う施設どうしを比べたときの平均的な差"),
    # ex2: reading the coefficient table
    WrongAnswer(
        cell="ex2",
        test="ex2_test",
        code=(
            MULTI_MODEL + 'coef_age = fit_multi.params["築年数"]\n'
            'se_age = fit_multi.bse["築年数"]\n'
            'ci_age = tuple(fit_multi.conf_int(alpha=0.1).loc["築年数"])'
        ),
        hint="conf_int(alpha=0.1) は90%信頼区間",
    ),
    WrongAnswer(
        cell="ex2",
        test="ex2_test",
        # The simple-regression slope of age instead of the multiple-regression one.
        code=(
            MULTI_MODEL + 'simple = smf.ols("年間光熱費 ~ 築年数", data=energy).fit()\n'
            'coef_age = simple.params["築年数"]\n'
            'se_age = fit_multi.bse["築年数"]\n'
            'ci_age = tuple(fit_multi.conf_int().loc["築年数"])'
        ),
        hint="築年数だけの単回帰ではなく",
    ),
    WrongAnswer(
        cell="ex2",
        test="ex2_test",
        # coefficient ± one standard error taken for a 95% interval.
        code=(
            MULTI_MODEL + 'coef_age = fit_multi.params["築年数"]\n'
            'se_age = fit_multi.bse["築年数"]\n'
            "ci_age = (coef_age - se_age, coef_age + se_age)"
        ),
        hint="95%信頼区間は約2倍",
    ),
    # ex4: which model to report
    _choice("ex4", "A", "自由度調整済み R² なら比べられます"),
    _choice("ex4", "C", "意味のない変数（乱数）を足しても下がらない"),
    # ex5: reference category
    WrongAnswer(
        cell="ex5",
        test="ex5_test",
        # Default reference (体育館): the coefficient is the gap to gyms, not to offices.
        code=(
            'fit_type = smf.ols("年間光熱費 ~ 延床面積 + 築年数 + 年間開館時間 + C(種別)",'
            " data=energy).fit()\n"
            'coef_hall = fit_type.params["C(種別)[T.文化ホール]"]'
        ),
        hint="基準カテゴリが庁舎になっていません",
    ),
    WrongAnswer(
        cell="ex5",
        test="ex5_test",
        # Category forgotten altogether.
        code=(
            'fit_type = smf.ols("年間光熱費 ~ 延床面積 + 築年数 + 年間開館時間",'
            " data=energy).fit()\n"
            'coef_hall = fit_type.params["延床面積"]'
        ),
        hint="種別のダミー変数が入っていません",
    ),
    # ex6: interaction
    WrongAnswer(
        cell="ex6",
        test="ex6_test",
        code=INTER_MODEL + f"slope_hall = fit_inter.params[{INTER_TERM}]",
        hint="交互作用の係数だけ",
    ),
    WrongAnswer(
        cell="ex6",
        test="ex6_test",
        code=INTER_MODEL + 'slope_hall = fit_inter.params["延床面積"]',
        hint="基準（庁舎）の傾き",
    ),
    # ex7: VIF on Longley
    WrongAnswer(
        cell="ex7",
        test="ex7_test",
        # Constant added, but indices 0..5 labelled with the six names: shifted by one.
        code=(
            COLUMNS + "X = sm.add_constant(longley[cols])\n"
            "vif_longley = pd.Series([variance_inflation_factor(X.to_numpy(), i)"
            " for i in range(len(cols))], index=cols)"
        ),
        hint="列番号がずれていませんか",
    ),
    WrongAnswer(
        cell="ex7",
        test="ex7_test",
        # The whole table, target included.
        code=(
            "X = sm.add_constant(longley)\n"
            "vif_longley = pd.Series([variance_inflation_factor(X.to_numpy(), i)"
            " for i in range(1, X.shape[1])], index=X.columns[1:])"
        ),
        hint="目的変数 TOTEMP が入っています",
    ),
    # ex7b: a coefficient under heavy multicollinearity
    _choice("ex7b", "A", "効果を切り分けられず、係数は不安定"),
    _choice("ex7b", "C", "目的変数 TOTEMP は計算に使っていません"),
    # ex8: residual plot and outlier
    WrongAnswer(
        cell="ex8",
        test="ex8_test",
        code=PLOT_RESID + 'worst_id = energy.loc[energy["年間光熱費"].idxmax(), "施設ID"]',
        hint="光熱費が最大の施設を選んでいます",
    ),
    WrongAnswer(
        cell="ex8",
        test="ex8_test",
        code=PLOT_RESID + "worst_id = fit_type.resid.abs().idxmax()",
        hint="施設IDではありません",
    ),
    WrongAnswer(
        cell="ex8",
        test="ex8_test",
        code=(
            "fig, ax_resid = plt.subplots()\n"
            'ax_resid.scatter(energy["年間光熱費"], fit_type.resid)\n'
            'ax_resid.set_xlabel("実測値")\n'
            'ax_resid.set_ylabel("残差")\n'
            'worst_id = energy.loc[fit_type.resid.abs().idxmax(), "施設ID"]'
        ),
        hint="横軸が実測値",
    ),
    # ex8b: what the residual plot of fit_type shows
    _choice("ex8b", "A", "0の上下にあることは前提の確かめになりません"),
    _choice("ex8b", "C", "外れ値はすぐに削除せず"),
    # ex9: prediction interval vs confidence interval
    WrongAnswer(
        cell="ex9",
        test="ex9_test",
        code=(
            NEW_HALL + "frame = fit_type.get_prediction(new_hall).summary_frame(alpha=0.05)\n"
            'pred_mean = frame["mean"].iloc[0]\n'
            'pi_low = frame["mean_ci_lower"].iloc[0]\n'
            'pi_high = frame["mean_ci_upper"].iloc[0]'
        ),
        hint="平均の信頼区間（mean_ci_lower / mean_ci_upper）を使っていませんか",
    ),
    WrongAnswer(
        cell="ex9",
        test="ex9_test",
        code=(
            NEW_HALL + "frame = fit_type.get_prediction(new_hall).summary_frame(alpha=0.1)\n"
            'pred_mean = frame["mean"].iloc[0]\n'
            'pi_low = frame["obs_ci_lower"].iloc[0]\n'
            'pi_high = frame["obs_ci_upper"].iloc[0]'
        ),
        hint="alpha=0.1 は90%",
    ),
    # ex11: evaluation on training data, MSE, fitting on all data
    WrongAnswer(
        cell="ex11",
        test="ex11_test",
        code=(
            "fit_simple_tr = smf.ols(FORMULA_SIMPLE, data=train).fit()\n"
            "fit_flex_tr = smf.ols(FORMULA_FLEX, data=train).fit()\n"
            "rmse_simple_test = np.sqrt(np.mean(\n"
            '    (train["年間光熱費"] - fit_simple_tr.predict(train)) ** 2))\n'
            "rmse_flex_test = np.sqrt(np.mean(\n"
            '    (train["年間光熱費"] - fit_flex_tr.predict(train)) ** 2))'
        ),
        hint="学習用データでの RMSE になっています",
    ),
    WrongAnswer(
        cell="ex11",
        test="ex11_test",
        code=(
            "fit_simple_tr = smf.ols(FORMULA_SIMPLE, data=train).fit()\n"
            "fit_flex_tr = smf.ols(FORMULA_FLEX, data=train).fit()\n"
            'rmse_simple_test = np.mean((test["年間光熱費"] - fit_simple_tr.predict(test)) ** 2)\n'
            'rmse_flex_test = np.mean((test["年間光熱費"] - fit_flex_tr.predict(test)) ** 2)'
        ),
        hint="平方根（np.sqrt）",
    ),
    WrongAnswer(
        cell="ex11",
        test="ex11_test",
        code=(
            "fit_simple_tr = smf.ols(FORMULA_SIMPLE, data=energy).fit()\n"
            "fit_flex_tr = smf.ols(FORMULA_FLEX, data=energy).fit()\n"
            "rmse_simple_test = np.sqrt(np.mean(\n"
            '    (test["年間光熱費"] - fit_simple_tr.predict(test)) ** 2))\n'
            "rmse_flex_test = np.sqrt(np.mean(\n"
            '    (test["年間光熱費"] - fit_flex_tr.predict(test)) ** 2))'
        ),
        hint="学習用データ train（",
    ),
    # ex11b: in-sample adjusted R² against the test split
    _choice("ex11b", "A", "新しいデータでの予測の良さは測れません"),
    _choice("ex11b", "C", "施設数が説明変数の数より多くても過学習は起きます"),
]
