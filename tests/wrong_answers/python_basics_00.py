"""Realistic wrong answers for unit 00 (Python入門), each with the hint it must show.

The learner has never programmed: these are the first mistakes of that learner (a number
typed as text, counting from 1, = against >=, print instead of return, trusting the
output of a generative AI) and, for the choice questions, each wrong option.
"""

from harness import WrongAnswer

UNIT = "00_python_basics"

COUNT_WAITS = (
    "long_count = 0\n"
    "normal_count = 0\n"
    "short_count = 0\n"
    "for w in waits_today:\n"
    "    if w {long} 30:\n"
    "        long_count = long_count + 1\n"
    "    elif w {normal} 15:\n"
    "        normal_count = normal_count + 1\n"
    "    else:\n"
    "        short_count = short_count + 1\n"
)

WRONG_ANSWERS: list[WrongAnswer] = [
    # --- パートA 演習1: the count typed with quotes, as Excel's '125 would be
    WrongAnswer(
        cell="ex1",
        test="ex1_test",
        code='visitors = "125"\ncounter_name = "本庁窓口"\nis_open = True',
        hint="引用符を付けずに 125 と書きましょう",
    ),
    WrongAnswer(
        cell="ex1",
        test="ex1_test",
        code='visitors = 125\ncounter_name = "本庁窓口"\nis_open = "True"',
        hint="先頭を大文字にして True か False",
    ),
    # --- 演習2: the ratio not turned into a percentage
    WrongAnswer(
        cell="ex2",
        test="ex2_test",
        code=(
            "budget_gym = 3600000\nspent_gym = 2700000\n"
            "remaining_gym = budget_gym - spent_gym\nrate_gym = spent_gym / budget_gym"
        ),
        hint="百分率（%）にするには 100 を掛けます",
    ),
    WrongAnswer(
        cell="ex2",
        test="ex2_test",
        code=(
            "budget_gym = 3600000\nspent_gym = 2700000\n"
            "remaining_gym = spent_gym - budget_gym\nrate_gym = spent_gym / budget_gym * 100"
        ),
        hint="予算 − 執行額",
    ),
    # --- 演習3: counting from 1 as Excel's rows do
    WrongAnswer(
        cell="ex3",
        test="ex3_test",
        code=(
            "april = monthly[1]\nseptember = monthly[-1]\n"
            "half_total = sum(monthly)\nhalf_average = sum(monthly) / len(monthly)"
        ),
        hint="Python の番号は 0 から数える",
    ),
    # --- 演習4: the dictionary re-created instead of one item added
    WrongAnswer(
        cell="ex4",
        test="ex4_test",
        code='hall_capacity = capacity["大ホール"]\ncapacity = {"和室": 20}',
        hint="{ } で辞書を作り直すと中身が全部置き換わります",
    ),
    # --- 演習5: the f forgotten before the quotes
    WrongAnswer(
        cell="ex5",
        test="ex5_test",
        code=(
            'report = "{counter_name}の受付件数は{visitors}件です"\n'
            'budget_text = f"体育館の修繕予算の残額は{remaining_gym:,}円です"'
        ),
        hint="引用符の前に f を付け忘れていませんか",
    ),
    WrongAnswer(
        cell="ex5",
        test="ex5_test",
        code=(
            'report = f"{counter_name}の受付件数は{visitors}件です"\n'
            'budget_text = f"体育館の修繕予算の残額は{remaining_gym}円です"'
        ),
        hint="桁区切りのカンマがありません",
    ),
    # --- パートB 演習7: > for 以上 (the boundary 30 and 15 fall one class lower)
    WrongAnswer(
        cell="ex7",
        test="ex7_test",
        code=COUNT_WAITS.format(long=">", normal=">"),
        hint="「以上」は > ではなく >= です",
    ),
    WrongAnswer(
        cell="ex7",
        test="ex7_test",
        # the smaller threshold tested first: nothing reaches the 30-minute branch
        code=(
            "long_count = 0\nnormal_count = 0\nshort_count = 0\n"
            "for w in waits_today:\n"
            "    if w >= 15:\n        normal_count = normal_count + 1\n"
            "    elif w >= 30:\n        long_count = long_count + 1\n"
            "    else:\n        short_count = short_count + 1\n"
        ),
        hint="大きい方の条件（w >= 30）を先に書きましょう",
    ),
    WrongAnswer(
        cell="ex7",
        test="ex7_test",
        # three separate ifs: a 42-minute wait is counted twice
        code=(
            "long_count = 0\nnormal_count = 0\nshort_count = 0\n"
            "for w in waits_today:\n"
            "    if w >= 30:\n        long_count = long_count + 1\n"
            "    if w >= 15:\n        normal_count = normal_count + 1\n"
            "    if w < 15:\n        short_count = short_count + 1\n"
        ),
        hint="if を3つ並べると重なって数えます",
    ),
    # --- 演習8: off by one in range
    WrongAnswer(
        cell="ex8",
        test="ex8_test",
        code=(
            "year_labels = []\nfor year in range(2020, 2024):\n"
            '    year_labels.append(f"{year}年度")'
        ),
        hint="range の終わりの数は含まれない",
    ),
    # --- 演習9: print instead of return
    WrongAnswer(
        cell="ex9",
        test="ex9_test",
        code=(
            "def usage_fee(hours, hourly_rate, is_resident):\n"
            "    fee = hours * hourly_rate\n"
            "    if is_resident:\n"
            "        print(fee)\n"
            "    else:\n"
            "        print(fee + 500)\n"
        ),
        hint="print は表示するだけなので、return で返しましょう",
    ),
    WrongAnswer(
        cell="ex9",
        test="ex9_test",
        code=("def usage_fee(hours, hourly_rate, is_resident):\n    return hours * hourly_rate\n"),
        hint="県外のときは 500円 を加えましょう",
    ),
    # --- 演習10: rounding (or truncating) a head count that must be rounded up
    WrongAnswer(
        cell="ex10",
        test="ex10_test",
        code="staff_needed = round(500 / 60)",
        hint="切り上げ（math.ceil）を使いましょう",
    ),
    # --- パートC 演習12: each wrong reading of a KeyError
    WrongAnswer(
        cell="ex12", test="ex12_test", code='choice_ex12 = "A"', hint="NameError になります"
    ),
    WrongAnswer(
        cell="ex12", test="ex12_test", code='choice_ex12 = "C"', hint="TypeError になります"
    ),
    WrongAnswer(
        cell="ex12", test="ex12_test", code='choice_ex12 = "D"', hint="SyntaxError で、実行前"
    ),
    WrongAnswer(
        cell="ex12",
        test="ex12_test",
        code='choice_ex12 = "b"',
        hint="半角の大文字1文字",
    ),
    # --- 演習13: fixing where it stopped instead of where the bad value came from
    WrongAnswer(
        cell="ex13",
        test="ex13_test",
        code='choice_ex13 = "A"',
        hint="おかしな値を渡した行を直します",
    ),
    WrongAnswer(
        cell="ex13",
        test="ex13_test",
        code='choice_ex13 = "B"',
        hint="1行目の定義には誤りがありません",
    ),
    WrongAnswer(
        cell="ex13",
        test="ex13_test",
        code='choice_ex13 = "C"',
        hint="再起動しても同じコードは同じエラー",
    ),
    # --- 演習14: turning the number into text instead, so + joins them into "12548"
    WrongAnswer(
        cell="ex14",
        test="ex14_test",
        code='total_count = str(counts["本庁窓口"]) + counts["北部出張窓口"]',
        hint="文字列どうしの + は足し算ではなく、つなげるだけ",
    ),
    # --- 演習15: what to do after a ❌
    WrongAnswer(
        cell="ex15", test="ex15_test", code='choice_ex15 = "B"', hint="確認セルはロックされていて"
    ),
    WrongAnswer(
        cell="ex15", test="ex15_test", code='choice_ex15 = "C"', hint="ノートブックの故障ではなく"
    ),
    WrongAnswer(
        cell="ex15", test="ex15_test", code='choice_ex15 = "D"', hint="採点では答えは直されず"
    ),
    # --- パートD 演習17: trusting the generative AI's function
    WrongAnswer(
        cell="ex17",
        test="ex17_test",
        code=(
            "tiny = [10, 30, 45]\nhand_count = 2\nai_count = count_long(tiny)\nai_is_correct = True"
        ),
        hint="30分ちょうどの人が数えられません",
    ),
    WrongAnswer(
        cell="ex17",
        test="ex17_test",
        # an example without the boundary value: the bug cannot show
        code=(
            "tiny = [10, 20, 45]\nhand_count = 1\nai_count = count_long(tiny)\nai_is_correct = True"
        ),
        hint="30分ちょうどの人を含むリスト",
    ),
    # --- 演習18: what may be pasted into a generative AI
    WrongAnswer(
        cell="ex18", test="ex18_test", code='choice_ex18 = "A"', hint="氏名・住所は個人情報です"
    ),
    WrongAnswer(
        cell="ex18",
        test="ex18_test",
        code='choice_ex18 = "B"',
        hint="組み合わせから人が特定されるおそれ",
    ),
    WrongAnswer(
        cell="ex18",
        test="ex18_test",
        code='choice_ex18 = "D"',
        hint="パスワードは絶対に貼ってはいけません",
    ),
]
