"""The box a learner sees above a traceback: 何が起きたか / よくある原因 / 直し方.

Rendering only; which errors get a box, and the words in it, are in ``learner_errors``.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from workbench.learner_errors import Explanation

TITLE = "エラーの説明"
FOOTER = {
    "エラー": "元のエラーメッセージはこの下です（いちばん下の行から読みましょう）。",
    "警告": "元の警告メッセージはこの下です。",
}
STYLE = (
    "border-left:6px solid #d9a400;background:#fff8dc;color:#222;padding:8px 12px;"
    "margin:4px 0;font-size:14px;line-height:1.6"
)


def as_text(explanation: Explanation) -> str:
    return (
        f"💡 {TITLE}\n何が起きたか: {explanation.what}\nよくある原因: {explanation.cause}\n"
        f"直し方: {explanation.fix}\n{FOOTER[explanation.kind]}"
    )


def as_html(explanation: Explanation) -> str:
    rows = (
        ("何が起きたか", explanation.what),
        ("よくある原因", explanation.cause),
        ("直し方", explanation.fix),
    )
    body = "".join(f"<div><b>{label}</b>: {html.escape(text)}</div>" for label, text in rows)
    return (
        f'<div class="workbench-learner-error" style="{STYLE}"><div><b>💡 {TITLE}</b></div>'
        f'{body}<div style="color:#555">{FOOTER[explanation.kind]}</div></div>'
    )


def show(explanation: Explanation) -> None:
    from IPython.display import display

    bundle = {"text/plain": as_text(explanation), "text/html": as_html(explanation)}
    display(bundle, raw=True)
