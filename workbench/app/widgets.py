"""The page of 「分析テンプレート」: ipywidgets laid out in five steps.

Only layout and wiring live here; every decision is ``session.Session``'s (tested
without a browser).  Each widget a test or a user needs to find carries a CSS class
``wb-…`` so the browser test does not depend on ipywidgets' markup.
"""

from __future__ import annotations

import base64
import html
import os
import tempfile
from pathlib import Path
from typing import Any

import ipywidgets as w
from IPython.display import display

from workbench import templates
from workbench.app.columns import KIND_LABELS, describe_kinds
from workbench.app.kernel import WarmKernel
from workbench.app.session import Session, data_files
from workbench.errors import WorkbenchError

NONE = ""  # the value of 「（選択してください）」/「（使わない）」
PREVIEW_ROWS = 15
MIME = {
    "report.html": "text/html",
    "report.docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "results.xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
DOWNLOADS = (("report.html", "HTML"), ("report.docx", "Word"), ("results.xlsx", "Excel"))


def _css(widget: w.Widget, name: str) -> w.Widget:
    widget.add_class(name)
    return widget


def _heading(text: str) -> w.HTML:
    return w.HTML(f"<h3 style='margin:0.8em 0 0.2em'>{html.escape(text)}</h3>")


def _table(df, rows: int = PREVIEW_ROWS) -> str:
    return df.head(rows).to_html(border=0, classes="wb-table", na_rep="（空欄）")


def _error(text: str) -> str:
    return f"<div class='wb-error' style='color:#b00020'>❌ {html.escape(text)}</div>"


def download_link(path: Path, label: str, prefix: str) -> str:
    """A link that saves the file from the page itself (no server route needed)."""
    data = base64.b64encode(path.read_bytes()).decode("ascii")
    name = f"{prefix}_{path.name}"
    return (
        f"<a class='wb-download' download='{html.escape(name)}' "
        f"href='data:{MIME[path.name]};base64,{data}' style='margin-right:1.5em'>"
        f"⬇ {label}（{html.escape(name)}）</a>"
    )


class App:
    """The widgets of one page, bound to one Session and one warm kernel."""

    def __init__(self, data_dir: Path, work: Path) -> None:
        self.session = Session(work)
        self.data_dir = data_dir
        self.kernel = WarmKernel(work)  # starts now: it is ready by the first run
        self.fields: dict[str, w.Widget] = {}
        files = [(p.name, str(p)) for p in data_files(data_dir)]
        self.file = _css(
            w.Dropdown(
                options=[("（選択してください）", NONE), *files],
                description="ファイル",
            ),
            "wb-file",
        )
        self.upload = _css(
            w.FileUpload(
                accept=".csv,.txt,.xlsx,.xlsm", multiple=False, description="アップロード"
            ),
            "wb-upload",
        )
        self.sheet = _css(w.Dropdown(options=[], description="シート"), "wb-sheet")
        self.header = _css(
            w.BoundedIntText(value=0, min=0, max=1000, description="見出しの行"), "wb-header"
        )
        self.keep_totals = _css(
            w.Checkbox(value=False, description="合計・小計の行も残す", indent=False),
            "wb-keep-totals",
        )
        self.preview = _css(w.HTML(), "wb-preview")
        names = templates.names()
        self.template = _css(
            w.Dropdown(
                options=[(f"{templates.get(n).title}（{n}）", n) for n in names],
                description="テンプレート",
                layout=w.Layout(width="36em"),
            ),
            "wb-template",
        )
        self.template_help = w.HTML()
        self.form = w.VBox()
        self.run_button = _css(
            w.Button(description="分析を実行", button_style="primary", icon="play"), "wb-run"
        )
        self.source = _css(
            w.Text(
                description="データの出典",
                placeholder="例: 県民意識調査（令和6年度）",
                layout=w.Layout(width="36em"),
            ),
            "wb-source",
        )
        self.source.style.description_width = "7em"
        self.progress = _css(w.IntProgress(value=0, min=0, max=3), "wb-progress")
        self.status = _css(w.HTML(), "wb-status")
        self.message = _css(w.HTML(), "wb-message")
        self.downloads = _css(w.HTML(), "wb-downloads")
        self.report = _css(w.HTML(), "wb-report")
        self.header.layout.width = "14em"
        for widget in (self.file, self.sheet, self.header):
            widget.style.description_width = "7em"
        self.file.observe(self._on_file, "value")
        self.upload.observe(self._on_upload, "value")
        for widget in (self.sheet, self.header, self.keep_totals):
            widget.observe(self._on_reading, "value")
        self.template.observe(self._on_template, "value")
        self.run_button.on_click(self._on_run)
        self._loading = False
        self._build_form()

    # --- layout --------------------------------------------------------------------------

    def widget(self) -> w.Widget:
        return w.VBox(
            [
                w.HTML(
                    "<h2 style='margin:0'>分析テンプレート</h2><p>ファイルを選び、表の読み方を"
                    "確かめてから、テンプレートと列を選んで実行します。レポートは Word・"
                    "Excel・HTML で保存できます。</p>"
                ),
                _heading("1. データファイル（CSV・Excel）"),
                w.HBox([self.file, self.upload]),
                _heading("2. 読み込みの確認（表として読まれる内容）"),
                w.HBox([self.sheet, self.header, self.keep_totals]),
                w.HTML("<small>見出しの行: 0 は自動（タイトル行の下の列名を探します）</small>"),
                self.preview,
                _heading("3. テンプレート"),
                self.template,
                self.template_help,
                _heading("4. 列とパラメータ"),
                self.form,
                _heading("5. 実行とレポート"),
                self.source,
                w.HBox([self.run_button, self.progress, self.status]),
                self.message,
                self.downloads,
                self.report,
            ],
            layout=w.Layout(padding="0 1em"),
        )

    def show(self) -> None:
        display(self.widget())

    # --- the file and its preview ----------------------------------------------------------

    def _on_file(self, change: dict[str, Any]) -> None:
        if change["new"]:
            self.session.choose(change["new"])
            self._after_choice()

    def _on_upload(self, change: dict[str, Any]) -> None:
        files = change["new"]
        if not files:
            return
        item = files[0]
        try:
            self.session.upload(item["name"], bytes(item["content"]))
        except WorkbenchError as error:
            self.preview.value = _error(str(error))
            return
        self._after_choice()

    def _after_choice(self) -> None:
        self._loading = True  # setting the sheet and header below must not reload thrice
        try:
            sheets = self.session.sheets()
            self.sheet.options = [("（自動: 表のあるシート）", NONE)] + [(s, s) for s in sheets]
            self.sheet.value = NONE
            self.sheet.disabled = not sheets
            self.header.value = 0
        finally:
            self._loading = False
        self._reload()

    def _on_reading(self, _change: dict[str, Any]) -> None:
        if not self._loading and self.session.path is not None:
            self._reload()

    def _reload(self) -> None:
        self.session.sheet = self.sheet.value or None
        self.session.header_row = self.header.value or None
        self.session.keep_totals = self.keep_totals.value
        self.preview.value = "<i>読み込んでいます…</i>"
        try:
            info = templates.get(self.template.value)
            preview = self.session.load(info)
        except WorkbenchError as error:
            hint = ""
            if self.sheet.options[1:] and not self.sheet.value:
                hint = "<p>上の「シート」で使うシートを選んでください。</p>"
            check = "\n".join(self.session.readability(self.session.sheet))
            self.preview.value = _error(str(error)) + hint + self._check_html(check)
            self._build_form()
            return
        self.preview.value = self._preview_html(preview)
        self._build_form()

    def _preview_html(self, preview) -> str:
        df = preview.data
        kinds = "".join(
            f"<li><b>{html.escape(c)}</b>: {describe_kinds(k)}</li>"
            for c, k in preview.kinds.items()
        )
        where = f"シート「{preview.sheet}」、" if preview.sheet else ""
        notes = (
            _table(preview.notes.rename(columns={"行": "行番号"}), 50)
            if not preview.notes.empty
            else "<p>変換・除外した値はありません。</p>"
        )
        check = "\n".join(preview.readability)
        return (
            f"<p>{html.escape(where)}見出しは {html.escape(str(preview.header_rows))} 行目、"
            f"データ {len(df)}行 × {len(df.columns)}列（先頭{min(len(df), PREVIEW_ROWS)}行を表示。"
            "数値・日付は変換後の値）</p>"
            f"<div style='max-height:22em;overflow:auto'>{_table(df)}</div>"
            f"<p><b>列の種類</b>（{'・'.join(KIND_LABELS.values())}）</p><ul>{kinds}</ul>"
            "<p><b>読み込みで判断・変換したこと</b>（合計・注記の行、和暦・全角など）</p>"
            f"<div class='wb-notes' style='max-height:16em;overflow:auto'>{notes}</div>"
            + self._check_html(check)
        )

    @staticmethod
    def _check_html(check: str) -> str:
        return (
            "<p><b>機械判読のルールのチェック</b>（python -m workbench check と同じ）</p>"
            f"<pre class='wb-check' style='white-space:pre-wrap'>{html.escape(check)}</pre>"
        )

    # --- the form ---------------------------------------------------------------------------

    def _on_template(self, _change: dict[str, Any]) -> None:
        if self.session.path is not None:
            self._reload()  # consolidate reads every sheet: the columns differ
        else:
            self._build_form()

    def _build_form(self) -> None:
        name = self.template.value
        info = templates.get(name)
        self.template_help.value = f"<p>{html.escape(info.description)}</p>"
        rows, self.fields = [], {}
        for field in self.session.fields(name):
            widget = self._field_widget(field)
            widget.add_class(f"wb-param-{field.name}")
            self.fields[field.name] = widget
            mark = "（必須）" if field.required else ""
            label = w.HTML(f"<b>{html.escape(field.name)}</b>{mark}", layout=w.Layout(width="9em"))
            help_text = w.HTML(f"<span style='color:#444'>{html.escape(field.help)}</span>")
            rows.append(w.HBox([label, widget, help_text]))
        self.form.children = rows

    @staticmethod
    def _field_widget(field) -> w.Widget:
        if field.columns is not None:
            if field.multiple:
                return w.SelectMultiple(options=field.columns, rows=min(6, len(field.columns) or 1))
            first = "（選択してください）" if field.required else "（使わない）"
            return w.Dropdown(options=[(first, NONE), *[(c, c) for c in field.columns]])
        if field.choices:
            return w.Dropdown(options=field.choices, value=str(field.default))
        if isinstance(field.default, bool):
            return w.Checkbox(value=field.default, indent=False)
        return w.Text(value="" if field.default == "" else str(field.default))

    def values(self) -> dict[str, Any]:
        out = {}
        for name, widget in self.fields.items():
            value = widget.value
            out[name] = ("true" if value else "false") if isinstance(value, bool) else value
        return out

    # --- running ----------------------------------------------------------------------------

    def _on_run(self, _button: w.Button) -> None:
        name = self.template.value
        self.message.value = self.downloads.value = self.report.value = ""
        self.run_button.disabled = True
        try:
            self._step(1, "入力を確認しています…")
            self.session.check(name, self.values())  # the CLI's checks, in a second
            self._step(2, "分析してレポートを作成しています…")
            outcome = self.session.run(
                name, self.values(), self.kernel.manager(), self.source.value.strip()
            )
        except WorkbenchError as error:
            self.progress.value = 0
            self.status.value = ""
            self.message.value = _error(str(error))
            return
        finally:
            self.run_button.disabled = False
        count = len(self.session.runs)
        self._step(3, f"完了しました（{count}回目の分析、{outcome.seconds:.1f}秒）")
        self.message.value = (
            "<div class='wb-summary'><b>要旨</b><ul>"
            + "".join(f"<li>{html.escape(s)}</li>" for s in outcome.result["report"]["summary"])
            + "</ul></div>"
        )
        self.downloads.value = "".join(
            download_link(outcome.file(file), label, outcome.out.name) for file, label in DOWNLOADS
        )
        body = outcome.file("report.html").read_text(encoding="utf-8")
        self.report.value = (
            f"<iframe class='wb-report-frame' srcdoc='{html.escape(body, quote=True)}' "
            "style='width:100%;height:70vh;border:1px solid #ccc'></iframe>"
        )

    def _step(self, value: int, text: str) -> None:
        self.progress.value = value
        self.status.value = f"<span class='wb-step'>{html.escape(text)}</span>"


def main() -> App:
    """What the app notebook calls: the data folder comes from ``python -m workbench app``."""
    data_dir = Path(os.environ.get("WORKBENCH_APP_DATA_DIR", os.getcwd()))
    work = Path(tempfile.mkdtemp(prefix="workbench-app-"))
    app = App(data_dir, work)
    app.show()
    return app
