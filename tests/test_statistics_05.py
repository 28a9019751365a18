"""Independent checks of the statistics unit 05 (回帰分析) teaches.

statsmodels is checked against NIST's certified Longley results, and every model the unit
fits is recomputed from the normal equations, sums of squares and auxiliary regressions.
The claims the notebook and the data card make about ``facility_energy`` (reference
level, outlier, collinearity, overfitting) are checked here too, so a change to the
generator that would make the text wrong fails a test.
"""

from __future__ import annotations

import nbformat
import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
import statsmodels.formula.api as smf
from scipy import stats
from statsmodels.stats.outliers_influence import variance_inflation_factor

from workbench import datasets
from workbench.paths import REPO_ROOT

# NIST Statistical Reference Datasets, Longley (https://www.itl.nist.gov/div898/strd/lls/data/Longley.shtml)
NIST_LONGLEY_PARAMS = {
    "Intercept": -3482258.63459582,
    "GNPDEFL": 15.0618722713733,
    "GNP": -0.358191792925910e-01,
    "UNEMP": -2.02022980381683,
    "ARMED": -1.03322686717359,
    "POP": -0.511041056535807e-01,
    "YEAR": 1829.15146461355,
}
NIST_LONGLEY_SD = {
    "Intercept": 890420.383607373,
    "GNPDEFL": 84.9149257747669,
    "GNP": 0.334910077722432e-01,
    "UNEMP": 0.488399681651699,
    "ARMED": 0.214274163161675,
    "POP": 0.226073200069370,
    "YEAR": 455.478499142212,
}

TYPE_REF = 'C(種別, Treatment("庁舎"))'
FORMULAS = {
    "simple": "年間光熱費 ~ 延床面積",
    "multi": "年間光熱費 ~ 延床面積 + 築年数 + 年間開館時間",
    "type": f"年間光熱費 ~ 延床面積 + 築年数 + 年間開館時間 + {TYPE_REF}",
    "inter": f"年間光熱費 ~ 延床面積 * {TYPE_REF} + 築年数 + 年間開館時間",
}
OTHER_KINDS = ("図書館", "体育館", "文化ホール")  # 庁舎 is the reference


def _normal_equations(X: np.ndarray, y: np.ndarray) -> dict:
    """OLS by hand. Columns are scaled to unit length so X'X stays well conditioned."""
    scale = np.sqrt((X**2).sum(axis=0))
    Xs = X / scale
    xtx = Xs.T @ Xs
    beta = np.linalg.solve(xtx, Xs.T @ y) / scale
    resid = y - X @ beta
    n, k = X.shape
    ssr = resid @ resid
    sst = ((y - y.mean()) ** 2).sum()
    sigma2 = ssr / (n - k)
    cov = sigma2 * np.linalg.inv(xtx) / np.outer(scale, scale)
    return {
        "beta": beta,
        "se": np.sqrt(np.diag(cov)),
        "cov": cov,
        "sigma2": sigma2,
        "resid": resid,
        "r2": 1 - ssr / sst,
        "adj_r2": 1 - (ssr / (n - k)) / (sst / (n - 1)),
        "df": n - k,
    }


@pytest.fixture(scope="module")
def energy() -> pd.DataFrame:
    return datasets.load("facility_energy")


@pytest.fixture(scope="module")
def longley() -> pd.DataFrame:
    return sm.datasets.longley.load_pandas().data


def _design(energy: pd.DataFrame, model: str) -> np.ndarray:
    """The design matrices of FORMULAS, built by hand (same column order as statsmodels)."""
    one = np.ones(len(energy))
    area, age, hours = (energy[c].to_numpy(float) for c in ("延床面積", "築年数", "年間開館時間"))
    # statsmodels orders the levels 体育館, 図書館, 文化ホール once 庁舎 is the reference
    dummies = [(energy["種別"] == k).to_numpy(float) for k in ("体育館", "図書館", "文化ホール")]
    if model == "simple":
        return np.column_stack([one, area])
    if model == "multi":
        return np.column_stack([one, area, age, hours])
    if model == "type":
        return np.column_stack([one, *dummies, area, age, hours])
    if model == "inter":
        return np.column_stack([one, *dummies, area, *(area * d for d in dummies), age, hours])
    raise ValueError(model)


# ---------------------------------------------------------------- statsmodels vs NIST


def test_notebook_longley_table_matches_nist_certified_values():
    # The unit prints the Longley fit as a table (coefficients to 4 decimals, p-values);
    # nbval proves a fresh run prints the same, so this checks the notebook's computation.
    notebook = nbformat.read(
        REPO_ROOT / "courses" / "05_regression" / "05b_dummies_vif.ipynb", as_version=4
    )
    table = next(
        output.data["text/plain"]
        for cell in notebook.cells
        if "formula_longley" in cell.source
        for output in cell.get("outputs", [])
        if "全16年の係数" in output.get("data", {}).get("text/plain", "")
    )
    rows = {line.split()[0]: line.split()[1:] for line in table.splitlines()[1:]}
    assert set(rows) == set(NIST_LONGLEY_PARAMS)
    for name, certified in NIST_LONGLEY_PARAMS.items():
        coefficient, _, p_value = rows[name]
        assert float(coefficient.replace(",", "")) == round(certified, 4), name
        # NIST's certified standard errors give t and, with 16 − 7 = 9 df, the p-value.
        t = certified / NIST_LONGLEY_SD[name]
        assert float(p_value) == round(2 * stats.t.sf(abs(t), 9), 4), name


def test_longley_vif_from_auxiliary_regressions(longley):
    columns = ["GNPDEFL", "GNP", "UNEMP", "ARMED", "POP", "YEAR"]
    X = sm.add_constant(longley[columns]).to_numpy()
    raw = longley[columns].to_numpy(float)
    for j in range(len(columns)):
        others = np.column_stack([np.ones(len(raw)), np.delete(raw, j, axis=1)])
        aux = _normal_equations(others, raw[:, j])
        assert variance_inflation_factor(X, j + 1) == pytest.approx(1 / (1 - aux["r2"]), rel=1e-6)
    # The figures the notebook text quotes.
    vif = {c: variance_inflation_factor(X, j + 1) for j, c in enumerate(columns)}
    assert vif["GNP"] > 1000 and 300 < vif["YEAR"] < 1000 and 300 < vif["POP"] < 1000


def test_vif_without_constant_equals_with_constant_in_this_statsmodels(longley):
    # The notebook says statsmodels 0.15 standardizes inside variance_inflation_factor, so
    # leaving out the constant no longer changes the result (it did up to 0.14). If this
    # ever stops holding, the notebook's note and the VIF wrong answers need revisiting.
    columns = ["GNPDEFL", "GNP", "UNEMP", "ARMED", "POP", "YEAR"]
    with_const = sm.add_constant(longley[columns]).to_numpy()
    without = longley[columns].to_numpy()
    for j in range(len(columns)):
        assert variance_inflation_factor(without, j) == pytest.approx(
            variance_inflation_factor(with_const, j + 1), rel=1e-9
        )
    # The constant's own VIF is exactly 1, which the unit uses to spot an off-by-one index.
    assert variance_inflation_factor(with_const, 0) == pytest.approx(1.0)


# ---------------------------------------------------------------- the unit's own fits


@pytest.mark.parametrize("model", list(FORMULAS))
def test_unit_fits_match_normal_equations(energy, model):
    fit = smf.ols(FORMULAS[model], data=energy).fit()
    y = energy["年間光熱費"].to_numpy(float)
    hand = _normal_equations(_design(energy, model), y)
    np.testing.assert_allclose(fit.params.to_numpy(), hand["beta"], rtol=1e-8)
    np.testing.assert_allclose(fit.bse.to_numpy(), hand["se"], rtol=1e-8)
    assert fit.rsquared == pytest.approx(hand["r2"], rel=1e-10)
    assert fit.rsquared_adj == pytest.approx(hand["adj_r2"], rel=1e-10)
    t = stats.t.ppf(0.975, hand["df"])
    ci = fit.conf_int().to_numpy()
    np.testing.assert_allclose(ci[:, 0], hand["beta"] - t * hand["se"], rtol=1e-8, atol=1e-9)
    np.testing.assert_allclose(ci[:, 1], hand["beta"] + t * hand["se"], rtol=1e-8, atol=1e-9)
    np.testing.assert_allclose(fit.tvalues.to_numpy(), hand["beta"] / hand["se"], rtol=1e-8)


def test_prediction_and_confidence_intervals_by_hand(energy):
    fit = smf.ols(FORMULAS["type"], data=energy).fit()
    new = pd.DataFrame(
        {"延床面積": [6000], "築年数": [15], "年間開館時間": [3200], "種別": ["文化ホール"]}
    )
    frame = fit.get_prediction(new).summary_frame(alpha=0.05).iloc[0]
    hand = _normal_equations(_design(energy, "type"), energy["年間光熱費"].to_numpy(float))
    x0 = np.array([1.0, 0, 0, 1, 6000, 15, 3200])
    mean = x0 @ hand["beta"]
    var_mean = x0 @ hand["cov"] @ x0
    t = stats.t.ppf(0.975, hand["df"])
    assert frame["mean"] == pytest.approx(mean, rel=1e-9)
    assert frame["mean_ci_lower"] == pytest.approx(mean - t * np.sqrt(var_mean), rel=1e-8)
    assert frame["obs_ci_upper"] == pytest.approx(
        mean + t * np.sqrt(hand["sigma2"] + var_mean), rel=1e-8
    )
    # A prediction interval is always wider than the confidence interval of the mean.
    assert frame["obs_ci_upper"] - frame["obs_ci_lower"] > 3 * (
        frame["mean_ci_upper"] - frame["mean_ci_lower"]
    )


def test_interaction_slope_is_main_effect_plus_interaction(energy):
    fit = smf.ols(FORMULAS["inter"], data=energy).fit()
    halls = energy[energy["種別"] == "文化ホール"]
    others = smf.ols("年間光熱費 ~ 延床面積 + 築年数 + 年間開館時間", data=halls).fit()
    # The interaction model is not the per-type fit (age and hours share one slope), but
    # both put the hall's area slope well above the reference level's.
    slope = fit.params["延床面積"] + fit.params[f"延床面積:{TYPE_REF}[T.文化ホール]"]
    assert slope > fit.params["延床面積"] + 0.2
    assert others.params["延床面積"] > fit.params["延床面積"]


# ---------------------------------------------------------------- claims about the data


def test_default_reference_level_is_gym_not_office(energy):
    fit = smf.ols("年間光熱費 ~ 延床面積 + C(種別)", data=energy).fit()
    names = fit.model.exog_names
    assert "C(種別)[T.庁舎]" in names and not any(n.endswith("[T.体育館]") for n in names)


def test_collinearity_is_mild_in_facility_data(energy):
    fit = smf.ols("年間光熱費 ~ 延床面積 + 築年数 + 年間開館時間 + C(種別)", data=energy).fit()
    exog, names = fit.model.exog, fit.model.exog_names
    vif = {n: variance_inflation_factor(exog, i) for i, n in enumerate(names) if i}
    assert 3 < vif["年間開館時間"] < 8
    assert vif["延床面積"] < 2 and vif["築年数"] < 2
    aux = smf.ols("年間開館時間 ~ 延床面積 + 築年数 + C(種別)", data=energy).fit()
    assert vif["年間開館時間"] == pytest.approx(1 / (1 - aux.rsquared), rel=1e-9)


def test_outlier_is_the_largest_residual_not_the_largest_bill(energy):
    hand = _normal_equations(_design(energy, "type"), energy["年間光熱費"].to_numpy(float))
    worst = energy["施設ID"].iloc[int(np.argmax(np.abs(hand["resid"])))]
    assert worst == "E0027"
    assert worst != energy.loc[energy["年間光熱費"].idxmax(), "施設ID"]
    # It stands out: almost twice the next largest absolute residual.
    ranked = np.sort(np.abs(hand["resid"]))
    assert ranked[-1] > 1.8 * ranked[-2]


def test_flexible_polynomial_overfits_on_the_units_split(energy):
    rng = np.random.default_rng(2024)
    test = energy.sample(frac=0.3, random_state=rng)
    train = energy.drop(test.index)
    x_train = train["延床面積"].to_numpy(float) / 1000
    x_test = test["延床面積"].to_numpy(float) / 1000
    mean, sd = x_train.mean(), x_train.std()
    rmse = {}
    for degree in (1, 8):
        V = np.vander((x_train - mean) / sd, degree + 1)
        hand = _normal_equations(V, train["年間光熱費"].to_numpy(float))
        pred = np.vander((x_test - mean) / sd, degree + 1) @ hand["beta"]
        rmse[degree] = (
            np.sqrt(np.mean(hand["resid"] ** 2)),
            np.sqrt(np.mean((test["年間光熱費"].to_numpy(float) - pred) ** 2)),
        )
    assert rmse[8][0] < rmse[1][0], "the polynomial fits the training data better"
    assert rmse[8][1] > 1.1 * rmse[1][1], "and predicts the test data clearly worse"


def test_age_coefficient_quoted_in_the_written_model_answer(energy):
    hand = _normal_equations(_design(energy, "multi"), energy["年間光熱費"].to_numpy(float))
    t = stats.t.ppf(0.975, hand["df"])
    coef, se = hand["beta"][2], hand["se"][2]
    assert 44.5 < coef < 45.5  # 約45千円
    assert 13.5 < coef - t * se < 14.5 and 75.5 < coef + t * se < 76.5  # 約1.4万〜7.6万円
