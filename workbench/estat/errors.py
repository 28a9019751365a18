"""What can go wrong with e-Stat, each a WorkbenchError with a Japanese fix."""

from __future__ import annotations

from workbench.errors import WorkbenchError

APP_ID_ENV = "ESTAT_APP_ID"


class EstatError(WorkbenchError):
    """Any e-Stat problem the user can act on."""

    def __init__(self, message: str, *, status: int | None = None, service_message: str = ""):
        super().__init__(message)
        self.status = status
        self.service_message = service_message


class EstatAppIdMissing(EstatError):
    """No appId was given and ESTAT_APP_ID is not set."""

    def __init__(self) -> None:
        super().__init__(
            "e-Stat のアプリケーションID（appId）がありません。e-Stat にユーザー登録して"
            "マイページで appId を発行し、環境変数 ESTAT_APP_ID に入れてから実行してください"
            "（例: ターミナルで export ESTAT_APP_ID=発行されたID）。"
            "appId はパスワードと同じ扱いです。"
            "共有するノートブックやファイルに直接書かないでください。"
        )


class EstatAuthError(EstatError):
    """RESULT.STATUS 100: the service rejected the appId."""


class EstatParameterError(EstatError):
    """A parameter is wrong (checked before sending, or RESULT.STATUS 101-998)."""


class EstatNoData(EstatError):
    """RESULT.STATUS 1: the request was valid but nothing matched."""


class EstatServiceError(EstatError):
    """RESULT.STATUS 999, or HTTP 5xx that persisted through the retries."""


class EstatNetworkError(EstatError):
    """The service could not be reached (no network, DNS, timeout after retries)."""


def error_for_status(status: int, service_message: str, endpoint: str) -> EstatError:
    """The WorkbenchError for a non-normal RESULT.STATUS, message in Japanese."""
    said = f"（e-Stat の応答: STATUS {status}「{service_message}」）"
    if status == 1:
        return EstatNoData(
            f"{endpoint} の条件に当てはまるデータがありませんでした{said}。"
            "cdArea・cdTime・cdCat01 などのコードが getMetaInfo（メタ情報）のコードと"
            "同じか確かめてください（先頭の0を落としていないか、年は 2020000000 の形か）。",
            status=status,
            service_message=service_message,
        )
    if status == 100:
        return EstatAuthError(
            f"e-Stat がアプリケーションID（appId）を受け付けませんでした{said}。"
            f"環境変数 {APP_ID_ENV} の appId がマイページで発行したものと同じか、"
            "前後に空白が入っていないか確かめてください。",
            status=status,
            service_message=service_message,
        )
    if status >= 999:
        return EstatServiceError(
            f"e-Stat 側でエラーが起きました{said}。時間をおいてもう一度実行してください。",
            status=status,
            service_message=service_message,
        )
    return EstatParameterError(
        f"{endpoint} のパラメータに誤りがあります{said}。"
        "パラメータ名の大文字・小文字、statsDataId（10桁）、コードの書き方を"
        "e-Stat の API 仕様（3. APIパラメータ）と照らし合わせてください。",
        status=status,
        service_message=service_message,
    )
