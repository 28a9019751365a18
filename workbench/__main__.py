"""``python -m workbench`` and the installed ``workbench`` command."""

import gc

from workbench.cli import main


def run() -> None:
    code = main()
    # The process ends here.  Its shutdown would otherwise run a full garbage collection
    # over every object the command imported (pandas, scipy, matplotlib, nbconvert, …):
    # ≈0.5 s of CPU after a `template run`, a quarter of a bare pandas + scipy script's
    # whole run (issue 16).  Frozen objects are skipped by that collection (the operating
    # system takes the memory back); every file is already written and closed, and atexit
    # handlers still run.
    gc.freeze()
    raise SystemExit(code)


if __name__ == "__main__":
    run()
