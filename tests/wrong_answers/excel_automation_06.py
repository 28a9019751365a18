"""Realistic wrong answers for unit 06 (Excel関数・マクロ相当の自動化), each with its hint."""

from harness import WrongAnswer, choice_answers

UNIT = "06_excel_automation"

CLEAN_HEADER_DEF = 'def clean_header(name):\n    """列名をそろえる"""\n'
TO_COUNT_DEF = 'def to_count(value):\n    """セルの値を件数にする"""\n'

# The correct read_reply, split so that single steps can be replaced by mistakes.
READ_OPEN = '''def read_reply(path, sheet_name="回答"):
    """回答ファイルを1つ読み、(表, 問題のリスト) を返す。"""
    path = Path(path)
    problems = []
    if path.suffix == ".csv":
        raw = pd.read_csv(path, encoding="cp932", header=None)
        problems.append("CSVで提出")
    else:
        with pd.ExcelFile(path) as book:
            sheets = book.sheet_names
        if sheet_name not in sheets:
            problems.append("シート名違い")
            sheet_name = sheets[0]
        raw = pd.read_excel(path, sheet_name=sheet_name, header=None)
'''
READ_HEADER = """    first = raw.iloc[:, 0].map(clean_header)
    header_row = first[first == "手続名"].index[0]
    if header_row > 0:
        problems.append("タイトル行あり")
"""
READ_COLUMNS = """    header = raw.iloc[header_row]
    columns = [clean_header(name) for name in header]
    if columns != [str(name) for name in header]:
        problems.append("列名の表記ゆれ")
"""
READ_BODY = """    table = raw.iloc[header_row + 1:].set_axis(columns, axis=1)
    table = table[["手続名", "申請件数", "オンライン件数"]].dropna(subset=["手続名"])
    table["申請件数"] = table["申請件数"].map(to_count)
    table["オンライン件数"] = table["オンライン件数"].map(to_count)
    if table[["申請件数", "オンライン件数"]].isna().any().any():
        problems.append("未回答あり")
    table.insert(0, "市町村", path.stem.split("_")[1])
    return table.reset_index(drop=True), problems
"""

LOOP_START = """tables = []
log_rows = []
"""
LOOP_END = """replies = pd.concat(tables, ignore_index=True)
log = pd.DataFrame(log_rows, columns=["市町村", "ファイル", "問題"])
"""
MISSING_CHECK = """targets = pd.read_csv(reply_dir / "照会先一覧.csv", encoding="cp932")
submitted = {p.stem.split("_")[1] for p in paths}
for city in targets["市町村"]:
    if city not in submitted:
        log_rows.append({"市町村": city, "ファイル": "", "問題": "未提出"})
"""


def _loop(pattern: str, on_error: str) -> str:
    return (
        f"paths = sorted(reply_dir.glob({pattern!r}))\n"
        "for path in paths:\n"
        '    city = path.stem.split("_")[1]\n'
        "    try:\n"
        "        table, problems = read_reply(path)\n"
        "    except Exception:\n"
        f"{on_error}"
        "        continue\n"
        "    tables.append(table)\n"
        "    for problem in problems:\n"
        '        log_rows.append({"市町村": city, "ファイル": path.name, "問題": problem})\n'
    )


LOGGED = (
    '        log_rows.append({"市町村": city, "ファイル": path.name, "問題": "Excelで開けない"})\n'
)

REPORT_START = """report_path = Path("output/オンライン化状況_集計.xlsx")
summary.to_excel(report_path, sheet_name="集計")
wb = load_workbook(report_path)
ws = wb["集計"]
for c in ws[1]:
    c.font = Font(bold=True)
    c.fill = PatternFill(fill_type="solid", fgColor="DDEBF7")
ws.column_dimensions["A"].width = 30
for col in "BCDE":
    ws.column_dimensions[col].width = 12
"""
REPORT_FORMATS = """for r in ws.iter_rows(min_row=2, min_col=2, max_col=4):
    for c in r:
        c.number_format = "#,##0"
for r in ws.iter_rows(min_row=2, min_col=5, max_col=5):
    for c in r:
        c.number_format = "0.0"
"""

WRONG_ANSWERS: list[WrongAnswer] = [
    # ---- 1. text
    WrongAnswer(
        cell="ex1",
        test="ex1_test",
        code='apps["カナキー"] = apps["フリガナ"].str.replace(" ", "")',
        hint="全角スペースが残っています",
    ),
    WrongAnswer(
        cell="ex1",
        test="ex1_test",
        code='apps["カナキー"] = apps["フリガナ"].str.replace(" ", "").str.replace("　", "")',
        hint="半角カタカナ",
    ),
    WrongAnswer(
        cell="ex2",
        test="ex2_test",
        code='apps["職員番号"] = apps["職員番号"].astype(str).str.zfill(6)',
        hint="全角数字が残っています",
    ),
    WrongAnswer(
        cell="ex2",
        test="ex2_test",
        code='apps["職員番号"] = apps["職員番号"].str.normalize("NFKC").str.zfill(6)',
        hint="astype(str)",
    ),
    *choice_answers(
        "ex2b",
        {
            "A": "同姓同名の別の職員",
            "B": "読みがなが同じ別の職員",
            "D": "同じ人が別の人として数えられます",
        },
    ),
    # ---- 2. dates
    WrongAnswer(
        cell="ex3",
        test="ex3_test",
        code='apps["年齢"] = BASE.year - apps["生年月日"].dt.year',
        hint="まだ誕生日が来ていない",
    ),
    WrongAnswer(
        cell="ex3",
        test="ex3_test",
        code='apps["年齢"] = (BASE - apps["生年月日"]).dt.days // 365',
        hint="うるう年",
    ),
    WrongAnswer(
        cell="ex4",
        test="ex4_test",
        code='apps["報告期限"] = apps["受講日"] + pd.offsets.MonthEnd(1)',
        hint="その月（当月）の月末",
    ),
    WrongAnswer(
        cell="ex4",
        test="ex4_test",
        code='apps["報告期限"] = apps["受講日"] + pd.Timedelta(days=30)',
        hint="30日後",
    ),
    WrongAnswer(
        cell="ex5",
        test="ex5_test",
        code=(
            'apps["処理日数"] = np.busday_count(\n'
            '    apps["受付日時"].dt.normalize().to_numpy(dtype="datetime64[D]"),\n'
            '    apps["承認日"].to_numpy(dtype="datetime64[D]"),\n'
            "    holidays=HOLIDAYS,\n"
            ")"
        ),
        hint="終了日を含まない",
    ),
    WrongAnswer(
        cell="ex5",
        test="ex5_test",
        code=(
            'apps["処理日数"] = np.busday_count(\n'
            '    apps["受付日時"].dt.normalize().to_numpy(dtype="datetime64[D]"),\n'
            '    (apps["承認日"] + pd.Timedelta(days=1)).to_numpy(dtype="datetime64[D]"),\n'
            ")"
        ),
        hint="holidays=HOLIDAYS",
    ),
    # ---- 3. duplicates
    *choice_answers(
        "ex5b",
        {
            "B": "土日や祝日をまたぐかどうかとは関係ありません",
            "C": "承認日の1日が数えられません",
            "D": "開始日（受付日）は数えます",
        },
    ),
    WrongAnswer(
        cell="ex6",
        test="ex6_test",
        code='dup_rows = apps[apps.duplicated(subset="職員番号")]',
        hint="keep=False",
    ),
    WrongAnswer(
        cell="ex6",
        test="ex6_test",
        code="dup_rows = apps[apps.duplicated(keep=False)]",
        hint="subset='職員番号'",
    ),
    WrongAnswer(
        cell="ex7",
        test="ex7_test",
        code="latest = apps.drop_duplicates()",
        hint="subset='職員番号'",
    ),
    WrongAnswer(
        cell="ex7",
        test="ex7_test",
        code='latest = apps.drop_duplicates(subset="職員番号", keep="last")',
        hint="並べ替えてから keep='last'",
    ),
    WrongAnswer(
        cell="ex7",
        test="ex7_test",
        code='latest = apps.sort_values("受付日時").drop_duplicates(subset="職員番号")',
        hint="最新ではない申込",
    ),
    # ---- 4. consolidation
    *choice_answers(
        "ex7b",
        {
            "A": "変更前のコースの席まで",
            "C": "貼り付けの重複）しか消さない",
            "D": "最新の申込まで消えます",
        },
    ),
    WrongAnswer(
        cell="ex8",
        test="ex8_test",
        code=CLEAN_HEADER_DEF
        + '    text = str(name).replace(" ", "").replace("　", "")\n'
        + "    return COLUMN_ALIASES.get(text, text)\n",
        hint="NFKC 正規化で全角カナ",
    ),
    WrongAnswer(
        cell="ex8",
        test="ex8_test",
        code=CLEAN_HEADER_DEF
        + '    return unicodedata.normalize("NFKC", str(name)).replace(" ", "")\n',
        hint="COLUMN_ALIASES.get",
    ),
    WrongAnswer(
        cell="ex9",
        test="ex9_test",
        code=TO_COUNT_DEF
        + '    text = unicodedata.normalize("NFKC", str(value)).strip().replace(",", "")\n'
        + '    if text == "-":\n'
        + "        return 0.0\n"
        + "    try:\n"
        + "        return float(text)\n"
        + "    except ValueError:\n"
        + "        return 0.0\n",
        hint="「未回答」を0件にしています",
    ),
    WrongAnswer(
        cell="ex9",
        test="ex9_test",
        code=TO_COUNT_DEF
        + '    text = unicodedata.normalize("NFKC", str(value)).replace(",", "")\n'
        + '    return pd.to_numeric(text, errors="coerce")\n',
        hint="「－」が NaN になっています",
    ),
    WrongAnswer(
        cell="ex9",
        test="ex9_test",
        code=TO_COUNT_DEF
        + '    text = unicodedata.normalize("NFKC", str(value)).strip()\n'
        + '    if text == "-":\n'
        + "        return 0.0\n"
        + "    try:\n"
        + "        return float(text)\n"
        + "    except ValueError:\n"
        + "        return np.nan\n",
        hint="桁区切りの付いた「1,234」",
    ),
    WrongAnswer(
        cell="ex10",
        test="ex10_test",
        # no fallback: the reply whose sheet was renamed stops the function
        code=READ_OPEN.replace(
            """        with pd.ExcelFile(path) as book:
            sheets = book.sheet_names
        if sheet_name not in sheets:
            problems.append("シート名違い")
            sheet_name = sheets[0]
""",
            "",
        )
        + READ_HEADER
        + READ_COLUMNS
        + READ_BODY,
        hint="「回答」シートがなく",
    ),
    WrongAnswer(
        cell="ex10",
        test="ex10_test",
        # reads the first sheet of every workbook: the 記入例
        code=READ_OPEN.replace(
            "raw = pd.read_excel(path, sheet_name=sheet_name, header=None)",
            "raw = pd.read_excel(path, header=None)",
        )
        + READ_HEADER
        + READ_COLUMNS
        + READ_BODY,
        hint="記入例",
    ),
    WrongAnswer(
        cell="ex10",
        test="ex10_test",
        # assumes the header is always on row 1
        code=READ_OPEN + "    header_row = 0\n" + READ_COLUMNS + READ_BODY,
        hint="タイトル行",
    ),
    WrongAnswer(
        cell="ex10",
        test="ex10_test",
        # renames the columns but forgets to log it
        code=READ_OPEN
        + READ_HEADER
        + "    columns = [clean_header(name) for name in raw.iloc[header_row]]\n"
        + READ_BODY,
        hint="「列名の表記ゆれ」が記録されていません",
    ),
    WrongAnswer(
        cell="ex11",
        test="ex11_test",
        # broken files skipped silently
        code=LOOP_START + _loop("*_回答.*", "") + MISSING_CHECK + LOOP_END,
        hint="黙って飛ばさず",
    ),
    WrongAnswer(
        cell="ex11",
        test="ex11_test",
        code=LOOP_START + _loop("*_回答.xlsx", LOGGED) + MISSING_CHECK + LOOP_END,
        hint="CSV で提出された",
    ),
    WrongAnswer(
        cell="ex11",
        test="ex11_test",
        code=LOOP_START + _loop("*_回答.*", LOGGED) + LOOP_END,
        hint="未提出",
    ),
    *choice_answers(
        "ex11b",
        {
            "A": "「0件」ではなく「分からない」です",
            "C": "どの団体が抜けているかは読み手に分かりません",
            "D": "そろうのを待つと報告が遅れ",
        },
    ),
    WrongAnswer(
        cell="ex12",
        test="ex12_test",
        code=(
            'summary = replies.fillna(0).groupby("手続名", sort=False).agg(\n'
            '    回答団体数=("市町村", "count"),\n'
            '    申請件数=("申請件数", "sum"),\n'
            '    オンライン件数=("オンライン件数", "sum"),\n'
            ")\n"
            'summary["オンライン化率"] = summary["オンライン件数"] / summary["申請件数"] * 100'
        ),
        hint="未回答の市町村まで数えています",
    ),
    WrongAnswer(
        cell="ex12",
        test="ex12_test",
        code=(
            'answered = replies.dropna(subset=["申請件数", "オンライン件数"]).copy()\n'
            'answered["率"] = answered["オンライン件数"] / answered["申請件数"] * 100\n'
            'summary = answered.groupby("手続名", sort=False).agg(\n'
            '    回答団体数=("市町村", "count"),\n'
            '    申請件数=("申請件数", "sum"),\n'
            '    オンライン件数=("オンライン件数", "sum"),\n'
            '    オンライン化率=("率", "mean"),\n'
            ")"
        ),
        hint="市町村ごとの率の平均",
    ),
    WrongAnswer(
        cell="ex12",
        test="ex12_test",
        code=(
            'summary = replies.groupby("手続名", sort=False).agg(\n'
            '    回答団体数=("申請件数", "count"),\n'
            '    申請件数=("申請件数", "sum"),\n'
            '    オンライン件数=("オンライン件数", "sum"),\n'
            ")\n"
            'summary["オンライン化率"] = summary["オンライン件数"] / summary["申請件数"] * 100'
        ),
        hint="両方に回答がある行だけ",
    ),
    WrongAnswer(
        cell="ex12",
        test="ex12_test",
        code=(
            'answered = replies.dropna(subset=["申請件数", "オンライン件数"])\n'
            'summary = answered.groupby("手続名", sort=False).agg(\n'
            '    回答団体数=("市町村", "count"),\n'
            '    申請件数=("申請件数", "sum"),\n'
            '    オンライン件数=("オンライン件数", "sum"),\n'
            ")\n"
            'summary["オンライン化率"] = summary["オンライン件数"] / summary["申請件数"]'
        ),
        hint="100 を掛けます",
    ),
    WrongAnswer(
        cell="ex13",
        test="ex13_test",
        # styles set on the open workbook but never saved
        code=REPORT_START + REPORT_FORMATS + 'ws.freeze_panes = "B2"\n',
        hint="book.save(パス) で保存し直しましたか",
    ),
    WrongAnswer(
        cell="ex13",
        test="ex13_test",
        code=REPORT_START + REPORT_FORMATS + 'ws.freeze_panes = "A2"\nwb.save(report_path)\n',
        hint="freeze_panes = 'B2'",
    ),
    WrongAnswer(
        cell="ex13",
        test="ex13_test",
        code=REPORT_START + 'ws.freeze_panes = "B2"\nwb.save(report_path)\n',
        hint="#,##0（桁区切り）",
    ),
]
