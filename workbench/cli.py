"""``python -m workbench …``: parses arguments and calls the modules, nothing more."""

from __future__ import annotations

import argparse
import sys

from workbench import course, datasets, lab


def _datasets_build(args: argparse.Namespace) -> int:
    for name in args.names or datasets.names():
        folder = datasets.build(name, args.size, args.seed)
        print(f"{name} ({args.size}): {folder}")
    return 0


def _datasets_list(args: argparse.Namespace) -> int:
    for name in datasets.names():
        dataset = datasets.get(name)
        files = "、".join(f.name for f in dataset.files)
        print(f"{name}\t{dataset.title}\t{files}")
    return 0


def _course_release(args: argparse.Namespace) -> int:
    for unit in args.units or course.units():
        changed = course.generate(unit, force=args.force)
        print(f"{unit}: {'配布版を生成しました' if changed else '配布版は最新です'}")
    return 0


def _course_execute(args: argparse.Namespace) -> int:
    for unit in args.units or course.units():
        for path in course.execute_in_place(unit):
            print(f"実行して出力を保存しました: {path}")
    return 0


def _lab(args: argparse.Namespace) -> int:
    lab.start(port=args.port, open_browser=not args.no_browser)
    return 0  # not reached: the process becomes JupyterLab


def _prepare(args: argparse.Namespace) -> int:
    lab.prepare_workspace()
    lab.set_default_language()
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m workbench", description="データ活用研修ワークベンチ"
    )
    commands = parser.add_subparsers(dest="command", required=True)

    data = commands.add_parser("datasets", help="データセットの作成・一覧").add_subparsers(
        dest="action", required=True
    )
    build = data.add_parser("build", help="データセットを作成する（同じ seed なら同じバイト列）")
    build.add_argument("names", nargs="*", help="データセット名（省略時はすべて）")
    build.add_argument("--size", choices=datasets.SIZES, default="small")
    build.add_argument("--seed", type=int, default=None)
    build.set_defaults(handler=_datasets_build)
    data.add_parser("list", help="登録されているデータセット").set_defaults(handler=_datasets_list)

    courses = commands.add_parser("course", help="教材の配布版").add_subparsers(
        dest="action", required=True
    )
    release = courses.add_parser("release", help="nbgrader で受講者用（解答なし）を生成する")
    release.add_argument("units", nargs="*", help="単元名（省略時はすべて）")
    release.add_argument("--force", action="store_true", help="最新でも作り直す")
    release.set_defaults(handler=_course_release)
    execute = courses.add_parser(
        "execute", help="教材（解答入り）を実行して出力を保存する（作成者向け）"
    )
    execute.add_argument("units", nargs="*", help="単元名（省略時はすべて）")
    execute.set_defaults(handler=_course_execute)

    start = commands.add_parser("lab", help="受講用ワークスペースを準備して JupyterLab を起動する")
    start.add_argument("--port", type=int, default=None)
    start.add_argument("--no-browser", action="store_true", help="ブラウザを自動で開かない")
    start.set_defaults(handler=_lab)

    commands.add_parser(
        "prepare", help="起動せずにワークスペースだけ準備する（データ・配布版・日本語設定）"
    ).set_defaults(handler=_prepare)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.handler(args)
    except (datasets.DatasetError, course.CourseError) as error:
        print(f"エラー: {error}", file=sys.stderr)
        return 2
