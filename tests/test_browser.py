"""JupyterLab in a real browser (Playwright + Debian's chromium), as learners and instructors.

Each test starts the JupyterLab that ``python -m workbench lab [--instructor]`` starts (same
command, environment and working directory, from ``lab.learner_launch`` and
``lab.instructor_launch``) on 127.0.0.1 with a random port and a token, in a temporary copy
of the course. Screenshots go to ``artifacts/screenshots/`` (git-ignored); with
``WORKBENCH_DOCS_SCREENSHOT=1`` the learner test also refreshes ``docs/screenshot_lab_ja.png``
and ``docs/screenshot_check_failed.png`` (a ❌ as the learner sees it).
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import sys
import urllib.parse
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pytest
from harness import answered, cells_by_id, make_course, nbgrader, notebook_holding
from playwright.sync_api import Page, expect, sync_playwright
from servers import free_port, running_server

from workbench import course, lab, progress
from workbench.paths import REPO_ROOT

UNIT = "01_excel_basics"
# Found by content, not by name: the part with exercise 1 and the part with the chart
# and written exercise 10 (unit 01 is in parts).
NOTEBOOK = notebook_holding(UNIT, "ex1").name
NOTEBOOK_B = notebook_holding(UNIT, "ex10_written").name
CHROMIUM = Path(os.environ.get("WORKBENCH_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
SCREENSHOTS = REPO_ROOT / "artifacts" / "screenshots"
DOCS_SCREENSHOT = REPO_ROOT / "docs" / "screenshot_lab_ja.png"
DOCS_CHECK_FAILED = REPO_ROOT / "docs" / "screenshot_check_failed.png"
TOKEN = "workbench-browser-test"
EXECUTED = re.compile(r"\[\d+\]")  # an input prompt after the cell ran
ANSWER_1 = 'usage = pd.read_csv(datasets.path("facility_usage"), encoding="cp932")'
WRONG_ENCODING_1 = 'usage = pd.read_csv(datasets.path("facility_usage"))'
WRONG_HEADER_1 = (
    'usage = pd.read_csv(datasets.path("facility_usage"), encoding="cp932", header=None)'
)
WRITTEN_ANSWER = (
    "図書館の利用者数が最も多く、港南市の図書館は年間約19万人です。"
    "一部の月は集計中で空欄のため、合計は実際より少なく見えている点に注意が必要です。"
)

# Skipped per test, not per module, so the run's tier summary can name the reason.
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.is_file(), reason="chromium がありません: apt-get install chromium"
    ),
]


# --- the course, the servers, the browser -----------------------------------------------


@dataclass(frozen=True)
class Course:
    tmp: Path
    root: Path  # nbgrader course root (grading/)
    workspace: Path


@pytest.fixture(scope="module")
def course_copy(tmp_path_factory):
    """A temporary course with unit 01 released to its exchange and a prepared workspace."""
    tmp = tmp_path_factory.mktemp("browser")
    root = make_course(tmp)
    for folder in (tmp / "courses").iterdir():
        # Other units are not used here; releasing them would only cost time.
        if folder.is_dir() and course.UNIT_PATTERN.match(folder.name) and folder.name != UNIT:
            shutil.rmtree(folder)
    workspace = tmp / "workspace"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("WORKBENCH_GRADING_DIR", str(root))
        patch.setenv("WORKBENCH_COURSES_DIR", str(tmp / "courses"))
        patch.setenv("WORKBENCH_WORKSPACE_DIR", str(workspace))
        patch.delenv("WORKBENCH_GRADEBOOK_URL", raising=False)
        patch.delenv("WORKBENCH_EXCHANGE_ROOT", raising=False)
        patch.delenv("JUPYTER_CONFIG_PATH", raising=False)
        lab.set_default_language()
        lab.prepare_workspace(log=lambda _: None)
        yield Course(tmp, root, workspace)


@dataclass(frozen=True)
class Server:
    base: str
    log: Path

    def url(self, path: str) -> str:
        separator = "&" if "?" in path else "?"
        return f"{self.base}/{path}{separator}token={TOKEN}"


@contextmanager
def jupyterlab(launch: lab.Launch, state: Path):
    """Run JupyterLab as ``launch`` says, with its own Lab settings/workspaces folders."""
    port = free_port()
    command = [*launch.command, f"--port={port}", f"--IdentityProvider.token={TOKEN}"]
    env = dict(launch.env)
    # Layout restore and user settings must not leak between runs or from a real user.
    env["JUPYTERLAB_WORKSPACES_DIR"] = str(state / "lab-workspaces")
    env["JUPYTERLAB_SETTINGS_DIR"] = str(state / "lab-user-settings")
    state.mkdir(parents=True, exist_ok=True)
    log = state / "jupyterlab.log"
    server = Server(f"http://127.0.0.1:{port}", log)
    with running_server(
        command,
        env=env,
        cwd=launch.cwd,
        log=log,
        ready_url=server.url("api/status"),
        name="JupyterLab",
    ):
        yield server


@pytest.fixture(scope="module")
def learner_server(course_copy):
    launch = lab.learner_launch(course_copy.workspace, open_browser=False)
    with jupyterlab(launch, course_copy.tmp / "learner-lab") as server:
        yield server


def _fontconfig(folder: Path) -> Path:
    """System fonts plus the IPAexGothic that matplotlib-fontja ships, for Japanese UI text.

    Debian's chromium has no Japanese font unless one is installed; the one the project
    already depends on keeps screenshots readable without another system package.
    """
    fonts = Path(importlib.util.find_spec("matplotlib_fontja").origin).parent / "fonts"
    folder.mkdir(parents=True, exist_ok=True)
    config = folder / "fonts.conf"
    config.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n'
        '  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>\n'
        f"  <dir>{fonts}</dir>\n  <cachedir>{folder / 'cache'}</cachedir>\n</fontconfig>\n"
    )
    return config


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    fonts = _fontconfig(tmp_path_factory.mktemp("fontconfig"))
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            headless=True,
            args=CHROMIUM_ARGS,
            env={**os.environ, "FONTCONFIG_FILE": str(fonts)},
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, request):
    context = browser.new_context(
        viewport={"width": 1400, "height": 900}, locale="ja-JP", timezone_id="Asia/Tokyo"
    )
    context.set_default_timeout(60_000)
    page = context.new_page()
    yield page
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"{request.node.name}-last.png")
    context.close()


def shot(page: Page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=path)
    return path


# --- JupyterLab helpers -------------------------------------------------------------------

NOTEBOOK_PANEL = ".jp-NotebookPanel:not(.lm-mod-hidden)"


def open_notebook(page: Page, server: Server, path: str) -> None:
    """Open ``path`` and wait until its kernel is connected and idle.

    JupyterLab silently drops a run requested before the notebook has its kernel, so the
    kernel's websocket is the signal, not the (initially idle) status indicator alone.
    """
    with page.expect_websocket(lambda ws: "/api/kernels/" in ws.url, timeout=120_000):
        # ?reset: start from an empty layout, not with the tabs an earlier test left open.
        page.goto(server.url(f"lab/tree/{path}?reset"))
    page.locator(f"{NOTEBOOK_PANEL} .jp-Cell").first.wait_for()
    page.locator(f"{NOTEBOOK_PANEL} .jp-Notebook-ExecutionIndicator[data-status='idle']").wait_for()


def code_cell(page: Page, text: str):
    """The first code cell whose source contains ``text``, pinned by position.

    Pinning matters: a locator filtered by text would lose the cell once it is edited.
    """
    cells = page.locator(f"{NOTEBOOK_PANEL} .jp-CodeCell")
    cells.filter(has=page.locator(".jp-InputArea", has_text=text)).first.wait_for()
    index = cells.evaluate_all(
        "(cells, text) => cells.findIndex((c) =>"
        " c.querySelector('.jp-InputArea').textContent.includes(text))",
        text,
    )
    return cells.nth(index)


def run_cell(page: Page, cell) -> None:
    """Select ``cell``, run it with Shift+Enter and wait until it has an execution count."""
    cell.locator(".jp-InputArea-editor").click()
    page.keyboard.press("Shift+Enter")
    expect(cell.locator(".jp-InputPrompt")).to_have_text(EXECUTED, timeout=120_000)


def run_all(page: Page) -> None:
    """実行 → すべてのセルを実行 (the Japanese menu), then wait until every cell has run."""
    page.get_by_role("menuitem", name="実行", exact=True).click()
    page.get_by_role("menuitem", name="すべてのセルを実行", exact=True).click()
    page.wait_for_function(
        """(panel) => {
            const prompts = [...document.querySelectorAll(panel + ' .jp-CodeCell .jp-InputPrompt')];
            return prompts.length > 0 && prompts.every((p) => /\\[\\d+\\]/.test(p.textContent));
        }""",
        arg=NOTEBOOK_PANEL,
        timeout=180_000,
    )


def error_outputs(page: Page):
    return page.locator(
        f"{NOTEBOOK_PANEL} .jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']"
    )


# --- learner --------------------------------------------------------------------------------


def _sources(name: str = NOTEBOOK):
    return nbformat.read(next(p for p in course.notebooks(UNIT) if p.name == name), as_version=4)


def test_unit01_runs_in_the_browser_with_japanese_charts(course_copy, learner_server, page):
    """(a) The released unit 01 part B (the charts) with the solutions filled in runs top to
    bottom on its own, no errors."""
    released = nbformat.read(course_copy.root / "release" / UNIT / NOTEBOOK_B, as_version=4)
    solved = answered(released, _sources(NOTEBOOK_B))
    folder = course_copy.workspace / "解答例"
    folder.mkdir(exist_ok=True)
    nbformat.write(solved, folder / NOTEBOOK_B)

    open_notebook(page, learner_server, f"解答例/{NOTEBOOK_B}")
    run_all(page)

    assert error_outputs(page).count() == 0, error_outputs(page).all_inner_texts()
    chart = code_cell(page, "テレワーク1日平均利用者数").locator(".jp-OutputArea-output img")
    expect(chart).to_have_count(1)
    chart.scroll_into_view_if_needed()
    assert chart.evaluate("img => img.complete && img.naturalWidth > 300")
    checks = page.locator(f"{NOTEBOOK_PANEL} .jp-OutputArea-output", has_text="✅")
    graded_checks = sum(
        1
        for c in cells_by_id(released).values()
        if c.metadata["nbgrader"].get("grade") and c.cell_type == "code"
    )
    expect(checks).to_have_count(graded_checks)
    # The menu bar is Japanese (language pack + overrides.json).
    expect(page.get_by_role("menuitem", name="ファイル", exact=True)).to_be_visible()
    chart.evaluate("img => img.scrollIntoView({block: 'center'})")
    shot(page, "a_unit01_chart")


def _prepare_learner_notebook(course_copy: Course) -> Path:
    """The learner's copies with every answer but exercise 1 written (as a learner would)."""
    folder = course_copy.workspace / UNIT
    released = nbformat.read(course_copy.root / "release" / UNIT / NOTEBOOK, as_version=4)
    notebook = answered(released, _sources())
    cells_by_id(notebook)["ex1"].source = cells_by_id(released)["ex1"].source
    nbformat.write(notebook, folder / NOTEBOOK)
    released_b = nbformat.read(course_copy.root / "release" / UNIT / NOTEBOOK_B, as_version=4)
    notebook_b = answered(released_b, _sources(NOTEBOOK_B))
    cells_by_id(notebook_b)["ex10_written"].source = WRITTEN_ANSWER
    nbformat.write(notebook_b, folder / NOTEBOOK_B)
    return folder / NOTEBOOK


def test_learner_answers_checks_validates_and_submits(course_copy, learner_server, page):
    """(b) Answer exercise 1 (an error explained, a ❌, then ✅), Validate, submit."""
    _prepare_learner_notebook(course_copy)
    open_notebook(page, learner_server, f"{UNIT}/{NOTEBOOK}")

    run_cell(page, code_cell(page, "準備: この単元で使うライブラリ"))
    run_cell(page, code_cell(page, "dx_path = datasets.path"))  # the worked example
    exercise = code_cell(page, "ここに答えのコードを書いてください")
    check = code_cell(page, "確認セル（演習1）")

    def answer(code: str) -> None:
        exercise.locator(".jp-InputArea-editor").click()
        page.keyboard.press("Control+A")
        page.keyboard.insert_text(code)
        run_cell(page, exercise)

    # A novice error: the learner's kernel explains it in Japanese above the traceback.
    answer(WRONG_ENCODING_1)
    box = exercise.locator(".workbench-learner-error")
    expect(box).to_contain_text('encoding="cp932"')
    expect(exercise.locator(".jp-OutputArea-output").last).to_contain_text("UnicodeDecodeError")
    shot(page, "b_exercise1_error_explained")

    # A wrong answer: the check's ❌ is the Japanese hint, without a Python traceback.
    answer(WRONG_HEADER_1)
    run_cell(page, check)
    failed = check.locator(".jp-OutputArea-output")
    expect(failed).to_have_count(1)
    expect(failed).to_contain_text("❌")
    assert failed.inner_text().lstrip().startswith("❌"), failed.inner_text()
    assert "Traceback" not in failed.inner_text() and "checks.py" not in failed.inner_text()
    check.evaluate("cell => cell.scrollIntoView({block: 'center'})")
    page.mouse.move(5, 880)
    screenshot = shot(page, "b_exercise1_check_failed")
    if os.environ.get("WORKBENCH_DOCS_SCREENSHOT"):
        shutil.copyfile(screenshot, DOCS_CHECK_FAILED)

    answer(ANSWER_1)
    run_cell(page, check)
    expect(check.locator(".jp-OutputArea-output")).to_contain_text("✅ 演習1")
    check.evaluate("cell => cell.scrollIntoView({block: 'center'})")
    page.mouse.move(5, 880)  # no hover highlight in the picture
    screenshot = shot(page, "b_exercise1_ok")
    if os.environ.get("WORKBENCH_DOCS_SCREENSHOT"):
        DOCS_SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(screenshot, DOCS_SCREENSHOT)

    # Validate: nbgrader saves, re-runs the whole notebook in a fresh kernel, reports.
    page.locator(f"{NOTEBOOK_PANEL} .validate-button").click()
    message = page.locator("#validation-message")
    message.wait_for(timeout=180_000)
    shot(page, "b_validate")
    assert "validation-success" in (message.get_attribute("class") or ""), message.inner_text()
    expect(message).to_contain_text("Success! Your notebook passes all the tests.")
    page.locator(".jp-Dialog .jp-mod-accept").click()

    # Submit through nbgrader's Assignment List (menu Nbgrader → Assignment List).
    page.get_by_role("menuitem", name="Nbgrader", exact=True).click()
    page.get_by_role("menuitem", name="Assignment List").click()
    fetched = page.locator("#fetched_assignments_list .list_item", has_text=UNIT)
    fetched.get_by_role("button", name="Submit").click()
    submitted = page.locator("#submitted_assignments_list .list_item", has_text=UNIT)
    expect(submitted).to_be_visible(timeout=60_000)
    shot(page, "b_assignment_list_submitted")
    exchange = lab.exchange_root() / lab.course_id() / "inbound"
    assert list(exchange.glob(f"*+{UNIT}+*")), "no submission in the exchange inbox"

    # The progress page reads the same records.
    open_notebook(page, learner_server, "学習の進み具合.ipynb")
    run_cell(page, code_cell(page, "progress.show()"))
    table = code_cell(page, "progress.show()").locator(".jp-OutputArea-output table")
    expect(table).to_contain_text(UNIT)
    expect(table).to_contain_text("提出済み")
    shot(page, "b_progress")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("JUPYTER_CONFIG_PATH", str(lab.learner_config_dir(course_copy.workspace)))
        (row,) = [r for r in progress.collect(course_copy.workspace) if r.unit == UNIT]
    assert row.submissions == 1 and row.answered == row.exercises


# --- instructor -----------------------------------------------------------------------------


def _submit_as(course_copy: Course, student: str) -> None:
    """A second learner submits through the exchange with nbgrader's own command."""
    workspace = course_copy.tmp / f"workspace-{student}"
    lab.write_learner_config(workspace)
    (workspace / UNIT).mkdir(parents=True)
    for name in (NOTEBOOK, NOTEBOOK_B):
        released = nbformat.read(course_copy.root / "release" / UNIT / name, as_version=4)
        notebook = answered(released, _sources(name))
        if name == NOTEBOOK_B:
            # A formula, as learners write them in statistics answers: formgrader must
            # typeset it offline.
            cells_by_id(notebook)["ex10_written"].source = WRITTEN_ANSWER + FORMULA
        nbformat.write(notebook, workspace / UNIT / name)
    env = lab.learner_launch(workspace).env
    subprocess.run(
        [sys.executable, "-m", "nbgrader", "submit", UNIT, f"--student={student}"],
        cwd=workspace,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )


FORMULA = "（平均は $\\bar{x} = \\frac{1}{n}\\sum x_i$）"


def _block_the_network(page: Page) -> list[str]:
    """Abort every request that leaves this machine, as on a closed network (LGWAN)."""
    attempted = []

    def route(route):
        if urllib.parse.urlsplit(route.request.url).hostname in ("127.0.0.1", "localhost"):
            route.continue_()
        else:
            attempted.append(route.request.url)
            route.abort()

    page.context.route("**/*", route)
    return attempted


def test_instructor_grades_a_written_answer_in_formgrader(course_copy, page):
    """(c) Collect and autograde with nbgrader, then grade the written answer in formgrader,
    with every request off this machine blocked."""
    outside = _block_the_network(page)
    _submit_as(course_copy, "tanaka")
    nbgrader(course_copy.root, "collect", UNIT)
    nbgrader(course_copy.root, "autograde", UNIT, "--student=tanaka")

    launch = lab.instructor_launch(open_browser=False)
    assert launch.cwd == course_copy.root
    with jupyterlab(launch, course_copy.tmp / "instructor-lab") as server:
        page.goto(server.url("lab"))
        page.get_by_role("menuitem", name="Nbgrader", exact=True).click()
        page.get_by_role("menuitem", name="Formgrader", exact=True).click()
        formgrader = page.frame_locator("#formgrader iframe")
        row = formgrader.locator("tr", has_text=UNIT)
        expect(row).to_contain_text("released")
        shot(page, "c_formgrader_assignments")

        # Manual Grading → assignment → notebook → the submission, one page at a time.
        breadcrumb = formgrader.locator(".breadcrumb li")
        formgrader.get_by_role("link", name="Manual Grading").click()
        expect(breadcrumb).to_have_count(1)
        formgrader.locator("#main-table a", has_text=UNIT).click()
        expect(breadcrumb).to_have_count(2)
        formgrader.locator("#main-table a", has_text=NOTEBOOK_B.removesuffix(".ipynb")).click()
        expect(breadcrumb).to_have_count(3)
        expect(formgrader.locator("#main-table a", has_text="Submission #")).to_have_count(1)
        formgrader.get_by_text("Show All Names").click()
        formgrader.get_by_role("link", name="tanaka").click()
        score = formgrader.locator("input.score#ex10_written")
        score.scroll_into_view_if_needed()
        # formgrader binds the score inputs once the page has loaded (MathJax first, served
        # by this server) and the grades have arrived; a score typed earlier is never saved.
        frame = page.locator("#formgrader iframe").element_handle().content_frame()
        frame.wait_for_function(
            "() => typeof formgrader !== 'undefined' && formgrader.grades"
            " && formgrader.grades.loaded && formgrader.grade_uis.length > 0"
        )
        # The learner's formula is typeset (MathJax 2 replaces it with its own elements).
        frame.wait_for_function("() => window.MathJax && MathJax.isReady")
        expect(formgrader.locator(".MathJax, .MathJax_CHTML").first).to_be_visible()
        with page.expect_response(
            lambda r: "/formgrader/api/grade/" in r.url and r.request.method == "PUT"
        ) as saved:
            score.fill("2")
            score.press("Tab")
        assert saved.value.ok
        shot(page, "c_formgrader_manual_grade")
    assert outside == [], f"formgrader asked for addresses off this machine: {outside}"

    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course_copy.root / 'gradebook.db'}") as gradebook:
        notebook = NOTEBOOK_B.removesuffix(".ipynb")
        grade = gradebook.find_grade("ex10_written", notebook, UNIT, "tanaka")
        assert grade.manual_score == 2
        assert grade.max_score == 3
