from datetime import date, datetime

import pytest
from django.utils import timezone

from safehub.demo import exchange as demo
from safehub.demo.context import DemoContext
from safehub.exchange import selectors
from safehub.exchange.models import Submission
from safehub.testing.factories import AgencyFactory, make_user

pytestmark = pytest.mark.django_db


def test_demo_returns_are_calibrated_idempotent_and_show_late_and_missing(front_door, police, analyst):
    yjs = AgencyFactory(kind="YOUTH_JUSTICE", code="YJS", name="Youth Justice Service")
    icb = AgencyFactory(kind="ICB", code="ICB", name="ICB")
    for agency in (yjs, icb, police, front_door):
        make_user(f"u.{agency.code.lower()}", "AGENCY_PRACTITIONER", agency)
    now = timezone.make_aware(datetime(2025, 5, 15, 12, 0))
    ctx = DemoContext(scale=1, seed=1, years=2, now=now)

    summary = demo.seed(ctx)

    assert "partner returns" in summary and demo.seed(ctx) == "already loaded"
    count = Submission.objects.count()
    assert count > 20
    published = {r["measure"]: r for r in demo.reference_rows("education_attendance.csv")}
    values = selectors.partner_values("education_attendance", date(2024, 10, 1), date(2025, 3, 31))
    for v in values:
        column = "2024-2025" if v["period_label"] == "2024-2025" else "2023-2024"
        assert float(v["value"]) == float(published[v["measure"]][column])
    tracker = selectors.tracker(user=analyst, now=now, quarters=7)
    statuses = {(r["agency_code"], c["status"]) for r in tracker["rows"] for c in r["cells"]}
    assert ("ICB", "late") in statuses and ("YJS", "missing") in statuses and ("POL", "on_time") in statuses
