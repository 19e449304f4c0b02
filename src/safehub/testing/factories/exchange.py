"""Factories of the exchange's models: imports, Annex A links, partner returns, webhooks."""

from __future__ import annotations

import hashlib
from datetime import date
from decimal import Decimal

import factory

from safehub.exchange.models import (
    AnnexALink,
    ImportJob,
    Submission,
    SubmissionValue,
    WebhookDelivery,
    WebhookSubscription,
)
from safehub.testing.factories.shared import AT, AgencyFactory, UserFactory


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


class ImportJobFactory(factory.django.DjangoModelFactory):
    """A queued Annex A import."""

    class Meta:
        model = ImportJob

    kind = "ANNEX_A"
    file_name = factory.Sequence(lambda n: f"annex_a_{n}.xlsx")
    sha256 = factory.LazyAttribute(lambda j: _sha256(j.file_name))
    size_bytes = 20_480
    requested_by = factory.SubFactory(UserFactory)
    requested_by_name = factory.LazyAttribute(lambda j: j.requested_by.username if j.requested_by else "system")
    requested_at = AT


class AnnexALinkFactory(factory.django.DjangoModelFactory):
    """An Annex A list-1 row's key, linked to the record it made (one per list and key)."""

    class Meta:
        model = AnnexALink

    list_number = 1
    natural_key = factory.Sequence(lambda n: f"CHILD{n:05d}|2025-03-03")
    object_id = factory.Sequence(lambda n: n + 1)
    source_import = factory.SubFactory(ImportJobFactory)


class SubmissionFactory(factory.django.DjangoModelFactory):
    """A youth justice service's accepted quarterly return."""

    class Meta:
        model = Submission

    agency = factory.SubFactory(AgencyFactory, kind="YOUTH_JUSTICE")
    return_code = "youth_justice"
    schema_version = 1
    period_start = date(2025, 1, 1)
    period_end = date(2025, 3, 31)
    file_name = "youth_justice_2024-25_q4.csv"
    sha256 = factory.LazyAttribute(lambda s: _sha256(s.file_name))
    size_bytes = 1_024
    submitted_by = factory.SubFactory(UserFactory)
    submitted_at = AT
    status = "ACCEPTED"
    row_count = 1


class SubmissionValueFactory(factory.django.DjangoModelFactory):
    """One measure's value from a submission (its return, agency and period copied from it)."""

    class Meta:
        model = SubmissionValue

    submission = factory.SubFactory(SubmissionFactory)
    return_code = factory.SelfAttribute("submission.return_code")
    agency = factory.SelfAttribute("submission.agency")
    period_start = factory.SelfAttribute("submission.period_start")
    period_end = factory.SelfAttribute("submission.period_end")
    period_label = "2024-25 Q4"
    measure = "first_time_entrants"
    value = Decimal("12")
    count = 12


class WebhookSubscriptionFactory(factory.django.DjangoModelFactory):
    """A police system's active subscription to shared records."""

    class Meta:
        model = WebhookSubscription

    agency = factory.SubFactory(AgencyFactory, kind="POLICE")
    url = "https://hooks.police.example/safehub"
    secret = "s" * 32
    events = factory.LazyFunction(lambda: ["record.shared"])
    created_by = factory.SubFactory(UserFactory)
    created_at = AT


class WebhookDeliveryFactory(factory.django.DjangoModelFactory):
    """A pending delivery of a shared-record event."""

    class Meta:
        model = WebhookDelivery

    subscription = factory.SubFactory(WebhookSubscriptionFactory)
    event = "record.shared"
    payload = factory.LazyFunction(lambda: {"kind": "outcome", "id": 1})
    created_at = AT
    next_attempt_at = factory.SelfAttribute("created_at")
