"""Insight's writes: loading population and comparator tables, editing the report's written
sections, and requesting and running yearly report builds."""

from __future__ import annotations

import csv
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.db import transaction
from django.utils.text import slugify

from safehub.core import audit, policy
from safehub.core.errors import StaleEdit
from safehub.core.models import AuditAction
from safehub.insight.engine.measures import MEASURES_BY_ID
from safehub.insight.models import (
    BuildStatus,
    Comparator,
    Population,
    ReportBuild,
    ReportSection,
    ReportSectionKey,
)
from safehub.insight.reference import normalise_year
from safehub.insight.report import build_report
from safehub.insight.selectors import is_year
from safehub.partnership.signoff import selectors as partnership_selectors

# Queues the build of a ReportBuild (its id) for the task worker. InsightConfig.ready() hands in
# insight.tasks.build_yearly_report.enqueue: the tasks run these services, so the services do not
# import the task module back.
build_requester: Callable[[int], object] | None = None


@dataclass(frozen=True)
class RowError:
    """A row a person needs to fix: where it is and what is wrong."""

    file: str
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"{self.file} row {self.row} {self.column}: {self.message}"


@dataclass
class LoadResult:
    created: int = 0
    updated: int = 0
    errors: list[RowError] = field(default_factory=list)


def _require(by, permission: str) -> None:
    """Check the actor's permission: a user by role, a ``SystemActor`` (command line) by its own."""
    policy.require(by, permission)


def _read_csv(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with Path(path).open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        rows = list(reader)
        return [c.strip() for c in (reader.fieldnames or [])], [{k.strip(): (v or "").strip() for k, v in r.items()
                                                                 if k is not None} for r in rows]  # fmt: skip


def _float(text: str) -> float:
    return float(text.replace(",", "").replace("%", ""))


def population_parse(path: Path) -> tuple[list[dict], list[RowError]]:
    """Read a population CSV: headline figures (``measure,value,note``) or age bands
    (``age_from,age_to,value[,as_of_year][,note]``); return rows and the problems found."""
    columns, rows = _read_csv(path)
    name = Path(path).name
    out: list[dict] = []
    errors: list[RowError] = []
    if "age_from" in columns:
        for number, row in enumerate(rows, start=2):
            try:
                low = int(row["age_from"])
                high = int(row["age_to"]) if row.get("age_to") else None
                value = _float(row["value"])
            except (KeyError, ValueError):
                errors.append(RowError(name, number, "age_from/age_to/value", "must be whole numbers and a number"))
                continue
            if high is not None and high < low:
                errors.append(RowError(name, number, "age_to", "must not be below age_from"))
                continue
            year = row.get("as_of_year") or ""
            label = f"People aged {low} to {high}" if high is not None else f"People aged {low} and over"
            out.append({"key": f"age_{low}_{high if high is not None else 'plus'}", "label": label, "value": value,
                        "age_from": low, "age_to": high, "as_of_year": int(year) if year.isdigit() else None,
                        "note": row.get("note", "")})  # fmt: skip
        return out, errors
    if not {"measure", "value"} <= set(columns):
        return [], [RowError(name, 1, "header", "expected columns measure,value,note or age_from,age_to,value")]
    for number, row in enumerate(rows, start=2):
        try:
            value = _float(row["value"])
        except ValueError:
            errors.append(RowError(name, number, "value", f"{row['value']!r} is not a number"))
            continue
        label = row["measure"]
        year_match = re.search(r"\b(19|20)\d{2}\b", label)
        out.append({"key": slugify(re.sub(r"\b(19|20)\d{2}\b", "", label)).replace("-", "_")[:80] or f"row_{number}",
                    "label": label, "value": value, "age_from": None, "age_to": None,
                    "as_of_year": int(year_match.group(0)) if year_match else None, "note": row.get("note", "")})  # fmt: skip
    return out, errors


@transaction.atomic
def population_load(*, rows: list[dict], source: str, by, now: datetime) -> LoadResult:
    """Store population figures (replacing figures with the same key)."""
    _require(by, "insight.returns")
    result = LoadResult()
    for row in rows:
        figure, created = Population.objects.update_or_create(
            key=row["key"],
            defaults={**{k: v for k, v in row.items() if k != "key"}, "source": source, "loaded_at": now},
        )
        figure.full_clean()
        result.created += created
        result.updated += not created
    audit.record(actor=by, action=AuditAction.IMPORT, at=now, object_type="insight.Population", object_id=source[:60],
                 details={"created": result.created, "updated": result.updated})  # fmt: skip
    return result


def comparators_parse(path: Path) -> tuple[list[dict], list[RowError]]:
    """Read a comparator CSV (``measure_id,comparator,year,value[,source]``)."""
    columns, rows = _read_csv(path)
    name = Path(path).name
    if not {"measure_id", "comparator", "year", "value"} <= set(columns):
        return [], [RowError(name, 1, "header", "expected columns measure_id,comparator,year,value")]
    out, errors = [], []
    for number, row in enumerate(rows, start=2):
        if row["measure_id"] not in MEASURES_BY_ID:
            errors.append(RowError(name, number, "measure_id", f"no measure {row['measure_id']!r}"))
            continue
        year = normalise_year(row["year"])
        if not re.fullmatch(r"\d{4}-\d{2}", year):
            errors.append(RowError(name, number, "year", f"{row['year']!r} is not a year such as 2024-25"))
            continue
        if not row["comparator"]:
            errors.append(RowError(name, number, "comparator", "is empty"))
            continue
        try:
            value = _float(row["value"])
        except ValueError:
            errors.append(RowError(name, number, "value", f"{row['value']!r} is not a number"))
            continue
        out.append({"measure_id": row["measure_id"], "comparator": row["comparator"][:80], "year": year,
                    "value": value, "source": row.get("source", "")[:200]})  # fmt: skip
    return out, errors


@transaction.atomic
def comparators_load(*, rows: list[dict], source: str, by, now: datetime) -> LoadResult:
    """Store comparator values (replacing a measure's value for the same comparator and year)."""
    _require(by, "insight.returns")
    result = LoadResult()
    for row in rows:
        _, created = Comparator.objects.update_or_create(
            measure_id=row["measure_id"], comparator=row["comparator"], year=row["year"],
            defaults={"value": row["value"], "source": row["source"] or source, "loaded_at": now},
        )  # fmt: skip
        result.created += created
        result.updated += not created
    audit.record(actor=by, action=AuditAction.IMPORT, at=now, object_type="insight.Comparator", object_id=source[:60],
                 details={"created": result.created, "updated": result.updated})  # fmt: skip
    return result


@transaction.atomic
def report_section_save(*, year: str, key: str, text: str, version: int, by, now: datetime) -> ReportSection:
    """Save a written section of the yearly report; refuse an edit made on a stale copy.

    The report's editors, or the partner lead the section is given to, while the report is being
    drafted (once it goes to the scrutineer the text is fixed; see partnership's sign-off).
    """
    if not partnership_selectors.report_section_may_write(user=by, year=year, key=key):
        raise PermissionDenied("This section cannot be edited now")
    if key not in ReportSectionKey.values:
        raise ValidationError({"key": "Unknown section"})
    section = ReportSection.objects.select_for_update().filter(year=year, key=key).first()
    if section is None:
        if version not in (0, 1):
            raise StaleEdit(0)
        section = ReportSection(year=year, key=key, version=0)
    elif section.version != version:
        raise StaleEdit(section.version)
    section.text = text.strip()
    section.is_placeholder = False
    section.updated_at, section.updated_by = now, by
    section.version += 1
    section.full_clean()
    section.save()
    audit.record(actor=by, action=AuditAction.UPDATE if section.version > 1 else AuditAction.CREATE,
                 subject=section, at=now, details={"year": year, "key": key})  # fmt: skip
    return section


@transaction.atomic
def report_build_request(*, year: str, by, now: datetime) -> ReportBuild:
    """Queue a build of the yearly report; the task runs after the transaction commits."""
    _require(by, "insight.view")
    if not is_year(year):
        raise ValidationError({"year": "Give a year such as 2024-25"})
    build = ReportBuild(year=year, requested_by=by, requested_at=now, message="Waiting to start")
    build.full_clean()
    build.save()
    audit.record(actor=by, action=AuditAction.CREATE, subject=build, at=now, details={"year": year})
    if build_requester is None:
        raise ImproperlyConfigured("No task queue for the report builds: InsightConfig.ready() hands it in")
    requester = build_requester
    transaction.on_commit(lambda: requester(build.pk))
    return build


def reports_dir() -> Path:
    return Path(settings.DATA_DIR) / "reports"


def report_build_run(*, build_id: int, now: datetime) -> ReportBuild:
    """Build the report for a queued build, saving progress as it goes (called by the task).

    Progress rows are saved outside any transaction so that a page polling them sees them.
    """
    build = ReportBuild.objects.get(pk=build_id)
    if build.is_finished:
        return build
    started = time.perf_counter()
    build.status, build.started_at, build.progress, build.message = BuildStatus.RUNNING, now, 1, "Starting"
    build.save(update_fields=["status", "started_at", "progress", "message"])

    def progress(percent: int, message: str) -> None:
        ReportBuild.objects.filter(pk=build.pk).update(progress=min(max(percent, 1), 99), message=message[:200])

    out = reports_dir() / build.year / f"build-{build.pk}"
    try:
        build_report(year=build.year, out=out, progress=progress, now=now)
    except Exception as exc:  # noqa: BLE001 - any failure is reported on the build, then re-raised
        ReportBuild.objects.filter(pk=build.pk).update(
            status=BuildStatus.FAILED, message=f"Failed: {exc}"[:200], finished_at=now,
            seconds=time.perf_counter() - started,
        )  # fmt: skip
        raise
    ReportBuild.objects.filter(pk=build.pk).update(
        status=BuildStatus.DONE, progress=100, message="Ready", output_dir=str(out), finished_at=now,
        seconds=time.perf_counter() - started,
    )  # fmt: skip
    build.refresh_from_db()
    return build
