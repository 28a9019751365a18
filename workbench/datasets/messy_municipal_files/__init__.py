"""扱いにくい実務ファイル集 (synthetic): the files prefectural staff receive, quirks included.

Five files about the fictional さくら県 (prefecture code 48, which no real prefecture
has), each in the shape such data really arrives in, for unit 02 (実データの読み方):

- ``subsidy_applications.csv``: a grant application list typed by several people and
  saved by Excel: cp932 with 髙/﨑/① (so ``shift_jis`` fails), 和暦 dates in four
  styles across the 平成31年 → 令和元年 boundary, amounts in 全角 digits and commas;
- ``online_requests.csv``: a web-system export in UTF-8 with BOM (``utf-8-sig``),
  thousands separators in quotes and percentages as text ("45.9%");
- ``population_change.xlsx``: a published statistics table: title row, a two-row header
  with merged cells, 県計 row, △ for negatives, "-" for none, notes below the table;
- ``ssdse_style_sakura.csv``: SSDSE-style (統計センター 教育用標準データセット) cp932
  CSV with three header rows (item codes / 年度 / Japanese labels) and codes R + 5 digits;
- ``estat_establishments.json``: an e-Stat API (GET_STATS_DATA) style JSON with
  ``{"@tab", "@cat01", "@area", "@time", "@unit", "$"}`` values and "***" (秘匿) notes.

All files are rendered from one set of clean values (:func:`clean_frames`), so tests can
check that parsing the quirky files gives back exactly the numbers the generator drew.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from workbench.datasets.files import save_deterministic_xlsx, write_excel_csv
from workbench.datasets.messy_municipal_files.estat_document import estat_document
from workbench.datasets.messy_municipal_files.values import (
    NONE,
    PREF_CODE,
    PREF_NAME,
    VITAL_YEARS,
    clean_frames,
)
from workbench.datasets.registry import DataFile, Dataset, register
from workbench.io.wareki import era_of

SSDSE_ITEMS = [  # (item code, 年度, label, clean column)
    ("A1101", "2020", "総人口", "総人口"),
    ("A110101", "2020", "総人口（男）", "男"),
    ("A110102", "2020", "総人口（女）", "女"),
    ("A1301", "2020", "15歳未満人口", "15歳未満"),
    ("A1302", "2020", "15～64歳人口", "15～64歳"),
    ("A1303", "2020", "65歳以上人口", "65歳以上"),
    ("A4101", "2022", "出生数", "出生_2022"),
    ("A4200", "2022", "死亡数", "死亡_2022"),
    ("B1101", "2022", "総面積（km2）", "総面積"),
    ("C2107", "2021", "事業所数", "事業所数"),
    ("C2207", "2021", "従業者数", "従業者数"),
]
XLSX_COLUMNS = ["団体コード", "市町村名", "出生", "死亡", "自然増減", "転入", "転出", "社会増減"]
XLSX_NOTES = [
    "注1）「△」は減少（マイナス）を示す。",
    "注2）「-」は該当数値がない（0人）ことを示す。",
    "資料：さくら県 統計分析課（架空の県・合成データ）",
]


# ------------------------------------------------------------------ quirky rendering

_FULLWIDTH = str.maketrans("0123456789,.", "０１２３４５６７８９，．")


def _era(day: date) -> tuple[str, int]:
    name, _, number = era_of(day)  # the package's one era table (workbench.io.wareki)
    return name, number


def _nen(number: int) -> str:
    return "元" if number == 1 else str(number)


def _render_date(day: date, style: str) -> str:
    era, number = _era(day)
    if style == "kanji":
        return f"{era}{_nen(number)}年{day.month}月{day.day}日"
    if style == "kanji_1":  # 令和1年: offices write 1 as well as 元
        return f"{era}{number}年{day.month}月{day.day}日"
    if style == "letter":
        return f"{era_of(day)[1]}{number}.{day.month}.{day.day}"
    if style == "western":
        return f"{day.year}/{day.month}/{day.day}"
    if style == "fullwidth":
        return f"{era}{_nen(number)}年{day.month}月{day.day}日".translate(_FULLWIDTH)
    raise ValueError(style)


def _render_year(day: date, fullwidth: bool) -> str:
    era, number = _era(day)
    text = f"{era}{_nen(number)}年"
    return text.translate(_FULLWIDTH) if fullwidth else text


def _render_amount(value: int, style: str) -> str:
    if style == "comma":
        return f"{value:,}"
    if style == "fullwidth_comma":
        return f"{value:,}".translate(_FULLWIDTH)
    if style == "plain":
        return str(value)
    if style == "fullwidth":
        return str(value).translate(_FULLWIDTH)
    raise ValueError(style)


DATE_STYLES = ["kanji", "kanji_1", "letter", "western", "fullwidth"]
AMOUNT_STYLES = ["comma", "fullwidth_comma", "plain", "fullwidth"]


def _styles(rng: np.random.Generator, count: int, styles: list[str], p: list[float]) -> list[str]:
    """Random styles, the first rows cycling through all of them so each one occurs."""
    drawn = [str(s) for s in rng.choice(styles, size=count, p=p)]
    offset = 7  # after the special founding-year rows
    for k, style in enumerate(styles):
        drawn[(offset + k) % count] = style
    return drawn


def _write_applications(rng: np.random.Generator, frame: pd.DataFrame, path: Path) -> None:
    n = len(frame)
    date_styles = _styles(rng, n, DATE_STYLES, [0.35, 0.1, 0.3, 0.15, 0.1])
    cost_styles = _styles(rng, n, AMOUNT_STYLES, [0.5, 0.25, 0.15, 0.1])
    amount_styles = _styles(rng, n, AMOUNT_STYLES[::-1], [0.1, 0.15, 0.25, 0.5])
    year_fullwidth = rng.random(n) < 0.15
    year_fullwidth[[3, 8]] = True  # 昭和６４年 and one more in full-width digits
    out = pd.DataFrame(
        {
            "受付番号": frame["受付番号"],
            "申請日": [
                _render_date(d.date(), s) for d, s in zip(frame["申請日"], date_styles, strict=True)
            ],
            "団体名": frame["団体名"],
            "市町村": frame["市町村"],
            "設立年": [
                _render_year(d, bool(f))
                for d, f in zip(frame["設立日"], year_fullwidth, strict=True)
            ],
            "事業費": [
                _render_amount(v, s) for v, s in zip(frame["事業費"], cost_styles, strict=True)
            ],
            "申請額": [
                _render_amount(v, s) for v, s in zip(frame["申請額"], amount_styles, strict=True)
            ],
            "備考": frame["備考"],
        }
    )
    write_excel_csv(out, path)


def _write_requests(frame: pd.DataFrame, path: Path) -> None:
    out = frame.assign(
        受付件数=[f"{v:,}" for v in frame["受付件数"]],
        オンライン率=[f"{v:.1f}%" for v in frame["オンライン率"]],
    )
    write_excel_csv(out, path, encoding="utf-8-sig")


def _count_cell(value: int) -> int | str:
    return NONE if value == 0 else int(value)


def _change_cell(value: int) -> int | str:
    return f"△{-value}" if value < 0 else int(value)


def _table_rows(vital: pd.DataFrame) -> list[list]:
    sums = vital[["出生", "死亡", "自然増減", "転入", "転出", "社会増減"]].sum()
    total = [f"{PREF_CODE}000", f"{PREF_NAME}計", *(int(v) for v in sums)]
    rows = [total] + [
        [r.団体コード, r.市町村名, r.出生, r.死亡, r.自然増減, r.転入, r.転出, r.社会増減]
        for r in vital.itertuples(index=False)
    ]
    return [
        [
            code,
            name,
            _count_cell(b),
            _count_cell(d),
            _change_cell(nat),
            _count_cell(i),
            _count_cell(o),
            _change_cell(soc),
        ]
        for code, name, b, d, nat, i, o, soc in rows
    ]


def _write_population_change(vital: pd.DataFrame, path: Path) -> None:
    book = Workbook()
    book.remove(book.active)
    center = Alignment(horizontal="center", vertical="center")
    for year in sorted(VITAL_YEARS, reverse=True):  # newest sheet first, as offices do
        sheet = book.create_sheet(f"令和{year - 2018}年")
        sheet["A1"] = (
            f"{PREF_NAME} 市町村別人口動態（令和{year - 2018}年1月1日～12月31日）【合成データ】"
        )
        sheet["A1"].font = Font(bold=True, size=14)
        sheet.merge_cells("A1:H1")
        sheet["H2"] = "（単位：人）"
        for cell, label in {
            "A3": "団体コード",
            "B3": "市町村名",
            "C3": "自然動態",
            "F3": "社会動態",
            "C4": "出生",
            "D4": "死亡",
            "E4": "増減",
            "F4": "転入",
            "G4": "転出",
            "H4": "増減",
        }.items():
            sheet[cell] = label
            sheet[cell].font = Font(bold=True)
            sheet[cell].alignment = center
        for merged in ("A3:A4", "B3:B4", "C3:E3", "F3:H3"):
            sheet.merge_cells(merged)
        rows = _table_rows(vital[vital["年"] == year])
        for offset, row in enumerate(rows, start=5):
            for column, value in enumerate(row, start=1):
                cell = sheet.cell(row=offset, column=column, value=value)
                if isinstance(value, str) and column > 2:
                    cell.alignment = Alignment(horizontal="right")
        for offset, note in enumerate(XLSX_NOTES, start=5 + len(rows) + 1):
            sheet.cell(row=offset, column=1, value=note)
        for letter, width in zip("ABCDEFGH", (11, 12, 8, 8, 8, 8, 8, 8), strict=True):
            sheet.column_dimensions[letter].width = width
    save_deterministic_xlsx(book, path)


def _ssdse_rows(
    towns: pd.DataFrame, establishments: pd.DataFrame, vital: pd.DataFrame
) -> list[list[str]]:
    v2022 = vital[vital["年"] == 2022].set_index("団体コード")
    per_town = establishments.groupby("団体コード")[["事業所数", "従業者数"]].sum()
    table = towns.set_index("団体コード").assign(
        出生_2022=v2022["出生"],
        死亡_2022=v2022["死亡"],
        事業所数=per_town["事業所数"],
        従業者数=per_town["従業者数"],
    )
    columns = [column for _, _, _, column in SSDSE_ITEMS]
    prefecture = table[columns].sum()
    header = [
        [
            "SSDSE形式（合成データ）",
            "Prefecture",
            "Municipality",
            *(code for code, _, _, _ in SSDSE_ITEMS),
        ],
        ["", "", "", *(year for _, year, _, _ in SSDSE_ITEMS)],
        ["地域コード", "都道府県", "市区町村", *(label for _, _, label, _ in SSDSE_ITEMS)],
    ]

    def cells(values: pd.Series) -> list[str]:
        return [f"{values[c]:.2f}" if c == "総面積" else str(int(values[c])) for c in columns]

    body = [[f"R{PREF_CODE}000", PREF_NAME, "県計", *cells(prefecture)]]
    body += [
        [f"R{code}", PREF_NAME, row["市町村名"], *cells(row)] for code, row in table.iterrows()
    ]
    return header + body


def _write_ssdse(rows: list[list[str]], path: Path) -> None:
    buffer = io.StringIO(newline="")
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    path.write_bytes(buffer.getvalue().encode("cp932"))


def generate(out_dir: Path, size: str, seed: int) -> None:
    frames = clean_frames(size, seed)
    render = np.random.default_rng([seed, 1])
    _write_applications(render, frames["applications"], out_dir / "subsidy_applications.csv")
    _write_requests(frames["requests"], out_dir / "online_requests.csv")
    _write_population_change(frames["vital"], out_dir / "population_change.xlsx")
    _write_ssdse(
        _ssdse_rows(frames["towns"], frames["establishments"], frames["vital"]),
        out_dir / "ssdse_style_sakura.csv",
    )
    document = estat_document(frames["towns"], frames["establishments"])
    (out_dir / "estat_establishments.json").write_text(
        json.dumps(document, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )


DATASET = register(
    Dataset(
        name="messy_municipal_files",
        title="扱いにくい実務ファイル集（合成データ）",
        synthetic=True,
        # The e-Stat style JSON is built too (estat_establishments.json, next to these
        # files) but not listed: the registry's load() reads only CSV and Excel.
        files=(
            DataFile("subsidy_applications.csv", {"encoding": "cp932"}),
            DataFile("online_requests.csv", {"encoding": "utf-8-sig", "thousands": ","}),
            DataFile(
                "population_change.xlsx",
                {"sheet_name": "令和5年", "header": None, "skiprows": 4, "names": XLSX_COLUMNS},
            ),
            DataFile("ssdse_style_sakura.csv", {"encoding": "cp932", "header": 2}),
        ),
        generate=generate,
    )
)
