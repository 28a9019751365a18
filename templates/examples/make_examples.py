"""Write the example inputs (cp932 CSV as Excel saves them) and run the templates on them.

    .venv/bin/python templates/examples/make_examples.py          # inputs and outputs
    .venv/bin/python templates/examples/make_examples.py --inputs # inputs only

The inputs are deterministic: Student's sleep data (R ``datasets::sleep``) and the
Longley data (NIST StRD), written the way prefectural files look: a title row above the
header, 全角 digits, thousands separators, △ for negatives, 和暦 dates and years, and
table symbols (…, x) in an extra row that the analysis must drop.  tests/test_templates.py
uses the same writers.
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent

# R datasets::sleep, extra (hours of extra sleep) for drug 1 and drug 2, subjects 1-10.
SLEEP_1 = [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0]
SLEEP_2 = [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4]

ZEN = str.maketrans("0123456789.,", "０１２３４５６７８９．，")


def zenkaku(number: float | int, *, thousands: bool = False, decimals: int | None = None) -> str:
    """A number as staff type it: 全角 digits, △ for negative, optional 桁区切り."""
    text = (
        f"{abs(number):,}"
        if thousands
        else (f"{abs(number):.{decimals}f}" if decimals is not None else f"{abs(number)}")
    )
    return ("△" if number < 0 else "") + text.translate(ZEN)


def _write(path: Path, rows: list[list[str]]) -> Path:
    text = "\r\n".join(",".join(f'"{c}"' if "," in c else c for c in row) for row in rows)
    path.write_bytes((text + "\r\n").encode("cp932"))
    return path


def write_sleep(path: Path) -> Path:
    """Drug 2 (薬B) rows first, so differences are 薬B − 薬A as in R's paired example."""
    rows = [
        ["睡眠薬の効果の比較（Student, 1908）", "", "", ""],
        ["", "", "", ""],
        ["被験者", "薬剤", "睡眠時間の増加（時間）", "調査日"],
    ]
    for drug, values in (("薬B", SLEEP_2), ("薬A", SLEEP_1)):
        for i, v in enumerate(values, start=1):
            day = f"令和6年{4 if drug == '薬A' else 5}月{i}日"
            rows.append([f"{i:02d}", drug, zenkaku(v, decimals=1), day])
    rows.append(["11", "薬B", "…", "令和6年5月11日"])  # 不詳: dropped with a note
    rows.append(["11", "薬A", "x", "令和6年4月11日"])  # 秘匿: dropped with a note
    return _write(path, rows)


def longley_frame():
    import statsmodels.api as sm

    return sm.datasets.longley.load_pandas().data


LONGLEY_COLUMNS = {
    "TOTEMP": "就業者数",
    "GNPDEFL": "GNPデフレータ",
    "GNP": "GNP(百万ドル)",
    "UNEMP": "失業者数",
    "ARMED": "軍人数",
    "POP": "14歳以上人口",
    "YEAR": "年",
}
LONGLEY_FORMULA = "就業者数 ~ GNPデフレータ + GNP(百万ドル) + 失業者数 + 軍人数 + 14歳以上人口 + 年"


def write_longley(path: Path) -> Path:
    """Longley with Japanese names, 昭和 years, 全角 digits and a suppressed extra row."""
    data = longley_frame()
    rows = [
        ["ロングレーのデータ（NIST StRD）", "", "", "", "", "", ""],
        [LONGLEY_COLUMNS[c] for c in data.columns],
    ]
    for record in data.itertuples(index=False):
        r = record._asdict()
        rows.append(
            [
                zenkaku(int(r["TOTEMP"]), thousands=True),
                zenkaku(r["GNPDEFL"]),
                zenkaku(int(r["GNP"]), thousands=True),
                f"{r['UNEMP']:g}",
                f"{r['ARMED']:g}",
                zenkaku(int(r["POP"]), thousands=True),
                f"昭和{int(r['YEAR']) - 1925}年",
            ]
        )
    rows.append(["x", "１０５．０", "４００，０００", "4000", "2500", "１３０，０００", "昭和38年"])
    return _write(path, rows)


# A made-up satisfaction survey: 年代 × 満足度 counts, with cells small enough to suppress.
SURVEY = {
    "20代": {"満足": 12, "普通": 8, "不満": 2},
    "30代": {"満足": 15, "普通": 10, "不満": 5},
    "40代": {"満足": 20, "普通": 6, "不満": 1},
}


def write_survey(path: Path) -> Path:
    """One row per reply, as a survey tool exports it (UTF-8 with BOM)."""
    lines = ["回答番号,年代,満足度"]
    number = 0
    for age, counts in SURVEY.items():
        for answer, count in counts.items():
            for _ in range(count):
                number += 1
                lines.append(f"{number},{age},{answer}")
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("utf-8-sig"))
    return path


def main(argv: list[str]) -> int:
    sleep = write_sleep(HERE / "sleep.csv")
    longley = write_longley(HERE / "longley.csv")
    survey = write_survey(HERE / "survey.csv")
    if "--inputs" in argv:
        return 0
    from workbench import templates

    templates.run(
        "ttest",
        sleep,
        HERE / "ttest",
        [("value", "睡眠時間の増加（時間）"), ("group", "薬剤"), ("pair_by", "被験者")],
    )
    templates.run("regression", longley, HERE / "regression", [("formula", LONGLEY_FORMULA)])
    templates.run("crosstab", survey, HERE / "crosstab", [("row", "年代"), ("column", "満足度")])
    for folder in ("ttest", "regression", "crosstab"):
        (HERE / folder / "report.ipynb").unlink()  # the HTML and JSON are what we show
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
