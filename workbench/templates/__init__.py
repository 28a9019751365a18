"""Template analyses for policy teams: ``python -m workbench template list|run``.

A template is ``templates/NAME.ipynb``: a papermill notebook with a cell tagged
``parameters`` and a ``workbench_template`` metadata block (title, description, help per
parameter, required parameters).  ``run`` reads and cleans the data file once
(io.read_table + io.clean_table + 和暦 columns), checks the parameters with the same
function the notebook uses (analyses.ANALYSES), executes the notebook with papermill in a
temporary folder, renders HTML without code, and only then moves report.ipynb,
report.html and result.json into the output folder.
"""

from __future__ import annotations

import ast
import json
import pickle
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nbformat
import pandas as pd

from workbench import io
from workbench.errors import WorkbenchError
from workbench.io.excel import sheet_names
from workbench.paths import REPO_ROOT
from workbench.templates.analyses import ANALYSES, TemplateInputError

__all__ = ["TemplateError", "TemplateInfo", "Parameter", "templates_dir", "names", "get",
           "load_data", "analyse", "run", "OUTPUTS"]

#: Files a finished run leaves in the output folder.
OUTPUTS = ("report.ipynb", "report.html", "result.json")
#: Parameters the runner fills in; users never pass them.
INTERNAL = {"data_path", "result_path"}


class TemplateError(WorkbenchError, ValueError):
    """The template cannot run as asked; the Japanese message says what to fix."""

    epilogue = "レポートは作成していません。"


def templates_dir() -> Path:
    return REPO_ROOT / "templates"


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
        raise TemplateError(f"テンプレート「{name}」はありません（使えるもの: "
                            f"{'、'.join(names())}。一覧: python -m workbench template list）")
    nb = nbformat.read(path, as_version=4)
    meta = nb.metadata.get("workbench_template", {})
    helps, required = meta.get("parameters", {}), set(meta.get("required", []))
    parameters = [Parameter(key, value, helps.get(key, ""), key in required)
                  for key, value in _defaults(_parameters_cell(nb)).items()
                  if key not in INTERNAL]
    return TemplateInfo(name, meta.get("title", name), meta.get("description", ""), path,
                        parameters, bool(meta.get("all_sheets", False)))


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
        raise TemplateError(f"パラメータ {parameter.name} には{kind_name}を指定してください"
                            f"（指定値: {text}）") from None
    return text


def _parse_parameters(info: TemplateInfo, pairs: list[tuple[str, str]]) -> dict[str, Any]:
    values = {}
    for key, text in pairs:
        parameter = info.parameter(key)
        if parameter is None:
            known = "、".join(p.name for p in info.parameters)
            raise TemplateError(f"テンプレート「{info.name}」にパラメータ {key} はありません"
                                f"（使えるもの: {known}）")
        values[key] = _convert(parameter, text)
    missing = [p.name for p in info.parameters if p.required and not values.get(p.name)]
    if missing:
        hint = " ".join(f"-p {m} …" for m in missing)
        raise TemplateError(f"必須のパラメータ {'、'.join(missing)} が指定されていません"
                            f"（{hint} を付けてください。説明: python -m workbench template list）")
    return values


SHEET_COLUMN = "シート"


def load_sheets(path: str | Path, *, sheets: list[str] | None = None,
                header_row: int | None = None, keep_totals: bool = False
                ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Every sheet of a workbook (or the listed ones) stacked, with a シート column.

    Sheets with no table (empty, or a memo without data rows) are skipped with a note;
    a CSV is one table.  Notes name rows as ``シート!行`` like Excel does.
    """
    path = Path(path)
    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        df, notes = load_data(path, header_row=header_row, keep_totals=keep_totals)
        df.insert(0, SHEET_COLUMN, path.stem)
        return df, notes
    names = sheets or sheet_names(path)
    frames, notes, used, excluded = [], [], [], []
    heading_rows: dict[str, Any] = {}
    for name in names:
        try:
            df, sheet_notes = load_data(path, sheet=name, header_row=header_row,
                                        keep_totals=keep_totals)
            if df.empty:
                raise io.DataFileError("見出しの下にデータの行がありません")
        except io.DataFileError as error:
            if sheets:  # asked for by name: a problem there is the user's to fix
                raise
            skipped = ("（シート全体）", name, "", f"読み飛ばしました（{error}）")
            notes.append(pd.DataFrame([skipped], columns=["列", "行", "元の値", "扱い"]))
            continue
        used.append(name)
        heading_rows[name] = df.attrs.get("header_rows")
        excluded += [{**e, "row": f"{name}!{e['row']}"} for e in df.attrs.get("excluded", [])]
        frames.append(df.reset_index(names="__row__").assign(**{SHEET_COLUMN: name}))
        notes.append(sheet_notes.assign(行=[f"{name}!{r}" for r in sheet_notes["行"]]))
    if not frames:
        raise io.DataFileError(f"{path.name} のどのシートにも表が見つかりません")
    df = pd.concat(frames, ignore_index=True)
    df.index = [f"{s}!{r}" for s, r in zip(df[SHEET_COLUMN], df["__row__"], strict=True)]
    df = df[[SHEET_COLUMN] + [c for c in df.columns if c not in (SHEET_COLUMN, "__row__")]]
    rows = {tuple(r or ()) for r in heading_rows.values()}
    same = next(iter(rows)) if len(rows) == 1 else None  # one heading layout for all sheets
    df.attrs.update(source=path.name, sheets=used, excluded=excluded,
                    header_rows=list(same) if same else heading_rows,
                    header_row=same[-1] if same else None)
    return df, pd.concat(notes, ignore_index=True) if notes else pd.DataFrame(
        columns=["列", "行", "元の値", "扱い"])


def load_data(path: str | Path, *, sheet: str | None = None, header_row: int | None = None,
              keep_totals: bool = False) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Read and clean a table once: numbers, dates, and rows that are not data.

    Numbers (全角, 桁区切り, symbols) and dates (西暦・和暦 text, Excel cells) are converted;
    footnotes and （再掲） rows are always taken out, total/subtotal rows unless
    ``keep_totals``.  Every decision is a note and sits in ``df.attrs`` (sheet,
    header_rows, code_row, excluded) for the report and result.json.
    """
    raw = io.read_table(path, sheet=sheet, header_row=header_row)
    cleaned, notes = io.clean_table(raw)
    cleaned, date_notes = io.convert_date_columns(cleaned)
    reading = [(c, r, v, h) for c, r, v, h in raw.attrs.get("reading_notes", [])]
    if raw.attrs.get("sheet_note"):
        reading.append(("（シート）", "", raw.attrs.get("sheet"), raw.attrs["sheet_note"]))
    if raw.attrs.get("code_row"):
        reading.append(("（見出し）", raw.attrs["code_row"], "項目コードの行",
                        f"{raw.attrs['code_row']}行目は項目コード（A1101 など）のため、その下の"
                        f"{raw.attrs['header_rows'][0]}行目を列名にしました"))
    if len(raw.attrs.get("header_rows", [])) > 1:
        rows = raw.attrs["header_rows"]
        reading.append(("（見出し）", f"{rows[0]}～{rows[-1]}", "複数行の見出し",
                        "上段と下段の見出しを「上段_下段」の形でつないで列名にしました"))
    excluded = []
    for item in io.find_non_data_rows(raw, cleaned):
        if item.kind == "total" and keep_totals:
            reading.append(("（行全体）", item.row, item.label,
                            f"{item.reason}ですが、指定により残しました（二重計上に注意）"))
            continue
        excluded.append({"row": item.row, "kind": item.kind, "label": item.label,
                         "reason": item.reason})
        hint = "。残すには --keep-totals を付けてください" if item.kind == "total" else ""
        reading.append(("（行全体）", item.row, item.label, f"{item.reason}として除外{hint}"))
    cleaned = cleaned.drop(index=[e["row"] for e in excluded])
    parts = [n for n in (notes, date_notes, pd.DataFrame(reading, columns=notes.columns))
             if not n.empty]
    notes = pd.concat(parts, ignore_index=True) if parts else notes
    if excluded:  # a note's cell notes ("数値に変換できません") are about a dropped row
        gone = {e["row"] for e in excluded}
        notes = notes[~(notes["行"].isin(gone) & ~notes["列"].astype(str).str.startswith("（"))]
    cleaned.attrs.update(raw.attrs)
    cleaned.attrs.pop("reading_notes", None)
    cleaned.attrs["excluded"] = excluded
    return cleaned, notes.reset_index(drop=True)


def _execute(info: TemplateInfo, work: Path, parameters: dict[str, Any]) -> None:
    import papermill
    from papermill.exceptions import PapermillExecutionError

    try:
        papermill.execute_notebook(
            str(info.path), str(work / "report.ipynb"), parameters=parameters,
            kernel_name="python3", cwd=str(work), progress_bar=False, log_output=False,
            language="python")
    except PapermillExecutionError as error:
        if error.ename in ("TemplateInputError", "DataFileError"):
            raise TemplateError(error.evalue) from None
        raise TemplateError(f"テンプレート「{info.name}」の実行中にエラーが起きました"
                            f"（{error.ename}: {error.evalue}）。データとパラメータを確認し、"
                            "解決しない場合は担当者に report.ipynb を添えて連絡してください"
                            ) from None


def _render_html(work: Path, title: str) -> None:
    from nbconvert import HTMLExporter

    nb = nbformat.read(work / "report.ipynb", as_version=4)
    nb.metadata["title"] = title  # the browser tab / file name shown when shared
    exporter = HTMLExporter(exclude_input=True, exclude_input_prompt=True,
                            exclude_output_prompt=True)
    body, _ = exporter.from_notebook_node(nb)
    body = body.replace('<html>', '<html lang="ja">', 1)
    (work / "report.html").write_text(body, encoding="utf-8")


def _publish(work: Path, out: Path) -> None:
    """Move the finished files into ``out``; the old report is replaced only now."""
    out.mkdir(parents=True, exist_ok=True)
    for name in OUTPUTS:
        (out / name).unlink(missing_ok=True)
    # result.json last: its presence marks a complete report.
    for name in OUTPUTS:
        shutil.move(str(work / name), str(out / name))


def analyse(name: str, data: str | Path, params: list[tuple[str, str]], *,
            sheet: str | None = None, header_row: int | None = None
            ) -> tuple[dict[str, Any], pd.DataFrame, pd.DataFrame, dict[str, Any]]:
    """Read DATA and run template NAME's analysis in this process, without a kernel.

    Returns (parameter values, data, notes, result).  ``run`` calls this first so bad
    input fails in a second; tests call it to check the numbers of a whole run.
    """
    info = get(name)
    values = _parse_parameters(info, params)
    try:
        if info.all_sheets:
            sheets = [s.strip() for s in sheet.split(",")] if sheet else None
            df, notes = load_sheets(data, sheets=sheets, header_row=header_row)
        else:
            df, notes = load_data(data, sheet=sheet, header_row=header_row)
        result = ANALYSES[name](df, **values)
    except (io.DataFileError, TemplateInputError) as error:
        raise TemplateError(str(error)) from None
    return values, df, notes, result


def run(name: str, data: str | Path, out: str | Path, params: list[tuple[str, str]],
        *, sheet: str | None = None, header_row: int | None = None) -> dict[str, Any]:
    """Run template NAME on DATA; write report.ipynb/.html and result.json into OUT."""
    info = get(name)
    values, df, notes, _ = analyse(name, data, params, sheet=sheet, header_row=header_row)
    out = Path(out).resolve()
    if out.exists() and not out.is_dir():
        raise TemplateError(f"--out {out} はファイルです。"
                            "レポートを入れるフォルダ名を指定してください")
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=f".{out.name}.", dir=out.parent) as tmp:
        work = Path(tmp)
        data_path = work / "data.pkl"
        with data_path.open("wb") as handle:
            pickle.dump({"data": df, "notes": notes, "source": Path(data).name,
                         "header_row": df.attrs.get("header_row"), "sheet": sheet}, handle)
        _execute(info, work, {**values, "data_path": str(data_path),
                              "result_path": str(work / "result.json")})
        if not (work / "result.json").is_file():
            raise TemplateError(f"テンプレート「{name}」が result.json を書きませんでした")
        _render_html(work, f"{info.title}（{Path(data).name}）")
        _publish(work, out)
    return json.loads((out / "result.json").read_text(encoding="utf-8"))
