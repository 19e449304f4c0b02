"""The last demo stage: deduplicate the register with the real engine, filling the review queue."""

from __future__ import annotations

from safehub.core.demo import DemoContext
from safehub.people.merging import register_dedupe
from safehub.people.models import DuplicateCandidate, Merge


def seed(ctx: DemoContext) -> str:
    if Merge.objects.exists() or DuplicateCandidate.objects.exists():
        return "already done"
    summary = register_dedupe(now=ctx.now)
    return (
        f"{summary['records']:,} people matched; {summary['merged']:,} merged automatically; "
        f"{summary['queued']:,} pairs for clerical review"
    )
