"""Chronology events for people linked to case reviews (the referral, decision and publication)."""

from __future__ import annotations

from django.urls import reverse

from safehub.core import policy
from safehub.core.chronology import ChronologyEvent
from safehub.partnership.models import CaseReviewPerson


def chronology(person, user) -> list[ChronologyEvent]:
    if not policy.can(user, "partnership.view"):
        return []
    events: list[ChronologyEvent] = []
    links = CaseReviewPerson.objects.filter(person=person).select_related("review__referring_agency")
    for link in links:
        review = link.review
        url = reverse("partnership:review_detail", args=[review.pk])
        events.append(
            ChronologyEvent(
                at=review.referred_at,
                category="Case review",
                title=f"Referred to the practice review group ({review.reference})",
                detail=f"{link.get_role_display()}. {review.title}",
                agency=review.referring_agency.name,
                url=url,
            )
        )
        if review.decided_at:
            events.append(
                ChronologyEvent(
                    at=review.decided_at,
                    category="Case review",
                    title=f"Practice review group decision: {review.get_decision_display()}",
                    url=url,
                )
            )
        if review.published_at:
            events.append(
                ChronologyEvent(at=review.published_at, category="Case review", title="Review published", url=url)
            )
    return events
