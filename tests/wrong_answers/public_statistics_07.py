"""Realistic wrong answers for unit 07 (公的統計の入手と読み方), each with its hint.

Every wrong option of every choice question is here, so each option's own hint is tested.
"""

from harness import WrongAnswer
from harness import choice_answers as _choices

UNIT = "07_public_statistics"


SHARE = (
    'tokyo = pref.loc[pref["地域"] == "東京都", "値"].sum()\n'
    'tokyo_share = tokyo / pref["値"].sum() * 100\n'
)
MERGE_TAIL = (
    'change["増減率"] = (change["人口2020"] / change["人口2000"] - 1) * 100\n'
    'change = change[["コード", "市町村", "人口2000", "人口2020", "増減率"]]\n'
)
CONTRIB_HEAD = (
    'now, year_ago = pd.Timestamp("2023-12-01"), pd.Timestamp("2022-12-01")\n'
    "items = weights.index\n"
)

WRONG_ANSWERS: list[WrongAnswer] = [
    # --- 演習1: which statistic has every municipality's population
    *_choices(
        "ex1",
        {"A": "家計調査は全国約9千世帯", "C": "労働力調査は標本調査", "D": "消費者物価指数は物価"},
    ),
    # --- 演習2: every page, prefectures only
    WrongAnswer(
        cell="ex2",
        test="ex2_test",
        # Took only the first page of the example (limit=20 → 20 rows, one of them 全国).
        code='pref = page1_table[page1_table["地域"] != "全国"]\n' + SHARE,
        hint="1ページ目（page1）だけ",
    ),
    WrongAnswer(
        cell="ex2",
        test="ex2_test",
        # Kept the 全国 row: the total doubles and Tokyo's share halves.
        code='pref = client.stats_data_frame("9990000001", cdCat01="0", limit=20)\n' + SHARE,
        hint="「全国」の行が残っています",
    ),
    # --- 演習3: the appId
    *_choices("ex3", {"A": "チェックポイント", "C": "1人の appId を全員で", "D": "メールは転送"}),
    # --- 演習4: SSDSE read with the code row as header
    *_choices(
        "ex4",
        {
            "A": "名称の行（「人口総数」などの文字）",
            "C": "列の位置は年版で変わります",
            "D": "Excel で開いて保存すると",
        },
    ),
    # --- 演習5: check digit
    WrongAnswer(
        cell="ex5",
        test="ex5_test",
        # 11 − remainder without taking its last digit: "11" and "10" for remainders 0 and 1.
        code=(
            "def check_digit(code5):\n"
            "    total = sum([int(d) * w for d, w in zip(code5, [6, 5, 4, 3, 2])])\n"
            "    return str(11 - total % 11)\n"
            'sapporo6 = "01100" + check_digit("01100")'
        ),
        hint="1桁になっていないコード",
    ),
    WrongAnswer(
        cell="ex5",
        test="ex5_test",
        code=(
            "def check_digit(code5):\n"
            "    total = sum([int(d) * w for d, w in zip(code5, [6, 5, 4, 3, 2])])\n"
            "    return str(total % 11 % 10)\n"
            'sapporo6 = "01100" + check_digit("01100")'
        ),
        hint="余りそのもの",
    ),
    WrongAnswer(
        cell="ex5",
        test="ex5_test",
        code=(
            "def check_digit(code5):\n"
            "    total = sum([int(d) * w for d, w in zip(code5, [2, 3, 4, 5, 6])])\n"
            "    return str((11 - total % 11) % 10)\n"
            'sapporo6 = "01100" + check_digit("01100")'
        ),
        hint="重みの順番が逆",
    ),
    # --- 演習6: merger
    WrongAnswer(
        cell="ex6",
        test="ex6_test",
        # Joined the years by code directly: merged towns and the new city drop out.
        code=(
            'change = pop2020.merge(pop2000.rename(columns={"旧コード": "コード"}), on="コード")\n'
            + MERGE_TAIL
        ),
        hint="対応表 crosswalk で2020年のコードに置き換えて",
    ),
    WrongAnswer(
        cell="ex6",
        test="ex6_test",
        code=(
            'base = pop2000.merge(crosswalk, on="旧コード").groupby("コード", as_index=False)'
            '["人口2000"].sum()\n'
            'change = pop2020.merge(base, on="コード")\n'
            'change["増減率"] = change["人口2020"] / change["人口2000"] - 1\n'
            'change = change[["コード", "市町村", "人口2000", "人口2020", "増減率"]]\n'
        ),
        hint="増減率が割合",
    ),
    # --- 演習7: year-on-year
    WrongAnswer(
        cell="ex7",
        test="ex7_test",
        code='yoy_total = wide["総合"].pct_change() * 100',
        hint="前月比（1か月前との比較）",
    ),
    WrongAnswer(
        cell="ex7",
        test="ex7_test",
        code='yoy_total = wide["総合"] - wide["総合"].shift(12)',
        hint="前年同月差（ポイント）",
    ),
    # --- 演習8: contributions
    WrongAnswer(
        cell="ex8",
        test="ex8_test",
        code=CONTRIB_HEAD
        + "contrib = (wide.loc[now, items] / wide.loc[year_ago, items] - 1) * 100",
        hint="費目ごとの前年同月比になっています",
    ),
    WrongAnswer(
        cell="ex8",
        test="ex8_test",
        code=CONTRIB_HEAD + "contrib = (wide.loc[now, items] / wide.loc[year_ago, items] - 1) * 100"
        " * weights / 10000",
        hint="費目自身の前年同月の指数で割っています",
    ),
    # --- 演習9: reading a January month-on-month fall
    *_choices(
        "ex9",
        {
            "A": "毎年1月に同じように下がっています",
            "C": "年率にすると",
            "D": "被服及び履物（ウエイト353）も入っています",
        },
    ),
    # --- 演習10: moving average
    WrongAnswer(
        cell="ex10",
        test="ex10_test",
        code='clothing_ma = wide["被服及び履物"].rolling(3).mean()',
        hint="3か月の移動平均では",
    ),
    WrongAnswer(
        cell="ex10",
        test="ex10_test",
        code='clothing_ma = wide["被服及び履物"].rolling(12, center=True).mean()',
        hint="center=True",
    ),
]
