"""照会回答 (synthetic): municipal replies to a prefectural survey, as they really arrive.

The prefecture's デジタル推進課 asks every municipality (照会) for the yearly number of
applications of eight procedures and how many of them came in online. The folder holds the
survey list (``照会先一覧.csv``), the form that was sent (``照会様式.xlsx``, a 記入例 sheet
and an empty 回答 sheet) and one reply per municipality named ``NN_市町村_回答.xlsx``.
Unit 06 merges the replies into one table and logs what was wrong with each file:

- renamed headers (件数 / 申請数 / 申請件数（件）, うちｵﾝﾗｲﾝ件数, 全角・半角スペース);
- a title row or two above the header;
- the 回答 sheet missing (the table pasted into a new workbook's Sheet1);
- cells that are not numbers: 未回答 or blank (unknown), － (該当なし, i.e. 0 件),
  full-width digits and "1,234" typed as text;
- a file named .xlsx that is no workbook at all, and a reply saved as cp932 CSV;
- one municipality that sent nothing.

``expected(size, seed)`` returns the clean table a correct consolidation recovers and the
problems it must log; tests compare the course solution against it.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from openpyxl import Workbook

from workbench.datasets.files import save_deterministic_xlsx, write_excel_csv
from workbench.datasets.registry import DataFile, Dataset, register
from workbench.datasets.survey_replies.files import (
    EXAMPLE_NOTE,
    example_rows,
    write_reply,
    write_sheet,
)
from workbench.datasets.survey_replies.model import (  # noqa: F401 - the labels unit 06 logs
    BROKEN,
    COLUMNS,
    CSV,
    HEADER,
    MISSING,
    PROCEDURES,
    SHEET,
    TITLE,
    UNANSWERED,
    plan_replies,
)


def generate(out_dir: Path, size: str, seed: int) -> None:
    replies = plan_replies(size, seed)
    width = len(str(len(replies)))
    width = max(width, 2)
    survey_list = pd.DataFrame(
        {
            "番号": [r.number for r in replies],
            "市町村": [r.city for r in replies],
            "担当課": [r.department for r in replies],
        }
    )
    write_excel_csv(survey_list, out_dir / "照会先一覧.csv")

    form = Workbook()
    form.remove(form.active)
    write_sheet(form.create_sheet("記入例"), example_rows(), [EXAMPLE_NOTE])
    empty = [list(COLUMNS)] + [[name, None, None, None] for name, *_ in PROCEDURES]
    write_sheet(form.create_sheet("回答"), empty, [])
    save_deterministic_xlsx(form, out_dir / "照会様式.xlsx")

    for reply in replies:
        write_reply(reply, out_dir, width)


def expected(size: str = "small", seed: int | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """What a correct consolidation recovers: (table, problems).

    table: one row per readable reply and procedure with 市町村, 手続名, 申請件数,
    オンライン件数 (float; NaN where the municipality did not answer, 0 for "－").
    problems: 市町村, 問題, one row per logged problem (incl. 未提出 and Excelで開けない).
    """
    replies = plan_replies(size, DATASET.seed if seed is None else seed)
    rows, problems = [], []
    for reply in replies:
        problems += [{"市町村": reply.city, "問題": p} for p in reply.problems()]
        if reply.kind in ("missing", "broken"):
            continue
        unknown = {(r, c) for r, c, _ in reply.unanswered}
        for r, (name, *_) in enumerate(PROCEDURES):
            count = np.nan if (r, 1) in unknown else float(reply.counts[r])
            online = reply.online[r]
            online = np.nan if (r, 2) in unknown else float(online or 0)
            rows.append(
                {"市町村": reply.city, "手続名": name, "申請件数": count, "オンライン件数": online}
            )
    return pd.DataFrame(rows), pd.DataFrame(problems, columns=["市町村", "問題"])


DATASET = register(
    Dataset(
        name="survey_replies",
        title="照会回答（行政手続のオンライン化状況調査、合成データ）",
        synthetic=True,
        files=(
            DataFile("照会先一覧.csv", {"encoding": "cp932"}),
            DataFile("照会様式.xlsx", {"sheet_name": "記入例", "header": 1}),
        ),
        generate=generate,
    )
)
