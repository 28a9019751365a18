"""研修の受講申込一覧 (synthetic): a web-form export of staff applications to a training.

One workbook, ``受講申込一覧.xlsx`` (sheet 申込一覧), in the shape unit 06 practises the
Excel text, date and duplicate functions on:
- 職員番号 arrives three ways: a number whose leading zero Excel dropped, a text of half-width
  digits and a text of full-width digits (TEXT / zfill and NFKC);
- 氏名 and フリガナ are typed with full-width, half-width, doubled or no spaces, and some
  フリガナ in half-width katakana (TRIM / SUBSTITUTE and NFKC);
- some staff applied two or three times (a changed course or a double click), and two rows
  were pasted twice, so dropping exact copies is not enough (drop_duplicates with subset);
- the export lists the newest application first, so "keep the latest" needs a sort;
- dates (受付日時, 承認日, 受講日, 生年月日, 採用日) exercise DATEDIF, EOMONTH and
  NETWORKDAYS with the 2024 Japanese public holidays.
"""

from __future__ import annotations

import unicodedata
from datetime import date, datetime, timedelta
from pathlib import Path

import numpy as np
from openpyxl import Workbook
from openpyxl.styles import Font

from workbench.datasets.files import save_deterministic_xlsx
from workbench.datasets.holidays import holidays_between
from workbench.datasets.registry import DataFile, Dataset, register

# 令和6年 (2024) national holidays incl. 振替休日 (NETWORKDAYS in the course uses the same).
HOLIDAYS_2024 = holidays_between("2024-01-01", "2024-12-31")
BASE_DATE = date(2024, 4, 1)  # 令和6年4月1日: the reference date for ages and service years

SURNAMES = [
    ("佐藤", "サトウ"),
    ("鈴木", "スズキ"),
    ("高橋", "タカハシ"),
    ("田中", "タナカ"),
    ("伊藤", "イトウ"),
    ("渡辺", "ワタナベ"),
    ("山本", "ヤマモト"),
    ("中村", "ナカムラ"),
    ("小林", "コバヤシ"),
    ("加藤", "カトウ"),
    ("吉田", "ヨシダ"),
    ("山田", "ヤマダ"),
    ("佐々木", "ササキ"),
    ("山口", "ヤマグチ"),
    ("松本", "マツモト"),
    ("井上", "イノウエ"),
    ("木村", "キムラ"),
    ("林", "ハヤシ"),
    ("斎藤", "サイトウ"),
    ("清水", "シミズ"),
    ("山崎", "ヤマザキ"),
    ("森", "モリ"),
    ("池田", "イケダ"),
    ("橋本", "ハシモト"),
    ("阿部", "アベ"),
    ("石川", "イシカワ"),
    ("山下", "ヤマシタ"),
    ("中島", "ナカジマ"),
    ("石井", "イシイ"),
    ("小川", "オガワ"),
    ("前田", "マエダ"),
    ("岡田", "オカダ"),
    ("長谷川", "ハセガワ"),
    ("藤田", "フジタ"),
    ("後藤", "ゴトウ"),
    ("近藤", "コンドウ"),
    ("村上", "ムラカミ"),
    ("遠藤", "エンドウ"),
    ("青木", "アオキ"),
    ("髙橋", "タカハシ"),
]
GIVEN_NAMES = [
    ("太郎", "タロウ"),
    ("花子", "ハナコ"),
    ("大輔", "ダイスケ"),
    ("翔太", "ショウタ"),
    ("美咲", "ミサキ"),
    ("陽子", "ヨウコ"),
    ("健一", "ケンイチ"),
    ("直樹", "ナオキ"),
    ("由美", "ユミ"),
    ("恵", "メグミ"),
    ("拓也", "タクヤ"),
    ("彩", "アヤ"),
    ("誠", "マコト"),
    ("真由美", "マユミ"),
    ("浩二", "コウジ"),
    ("亮", "リョウ"),
    ("智子", "トモコ"),
    ("和也", "カズヤ"),
    ("裕子", "ユウコ"),
    ("翼", "ツバサ"),
    ("悠斗", "ユウト"),
    ("沙織", "サオリ"),
    ("聡", "サトシ"),
    ("千尋", "チヒロ"),
    ("剛", "ツヨシ"),
    ("麻衣", "マイ"),
    ("隆", "タカシ"),
    ("結衣", "ユイ"),
    ("修", "オサム"),
    ("香織", "カオリ"),
]
DEPARTMENTS = {
    "総務部": ["人事課", "財政課", "総務課"],
    "企画部": ["企画調整課", "デジタル推進課", "統計課"],
    "健康福祉部": ["福祉政策課", "子ども家庭課", "健康増進課"],
    "環境生活部": ["環境政策課", "県民生活課"],
    "農林水産部": ["農政課", "林業振興課"],
    "県土整備部": ["道路課", "河川課"],
}
# Sessions of the two courses; three dates are month ends (EOMONTH(date, 1) traps).
SESSIONS = {
    "初級": ["2024-06-05", "2024-07-31", "2024-09-12", "2024-10-31"],
    "中級": ["2024-06-19", "2024-09-30", "2024-11-13", "2024-12-11"],
}
APPLY_START = datetime(2024, 4, 15, 8, 30)
APPLY_DAYS = 33  # the form is open until 17 May
SIZES = {"small": 80, "full": 4986}  # full: the all-staff course of REFERENCE.md §A
COLUMNS = [
    "受付番号",
    "受付日時",
    "職員番号",
    "氏名",
    "フリガナ",
    "所属",
    "コース",
    "受講日",
    "承認日",
    "生年月日",
    "採用日",
]


def _half_width_katakana() -> dict[str, str]:
    """Full-width katakana -> half-width spelling (the inverse of NFKC)."""
    table = {}
    for code in range(0xFF66, 0xFF9E):
        half = chr(code)
        table[unicodedata.normalize("NFKC", half)] = half
        for mark in ("\uff9e", "\uff9f"):  # ﾞ ﾟ: voiced marks combine under NFKC
            combined = unicodedata.normalize("NFKC", half + mark)
            if len(combined) == 1:
                table[combined] = half + mark
    table["ー"] = "\uff70"
    return table


_HALF = _half_width_katakana()


def _to_half(text: str) -> str:
    return "".join(_HALF.get(ch, ch) for ch in text)


def _staff(rng: np.random.Generator, count: int) -> list[dict]:
    pairs = [(s, g) for s in range(len(SURNAMES)) for g in range(len(GIVEN_NAMES))]
    chosen = rng.choice(len(pairs), size=count, replace=count > len(pairs))
    numbers = rng.choice(np.arange(1000, 300000), size=count, replace=False)
    sections = [(dept, sec) for dept, secs in DEPARTMENTS.items() for sec in secs]
    staff = []
    for index in range(count):
        surname, given = pairs[int(chosen[index])]
        age = int(rng.integers(22, 60))
        birth = date(BASE_DATE.year - age - 1, 4, 3) + timedelta(days=int(rng.integers(0, 364)))
        if index == 0:
            birth = date(1980, 4, 3)  # just after 4/1: days // 365 overcounts (leap days)
        if birth.month == 4 and birth.day <= 2:
            birth += timedelta(days=2)  # 4/1 and 4/2 birthdays raise 年齢計算 legal subtleties
        hire_age = int(rng.integers(22, 36))
        hire_year = min(birth.year + hire_age + (birth.month >= 4), BASE_DATE.year)
        hire = date(hire_year, 4, 1)
        if rng.random() < 0.2 and hire_year < BASE_DATE.year:  # mid-career hires
            month = int(rng.choice([7, 10, 1]))
            hire = date(hire_year + (month == 1), month, 1)
        dept, sec = sections[int(rng.integers(len(sections)))]
        staff.append(
            {
                "number": f"{int(numbers[index]):06d}",
                "surname": SURNAMES[surname],
                "given": GIVEN_NAMES[given],
                "section": (dept, sec),
                "birth": birth,
                "hire": hire,
            }
        )
    return staff


def _number_cell(rng: np.random.Generator, number: str) -> object:
    kind = rng.random()
    if kind < 0.5:
        return int(number)  # typed into Excel as a number: the leading zero is gone
    if kind < 0.85:
        return number
    return unicodedata.normalize("NFKC", number).translate(
        {ord(d): chr(ord(d) + 0xFEE0) for d in "0123456789"}
    )


def _name_cell(rng: np.random.Generator, family: str, given: str) -> str:
    kind = rng.random()
    if kind < 0.6:
        return f"{family}\u3000{given}"
    if kind < 0.8:
        return f"{family} {given}"
    if kind < 0.9:
        return f"{family}{given}"
    return str(
        rng.choice(
            [f" {family}\u3000{given}", f"{family}\u3000\u3000{given}", f"{family} \u3000{given} "]
        )
    )


def _kana_cell(rng: np.random.Generator, family: str, given: str) -> str:
    kind = rng.random()
    if kind < 0.7:
        return f"{family}\u3000{given}"
    if kind < 0.85:
        return f"{family} {given}"
    return _to_half(f"{family} {given}")


def _section_cell(rng: np.random.Generator, dept: str, sec: str) -> str:
    return f"{dept}\u3000{sec}" if rng.random() < 0.2 else f"{dept}{sec}"


def _received(rng: np.random.Generator) -> datetime:
    day = APPLY_START.date() + timedelta(days=int(rng.integers(0, APPLY_DAYS)))
    minute = int(rng.integers(8 * 60 + 30, 22 * 60))
    return datetime(day.year, day.month, day.day, minute // 60, minute % 60)


def _approved(rng: np.random.Generator, received: datetime) -> date:
    offset = int(rng.choice([0, 1, 1, 2, 2, 3, 4, 5, 7]))
    day = np.busday_offset(
        np.datetime64(received.date(), "D"), offset, roll="forward", holidays=HOLIDAYS_2024
    )
    return day.astype(date)


def _applications(rng: np.random.Generator, staff: list[dict]) -> list[dict]:
    rows = []
    for person in staff:
        n_applications = int(rng.choice([1, 2, 3], p=[0.8, 0.15, 0.05]))
        when = _received(rng)
        course = str(rng.choice(list(SESSIONS)))
        session = str(rng.choice(SESSIONS[course]))
        for attempt in range(n_applications):
            if attempt:
                if rng.random() < 0.4:  # a double click: the same form a minute later
                    when += timedelta(minutes=1)
                else:  # a changed course or session, hours or days later
                    when += timedelta(minutes=int(rng.integers(30, 60 * 24 * 10)))
                    course = str(rng.choice(list(SESSIONS)))
                    session = str(rng.choice(SESSIONS[course]))
            (family, family_kana), (given, given_kana) = person["surname"], person["given"]
            rows.append(
                {
                    "受付日時": when,
                    "職員番号": _number_cell(rng, person["number"]),
                    "氏名": _name_cell(rng, family, given),
                    "フリガナ": _kana_cell(rng, family_kana, given_kana),
                    "所属": _section_cell(rng, *person["section"]),
                    "コース": course,
                    "受講日": datetime.fromisoformat(session),
                    "承認日": _approved(rng, when),
                    "生年月日": person["birth"],
                    "採用日": person["hire"],
                }
            )
    rows.sort(key=lambda row: row["受付日時"])
    for number, row in enumerate(rows, start=1):
        row["受付番号"] = number
    return rows


def generate(out_dir: Path, size: str, seed: int) -> None:
    rng = np.random.default_rng(seed)
    rows = _applications(rng, _staff(rng, SIZES[size]))
    # Two rows pasted twice when the list was put together: exact copies.
    for index in sorted(rng.choice(len(rows), size=2, replace=False), reverse=True):
        rows.insert(int(index), dict(rows[int(index)]))
    rows.sort(key=lambda row: (row["受付日時"], row["受付番号"]), reverse=True)  # newest first

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "申込一覧"
    sheet.append(COLUMNS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    formats = {
        "受付日時": "yyyy/m/d h:mm",
        "受講日": "yyyy/m/d",
        "承認日": "yyyy/m/d",
        "生年月日": "yyyy/m/d",
        "採用日": "yyyy/m/d",
    }
    for row_number, row in enumerate(rows, start=2):
        for col, column in enumerate(COLUMNS, start=1):
            value = row[column]
            if isinstance(value, date) and not isinstance(value, datetime):
                value = datetime(value.year, value.month, value.day)
            cell = sheet.cell(row=row_number, column=col, value=value)
            if column in formats:
                cell.number_format = formats[column]
    save_deterministic_xlsx(workbook, out_dir / "受講申込一覧.xlsx")


DATASET = register(
    Dataset(
        name="application_records",
        title="研修の受講申込一覧（合成データ）",
        synthetic=True,
        files=(DataFile("受講申込一覧.xlsx", {"sheet_name": "申込一覧"}),),
        generate=generate,
    )
)
