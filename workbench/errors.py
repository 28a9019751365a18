"""One error base for everything a user can get wrong.

Every failure that a learner, instructor or policy team can fix themselves raises a
subclass of :class:`WorkbenchError` whose message is Japanese and names what is wrong and
how to fix it. The CLI catches this one base, prints the message and exits 2; anything
else is a bug and keeps its traceback.
"""

from __future__ import annotations


class WorkbenchError(Exception):
    """A problem the user can fix; ``str(error)`` is the Japanese message to show."""

    #: Printed after the message by the CLI (e.g. that no report was written).
    epilogue: str = ""
