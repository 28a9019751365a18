"""One warm kernel per app session, so a second analysis does not start Python again.

``templates.run`` executes the template notebook with papermill in this kernel (the
executed notebook is still recorded as report.ipynb).  Before each run the kernel's
variables are cleared (``%reset -f``), so no run sees another's data; the imported
modules stay, which is what makes the second run fast.
"""

from __future__ import annotations

import atexit
import threading
from pathlib import Path

#: Imported once when the kernel starts: what every template notebook imports.
WARM_UP = (
    "import matplotlib.pyplot, numpy, pandas, scipy.stats, statsmodels.api\n"
    "from workbench import plotting\n"
    "from workbench.templates import analyses, report\n"
    "plotting.setup()"
)


class WarmKernel:
    """A python3 kernel started in the background; ``manager()`` waits until it is ready."""

    def __init__(self, cwd: Path) -> None:
        self._cwd = cwd
        self._km = None
        self._error: BaseException | None = None
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._start, daemon=True)
        self._thread.start()

    def _start(self) -> None:
        try:
            from jupyter_client.manager import KernelManager

            km = KernelManager(kernel_name="python3")
            km.start_kernel(cwd=str(self._cwd))
            atexit.register(km.shutdown_kernel, now=True)
            client = km.client()
            client.start_channels()
            try:
                client.wait_for_ready(timeout=120)
                client.execute_interactive(WARM_UP, timeout=120)
            finally:
                client.stop_channels()
            self._km = km
        except BaseException as error:  # reported when a run asks for the kernel
            self._error = error
        finally:
            self._ready.set()

    def manager(self, timeout: float = 180):
        """The started KernelManager with clean variables, or None if it could not start
        (the run then starts its own kernel, slower but correct)."""
        self._ready.wait(timeout)
        if self._km is None or not self._km.is_alive():
            return None
        client = self._km.client()
        client.start_channels()
        try:
            client.execute_interactive("%reset -f", timeout=30)
        finally:
            client.stop_channels()
        return self._km

    def shutdown(self) -> None:
        if self._km is not None:
            self._km.shutdown_kernel(now=True)
            self._km = None
