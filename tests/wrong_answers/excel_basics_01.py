"""Realistic wrong answers for unit 01 (Excel相当の基礎), each with the hint it must show."""

from harness import WrongAnswer

DATA = 'datasets.path("facility_usage")'
MASTER = 'datasets.path("facility_usage", "facility_master.xlsx")'

UNIT = "01_excel_basics"

WRONG_ANSWERS: list[WrongAnswer] = [
    WrongAnswer(
        cell="ex1",
        test="ex1_test",
        # shift_jis lacks 髙 (a cp932 extension), so this raises UnicodeDecodeError.
        code=f'usage = pd.read_csv({DATA}, encoding="shift_jis")',
        hint="encoding='cp932'",
    ),
    WrongAnswer(
        cell="ex1",
        test="ex1_test",
        code=f'usage = pd.read_csv({DATA}, encoding="cp932", header=None)',
        hint="header=None を外す",
    ),
    WrongAnswer(
        cell="ex2",
        test="ex2_test",
        code=(
            'libraries = usage[usage["種別"] == "図書館"]\n'
            'top_libraries = libraries[["年月", "施設名", "利用者数"]]'
            '.sort_values("利用者数").head(5)'
        ),
        hint="ascending=False",
    ),
    WrongAnswer(
        cell="ex2",
        test="ex2_test",
        code=(
            'libraries = usage[usage["種別"] == "図書館"]\n'
            'top_libraries = libraries["利用者数"].sort_values(ascending=False).head(5)'
        ),
        hint="DataFrame（表）ではなく Series",
    ),
    WrongAnswer(
        cell="ex3",
        test="ex3_test",
        code=(
            'total_users = usage["利用者数"].sum()\n'
            'mean_users = usage["利用者数"].fillna(0).mean()\n'
            'n_reported = usage["利用者数"].count()\n'
            'max_users = usage["利用者数"].max()'
        ),
        hint="fillna(0) は不要",
    ),
    WrongAnswer(
        cell="ex3",
        test="ex3_test",
        code=(
            'total_users = usage["利用者数"].sum()\n'
            'mean_users = usage["利用者数"].mean()\n'
            "n_reported = len(usage)\n"
            'max_users = usage["利用者数"].max()'
        ),
        hint="len() ではなく .count()",
    ),
    WrongAnswer(
        cell="ex4",
        test="ex4_test",
        code=(
            'revenue_by_city = usage.groupby("市町村")["使用料収入"].count()'
            ".sort_values(ascending=False)"
        ),
        hint="SUMIF）は sum()",
    ),
    WrongAnswer(
        cell="ex4",
        test="ex4_test",
        code='revenue_by_city = usage.groupby("市町村")["使用料収入"].sum()',
        hint="降順",
    ),
    WrongAnswer(
        cell="ex5",
        test="ex5_test",
        code='usage["区分"] = np.where(usage["利用者数"] >= 5000, "多い", "少ない")',
        hint="isna() で空欄を判定",
    ),
    WrongAnswer(
        cell="ex5",
        test="ex5_test",
        code=(
            'usage["区分"] = np.select(\n'
            '    [usage["利用者数"].isna(), usage["利用者数"] > 5000],\n'
            '    ["不明", "多い"], default="少ない")'
        ),
        hint="> ではなく >=",
    ),
    WrongAnswer(
        cell="ex6",
        test="ex6_test",
        code=(
            f'master = pd.read_excel({MASTER}, sheet_name="施設一覧")\n'
            'merged = usage.merge(master, on="施設ID", how="left")'
        ),
        hint="header=2",
    ),
    WrongAnswer(
        cell="ex6",
        test="ex6_test",
        code=(
            f'master = pd.read_excel({MASTER}, sheet_name="施設一覧", header=2)\n'
            'merged = usage.merge(master[["施設ID", "延床面積", "開設年度"]], on="施設ID")'
        ),
        hint="how='left'",
    ),
    WrongAnswer(
        cell="ex6",
        test="ex6_test",
        code=(
            f'master = pd.read_excel({MASTER}, sheet_name="施設一覧", header=2)\n'
            'merged = usage.merge(master, on="施設ID", how="left")'
        ),
        hint="必要な列",
    ),
    WrongAnswer(
        cell="ex7",
        test="ex7_test",
        code=(
            'pivot = usage.pivot_table(index="市町村", columns="種別", values="利用者数",'
            " fill_value=0)"
        ),
        hint="aggfunc='sum'",
    ),
    WrongAnswer(
        cell="ex7",
        test="ex7_test",
        code=(
            'pivot = usage.pivot_table(index="市町村", columns="種別", values="利用者数",'
            ' aggfunc="sum")'
        ),
        hint="fill_value=0",
    ),
    WrongAnswer(
        cell="ex8",
        test="ex8_test",
        code=(
            'monthly = usage.groupby("年月")["利用者数"].sum()\n'
            'ax = monthly.plot(marker="o")\n'
            'ax.set_ylabel("利用者数（人）")'
        ),
        hint="タイトルがありません",
    ),
    WrongAnswer(
        cell="ex8",
        test="ex8_test",
        code=(
            'monthly = usage.groupby("年月")["利用者数"].mean()\n'
            'ax = monthly.plot(marker="o")\n'
            'ax.set_title("月別利用者数")\n'
            'ax.set_ylabel("人")'
        ),
        hint="月ごとの合計は sum()",
    ),
    WrongAnswer(
        cell="ex9",
        test="ex9_test",
        code=('pivot.to_excel("output/市町村別利用者数.xlsx", sheet_name="市町村別", index=False)'),
        hint="index=False",
    ),
    WrongAnswer(
        cell="ex9",
        test="ex9_test",
        code='pivot.to_excel("output/市町村別利用者数.xlsx")',
        hint="sheet_name='市町村別'",
    ),
]
