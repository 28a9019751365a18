"""e-Stat (政府統計の総合窓口) API 3.0: a small client and an offline replay of it.

- :class:`EstatClient` (client.py): getStatsList / getMetaInfo / getStatsData with the
  appId from ``$ESTAT_APP_ID``, retries, NEXT_KEY paging and an on-disk cache;
  ``stats_data_frame`` gives a tidy table (workbench.io.estat).
- spec.py: what the published specification fixes (URLs, parameter names, STATUS).
- errors.py: every failure as a WorkbenchError with a Japanese message.
- replay.py: a local HTTP server answering with ``recorded/`` (no internet needed).
- codes.py: 全国地方公共団体コード and its check digit.
"""

from workbench.estat.client import EstatClient
from workbench.estat.errors import (
    EstatAppIdMissing,
    EstatAuthError,
    EstatError,
    EstatNetworkError,
    EstatNoData,
    EstatParameterError,
    EstatServiceError,
)

__all__ = [
    "EstatClient",
    "EstatError",
    "EstatAppIdMissing",
    "EstatAuthError",
    "EstatNetworkError",
    "EstatNoData",
    "EstatParameterError",
    "EstatServiceError",
]
