"""Realistic wrong answers for unit 02 (実データの読み方), each with the hint it must show."""

from harness import WrongAnswer

UNIT = "02_read_real_files"

APPLICATIONS = 'folder / "subsidy_applications.csv"'
MOVE_COLUMNS = (
    'move_columns = ["団体コード", "市町村名", "出生", "死亡", "自然増減",'
    ' "転入", "転出", "社会増減"]\n'
)
READ_MOVES = (
    MOVE_COLUMNS
    + 'moves = pd.read_excel(population_path, sheet_name="令和5年", header=None, skiprows=4,'
    " names=move_columns)\n"
)
AMOUNT = (
    'amount = pd.to_numeric(applications["申請額"].str.normalize("NFKC").str.replace(",", ""),'
    ' errors="coerce")\n'
)
FOUNDED_PARTS = (
    'p = applications["設立年"].str.normalize("NFKC").str.extract(r"(昭和|平成|令和)(元|\\d+)年")\n'
)
CLASS_NAMES = (
    "class_names = {}\n"
    'for o in stats["CLASS_INF"]["CLASS_OBJ"]:\n'
    '    cl = o["CLASS"] if isinstance(o["CLASS"], list) else [o["CLASS"]]\n'
    '    class_names[o["@id"]] = {c["@code"]: c["@name"] for c in cl}\n'
)
ICT = (
    'ict = estat[(estat["表章項目"] == "従業者数") & (estat["産業"] == "情報通信業")]\n'
    'ict_towns = ict[ict["地域"] != "さくら県"]\n'
    'prefecture = ict.loc[ict["地域"] == "さくら県", "値"].item()\n'
)
SSDSE = 'ssdse = pd.read_csv(folder / "ssdse_style_sakura.csv", encoding="cp932", header=2)\n'


def _estat(value: str, area: str = 'value_table["@area"].map(class_names["area"])') -> str:
    return (
        CLASS_NAMES + "estat = pd.DataFrame({\n"
        '    "表章項目": value_table["@tab"].map(class_names["tab"]),\n'
        '    "産業": value_table["@cat01"].map(class_names["cat01"]),\n'
        f'    "地域": {area},\n'
        f'    "値": {value},\n'
        "})"
    )


WRONG_ANSWERS: list[WrongAnswer] = [
    # ---------------------------------------------------------------- ex1 encodings
    WrongAnswer(
        cell="ex1",
        test="ex1_test",
        # 髙・﨑・① exist only in cp932: shift_jis raises UnicodeDecodeError.
        code=f'applications = pd.read_csv({APPLICATIONS}, encoding="shift_jis")',
        hint="encoding='cp932'",
    ),
    WrongAnswer(
        cell="ex1",
        test="ex1_test",
        code=(
            f'applications = pd.read_csv({APPLICATIONS}, encoding="shift_jis",'
            ' encoding_errors="replace")'
        ),
        hint="文字化け（�）",
    ),
    # ---------------------------------------------------------------- ex2 全角数字
    WrongAnswer(
        cell="ex2",
        test="ex2_test",
        code=(
            'amount = pd.to_numeric(applications["申請額"].str.replace(",", ""), errors="coerce")\n'
            "total_amount = amount.sum()\n"
            "n_cap = (amount == 500000).sum()"
        ),
        hint="全角数字（例: ５００，０００）の行が欠損値",
    ),
    WrongAnswer(
        cell="ex2",
        test="ex2_test",
        code=AMOUNT
        + 'total_amount = applications["申請額"].sum()\n'
        + "n_cap = (amount == 500000).sum()",
        hint="足し算ではなく文字がつながる",
    ),
    WrongAnswer(
        cell="ex2",
        test="ex2_test",
        code=AMOUNT
        + "total_amount = amount.sum()\n"
        + 'n_cap = (applications["申請額"] == "500,000").sum()',
        hint="文字列の「500,000」だけを数えています",
    ),
    # ---------------------------------------------------------------- ex3 和暦 by hand
    WrongAnswer(
        cell="ex3",
        test="ex3_test",
        # The worked example only had 令和 and 平成.
        code=FOUNDED_PARTS
        + 'founded = p[0].map({"令和": 2019, "平成": 1989})'
        + ' + pd.to_numeric(p[1].replace("元", "1")) - 1',
        hint="昭和の行が欠損値",
    ),
    WrongAnswer(
        cell="ex3",
        test="ex3_test",
        code=FOUNDED_PARTS
        + 'founded = p[0].map({"昭和": 1926, "平成": 1989, "令和": 2019})'
        + ' + pd.to_numeric(p[1].replace("元", "1"))',
        hint="− 1 を忘れると1年ずれます",
    ),
    WrongAnswer(
        cell="ex3",
        test="ex3_test",
        code=FOUNDED_PARTS
        + 'founded = p[0].map({"昭和": 1926, "平成": 1989, "令和": 2019})'
        + ' + pd.to_numeric(p[1], errors="coerce") - 1',
        hint="「元年」の行が欠損値",
    ),
    WrongAnswer(
        cell="ex3",
        test="ex3_test",
        code=(
            'p = applications["設立年"].str.extract(r"(昭和|平成|令和)(元|\\d+)年")\n'
            'founded = p[0].map({"昭和": 1926, "平成": 1989, "令和": 2019})'
            ' + pd.to_numeric(p[1].replace("元", "1"), errors="coerce") - 1'
        ),
        hint="全角数字の行（例: 平成１２年）が欠損値",
    ),
    # ---------------------------------------------------------------- ex4 dates
    WrongAnswer(
        cell="ex4",
        test="ex4_test",
        code=(
            'received = pd.to_datetime(applications["申請日"], errors="coerce")\n'
            'n_reiwa = (received >= "2019-05-01").sum()'
        ),
        hint="pd.to_datetime は「令和元年5月7日」や「R1.5.20」のような和暦を読めません",
    ),
    WrongAnswer(
        cell="ex4",
        test="ex4_test",
        code=(
            'received = to_datetime_wareki(applications["申請日"])\n'
            'n_reiwa = applications["申請日"].str.contains("令和").sum()'
        ),
        hint="「令和」という文字を含む行だけを数えています",
    ),
    WrongAnswer(
        cell="ex4",
        test="ex4_test",
        code=(
            'received = to_datetime_wareki(applications["申請日"])\n'
            "n_reiwa = (received.dt.year == 2019).sum()"
        ),
        hint="令和は2019年5月1日から",
    ),
    # ---------------------------------------------------------------- ex5 Excel layout
    WrongAnswer(
        cell="ex5",
        test="ex5_test",
        code=MOVE_COLUMNS
        + 'moves = pd.read_excel(population_path, sheet_name="令和5年", header=2)',
        hint="見出しは3行目と4行目の2段",
    ),
    WrongAnswer(
        cell="ex5",
        test="ex5_test",
        code=READ_MOVES + 'moves = moves[moves["団体コード"] != "48000"]',
        hint="表の下の注記",
    ),
    WrongAnswer(
        cell="ex5",
        test="ex5_test",
        code=READ_MOVES + 'moves = moves.dropna(subset=["市町村名"])',
        hint="県計（さくら県計）の行が残っています",
    ),
    # ---------------------------------------------------------------- ex6 △
    WrongAnswer(
        cell="ex6",
        test="ex6_test",
        code=(
            'social = pd.to_numeric(moves["社会増減"].astype(str).str.replace("△", ""),'
            ' errors="coerce")\n'
            "n_decline = (social < 0).sum()"
        ),
        hint="「△」の付いた値がプラス",
    ),
    WrongAnswer(
        cell="ex6",
        test="ex6_test",
        code=(
            'social = pd.to_numeric(moves["社会増減"].str.replace("△", "-"), errors="coerce")\n'
            "n_decline = (social < 0).sum()"
        ),
        hint="先に .astype(str) で文字列にそろえましょう",
    ),
    WrongAnswer(
        cell="ex6",
        test="ex6_test",
        code=(
            'social = pd.to_numeric(moves["社会増減"], errors="coerce")\n'
            "n_decline = (social < 0).sum()"
        ),
        hint="「△」の付いた値が欠損値",
    ),
    WrongAnswer(
        cell="ex6",
        test="ex6_test",
        code=('social = to_number(moves["社会増減"])\nn_decline = (social <= 0).sum()'),
        hint="0 の市町村はマイナスではありません",
    ),
    # ---------------------------------------------------------------- ex7 e-Stat JSON
    WrongAnswer(
        cell="ex7",
        test="ex7_test",
        code=_estat('pd.to_numeric(value_table["$"].replace({"***": "0", "-": "0"}))'),
        hint="0 などの数値になっています",
    ),
    WrongAnswer(
        cell="ex7",
        test="ex7_test",
        code=_estat('value_table["$"]'),
        hint="文字列のまま",
    ),
    WrongAnswer(
        cell="ex7",
        test="ex7_test",
        code=_estat(
            'pd.to_numeric(value_table["$"], errors="coerce")', area='value_table["@area"]'
        ),
        hint="地域がコード（48201 など）のまま",
    ),
    # ---------------------------------------------------------------- ex8 秘匿
    WrongAnswer(
        cell="ex8",
        test="ex8_test",
        code=ICT
        + 'shown_sum = ict["値"].sum()\n'
        + 'n_secret = (value_table.loc[ict_towns.index, "$"] == "***").sum()\n'
        + "hidden_total = prefecture - shown_sum",
        hint="県全体（さくら県）の行まで足していませんか",
    ),
    WrongAnswer(
        cell="ex8",
        test="ex8_test",
        code=ICT
        + 'shown_sum = ict_towns["値"].sum()\n'
        + 'n_secret = ict_towns["値"].isna().sum()\n'
        + "hidden_total = prefecture - shown_sum",
        hint="「-」（該当数値なし＝事業所が無い）まで数えています",
    ),
    # ---------------------------------------------------------------- ex10 SSDSE
    WrongAnswer(
        cell="ex10",
        test="ex10_test",
        code=SSDSE
        + 't = ssdse[ssdse["地域コード"] != "R48000"].set_index("市区町村")\n'
        + 'aging = (t["65歳以上人口"] / t["総人口"]).sort_values(ascending=False)',
        hint="100 を掛けます",
    ),
    WrongAnswer(
        cell="ex10",
        test="ex10_test",
        code=SSDSE
        + 't = ssdse.set_index("市区町村")\n'
        + 'aging = (t["65歳以上人口"] / t["総人口"] * 100).sort_values(ascending=False)',
        hint="県全体（地域コード R48000",
    ),
    WrongAnswer(
        cell="ex10",
        test="ex10_test",
        code=SSDSE
        + 't = ssdse[ssdse["地域コード"] != "R48000"].set_index("市区町村")\n'
        + 'aging = t["65歳以上人口"] / t["総人口"] * 100',
        hint="大きい順（降順）に並んでいません",
    ),
]
