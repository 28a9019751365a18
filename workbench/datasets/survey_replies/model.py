"""What each municipality replies: procedures, headers, problems and the plan of replies."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

# (手続名, applications per resident per year, share of municipalities offering it online,
#  mean online share where offered). 公共施設の利用予約: about 31% online, as the prefecture
# reported for its own facility bookings in R5 (REFERENCE.md §A); the rest are assumptions.
PROCEDURES = [
    ("住民票の写しの交付請求", 0.25, 0.85, 0.08),
    ("印鑑登録証明書の交付請求", 0.12, 0.6, 0.05),
    ("転出届", 0.02, 0.95, 0.25),
    ("児童手当の認定請求", 0.008, 0.9, 0.3),
    ("保育施設等の利用申込", 0.01, 0.6, 0.35),
    ("粗大ごみの収集申込", 0.05, 0.7, 0.45),
    ("公共施設の利用予約", 0.4, 0.8, 0.31),
    ("犬の登録", 0.003, 0.4, 0.15),
]
COLUMNS = ["手続名", "申請件数", "オンライン件数", "備考"]
HEADER_VARIANTS = {
    "手続名": ["手続き名", "手続名称"],
    "申請件数": ["件数", "申請数", "申請件数（件）", "申請　件数", "申請件数 "],
    "オンライン件数": [
        "うちオンライン件数",
        "うちｵﾝﾗｲﾝ件数",
        "オンライン申請件数",
        "ｵﾝﾗｲﾝ件数",
        "オンライン 件数",
    ],
}
EXAMPLE_VALUES = [  # the 記入例 sheet of the form
    (12000, 960, "コンビニ交付を除く"),
    (5400, 270, ""),
    (900, 230, ""),
    (350, 105, ""),
    (420, 150, ""),
    (2100, 950, "電話受付を含む"),
    (16000, 5000, ""),
    (150, "－", "オンライン未対応"),
]
NOTES = [
    "コンビニ交付を除く",
    "令和6年10月からオンライン受付開始",
    "窓口予約を含む",
    "電話受付を含む",
    "概数",
]
DEPARTMENTS = ["総務課", "企画課", "情報政策課", "住民課", "総合政策課", "デジタル推進室"]
BASE_NAMES = [
    "中央",
    "港南",
    "青葉",
    "北山",
    "西川",
    "東野",
    "桜川",
    "若葉",
    "緑ヶ丘",
    "南浜",
    "朝日",
    "高原",
    "白石",
    "大川",
    "松原",
    "竹田",
    "富士見",
    "水沢",
    "岩倉",
    "本宮",
    "小泉",
    "日向",
    "花園",
    "山辺",
    "石田",
    "森山",
    "清水",
    "八幡",
    "美浜",
    "星野",
    "月岡",
    "金山",
    "髙森",
    "柳沢",
    "宮前",
    "藤岡",
    "杉野",
    "梅原",
    "鶴見",
    "亀山",
    "鷹巣",
    "白浜",
    "青山",
    "深沢",
    "長峰",
    "千草",
    "野々村",
    "若松",
    "滝川",
    "湯川",
    "秋葉",
    "春日",
    "夏目",
    "冬木",
    "霧島",
    "広瀬",
    "葛城",
    "雲雀",
    "蛍池",
    "紅葉",
]
NAME_PREFIXES = ["", "新", "東", "西", "南", "北"]
# How many replies of each kind; small fixes the counts, full draws them with these shares.
SIZES = {"small": 36, "full": 300}
SMALL_COUNTS = {
    "missing": 1,
    "broken": 1,
    "csv": 2,
    "sheet": 2,
    "title": 4,
    "header": 8,
    "unanswered": 5,
}
FULL_SHARES = {
    "missing": 0.03,
    "broken": 0.02,
    "csv": 0.04,
    "sheet": 0.04,
    "title": 0.12,
    "header": 0.25,
    "unanswered": 0.12,
}

# Problem labels a consolidation logs (unit 06 uses exactly these words).
CSV = "CSVで提出"
BROKEN = "Excelで開けない"
SHEET = "シート名違い"
TITLE = "タイトル行あり"
HEADER = "列名の表記ゆれ"
UNANSWERED = "未回答あり"
MISSING = "未提出"


@dataclass
class Reply:
    number: int
    city: str
    department: str
    counts: list[int]
    online: list[int | None]  # None: the procedure is not offered online ("－" = 0 件)
    notes: list[str]
    kind: str = "xlsx"  # xlsx, csv, broken, missing
    title_rows: int = 0
    sheet: str = "回答"
    keep_example_sheet: bool = True
    headers: dict[str, str] = field(default_factory=dict)
    unanswered: list[tuple[int, int, str]] = field(default_factory=list)  # (row, col, text)
    text_numbers: list[tuple[int, int]] = field(default_factory=list)  # full-width / "1,234"

    def problems(self) -> list[str]:
        if self.kind in ("missing", "broken"):
            return [MISSING if self.kind == "missing" else BROKEN]
        found = []
        if self.kind == "csv":
            found.append(CSV)
        if self.sheet != "回答":
            found.append(SHEET)
        if self.title_rows:
            found.append(TITLE)
        if any(self.headers.get(c, c) != c for c in COLUMNS):
            found.append(HEADER)
        if self.unanswered:
            found.append(UNANSWERED)
        return found


def _names(count: int) -> list[str]:
    names = []
    for prefix in NAME_PREFIXES:
        for index, base in enumerate(BASE_NAMES):
            if len(names) == count:
                return names
            position = len(names)
            suffix = (
                ["市", "市", "市", "町", "町", "村"][position]
                if position < 6
                else ("市" if index % 3 == 0 else "町" if index % 3 == 1 else "村")
            )
            names.append(f"{prefix}{base}{suffix}")
    return names


def _pick(rng: np.random.Generator, pool: list[int], count: int) -> list[int]:
    count = min(count, len(pool))
    return sorted(int(i) for i in rng.choice(pool, size=count, replace=False))


def plan_replies(size: str, seed: int) -> list[Reply]:
    rng = np.random.default_rng(seed)
    count = SIZES[size]
    replies = []
    for number, city in enumerate(_names(count), start=1):
        population = float(np.clip(rng.lognormal(np.log(30000), 1.0), 1500, 600000))
        counts, online, notes = [], [], []
        for _, rate, offered, share in PROCEDURES:
            n = int(rng.poisson(population * rate * rng.lognormal(0, 0.2)))
            counts.append(n)
            if rng.random() < offered and n > 0:
                online.append(int(rng.binomial(n, min(0.95, rng.beta(4, 4 / share - 4)))))
            else:
                online.append(None)
            notes.append(str(rng.choice(NOTES)) if rng.random() < 0.08 else "")
        replies.append(Reply(number, city, str(rng.choice(DEPARTMENTS)), counts, online, notes))

    if size == "small":
        wanted = dict(SMALL_COUNTS)
    else:
        wanted = {kind: max(1, int(round(share * count))) for kind, share in FULL_SHARES.items()}
    pool = list(range(1, count))  # reply 01 stays as the form asks
    for kind in ("missing", "broken"):
        chosen = _pick(rng, pool, wanted[kind])
        for index in chosen:
            replies[index].kind = kind
        pool = [i for i in pool if i not in chosen]
    csv_files = _pick(rng, pool, wanted["csv"])
    for index in csv_files:
        replies[index].kind = "csv"
        replies[index].keep_example_sheet = False
    for index in _pick(rng, [i for i in pool if i not in csv_files], wanted["sheet"]):
        replies[index].sheet = str(rng.choice(["Sheet1", "回答（修正版）"]))
        replies[index].keep_example_sheet = False
    for index in _pick(rng, [i for i in pool if i not in csv_files], wanted["title"]):
        replies[index].title_rows = int(rng.choice([1, 2]))
    for index in _pick(rng, pool, wanted["header"]):
        renamed = [c for c in HEADER_VARIANTS if rng.random() < 0.5] or ["申請件数"]
        replies[index].headers = {c: str(rng.choice(HEADER_VARIANTS[c])) for c in renamed}
    for index in _pick(rng, pool, wanted["unanswered"]):
        reply = replies[index]
        row = int(rng.integers(len(PROCEDURES)))
        text = str(rng.choice(["未回答", ""]))
        if rng.random() < 0.5:  # the whole row left open
            reply.unanswered = [(row, 1, text), (row, 2, text)]
        else:  # only the online figure is unknown
            reply.unanswered = [(row, 2, text)]
    for index in pool:
        reply = replies[index]
        if rng.random() < 0.15:
            row = int(rng.integers(len(PROCEDURES)))
            if (row, 1, "未回答") not in reply.unanswered and (row, 1, "") not in reply.unanswered:
                reply.text_numbers.append((row, 1))
        if rng.random() < 0.3:
            reply.keep_example_sheet = False
    return replies
