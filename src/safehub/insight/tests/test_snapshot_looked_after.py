"""The looked-after reviews and health assessments the measures count are the looked-after app's."""

from datetime import date

import pytest

from safehub.insight.snapshot import build_snapshot
from safehub.lookedafter.models import HealthKind, ItemStatus
from safehub.testing.factories import LAHealthCheckFactory, LAReviewFactory, LookedAfterEpisodeFactory


@pytest.mark.django_db
def test_reviews_and_health_assessments_come_from_the_looked_after_timetable(child):
    period = LookedAfterEpisodeFactory(
        person=child, start_date=date(2025, 4, 1), legal_status="C2", placement="Foster care"
    )
    LAReviewFactory(
        person=child,
        period=period,
        number=1,
        due_date=date(2025, 4, 20),
        held_date=date(2025, 4, 18),
        participation="PN1",
        status=ItemStatus.DONE,
    )
    LAReviewFactory(person=child, period=period, number=2, due_date=date(2025, 7, 18))
    LAReviewFactory(  # care ended before it was due: never counted
        person=child, period=period, number=3, due_date=date(2026, 1, 18), status=ItemStatus.CLOSED
    )
    LAHealthCheckFactory(
        person=child,
        period=period,
        kind=HealthKind.INITIAL,
        due_date=date(2025, 4, 29),
        done_date=date(2025, 4, 25),
        status=ItemStatus.DONE,
    )
    LAHealthCheckFactory(person=child, period=period, kind=HealthKind.DENTAL, due_date=date(2025, 10, 1))

    snapshot = build_snapshot()

    reviews = snapshot["cla_reviews"].to_pydict()
    assert sorted(reviews["due_date"]) == [date(2025, 4, 20), date(2025, 7, 18)]
    assert set(reviews["held_date"]) == {date(2025, 4, 18), None}
    health = snapshot["cla_health_assessments"].to_pydict()
    assert health["due_date"] == [date(2025, 4, 29)]  # the dental check is not a health assessment
    assert health["completed_date"] == [date(2025, 4, 25)]
    assert set(reviews["person_id"]) == set(health["person_id"]) == {child.pk}
