"""Why a submission could not be graded normally, in words instructors and learners read."""

from __future__ import annotations

from enum import StrEnum


class Fault(StrEnum):
    """Fault codes recorded per submission (stable strings; stored in the ledger)."""

    TIMEOUT = "timeout"
    MEMORY = "memory"
    KERNEL_DIED = "kernel_died"
    MALFORMED = "malformed"
    OUTPUT_LIMIT = "output_limit"
    TAMPERING = "tampering"
    INTERNAL = "internal"
    REFUSED_FILE = "refused_file"

    @property
    def label(self) -> str:
        return LABELS[self]


LABELS = {
    Fault.TIMEOUT: "タイムアウト",
    Fault.MEMORY: "メモリ上限",
    Fault.KERNEL_DIED: "カーネル停止",
    Fault.MALFORMED: "破損ファイル",
    Fault.OUTPUT_LIMIT: "出力上限",
    Fault.TAMPERING: "改ざん検出",
    Fault.INTERNAL: "採点システムのエラー",
    Fault.REFUSED_FILE: "受け付けないファイル",
}

EXPLANATIONS = {
    Fault.TIMEOUT: "実行時間の上限を超えたため打ち切りました（無限ループなどを確認してください）。",
    Fault.MEMORY: "メモリ使用量の上限を超えました（巨大な配列やリストを作っていませんか）。",
    Fault.KERNEL_DIED: "実行中にカーネルが停止しました（os._exit やクラッシュなど）。",
    Fault.MALFORMED: "提出ファイルがノートブックとして読み込めませんでした（壊れています）。",
    Fault.OUTPUT_LIMIT: "出力が上限を超えたため、超えた部分を省略しました。",
    Fault.TAMPERING: "テストが使う関数の書き換えを検出したため、そのテストは0点です。",
    Fault.INTERNAL: "採点システム側でエラーが起きました。次の採点で採点し直します。",
    Fault.REFUSED_FILE: "提出フォルダのリンク（ショートカット）や特殊ファイルは受け付けません。"
    "データはファイルそのものを提出してください。",
}
