"""Independent checks of what case unit 16 (漏水リスクの予測と調査計画) teaches, and of its data.

- A survey plan under a km budget, done by hand on a tiny register: the greedy prefix of
  ``cumsum() <= budget`` and the hits per km it gives, against counts written out by hand.
- AUC by its definition (all positive/negative pairs, ties count half) against
  scikit-learn, on a tiny hand example and on the course data.
- The logistic regression the unit fits (statsmodels formula) against Newton's method in
  numpy with its own dummy coding: the same predicted probabilities.
- The generator plants what the unit's story needs, for several seeds: determinism, a pipe
  only after it is laid, an old network, leaks of a few per cent, a satellite feature that
  carries signal, and a model plan that beats the age plan per km surveyed.
- The numbers the notebook's model answers quote hold for the default seed.
"""

from __future__ import annotations

import filecmp

import numpy as np
import pandas as pd
import pytest
import statsmodels.formula.api as smf
from sklearn.metrics import roc_auc_score

from workbench import datasets
from workbench.datasets import water_pipes as wp

FORMULA = (
    '漏水 ~ 経過年数 + C(材質, Treatment("ダクタイル鋳鉄管")) + 口径_mm'
    ' + C(土壌, Treatment("砂質土")) + C(交通量, Treatment("少")) + 土壌水分_偏差'
    " + 過去5年の漏水件数 + 延長_km"
)
BUDGET_KM = 300


def _prepared(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.assign(経過年数=frame["年度"] - frame["布設年度"], 延長_km=frame["延長_m"] / 1000)


def _plan(score, km, budget):
    """Indices of the pipes surveyed: highest score first, while the running km fits."""
    chosen, used = [], 0.0
    for i in sorted(range(len(score)), key=lambda j: -score[j]):
        if used + km[i] > budget + 1e-9:
            break  # the unit's plan is a prefix of the ranking, not a knapsack
        used += km[i]
        chosen.append(i)
    return chosen


def _auc_pairs(y, score):
    pos = [s for s, t in zip(score, y, strict=True) if t == 1]
    neg = [s for s, t in zip(score, y, strict=True) if t == 0]
    wins = sum(1.0 if p > n else 0.5 if p == n else 0.0 for p in pos for n in neg)
    return wins / (len(pos) * len(neg))


def _design(frame: pd.DataFrame) -> np.ndarray:
    columns = [
        np.ones(len(frame)),
        frame["経過年数"],
        *(frame["材質"] == m for m in ("鋳鉄管", "塩化ビニル管", "鋼管", "ポリエチレン管")),
        frame["口径_mm"],
        *(frame["土壌"] == s for s in ("粘性土", "埋立地")),
        *(frame["交通量"] == t for t in ("中", "多")),
        frame["土壌水分_偏差"],
        frame["過去5年の漏水件数"],
        frame["延長_km"],
    ]
    return np.column_stack([np.asarray(c, dtype=float) for c in columns])


def _newton(X, y):
    b = np.zeros(X.shape[1])
    for _ in range(50):
        p = 1 / (1 + np.exp(-X @ b))
        step = np.linalg.solve(X.T @ (X * (p * (1 - p))[:, None]), X.T @ (y - p))
        b += step
        if np.abs(step).max() < 1e-11:
            break
    return b


def _plans(frame: pd.DataFrame):
    """(hits, km) of the model plan and of the age plan on the last year, model fitted before."""
    train, test = frame[frame["年度"] <= 2023], frame[frame["年度"] == 2024]
    b = _newton(_design(train), train["漏水"].to_numpy(float))
    p = 1 / (1 + np.exp(-_design(test) @ b))
    km, y = test["延長_km"].to_numpy(), test["漏水"].to_numpy()
    model = _plan(p / km, km, BUDGET_KM)
    age_rank = test.reset_index(drop=True).sort_values(["布設年度", "管路ID"]).index
    age_score = np.empty(len(test))
    age_score[age_rank] = -np.arange(len(test))  # first in the sort = highest score
    age = _plan(age_score, km, BUDGET_KM)
    return (y[model].sum(), km[model].sum()), (y[age].sum(), km[age].sum()), p


@pytest.fixture(scope="module")
def small() -> pd.DataFrame:
    return _prepared(datasets.load("water_pipes"))


# ------------------------------------------------------------- the km budget, by hand


def test_plan_under_a_km_budget_by_hand():
    # Five pipes; scores are leaks expected per km. Ranked: c (0.9), a (0.5), e (0.4),
    # d (0.2), b (0.1). Running km: 0.8, 1.2, 2.2, 2.5, ... so a 2.3 km budget takes c, a
    # and e (2.2 km) and stops at d even though d (0.3 km) alone would still fit: the
    # unit's plan is the prefix of the ranking whose cumsum stays within the budget.
    km = [0.4, 1.5, 0.8, 0.3, 1.0]
    score = [0.5, 0.1, 0.9, 0.2, 0.4]
    leak = [1, 1, 0, 1, 1]
    chosen = _plan(score, km, 2.3)
    assert sorted(chosen) == [0, 2, 4]
    assert sum(leak[i] for i in chosen) == 2
    assert sum(leak[i] for i in chosen) / sum(km[i] for i in chosen) == pytest.approx(2 / 2.2)
    # The pandas idiom the notebook teaches gives the same pipes.
    frame = pd.DataFrame({"延長_km": km, "見込み_km": score, "漏水": leak})
    ranked = frame.sort_values("見込み_km", ascending=False)
    plan = ranked[ranked["延長_km"].cumsum() <= 2.3]
    assert sorted(plan.index) == [0, 2, 4]
    # A 1.3 km budget takes c and a (1.2 km); counting pipes instead ("the top 3") would
    # survey 2.2 km, far over the budget.
    assert sorted(_plan(score, km, 1.3)) == [0, 2]
    assert sum(km[i] for i in (2, 0, 4)) > 1.3


def test_ranking_by_probability_per_km_finds_more_per_km_than_by_probability(small):
    # The point of 見込み_km: on the course data, per-km ranking beats raw probability.
    (hits, km), _, p = _plans(small)
    test = small[small["年度"] == 2024]
    kms, y = test["延長_km"].to_numpy(), test["漏水"].to_numpy()
    by_prob = _plan(p, kms, BUDGET_KM)
    assert hits / km > y[by_prob].sum() / kms[by_prob].sum()


# --------------------------------------------------------------------------- AUC


def test_auc_by_pairs_on_a_hand_example():
    # Positives scored 0.8 and 0.4; negatives 0.4, 0.3, 0.1: pairs won 3 + (0.5 + 1 + 1)
    # = 5.5 of 6 (the tie 0.4/0.4 counts half).
    y = [1, 0, 1, 0, 0]
    s = [0.8, 0.4, 0.4, 0.3, 0.1]
    assert _auc_pairs(y, s) == pytest.approx(5.5 / 6)
    assert roc_auc_score(y, s) == pytest.approx(5.5 / 6)


def test_auc_of_the_laying_year_is_one_minus_that_of_age(small):
    test = small[small["年度"] == 2024]
    auc_age = roc_auc_score(test["漏水"], test["経過年数"])
    assert roc_auc_score(test["漏水"], test["布設年度"]) == pytest.approx(1 - auc_age)
    sample = test.sample(400, random_state=1)
    assert _auc_pairs(sample["漏水"].tolist(), sample["経過年数"].tolist()) == pytest.approx(
        roc_auc_score(sample["漏水"], sample["経過年数"])
    )


# ------------------------------------------------------------ the logistic regression


def test_statsmodels_logit_equals_newton_in_numpy(small):
    train = small[small["年度"] <= 2023]
    test = small[small["年度"] == 2024]
    fit = smf.logit(FORMULA, data=train).fit(disp=0)
    b = _newton(_design(train), train["漏水"].to_numpy(float))
    assert np.allclose(fit.predict(test), 1 / (1 + np.exp(-_design(test) @ b)), atol=1e-8)
    assert fit.params["経過年数"] == pytest.approx(b[1], rel=1e-6)
    assert fit.params["過去5年の漏水件数"] == pytest.approx(b[12], rel=1e-6)


# ------------------------------------------------------------------ the generator


def test_same_seed_same_bytes_other_seed_other_bytes(tmp_path):
    a = datasets.build("water_pipes", "small", seed=3, out_dir=tmp_path / "a")
    b = datasets.build("water_pipes", "small", seed=3, out_dir=tmp_path / "b")
    c = datasets.build("water_pipes", "small", seed=4, out_dir=tmp_path / "c")
    assert filecmp.cmp(a / "water_pipes.csv", b / "water_pipes.csv", shallow=False)
    assert not filecmp.cmp(a / "water_pipes.csv", c / "water_pipes.csv", shallow=False)
    text = (a / "water_pipes.csv").read_bytes()
    assert b"\r\n" in text
    text.decode("cp932")  # Excel's encoding, as the data card says


@pytest.mark.parametrize("seed", [1, 20250416, 77])
def test_design_properties_hold_for_several_seeds(seed):
    frame = _prepared(wp.pipe_years("small", seed))
    assert list(frame.columns[:11]) == [
        "年度", "管路ID", "材質", "口径_mm", "布設年度", "延長_m", "土壌", "交通量",
        "土壌水分_偏差", "過去5年の漏水件数", "漏水",
    ]  # fmt: skip
    assert (frame["布設年度"] < frame["年度"]).all()
    assert frame["管路ID"].nunique() == wp.PIPES["small"]
    last = frame[frame["年度"] == 2024]
    assert len(last) == wp.PIPES["small"]
    # An old network: 30-50 % of the km older than the 40-year service life (the card).
    old_share = last.loc[last["経過年数"] > 40, "延長_km"].sum() / last["延長_km"].sum()
    assert 0.30 < old_share < 0.50
    assert 1900 < last["延長_km"].sum() < 2400
    assert frame.groupby("年度")["漏水"].mean().between(0.04, 0.09).all()
    # The past-leak count includes at least the leaks recorded in the table's earlier years.
    wide = frame.pivot(index="管路ID", columns="年度", values="漏水").fillna(0)
    recorded = wide[[2020, 2021, 2022, 2023]].sum(axis=1)
    past = last.set_index("管路ID")["過去5年の漏水件数"]
    assert (past >= recorded.loc[past.index] - 1e-9).all()
    # The satellite anomaly is standardised and carries signal.
    assert frame["土壌水分_偏差"].std() == pytest.approx(1.0, abs=0.1)
    leaked = frame.groupby("漏水")["土壌水分_偏差"].mean()
    assert leaked[1] - leaked[0] > 0.3
    # The story: the model plan finds more leaks per km than the age plan, same budget.
    (hits_m, km_m), (hits_a, km_a), _ = _plans(frame)
    assert km_m <= BUDGET_KM and km_a <= BUDGET_KM
    assert hits_m / km_m > 1.2 * hits_a / km_a


@pytest.mark.slow
def test_full_size_is_ten_times_small():
    frame = wp.pipe_years("full", 20250416)
    assert frame["管路ID"].nunique() == wp.PIPES["full"] == 10 * wp.PIPES["small"]
    assert 190_000 < len(frame) < 200_000


# ------------------------------------------------- numbers quoted in model answers


def test_numbers_quoted_in_the_model_answers_hold(small):
    (hits_m, km_m), (hits_a, km_a), p = _plans(small)
    assert (hits_m, hits_a) == (106, 67)
    assert hits_m / km_m == pytest.approx(0.35, abs=0.005)
    assert hits_a / km_a == pytest.approx(0.22, abs=0.005)
    test = small[small["年度"] == 2024]
    assert roc_auc_score(test["漏水"], p) == pytest.approx(0.83, abs=0.005)
    assert roc_auc_score(test["漏水"], test["経過年数"]) == pytest.approx(0.69, abs=0.005)
    train = small[small["年度"] <= 2023]
    b = _newton(_design(train), train["漏水"].to_numpy(float))
    assert np.exp(10 * b[1]) == pytest.approx(1.4, abs=0.05)
    assert np.exp(b[12]) == pytest.approx(1.4, abs=0.05)
    assert np.exp(b[11]) == pytest.approx(2.1, abs=0.1)
