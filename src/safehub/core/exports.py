"""Exports too large to write while a page waits: asked for on a page, prepared by the task worker.

A quarter's police contacts at region scale is 80,000 rows, and the CP-IS file as many children:
written in the request, the download took seconds and, for a year, would outlive the web server's
30-second worker timeout. So a page asks (a POST, ``export_request``), the task worker prepares
the file as the user who asked (``export_prepare``), and the asker downloads it from the export's
page (``export_for_download``).

- **One access rule.** The builder runs with the asker as the user: it applies the same rule and
  permission checks as the page, at the time the file is made. Someone who has lost the
  permission in between gets a failed export, not a file.
- **Audited in the same transaction.** Every person in the file is recorded as exported
  (``audit.record_list``) in the transaction that reads them and stores the file. Each download is
  recorded too.
- **Kept briefly, for the asker alone.** The file stays in the database (no copy of personal data
  in a server folder) for ``SAFEHUB_EXPORT_KEEP_HOURS`` hours (default 24). Then it is removed: by the
  next export anyone asks for, or by ``exports_prune``. Nobody else may open or download it.

Apps register their exports from ``AppConfig.ready()`` with ``register``. Core does not import them.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from safehub.core import audit
from safehub.core.exports_models import ExportStatus, PreparedExport
from safehub.core.models import AuditAction

log = logging.getLogger(__name__)


@dataclass
class ExportFile:
    """What a builder returns: the file, and the people whose data it holds (audited as exported)."""

    file_name: str
    content: str
    rows: int
    person_ids: list[int]
    content_type: str = "text/csv; charset=utf-8"
    notes: list[str] = field(default_factory=list)


Builder = Callable[..., ExportFile]  # builder(*, user, parameters: dict, now: datetime) -> ExportFile


@dataclass(frozen=True)
class ExportKind:
    title: str
    builder: Builder
    permission: str  # checked when asked for and again when prepared (the builder checks its own too)
    back_url: Callable[[dict], str]


_kinds: dict[str, ExportKind] = {}


class ExportRefused(Exception):
    """The export cannot be asked for, prepared or downloaded (the message says why, plainly)."""


def register(kind: str, *, title: str, builder: Builder, permission: str, back_url: Callable[[dict], str]) -> None:
    """Register an export (call from ``AppConfig.ready``); ``title`` names it on its page and in the audit."""
    if kind in _kinds and _kinds[kind].builder is not builder:
        raise ValueError(f"export {kind!r} is already registered")
    _kinds[kind] = ExportKind(title=title, builder=builder, permission=permission, back_url=back_url)


def kind_of(export: PreparedExport) -> ExportKind:
    try:
        return _kinds[export.kind]
    except KeyError as exc:
        raise ExportRefused(f"unknown export {export.kind!r}") from exc


def keep_hours() -> int:
    return int(getattr(settings, "SAFEHUB_EXPORT_KEEP_HOURS", 24))


def exports_prune(*, now: datetime) -> int:
    """Remove expired exports, file and all; return how many."""
    removed, _ = PreparedExport.objects.filter(expires_at__lte=now).delete()
    return removed


def export_request(*, user, kind: str, parameters: dict, now: datetime) -> PreparedExport:
    """Ask for an export: check the asker may have it, queue it for the task worker, return its row."""
    from safehub.core import policy

    if kind not in _kinds:
        raise ExportRefused(f"unknown export {kind!r}")
    policy.require(user, _kinds[kind].permission)
    exports_prune(now=now)
    export = PreparedExport.objects.create(
        kind=kind,
        parameters=parameters,
        requested_by=user,
        requested_at=now,
        expires_at=now + timedelta(hours=keep_hours()),
    )
    transaction.on_commit(lambda: prepare_export_task.enqueue(export.pk), robust=True)
    return export


def export_prepare(*, export_id: int, now: datetime) -> PreparedExport | None:
    """Build a waiting export as its asker, audit everyone in it and store the file, in one transaction.

    A builder's refusal (the asker lost the permission, or the parameters are wrong) fails the export
    with the reason; any other error fails it too, logged, with a plain message for the page.
    """
    from safehub.core import policy

    with transaction.atomic():
        export = (
            PreparedExport.objects.select_for_update()
            .select_related("requested_by")
            .filter(pk=export_id, status=ExportStatus.WAITING)
            .first()
        )
        if export is None:
            return None  # already prepared, or removed
        try:
            what = kind_of(export)
            user = export.requested_by
            if not user.is_active:
                raise ExportRefused("the account that asked for it is no longer active")
            with transaction.atomic():
                policy.require(user, what.permission)
                made = what.builder(user=user, parameters=export.parameters, now=now)
                audit.record_list(
                    actor=user, person_ids=made.person_ids, at=now, view=what.title, action=AuditAction.EXPORT
                )
        except (ExportRefused, PermissionDenied, ValueError) as exc:
            reason = str(exc) if not isinstance(exc, PermissionDenied) else "you no longer have access to it"
            _fail(export, now, reason)
            return export
        except Exception:
            log.exception("export %s (%s) failed", export.pk, export.kind)
            _fail(export, now, "something went wrong while preparing it; ask again, or tell your administrator")
            return export
        export.file_name = made.file_name
        export.content_type = made.content_type
        export.content = made.content.encode("utf-8")
        export.rows = made.rows
        export.notes = made.notes
        export.status = ExportStatus.READY
        export.finished_at = now
        export.save(update_fields=["file_name", "content_type", "content", "rows", "notes", "status", "finished_at"])
    return export


def _fail(export: PreparedExport, now: datetime, reason: str) -> None:
    export.status = ExportStatus.FAILED
    export.failure = reason[:1000]
    export.finished_at = now
    export.save(update_fields=["status", "failure", "finished_at"])


def _askers(*, user, export_id: int, now: datetime):
    """The export with this id if ``user`` asked for it and it has not expired (nobody else's)."""
    return PreparedExport.objects.filter(pk=export_id, requested_by_id=getattr(user, "pk", None), expires_at__gt=now)


def export_for_user(*, user, export_id: int, now: datetime) -> PreparedExport:
    """The asker's export, without its file (for its page); anyone else's, or an expired one, is not found."""
    export = _askers(user=user, export_id=export_id, now=now).defer("content").first()
    if export is None:
        raise PreparedExport.DoesNotExist
    return export


@transaction.atomic
def export_for_download(*, user, export_id: int, now: datetime, ip_address: str | None = None) -> PreparedExport:
    """The asker's ready export with its file; the download is audited in the same transaction."""
    export = _askers(user=user, export_id=export_id, now=now).filter(status=ExportStatus.READY).first()
    if export is None:
        raise PreparedExport.DoesNotExist
    audit.record(
        actor=user,
        action=AuditAction.EXPORT,
        subject=export,
        at=now,
        ip_address=ip_address,
        details={"export": export.kind, "file": export.file_name, "rows": export.rows, "downloaded": True},
    )
    return export


def title_of(export: PreparedExport) -> str:
    return _kinds[export.kind].title if export.kind in _kinds else export.kind


def back_url_of(export: PreparedExport) -> str:
    return _kinds[export.kind].back_url(export.parameters) if export.kind in _kinds else "/"


@task()
def prepare_export_task(export_id: int) -> str:
    """The task worker's half: prepare one export (see ``export_prepare``)."""
    export = export_prepare(export_id=export_id, now=timezone.now())
    return "" if export is None else export.status


@task()
def exports_prune_task() -> int:
    return exports_prune(now=timezone.now())
