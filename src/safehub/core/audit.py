"""Write audit rows. Called inside the caller's transaction, so a failed audit fails the action."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from django.db import connection, models, transaction
from django.utils import timezone

from safehub.core.actors import actor_username
from safehub.core.membership import membership_for_user
from safehub.core.models import AuditAction, AuditEvent


def _agency_id(actor) -> int | None:
    found = membership_for_user(actor) if actor is not None else None
    return found.agency_id if found else None


def record(
    *,
    actor,
    action: str,
    subject: models.Model | None = None,
    person_id: int | None = None,
    reason: str = "",
    at: datetime | None = None,
    details: dict[str, Any] | None = None,
    ip_address: str | None = None,
    flagged: bool = False,
    object_type: str = "",
    object_id: str = "",
) -> AuditEvent:
    """Append one audit row; must run inside the same transaction as the action it records."""
    if subject is not None:
        object_type = object_type or subject._meta.label
        object_id = object_id or str(subject.pk)
        if person_id is None:
            person_id = getattr(subject, "audit_person_id", None)
    actor_obj = actor if getattr(actor, "is_authenticated", False) else None
    event = AuditEvent(
        at=at or timezone.now(),
        actor=actor_obj,
        actor_username=actor_username(actor) or (details or {}).get("username", ""),
        agency_id=_agency_id(actor_obj),
        action=action,
        object_type=object_type,
        object_id=object_id,
        person_id=person_id,
        reason=reason,
        details=details or {},
        ip_address=ip_address,
        flagged=flagged,
    )
    # Joins the caller's transaction (no savepoint): if the audit row cannot be written, the error
    # propagates and the action it records rolls back with it (fail closed).
    with transaction.atomic(savepoint=False):
        event.save(force_insert=True)
    if action == AuditAction.VIEW and person_id is not None and actor_obj is not None:
        from safehub.core.alerts import check_bulk_read

        check_bulk_read(user=actor_obj, now=event.at)
    return event


def record_list(
    *,
    actor,
    person_ids,
    at: datetime,
    view: str,
    object_type: str = "people.Person",
    reason: str = "",
    action: str = AuditAction.VIEW,
) -> int:
    """Append one audit row per distinct person shown on a list, lookup, export or API page.

    Lists are reads too (CONVENTIONS 18): a person named on a queue, a drill-down or a CSV is a
    person whose data was read, so the bulk-read alert must count them exactly as it counts an
    opened record. Rows go in with one ``bulk_create`` inside the caller's transaction; ``view``
    names the list so the access log can say where the person was seen. Returns the row count.
    """
    ids = sorted({int(pid) for pid in person_ids if pid is not None})
    actor_obj = actor if getattr(actor, "is_authenticated", False) else None
    if not ids:
        return 0
    agency_id = _agency_id(actor_obj)
    username = actor_username(actor)
    with transaction.atomic(savepoint=False):
        _insert_rows(
            ids,
            at=at,
            actor_id=actor_obj.pk if actor_obj is not None else None,
            username=username,
            agency_id=agency_id,
            action=action,
            object_type=object_type,
            reason=reason,
            details={"list": view},
        )
    if action == AuditAction.VIEW and actor_obj is not None:
        from safehub.core.alerts import check_bulk_read

        check_bulk_read(user=actor_obj, now=at)
    return len(ids)


def _insert_rows(
    ids: list[int],
    *,
    at: datetime,
    actor_id,
    username: str,
    agency_id,
    action: str,
    object_type: str,
    reason: str,
    details: dict,
) -> None:
    """One INSERT ... SELECT for all the list's rows, the person ids sent as one parameter.

    Building a model instance per row was 1.2 s of a 3 s police timeliness export (about 10,000
    people at city scale); the row values are the same but for the person, so the database makes
    the rows from the id list (``json_each`` on SQLite, ``unnest`` on PostgreSQL).
    """
    table = AuditEvent._meta.db_table
    values: list[Any] = [connection.ops.adapt_datetimefield_value(at), actor_id, username, agency_id, action, object_type,
              reason, json.dumps(details)]  # fmt: skip
    if connection.vendor == "postgresql":
        source, person, as_json = "unnest(%s::bigint[]) AS p(id)", "p.id", "%s::jsonb"
        params: list[Any] = [ids]
    else:
        source, person, as_json = "json_each(%s)", "value", "%s"
        params = [json.dumps(ids)]
    # Table and column names are this module's own; every value is a bound parameter.
    columns = (
        "at, actor_id, actor_username, agency_id, action, object_type, object_id, person_id, reason, details, flagged"
    )
    sql = (
        f"INSERT INTO {table} ({columns}) "  # noqa: S608
        f"SELECT %s, %s, %s, %s, %s, %s, CAST({person} AS TEXT), {person}, %s, "
        f"{as_json}, FALSE FROM {source}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*values, *params])
