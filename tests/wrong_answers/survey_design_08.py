"""Realistic wrong answers for unit 08 (調査設計とクロス集計), each with the hint it must show."""

from harness import WrongAnswer
from harness import choice_answer as _choice

UNIT = "08_survey_design"

SEND = "n_send = math.ceil(n_needed / 0.45)\n"
MARGINS = '{"年齢層": age_pop, "性別": sex_pop, "地域": area_pop}'
WEIGHTED = 'weighted_living = (w_living * living["満足計"]).sum() / w_living.sum()\n'
ONLINE_COUNTS = 'pd.crosstab(responses["年齢層"], responses["問3_オンライン申請"]'
ONLINE_TEST = (
    "online_test = stats.chi2_contingency(online_table)\n"
    "chi2_online = online_test.statistic\n"
    "p_online = online_test.pvalue\n"
)
SERVICE = 'service_table = pd.crosstab(responses["問3_オンライン申請"], responses["行政満足計"])\n'
SERVICE_N = "(service_table.to_numpy().sum() * (min(service_table.shape) - 1))"


WRONG_ANSWERS: list[WrongAnswer] = [
    # --- 演習1: sample size for ±3 points at 95 %
    WrongAnswer(
        cell="ex1",
        test="ex1_test",
        # 1.645 is the two-sided 90 % value, a common copy from a table's wrong row.
        code="n_needed = math.ceil(1.645**2 * 0.5 * (1 - 0.5) / 0.03**2)\n" + SEND,
        hint="z = 1.645 は90%の値です",
    ),
    WrongAnswer(
        cell="ex1",
        test="ex1_test",
        # ±3 points typed as 3 instead of 0.03.
        code="n_needed = math.ceil(1.96**2 * 0.5 * (1 - 0.5) / 3**2)\n" + SEND,
        hint="3 ではなく 0.03 です",
    ),
    WrongAnswer(
        cell="ex1",
        test="ex1_test",
        # The formula without rounding up: 1067.1 people.
        code="n_needed = 1.96**2 * 0.5 * (1 - 0.5) / 0.03**2\n" + SEND,
        hint="件数なので整数になるはずです",
    ),
    WrongAnswer(
        cell="ex1",
        test="ex1_test",
        # Multiplies by the return rate instead of dividing.
        code=(
            "n_needed = math.ceil(1.96**2 * 0.5 * (1 - 0.5) / 0.03**2)\n"
            "n_send = math.ceil(n_needed * 0.45)\n"
        ),
        hint="回収数 × 回収率 ではありません",
    ),
    # --- 演習2: is the number returned enough for ±3 points?
    _choice("ex2", "A", "誤差を決めるのは発送数ではなく"),
    _choice("ex2", "C", "回収率が低いと心配なのは誤差の大きさより"),
    # --- 演習3: direction of the non-response bias
    _choice("ex3", "A", "回答数を増やしても偏りは減りません"),
    _choice("ex3", "B", "それだけで使えないわけではありません"),
    # --- 演習4: raking to three margins
    WrongAnswer(
        cell="ex4",
        test="ex4_test",
        # The worked example's two margins, area forgotten.
        code='w_living = rake(living, {"年齢層": age_pop, "性別": sex_pop})\n' + WEIGHTED,
        hint="rake に 地域 の人口も渡しましたか",
    ),
    WrongAnswer(
        cell="ex4",
        test="ex4_test",
        # Weights computed, then the unweighted share reported.
        code=f'w_living = rake(living, {MARGINS})\nweighted_living = living["満足計"].mean()\n',
        hint="単純集計の割合と同じです",
    ),
    WrongAnswer(
        cell="ex4",
        test="ex4_test",
        # Mean of weight x value: divides by the number of people, not the total weight.
        code=f"w_living = rake(living, {MARGINS})\n"
        'weighted_living = (w_living * living["満足計"]).mean()\n',
        hint="w_living の合計 です",
    ),
    # --- 演習6: which percentage answers 「利用者の年齢構成」
    _choice("ex6", "B", "利用者（列）の側を100%にする列%"),
    _choice("ex6", "C", "行%と列%は100%にする合計が違う"),
    # --- 演習7: chi-squared test of independence
    WrongAnswer(
        cell="ex7",
        test="ex7_test",
        # The row-percentage table from the worked example handed to the test.
        code=f'online_table = {ONLINE_COUNTS}, normalize="index")\n' + ONLINE_TEST,
        hint="χ² 検定には人数の表",
    ),
    WrongAnswer(
        cell="ex7",
        test="ex7_test",
        # The table with its total row and column counted as cells.
        code=f"online_table = {ONLINE_COUNTS}, margins=True)\n" + ONLINE_TEST,
        hint="合計の行（All）",
    ),
    # --- 演習8: the expected-count condition
    _choice("ex8", "A", "p値はどんな表でも計算されてしまいます"),
    _choice("ex8", "C", "条件は観測度数ではなく期待度数"),
    # --- 演習9: Cramér's V on a 2 x 2 table
    WrongAnswer(
        cell="ex9",
        test="ex9_test",
        # chi2_contingency's default Yates correction on a 2 x 2 table.
        code=SERVICE
        + "service_chi2 = stats.chi2_contingency(service_table).statistic\n"
        + f"v_service = math.sqrt(service_chi2 / {SERVICE_N})\n",
        hint="Cramér の V には correction=False",
    ),
    WrongAnswer(
        cell="ex9",
        test="ex9_test",
        code=SERVICE
        + "service_chi2 = stats.chi2_contingency(service_table, correction=False).statistic\n"
        + f"v_service = service_chi2 / {SERVICE_N}\n",
        hint="平方根をとっていません",
    ),
    # --- 演習10: Simpson-type reversal by age group
    _choice("ex10", "B", "どの年齢層でも利用者の方が満足の割合が高く"),
    _choice("ex10", "C", "χ² 検定は関連があるかどうかを調べるだけ"),
]
