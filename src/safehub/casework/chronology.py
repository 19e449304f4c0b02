from __future__ import annotations

from datetime import datetime, time

from django.urls import reverse

from safehub.casework.models import (
    Assessment,
    CaseOutcomeShare,
    ChildProtectionPlan,
    ExploitationRiskAssessment,
    LookedAfterEpisode,
    MissingEpisode,
    RecordShare,
    Section47,
    StrategyMeeting,
)
from safehub.core import policy
from safehub.core.calendar import UK
from safehub.core.chronology import ChronologyEvent


def _at(day) -> datetime:
    return datetime.combine(day, time(12), tzinfo=UK)


def chronology(person, user) -> list[ChronologyEvent]:
    """Casework events; a partner sees only the records and outcomes shared with its agency."""
    membership = policy.membership_for_user(user)
    full = membership is not None and membership.agency.kind in ("LA_CHILDREN",)
    events: list[ChronologyEvent] = []
    if not full:
        if membership is None:  # shares always name an agency: none are shared with a non-member
            return events
        agency_id = membership.agency_id
        for share in RecordShare.objects.filter(meeting__person=person, agency_id=agency_id).select_related("meeting"):
            events.append(
                ChronologyEvent(
                    at=share.meeting.held_at or share.shared_at,
                    category="Strategy meeting",
                    title="Strategy meeting record shared with you",
                    url=reverse("casework:meeting", args=[share.meeting_id]),
                )
            )
        for o in CaseOutcomeShare.objects.filter(person=person, agency_id=agency_id):
            events.append(
                ChronologyEvent(
                    at=o.shared_at,
                    category=o.get_kind_display(),
                    title=o.summary[:120],
                    url=reverse("casework:case_outcome", args=[o.pk]),
                )
            )
        return events
    for m in StrategyMeeting.objects.filter(person=person):
        events.append(
            ChronologyEvent(
                at=m.held_at or m.scheduled_at,
                category="Strategy meeting",
                title=m.get_decision_display() or m.get_status_display(),
                url=reverse("casework:meeting", args=[m.pk]),
            )
        )
    for a in Assessment.objects.filter(person=person):
        events.append(ChronologyEvent(at=_at(a.start_date), category="Assessment", title="Assessment started"))
        if a.authorised_date:
            events.append(
                ChronologyEvent(
                    at=_at(a.authorised_date),
                    category="Assessment",
                    title=f"Assessment completed: {a.get_outcome_display()}",
                )
            )
    for s in Section47.objects.filter(person=person):
        events.append(ChronologyEvent(at=_at(s.strategy_date), category="Section 47", title="Section 47 enquiry"))
        if s.icpc_date:
            events.append(
                ChronologyEvent(at=_at(s.icpc_date), category="Section 47", title="Initial child protection conference")
            )
    for p in ChildProtectionPlan.objects.filter(person=person):
        events.append(
            ChronologyEvent(
                at=_at(p.start_date),
                category="Child protection plan",
                title=f"Plan started: {p.get_initial_category_display()}",
            )
        )
        if p.end_date:
            events.append(ChronologyEvent(at=_at(p.end_date), category="Child protection plan", title="Plan ended"))
    for e in LookedAfterEpisode.objects.filter(person=person):
        events.append(ChronologyEvent(at=_at(e.start_date), category="Looked after", title="Became looked after"))
    for missing in MissingEpisode.objects.filter(person=person):
        events.append(
            ChronologyEvent(
                at=missing.started_at, category="Missing", title=f"Missing ({missing.get_risk_level_display()} risk)"
            )
        )
    for risk in ExploitationRiskAssessment.objects.filter(person=person):
        events.append(
            ChronologyEvent(
                at=risk.assessed_at, category="Exploitation", title=f"Exploitation risk: {risk.get_level_display()}"
            )
        )
    return events
