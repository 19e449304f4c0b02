"""The last stage of the demo: the live measures snapshot, built once the records are all in.

On a running system the task worker keeps it (insight.tasks.refresh_snapshot); a freshly seeded
city has no worker yet, so the seed leaves it built and the first pages read it from disk. The
database's statistics are gathered first (ANALYZE; on PostgreSQL VACUUM too), as a bulk load needs.
"""

from __future__ import annotations

from django.db import connection

from safehub.demo.context import DemoContext
from safehub.insight.selectors import measures_warm
from safehub.insight.snapshot import snapshot_refresh


def seed(ctx: DemoContext) -> str:
    # The planner's statistics after a bulk load: without them PostgreSQL chose nested loops over
    # 170,000 rows for lists a fresh region city asks for (a 60 s page before, 2 s after ANALYZE).
    # PostgreSQL also VACUUMs: it sets the visibility map, without which an index-only scan reads
    # the table's rows too (the transitions' "known to children's services" at scale 5: 306 ms
    # before, 94 ms after). Autovacuum would do both in time; a demo is served at once.
    with connection.cursor() as cursor:
        vacuum = connection.vendor == "postgresql" and not connection.in_atomic_block
        cursor.execute("VACUUM (ANALYZE)" if vacuum else "ANALYZE")
    years: list[str] = []
    cached = snapshot_refresh(prepare=lambda built: years.extend(measures_warm(built, today=ctx.today)))
    return f"measures snapshot built in {cached.seconds:.1f} s; measures of {', '.join(years)} worked out"
