"""People's part of the security review page (found by ``core.registry``): break-glass access."""

from __future__ import annotations

from safehub.people.selectors import break_glass_for_review


def security_review(*, user) -> dict:
    """The break-glass grants to review, newest unreviewed first (refused unless ``security.review``)."""
    return {"grants": list(break_glass_for_review(user=user)[:200])}
