"""The child's early help in their chronology: the episode, the assessment, meetings, steps, closure.

The person page has already opened the record through the policy, so the events are the record's.
A family member's chronology shows that they are part of a child's early help (no detail).
"""

from __future__ import annotations

from datetime import date, datetime, time

from django.urls import reverse

from safehub.core.calendar import UK
from safehub.core.chronology import ChronologyEvent
from safehub.earlyhelp.models import EarlyHelpEpisode, EarlyHelpFamilyMember, EarlyHelpMeeting, StepRecord


def _at(day: date) -> datetime:
    return datetime.combine(day, time(12, 0), tzinfo=UK)


def chronology(person, user) -> list[ChronologyEvent]:
    events: list[ChronologyEvent] = []
    for e in EarlyHelpEpisode.objects.filter(person=person).select_related("lead_agency"):
        url = reverse("earlyhelp:episode", args=[e.pk])
        agency = e.lead_agency.name if e.lead_agency else e.organisation
        events.append(ChronologyEvent(at=_at(e.assessment_start_date), category="Early help",
                                      title=f"Early help assessment started ({e.get_origin_display().lower()})",
                                      agency=agency, url=url))  # fmt: skip
        if e.assessment_completed_date:
            events.append(ChronologyEvent(at=_at(e.assessment_completed_date), category="Early help",
                                          title="Early help assessment completed; plan started", agency=agency,
                                          url=url))  # fmt: skip
        if e.closed_date:
            events.append(ChronologyEvent(at=_at(e.closed_date), category="Early help",
                                          title=f"Early help closed: {e.get_closure_reason_display().lower()}",
                                          detail=e.closure_note[:200], agency=agency, url=url))  # fmt: skip
    for m in EarlyHelpMeeting.objects.filter(episode__person=person):
        events.append(ChronologyEvent(at=_at(m.held_date), category="Early help", title=m.get_kind_display(),
                                      detail=m.note[:200], url=reverse("earlyhelp:episode", args=[m.episode_id])))  # fmt: skip
    for s in StepRecord.objects.filter(person=person, direction="DOWN"):
        events.append(ChronologyEvent(at=s.decided_at, category="Early help", title=s.get_direction_display(),
                                      detail=s.reasons[:200], url=reverse("earlyhelp:episode", args=[s.early_help_id])))  # fmt: skip
    for f in EarlyHelpFamilyMember.objects.filter(person=person).select_related("episode"):
        events.append(ChronologyEvent(at=f.added_at, category="Early help",
                                      title=f"Part of a family's early help ({f.get_role_display().lower()})"))  # fmt: skip
    return events
