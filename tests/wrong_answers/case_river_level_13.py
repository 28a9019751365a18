"""Realistic wrong answers for case unit 13 (河川水位の予測), each with the hint it must show."""

from harness import WrongAnswer, choice_answers

UNIT = "13_case_river_level"

READ_BOTH = (
    'level_raw = read_level(datasets.path("river_gauges", "level_sakurabashi.csv"))\n'
    'up_raw = read_level(datasets.path("river_gauges", "level_takiguchi.csv"))\n'
)
READ_TABLE = (
    "def read_level(path):\n"
    '    table = pd.read_csv(path, encoding="cp932", skiprows=9, dtype=str)\n'
)
RIGHT_STAMP = (
    '    hours = table["時刻"].str[:2].astype(int)\n'
    '    stamp = pd.to_datetime(table["年月日"]) + pd.to_timedelta(hours, unit="h")\n'
)
RETURN_SERIES = (
    '    values = to_value(table["水位"]).to_numpy()\n'
    "    return pd.Series(values, index=pd.DatetimeIndex(stamp))\n"
)
HOURLY = (
    'hourly = pd.concat({"水位": level_clean, "上流水位": up_clean, "流域雨量": basin_rain},'
    " axis=1)\n"
)


def _features(lag_1: str, lag_2: str, agg: str) -> str:
    return (
        "features = pd.DataFrame({\n"
        '    "水位": hourly["水位"],\n'
        f'    "水位_1h前": hourly["水位"].{lag_1},\n'
        f'    "水位_2h前": hourly["水位"].{lag_2},\n'
        '    "上流水位": hourly["上流水位"],\n'
        '    "流域雨量": hourly["流域雨量"],\n'
        f'    "雨量_3h計": hourly["流域雨量"].rolling(3).{agg}(),\n'
        f'    "雨量_6h計": hourly["流域雨量"].rolling(6).{agg}(),\n'
        "})\n"
    )


def _model3(target: str, split: str, fit_on: str) -> str:
    return (
        f'data3 = features.assign(目標=features["水位"].{target}).dropna()\n'
        + split
        + f'fit3 = sm.OLS({fit_on}["目標"], sm.add_constant({fit_on}[FEATURES])).fit()\n'
        "pred_3h = fit3.predict(sm.add_constant(test[FEATURES]))\n"
        'rmse_3h = rmse(test["目標"], pred_3h)\n'
        'nse_3h = nse(test["目標"], pred_3h)\n'
    )


TIME_SPLIT = (
    'train = data3[data3.index < "2024-01-01"]\ntest = data3[data3.index >= "2024-01-01"]\n'
)


def _peaks(selector: str) -> str:
    return (
        f"high = {selector} >= ALERT\n"
        "n_peak = int(high.sum())\n"
        'rmse_peak_model = rmse(test.loc[high, "目標"], pred_3h[high])\n'
        'rmse_peak_persist = rmse(test.loc[high, "目標"], test.loc[high, "水位"])\n'
    )


WRONG_ANSWERS: list[WrongAnswer] = [
    # ex1: "24:00" read as 00:00 of the same day: time runs backwards once a day.
    WrongAnswer(
        cell="ex1",
        test="ex1_test",
        code=(
            READ_TABLE
            + '    text = table["年月日"] + " " + table["時刻"].str.replace("24:00", "00:00")\n'
            "    stamp = pd.to_datetime(text)\n" + RETURN_SERIES + READ_BOTH
        ),
        hint="24:00 は翌日の 00:00 です",
    ),
    # ex1: errors="coerce" silently turns every "24:00" into NaT.
    WrongAnswer(
        cell="ex1",
        test="ex1_test",
        code=(
            READ_TABLE
            + '    stamp = pd.to_datetime(table["年月日"] + " " + table["時刻"], errors="coerce")\n'
            + RETURN_SERIES
            + READ_BOTH
        ),
        hint="NaT",
    ),
    # ex1: to_numeric(errors="coerce") without removing the 暫定値 "*": the last two
    # months become missing.
    WrongAnswer(
        cell="ex1",
        test="ex1_test",
        code=(
            READ_TABLE
            + RIGHT_STAMP
            + '    values = pd.to_numeric(table["水位"].str.strip(), errors="coerce")\n'
            "    return pd.Series(values.to_numpy(), index=pd.DatetimeIndex(stamp))\n" + READ_BOTH
        ),
        hint="暫定値（数値の後ろの *）",
    ),
    # ex2: only the jump from the previous hour: real flood rises are removed too.
    WrongAnswer(
        cell="ex2",
        test="ex2_test",
        code="level_clean = level_raw.mask((level_raw - level_raw.shift(1)) >= 1.0)\n",
        hint="本物の急な増水",
    ),
    # ex2: "high values are errors": the flood peaks disappear.
    WrongAnswer(
        cell="ex2",
        test="ex2_test",
        code="level_clean = level_raw.mask(level_raw >= ALERT)\n",
        hint="本物の洪水ピークまで消えて",
    ),
    # ex3: missing rain counted as 0 mm.
    WrongAnswer(
        cell="ex3",
        test="ex3_test",
        code=(
            'weights = pd.Series({"奥山": 0.45, "中野": 0.35, "下川": 0.20})\n'
            "basin_rain = rain.fillna(0) @ weights\n" + HOURLY
        ),
        hint="欠測を 0 mm として",
    ),
    # ex3: plain average of the three gauges instead of Thiessen weights.
    WrongAnswer(
        cell="ex3",
        test="ex3_test",
        code='basin_rain = (rain["奥山"] + rain["中野"] + rain["下川"]) / 3\n' + HOURLY,
        hint="単純平均",
    ),
    # ex4: shift(-1) is the next hour: a leak from the future.
    WrongAnswer(
        cell="ex4",
        test="ex4_test",
        code=_features("shift(-1)", "shift(-2)", "sum"),
        hint="shift(-1) は未来の値です",
    ),
    # ex4: rolling mean instead of the rolling sum.
    WrongAnswer(
        cell="ex4",
        test="ex4_test",
        code=_features("shift(1)", "shift(2)", "mean"),
        hint="rolling(3).sum()（合計）",
    ),
    # ex5: MSE returned as RMSE.
    WrongAnswer(
        cell="ex5",
        test="ex5_test",
        code=(
            "def rmse(obs, pred):\n"
            "    return float(np.mean((np.asarray(obs) - np.asarray(pred)) ** 2))\n\n\n"
            "def nse(obs, pred):\n"
            "    obs, pred = np.asarray(obs, dtype=float), np.asarray(pred, dtype=float)\n"
            "    return float(1 - np.sum((obs - pred) ** 2) / np.sum((obs - obs.mean()) ** 2))\n"
        ),
        hint="平方根（np.sqrt）",
    ),
    # ex5: NSE computed as the squared correlation (R²).
    WrongAnswer(
        cell="ex5",
        test="ex5_test",
        code=(
            "def rmse(obs, pred):\n"
            "    return float(np.sqrt(np.mean((np.asarray(obs) - np.asarray(pred)) ** 2)))\n\n\n"
            "def nse(obs, pred):\n"
            "    return float(np.corrcoef(obs, pred)[0, 1] ** 2)\n"
        ),
        hint="相関係数の2乗（Excel の RSQ）",
    ),
    # ex6: random split, the classic time-series mistake.
    WrongAnswer(
        cell="ex6",
        test="ex6_test",
        code=_model3(
            "shift(-3)",
            "train = data3.sample(frac=0.67, random_state=0)\ntest = data3.drop(train.index)\n",
            "train",
        ),
        hint="ランダムに分けていませんか",
    ),
    # ex6: the model fitted on all years, test included.
    WrongAnswer(
        cell="ex6",
        test="ex6_test",
        code=_model3("shift(-3)", TIME_SPLIT, "data3"),
        hint="テスト期間のデータも学習に",
    ),
    # ex6: target three hours in the past.
    WrongAnswer(
        cell="ex6",
        test="ex6_test",
        code=_model3("shift(3)", TIME_SPLIT, "train"),
        hint="3時間「前」の水位",
    ),
    # ex7: "persistence" taken one hour before the target time for every horizon.
    WrongAnswer(
        cell="ex7",
        test="ex7_test",
        code=(
            "rows = {}\n"
            "for h in range(1, 7):\n"
            '    data_h = features.assign(目標=features["水位"].shift(-h)).dropna()\n'
            '    train_h = data_h[data_h.index < "2024-01-01"]\n'
            '    test_h = data_h[data_h.index >= "2024-01-01"]\n'
            '    fit_h = sm.OLS(train_h["目標"], sm.add_constant(train_h[FEATURES])).fit()\n'
            "    pred_h = fit_h.predict(sm.add_constant(test_h[FEATURES]))\n"
            '    persist = features["水位"].shift(-(h - 1)).loc[test_h.index]\n'
            "    rows[h] = {\n"
            '        "RMSE_モデル": rmse(test_h["目標"], pred_h),\n'
            '        "RMSE_持続": rmse(test_h["目標"], persist),\n'
            '        "NSE_モデル": nse(test_h["目標"], pred_h),\n'
            '        "NSE_持続": nse(test_h["目標"], persist),\n'
            "    }\n"
            "skill = pd.DataFrame(rows).T\n"
        ),
        hint="持続予測の RMSE が予測時間とともに大きくなっていません",
    ),
    # ex8: hours chosen by the level at forecast time t.
    WrongAnswer(
        cell="ex8",
        test="ex8_test",
        code=_peaks('test["水位"]'),
        hint="予測時点 t の水位（水位 の列）で時刻を選んでいませんか",
    ),
    # ex8: hours chosen by the forecast: missed floods drop out of the evaluation.
    WrongAnswer(
        cell="ex8",
        test="ex8_test",
        code=_peaks("pred_3h"),
        hint="予測値で時刻を選んでいませんか",
    ),
]

# --- Judgement questions (choice variables): every wrong option, each with its own hint
WRONG_ANSWERS += [
    *choice_answers(
        "ex2b",
        {
            "A": "高い値をまとめて消すと、いちばん大事な洪水ピーク",
            "C": "暫定値は照査前の速報値ですが、数値として使います",
            "D": "1時間前の値で埋めると",
        },
    ),
    *choice_answers(
        "ex4b",
        {
            "A": "実際の運用では使えない値のおかげで",
            "C": "6時間先でも同じ漏れが起きるだけ",
            "D": "2時間後の水位も未来の値です",
        },
    ),
    *choice_answers(
        "ex7b",
        {
            "A": "NSE の目安を超えただけでは",
            "C": "学習に使ったデータでの成績は良く見えます",
            "D": "予測時間が長いほど誤差が大きくなるのは、持続予測も同じ",
        },
    ),
    *choice_answers(
        "ex8b",
        {
            "A": "大部分を占める平常時に引っぱられて良く見えます",
            "C": "低く予測した洪水（見逃し）が評価から抜けます",
            "D": "知りたいのは水位が高いときの精度です",
        },
    ),
    *choice_answers(
        "ex8c",
        {
            "A": "出水を何割捕まえられるかは、2回では分かりません",
            "C": "平均の偏りを足しても大きな洪水の低すぎる予測は直らず",
            "D": "同じ出水の1時間ずつは別々の証拠ではありません",
        },
    ),
]
