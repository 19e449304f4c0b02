"""The last stage of the demo: the live measures snapshot, built once the records are all in.

On a running system the task worker keeps it (insight.tasks.refresh_snapshot); a freshly seeded
city has no worker yet, so the seed leaves it built and the first pages read it from disk. The
database's statistics are gathered first (ANALYZE), as a bulk load needs.
"""

from __future__ import annotations

from django.db import connection

from safehub.demo.context import DemoContext
from safehub.insight.selectors import measures_warm
from safehub.insight.snapshot import snapshot_refresh


def seed(ctx: DemoContext) -> str:
    # The planner's statistics after a bulk load: without them PostgreSQL chose nested loops over
    # 170,000 rows for lists a fresh region city asks for (a 60 s page before, 2 s after ANALYZE).
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    years: list[str] = []
    cached = snapshot_refresh(prepare=lambda built: years.extend(measures_warm(built, today=ctx.today)))
    return f"measures snapshot built in {cached.seconds:.1f} s; measures of {', '.join(years)} worked out"
