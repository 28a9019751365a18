"""全国地方公共団体コード: 5 digits (2 for the prefecture, 3 for the municipality) and a
check digit. 総務省's rule: weigh the five digits by 6, 5, 4, 3, 2, add, take the
remainder r of dividing by 11; the check digit is the last digit of 11 − r (r = 0 gives
1, r = 1 gives 0). Examples from the published code list: 13101 千代田区 → 131016,
01100 札幌市 → 011002, 33000 岡山県 → 330001, 42000 長崎県 → 420000.
"""

from __future__ import annotations

from workbench.errors import WorkbenchError


class LocalGovernmentCodeError(WorkbenchError, ValueError):
    pass


def check_digit(code5: str) -> str:
    """The check digit of a 5-digit code given as text ("01100", not 1100)."""
    if not (isinstance(code5, str) and len(code5) == 5 and code5.isdigit()):
        raise LocalGovernmentCodeError(
            f"団体コード {code5!r} は5桁の数字の文字列で指定してください"
            "（先頭の0を落とさないよう、数値ではなく文字列で。例: '01100'）"
        )
    total = sum(int(d) * w for d, w in zip(code5, (6, 5, 4, 3, 2), strict=True))
    return str((11 - total % 11) % 10)


def with_check_digit(code5: str) -> str:
    """The 6-digit 全国地方公共団体コード: 13101 → 131016."""
    return code5 + check_digit(code5)


def is_valid(code6: str) -> bool:
    """Whether a 6-digit code's last digit is its check digit (catches typos)."""
    return (
        isinstance(code6, str)
        and len(code6) == 6
        and code6.isdigit()
        and check_digit(code6[:5]) == code6[5]
    )
