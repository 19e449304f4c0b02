"""Demo data: two years of quarterly partner data returns, calibrated to the published figures.

Education attendance and youth justice values follow the reference tables (shared/reference);
one agency submits late and one return is missing, so the tracker has something to show.
"""

from __future__ import annotations

import csv
import hashlib
from datetime import datetime, time, timedelta
from decimal import Decimal
from pathlib import Path

from django.contrib.auth import get_user_model
from django.db import transaction

from safehub.core.calendar import UK
from safehub.demo.context import DemoContext
from safehub.exchange import returns
from safehub.exchange.models import Submission, SubmissionStatus, SubmissionValue

# Copies of the published tables (shared/reference), so the demo works without ../shared.
REFERENCE = Path(__file__).resolve().parent / "data"
EDUCATION = {  # measure -> (2023-2024, 2024-2025): the published attendance table
    "Total overall absence - primary secondary and special (%)": (7.9, 7.3),
    "Total persistent absence over 10% - primary secondary and special (%)": (23.2, 20.3),
    "Overall absence primary (%)": (6.3, 5.5),
    "Persistent absence primary (%)": (18.3, 15.9),
    "Overall absence secondary (%)": (10.2, 9.3),
    "Persistent absence secondary (%)": (28.8, 24.6),
    "Overall absence special schools (%)": (11.4, 12.0),
    "Persistent absence special schools (%)": (38.4, 37.5),
}
YOUTH_JUSTICE = {  # measure -> (rate per quarter, count per quarter) around the published values
    "proven serious violence offences per 100k aged 10-17": (20, 5),
    "first time entrants per 10k aged 10-17 (target 206)": (180, 40),
    "children on remand": (10, None),
    "children sentenced to custody per 10k aged 10-17": (0.4, 8),
}
POLICE = {
    "safeguarding referrals (children)": 1100,
    "safeguarding referrals (adults)": 420,
    "high-risk referrals sent within 24 hours (%)": 82,
    "domestic abuse incidents": 1350,
    "domestic abuse incidents with children present": 520,
    "domestic abuse repeat victims (%)": 31,
}
HEALTH = {
    "child protection medical assessments": 45,
    "medical assessments within 24 hours of request (%)": 88,
    "health navigator information requests": 900,
    "health navigator requests answered in time (%)": 91,
    "health navigator strategy discussions attended": 260,
}
LATE_AGENCY_KIND = "ICB"  # submits every return 10 days after the due date
MISSING = ("YOUTH_JUSTICE", 1)  # the youth justice service has not sent the last ended quarter


def _figures(code: str, start, rng) -> list[dict]:
    if code == "education_attendance":
        academic = f"{start.year - (start.month < 9)}-{start.year - (start.month < 9) + 1}"
        index = 1 if academic >= "2024-2025" else 0
        return [
            {"measure": m, "period_label": academic, "value": Decimal(str(v[index])), "count": None}
            for m, v in EDUCATION.items()
        ]
    if code == "youth_justice":
        label = returns.quarter_label(start)
        return [
            {
                "measure": m,
                "period_label": label,
                "value": Decimal(str(round(rate * rng.uniform(0.7, 1.3), 2))),
                "count": int(count * rng.uniform(0.7, 1.3)) if count else None,
            }
            for m, (rate, count) in YOUTH_JUSTICE.items()
        ]
    base = POLICE if code == "police_safeguarding" else HEALTH
    return [
        {
            "measure": m,
            "period_label": returns.quarter_label(start),
            "value": Decimal(
                str(min(100, round(v * rng.uniform(0.85, 1.15))) if "(%)" in m else round(v * rng.uniform(0.85, 1.15)))
            ),
            "count": None,
        }
        for m, v in base.items()
    ]


def _file_bytes(code: str, figures: list[dict]) -> bytes:
    lines = ["measure,period,value,count"] + [
        f"{f['measure']},{f['period_label']},{f['value']},{f['count'] or ''}" for f in figures
    ]
    return ("\n".join(lines) + "\n").encode()


def seed(ctx: DemoContext) -> str:
    outbox = _outbox_examples(ctx)
    if Submission.objects.exists():
        return "already loaded"
    from safehub.agencies.models import Membership
    from safehub.exchange.services import expected_returns

    rng = ctx.rng("exchange")
    today = ctx.today
    quarters = [q for q in returns.quarters_back(today, 8) if q[1] < today]
    expected = expected_returns()
    if not expected:
        return "no agencies owe returns"
    users = {m.agency_id: m.user for m in Membership.objects.select_related("user").order_by("pk")}
    fallback = get_user_model().objects.order_by("pk").first()
    submissions = []
    values: list[SubmissionValue] = []
    for agency, spec in expected:
        for i, (start, end) in enumerate(quarters):
            due = spec.due_date(end)
            if agency.kind == MISSING[0] and i >= len(quarters) - MISSING[1]:
                continue
            if due > today and i == len(quarters) - 1 and rng.random() < 0.5:
                continue  # not due yet and not sent yet
            delay = 10 if agency.kind == LATE_AGENCY_KIND else rng.randint(-25, -2)
            sent = min(
                datetime.combine(due + timedelta(days=delay), time(10, 30), tzinfo=UK), ctx.now - timedelta(hours=1)
            )
            figures = _figures(spec.code, start, rng)
            data = _file_bytes(spec.code, figures)
            submission = Submission(
                agency=agency,
                return_code=spec.code,
                schema_version=spec.version,
                period_start=start,
                period_end=end,
                file_name=f"{agency.code}-{spec.code}-{returns.quarter_label(start).replace('/', '-').replace(' ', '-')}.csv",
                sha256=hashlib.sha256(data).hexdigest(),
                size_bytes=len(data),
                submitted_by=users.get(agency.pk) or fallback,
                submitted_at=sent,
                status=SubmissionStatus.ACCEPTED,
                row_count=len(figures),
            )
            submissions.append((submission, figures))
    if fallback is None:
        return "no users to submit as"
    with transaction.atomic():
        Submission.objects.bulk_create([s for s, _ in submissions])
        for submission, figures in submissions:
            values.extend(
                SubmissionValue(
                    submission=submission,
                    return_code=submission.return_code,
                    agency=submission.agency,
                    period_start=submission.period_start,
                    period_end=submission.period_end,
                    **f,
                )
                for f in figures
            )
        SubmissionValue.objects.bulk_create(values, batch_size=2000)
    return f"{len(submissions)} partner returns, {len(values)} figures{outbox}"


def _outbox_examples(ctx: DemoContext) -> str:
    """The police case system's webhook, one event delivered to it and one dead letter for the administrator.

    The demo's shares are bulk-loaded, so they publish no events; these two rows show the outbox page
    (``core:outbox``) with something to retry. A retry queues a webhook to an address that does not
    resolve (``.example``), which fails and is kept, as a real outage would be.
    """
    from safehub.agencies.models import Membership
    from safehub.core.models import OutboxDelivery, OutboxEvent, OutboxStatus
    from safehub.exchange.models import WebhookSubscription
    from safehub.exchange.webhooks import OUTBOX_SUBSCRIBER
    from safehub.frontdoor.models import OutcomeShare

    if OutboxEvent.objects.exists():
        return ""
    shares = list(
        OutcomeShare.objects.filter(agency__kind="POLICE").select_related("agency").order_by("-shared_at")[:2]
    )
    member = Membership.objects.filter(agency__kind="POLICE").select_related("user").order_by("pk").first()
    if len(shares) < 2 or member is None:
        return ""
    police = shares[0].agency
    with transaction.atomic():
        WebhookSubscription.objects.get_or_create(
            agency=police,
            url="https://case-system.police.example/safehub/events",
            defaults={
                "secret": WebhookSubscription.new_secret(),
                "events": ["notification.created", "record.shared"],
                "created_by": member.user,
                "created_at": ctx.now - timedelta(days=30),
            },
        )
        for share, dead in zip(shares, (False, True), strict=True):
            at = min(share.shared_at, ctx.now - timedelta(hours=3))
            event = OutboxEvent.objects.create(
                name="record.shared",
                payload={
                    "agency_id": police.pk,
                    "kind": "outcome",
                    "id": share.pk,
                    "url": f"/api/outcomes/?id={share.pk}",
                },
                created_at=at,
            )
            OutboxDelivery.objects.create(
                event=event,
                handler=OUTBOX_SUBSCRIBER,
                status=OutboxStatus.DEAD if dead else OutboxStatus.DELIVERED,
                attempts=5 if dead else 1,
                last_attempt_at=at + timedelta(minutes=85) if dead else at,
                delivered_at=None if dead else at,
                last_error="OperationalError: database is locked" if dead else "",
            )
    return "; outbox: 1 event delivered, 1 dead letter"


def reference_rows(name: str) -> list[dict]:
    """Read a reference table (used by tests to check the calibration)."""
    with (REFERENCE / name).open(newline="") as handle:
        return list(csv.DictReader(handle))
