"""The policy teams' commands: ``app``, ``check`` and ``template list|run``.

Split from cli.py to keep each file short; cli.build_parser registers them with
``add_commands``.  Like every command, each handler imports what it needs when it runs.
"""

from __future__ import annotations

import argparse
import gc
import sys
from pathlib import Path


def _app(args: argparse.Namespace) -> int:
    from workbench.app import launch

    launch.start(port=args.port, open_browser=not args.no_browser)
    return 0  # not reached: the process becomes Voilà


def _template_list(args: argparse.Namespace) -> int:
    from workbench import templates

    for name in templates.names():
        info = templates.get(name)
        print(f"{name}\t{info.title}: {info.description}")
        for p in info.parameters:
            mark = (
                "（必須）"
                if p.required
                else "（任意）"
                if p.default == ""
                else (f"（既定: {p.default}）")
            )
            print(f"    -p {p.name} …{mark} {p.help}")
    return 0


def _skip_iri_grammar() -> None:
    """Keep jsonschema (imported by nbformat) from importing rfc3987_syntax in this process.

    When installed (jupyter-events pulls it in), jsonschema imports it for its optional
    ``iri`` format check, and it builds a parser grammar at import: ≈2 s of CPU, the
    largest single import of a ``template run``.  Notebook validation uses no ``iri``
    format, and jsonschema without the package is its documented fallback (the format is
    not checked).  Only in the CLI's own process, before anything imports jsonschema (a no-op
    after).
    """
    if "jsonschema" not in sys.modules:
        sys.modules.setdefault("rfc3987_syntax", None)  # None: "import" raises ImportError


def _template_run(args: argparse.Namespace) -> int:
    _skip_iri_grammar()
    from workbench import templates

    # The run imports as much again (matplotlib, IPython, nbconvert), and each time the
    # heap grows by a quarter Python's collector walks all of it, pandas and scipy
    # included: ≈0.1 s of CPU per run.  The modules just imported live until the process
    # ends, so they are left out of those walks for the run (and put back afterwards for a
    # caller that goes on, such as a test).
    gc.freeze()
    try:
        result = templates.run(
            args.name,
            args.data,
            args.out,
            args.param or [],
            sheet=args.sheet,
            header_row=args.header_row,
            where=args.where or [],
            keep_totals=args.keep_totals,
            source=args.source or "",
        )
    finally:
        gc.unfreeze()
    print(result.get("conclusion", ""))
    out = Path(args.out)
    for name in templates.OUTPUTS:
        print(f"作成しました: {out / name}")
    return 0


def _check(args: argparse.Namespace) -> int:
    from workbench.io.machine_readability import report_lines
    from workbench.io.readability_checks import check_file

    checks = check_file(args.file, sheet=args.sheet)
    print("\n".join(report_lines(Path(args.file), checks)))
    print(
        "（ルール: 総務省「統計表における機械判読可能なデータの表記方法の統一ルール」の"
        "チェック項目番号。デジタル庁「行政データにおける機械可読性に関するルール」も同じ考え方です）"
    )
    return 1 if any(check.findings for check in checks) else 0


def add_commands(commands: argparse._SubParsersAction) -> None:
    """Add ``app``, ``check`` and ``template`` to the top-level subcommands."""
    app = commands.add_parser(
        "app", help="分析テンプレートをブラウザで使う（ファイルを選び、列を選んで実行）"
    )
    app.add_argument("--port", type=int, default=8866)
    app.add_argument("--no-browser", action="store_true", help="ブラウザを自動で開かない")
    app.set_defaults(handler=_app)

    check = commands.add_parser(
        "check",
        help="CSV・Excel ファイルが機械判読のルールに合っているかを調べる"
        "（終了コード 0: 問題なし、1: ルールに合わない点あり、2: ファイルを開けない）",
    )
    check.add_argument("file", help="調べるファイル（CSV・Excel）")
    check.add_argument("--sheet", default=None, help="調べるシート（省略時はすべてのシート）")
    check.set_defaults(handler=_check)
    tpl = commands.add_parser(
        "template", help="分析テンプレート（t検定・回帰・クロス集計など）でレポートを作る"
    ).add_subparsers(dest="action", required=True)
    tpl.add_parser("list", help="テンプレートとパラメータの一覧").set_defaults(
        handler=_template_list
    )
    tpl_run = tpl.add_parser(
        "run",
        help="テンプレートを実行して report.html・report.docx・results.xlsx・result.json を作る",
    )
    tpl_run.add_argument("name", help="テンプレート名（template list で確認）")
    tpl_run.add_argument("--data", required=True, help="データファイル（CSV・Excel）")
    tpl_run.add_argument(
        "--sheet", default=None, help="Excel のシート名（省略時は先頭。consolidate はカンマ区切り）"
    )
    tpl_run.add_argument(
        "--header-row", type=int, default=None, help="列名の行番号（Excel の行番号。省略時は自動）"
    )
    tpl_run.add_argument(
        "-p",
        "--param",
        nargs=2,
        action="append",
        metavar=("KEY", "VALUE"),
        help="パラメータ（複数可）",
    )
    tpl_run.add_argument(
        "--where",
        action="append",
        metavar="列=値,…",
        help="使う行の絞り込み（複数可）: 列=値1,値2 でその行だけ残す、列!=値 でその行を除く",
    )
    tpl_run.add_argument(
        "--keep-totals",
        action="store_true",
        help="総数・合計・小計などの行を除かずに残す（既定では除いてレポートに記録）",
    )
    tpl_run.add_argument(
        "--source",
        default=None,
        metavar="出典",
        help="レポートに書くデータの出典（例: 総務省「人口推計」令和6年10月1日現在）",
    )
    tpl_run.add_argument("--out", required=True, help="出力フォルダ")
    tpl_run.set_defaults(handler=_template_run)
