"""Background work yields the processor to people's pages.

The task worker (``safehub db_worker``) runs beside the web server on the same machine: the
measures snapshot rebuild (every few minutes while pages are read), report builds, imports, roll
matching and return checks. Those use every core they are given (DuckDB runs a thread per core),
so on a 2-core machine a rebuild made the pages served beside it five to ten times slower
(``/adults/`` for the adults social worker: 1.2 s during a rebuild, 0.1-0.4 s otherwise, at
scale 0.3 on SQLite). Nobody waits on a background task the way they wait on a page, so the
worker lowers its own scheduling priority when it starts its first task: the pages get the cores
first and the tasks take what is left, which on an ordinary day is most of them.

Only a worker that takes tasks from a queue is lowered (a backend that ``supports_defer``); the
immediate backend runs a task inside the caller (tests, a command), whose priority is its own.
"""

from __future__ import annotations

import contextlib
import os

BACKGROUND_NICENESS = 10


def lower_priority(sender=None, **kwargs) -> bool:
    """``task_started`` receiver: put this process at ``BACKGROUND_NICENESS`` once; True if changed."""
    if not getattr(sender, "supports_defer", False):
        return False
    with contextlib.suppress(OSError, AttributeError):  # not permitted, or no such call on this system
        current = os.getpriority(os.PRIO_PROCESS, 0)
        if current < BACKGROUND_NICENESS:
            os.setpriority(os.PRIO_PROCESS, 0, BACKGROUND_NICENESS)
            return True
    return False
