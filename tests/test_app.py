"""「分析テンプレート」 in a real browser: the page `python -m workbench app` serves.

Voilà is started as ``workbench.app.launch.app_launch`` starts it (127.0.0.1, a token),
and driven with Playwright on Debian's chromium (fixtures from test_browser.py: the
network is not used, Japanese fonts come from matplotlib-fontja).  A policy analyst's
path: upload a cp932 CSV with a title row, pick columns, run the t-test, download the
Word report and find its 要旨; choose a multi-sheet workbook from the folder, pick a
sheet, run the trend template; an invalid choice shows the CLI's Japanese message.
Screenshots go to ``artifacts/screenshots/``; with ``WORKBENCH_DOCS_SCREENSHOT=1`` the
finished report also refreshes ``docs/screenshot_app.png``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
import test_browser
from openpyxl import Workbook
from playwright.sync_api import Page, expect
from servers import free_port, running_server
from test_browser import CHROMIUM, shot

from workbench.app.launch import app_launch
from workbench.paths import REPO_ROOT

# The chromium and page fixtures of the JupyterLab browser tests (fonts, viewport, locale).
browser = test_browser.browser
page = test_browser.page

TOKEN = "workbench-app-test"
DOCS_SCREENSHOT = REPO_ROOT / "docs" / "screenshot_app.png"
REALDATA = REPO_ROOT.parent / "shared" / "realdata"
REAL_WORKBOOK = "niid_2023_w27-30_sheets.xlsx"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.is_file(), reason="chromium がありません: apt-get install chromium"
    ),
]

#: (地域, 満足度 as typed, 回答日): 全角 digits and 和暦 dates, as staff files have them.
SURVEY = [("北部", "３", "令和6年4月1日"), ("南部", "4", "R6.4.2")] * 6 + [
    ("北部", "2", "令和6年4月3日"),
    ("南部", "５", "2024/4/4"),
]
YEARS = list(range(2013, 2025))
USERS = [1200 + 35 * i + (i % 3) * 10 for i in range(len(YEARS))]


def write_survey_csv(path: Path) -> None:
    """A cp932 CSV as Excel saves it: a title row, a blank row, the table, a 合計 row."""
    lines = ["令和6年度 施設利用者アンケート（合成データ）", "", "地域,満足度,回答日"]
    lines += [",".join(row) for row in SURVEY]
    lines.append("合計,,")
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp932"))


def write_workbook(path: Path) -> None:
    """Two sheets: a memo first (no table), then the yearly table under a title."""
    book = Workbook()
    memo = book.active
    memo.title = "説明"
    memo["A1"] = "このファイルは研修用の合成データです。"
    sheet = book.create_sheet("推移")
    sheet["A1"] = "図書館の年間利用者数（合成データ）"
    sheet.append([])
    sheet.append(["年", "利用者数"])
    for year, users in zip(YEARS, USERS, strict=True):
        sheet.append([year, users])
    book.save(path)


@pytest.fixture(scope="module")
def app_server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("app-data")
    write_workbook(folder / "図書館.xlsx")
    if (REALDATA / REAL_WORKBOOK).is_file():
        shutil.copyfile(REALDATA / REAL_WORKBOOK, folder / REAL_WORKBOOK)
    port = free_port()
    launch = app_launch(folder, port, TOKEN, open_browser=False)
    log = folder / "voila.log"
    with running_server(
        launch.command, env=launch.env, cwd=folder, log=log, ready_url=launch.url, name="Voilà"
    ):
        yield launch.url, folder


def open_app(page: Page, url: str) -> None:
    page.goto(url)
    page.locator(".wb-template select").wait_for(timeout=180_000)


def upload(page: Page, path: Path) -> None:
    """The アップロード button opens the browser's file dialog (ipywidgets' hidden input)."""
    with page.expect_file_chooser() as chooser:
        page.locator(".wb-upload").click()
    chooser.value.set_files(str(path))


def choose(page: Page, css: str, label: str) -> None:
    page.locator(f"{css} select").select_option(label=label)


def run(page: Page, count: int | None = None) -> float:
    """Click 分析を実行 and wait for run number ``count`` to finish (or, without a count,
    for an error message); return the seconds the user waited."""
    start = time.monotonic()
    page.locator(".wb-run").click()
    if count is None:
        page.locator(".wb-message .wb-error").wait_for(timeout=300_000)
    else:
        done = page.locator(".wb-status", has_text=f"{count}回目の分析")
        done.wait_for(timeout=300_000)
    return time.monotonic() - start


def test_upload_csv_run_ttest_and_download_word(page, app_server, tmp_path):
    import docx

    url, _ = app_server
    open_app(page, url)
    csv = tmp_path / "アンケート.csv"
    write_survey_csv(csv)
    upload(page, csv)
    preview = page.locator(".wb-preview")
    # The title row is skipped, the 合計 row flagged, 全角 and 和暦 converted.
    expect(preview).to_contain_text(f"データ {len(SURVEY)}行 × 3列", timeout=120_000)
    expect(preview.locator(".wb-notes")).to_contain_text("合計")
    expect(preview.locator(".wb-notes")).to_contain_text("除外")
    expect(preview.locator(".wb-check")).to_contain_text("ファイル: アンケート.csv")
    shot(page, "app-preview")

    choose(page, ".wb-template", "2群の比較（t検定）（ttest）")
    page.locator(".wb-param-value2").wait_for()  # the form of the t-test, not the previous one
    value = page.locator(".wb-param-value select")
    # Drop-downs are filtered by kind: the text column 地域 is not offered as a number.
    expect(value.locator("option")).to_have_text(["（選択してください）", "満足度"])
    value.select_option(label="満足度")
    choose(page, ".wb-param-group", "地域")
    page.locator(".wb-source input").fill("施設利用者アンケート（合成データ）")
    first = run(page, 1)
    summary = page.locator(".wb-summary")
    expect(summary).to_contain_text("要旨")
    expect(page.locator(".wb-status")).to_contain_text("完了しました")
    second = run(page, 2)  # the same analysis again: the kernel is warm now
    expect(page.locator(".wb-status")).to_contain_text("完了しました")
    print(f"\napp t-test: first run {first:.1f} s, second run {second:.1f} s (browser wait)")
    print("app status after the second run:", page.locator(".wb-status").inner_text())
    page.locator(".wb-report-frame").scroll_into_view_if_needed()
    screenshot = shot(page, "app-report")
    if os.environ.get("WORKBENCH_DOCS_SCREENSHOT"):
        DOCS_SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(screenshot, DOCS_SCREENSHOT)

    with page.expect_download() as download:
        page.locator(".wb-download", has_text="Word").click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    assert saved.suffix == ".docx"
    paragraphs = [p.text for p in docx.Document(saved).paragraphs]
    assert "要旨" in paragraphs
    shown = [li.strip() for li in summary.locator("li").all_inner_texts()]
    after = paragraphs[paragraphs.index("要旨") + 1 :]
    assert shown and all(any(s in p for p in after) for s in shown)  # the page's 要旨
    assert any("施設利用者アンケート（合成データ）" in p for p in paragraphs)  # the 出典 typed


def test_invalid_choice_shows_the_cli_message(page, app_server, tmp_path):
    url, _ = app_server
    csv = tmp_path / "アンケート.csv"
    write_survey_csv(csv)
    cli = subprocess.run(
        [sys.executable, "-m", "workbench", "template", "run", "ttest", "--data", str(csv),
         "-p", "value", "満足度", "-p", "group", "満足度", "--out", str(tmp_path / "out")],
        capture_output=True, text=True,
    )  # fmt: skip
    assert cli.returncode == 2
    expected = cli.stderr.splitlines()[0].removeprefix("エラー: ")

    open_app(page, url)
    upload(page, csv)
    expect(page.locator(".wb-preview")).to_contain_text("データ", timeout=120_000)
    choose(page, ".wb-template", "2群の比較（t検定）（ttest）")
    page.locator(".wb-param-value2").wait_for()  # the form of the t-test, not the previous one
    choose(page, ".wb-param-value", "満足度")
    choose(page, ".wb-param-group", "満足度")  # four values, not two groups
    run(page)
    error = page.locator(".wb-message .wb-error")
    expect(error).to_contain_text(expected)
    expect(page.locator(".wb-summary")).to_have_count(0)
    shot(page, "app-invalid-choice")

    # A required column left unchosen: the CLI's message for a missing -p value.
    choose(page, ".wb-param-value", "（選択してください）")
    run(page)
    expect(error).to_contain_text("必須のパラメータ value が指定されていません")


def test_workbook_from_folder_choose_sheet_run_trend(page, app_server):
    url, _ = app_server
    open_app(page, url)
    choose(page, ".wb-file", "図書館.xlsx")
    preview = page.locator(".wb-preview")
    # Two sheets hold cells: the reader's message (the CLI's) asks which one to use.
    expect(preview.locator(".wb-error")).to_contain_text("表の入ったシートが2枚", timeout=120_000)
    expect(preview).to_contain_text("上の「シート」で使うシートを選んでください")
    choose(page, ".wb-sheet", "推移")
    expect(preview).to_contain_text(f"シート「推移」、見出しは [3] 行目、データ {len(YEARS)}行")
    choose(page, ".wb-template", "時系列の傾向（トレンド）（trend）")
    page.locator(".wb-param-time").wait_for()
    time_options = page.locator(".wb-param-time select option")
    expect(time_options).to_have_text(["（選択してください）", "年"])
    choose(page, ".wb-param-time", "年")
    choose(page, ".wb-param-value", "利用者数")
    run(page, 1)
    expect(page.locator(".wb-summary")).to_contain_text("要旨")
    expect(page.locator(".wb-download")).to_have_count(3)
    shot(page, "app-trend")


@pytest.mark.skipif(
    not (REALDATA / REAL_WORKBOOK).is_file(), reason="../shared/realdata がありません"
)
def test_real_workbook_preview_shows_sheets_and_check(page, app_server):
    url, _ = app_server
    open_app(page, url)
    choose(page, ".wb-file", REAL_WORKBOOK)
    preview = page.locator(".wb-preview")
    expect(preview.locator(".wb-check")).to_contain_text(
        f"ファイル: {REAL_WORKBOOK}", timeout=120_000
    )
    assert page.locator(".wb-sheet select option").count() > 2  # 自動 + several sheets
    shot(page, "app-realdata")
