"""Ofsted Annex A: import a workbook (or a folder of CSV lists) into the records, export the lists.

The exchange app keeps the job records (``exchange.ImportJob``), their progress files and the
error report's columns; the import and export are the return's own, reading and writing the
apps' records through the bindings (``returns.annex_a.bindings*``). The page and its background
task are ``returns.annex_a.views`` and ``returns.annex_a.tasks``; the command is ``safehub annex_a``.
Every action checks ``exchange.annex_a`` first and writes its audit row in the same transaction.
"""

from __future__ import annotations

import json
import os
from datetime import datetime
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction

from safehub.core import audit, policy
from safehub.core.actors import user_or_none
from safehub.core.calendar import financial_year
from safehub.core.models import AuditAction
from safehub.exchange.models import ImportJob, ImportKind, ImportStatus
from safehub.exchange.safety import write_csv
from safehub.exchange.services import ERROR_HEADER, file_sha256, progress_path
from safehub.returns.annex_a import exporter, importer
from safehub.returns.annex_a.reader import UnreadableFile


def _write_progress(job_id: int, done: int, total: int) -> None:
    """Progress goes to a small file, not the database: the import's transaction is still open."""
    path = progress_path(job_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps({"done": done, "total": total}))
    os.replace(tmp, path)


def annex_a_job_create(*, path: Path, file_name: str, by, now: datetime) -> ImportJob:
    """Record an Annex A file to import (provenance first, so a failed import is still on record)."""
    policy.require(by, "exchange.annex_a")
    size = sum(p.stat().st_size for p in path.iterdir()) if path.is_dir() else path.stat().st_size
    return ImportJob.objects.create(
        kind=ImportKind.ANNEX_A,
        file_name=file_name,
        stored_path=str(path),
        sha256=file_sha256(path),
        size_bytes=size,
        requested_by=user_or_none(by),
        requested_by_name=by.username,
        requested_at=now,
    )


def default_error_path(path: Path) -> Path:
    """The error report sits beside the input: annex.xlsx -> annex.errors.csv; folder -> folder.errors.csv."""
    return path.with_name(path.stem + ".errors.csv") if path.is_file() else path.parent / f"{path.name}.errors.csv"


def annex_a_import(
    *,
    job: ImportJob,
    by,
    now: datetime,
    errors_path: Path | None = None,
    progress=None,
    validate_only: bool = False,
) -> importer.ImportResult | None:
    """Import the job's file in one transaction; write the error report; keep counts on the job.

    Good rows are imported even when others are rejected; a crash rolls everything back and the
    job says why. Re-importing the same file changes nothing (natural keys, see annex_a.bindings).
    """
    policy.require(by, "exchange.annex_a")
    path = Path(job.stored_path)
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.RUNNING, started_at=now)

    def tick(done: int, total: int) -> None:
        _write_progress(job.pk, done, total)
        if progress:
            progress(done, total)

    ctx = importer.Context(job=job, by=by, now=now, write=not validate_only)
    try:
        with transaction.atomic():
            result = importer.run(path, ctx, tick)
            if not validate_only:
                audit.record(
                    actor=by,
                    action=AuditAction.IMPORT,
                    subject=job,
                    at=now,
                    details={
                        "what": "Annex A",
                        "file": job.file_name,
                        "sha256": job.sha256,
                        "counts": result.counts,
                        "username": job.requested_by_name,
                    },
                )
    except (UnreadableFile, OSError) as exc:
        _fail(job, str(exc), now)
        return None
    except Exception as exc:
        _fail(job, f"The import stopped and nothing was imported ({type(exc).__name__}: {exc})", now)
        raise
    report = errors_path or default_error_path(path)
    if result.errors or errors_path:
        write_csv(report, ERROR_HEADER, [[e.list, e.row, e.column, e.value, e.message] for e in result.errors])
    job.status, job.finished_at = ImportStatus.DONE, now
    job.rows_total = job.rows_done = result.rows_seen
    job.counts = result.counts
    job.errors = [e.as_dict() for e in result.errors[:500]]
    job.error_count = len(result.errors)
    job.save(update_fields=["status", "finished_at", "rows_total", "rows_done", "counts", "errors", "error_count"])
    progress_path(job.pk).unlink(missing_ok=True)
    return result


def _fail(job: ImportJob, reason: str, now: datetime) -> None:
    job.status, job.failure, job.finished_at = ImportStatus.FAILED, reason[:2000], now
    job.save(update_fields=["status", "failure", "finished_at"])
    progress_path(job.pk).unlink(missing_ok=True)


def annex_a_export(*, year: str, output: Path, by, now: datetime) -> Path:
    """Write the Annex A workbook for a financial year (events dated 1 April to 31 March)."""
    policy.require(by, "exchange.annex_a")
    try:
        start, end = financial_year(year)
    except (ValueError, IndexError) as exc:
        raise ValidationError({"year": "Give the year as 2024-25"}) from exc
    lists = exporter.build_lists(start, end)
    exporter.write_workbook(lists, output)
    audit.record(
        actor=by,
        action=AuditAction.EXPORT,
        object_type="exchange.AnnexA",
        object_id=year,
        at=now,
        details={"rows": {n: len(r) - 1 for n, r in lists.items()}},
    )
    return output
