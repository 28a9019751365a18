"""Independent checks of what case unit 15 (政策評価と効果測定) teaches, and of its data.

- Difference in differences from the 2×2 table of group means equals the interaction
  coefficient of ``y ~ treated * post`` (the model is saturated in the four cells, so this
  is an algebraic identity, balanced panel or not), checked with plain numpy and OLS from
  the normal equations (numpy.linalg.solve).
- A hand-made panel with a known effect and no noise gives the effect back exactly, by the
  2×2 table, by the interaction model and by two-way fixed effects.
- statsmodels' cluster-robust standard error equals the hand sandwich
  (X'X)⁻¹ (Σ_g X_g'u_g u_g'X_g) (X'X)⁻¹ times the small-sample correction
  G/(G−1)·(N−1)/(N−K) (statsmodels' default ``use_correction=True``); with one observation
  per cluster it reduces to HC1, N/(N−K).
- The generator plants what the unit's story needs: the effect, the common shock, exactly
  parallel pre-trends, the dirt, determinism, and a ``full`` size of 1,741 municipalities.
- The numbers the notebook's model answers quote hold for the default seed.
"""

from __future__ import annotations

import filecmp
import time

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
import statsmodels.formula.api as smf

from workbench import datasets
from workbench.datasets import migration_policy as mp
from workbench.io import to_number, wareki_to_year

COUNTS = ["人口", "転入者数", "転出者数"]


def _analysis_panel(folder) -> pd.DataFrame:
    """The unit's cleaning steps (演習1–3), written independently of the notebook."""
    raw = pd.read_csv(folder / "migration_panel.csv", encoding="cp932", dtype=str)
    programs = pd.read_csv(folder / "migration_programs.csv", encoding="cp932", dtype=str)
    panel = raw[~raw["市町村名"].str.endswith("計")].copy()
    panel["年度"] = panel["年度"].map(wareki_to_year).astype(int)
    for column in COUNTS:
        panel[column] = to_number(panel[column])
    panel = panel.dropna(subset=COUNTS)
    panel["y"] = (panel["転入者数"] - panel["転出者数"]) / panel["人口"] * 1000
    start = panel["団体コード"].map(
        programs.set_index("団体コード")["開始年度"].map(wareki_to_year)
    )
    complete = panel.groupby("団体コード")["年度"].transform("size") == len(mp.YEARS)
    keep = complete & (start != mp.LATE_YEAR)
    out = panel[keep].copy()
    out["treated"] = (start[keep] == mp.POLICY_YEAR).astype(float)
    out["post"] = (out["年度"] >= mp.POLICY_YEAR).astype(float)
    return out.reset_index(drop=True)


def _did_means(y, treated, post) -> float:
    def cell(t, p):
        return y[(treated == t) & (post == p)].mean()

    return (cell(1, 1) - cell(1, 0)) - (cell(0, 1) - cell(0, 0))


def _ols(X, y):
    return np.linalg.solve(X.T @ X, X.T @ y)


def _design(treated, post):
    return np.column_stack([np.ones_like(treated), treated, post, treated * post])


def _cluster_se(X, y, groups, correction=True):
    beta = _ols(X, y)
    u = y - X @ beta
    bread = np.linalg.inv(X.T @ X)
    meat = np.zeros((X.shape[1], X.shape[1]))
    labels = np.unique(groups)
    for g in labels:
        score = X[groups == g].T @ u[groups == g]
        meat += np.outer(score, score)
    n, k = X.shape
    factor = len(labels) / (len(labels) - 1) * (n - 1) / (n - k) if correction else 1.0
    return np.sqrt(np.diag(factor * bread @ meat @ bread))


@pytest.fixture(scope="module")
def small():
    return _analysis_panel(datasets.build("migration_policy", "small"))


# ----------------------------------------------------------------- the DiD identity


def test_did_of_means_equals_interaction_coefficient_on_course_data(small):
    y, t, p = (small[c].to_numpy() for c in ("y", "treated", "post"))
    by_means = _did_means(y, t, p)
    beta = _ols(_design(t, p), y)
    assert beta[3] == pytest.approx(by_means, abs=1e-10)
    fit = smf.ols("y ~ treated * post", data=small).fit()
    assert fit.params["treated:post"] == pytest.approx(by_means, abs=1e-10)


def test_did_identity_holds_for_an_unbalanced_random_panel():
    rng = np.random.default_rng(3)
    n = 257
    t = (rng.random(n) < 0.3).astype(float)
    p = (rng.random(n) < 0.6).astype(float)
    y = rng.normal(0, 5, n) + 3 * t - 2 * p + 1.5 * t * p
    assert _ols(_design(t, p), y)[3] == pytest.approx(_did_means(y, t, p), abs=1e-10)


def test_known_effect_recovered_exactly_without_noise():
    units, years, tau = 10, np.arange(2012, 2025), 2.5
    level = np.linspace(-9, -3, units)
    common = 0.3 * (years - 2012) + np.where(years >= 2020, 4.0, 0.0)
    treated = (np.arange(units) < 4).astype(float)
    post = (years >= 2018).astype(float)
    y = level[:, None] + common[None, :] + tau * treated[:, None] * post[None, :]
    frame = pd.DataFrame(
        {
            "unit": np.repeat(np.arange(units), len(years)),
            "year": np.tile(years, units),
            "treated": np.repeat(treated, len(years)),
            "post": np.tile(post, units),
            "y": y.ravel(),
        }
    )
    t, p, yy = frame["treated"].to_numpy(), frame["post"].to_numpy(), frame["y"].to_numpy()
    assert _did_means(yy, t, p) == pytest.approx(tau, abs=1e-12)
    assert _ols(_design(t, p), yy)[3] == pytest.approx(tau, abs=1e-10)
    twfe = smf.ols("y ~ treated:post + C(unit) + C(year)", data=frame).fit()
    assert twfe.params["treated:post"] == pytest.approx(tau, abs=1e-9)
    # Before/after alone counts the common change (trend and 2020 shock) as effect.
    before_after = yy[(t == 1) & (p == 1)].mean() - yy[(t == 1) & (p == 0)].mean()
    assert before_after > tau + 2


# ------------------------------------------------------- cluster-robust standard errors


def test_cluster_se_equals_hand_sandwich_with_small_sample_correction(small):
    X = _design(small["treated"].to_numpy(), small["post"].to_numpy())
    y = small["y"].to_numpy()
    groups = small["団体コード"].to_numpy()
    fit = sm.OLS(y, X).fit(cov_type="cluster", cov_kwds={"groups": pd.factorize(groups)[0]})
    assert np.allclose(fit.bse, _cluster_se(X, y, groups), rtol=1e-10)
    raw = _cluster_se(X, y, groups, correction=False)
    n, k, g = len(y), X.shape[1], len(np.unique(groups))
    assert np.allclose(fit.bse / raw, np.sqrt(g / (g - 1) * (n - 1) / (n - k)), rtol=1e-10)
    # The formula interface with string groups (what the notebook uses) gives the same.
    formula = smf.ols("y ~ treated * post", data=small).fit(
        cov_type="cluster", cov_kwds={"groups": small["団体コード"]}
    )
    assert formula.bse["treated:post"] == pytest.approx(fit.bse[3], rel=1e-10)
    # Default inference is normal: 95% interval = estimate ± 1.959964 × SE.
    low, high = formula.conf_int().loc["treated:post"]
    assert low == pytest.approx(formula.params["treated:post"] - 1.959963984540054 * fit.bse[3])
    assert high == pytest.approx(formula.params["treated:post"] + 1.959963984540054 * fit.bse[3])


def test_cluster_se_with_singleton_clusters_is_hc1():
    rng = np.random.default_rng(11)
    n = 60
    X = np.column_stack([np.ones(n), rng.normal(size=n)])
    y = X @ [1.0, 2.0] + rng.normal(size=n) * (1 + np.abs(X[:, 1]))
    cluster = sm.OLS(y, X).fit(cov_type="cluster", cov_kwds={"groups": np.arange(n)})
    hc1 = sm.OLS(y, X).fit(cov_type="HC1")
    assert np.allclose(cluster.bse, hc1.bse, rtol=1e-10)


def test_clustering_changes_the_se_on_course_data(small):
    # Years of one municipality are not independent: the naive SE is not the right one.
    # On this panel it is even larger (levels differ a lot between municipalities), which
    # the notebook states instead of claiming it is always too small.
    naive = smf.ols("y ~ treated * post", data=small).fit()
    clustered = smf.ols("y ~ treated * post", data=small).fit(
        cov_type="cluster", cov_kwds={"groups": small["団体コード"]}
    )
    ratio = clustered.bse["treated:post"] / naive.bse["treated:post"]
    assert abs(ratio - 1) > 0.05


# ------------------------------------------------------------------- generator design


def _design_rates(seed=5, size="small"):
    spec = mp.SIZES[size]
    munis = mp.municipalities(spec["municipalities"], spec["treated"], spec["late"], seed)
    rates = mp.expected_rates(munis).merge(munis[["団体コード", "開始年度"]], on="団体コード")
    return munis, rates


@pytest.mark.parametrize("seed", [1, 56, 2024])
def test_noise_free_rates_give_the_planted_effect_and_parallel_pre_trends(seed):
    _, rates = _design_rates(seed)
    rates = rates[rates["開始年度"] != mp.LATE_YEAR]
    t = (rates["開始年度"] == mp.POLICY_YEAR).to_numpy().astype(float)
    p = (rates["年度"] >= mp.POLICY_YEAR).to_numpy().astype(float)
    y = rates["期待純移動率"].to_numpy()
    assert _did_means(y, t, p) == pytest.approx(mp.EFFECT, abs=1e-9)
    means = rates.groupby(["年度", t == 1])["期待純移動率"].mean().unstack()
    gap = (means[True] - means[False]).loc[: mp.POLICY_YEAR - 1]
    assert np.ptp(gap.to_numpy()) < 1e-9, "pre-policy gap is constant: parallel trends"
    assert gap.iloc[0] < 0, "treated were selected for worse net migration (level)"
    after = (means[True] - means[False]).loc[mp.POLICY_YEAR :]
    assert np.allclose(after - gap.iloc[0], mp.EFFECT)


def test_common_shock_makes_before_after_overstate_the_effect():
    _, rates = _design_rates(56)
    common = rates.groupby("年度")["共通要因"].first()
    assert common[2020] - common[2019] == pytest.approx(mp.SHOCK[2020] + mp.TREND)
    treated = rates[rates["開始年度"] == mp.POLICY_YEAR]
    before_after = (
        treated.loc[treated["年度"] >= mp.POLICY_YEAR, "期待純移動率"].mean()
        - treated.loc[treated["年度"] < mp.POLICY_YEAR, "期待純移動率"].mean()
    )
    assert before_after > mp.EFFECT + 1.5


def test_panel_file_has_the_planted_dirt():
    folder = datasets.build("migration_policy", "small")
    raw_bytes = (folder / "migration_panel.csv").read_bytes()
    assert b"\r\n" in raw_bytes
    with pytest.raises(UnicodeDecodeError):
        raw_bytes.decode("utf-8")
    raw = pd.read_csv(folder / "migration_panel.csv", encoding="cp932", dtype=str)
    assert list(raw.columns) == ["年度", "団体コード", "市町村名", *COUNTS]
    assert raw["年度"].str.startswith("平成").any() and (raw["年度"] == "令和元年度").any()
    assert raw["年度"].str.contains("[０-９]").any(), "全角 digits in 年度"
    assert raw["人口"].str.contains("[０-９]").any() and raw["人口"].str.contains(",").any()
    assert raw["転入者数"].str.contains("[０-９]").any()
    assert (raw["市町村名"] == "さくら県計").sum() == len(mp.YEARS)
    merged = raw[raw["市町村名"] == mp.MERGED]
    assert (merged.loc[merged["年度"].map(wareki_to_year) < mp.MERGER_YEAR, "人口"] == "-").all()
    for name in mp.PREDECESSORS:
        rows = raw[raw["市町村名"] == name]
        after = rows["年度"].map(wareki_to_year) >= mp.MERGER_YEAR
        assert (rows.loc[after, COUNTS] == "-").all().all()
        assert (rows.loc[~after, "人口"] != "-").all()
    old, new = mp.RENAMED
    assert raw.loc[raw["市町村名"] == old, "団体コード"].nunique() == 1
    assert set(raw.loc[raw["市町村名"] == old, "団体コード"]) == set(
        raw.loc[raw["市町村名"] == new, "団体コード"]
    )
    programs = pd.read_csv(folder / "migration_programs.csv", encoding="cp932", dtype=str)
    assert programs["開始年度"].value_counts().to_dict() == {"平成30年度": 12, "令和4年度": 3}
    # The 県計 row is the sum of the rows that exist that year.
    year = raw["年度"].map(wareki_to_year)
    first = raw[(raw["市町村名"] != "さくら県計") & (year == 2012)]
    total = raw[(raw["市町村名"] == "さくら県計") & (year == 2012)]
    assert to_number(first["転入者数"]).sum() == to_number(total["転入者数"]).iloc[0]


def test_rates_and_magnitudes_are_rural_and_realistic(small):
    assert small["人口"].between(3000, 160000).all()
    inflow = small["転入者数"] / small["人口"] * 1000
    assert 20 < inflow.mean() < 45
    assert -12 < small["y"].mean() < 0
    assert small["団体コード"].nunique() == 32
    assert small.groupby("treated")["団体コード"].nunique().to_dict() == {0.0: 20, 1.0: 12}


def test_same_seed_same_bytes_and_seed_matters(tmp_path):
    a = datasets.build("migration_policy", "small", seed=7, out_dir=tmp_path / "a")
    b = datasets.build("migration_policy", "small", seed=7, out_dir=tmp_path / "b")
    c = datasets.build("migration_policy", "small", seed=8, out_dir=tmp_path / "c")
    names = ["migration_panel.csv", "migration_programs.csv"]
    assert filecmp.cmpfiles(a, b, names, shallow=False)[0] == names
    assert (a / names[0]).read_bytes() != (c / names[0]).read_bytes()


def test_full_size_has_1741_municipalities_and_recovers_the_effect(tmp_path):
    start = time.perf_counter()
    folder = datasets.build("migration_policy", "full", out_dir=tmp_path / "full")
    assert time.perf_counter() - start < 30
    raw = pd.read_csv(folder / "migration_panel.csv", encoding="cp932", dtype=str)
    exists_2024 = (raw["年度"].map(wareki_to_year) == 2024) & (raw["人口"] != "-")
    current = raw.loc[exists_2024, "団体コード"]
    assert current.nunique() == 1741 + 1  # + the 県計 row
    panel = _analysis_panel(folder)
    y, t, p = (panel[c].to_numpy() for c in ("y", "treated", "post"))
    assert _did_means(y, t, p) == pytest.approx(mp.EFFECT, abs=0.3)


# ------------------------------------------------- the numbers the notebook's text quotes


def test_course_data_tells_the_story_the_model_answers_quote(small):
    y, t, p = (small[c].to_numpy() for c in ("y", "treated", "post"))
    did = _did_means(y, t, p)
    before_after = y[(t == 1) & (p == 1)].mean() - y[(t == 1) & (p == 0)].mean()
    se = _cluster_se(_design(t, p), y, small["団体コード"].to_numpy())[3]
    assert round(did, 2) == 2.00 and round(before_after, 2) == 4.00
    assert (round(did - 1.959964 * se, 2), round(did + 1.959964 * se, 2)) == (0.90, 3.11)
    pre = small[small["年度"] < mp.POLICY_YEAR]
    fit = smf.ols("y ~ treated * 年度", data=pre).fit(
        cov_type="cluster", cov_kwds={"groups": pre["団体コード"]}
    )
    assert fit.pvalues["treated:年度"] > 0.3
    fake = pre.assign(fake=(pre["年度"] >= 2015).astype(float))
    placebo = smf.ols("y ~ treated * fake", data=fake).fit(
        cov_type="cluster", cov_kwds={"groups": fake["団体コード"]}
    )
    assert placebo.pvalues["treated:fake"] > 0.3
    assert abs(placebo.params["treated:fake"]) < 0.5
