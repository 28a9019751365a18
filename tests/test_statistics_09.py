"""Independent checks of the statistics unit 09 (分類とリスク予測) teaches.

- statsmodels' logit against a published example: Spector and Mazzeo's (1980) PSI data
  (shipped with statsmodels) as estimated in Greene, *Econometric Analysis* (Table
  "Estimated Probability Models", Logit column), and against Newton's method written
  out in numpy on the unit's own data;
- scikit-learn's unpenalised LogisticRegression against statsmodels;
- precision, recall and the confusion matrix against counts done by hand on a tiny table;
- AUC against the Mann-Whitney statistic (scipy) and a pair count;
- the claims the notebooks and the data card make about ``vacant_houses``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
import statsmodels.formula.api as smf
from scipy import stats
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import confusion_matrix, precision_score, recall_score, roc_auc_score

from workbench import datasets

# Greene, Econometric Analysis (5th ed., Table 21.1), Logit: coefficient (standard error),
# printed to three decimals; log-likelihood -12.890.
GREENE_SPECTOR_LOGIT = {
    "const": (-13.021, 4.931),
    "GPA": (2.826, 1.263),
    "TUCE": (0.095, 0.142),
    "PSI": (2.379, 1.065),
}
FORMULA = (
    '危険判定 ~ 築年数 + 木造 + C(接道, Treatment("4m以上")) + 固定資産税滞納'
    ' + C(所有者住所, Treatment("市内"))'
)


def _newton_logit(X: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Maximum likelihood by Newton's method: b += (X'WX)^-1 X'(y - p)."""
    beta = np.zeros(X.shape[1])
    for _ in range(50):
        p = 1 / (1 + np.exp(-X @ beta))
        step = np.linalg.solve(X.T @ (X * (p * (1 - p))[:, None]), X.T @ (y - p))
        beta += step
        if np.max(np.abs(step)) < 1e-12:
            return beta
    raise AssertionError("Newton's method did not converge")


@pytest.fixture(scope="module")
def houses() -> pd.DataFrame:
    return datasets.load("vacant_houses")


@pytest.fixture(scope="module")
def split(houses):
    return houses[houses["調査年度"] <= 2023], houses[houses["調査年度"] == 2024]


def _design(frame: pd.DataFrame) -> np.ndarray:
    return np.column_stack(
        [
            np.ones(len(frame)),
            frame["築年数"],
            frame["木造"],
            frame["接道"] == "4m未満",
            frame["接道"] == "接道なし",
            frame["固定資産税滞納"],
            frame["所有者住所"] == "市外",
            frame["所有者住所"] == "不明",
        ]
    ).astype(float)


# ------------------------------------------------------------------ published example


def test_statsmodels_logit_reproduces_greenes_spector_mazzeo_estimates():
    data = sm.datasets.spector.load_pandas()
    fit = sm.Logit(data.endog, sm.add_constant(data.exog)).fit(disp=0)
    for name, (coef, se) in GREENE_SPECTOR_LOGIT.items():
        assert fit.params[name] == pytest.approx(coef, abs=5e-4)
        assert fit.bse[name] == pytest.approx(se, abs=5e-4)
    assert fit.llf == pytest.approx(-12.890, abs=5e-4)


def test_newton_by_hand_reproduces_the_published_example_too():
    data = sm.datasets.spector.load_pandas()
    X = sm.add_constant(data.exog)
    beta = _newton_logit(X.to_numpy(float), data.endog.to_numpy(float))
    for value, name in zip(beta, X.columns, strict=True):
        assert value == pytest.approx(GREENE_SPECTOR_LOGIT[name][0], abs=5e-4)


# ------------------------------------------------------------------ the unit's model


def test_unit_model_equals_newton_by_hand(split):
    train, _ = split
    fit = smf.logit(FORMULA, data=train).fit(disp=0)
    by_hand = _newton_logit(_design(train), train["危険判定"].to_numpy(float))
    # statsmodels orders categorical terms first: compare by name.
    names = [
        "Intercept",
        "築年数",
        "木造",
        'C(接道, Treatment("4m以上"))[T.4m未満]',
        'C(接道, Treatment("4m以上"))[T.接道なし]',
        "固定資産税滞納",
        'C(所有者住所, Treatment("市内"))[T.市外]',
        'C(所有者住所, Treatment("市内"))[T.不明]',
    ]
    np.testing.assert_allclose(fit.params[names].to_numpy(), by_hand, rtol=1e-8)


def test_sklearn_unpenalised_agrees_with_statsmodels(split):
    train, test = split
    fit = smf.logit(FORMULA, data=train).fit(disp=0)
    model = LogisticRegression(C=np.inf, solver="newton-cholesky").fit(
        _design(train)[:, 1:], train["危険判定"]
    )
    np.testing.assert_allclose(model.intercept_[0], fit.params["Intercept"], rtol=1e-5)
    np.testing.assert_allclose(model.coef_[0][4], fit.params["固定資産税滞納"], rtol=1e-5)
    np.testing.assert_allclose(
        model.predict_proba(_design(test)[:, 1:])[:, 1], fit.predict(test), atol=1e-5
    )
    # Negative control: scikit-learn's default (C=1, an L2 penalty) does not agree.
    default = LogisticRegression(max_iter=1000).fit(_design(train)[:, 1:], train["危険判定"])
    assert abs(default.intercept_[0] - fit.params["Intercept"]) > 1e-3


# ------------------------------------------------------------------ metrics by hand


# Ten houses: actual and flagged. By hand: TP = 3 (0, 2, 7), FN = 1 (1), FP = 2 (3, 9), TN = 4.
TINY_ACTUAL = [1, 1, 1, 0, 0, 0, 0, 1, 0, 0]
TINY_FLAGGED = [1, 0, 1, 1, 0, 0, 0, 1, 0, 1]


def test_confusion_matrix_order_and_metrics_match_hand_counts():
    assert confusion_matrix(TINY_ACTUAL, TINY_FLAGGED).ravel().tolist() == [4, 2, 1, 3]
    assert precision_score(TINY_ACTUAL, TINY_FLAGGED) == pytest.approx(3 / 5)
    assert recall_score(TINY_ACTUAL, TINY_FLAGGED) == pytest.approx(3 / 4)
    # The swap the unit warns about gives the other number: the test can tell them apart.
    assert precision_score(TINY_FLAGGED, TINY_ACTUAL) == pytest.approx(3 / 4)


def test_auc_is_the_mann_whitney_probability(split):
    train, test = split
    score = smf.logit(FORMULA, data=train).fit(disp=0).predict(test).to_numpy()
    y = test["危険判定"].to_numpy()
    u = stats.mannwhitneyu(score[y == 1], score[y == 0]).statistic
    auc = u / ((y == 1).sum() * (y == 0).sum())
    assert roc_auc_score(y, score) == pytest.approx(auc, rel=1e-12)
    # Ties (築年数 is an integer) count one half in both.
    age = test["築年数"].to_numpy()
    pos, neg = age[y == 1], age[y == 0]
    pairs = (pos[:, None] > neg[None, :]).sum() + 0.5 * (pos[:, None] == neg[None, :]).sum()
    assert roc_auc_score(y, age) == pytest.approx(pairs / (len(pos) * len(neg)), rel=1e-12)


def test_auc_on_a_tiny_table_by_hand():
    # Positives 0.9, 0.4; negatives 0.5, 0.1: of 4 pairs, 3 ordered correctly.
    assert roc_auc_score([1, 1, 0, 0], [0.9, 0.4, 0.5, 0.1]) == pytest.approx(0.75)


# ------------------------------------------------------------------ what the text claims


def test_data_card_rates_and_sizes(houses):
    assert len(houses) == 7200
    rate = houses.groupby("調査年度")["危険判定"].mean()
    assert 0.07 < rate[2019] < 0.11 and 0.14 < rate[2024] < 0.18
    assert rate[2024] > rate[2019]


def test_notebook_claims_about_the_2024_evaluation(split):
    train, test = split
    p = smf.logit(FORMULA, data=train).fit(disp=0).predict(test)
    y = test["危険判定"]
    assert np.exp(smf.logit(FORMULA, data=train).fit(disp=0).params["固定資産税滞納"]) == (
        pytest.approx(2.7, abs=0.05)
    )
    assert p.mean() < y.mean() - 0.02  # the model under-predicts the latest year
    assert int((p >= 0.5).sum()) == pytest.approx(20, abs=3)
    ranked = p.sort_values(ascending=False)
    assert ranked.iloc[299] > ranked.iloc[300]  # no tie at the budget line
    hits_model = int(y.loc[ranked.index[:300]].sum())
    hits_age = int(y.loc[test["築年数"].sort_values(ascending=False).index[:300]].sum())
    assert (hits_model, hits_age) == (108, 82)
    flagged = p >= ranked.iloc[299]
    recall = (flagged & (y == 1)).groupby(test["地区"]).sum() / (y == 1).groupby(test["地区"]).sum()
    assert recall["中央"] < 0.35 and recall["北部山間"] > 0.65


def test_full_size_is_ten_times_small(tmp_path):
    folder = datasets.build("vacant_houses", "full", out_dir=tmp_path / "full")
    full = pd.read_csv(folder / "vacant_houses.csv", encoding="cp932")
    assert len(full) == 72000
    assert full["空き家ID"].is_unique
