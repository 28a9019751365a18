"""After a real ``workbench grade`` run with an endless loop: the summary names the
learner, feedback names the exercise that timed out, and shows the learner's own work."""

from __future__ import annotations

import nbformat
import pytest
from harness import answered, make_course, nbgrader, notebook_holding, submit

from workbench.grading import feedback
from workbench.grading.executor import Limits
from workbench.grading.pipeline import Options, grade

pytestmark = pytest.mark.slow

UNIT = "01_excel_basics"
# The part of unit 01 that holds exercises 1-3 (found by content, not by name).
NB = notebook_holding(UNIT, "ex2").name
LIMITS = Limits(cell_timeout=3, notebook_timeout=60, memory_mb=1024, output_bytes=1_000_000)
JAPANESE_COLUMN = (
    'usage["処理時間_分"] = 1.5\nreject, p, _, _ = (True, 0.03, 0, 0)\nprint("p =", p)'
)


def test_timeout_is_named_and_own_work_is_shown(tmp_path):
    root = make_course(tmp_path)
    nbgrader(root, "generate_assignment", UNIT, "--force")
    source = nbformat.read(root.parent / "courses" / UNIT / NB, as_version=4)
    release = nbformat.read(root / "release" / UNIT / NB, as_version=4)
    solution = answered(release, source)
    ex1 = next(c for c in solution.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "ex1")
    loop = answered(release, source, {"ex1": ex1.source + "\n" + JAPANESE_COLUMN,
                                      "ex2": "while True:\n    pass"})  # fmt: skip
    submit(root, "u_loop", UNIT, NB, loop)
    summary = grade(UNIT, root, Options(workers=1, progress=False, limits=LIMITS))
    assert "  u_loop: タイムアウト" in summary.lines()

    feedback.generate(UNIT, None, root)
    page_path = root / "feedback" / "u_loop" / UNIT / NB.replace(".ipynb", ".html")
    page = page_path.read_text(encoding="utf-8")
    assert "タイムアウトが起きた演習: 演習2（2点）: 図書館の利用者数トップ5" in page
    assert "p = 0.03" in page  # the learner's own output, despite 処理時間_分 and `_`
    assert "CellTimeout" in page  # the learner sees where the loop was stopped
    ex2 = page.split("演習2（2点）")[-1].split("演習3（3点）")[0]
    assert "変数 top_libraries がまだありません" not in ex2
    assert "採点時の問題（タイムアウト）" in ex2
