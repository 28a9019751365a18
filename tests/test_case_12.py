"""Independent checks of what case unit 12 (陶器の熱膨張係数の予測) teaches and uses.

- OLS from the normal equations against NIST's certified Norris results (StRD).
- The prediction-interval hand formula s²(1 + x0ᵀ(XᵀX)⁻¹x0) with a t quantile against the
  textbook simple-regression formula, against statsmodels' ``obs_ci``, and by simulation
  (95 % of new observations fall inside; the confidence interval of the mean covers far
  fewer, which is the mistake the unit warns about).
- The ``ceramic_expansion`` generator: determinism, the planted dirt, magnitudes from
  REFERENCE.md §C, and the numbers the notebook's text and model answers quote.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from pathlib import Path

import nbformat
import numpy as np
import pandas as pd
import pytest
import statsmodels.formula.api as smf
from scipy import stats

from workbench import datasets
from workbench.datasets import ceramic_expansion as ce

# NIST StRD, Norris (https://www.itl.nist.gov/div898/strd/lls/data/Norris.shtml): y, x.
NORRIS = np.array(
    [
        (0.1, 0.2), (338.8, 337.4), (118.1, 118.2), (888.0, 884.6), (9.2, 10.1),
        (228.1, 226.5), (668.5, 666.3), (998.5, 996.3), (449.1, 448.6), (778.9, 777.0),
        (559.2, 558.2), (0.3, 0.4), (0.1, 0.6), (778.1, 775.5), (668.8, 666.9),
        (339.3, 338.0), (448.9, 447.5), (10.8, 11.6), (557.7, 556.0), (228.3, 228.1),
        (998.0, 995.8), (888.8, 887.6), (119.6, 120.2), (0.3, 0.3), (0.6, 0.3),
        (557.6, 556.8), (339.3, 339.1), (888.0, 887.2), (998.5, 999.0), (778.9, 779.0),
        (10.2, 11.1), (117.6, 118.3), (228.9, 229.2), (668.4, 669.1), (449.2, 448.9),
        (0.2, 0.5),
    ]
)  # fmt: skip
NORRIS_B = (-0.262323073774029, 1.00211681802045)
NORRIS_SD = (0.232818234301152, 0.429796848199937e-03)
NORRIS_RESIDUAL_SD = 0.884796396144373
NORRIS_R2 = 0.999993745883712

THERMOCOUPLE = "熱電対の表示が不安定"
UNIT = Path(__file__).resolve().parents[1] / "courses" / "12_case_ceramics"
COLUMNS = ["ペタライト_%", "石英_%", "長石_%", "焼成温度_℃", "保持時間_h"]
SHORT = {
    "ペタライト_%": "ペタライト",
    "石英_%": "石英",
    "長石_%": "長石",
    "粘土_%": "粘土",
    "焼成温度_℃": "焼成温度",
    "保持時間_h": "保持時間",
}
FORMULA_BASE = "熱膨張係数 ~ ペタライト + 石英 + 長石 + 焼成温度 + 保持時間"
FORMULA_INTER = "熱膨張係数 ~ ペタライト + 石英 * 焼成温度 + 長石 + 保持時間"


def ols(X: np.ndarray, y: np.ndarray) -> dict:
    """OLS by hand: normal equations on unit-length columns, solved with numpy."""
    scale = np.sqrt((X**2).sum(axis=0))
    xtx = (X / scale).T @ (X / scale)
    b = np.linalg.solve(xtx, (X / scale).T @ y) / scale
    resid = y - X @ b
    n, k = X.shape
    s2 = resid @ resid / (n - k)
    xtx_inv = np.linalg.inv(xtx) / np.outer(scale, scale)
    return {"b": b, "resid": resid, "s2": s2, "xtx_inv": xtx_inv, "df": n - k}


def prediction_interval(fit: dict, x0: np.ndarray, level: float = 0.95) -> tuple:
    """Mean, and the prediction interval s²(1 + x0ᵀ(XᵀX)⁻¹x0) with a t quantile."""
    mean = x0 @ fit["b"]
    lever = np.einsum("ij,jk,ik->i", x0, fit["xtx_inv"], x0)
    half = stats.t.ppf(0.5 + level / 2, fit["df"]) * np.sqrt(fit["s2"] * (1 + lever))
    return mean, mean - half, mean + half


# ---------------------------------------------------------------- reference values
def test_normal_equations_reproduce_nist_norris():
    y, x = NORRIS[:, 0], NORRIS[:, 1]
    X = np.column_stack([np.ones_like(x), x])
    fit = ols(X, y)
    se = np.sqrt(np.diag(fit["s2"] * fit["xtx_inv"]))
    r2 = 1 - fit["resid"] @ fit["resid"] / ((y - y.mean()) ** 2).sum()
    np.testing.assert_allclose(fit["b"], NORRIS_B, rtol=1e-9)
    np.testing.assert_allclose(se, NORRIS_SD, rtol=1e-9)
    assert np.sqrt(fit["s2"]) == pytest.approx(NORRIS_RESIDUAL_SD, rel=1e-10)
    assert r2 == pytest.approx(NORRIS_R2, rel=1e-12)
    sm_fit = smf.ols("y ~ x", data=pd.DataFrame({"y": y, "x": x})).fit()
    np.testing.assert_allclose(sm_fit.params, NORRIS_B, rtol=1e-9)


def test_prediction_interval_hand_formula_matches_textbook_and_statsmodels():
    y, x = NORRIS[:, 0], NORRIS[:, 1]
    X = np.column_stack([np.ones_like(x), x])
    fit = ols(X, y)
    new_x = np.array([0.0, 250.0, 500.0, 1200.0])  # 1200 lies outside the data: wider
    mean, low, high = prediction_interval(fit, np.column_stack([np.ones_like(new_x), new_x]))
    # Textbook simple-regression form: s·sqrt(1 + 1/n + (x0 − x̄)²/Sxx).
    n = len(x)
    s = NORRIS_RESIDUAL_SD
    half = (
        stats.t.ppf(0.975, n - 2)
        * s
        * np.sqrt(1 + 1 / n + (new_x - x.mean()) ** 2 / ((x - x.mean()) ** 2).sum())
    )
    np.testing.assert_allclose(high - mean, half, rtol=1e-9)
    np.testing.assert_allclose(mean, NORRIS_B[0] + NORRIS_B[1] * new_x, rtol=1e-9, atol=1e-9)
    frame = (
        smf.ols("y ~ x", data=pd.DataFrame({"y": y, "x": x}))
        .fit()
        .get_prediction(pd.DataFrame({"x": new_x}))
        .summary_frame(alpha=0.05)
    )
    np.testing.assert_allclose(frame["obs_ci_lower"], low, rtol=1e-9)
    np.testing.assert_allclose(frame["obs_ci_upper"], high, rtol=1e-9)
    assert (frame["mean_ci_upper"] < frame["obs_ci_upper"]).all()
    assert (high - low)[-1] > (high - low)[1]


def test_prediction_interval_covers_95_percent_of_new_batches_by_simulation():
    """Simulate many lab histories from the generator's true model: the PI covers ≈95 %."""
    rng = np.random.default_rng(12)
    table = ce._recipes(rng, 120)
    cols = [table[c].to_numpy(float) for c in COLUMNS]
    X = np.column_stack([np.ones(len(table)), *cols, cols[1] * cols[3]])
    truth = ce.true_alpha(*cols)
    reps = 4000
    Y = truth[:, None] + rng.normal(0, ce.NOISE_SD, (len(table), reps))
    x0 = np.array([1.0, 45, 6, 6, 1230, 2.0, 6 * 1230])
    new = ce.true_alpha(*x0[1:6]) + rng.normal(0, ce.NOISE_SD, reps)
    scale = np.sqrt((X**2).sum(axis=0))
    xtx_inv = np.linalg.inv((X / scale).T @ (X / scale)) / np.outer(scale, scale)
    B = xtx_inv @ X.T @ Y
    resid = Y - X @ B
    s2 = (resid**2).sum(axis=0) / (len(table) - X.shape[1])
    lever = x0 @ xtx_inv @ x0
    t = stats.t.ppf(0.975, len(table) - X.shape[1])
    mean = x0 @ B
    inside_pi = np.abs(new - mean) <= t * np.sqrt(s2 * (1 + lever))
    inside_ci = np.abs(new - mean) <= t * np.sqrt(s2 * lever)
    assert 0.93 <= inside_pi.mean() <= 0.97
    assert inside_ci.mean() < 0.5  # the classic mistake misses most single batches


# ---------------------------------------------------------------- generator
def _build(tmp_path, size="small", seed=20240401):
    out = tmp_path / f"{size}-{seed}"
    out.mkdir()
    ce.generate(out, size, seed)
    return out


def test_generator_is_deterministic_and_seed_dependent(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    a = _build(tmp_path / "a", seed=5)
    b = _build(tmp_path / "b", seed=5)
    c = _build(tmp_path, seed=6)
    for name in ("ceramic_batches.csv", "ceramic_plans.csv"):
        assert (a / name).read_bytes() == (b / name).read_bytes()
    assert (a / "ceramic_batches.csv").read_bytes() != (c / "ceramic_batches.csv").read_bytes()


@pytest.fixture(scope="module")
def raw_rows() -> list[dict]:
    with open(datasets.path("ceramic_expansion", "ceramic_batches.csv"), "rb") as handle:
        data = handle.read()
    assert b"\r\n" in data
    return list(csv.DictReader(io.StringIO(data.decode("cp932"), newline="")))


def clean(rows: list[dict]) -> pd.DataFrame:
    """The unit's cleaning, written with plain Python (csv rows, unicodedata)."""
    seen, keep = set(), []
    for row in rows:
        key = tuple(row.values())
        if key in seen or row["保持時間_h"].strip() == "":
            seen.add(key)
            continue
        seen.add(key)
        parts = ("ペタライト_%", "石英_%", "長石_%", "粘土_%")
        if abs(sum(float(row[p]) for p in parts) - 100) > 0.5:
            continue
        keep.append(row)
    frame = pd.DataFrame(
        {c: [ce.clean_number(r[c]) for r in keep] for c in [*COLUMNS, "熱膨張係数"]}
    )
    unit = np.array([10.0 if r["測定単位"] == "×10^-7/K" else 1.0 for r in keep])
    frame["熱膨張係数"] = frame["熱膨張係数"] / unit
    frame["バッチID"] = [r["バッチID"] for r in keep]
    frame["備考"] = [r["備考"] for r in keep]
    return frame.rename(columns=SHORT)


def test_planted_dirt_is_present(raw_rows):
    temps = [r["焼成温度_℃"] for r in raw_rows]
    alphas = [r["熱膨張係数"] for r in raw_rows]
    assert any("," in t for t in temps)
    assert any(t.endswith("℃") for t in temps)
    assert any(unicodedata.normalize("NFKC", t) != t and "℃" not in t for t in temps)
    assert any("．" in a for a in alphas)
    # NFKC rewrites ℃ as °C: the order of cleaning matters.
    assert unicodedata.normalize("NFKC", "1250℃") == "1250°C"
    assert ce.clean_number("1250℃") == 1250.0 and ce.clean_number("１２５０") == 1250.0
    old = [r for r in raw_rows if r["測定単位"] == "×10^-7/K"]
    assert 10 <= len(old) <= 40 and {r["担当"] for r in old} == {ce.OLD_DILATOMETER_STAFF}
    assert max(abs(ce.clean_number(r["熱膨張係数"])) for r in old) > 20
    keys = [tuple(r.values()) for r in raw_rows]
    assert len(keys) - len(set(keys)) >= 3
    assert sum(r["保持時間_h"] == "" for r in raw_rows) >= 3
    parts = ("ペタライト_%", "石英_%", "長石_%", "粘土_%")
    assert sum(sum(int(r[p]) for p in parts) != 100 for r in raw_rows) >= 3
    assert sum(r["備考"] == THERMOCOUPLE for r in raw_rows) == 1


def test_magnitudes_follow_reference_c(raw_rows):
    data = clean(raw_rows)
    porcelain = data.loc[data["ペタライト"] == 0, "熱膨張係数"]
    banko = data.loc[data["ペタライト"].between(40, 50), "熱膨張係数"]
    flame = data.loc[data["ペタライト"] >= 60, "熱膨張係数"]
    assert 4.8 < porcelain.mean() < 6.0  # porcelain ≈ 5.35×10⁻⁶/K
    assert -0.3 < banko.mean() < 1.5  # 40–50 % petalite: near-zero expansion
    assert flame.mean() < 0.3
    # A typical porcelain body (quartz 20 %, feldspar 20 %, clay 60 %, 1300 ℃, 2 h).
    typical = ce.true_alpha(*(np.array(v) for v in (0, 20, 20, 1300, 2)))
    assert typical == pytest.approx(5.35, abs=0.2)
    assert data[["ペタライト", "石英", "長石", "焼成温度"]].min().min() >= 0


def test_full_size_is_realistic_and_recovers_the_true_effects(tmp_path):
    out = _build(tmp_path, "full")
    with open(out / "ceramic_batches.csv", encoding="cp932", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) > 5000
    data = clean(rows)
    data = data[data["備考"] != THERMOCOUPLE]
    t100 = (data["焼成温度"] - 1250) / 100
    X = np.column_stack(
        [
            np.ones(len(data)),
            data["ペタライト"],
            data["石英"],
            data["長石"],
            t100,
            data["石英"] * t100,
            data["保持時間"] - 2,
        ]
    )
    fit = ols(X, data["熱膨張係数"].to_numpy())
    truth = [
        ce.INTERCEPT,
        ce.PER_PETALITE,
        ce.PER_QUARTZ,
        ce.PER_FELDSPAR,
        ce.PER_100C,
        ce.QUARTZ_X_100C,
        ce.PER_SOAK_HOUR,
    ]
    se = np.sqrt(np.diag(fit["s2"] * fit["xtx_inv"]))
    assert np.all(np.abs(fit["b"] - truth) < 4 * se)
    assert np.sqrt(fit["s2"]) == pytest.approx(ce.NOISE_SD, rel=0.05)


# ---------------------------------------------------------------- the notebook's numbers
@pytest.fixture(scope="module")
def models(raw_rows):
    data = clean(raw_rows)
    base = smf.ols(FORMULA_BASE, data=data).fit()
    inter = smf.ols(FORMULA_INTER, data=data).fit()
    final = smf.ols(FORMULA_INTER, data=data[data["備考"] != THERMOCOUPLE]).fit()
    return data, base, inter, final


def test_notebook_models_match_the_normal_equations(models):
    data, base, inter, final = models
    assert len(data) == 247 and int(final.nobs) == 246
    X = np.column_stack([np.ones(len(data))] + [data[SHORT[c]].to_numpy(float) for c in COLUMNS])
    hand = ols(X, data["熱膨張係数"].to_numpy())
    np.testing.assert_allclose(base.params.to_numpy(), hand["b"], rtol=1e-8)
    # Numbers quoted in the notebook text and the ex5 model answer.
    assert base.params["ペタライト"] == pytest.approx(-0.090, abs=0.001)
    assert base.params["石英"] == pytest.approx(0.076, abs=0.001)
    assert base.params["焼成温度"] * 10 == pytest.approx(-0.105, abs=0.001)
    assert base.params["保持時間"] == pytest.approx(-0.097, abs=0.001)
    assert inter.rsquared_adj > base.rsquared_adj
    assert data.loc[inter.resid.abs().idxmax(), "備考"] == THERMOCOUPLE
    assert np.sqrt(final.scale) == pytest.approx(0.19, abs=0.005)


def final_design(frame):
    """The final model's design matrix (constant, the four inputs, 石英 × 焼成温度), by hand."""
    return np.column_stack(
        [np.ones(len(frame))]
        + [frame[SHORT[c]].to_numpy(float) for c in COLUMNS]
        + [frame["石英"].to_numpy(float) * frame["焼成温度"].to_numpy(float)]
    )


def test_plan_judgement_in_the_model_answer(models):
    data, _, _, final = models
    ok = data[data["備考"] != THERMOCOUPLE]
    X = final_design(ok)
    hand = ols(X, ok["熱膨張係数"].to_numpy())
    plans = datasets.load("ceramic_expansion", "ceramic_plans.csv").rename(columns=SHORT)
    X0 = final_design(plans)
    mean, low, high = prediction_interval(hand, X0)
    frame = final.get_prediction(plans).summary_frame(alpha=0.05)
    np.testing.assert_allclose(frame["obs_ci_upper"], high, rtol=1e-8)
    np.testing.assert_allclose(frame["obs_ci_lower"], low, rtol=1e-8)
    quoted = dict(zip(plans["配合名"], zip(mean.round(2), high.round(2), strict=True), strict=True))
    assert quoted == {
        "土鍋A": (1.13, 1.51),
        "土鍋B": (1.87, 2.25),
        "耐熱皿C": (1.84, 2.22),
        "耐熱皿D": (1.60, 1.98),
        "耐熱マグE": (2.26, 2.64),
        "直火鍋F": (-0.41, -0.03),
        "直火鍋G": (-1.40, -1.02),
    }
    fails = list(plans.loc[high > 2.0, "配合名"])
    assert fails == ["土鍋B", "耐熱皿C", "耐熱マグE"]
    # By point prediction alone only one recipe would fail: the mistake ex9 detects.
    assert list(plans.loc[mean > 2.0, "配合名"]) == ["耐熱マグE"]
    # 直火鍋G lies outside the tested petalite range (extrapolation).
    assert plans.loc[plans["配合名"] == "直火鍋G", "ペタライト"].item() > data["ペタライト"].max()


def test_how_many_more_firings_is_answered_with_the_floor_no_firing_removes(models):
    """The opening question 「あと何回くらい試験焼成が必要か」: batch-to-batch spread s sets
    a floor t·s under the upper prediction limit that more test firings cannot lower."""
    data, _, _, final = models
    ok = data[data["備考"] != THERMOCOUPLE]
    X = final_design(ok)
    hand = ols(X, ok["熱膨張係数"].to_numpy())
    floor = stats.t.ppf(0.975, hand["df"]) * np.sqrt(hand["s2"])
    plans = datasets.load("ceramic_expansion", "ceramic_plans.csv").rename(columns=SHORT)
    X0 = final_design(plans)
    mean, _, high = prediction_interval(hand, X0)
    # However many batches are added, the upper limit stays above mean + t·s.
    assert (high > mean + floor).all()
    never = list(plans.loc[mean + floor > 2.0, "配合名"])
    assert never == ["土鍋B", "耐熱皿C", "耐熱マグE"]
    cells = [c for part in sorted(UNIT.glob("12*.ipynb")) for c in nbformat.read(part, 4).cells]
    text = "\n".join(c.source for c in cells if c.cell_type == "markdown")
    answer = text.split("### 冒頭の問いに答える")[1]
    assert f"±{floor:.2f}" in answer and f"2.0 − {floor:.2f}" in answer
    assert "・".join(never) in answer and "配合の見直し" in answer
