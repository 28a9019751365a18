"""Realistic wrong answers for unit 04 (t検定), each with the hint it must show."""

from harness import WrongAnswer
from harness import choice_answer as _choice

UNIT = "04_t_test"

NORTH = (
    'counter.loc[(counter["窓口"] == "北部出張窓口") & (counter["手続"] == "新規申請"),'
    ' "処理時間_分"]'
)
MAIN = (
    'counter.loc[(counter["窓口"] == "本庁窓口") & (counter["手続"] == "新規申請"), "処理時間_分"]'
)
ONE_SAMPLE_REST = (
    "n_north = len(north_app)\n"
    "mean_north = north_app.mean()\n"
    "se_north = sd_north / np.sqrt(n_north)\n"
    "t_north = (mean_north - 15) / se_north\n"
)
WELCH_PARTS = (
    "v_north = north_app.var() / len(north_app)\n"
    "v_main = main_app.var() / len(main_app)\n"
    "se_diff = np.sqrt(v_north + v_main)\n"
    "df_welch = (v_north + v_main) ** 2 / (\n"
    "    v_north**2 / (len(north_app) - 1) + v_main**2 / (len(main_app) - 1))\n"
    "diff_app = north_app.mean() - main_app.mean()\n"
)
PAIRED_PARTS = (
    "n_pairs = len(diff)\n"
    "d_paired = diff.mean() / diff.std()\n"
    "se_pair = diff.std() / np.sqrt(n_pairs)\n"
    "t_crit_pair = stats.t.ppf(0.975, n_pairs - 1)\n"
)


WRONG_ANSWERS: list[WrongAnswer] = [
    # --- 演習1: one-sample t by hand
    WrongAnswer(
        cell="ex1",
        test="ex1_test",
        # Forgot to drop the unrecorded times: len() counts the blank cells.
        code=(
            f"north_app = {NORTH}\n"
            "sd_north = north_app.std()\n"
            + ONE_SAMPLE_REST
            + "p_north = 2 * stats.t.sf(abs(t_north), df=n_north - 1)"
        ),
        hint=".dropna() で除きましょう",
    ),
    WrongAnswer(
        cell="ex1",
        test="ex1_test",
        # numpy's std divides by n (ddof=0), unlike Excel's STDEV.S and pandas' .std().
        code=(
            f"north_app = {NORTH}.dropna()\n"
            "sd_north = np.std(north_app)\n"
            + ONE_SAMPLE_REST
            + "p_north = 2 * stats.t.sf(abs(t_north), df=n_north - 1)"
        ),
        hint="ddof=1",
    ),
    WrongAnswer(
        cell="ex1",
        test="ex1_test",
        code=(
            f"north_app = {NORTH}.dropna()\n"
            "sd_north = north_app.std()\n"
            + ONE_SAMPLE_REST
            + "p_north = stats.t.sf(abs(t_north), df=n_north - 1)"
        ),
        hint="片側の p値",
    ),
    # --- 演習2: Welch's test with scipy
    WrongAnswer(
        cell="ex2",
        test="ex2_test",
        # scipy's default equal_var=True is Student's test.
        code=(
            f"main_app = {MAIN}.dropna()\n"
            "welch = stats.ttest_ind(north_app, main_app)\n"
            "t_welch = welch.statistic\n"
            "p_welch = welch.pvalue"
        ),
        hint="equal_var=False を指定しましょう",
    ),
    WrongAnswer(
        cell="ex2",
        test="ex2_test",
        code=(
            f"main_app = {MAIN}.dropna()\n"
            "welch = stats.ttest_ind(main_app, north_app, equal_var=False)\n"
            "t_welch = welch.statistic\n"
            "p_welch = welch.pvalue"
        ),
        hint="差の向きは 北部出張窓口 − 本庁窓口",
    ),
    WrongAnswer(
        cell="ex2",
        test="ex2_test",
        code=(
            f"main_app = {MAIN}\n"
            "welch = stats.ttest_ind(north_app, main_app, equal_var=False)\n"
            "t_welch = welch.statistic\n"
            "p_welch = welch.pvalue"
        ),
        hint="空欄があると nan を返す",
    ),
    # --- 演習3: Welch–Satterthwaite df and the CI by hand
    WrongAnswer(
        cell="ex3",
        test="ex3_test",
        code=(
            WELCH_PARTS.replace(
                "df_welch = (v_north + v_main) ** 2 / (\n"
                "    v_north**2 / (len(north_app) - 1) + v_main**2 / (len(main_app) - 1))\n",
                "df_welch = len(north_app) + len(main_app) - 2\n",
            )
            + "t_crit = stats.t.ppf(0.975, df_welch)\n"
            "ci_low = diff_app - t_crit * se_diff\n"
            "ci_high = diff_app + t_crit * se_diff"
        ),
        hint="Welch–Satterthwaite の式で計算しましょう",
    ),
    WrongAnswer(
        cell="ex3",
        test="ex3_test",
        code=(
            WELCH_PARTS + "ci_low = diff_app - 1.96 * se_diff\nci_high = diff_app + 1.96 * se_diff"
        ),
        hint="1.96（正規分布の値）を使っています",
    ),
    # --- 演習4: Cohen's d
    WrongAnswer(
        cell="ex4",
        test="ex4_test",
        # Dividing by the standard error gives the t statistic, not an effect size.
        code=(
            "se = np.sqrt(north_app.var() / len(north_app) + main_app.var() / len(main_app))\n"
            "d_app = (north_app.mean() - main_app.mean()) / se"
        ),
        hint="t 値（差 ÷ 標準誤差）",
    ),
    WrongAnswer(
        cell="ex4",
        test="ex4_test",
        code=(
            "n1, n2 = len(north_app), len(main_app)\n"
            "sd_pooled = np.sqrt(((n1 - 1) * north_app.var() + (n2 - 1) * main_app.var())"
            " / (n1 + n2 - 2))\n"
            "d_app = (main_app.mean() - north_app.mean()) / sd_pooled"
        ),
        hint="d_app が負です",
    ),
    # --- 演習4b: which reading of p = 0.09 is right
    _choice("ex4b", "A", "仮説が正しい確率ではありません"),
    _choice("ex4b", "C", "「差がない（同じ）」ことの証明ではありません"),
    _choice("ex4b", "D", "p値は差の大きさを表しません"),
    # --- 演習6: paired t-test
    WrongAnswer(
        cell="ex6",
        test="ex6_test",
        # Same staff before and after, tested as if they were two independent groups.
        code=(
            'work = genai.dropna(subset=["導入前_分", "導入後_分"])\n'
            'diff = work["導入前_分"] - work["導入後_分"]\n'
            'paired = stats.ttest_ind(work["導入前_分"], work["導入後_分"])\n'
            "t_paired = paired.statistic\n"
            "p_paired = paired.pvalue"
        ),
        hint="対応のある t 検定 stats.ttest_rel",
    ),
    WrongAnswer(
        cell="ex6",
        test="ex6_test",
        code=(
            'work = genai.dropna(subset=["導入前_分", "導入後_分"])\n'
            'diff = work["導入後_分"] - work["導入前_分"]\n'
            'paired = stats.ttest_rel(work["導入後_分"], work["導入前_分"])\n'
            "t_paired = paired.statistic\n"
            "p_paired = paired.pvalue"
        ),
        hint="削減時間は 導入前 − 導入後",
    ),
    WrongAnswer(
        cell="ex6",
        test="ex6_test",
        code=(
            "work = genai\n"
            'diff = work["導入前_分"] - work["導入後_分"]\n'
            'paired = stats.ttest_rel(work["導入前_分"], work["導入後_分"])\n'
            "t_paired = paired.statistic\n"
            "p_paired = paired.pvalue"
        ),
        hint="行ごと除きましょう",
    ),
    # --- 演習7: d_z and the CI of the mean saving
    WrongAnswer(
        cell="ex7",
        test="ex7_test",
        # The pooled SD of the two columns keeps the between-staff differences in.
        code=(
            PAIRED_PARTS.replace(
                "d_paired = diff.mean() / diff.std()\n",
                'd_paired = diff.mean() / np.sqrt((work["導入前_分"].var()'
                ' + work["導入後_分"].var()) / 2)\n',
            )
            + "ci_pair_low = diff.mean() - t_crit_pair * se_pair\n"
            "ci_pair_high = diff.mean() + t_crit_pair * se_pair"
        ),
        hint="差の標準偏差 diff.std() で割ります",
    ),
    WrongAnswer(
        cell="ex7",
        test="ex7_test",
        code=(
            "n_pairs = len(diff)\n"
            "d_paired = diff.mean() / diff.std()\n"
            'se_pair = np.sqrt(work["導入前_分"].var() / n_pairs'
            ' + work["導入後_分"].var() / n_pairs)\n'
            "t_crit_pair = stats.t.ppf(0.975, 2 * n_pairs - 2)\n"
            "ci_pair_low = diff.mean() - t_crit_pair * se_pair\n"
            "ci_pair_high = diff.mean() + t_crit_pair * se_pair"
        ),
        hint="独立な2群の標準誤差",
    ),
    # --- 演習7b: significant, but is the saving above the 120-minute threshold?
    _choice("ex7b", "A", "「120分以上か」には答えていません"),
    _choice("ex7b", "C", "大きさは信頼区間を分の単位で見て"),
    _choice("ex7b", "D", "削減があったことははっきりしています"),
    # --- 演習8: Shapiro–Wilk and Wilcoxon signed-rank
    WrongAnswer(
        cell="ex8",
        test="ex8_test",
        code=(
            "shapiro_p = stats.shapiro(diff).pvalue\n"
            'wilcoxon_p = stats.mannwhitneyu(work["導入前_分"], work["導入後_分"]).pvalue'
        ),
        hint="Wilcoxon の符号付き順位検定 stats.wilcoxon",
    ),
    WrongAnswer(
        cell="ex8",
        test="ex8_test",
        code=(
            'shapiro_p = stats.shapiro(work["導入前_分"]).pvalue\n'
            "wilcoxon_p = stats.wilcoxon(diff).pvalue"
        ),
        hint="差 diff の正規性",
    ),
    # --- 演習8b: which test fits the same 40 nurseries before and after
    _choice("ex8b", "A", "同じ保育所を2回測ったデータなので"),
    _choice("ex8b", "C", "独立な2群のための検定です"),
    _choice("ex8b", "D", "前年度の平均も標本から計算した値で"),
    # --- 演習9: family-wise error rate of 20 tests
    WrongAnswer(
        cell="ex9",
        test="ex9_test",
        code="fwer_20 = 0.05 * 20",
        hint="確率 0.05 を20回足しています",
    ),
    WrongAnswer(
        cell="ex9",
        test="ex9_test",
        code="fwer_20 = 0.95 ** 20",
        hint="1 から引いた値",
    ),
    # --- 演習10: Holm correction
    WrongAnswer(
        cell="ex10",
        test="ex10_test",
        code="reject_holm = (dept_p < 0.05).to_numpy()\nn_holm = int(reject_holm.sum())",
        hint="補正していない結果",
    ),
    WrongAnswer(
        cell="ex10",
        test="ex10_test",
        code=(
            'reject_holm, p_holm, _, _ = multipletests(dept_p, alpha=0.05, method="bonferroni")\n'
            "n_holm = int(reject_holm.sum())"
        ),
        hint="Bonferroni 法の結果",
    ),
    # --- 演習10b: ten tests, significant offices get an award: correct or not
    _choice("ex10b", "B", "どれか1つが偶然に有意になる確率"),
    _choice("ex10b", "C", "件数にかかわらず有意水準の5%"),
    # --- 演習11: sample size
    WrongAnswer(
        cell="ex11",
        test="ex11_test",
        code=(
            "n_needed = int(TTestIndPower().solve_power(effect_size=2 / 5, alpha=0.05, power=0.8))"
        ),
        hint="切り捨てています",
    ),
    WrongAnswer(
        cell="ex11",
        test="ex11_test",
        # The raw difference in minutes passed where Cohen's d is expected.
        code=(
            "n_needed = math.ceil(TTestIndPower().solve_power(effect_size=2, alpha=0.05,"
            " power=0.8))"
        ),
        hint="効果量 = 差 ÷ 標準偏差",
    ),
    WrongAnswer(
        cell="ex11",
        test="ex11_test",
        code=(
            "n_needed = math.ceil(TTestIndPower().solve_power(\n"
            '    effect_size=2 / 5, alpha=0.05, power=0.8, alternative="larger"))'
        ),
        hint="片側検定の件数",
    ),
    # --- 演習11b: are 20 per group enough for d = 0.4
    _choice("ex11b", "A", "有意でないことは「差がない」ことの証明ではありません"),
    _choice("ex11b", "C", "検出力）とは別の話です"),
]
