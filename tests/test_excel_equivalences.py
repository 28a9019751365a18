"""The Excel equivalences units 01-03 teach, against Microsoft's documented behaviour.

Excel is not available here, so each Excel function is written out by hand from its
Microsoft Support page (support.microsoft.com, 「COUNTA 関数」「FREQUENCY 関数」 and the
PivotTable 「値フィールドの設定」 default: 合計 for an all-numeric field, 個数 as soon as it
holds a blank or text), run on the course's own data, and compared with the pandas code
the unit gives as its equivalent. The unit's text is checked for the documented claim, so
a rewrite that brings back the reviewed mistakes (COUNTA as ``len(df)`` counting blanks,
pivot tables summing by default, FREQUENCY as half-open bins, RAND with a seed) fails.
"""

from __future__ import annotations

import csv
import re

import nbformat
import pandas as pd
import pytest

from workbench import course, datasets


def unit_text(unit: str) -> str:
    return "\n".join(
        cell.source
        for path in course.notebooks(unit)
        for cell in nbformat.read(path, as_version=4).cells
        if cell.cell_type == "markdown"
    )


def csv_cells(name: str, column: str) -> list[str | None]:
    """The column as Excel shows it after opening the CSV: an empty field is an empty cell."""
    with open(datasets.path(name), encoding="cp932", newline="") as handle:
        return [row[column] if row[column] != "" else None for row in csv.DictReader(handle)]


def excel_counta(cells: list[str | None]) -> int:
    # "counts cells containing any type of information ... does not count empty cells"
    return sum(cell is not None for cell in cells)


def excel_count(cells: list[str | None]) -> int:
    # COUNT: only cells holding numbers
    def numeric(cell):
        try:
            float(cell)
        except (TypeError, ValueError):
            return False
        return True

    return sum(numeric(cell) for cell in cells)


def excel_pivot_default(cells: list[str | None]) -> str:
    """Summary a PivotTable picks for a field dropped into 値: 合計 only if all numbers."""
    return "合計" if excel_count(cells) == len(cells) else "個数"


def excel_frequency(data: list[float], bins: list[float]) -> list[int]:
    """FREQUENCY(data, bins): ≤ first bin, then (previous, this], then one extra > last."""
    counts = [0] * (len(bins) + 1)
    for value in data:
        slot = next((i for i, upper in enumerate(bins) if value <= upper), len(bins))
        counts[slot] += 1
    return counts


@pytest.fixture(scope="module")
def usage() -> pd.DataFrame:
    return pd.read_csv(datasets.path("facility_usage"), encoding="cp932")


def test_counta_skips_blanks_like_count_not_len(usage):
    cells = csv_cells("facility_usage", "利用者数")
    assert None in cells  # the unit's data has blanks (集計中)
    assert usage["利用者数"].count() == excel_counta(cells) == excel_count(cells)
    assert len(usage) == len(cells) > excel_counta(cells)  # len(df) counts the blank rows
    text = unit_text("01_excel_basics")
    row = next(line for line in text.splitlines() if line.startswith("| `=COUNTA("))
    assert '`df["列"].count()`' in row and "**数えない**" in row and "len(df)" not in row


def test_countif_is_value_counts_not_a_count_of_another_column(usage):
    keys = csv_cells("facility_usage", "種別")
    countif = {key: keys.count(key) for key in set(keys)}
    assert usage["種別"].value_counts().to_dict() == countif
    # A count() of a column with blanks is not COUNTIF: it skips the blank rows.
    assert usage.groupby("種別")["利用者数"].count().to_dict() != countif
    summary = unit_text("01_excel_basics").split("## まとめ")[1]
    row = next(line for line in summary.splitlines() if line.startswith("| COUNTIF"))
    assert "value_counts()" in row and '["値"].count()' not in row


def test_pivot_default_is_count_when_the_field_has_a_blank():
    assert excel_pivot_default(csv_cells("facility_usage", "利用件数")) == "合計"
    assert excel_pivot_default(csv_cells("facility_usage", "利用者数")) == "個数"
    pivot = unit_text("01_excel_basics").split("## 8. ピボットテーブル")[1].split("\n## ")[0]
    assert "既定で「個数」" in pivot and "`利用者数` には空欄" in pivot
    assert "既定はどちらでもなく **平均（mean）**" in pivot  # pandas' own default, a third answer


def test_excel_does_not_detect_a_csv_encoding():
    text = unit_text("01_excel_basics")
    assert "確実には判定しません" in text and "BOM の無い UTF-8 の CSV は文字化け" in text
    assert not re.search(r"Excel (は|が)[^。]{0,20}(自動で|自動的に)[^。]{0,10}判定", text)


def test_frequency_first_bin_has_no_lower_edge_and_one_extra_count():
    with open(datasets.path("overtime_hours"), encoding="cp932", newline="") as handle:
        hours = [float(r["残業時間"]) for r in csv.DictReader(handle) if r["残業時間"]]
    bins = list(range(10, 140, 10))
    counts = excel_frequency(hours, bins)
    assert len(counts) == len(bins) + 1 and sum(counts) == len(hours)
    assert min(hours) == 0 and counts[0] == sum(h <= 10 for h in hours)  # 0 h is counted
    # The unit's pandas equivalent (03d まとめ): pd.cut with include_lowest=True.
    lowest = min(hours)
    cut = pd.cut(pd.Series(hours), bins=[lowest, *bins], include_lowest=True)
    assert cut.value_counts(sort=False).tolist() == counts[:-1]
    assert counts[-1] == sum(h > bins[-1] for h in hours)
    # Half-open [0, 10) classes are not what FREQUENCY counts when a value sits on an edge.
    half_open = pd.cut(pd.Series(hours), bins=[0, *bins], right=False).value_counts(sort=False)
    assert any(h in bins for h in hours) and half_open.tolist() != counts[:-1]
    text = unit_text("03_statistics_visualization")
    assert "**最初の区間には下限がありません**" in text
    assert "区間の数より **1つ多く**" in text and "最後の上限を超える値の個数" in text


def test_random_numbers_are_seeded_with_the_analysis_toolpak_not_rand():
    text = unit_text("03_statistics_visualization")
    assert "分析ツール「乱数発生」" in text and "「ランダムシード」" in text
    assert "RAND・RANDBETWEEN にはシードを指定できない" in text
    # No unverified range of seeds (Microsoft's page names none).
    assert not re.search(r"ランダムシード[^。|]{0,20}\d+〜\d+", text)
