"""Template analyses for policy teams: ``python -m workbench template list|run``.

A template is ``templates/NAME.ipynb``: a papermill notebook with a cell tagged
``parameters`` and a ``workbench_template`` metadata block (title, description, help per
parameter, required parameters).  ``run`` reads and cleans the data file once
(io.read_table + io.clean_table + 和暦 columns), checks the parameters with the same
function the notebook uses (analyses.ANALYSES), executes the notebook with papermill in a
temporary folder, renders HTML without code, writes the Word and Excel reports
(content.ReportContent: the same 作成日, 出典 and 要旨 in all three), and only then moves
every output into the output folder.
"""

from __future__ import annotations

import ast
import json
import pickle
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nbformat
import pandas as pd

from workbench import io
from workbench.errors import WorkbenchError
from workbench.paths import templates_dir
from workbench.templates.analyses import ANALYSES, TemplateInputError
from workbench.templates.loading import SHEET_COLUMN, apply_where, load_data, load_sheets
from workbench.templates.outputs import OUTPUTS, publish, write_reports

__all__ = [
    "TemplateError",
    "TemplateInfo",
    "Parameter",
    "templates_dir",
    "names",
    "get",
    "load_data",
    "load_sheets",
    "apply_where",
    "analyse",
    "run",
    "OUTPUTS",
    "SHEET_COLUMN",
]

#: Parameters the runner fills in; users never pass them.
INTERNAL = {"data_path", "result_path"}


class TemplateError(WorkbenchError, ValueError):
    """The template cannot run as asked; the Japanese message says what to fix."""

    epilogue = "レポートは作成していません。"


@dataclass
class Parameter:
    name: str
    default: Any
    help: str
    required: bool = False


@dataclass
class TemplateInfo:
    name: str
    title: str
    description: str
    path: Path
    parameters: list[Parameter] = field(default_factory=list)
    #: Read every sheet of a workbook (``--sheet A,B`` to choose), stacked with a シート column.
    all_sheets: bool = False

    def parameter(self, name: str) -> Parameter | None:
        return next((p for p in self.parameters if p.name == name), None)


def names() -> list[str]:
    return sorted(p.stem for p in templates_dir().glob("*.ipynb"))


def _parameters_cell(nb: nbformat.NotebookNode) -> str:
    for cell in nb.cells:
        if "parameters" in cell.get("metadata", {}).get("tags", []):
            return cell.source
    raise TemplateError("テンプレートに parameters タグの付いたセルがありません")


def _defaults(source: str) -> dict[str, Any]:
    values = {}
    for node in ast.parse(source).body:
        if isinstance(node, ast.Assign | ast.AnnAssign):
            target = node.targets[0] if isinstance(node, ast.Assign) else node.target
            if isinstance(target, ast.Name) and node.value is not None:
                values[target.id] = ast.literal_eval(node.value)
    return values


def get(name: str) -> TemplateInfo:
    path = templates_dir() / f"{name}.ipynb"
    if not path.is_file():
        raise TemplateError(
            f"テンプレート「{name}」はありません（使えるもの: "
            f"{'、'.join(names())}。一覧: python -m workbench template list）"
        )
    nb = nbformat.read(path, as_version=4)
    meta = nb.metadata.get("workbench_template", {})
    helps, required = meta.get("parameters", {}), set(meta.get("required", []))
    parameters = [
        Parameter(key, value, helps.get(key, ""), key in required)
        for key, value in _defaults(_parameters_cell(nb)).items()
        if key not in INTERNAL
    ]
    return TemplateInfo(
        name,
        meta.get("title", name),
        meta.get("description", ""),
        path,
        parameters,
        bool(meta.get("all_sheets", False)),
    )


def _convert(parameter: Parameter, text: str) -> Any:
    """Give -p values the type of the parameter's default (0.05 → float, 3 → int)."""
    kind = type(parameter.default)
    try:
        if kind is bool:
            if text.lower() in ("true", "1", "yes", "はい"):
                return True
            if text.lower() in ("false", "0", "no", "いいえ"):
                return False
            raise ValueError(text)
        if kind in (int, float):
            return kind(io.normalize_text(text))
    except ValueError:
        kind_name = {bool: "true か false", int: "整数", float: "数値"}[kind]
        raise TemplateError(
            f"パラメータ {parameter.name} には{kind_name}を指定してください（指定値: {text}）"
        ) from None
    return text


def _parse_parameters(info: TemplateInfo, pairs: list[tuple[str, str]]) -> dict[str, Any]:
    values = {}
    for key, text in pairs:
        parameter = info.parameter(key)
        if parameter is None:
            known = "、".join(p.name for p in info.parameters)
            raise TemplateError(
                f"テンプレート「{info.name}」にパラメータ {key} はありません（使えるもの: {known}）"
            )
        values[key] = _convert(parameter, text)
    missing = [p.name for p in info.parameters if p.required and not values.get(p.name)]
    if missing:
        hint = " ".join(f"-p {m} …" for m in missing)
        raise TemplateError(
            f"必須のパラメータ {'、'.join(missing)} が指定されていません"
            f"（{hint} を付けてください。説明: python -m workbench template list）"
        )
    return values


def _execute(
    info: TemplateInfo, work: Path, parameters: dict[str, Any], kernel_manager: Any = None
) -> None:
    """Execute the template notebook into work/report.ipynb.

    Without a kernel manager (the CLI) the cells run in this process (inprocess.py): the
    libraries the data reading already imported are not imported again by a new kernel.
    With one (the app's warm kernel), or inside a Jupyter kernel, papermill runs it there.
    """
    from workbench.templates import inprocess

    if _runs_in_process(kernel_manager):
        try:
            inprocess.execute(info.path, work / "report.ipynb", parameters, cwd=work)
        except inprocess.CellError as error:
            raise _execution_error(info, error.ename, error.evalue) from None
        return
    _execute_papermill(info, work, parameters, kernel_manager)


def _runs_in_process(kernel_manager: Any) -> bool:
    """True when the notebook runs in this process: no kernel given and not in a kernel."""
    from workbench.templates import inprocess

    return kernel_manager is None and inprocess.available()


def _execution_error(info: TemplateInfo, ename: str, evalue: str) -> TemplateError:
    if ename in ("TemplateInputError", "DataFileError"):
        return TemplateError(evalue)
    return TemplateError(
        f"テンプレート「{info.name}」の実行中にエラーが起きました"
        f"（{ename}: {evalue}）。データとパラメータを確認し、"
        "解決しない場合は担当者に report.ipynb を添えて連絡してください"
    )


def _execute_papermill(
    info: TemplateInfo, work: Path, parameters: dict[str, Any], kernel_manager: Any
) -> None:
    import papermill
    from papermill.exceptions import PapermillExecutionError

    try:
        papermill.execute_notebook(
            str(info.path),
            str(work / "report.ipynb"),
            parameters=parameters,
            kernel_name="python3",
            cwd=str(work),
            progress_bar=False,
            log_output=False,
            language="python",
            # A started kernel (the app's warm one) is reused and left running, and the
            # notebook is written once at the end rather than after every cell (the app's
            # second analysis must return in seconds); without one papermill starts and
            # stops a kernel for this run.
            **(
                {"km": kernel_manager, "request_save_on_cell_execute": False}
                if kernel_manager is not None
                else {}
            ),
        )
    except PapermillExecutionError as error:
        raise _execution_error(info, error.ename, error.evalue) from None


def reading_record(df: pd.DataFrame) -> dict[str, Any]:
    """What the reader decided, for result.json's data block (JSON-ready)."""
    attrs = df.attrs
    return {
        "sheets": attrs.get("sheets"),
        "header_rows": attrs.get("header_rows"),
        "code_row": attrs.get("code_row"),
        "where": attrs.get("where"),
        "excluded_rows": [
            {k: (v if isinstance(v, int | str) else str(v)) for k, v in e.items()}
            for e in attrs.get("excluded", [])
        ],
    }


def _read(
    info: TemplateInfo,
    data: str | Path,
    params: list[tuple[str, str]],
    sheet: str | None,
    header_row: int | None,
    where: list[str] | None,
    keep_totals: bool,
) -> tuple[dict[str, Any], pd.DataFrame, pd.DataFrame]:
    """The checked parameter values, the cleaned data and its notes."""
    values = _parse_parameters(info, params)
    try:
        if info.all_sheets:
            sheets = [s.strip() for s in sheet.split(",")] if sheet else None
            df, notes = load_sheets(
                data, sheets=sheets, header_row=header_row, keep_totals=keep_totals
            )
        else:
            df, notes = load_data(data, sheet=sheet, header_row=header_row, keep_totals=keep_totals)
        if where:
            attrs = dict(df.attrs)
            df, where_notes = apply_where(df, where)
            df.attrs.update(attrs, where=list(where))
            notes = pd.concat([notes, where_notes], ignore_index=True)
    except io.DataFileError as error:
        raise TemplateError(str(error)) from None
    return values, df, notes


def _analysis(name: str, df: pd.DataFrame, values: dict[str, Any]) -> dict[str, Any]:
    try:
        return ANALYSES[name](df, **values)
    except (io.DataFileError, TemplateInputError) as error:
        raise TemplateError(str(error)) from None


def analyse(
    name: str,
    data: str | Path,
    params: list[tuple[str, str]],
    *,
    sheet: str | None = None,
    header_row: int | None = None,
    where: list[str] | None = None,
    keep_totals: bool = False,
) -> tuple[dict[str, Any], pd.DataFrame, pd.DataFrame, dict[str, Any]]:
    """Read DATA and run template NAME's analysis in this process, without a notebook.

    Returns (parameter values, data, notes, result).  The app calls it to show a result
    before the reports; tests call it to check the numbers of a whole run.
    """
    info = get(name)
    values, df, notes = _read(info, data, params, sheet, header_row, where, keep_totals)
    return values, df, notes, _analysis(name, df, values)


def run(
    name: str,
    data: str | Path,
    out: str | Path,
    params: list[tuple[str, str]],
    *,
    sheet: str | None = None,
    header_row: int | None = None,
    where: list[str] | None = None,
    keep_totals: bool = False,
    source: str = "",
    kernel_manager: Any = None,
) -> dict[str, Any]:
    """Run template NAME on DATA; write the reports (OUTPUTS) into OUT.

    ``source`` is the データの出典 shown in every report (e.g. 総務省「人口推計」).
    ``kernel_manager``: a jupyter_client KernelManager with a running kernel to execute
    the notebook in (the app keeps one warm); by default papermill starts its own.
    """
    info = get(name)
    values, df, notes = _read(info, data, params, sheet, header_row, where, keep_totals)
    if not _runs_in_process(kernel_manager):
        # Bad input fails here in a second rather than after a kernel has started.  In
        # process the notebook's first cell runs the same analysis just as soon, so it
        # is not computed twice (at 10^6 rows that is seconds).
        _analysis(name, df, values)
    out = Path(out).resolve()
    if out.exists() and not out.is_dir():
        raise TemplateError(
            f"--out {out} はファイルです。レポートを入れるフォルダ名を指定してください"
        )
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=f".{out.name}.", dir=out.parent) as tmp:
        work = Path(tmp)
        data_path = work / "data.pkl"
        with data_path.open("wb") as handle:
            pickle.dump(
                {
                    "data": df,
                    "notes": notes,
                    "source": Path(data).name,
                    "header_row": df.attrs.get("header_row"),
                    "sheet": df.attrs.get("sheet") or sheet,
                    "reading": reading_record(df),
                },
                handle,
            )
        try:
            _execute(
                info,
                work,
                {**values, "data_path": str(data_path), "result_path": str(work / "result.json")},
                # only when given: tests replace _execute with a three-argument stand-in
                **({"kernel_manager": kernel_manager} if kernel_manager is not None else {}),
            )
        except (io.DataFileError, TemplateInputError) as error:  # from a stand-in's analysis
            raise TemplateError(str(error)) from None
        if not (work / "result.json").is_file():
            raise TemplateError(f"テンプレート「{name}」が result.json を書きませんでした")
        write_reports(work, f"{info.title}（{Path(data).name}）", notes, source)
        publish(work, out)
    return json.loads((out / "result.json").read_text(encoding="utf-8"))
