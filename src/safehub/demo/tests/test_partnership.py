"""The demo stage: calibrated, idempotent, fast, and it writes no audit rows."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import pytest

from safehub.core.models import AuditEvent
from safehub.demo import partnership as demo
from safehub.demo.context import DemoContext
from safehub.partnership.dashboard import selectors as dashboard_selectors
from safehub.partnership.models import (
    Action,
    CaseReview,
    Inspection,
    MultiAgencyAudit,
    SelfAssessmentCycle,
    TrainingEvent,
)

pytestmark = pytest.mark.django_db

NOW = datetime(2025, 11, 20, 12, 0, tzinfo=UTC)


@pytest.fixture
def ctx():
    from safehub.demo import agencies as agencies_demo
    from safehub.demo import people as people_demo

    context = DemoContext(scale=0.002, seed=20251, years=2, now=NOW)
    agencies_demo.seed(context)
    people_demo.seed(context)
    return context


def test_demo_is_calibrated_idempotent_fast_and_unaudited(ctx):
    audit_rows = AuditEvent.objects.count()
    started = time.perf_counter()
    summary = demo.seed(ctx)
    elapsed = time.perf_counter() - started
    assert "reviews" in summary
    assert elapsed < 10
    assert demo.seed(ctx) == "already loaded"
    assert AuditEvent.objects.count() == audit_rows

    year_ago = datetime(2024, 11, 20, tzinfo=UTC)
    last_year = CaseReview.objects.filter(referred_at__gte=year_ago)
    children = last_year.filter(subject="CHILD").count()
    adults = last_year.exclude(subject="CHILD").count()
    assert 5 <= children <= 13 and 9 <= adults <= 19  # about 9 and 14 a year
    assert CaseReview.objects.filter(rapid_review_completed_at__isnull=False).count() >= 4
    assert CaseReview.objects.filter(published_at__isnull=False).exists()
    assert Inspection.objects.get().recommendations.count() == 8  # 3 areas for improvement + the PCC's 5
    assert 6 <= MultiAgencyAudit.objects.count() <= 8
    assert 70 <= TrainingEvent.objects.count() <= 90
    assert SelfAssessmentCycle.objects.filter(kind="SECTION_11").count() == 2
    assert Action.objects.exists()


def test_demo_dashboard_has_evidence_for_every_priority(ctx):
    from safehub.agencies.models import Membership

    demo.seed(ctx)
    manager = Membership.objects.get(user__username="demo.partnership").user
    data = dashboard_selectors.dashboard(user=manager, now=NOW)
    for priority in data["priorities"]:
        assert priority["reviews"] or priority["audits"] or priority["courses"], priority["label"]
    assert data["training"]["attendance"] > 400
