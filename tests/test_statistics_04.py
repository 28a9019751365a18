"""Independent checks of the statistics unit 04 (t検定) teaches.

Published values for Student's (1908) sleep data, as R prints them for ``t.test``,
``shapiro.test`` and ``power.t.test``, are compared with what the committed notebook
prints (nbval proves a fresh run prints the same) and with the hidden tests' own
computations (power, Holm), run here on right answers and, as negative controls, on
wrong ones. The claims the notebook and the data cards make about
``counter_service_time`` and ``genai_work_time`` (Student and Welch disagree, the mean
saving is 127 minutes, Holm differs from both no correction and Bonferroni …) are checked
against hand-written formulas, so a change to a generator that would make the text wrong
fails here."""

from __future__ import annotations

import contextlib
import csv
import io
import itertools
import math
import re
from statistics import NormalDist

import nbformat
import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook
from scipy import stats
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.power import TTestIndPower

from workbench import checks, datasets
from workbench.paths import REPO_ROOT

NORMAL = NormalDist()
TIGHT = 1e-9

# R's datasets::sleep, extra hours of sleep for drug 1 and drug 2 (Student 1908).
DRUG1 = [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0]
DRUG2 = [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4]
DIFFERENCES = [1.2, 2.4, 1.3, 1.3, 0.0, 1.0, 1.8, 0.8, 4.6, 1.4]


def _close(value: float, expected: float, rel: float = TIGHT) -> None:
    assert math.isclose(value, expected, rel_tol=rel, abs_tol=1e-12), (value, expected)


def _printed(value: float, printed: str) -> None:
    """``value`` agrees with a published number to every digit that was printed."""
    decimals = len(printed.split(".")[1]) if "." in printed else 0
    assert abs(value - float(printed)) <= 0.5 * 10**-decimals * (1 + 1e-9), (value, printed)


def _mean_var(xs: list[float]) -> tuple[float, float]:
    mean = sum(xs) / len(xs)
    return mean, sum((x - mean) ** 2 for x in xs) / (len(xs) - 1)


def _welch(a: list[float], b: list[float]) -> dict:
    (ma, va), (mb, vb) = _mean_var(a), _mean_var(b)
    v1, v2 = va / len(a), vb / len(b)
    se = math.sqrt(v1 + v2)
    df = (v1 + v2) ** 2 / (v1**2 / (len(a) - 1) + v2**2 / (len(b) - 1))
    t = (ma - mb) / se
    q = stats.t.ppf(0.975, df)
    return {
        "t": t,
        "df": df,
        "p": 2 * stats.t.sf(abs(t), df),
        "ci": (ma - mb - q * se, ma - mb + q * se),
    }


def _student(a: list[float], b: list[float]) -> dict:
    (ma, va), (mb, vb) = _mean_var(a), _mean_var(b)
    df = len(a) + len(b) - 2
    pooled = math.sqrt(((len(a) - 1) * va + (len(b) - 1) * vb) / df)
    se = pooled * math.sqrt(1 / len(a) + 1 / len(b))
    t = (ma - mb) / se
    q = stats.t.ppf(0.975, df)
    return {
        "t": t,
        "df": df,
        "p": 2 * stats.t.sf(abs(t), df),
        "ci": (ma - mb - q * se, ma - mb + q * se),
        "d": (ma - mb) / pooled,
    }


def _one_sample(xs: list[float], mu: float) -> dict:
    mean, var = _mean_var(xs)
    se = math.sqrt(var / len(xs))
    t = (mean - mu) / se
    q = stats.t.ppf(0.975, len(xs) - 1)
    return {
        "t": t,
        "df": len(xs) - 1,
        "p": 2 * stats.t.sf(abs(t), len(xs) - 1),
        "ci": (mean - q * se, mean + q * se),
        "d": (mean - mu) / math.sqrt(var),
    }


def _poly(coefficients: list[float], x: float) -> float:
    return sum(c * x**k for k, c in enumerate(coefficients))


def _shapiro(values: list[float]) -> tuple[float, float]:
    """Shapiro–Wilk W and p-value by Royston's approximations (AS R94), for n >= 6."""
    x = sorted(values)
    n = len(x)
    m = [NORMAL.inv_cdf((i - 0.375) / (n + 0.25)) for i in range(1, n + 1)]
    summ2 = sum(v * v for v in m)
    u = 1 / math.sqrt(n)
    a_n = m[-1] / math.sqrt(summ2) + _poly(
        [0, 0.221157, -0.147981, -2.071190, 4.434685, -2.706056], u
    )
    a_n1 = m[-2] / math.sqrt(summ2) + _poly(
        [0, 0.042981, -0.293762, -1.752461, 5.682633, -3.582633], u
    )
    phi = (summ2 - 2 * m[-1] ** 2 - 2 * m[-2] ** 2) / (1 - 2 * a_n**2 - 2 * a_n1**2)
    a = [v / math.sqrt(phi) for v in m]
    a[-1], a[-2], a[0], a[1] = a_n, a_n1, -a_n, -a_n1
    if n % 2:
        a[n // 2] = 0.0
    mean = sum(x) / n
    w = sum(ai * (xi - mean) for ai, xi in zip(a, x, strict=True)) ** 2 / (
        sum(ai * ai for ai in a) * sum((xi - mean) ** 2 for xi in x)
    )
    if n <= 11:
        gamma = -2.273 + 0.459 * n
        y = -math.log(gamma - math.log(1 - w))
        mu = _poly([0.5440, -0.39978, 0.025054, -6.714e-4], n)
        sigma = math.exp(_poly([1.3822, -0.77857, 0.062767, -0.0020322], n))
    else:
        y = math.log(1 - w)
        mu = _poly([-1.5861, -0.31082, -0.083751, 0.0038915], math.log(n))
        sigma = math.exp(_poly([-0.4803, -0.082676, 0.0030302], math.log(n)))
    return w, NORMAL.cdf(-(y - mu) / sigma)


def _signed_rank(differences: list[float], correction: bool = False) -> tuple[float, float]:
    """Wilcoxon signed-rank V and the normal-approximation p (zeros dropped, ties averaged)."""
    nonzero = [d for d in differences if d != 0]
    absolute = sorted(abs(d) for d in nonzero)
    rank, ties, i = {}, 0.0, 0
    while i < len(absolute):
        j = i
        while j < len(absolute) and absolute[j] == absolute[i]:
            j += 1
        rank[absolute[i]] = (i + 1 + j) / 2
        ties += (j - i) ** 3 - (j - i)
        i = j
    n = len(nonzero)
    v = sum(rank[abs(d)] for d in nonzero if d > 0)
    gap = v - n * (n + 1) / 4
    if correction:
        gap -= math.copysign(0.5, gap)
    z = gap / math.sqrt(n * (n + 1) * (2 * n + 1) / 24 - ties / 48)
    return v, 2 * NORMAL.cdf(-abs(z))


def _holm(p_values: list[float], alpha: float = 0.05) -> list[bool]:
    order = sorted(range(len(p_values)), key=p_values.__getitem__)
    reject = [False] * len(p_values)
    for k, index in enumerate(order):
        if p_values[index] > alpha / (len(p_values) - k):
            break
        reject[index] = True
    return reject


def _power(n: float, d: float, sides: int = 2, both_tails: bool = True) -> float:
    """Power of the two-sample t-test with n per group, from the noncentral t."""
    df = 2 * n - 2
    nc = d * math.sqrt(n / 2)
    crit = stats.t.ppf(1 - 0.05 / sides, df)
    lower = stats.nct.cdf(-crit, df, nc) if sides == 2 and both_tails else 0.0
    return stats.nct.sf(crit, df, nc) + lower


def _smallest_n(d: float, sides: int = 2) -> int:
    n = 2
    while _power(n, d, sides) < 0.8:
        n += 1
    return n


@pytest.fixture(scope="module")
def unit04():
    """The unit's parts (04a, 04b, …) read in order as one notebook: the cells of them all."""
    parts = sorted((REPO_ROOT / "courses" / "04_t_test").glob("04*.ipynb"))
    assert len(parts) > 1, parts
    notebooks = [nbformat.read(path, as_version=4) for path in parts]
    notebooks[0].cells = [cell for notebook in notebooks for cell in notebook.cells]
    return notebooks[0]


@pytest.fixture(scope="module")
def counter_times() -> dict[tuple[str, str], list[float]]:
    with open(datasets.path("counter_service_time"), encoding="cp932", newline="") as file:
        rows = list(csv.DictReader(file))
    groups: dict[tuple[str, str], list[float]] = {}
    for row in rows:
        if row["処理時間_分"] != "":
            groups.setdefault((row["窓口"], row["手続"]), []).append(float(row["処理時間_分"]))
    return groups


@pytest.fixture(scope="module")
def genai_pairs() -> list[tuple[str, float, float]]:
    sheet = load_workbook(datasets.path("genai_work_time"), read_only=True)["調査結果"]
    return [
        (row[1], float(row[2]), float(row[3]))
        for row in sheet.iter_rows(min_row=4, values_only=True)
        if row[2] is not None and row[3] is not None
    ]


# ------------------------------------------------ published values (R on Student's sleep)


def test_sleep_dataset_is_r_sleep():
    sleep = datasets.load("student_sleep")
    assert sleep["薬剤1_増加時間"].tolist() == DRUG1
    assert sleep["薬剤2_増加時間"].tolist() == DRUG2
    differences = (sleep["薬剤2_増加時間"] - sleep["薬剤1_増加時間"]).round(10).tolist()
    assert differences == DIFFERENCES


def _notebook_text(notebook) -> str:
    """Everything the committed notebook printed (nbval proves a fresh run prints it too)."""
    return "".join(
        output.text
        for cell in notebook.cells
        for output in cell.get("outputs", [])
        if output.output_type == "stream"
    )


def _shown(text: str, pattern: str) -> list[str]:
    match = re.search(pattern, text)
    assert match, f"the notebook no longer prints {pattern!r}"
    return list(match.groups())


def test_notebook_sleep_results_match_r(unit04):
    text = _notebook_text(unit04)
    # R: t.test(extra ~ group, data = sleep, paired = TRUE)
    #    t = -4.0621, df = 9, p-value = 0.002833, CI -2.4598858 -0.7001142 (group 1 - 2).
    t, df, p = _shown(text, r"対応のある t 検定: t = ([-\d.]+), 自由度 = (\d+), p = ([\d.]+)")
    _printed(4.0621, t)
    assert df == "9"
    _printed(0.002833, p)
    low, high = _shown(text, r"差の95%信頼区間: \[([-\d.]+), ([-\d.]+)\]時間")
    _printed(0.7001142, low)
    _printed(2.4598858, high)
    # R: t.test(extra ~ group, data = sleep): t = -1.8608, df = 17.776, p-value = 0.07939.
    t, p = _shown(text, r"独立な2群として Welch: t = ([-\d.]+), p = ([\d.]+)")
    _printed(1.8608, t)
    _printed(0.07939, p)
    # R: shapiro.test(sleep differences): W = 0.82987, p-value = 0.03334.
    w, p = _shown(text, r"睡眠データの差 Shapiro–Wilk: W = ([\d.]+), p = ([\d.]+)")
    _printed(0.82987, w)
    _printed(0.03334, p)
    # R: power.t.test(delta = 0.5, sd = 1, power = 0.8): n = 63.76576 per group.
    (n,) = _shown(text, r"1群あたり ([\d.]+)件 → 切り上げて")
    _printed(63.76576, n)


def test_notebook_wilcoxon_on_sleep_is_the_exact_permutation_p(unit04):
    # R's wilcox.test(..., paired = TRUE) cannot be exact with ties and prints the normal
    # approximation, p = 0.009091; scipy (and so the notebook) gives the exact p. V = 0:
    # of the 2^9 sign patterns of the nine non-zero differences, only "all positive" and
    # "all negative" are as extreme.
    nonzero = [d for d in DIFFERENCES if d != 0]
    ranks = sorted(abs(d) for d in nonzero)
    rank = {
        value: (ranks.index(value) + 1 + len(ranks) - ranks[::-1].index(value)) / 2
        for value in ranks
    }
    observed = min(
        sum(rank[abs(d)] for d in nonzero if d > 0), sum(rank[abs(d)] for d in nonzero if d < 0)
    )
    total, extreme = sum(rank[abs(d)] for d in nonzero), 0
    for signs in itertools.product((1, -1), repeat=len(nonzero)):
        plus = sum(rank[abs(d)] for d, sign in zip(nonzero, signs, strict=True) if sign > 0)
        extreme += min(plus, total - plus) <= observed
    exact = extreme / 2 ** len(nonzero)
    (p,) = _shown(_notebook_text(unit04), r"睡眠データ Wilcoxon 符号付き順位: p = ([\d.]+)")
    _printed(exact, p)
    assert abs(float(p) - 0.009091) > 0.005  # not R's approximation: the text says exact


def _run_test_cell(notebook, grade_id: str, **answers) -> dict:
    """Run the notebook's test cell (visible and hidden parts) on the given answers."""
    cell = next(
        c for c in notebook.cells if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id
    )
    namespace = {
        "__name__": "__main__",
        "math": math,
        "np": np,
        "pd": pd,
        "stats": stats,
        "multipletests": multipletests,
        "TTestIndPower": TTestIndPower,
        "checks": checks,
        "datasets": datasets,
        **answers,
    }
    with contextlib.redirect_stdout(io.StringIO()):
        exec(compile(cell.source, grade_id, "exec"), namespace)  # noqa: S102
    return namespace


def test_power_hidden_test_agrees_with_r(unit04):
    # R: power.t.test(delta = 2, sd = 5, power = 0.8): n = 99.08 per group, so 100;
    #    power.t.test(n = 100, delta = 2, sd = 5): power = 0.8036466;
    #    power.t.test(delta = 0.5, sd = 1, power = 0.8): n = 63.76576.
    # R's default (strict = FALSE) ignores the far tail, which the hidden test includes:
    # the difference is in the 6th digit.
    hidden = _run_test_cell(unit04, "ex11_test", n_needed=100)
    _printed(hidden["_power"](100, 0.4, 2), "0.8036")
    assert hidden["_smallest_n"](0.5, 2) == math.ceil(63.76576)
    for wrong in (99, 101, math.ceil(63.76576)):  # negative control: the test bites
        with pytest.raises(checks.CheckFailed):
            _run_test_cell(unit04, "ex11_test", n_needed=wrong)


def test_holm_hidden_test_agrees_with_statsmodels(unit04, genai_pairs):
    # The department p-values the notebook computes (its cell before 演習10).
    complete = datasets.load("genai_work_time").dropna(subset=["導入前_分", "導入後_分"])
    dept_p = complete.groupby("部署", sort=False).apply(
        lambda g: stats.ttest_rel(g["導入前_分"], g["導入後_分"]).pvalue
    )
    for method, should_pass in (("holm", True), ("bonferroni", False)):
        reject = multipletests(dept_p, alpha=0.05, method=method)[0]
        answers = {"dept_p": dept_p, "reject_holm": reject, "n_holm": int(reject.sum())}
        if should_pass:
            _run_test_cell(unit04, "ex10_test", **answers)
        else:  # negative control: Bonferroni's answer must not pass as Holm's
            with pytest.raises(checks.CheckFailed):
                _run_test_cell(unit04, "ex10_test", **answers)


# ------------------------------------------------ the course data, scipy vs hand


def test_one_sample_tests_of_the_unit(counter_times):
    cases = [(("本庁窓口", "交付"), 7.5), (("北部出張窓口", "新規申請"), 15.0)]
    for key, mu in cases:
        xs = counter_times[key]
        result = stats.ttest_1samp(xs, mu)
        hand = _one_sample(xs, mu)
        _close(result.statistic, hand["t"])
        _close(result.pvalue, hand["p"], 1e-7)
    # Notebook text: the 7.5-minute example is significant but tiny; 15 minutes is exceeded.
    example = _one_sample(counter_times[("本庁窓口", "交付")], 7.5)
    assert 0.03 < example["p"] < 0.04 and example["d"] < 0.2
    assert _one_sample(counter_times[("北部出張窓口", "新規申請")], 15.0)["p"] < 0.01


@pytest.mark.parametrize("procedure", ["交付", "新規申請"])
def test_welch_and_student_on_counters(counter_times, procedure):
    north = counter_times[("北部出張窓口", procedure)]
    main = counter_times[("本庁窓口", procedure)]
    welch = stats.ttest_ind(north, main, equal_var=False)
    hand = _welch(north, main)
    _close(welch.statistic, hand["t"])
    _close(welch.df, hand["df"])
    _close(welch.pvalue, hand["p"], 1e-7)
    ci = welch.confidence_interval(0.95)
    _close(ci.low, hand["ci"][0])
    _close(ci.high, hand["ci"][1])
    student = stats.ttest_ind(north, main)
    by_hand = _student(north, main)
    _close(student.statistic, by_hand["t"])
    _close(student.pvalue, by_hand["p"], 1e-7)
    # The branch has fewer visitors and the larger variance: Student is too liberal.
    assert len(north) < len(main) and _mean_var(north)[1] > _mean_var(main)[1]
    assert student.pvalue < welch.pvalue
    if procedure == "新規申請":  # the unit's story: the two tests disagree
        assert welch.pvalue > 0.05 > 0.01 > student.pvalue
        assert ci.low < 0 < ci.high
    else:
        assert welch.pvalue < 0.01


def test_cohens_d_on_counters(counter_times):
    north = counter_times[("北部出張窓口", "新規申請")]
    main = counter_times[("本庁窓口", "新規申請")]
    frame = pd.Series(north), pd.Series(main)
    pooled = math.sqrt(
        ((len(north) - 1) * frame[0].var() + (len(main) - 1) * frame[1].var())
        / (len(north) + len(main) - 2)
    )
    _close((frame[0].mean() - frame[1].mean()) / pooled, _student(north, main)["d"])


def test_every_counter_group_has_a_blank():
    raw = pd.read_csv(datasets.path("counter_service_time"), encoding="cp932")
    blanks = raw["処理時間_分"].isna().groupby([raw["窓口"], raw["手続"]]).sum()
    assert (blanks >= 1).all() and len(blanks) == 4


def test_welch_false_positive_simulation_claim():
    """Notebook: with equal means, Student rejects far more than 5%, Welch about 5%."""
    import numpy as np

    rng = np.random.default_rng(7)
    north = rng.normal(20, 8.5, size=(2000, 24))
    main = rng.normal(20, 4.0, size=(2000, 160))
    welch = (stats.ttest_ind(north, main, axis=1, equal_var=False).pvalue < 0.05).mean()
    student = (stats.ttest_ind(north, main, axis=1).pvalue < 0.05).mean()
    assert 0.03 < welch < 0.08 and student > 0.2


def test_paired_test_on_genai(genai_pairs):
    before = [b for _, b, _ in genai_pairs]
    after = [a for _, _, a in genai_pairs]
    differences = [b - a for b, a in zip(before, after, strict=True)]
    result = stats.ttest_rel(before, after)
    hand = _one_sample(differences, 0.0)
    _close(result.statistic, hand["t"])
    _close(result.pvalue, hand["p"], 1e-6)
    ci = result.confidence_interval(0.95)
    _close(ci.low, hand["ci"][0])
    _close(ci.high, hand["ci"][1])
    # Data card: 56 complete pairs, mean saving ≈ 127 min (REFERENCE.md), three zeros.
    assert len(differences) == 56
    assert round(_mean_var(differences)[0]) == 127
    assert sum(d == 0 for d in differences) == 3
    # Ignoring the pairing hides the effect (the unit's point).
    assert stats.ttest_ind(before, after).pvalue > 0.05 > 1e-6 > result.pvalue


def test_shapiro_and_wilcoxon_on_genai(genai_pairs):
    differences = [b - a for _, b, a in genai_pairs]
    w, p = _shapiro(differences)
    result = stats.shapiro(differences)
    _close(result.statistic, w, 1e-8)
    _close(result.pvalue, p, 1e-6)
    # More than 50 pairs with ties and zeros: scipy uses the normal approximation.
    wilcoxon = stats.wilcoxon(differences)
    _close(wilcoxon.pvalue, _signed_rank(differences)[1], 1e-6)


def test_holm_on_departments(genai_pairs):
    departments = list(dict.fromkeys(name for name, _, _ in genai_pairs))
    assert len(departments) == 12
    p_values = []
    for name in departments:
        differences = [b - a for dept, b, a in genai_pairs if dept == name]
        p_values.append(_one_sample(differences, 0.0)["p"])
        before = [b for dept, b, _ in genai_pairs if dept == name]
        after = [a for dept, _, a in genai_pairs if dept == name]
        _close(stats.ttest_rel(before, after).pvalue, p_values[-1], 1e-6)
    holm = multipletests(p_values, alpha=0.05, method="holm")[0]
    assert list(holm) == _holm(p_values)
    bonferroni = multipletests(p_values, alpha=0.05, method="bonferroni")[0]
    # The exercise tells the three answers apart only if the counts all differ.
    unadjusted = sum(p < 0.05 for p in p_values)
    assert unadjusted > sum(holm) > sum(bonferroni)


def test_sample_size_exercise():
    n = TTestIndPower().solve_power(effect_size=2 / 5, alpha=0.05, power=0.8)
    assert math.ceil(n) == _smallest_n(0.4) == 100
    # The wrong answers the unit detects give different integers.
    assert math.floor(n) == 99
    one_sided = TTestIndPower().solve_power(
        effect_size=0.4, alpha=0.05, power=0.8, alternative="larger"
    )
    assert math.ceil(one_sided) == _smallest_n(0.4, sides=1) != 100
