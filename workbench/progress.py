"""A learner's progress: which units are answered, checked, submitted and scored.

Reads only what a learner can read, with nbgrader's own code where nbgrader keeps the
record: the notebooks in the workspace (answers, and the saved outputs of the ✅/❌ check
cells), the exchange's released units, the learner's submission cache, and feedback
fetched with the Assignment List. Nothing here needs the instructor's gradebook, so the
same page works on one PC and on JupyterHub.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass
from datetime import UTC
from pathlib import Path

import nbformat

from workbench.checks import NG, OK

#: What nbgrader leaves in an unanswered cell (ours first, nbgrader's defaults after).
CODE_STUB_MARKERS = ("raise NotImplementedError",)
TEXT_STUBS = ("ここに回答を書いてください。", "YOUR ANSWER HERE")
#: The score line nbgrader's feedback template writes for each notebook.
# nbgrader's own feedback writes the score into a heading; `workbench feedback` writes it
# as a machine-readable marker in the page head (feedback_page.py).
FEEDBACK_SCORES = (
    re.compile(r'<meta name="workbench-score" content="([\d.]+) / ([\d.]+)">'),
    re.compile(r"<h4>[^<]*\(Score: ([\d.]+) / ([\d.]+)\)</h4>"),
)


@dataclass
class UnitProgress:
    unit: str
    title: str = ""
    fetched: bool = False
    exercises: int = 0
    answered: int = 0
    checks: int = 0
    checks_passed: int = 0
    submissions: int = 0
    last_submitted: str | None = None
    feedback_ready: bool = False
    score: float | None = None
    max_score: float | None = None

    @property
    def status(self) -> str:
        if self.score is not None:
            return "採点済み"
        if self.submissions:
            return "提出済み（採点待ち）" if not self.feedback_ready else "フィードバックあり"
        if not self.fetched:
            return "未取得"
        if self.answered == 0:
            return "未着手"
        if self.answered < self.exercises:
            return "取り組み中"
        return "全問回答（未提出）"


# --- nbgrader's configuration and exchange, as the learner's JupyterLab sees them ------


def nbgrader_config(cwd: Path | None = None):
    """The learner's nbgrader config: Jupyter config path first, the working folder last.

    This is the order nbgrader's Assignment List uses, so the page and the list agree.
    """
    from workbench import nbgrader_config as loader

    return loader.load(*loader.learner_search_path(cwd))


def _lister(config, cached: bool):
    """nbgrader's ExchangeList: released units, or (cached) this learner's submissions."""
    from nbgrader.auth import Authenticator
    from nbgrader.coursedir import CourseDirectory
    from nbgrader.exchange import ExchangeFactory

    config = copy.deepcopy(config)
    config.ExchangeList.cached = cached
    return ExchangeFactory(config=config).List(
        coursedir=CourseDirectory(config=config),
        authenticator=Authenticator(config=config),
        config=config,
    )


def _listed(lister) -> list[dict]:
    from nbgrader.exchange import ExchangeError

    try:
        return lister.start()
    except ExchangeError:
        return []  # no exchange reachable: show what the workspace says


# --- reading notebooks --------------------------------------------------------------------


def _nbgrader(cell) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


def _is_stub(cell, released_source: str | None) -> bool:
    if released_source is not None:
        return cell.source.strip() == released_source.strip()
    if cell.cell_type == "code":
        return any(marker in cell.source for marker in CODE_STUB_MARKERS)
    return cell.source.strip() in TEXT_STUBS


def _check_passed(cell) -> bool:
    """A check cell passed if it ran, raised nothing and printed ✅ without ❌."""
    if cell.get("execution_count") is None:
        return False
    text = []
    for output in cell.get("outputs", []):
        if output.output_type == "error":
            return False
        text.append(output.get("text", "") or "")
    joined = "".join(text)
    return OK in joined and NG not in joined


def _title(notebook) -> str:
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    return ""


def notebook_counts(path: Path, released: Path | None = None) -> dict[str, int]:
    """Exercises, answered exercises, check cells and passed check cells of one notebook."""
    notebook = nbformat.read(path, as_version=4)
    originals = {}
    if released is not None and released.is_file():
        for cell in nbformat.read(released, as_version=4).cells:
            if "grade_id" in _nbgrader(cell):
                originals[_nbgrader(cell)["grade_id"]] = cell.source
    counts = {"exercises": 0, "answered": 0, "checks": 0, "checks_passed": 0}
    for cell in notebook.cells:
        meta = _nbgrader(cell)
        if meta.get("solution"):
            counts["exercises"] += 1
            released_source = originals.get(meta.get("grade_id")) if originals else None
            counts["answered"] += not _is_stub(cell, released_source)
        elif meta.get("grade") and cell.cell_type == "code":
            counts["checks"] += 1
            counts["checks_passed"] += _check_passed(cell)
    return counts


def feedback_score(folder: Path) -> tuple[float, float] | None:
    """Total score and maximum from nbgrader's feedback HTML files in ``folder``."""
    totals = [0.0, 0.0]
    found = False
    for page in sorted(folder.glob("*.html")):
        text = page.read_text(encoding="utf-8", errors="replace")
        match = next(filter(None, (pattern.search(text) for pattern in FEEDBACK_SCORES)), None)
        if match:
            found = True
            totals[0] += float(match.group(1))
            totals[1] += float(match.group(2))
    return (totals[0], totals[1]) if found else None


def local_time(timestamp: str) -> str:
    """nbgrader's UTC timestamp in this computer's time zone, to the minute."""
    from nbgrader.utils import parse_utc

    try:
        utc = parse_utc(timestamp).replace(tzinfo=UTC)  # nbgrader returns naive UTC
        return utc.astimezone().strftime("%Y-%m-%d %H:%M")
    except (ValueError, TypeError):
        return timestamp


# --- putting it together ------------------------------------------------------------------


def collect(workspace: Path | None = None) -> list[UnitProgress]:
    """Progress of every unit released to this learner (or found in the workspace).

    ``workspace`` is where the learner's JupyterLab runs (the kernel's working folder by
    default); fetched units are where nbgrader's settings put them: ``UNIT`` or
    ``COURSE/UNIT`` under ``Exchange.assignment_dir``.
    """
    workspace = Path(workspace or Path.cwd())
    config = nbgrader_config(workspace)
    released_list = _lister(config, cached=False)
    base = Path(released_list.assignment_dir)
    base = base if base.is_absolute() else workspace / base
    units: dict[tuple[str, str], UnitProgress] = {}
    folders: dict[tuple[str, str], Path] = {}
    released_dirs: dict[tuple[str, str], Path] = {}

    for info in _listed(released_list):
        key = (info["course_id"], info["assignment_id"])
        units[key] = UnitProgress(info["assignment_id"], fetched=info["status"] == "fetched")
        released_dirs[key] = Path(released_list.root) / key[0] / "outbound" / key[1]
        if released_list.path_includes_course:
            folders[key] = base / key[0] / key[1]
        else:
            folders[key] = base / key[1]
    if not units and base.is_dir():  # no exchange: the units copied into the workspace
        for folder in sorted(base.iterdir()):
            if folder.is_dir() and re.match(r"^\d{2}_", folder.name):
                key = ("", folder.name)
                units[key] = UnitProgress(folder.name, fetched=True)
                folders[key] = folder

    for key, unit in units.items():
        released = released_dirs.get(key)
        released = released if released is not None and released.is_dir() else None
        for path in sorted(folders[key].glob("*.ipynb")) if unit.fetched else []:
            if released is not None and not (released / path.name).is_file():
                continue  # the learner's own scratch notebooks are not exercises
            counts = notebook_counts(path, released / path.name if released else None)
            for name, value in counts.items():
                setattr(unit, name, getattr(unit, name) + value)
            unit.title = unit.title or _title(nbformat.read(path, as_version=4))

    for info in _listed(_lister(config, cached=True)):
        unit = units.get((info["course_id"], info["assignment_id"]))
        if unit is None or not info.get("submissions"):
            continue
        submissions = sorted(info["submissions"], key=lambda s: s["timestamp"])
        unit.submissions = len(submissions)
        unit.last_submitted = local_time(submissions[-1]["timestamp"])
        unit.feedback_ready = any(s.get("has_exchange_feedback") for s in submissions)
        for submission in reversed(submissions):  # the newest graded submission counts
            local = submission.get("local_feedback_path")
            scored = feedback_score(Path(local)) if local else None
            if scored:
                unit.score, unit.max_score = scored
                break
    return [units[key] for key in sorted(units)]


def table(rows: list[UnitProgress]):
    """The progress as a DataFrame with Japanese column names (one row per unit)."""
    import pandas as pd

    def score(row: UnitProgress) -> str:
        if row.score is None:
            return "―"
        return f"{row.score:g} / {row.max_score:g} 点"

    return pd.DataFrame(
        {
            "単元": [r.unit for r in rows],
            "タイトル": [r.title for r in rows],
            "状況": [r.status for r in rows],
            "回答した演習": [f"{r.answered} / {r.exercises}" for r in rows],
            "✅の確認セル": [f"{r.checks_passed} / {r.checks}" for r in rows],
            "提出回数": [r.submissions for r in rows],
            "最後の提出": [r.last_submitted or "―" for r in rows],
            "得点": [score(r) for r in rows],
        }
    ).set_index("単元")


def advice(rows: list[UnitProgress]) -> list[str]:
    """One Japanese next step per unit that still needs something."""
    tips = []
    for row in rows:
        if row.status == "未取得":
            tips.append(f"{row.unit}: Assignment List の「Fetch」で取得しましょう。")
        elif row.status in ("未着手", "取り組み中"):
            left = row.exercises - row.answered
            tips.append(f"{row.unit}: 残り {left} 問です。")
        elif row.status == "全問回答（未提出）":
            tips.append(
                f"{row.unit}: Validate で確認してから Assignment List で Submit しましょう。"
            )
        elif row.status == "フィードバックあり":
            tips.append(
                f"{row.unit}: Assignment List の「Fetch Feedback」で採点結果を受け取れます。"
            )
    return tips


def show(workspace: Path | None = None) -> None:
    """Display the progress table and the next steps in a notebook."""
    from IPython.display import Markdown, display

    rows = collect(workspace)
    if not rows:
        display(Markdown("配布された単元がまだありません。講師からの案内を待ってください。"))
        return
    frame = table(rows)
    display(frame)
    tips = advice(rows)
    if tips:
        display(Markdown("**次にやること**\n\n" + "\n".join(f"- {tip}" for tip in tips)))
