"""Partner data exchange actions: data returns, reminders, API tokens, the uploads and import jobs they use.

Webhooks to agency systems are in ``webhooks``; the Annex A import and export that run on
``ImportJob`` records are the return's own, in ``returns.annex_a.services``.

Each checks access first (``by`` is a user or a ``core.actors.SystemActor``: the server's command
line names its operator, and is audited by that name), writes its audit row in the same
transaction, and keeps side effects for ``transaction.on_commit``.
"""

from __future__ import annotations

import hashlib
import sys
import uuid
from datetime import date, datetime
from functools import partial
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from safehub.agencies.models import Agency, Membership
from safehub.core import audit, policy
from safehub.core.actors import user_or_none
from safehub.core.calendar import uk_date
from safehub.core.models import AuditAction
from safehub.exchange import returns
from safehub.exchange.models import (
    ApiToken,
    ImportJob,
    ImportKind,
    ImportStatus,
    ReminderKind,
    Scope,
    Submission,
    SubmissionReminder,
    SubmissionStatus,
    SubmissionValue,
)
from safehub.exchange.safety import UploadTooLarge, sniff_upload, xlsx_archive_check

ERROR_HEADER = ["list", "row", "column", "value", "message"]


def _require(by, permission: str) -> None:
    """Every action has an actor: a user, or a ``SystemActor`` such as the command line."""
    policy.require(by, permission)


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    paths = sorted(p for p in path.iterdir() if p.is_file()) if path.is_dir() else [path]
    for part in paths:
        with part.open("rb") as handle:
            for block in iter(partial(handle.read, 1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()


def progress_path(job_id: int) -> Path:
    return Path(settings.DATA_DIR) / "exchange" / "progress" / f"{job_id}.json"


def upload_store(upload) -> Path:
    """Keep an uploaded file in the data folder under a new random name; return its path."""
    folder = Path(settings.DATA_DIR) / "exchange" / "uploads"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{uuid.uuid4().hex}.xlsx"
    with path.open("wb") as handle:
        for chunk in upload.chunks():
            handle.write(chunk)
    return path


# ---------------------------------------------------------------- data returns


def _is_workbook_name(file_name: str) -> bool:
    return file_name.lower().endswith(".xlsx")


def _check_upload(file_name: str, size: int, content: bytes) -> str:
    """Refuse a file by size, emptiness and sniffed type; return 'csv' or 'xlsx'.

    ``content`` is the whole file for a workbook (its zip directory is read) and at least its first
    megabyte otherwise.
    """
    if size > settings.SAFEHUB_MAX_UPLOAD_BYTES:
        raise ValidationError(
            {"file": f"The file is larger than {settings.SAFEHUB_MAX_UPLOAD_BYTES // (1024 * 1024)} MB"}
        )
    if not size:
        raise ValidationError({"file": "The file is empty"})
    kind = sniff_upload(file_name, content if _is_workbook_name(file_name) else content[: 1 << 20])
    if kind is None:
        raise ValidationError({"file": "Upload a .csv or .xlsx file (the content must match the name)"})
    return kind


def _submission_spec(*, agency: Agency, return_code: str, by) -> returns.ReturnSpec:
    """Who may submit which return for which agency: the same check at upload and at validation."""
    membership = policy.require(by, "exchange.submit")
    if membership.agency_id != agency.pk and membership.role != "PARTNERSHIP_MANAGER":
        raise PermissionDenied("You can submit returns for your own agency only")
    spec = returns.return_spec(return_code)
    if agency.kind not in spec.submitted_by:
        raise ValidationError({"return_code": f"{agency.name} does not submit the {spec.title} return"})
    return spec


@transaction.atomic
def submission_upload(
    *, agency: Agency, return_code: str, period_start: date, file_name: str, data: bytes, by, now: datetime
) -> Submission:
    """Validate an agency's return against its schema; keep it with provenance; store accepted figures.

    A return with any problem is rejected as a whole (a partial return would skew the figures) and
    its validation report is kept for the agency to correct and upload again.
    """
    spec = _submission_spec(agency=agency, return_code=return_code, by=by)
    kind = _check_upload(file_name, len(data), data)
    start, end = returns.quarter_of(period_start)
    if start != period_start:
        raise ValidationError({"period_start": "Choose a quarter"})
    if start > uk_date(now):
        raise ValidationError({"period_start": "The quarter has not started yet"})
    checked = returns.validate(data, kind, spec)
    submission = Submission(
        agency=agency,
        return_code=spec.code,
        schema_version=spec.version,
        period_start=start,
        period_end=end,
        file_name=Path(file_name).name[:255],
        sha256=hashlib.sha256(data).hexdigest(),
        size_bytes=len(data),
        submitted_by=by,
        submitted_at=now,
        status=SubmissionStatus.REJECTED if checked.problems else SubmissionStatus.ACCEPTED,
        row_count=checked.rows,
        errors=[p.as_dict() for p in checked.problems[:1000]],
    )
    submission.full_clean()
    submission.save()
    if submission.status == SubmissionStatus.ACCEPTED:
        SubmissionValue.objects.bulk_create(
            [
                SubmissionValue(
                    submission=submission,
                    return_code=spec.code,
                    agency=agency,
                    period_start=start,
                    period_end=end,
                    period_label=f["period_label"],
                    measure=f["measure"],
                    value=f["value"],
                    count=f["count"],
                )
                for f in checked.figures
            ]
        )
    audit.record(
        actor=by,
        action=AuditAction.IMPORT,
        subject=submission,
        at=now,
        details={
            "return": spec.code,
            "status": submission.status,
            "sha256": submission.sha256,
            "problems": len(checked.problems),
        },
    )
    return submission


def submission_job_create(
    *, agency: Agency, return_code: str, period_start: date, file_name: str, path: Path, by, now: datetime
) -> ImportJob:
    """Record an uploaded return to validate in the background (never parsed in the request).

    The cheap checks run now, so an obviously wrong file is refused at once with one line: who may
    submit, the size, that the content is what the name says, and (for a workbook) that its archive
    would not unpack too far. Parsing and validation run in ``run_submission_validation``.
    """
    _submission_spec(agency=agency, return_code=return_code, by=by)
    size = path.stat().st_size
    content = b""
    if 0 < size <= settings.SAFEHUB_MAX_UPLOAD_BYTES:  # an oversized file is refused unread
        with path.open("rb") as handle:
            content = handle.read() if _is_workbook_name(file_name) else handle.read(1 << 20)
    kind = _check_upload(file_name, size, content)
    if kind == "xlsx":
        try:
            xlsx_archive_check(content)
        except UploadTooLarge as exc:
            raise ValidationError({"file": str(exc)}) from exc
    job = ImportJob.objects.create(
        kind=ImportKind.SUBMISSION,
        file_name=Path(file_name).name[:255],
        stored_path=str(path),
        sha256=file_sha256(path),
        size_bytes=size,
        requested_by=user_or_none(by),
        requested_by_name=by.username,
        requested_at=now,
        parameters={"agency_id": agency.pk, "return_code": return_code, "period_start": period_start.isoformat()},
    )
    audit.record(
        actor=by, action=AuditAction.IMPORT, subject=job, at=now, details={"return": return_code, "queued": True}
    )
    return job


def submission_job_run(*, job: ImportJob, now: datetime) -> ImportJob:
    """Validate a queued return (the background task): the submission is made as its uploader."""
    if job.status not in (ImportStatus.QUEUED, ImportStatus.RUNNING):
        return job
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.RUNNING, started_at=now)
    path = Path(job.stored_path)
    try:
        data = path.read_bytes()
        submission = submission_upload(
            agency=Agency.objects.get(pk=job.parameters["agency_id"]),
            return_code=job.parameters["return_code"],
            period_start=date.fromisoformat(job.parameters["period_start"]),
            file_name=job.file_name,
            data=data,
            by=job.requested_by,
            now=now,
        )
    except (ValidationError, PermissionDenied, OSError) as exc:
        messages = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
        job.status, job.failure = ImportStatus.FAILED, "; ".join(messages)[:2000]
    else:
        job.status, job.submission = ImportStatus.DONE, submission
        job.rows_total = job.rows_done = submission.row_count
        job.error_count = len(submission.errors)
    job.finished_at = now
    job.save(update_fields=["status", "failure", "submission", "rows_total", "rows_done", "error_count", "finished_at"])
    path.unlink(missing_ok=True)
    return job


def expected_returns(*, agencies=None) -> list[tuple[Agency, returns.ReturnSpec]]:
    """Which agency owes which return (active agencies of the kinds each schema names)."""
    specs = returns.return_specs()
    kinds = {k for s in specs.values() for k in s.submitted_by}
    qs = agencies if agencies is not None else Agency.objects.filter(is_active=True, kind__in=kinds)
    return [(a, s) for s in specs.values() for a in qs if a.kind in s.submitted_by]


@transaction.atomic
def submission_reminders_create(
    *, now: datetime, by, quarters: int = 4, due_soon_days: int = 14
) -> list[SubmissionReminder]:
    """Make a reminder for each return now overdue (MISSING) or due within two weeks (DUE_SOON).

    One reminder per agency, return, quarter and kind: running it again adds nothing.
    """
    _require(by, "exchange.tracker")
    today = uk_date(now)
    accepted = set(
        Submission.objects.filter(status=SubmissionStatus.ACCEPTED).values_list(
            "agency_id", "return_code", "period_start"
        )
    )
    already = set(SubmissionReminder.objects.values_list("agency_id", "return_code", "period_start", "kind"))
    made = []
    for agency, spec in expected_returns():
        for start, end in returns.quarters_back(today, quarters):
            due = spec.due_date(end)
            if (agency.pk, spec.code, start) in accepted or end >= today:
                continue
            kind = (
                ReminderKind.MISSING
                if due < today
                else (ReminderKind.DUE_SOON if (due - today).days <= due_soon_days else None)
            )
            if kind is None or (agency.pk, spec.code, start, kind) in already:
                continue
            reminder = SubmissionReminder.objects.create(
                agency=agency,
                return_code=spec.code,
                period_start=start,
                due_date=due,
                kind=kind,
                created_at=now,
                created_by=user_or_none(by),
            )
            audit.record(actor=by, action=AuditAction.CREATE, subject=reminder, at=now, details={"kind": kind})
            made.append(reminder)
    return made


# ---------------------------------------------------------------- API tokens


def _scopes_valid(scopes: list[str]) -> list[str]:
    unknown = [s for s in scopes if s not in Scope.values]
    if unknown or not scopes:
        raise ValidationError({"scopes": f"Choose scopes from: {', '.join(Scope.values)}"})
    return sorted(set(scopes))


@transaction.atomic
def api_token_create(
    *, agency: Agency, user, scopes: list[str], by, now: datetime, name: str = "", expires_at: datetime | None = None
) -> tuple[ApiToken, str]:
    """Make a token for an agency system acting as ``user`` (a service account of that agency).

    Return the token and its key; only the key's hash is kept, so the key is shown this once.
    """
    _require(by, "exchange.tokens")
    membership = Membership.objects.filter(user=user).select_related("agency").first()
    if membership is None or membership.agency_id != agency.pk:
        raise ValidationError({"user": "The token's user must belong to the agency"})
    key = ApiToken.new_key()
    token = ApiToken(
        agency=agency,
        user=user,
        name=(name or f"{agency.code} system")[:100],
        key_hash=ApiToken.hash_key(key),
        prefix=key[4:12],
        scopes=_scopes_valid(scopes),
        created_at=now,
        expires_at=expires_at,
    )
    token.full_clean()
    token.save()
    audit.record(
        actor=by,
        action=AuditAction.CREATE,
        subject=token,
        at=now,
        details={"scopes": token.scopes, "agency": agency.code},
    )
    return token, key


@transaction.atomic
def api_token_revoke(*, token: ApiToken, by, now: datetime) -> ApiToken:
    _require(by, "exchange.tokens")
    if token.revoked_at is None:
        token.revoked_at = now
        token.save(update_fields=["revoked_at"])
        audit.record(actor=by, action=AuditAction.UPDATE, subject=token, at=now, details={"revoked": True})
    return token


def cli_progress(label: str):
    """Return a progress callback that draws on stderr when it is a terminal, else None."""
    if not sys.stderr.isatty():
        return None

    def show(done: int, total: int) -> None:
        pct = min(100, int(100 * done / total)) if total else 0
        sys.stderr.write(f"\r{label}: {done:,} rows ({pct}%)   ")
        sys.stderr.flush()

    return show
