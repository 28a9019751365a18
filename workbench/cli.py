"""``python -m workbench …``: parses arguments and calls the modules, nothing more."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

# Commands import what they need when they run: `workbench template run` must work with
# only the templates extra installed (no nbgrader, JupyterLab or Dask; see pyproject.toml),
# and must not pay for importing every dataset module (issue 16: the CLI's start-up).
from workbench import cli_templates
from workbench.errors import WorkbenchError
from workbench.paths import grading_dir


def _dataset_size(text: str) -> str:
    """``--size``, checked only when ``datasets build`` runs (importing the registry
    imports every dataset module)."""
    from workbench.datasets.registry import SIZES

    if text not in SIZES:
        raise argparse.ArgumentTypeError(f"{text} ではなく {' か '.join(SIZES)} を指定してください")
    return text


def _datasets_build(args: argparse.Namespace) -> int:
    from workbench import datasets

    for name in args.names or datasets.names():
        folder = datasets.build(name, args.size, args.seed)
        print(f"{name} ({args.size}): {folder}")
    return 0


def _datasets_list(args: argparse.Namespace) -> int:
    from workbench import datasets

    for name in datasets.names():
        dataset = datasets.get(name)
        files = "、".join(f.name for f in dataset.files)
        print(f"{name}\t{dataset.title}\t{files}")
    return 0


def _course_release(args: argparse.Namespace) -> int:
    from workbench import course

    for unit in args.units or course.units():
        changed = course.generate(unit, force=args.force)
        print(f"{unit}: {'配布版を生成しました' if changed else '配布版は最新です'}")
    return 0


def _course_execute(args: argparse.Namespace) -> int:
    from workbench import course

    for unit in args.units or course.units():
        for path in course.execute_in_place(unit):
            print(f"実行して出力を保存しました: {path}")
    return 0


def _course_concepts(args: argparse.Namespace) -> int:
    from workbench import concepts, course
    from workbench.paths import courses_dir

    units = course.units()
    for unit in args.units:
        course.source_files(unit)  # a CourseError naming the units there are
    if args.draft:
        for unit in args.units or units:
            print(f"# {unit}/{concepts.CONCEPTS_FILE} の [introduces] に加える候補")
            print("\n".join(concepts.draft(courses_dir(), units, unit)) or "# （なし）")
        return 0
    problems = concepts.check_units(courses_dir(), units, args.units or None)
    print("\n".join(problems) or "概念マップ: 教える前に使っているものはありません")
    return 1 if problems else 0


def _course_times(args: argparse.Namespace) -> int:
    from workbench import course, course_time

    times = {
        unit: [course_time.notebook_time(path) for path in course.notebooks(unit)]
        for unit in args.units or course.units()
    }
    print("\n".join(course_time.table(times)))
    return 0


def _lab(args: argparse.Namespace) -> int:
    from workbench import lab

    lab.start(port=args.port, open_browser=not args.no_browser, instructor=args.instructor)
    return 0  # not reached: the process becomes JupyterLab


def _grade(args: argparse.Namespace) -> int:
    import dataclasses

    from workbench.grading.course import Course
    from workbench.grading.pipeline import Options, grade

    # Limits come from the course's nbgrader_config.py; flags given here override them.
    overrides = {
        "cell_timeout": args.timeout,
        "notebook_timeout": args.notebook_timeout,
        "memory_mb": args.memory_mb,
        "output_bytes": args.output_limit,
    }
    overrides = {key: value for key, value in overrides.items() if value is not None}
    limits = None
    if overrides:
        limits = dataclasses.replace(Course.load(args.course_root).limits(), **overrides)
    options = Options(
        students=args.student or None,
        workers=args.workers,
        limits=limits,
        scheduler=args.scheduler,
        force=args.force,
        figures=args.figures,
        progress=not args.no_progress,
        sandbox=not args.no_sandbox,
    )
    summary = grade(args.assignment, args.course_root, options)
    print("\n".join(summary.lines()))
    return 0


def _prepare(args: argparse.Namespace) -> int:
    from workbench import lab

    lab.prepare_workspace()
    lab.set_default_language()
    return 0


def _feedback(args: argparse.Namespace) -> int:
    from workbench.grading import feedback

    summary = feedback.generate(args.assignment, args.student, args.course_root)
    for student in summary.missing:
        print(f"提出がありません（フィードバックなし）: {student}", file=sys.stderr)
    students = {w.student for w in summary.written}
    noted = {w.student for w in summary.written if w.problem}
    print(
        f"{args.assignment}: {len(students)}人分のフィードバック"
        f"（{len(summary.written)}件）を作成しました。"
    )
    if noted:
        print(f"採点時の注意があるもの: {len(noted)}人（{'、'.join(sorted(noted))}）")
    if summary.written:
        print(f"保存先: {summary.written[0].path.parent.parent.parent}")
    return 2 if summary.missing and not summary.written else 0


def _report(args: argparse.Namespace) -> int:
    from workbench.grading import report

    rule = report.CompletionRule.from_percent(args.pass_percent, not args.pass_without_written)
    summary = report.write_report(args.assignment, args.out, args.course_root, rule)
    mean = "—" if summary.mean is None else f"{summary.mean:.1f}点"
    print(f"{args.assignment}: 対象 {summary.students}人、提出 {summary.submitted}人、平均 {mean}")
    for path in (summary.csv, summary.xlsx, summary.html):
        print(f"作成しました: {path}")
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
    build.add_argument("--size", type=_dataset_size, default="small", help="small または full")
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
    concept = courses.add_parser(
        "concepts", help="教える前に使っている構文・関数がないか確かめる（作成者向け）"
    )
    concept.add_argument("units", nargs="*", help="単元名（省略時はすべて）")
    concept.add_argument(
        "--draft", action="store_true", help="concepts.toml の [introduces] の候補を表示する"
    )
    concept.set_defaults(handler=_course_concepts)
    times = courses.add_parser(
        "times", help="目安時間（記載）と、内容から数えた見積りを比べる（作成者向け）"
    )
    times.add_argument("units", nargs="*", help="単元名（省略時はすべて）")
    times.set_defaults(handler=_course_times)

    start = commands.add_parser("lab", help="受講用ワークスペースを準備して JupyterLab を起動する")
    start.add_argument("--port", type=int, default=None)
    start.add_argument("--no-browser", action="store_true", help="ブラウザを自動で開かない")
    start.add_argument(
        "--instructor",
        action="store_true",
        help="講師用: grading/ と courses/ を開き、formgrader・Create Assignment を使う",
    )
    start.set_defaults(handler=_lab)

    commands.add_parser(
        "prepare", help="起動せずにワークスペースだけ準備する（データ・配布版・日本語設定）"
    ).set_defaults(handler=_prepare)

    give = commands.add_parser(
        "feedback", help="採点結果から受講者ごとのフィードバック（HTML、隠しテストなし）を作る"
    )
    give.add_argument("assignment", help="課題（単元）名")
    give.add_argument(
        "--student", nargs="+", action="extend", metavar="ID", help="職員ID（省略時は全員）"
    )
    give.add_argument("--course-root", default=None, help="nbgrader のコースフォルダ")
    give.set_defaults(handler=_feedback)

    cohort = commands.add_parser(
        "report", help="成績一覧（CSV・Excel）と問題別の分析レポートを作る"
    )
    cohort.add_argument("assignment", help="課題（単元）名")
    cohort.add_argument("--out", default=None, help="出力フォルダ（既定: grading/reports/課題名）")
    cohort.add_argument("--course-root", default=None, help="nbgrader のコースフォルダ")
    cohort.add_argument(
        "--pass-percent", type=float, default=60.0,
        help="修了とする得点率（%%、既定 60）",
    )  # fmt: skip
    cohort.add_argument(
        "--pass-without-written", action="store_true",
        help="記述式の採点が済んでいなくても得点率だけで修了を判定する",
    )  # fmt: skip
    cohort.set_defaults(handler=_report)
    grader = commands.add_parser(
        "grade", help="提出物を並列・サンドボックスで自動採点する（nbgrader の gradebook に記録）"
    )
    grader.add_argument("assignment", help="課題（単元）名")
    grader.add_argument("--student", action="append", help="この受講者だけ採点（複数可）")
    grader.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="並列数")
    grader.add_argument(
        "--timeout",
        type=float,
        help="1セルの制限時間（秒、既定: nbgrader_config.py の ExecutePreprocessor.timeout）",
    )
    grader.add_argument("--notebook-timeout", type=float, help="1冊の制限時間（秒）")
    grader.add_argument("--memory-mb", type=int, help="1提出のメモリ上限（MB、既定 1024）")
    grader.add_argument("--output-limit", type=int, help="1セルの出力上限（文字）")
    grader.add_argument(
        "--no-sandbox",
        action="store_true",
        help="bubblewrap なしで採点する（信頼できる提出物だけに。"
        "既定では bubblewrap が無いと中止）",
    )
    grader.add_argument("--scheduler", help="Dask スケジューラのアドレス（tcp://…）")
    grader.add_argument("--force", action="store_true", help="採点済みでも採点し直す")
    grader.add_argument(
        "--figures", action="store_true", help="採点結果にグラフ画像も残す（遅くなる）"
    )
    grader.add_argument("--no-progress", action="store_true", help="進捗バーを表示しない")
    grader.add_argument(
        "--course-root", type=Path, default=grading_dir(), help="nbgrader のコースフォルダ"
    )
    grader.set_defaults(handler=_grade)
    cli_templates.add_commands(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.handler(args)
    except WorkbenchError as error:
        # The one place user-fixable errors become a message and exit status 2.
        print(f"エラー: {error}", file=sys.stderr)
        if error.epilogue:
            print(error.epilogue, file=sys.stderr)
        return 2
