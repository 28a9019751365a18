"""Where notebooks execute: warm processes on this machine, or a Dask cluster."""

from __future__ import annotations

import concurrent.futures
import threading
from collections.abc import Iterator

from workbench.grading.warm import WarmProcess, run_in_worker_process


class LocalBackend:
    """``workers`` warm processes; each thread owns one and feeds it jobs in turn."""

    def __init__(
        self, workers: int, figures: bool = False, preload: tuple[str, ...] = (), *settings
    ):
        self.workers = workers
        self.figures = figures
        self.preload = preload
        self.settings = settings  # (sandbox, disabled defences), passed to WarmProcess
        self.local = threading.local()
        self.processes: list[WarmProcess] = []
        self.pool = concurrent.futures.ThreadPoolExecutor(workers, thread_name_prefix="grader")

    def _process(self) -> WarmProcess:
        if not hasattr(self.local, "process"):
            self.local.process = WarmProcess(self.figures, self.preload, *self.settings)
            self.processes.append(self.local.process)
        return self.local.process

    def submit(self, job: dict) -> concurrent.futures.Future:
        return self.pool.submit(lambda: self._process().run(job))

    @staticmethod
    def completed(futures) -> Iterator:
        done, _ = concurrent.futures.wait(futures, return_when=concurrent.futures.FIRST_COMPLETED)
        return iter(done)

    def close(self) -> None:
        self.pool.shutdown(wait=True)
        for process in self.processes:
            process.close()


class DaskBackend:
    """Jobs go to a Dask distributed scheduler; each worker process keeps a warm process."""

    def __init__(
        self, address: str, figures: bool = False, preload: tuple[str, ...] = (), *settings
    ):
        from distributed import Client

        self.client = Client(address)
        self.figures = figures
        self.preload = preload
        self.settings = settings
        self.workers = max(1, sum(self.client.nthreads().values()))

    def submit(self, job: dict):
        return self.client.submit(
            run_in_worker_process, job, self.figures, self.preload, *self.settings, pure=False
        )

    @staticmethod
    def completed(futures) -> Iterator:
        from distributed import wait

        done, _ = wait(list(futures), return_when="FIRST_COMPLETED")
        return iter(done)

    def close(self) -> None:
        self.client.close()
