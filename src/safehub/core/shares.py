"""An agency reads something shared with it: the one receipt rule for every kind of share.

Strategy records, case outcomes and front-door outcomes are shared with named agencies. Only a
member of that agency may open one; the first read sets the receipt (``read_at``, ``read_by``) and
every read is audited in the caller's transaction.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied

from safehub.core import audit
from safehub.core.membership import membership_for_user
from safehub.core.models import AuditAction


def share_read(share: Any, *, by, now: datetime, refusal: str, person_id: int | None = None, details: dict) -> Any:
    """Record that ``by`` read ``share`` (a model with ``agency_id``, ``read_at`` and ``read_by``).

    Raises ``PermissionDenied(refusal)`` for anyone outside the agency the share was made to.
    """
    membership = membership_for_user(by)
    if membership is None or membership.agency_id != share.agency_id:
        raise PermissionDenied(refusal)
    if share.read_at is None:
        share.read_at, share.read_by = now, by
        share.save(update_fields=["read_at", "read_by"])
    audit.record(actor=by, action=AuditAction.VIEW, subject=share, person_id=person_id, at=now, details=details)
    return share
