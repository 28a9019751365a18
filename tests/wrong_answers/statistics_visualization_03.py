"""Realistic wrong answers for unit 03 (統計の考え方と可視化), each with the hint it must show."""

from harness import WrongAnswer
from harness import choice_answer as _choice

UNIT = "03_statistics_visualization"

H = 'overtime["残業時間"]'
FINANCE = 'finance = overtime.loc[overtime["所属"] == "財政課", "残業時間"]\n'
CHART = (
    'ax = dept_mean.plot(kind="bar", rot=0)\n'
    'ax.set_title("部局別の平均残業時間")\n'
    'ax.set_ylabel("平均残業時間（時間）")\n'
)
DEPT = 'dept_mean = overtime.groupby("部局")["残業時間"].mean().sort_values(ascending=False)\n'
SIM = (
    "rng = np.random.default_rng(2024)\n"
    "sample_means = np.array([rng.choice(population, size=30, replace=False).mean()"
    " for _ in range(1000)])\n"
    "se_sim = sample_means.std(ddof=1)\n"
)
CI_TAIL = "ci_low = mean40 - t_crit * se40\nci_high = mean40 + t_crit * se40\n"


WRONG_ANSWERS: list[WrongAnswer] = [
    # ex1: which value stands for the typical member of staff (skewed hours)
    _choice("ex1", "A", "平均は真ん中の職員より大きくなります"),
    _choice("ex1", "C", "最頻値は「同じ値の人がいちばん多かった1点」"),
    # ex2: ddof
    WrongAnswer(
        cell="ex2",
        test="ex2_test",
        code=FINANCE + "var_s = finance.var()\nsd_s = np.std(finance)\nsd_p = finance.std(ddof=0)",
        hint="np.std() の既定は ddof=0",
    ),
    WrongAnswer(
        cell="ex2",
        test="ex2_test",
        code=FINANCE + "var_s = finance.var()\nsd_s = finance.std()\nsd_p = finance.std()",
        hint="STDEV.P（母集団）は ddof=0",
    ),
    # ex3: class boundaries and order
    WrongAnswer(
        cell="ex3",
        test="ex3_test",
        code=f"freq = pd.cut({H}, bins=range(0, 150, 10)).value_counts(sort=False)",
        hint="right=False",
    ),
    WrongAnswer(
        cell="ex3",
        test="ex3_test",
        code=f"freq = pd.cut({H}, bins=range(0, 150, 10), right=False).value_counts()",
        hint="階級の順に並んでいません",
    ),
    # ex4: IQR rule
    WrongAnswer(
        cell="ex4",
        test="ex4_test",
        code=(
            f"q1 = {H}.quantile(0.25)\nq3 = {H}.quantile(0.75)\niqr = q3 - q1\n"
            f"upper_fence = {H}.mean() + 2 * {H}.std()\n"
            f"outliers = overtime[{H} > upper_fence]"
        ),
        hint="平均 + 2 × 標準偏差",
    ),
    WrongAnswer(
        cell="ex4",
        test="ex4_test",
        code=(
            f"q1 = {H}.quantile(0.25)\nq3 = {H}.quantile(0.75)\niqr = q3 - q1\n"
            "upper_fence = q3 + 1.5 * iqr\n"
            f"outliers = overtime[{H} > q3]"
        ),
        hint="上限（upper_fence）以下の行",
    ),
    # ex5: correlation and the confounder
    WrongAnswer(
        cell="ex5",
        test="ex5_test",
        code=(
            'r_raw = towns["図書館数"].corr(towns["刑法犯認知件数"])\n'
            'r_per_capita = towns["図書館数"].corr(towns["刑法犯認知件数"] / towns["人口"] * 10000)'
        ),
        hint="両方の変数を人口で割りましたか",
    ),
    WrongAnswer(
        cell="ex5",
        test="ex5_test",
        code=(
            'r_raw = towns["図書館数"].cov(towns["刑法犯認知件数"])\n'
            'r_per_capita = (towns["図書館数"] / towns["人口"]).cov(towns["刑法犯認知件数"]'
            ' / towns["人口"])'
        ),
        hint=".cov()（共分散）ではなく .corr()",
    ),
    # ex13: a correlation that survives per-capita rates is still not a cause
    _choice("ex13", "B", "相関係数が大きくても、それだけでは"),
    _choice("ex13", "C", "人口規模の影響はすでに取り除かれています"),
    # ex7: the misleading chart
    WrongAnswer(
        cell="ex7",
        test="ex7_test",
        code=DEPT + CHART + "ax.set_ylim(8, 25)",
        hint="縦軸が0から始まっていません",
    ),
    WrongAnswer(
        cell="ex7",
        test="ex7_test",
        code=DEPT + 'ax = dept_mean.plot(kind="pie")\nax.set_title("部局別の平均残業時間")',
        hint="棒グラフになっていません",
    ),
    # ex12: is a bar chart with a truncated axis misleading
    _choice("ex12", "A", "目盛りに数字があっても、読み手の印象は「4倍」"),
    _choice("ex12", "B", "折れ線で縦軸を0から始めなくてよいのは"),
    # ex8: sampling distribution of the mean
    WrongAnswer(
        cell="ex8",
        test="ex8_test",
        code=SIM + "se_theory = population.std(ddof=0) / np.sqrt(1000)",
        hint="n は繰り返しの回数（1,000）ではなく",
    ),
    WrongAnswer(
        cell="ex8",
        test="ex8_test",
        # One sample of 1,000 staff instead of 1,000 means of 30.
        code=(
            "rng = np.random.default_rng(2024)\n"
            "sample_means = rng.choice(population, size=1000, replace=False)\n"
            "se_sim = sample_means.std(ddof=1)\n"
            "se_theory = population.std(ddof=0) / np.sqrt(30)"
        ),
        hint="個々の職員の値ではなく",
    ),
    # ex9: t interval
    WrongAnswer(
        cell="ex9",
        test="ex9_test",
        code=(
            "mean40 = sample40.mean()\nse40 = sample40.std() / np.sqrt(40)\n"
            "t_crit = 1.96\n" + CI_TAIL
        ),
        hint="正規分布の 1.96",
    ),
    WrongAnswer(
        cell="ex9",
        test="ex9_test",
        code=(
            "mean40 = sample40.mean()\nse40 = np.std(sample40) / np.sqrt(40)\n"
            "t_crit = stats.t.ppf(0.975, df=39)\n" + CI_TAIL
        ),
        hint="ddof=1 を使います",
    ),
    WrongAnswer(
        cell="ex9",
        test="ex9_test",
        code=(
            "mean40 = sample40.mean()\nse40 = sample40.std()\n"
            "t_crit = stats.t.ppf(0.975, df=39)\n" + CI_TAIL
        ),
        hint="標準誤差は 標準偏差 ÷ √n",
    ),
    WrongAnswer(
        cell="ex9",
        test="ex9_test",
        code=(
            "mean40 = sample40.mean()\nse40 = sample40.std() / np.sqrt(40)\n"
            "t_crit = stats.t.ppf(0.975, df=40)\n" + CI_TAIL
        ),
        hint="自由度は n − 1",
    ),
    # ex14: how many people halve the interval's width
    _choice("ex14", "A", "人数を2倍にしても幅は 1 ÷ √2"),
    _choice("ex14", "B", "計算の仕方を変えても、40人から分かることの不確かさは減りません"),
    # ex10: bootstrap
    WrongAnswer(
        cell="ex10",
        test="ex10_test",
        code=(
            "rng = np.random.default_rng(0)\n"
            "boot_medians = np.array([np.median(rng.choice(sample40, size=40, replace=False))"
            " for _ in range(5000)])\n"
            "boot_low, boot_high = np.percentile(boot_medians, [2.5, 97.5])"
        ),
        hint="復元抽出（replace=True）",
    ),
    WrongAnswer(
        cell="ex10",
        test="ex10_test",
        code=(
            "rng = np.random.default_rng(0)\n"
            "boot_medians = np.array([np.median(rng.choice(sample40, size=40, replace=True))"
            " for _ in range(5000)])\n"
            "boot_low, boot_high = np.percentile(boot_medians, [5, 95])"
        ),
        hint="90%区間です",
    ),
    # ex15: which interval for the median of a skewed sample
    _choice("ex15", "B", "t分布の区間は「平均」の信頼区間です"),
    _choice("ex15", "C", "一人ひとりの待ち時間の95%が入る範囲"),
]
