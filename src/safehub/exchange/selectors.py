"""Reads for the exchange pages, the API and the insight app (access-filtered)."""

from __future__ import annotations

import json
from datetime import date, datetime

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet

from safehub.core import policy
from safehub.core.calendar import uk_date
from safehub.exchange import returns
from safehub.exchange.models import (
    ApiToken,
    ImportJob,
    ImportKind,
    ImportStatus,
    Submission,
    SubmissionReminder,
    SubmissionStatus,
    SubmissionValue,
)
from safehub.exchange.services import expected_returns, progress_path


def partner_values(return_code: str, period_start: date, period_end: date) -> list[dict]:
    """Accepted figures of a data return for quarters within the dates (latest upload per agency and quarter).

    For the insight app: plain dicts of agency, return, quarter, the period the figure covers, measure,
    value (Decimal) and count.
    """
    latest: dict[tuple[int, date], int] = {}
    for pk, agency_id, start in (
        Submission.objects.filter(
            return_code=return_code,
            status=SubmissionStatus.ACCEPTED,
            period_start__gte=period_start,
            period_end__lte=period_end,
        )
        .order_by("submitted_at", "pk")
        .values_list("pk", "agency_id", "period_start")
    ):
        latest[(agency_id, start)] = pk
    rows = (
        SubmissionValue.objects.filter(submission_id__in=latest.values())
        .select_related("agency")
        .order_by("period_start", "agency__name", "measure", "period_label")
    )
    return [
        {
            "return_code": v.return_code,
            "agency": v.agency.code,
            "period_start": v.period_start,
            "period_end": v.period_end,
            "period_label": v.period_label,
            "measure": v.measure,
            "value": v.value,
            "count": v.count,
        }
        for v in rows
    ]


def tracker(*, user, now: datetime, quarters: int = 8) -> dict:
    """Which agency has submitted what for which quarter: on time, late, rejected, missing or not yet due."""
    policy.require(user, "exchange.tracker")
    today = uk_date(now)
    periods = returns.quarters_back(today, quarters)
    first = periods[0][0]
    subs: dict[tuple[int, str, date], list[Submission]] = {}
    for s in Submission.objects.filter(period_start__gte=first).order_by("submitted_at"):
        subs.setdefault((s.agency_id, s.return_code, s.period_start), []).append(s)
    reminders = {
        (r.agency_id, r.return_code, r.period_start) for r in SubmissionReminder.objects.filter(period_start__gte=first)
    }
    rows = []
    totals = {"on_time": 0, "late": 0, "missing": 0, "rejected": 0}
    for agency, spec in expected_returns():
        cells = []
        for start, end in periods:
            due = spec.due_date(end)
            got = subs.get((agency.pk, spec.code, start), [])
            accepted = [s for s in got if s.status == SubmissionStatus.ACCEPTED]
            if accepted:
                first_ok = accepted[0]
                late = uk_date(first_ok.submitted_at) > due
                status = "late" if late else "on_time"
                text = f"{'Late' if late else 'On time'}: {uk_date(first_ok.submitted_at):%d/%m/%Y}"
            elif end >= today:
                status, text = "open", "Quarter not ended"
            elif got:
                status, text = "rejected", f"Rejected ({len(got[-1].errors)} problems)"
            elif due < today:
                status, text = "missing", "Missing"
            else:
                status, text = "due", f"Due {due:%d/%m/%Y}"
            if status in totals:
                totals[status] += 1
            cells.append(
                {
                    "status": status,
                    "text": text,
                    "due": due,
                    "reminded": (agency.pk, spec.code, start) in reminders,
                }
            )
        rows.append(
            {
                "agency": agency.name,
                "agency_code": agency.code,
                "return": spec.title,
                "return_code": spec.code,
                "cells": cells,
            }
        )
    return {
        "periods": [{"label": returns.quarter_label(s), "start": s, "end": e} for s, e in periods],
        "rows": rows,
        "totals": totals,
    }


def submission_choices(*, user, now: datetime) -> dict:
    """The returns the user's agency owes and the quarters it may submit for."""
    membership = policy.require(user, "exchange.submit")
    specs = [s for s in returns.return_specs().values() if membership.agency.kind in s.submitted_by]
    periods = list(returns.quarters_back(uk_date(now), 7))
    return {"agency": membership.agency, "returns": specs, "periods": periods}


def submissions_for_user(*, user, limit: int = 50) -> list[dict]:
    membership = policy.require(user, "exchange.submit")
    qs = Submission.objects.filter(agency_id=membership.agency_id).select_related("submitted_by")[:limit]
    specs = returns.return_specs()
    return [
        {
            "id": s.pk,
            "return": specs[s.return_code].title if s.return_code in specs else s.return_code,
            "quarter": returns.quarter_label(s.period_start),
            "file_name": s.file_name,
            "submitted_at": s.submitted_at,
            "by": s.submitted_by.get_full_name() or s.submitted_by.username,
            "status": s.status,
            "status_label": s.get_status_display(),
            "problems": len(s.errors),
        }
        for s in qs
    ]


def submission_for_user(*, user, submission_id: int) -> Submission:
    membership = policy.require(user, "exchange.submit")
    submission = Submission.objects.select_related("agency", "submitted_by").get(pk=submission_id)
    if submission.agency_id != membership.agency_id and not policy.can(user, "exchange.tracker"):
        raise PermissionDenied("This return belongs to another agency")
    return submission


def reminders_for_user(*, user) -> list[SubmissionReminder]:
    membership = policy.membership_for_user(user)
    if membership is None or not policy.can(user, "exchange.submit"):
        return []
    return list(SubmissionReminder.objects.filter(agency_id=membership.agency_id).order_by("-due_date")[:20])


def import_jobs(*, user, limit: int = 20) -> list[ImportJob]:
    policy.require(user, "exchange.annex_a")
    return list(ImportJob.objects.filter(kind=ImportKind.ANNEX_A)[:limit])


def import_job_progress(*, user, job_id: int) -> dict:
    """The job with its live progress (read from the progress file while the import runs)."""
    policy.require(user, "exchange.annex_a")
    job = ImportJob.objects.get(pk=job_id, kind=ImportKind.ANNEX_A)
    done, total = job.rows_done, job.rows_total
    if job.status in (ImportStatus.RUNNING, ImportStatus.QUEUED):
        try:
            live = json.loads(progress_path(job.pk).read_text())
            done, total = live["done"], live["total"]
        except (OSError, ValueError, KeyError):
            pass
    percent = 100 if job.status == ImportStatus.DONE else (min(99, int(100 * done / total)) if total else 0)
    totals = {
        name: sum(c.get(name, 0) for c in job.counts.values())
        for name in ("imported", "updated", "unchanged", "rejected", "skipped")
    }
    return {
        "job": job,
        "done": done,
        "total": total,
        "percent": percent,
        "finished": job.status in (ImportStatus.DONE, ImportStatus.FAILED),
        "totals": totals,
    }


def tokens_list(*, user) -> list[ApiToken]:
    policy.require(user, "exchange.tokens")
    return list(ApiToken.objects.select_related("agency", "user").order_by("-created_at")[:200])


# ---------------------------------------------------------------- API reads (scoped to the token's agency)


def outcomes_for_agency_api(*, agency_id: int, since: datetime | None) -> QuerySet:
    from safehub.frontdoor.models import OutcomeShare

    qs = (
        OutcomeShare.objects.filter(agency_id=agency_id).select_related("contact__decision").order_by("shared_at", "pk")
    )
    return qs.filter(shared_at__gt=since) if since else qs


def notifications_for_agency_api(*, agency_id: int, since: datetime | None) -> QuerySet:
    from safehub.frontdoor.models import EducationNotification

    qs = (
        EducationNotification.objects.filter(setting_id=agency_id, delivered_at__isnull=False)  # delivered ones
        .select_related("person")
        .order_by("delivered_at", "pk")
    )
    return qs.filter(delivered_at__gt=since) if since else qs


def submission_job_progress(*, user, job_id: int) -> dict:
    """A return being validated, for its uploader (or the partnership manager)."""
    from django.http import Http404

    membership = policy.require(user, "exchange.submit")
    job = ImportJob.objects.filter(pk=job_id, kind=ImportKind.SUBMISSION).first()
    if job is None:
        raise Http404
    if job.requested_by_id != user.pk and membership.role != "PARTNERSHIP_MANAGER":
        raise PermissionDenied("This return was uploaded by someone else")
    return {"job": job, "finished": job.status in (ImportStatus.DONE, ImportStatus.FAILED)}
