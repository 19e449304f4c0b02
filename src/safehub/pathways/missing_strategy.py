"""A high-risk missing episode prompts a strategy discussion; the link between them is recorded here.

Casework holds missing episodes and strategy meetings; this keeps the one link between them
(``MissingStrategyLink``) and the list of high-risk episodes still waiting for a discussion.
Writes check access and audit in one transaction; the list is paged, filtered and audited.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction

from safehub.casework import services as casework_services
from safehub.casework.models import MeetingReason, MissingEpisode, StrategyMeeting
from safehub.core import audit
from safehub.core.models import AuditAction
from safehub.pathways import rules
from safehub.pathways.models import MissingStrategyLink
from safehub.people import policy

PAGE_SIZE = 50
# A strategy discussion convened shortly before the episode was recorded (the police rang first) still answers it.
LINK_LEAD = timedelta(days=1)


def _require(by, episode: MissingEpisode, now: datetime) -> None:
    policy.require(by, "casework.convene")
    if not policy.person_access(by, episode.person, now=now).allowed:
        raise PermissionDenied("You do not have access to this record")


@transaction.atomic
def missing_strategy_link(
    *, episode: MissingEpisode, meeting: StrategyMeeting, by, now: datetime
) -> MissingStrategyLink:
    """Record that this strategy discussion was about this missing episode."""
    _require(by, episode, now)
    if meeting.person_id != episode.person_id:
        raise ValidationError({"meeting": ["The strategy discussion is about another child"]})
    if meeting.convened_at < episode.started_at - LINK_LEAD:
        raise ValidationError({"meeting": ["The strategy discussion was before the child went missing"]})
    if MissingStrategyLink.objects.filter(missing_episode=episode).exists():
        raise ValidationError({"meeting": ["This missing episode is already linked to a strategy discussion"]})
    link = MissingStrategyLink.objects.create(missing_episode=episode, meeting=meeting, linked_by=by, linked_at=now)
    audit.record(
        actor=by,
        action=AuditAction.CREATE,
        subject=link,
        at=now,
        details={"missing_episode": episode.pk, "meeting": meeting.pk},
    )
    return link


@transaction.atomic
def missing_strategy_convene(
    *, episode: MissingEpisode, by, now: datetime, scheduled_at: datetime, chair, agencies: list
) -> MissingStrategyLink:
    """Convene the strategy discussion a high-risk missing episode prompts, and link the two."""
    _require(by, episode, now)
    if not rules.missing_prompts_strategy(episode.risk_level):
        raise ValidationError({"meeting": ["Only a high-risk missing episode prompts a strategy discussion"]})
    meeting = casework_services.meeting_convene(
        person=episode.person,
        by=by,
        now=now,
        scheduled_at=scheduled_at,
        chair=chair,
        agencies=agencies,
        reason=MeetingReason.MISSING,
    )
    return missing_strategy_link(episode=episode, meeting=meeting, by=by, now=now)


def missing_strategy_prompts(*, user, now: datetime, page_number=None, status: str = "waiting") -> dict:
    """High-risk missing episodes: those waiting for a strategy discussion, or those linked to one."""
    policy.require(user, "casework.convene")
    linked = MissingStrategyLink.objects.values("missing_episode_id")
    qs = MissingEpisode.objects.filter(risk_level="HIGH").filter(policy.person_visible_q(user, now=now, unlinked=False))
    qs = qs.filter(pk__in=linked) if status == "linked" else qs.exclude(pk__in=linked)
    page = Paginator(qs.select_related("person").order_by("-started_at", "-pk"), PAGE_SIZE).get_page(page_number)
    episodes = list(page.object_list)
    person_ids = {e.person_id for e in episodes}
    links = {
        link.missing_episode_id: link
        for link in MissingStrategyLink.objects.filter(missing_episode__in=episodes).select_related("meeting")
    }
    meetings: dict[int, list[StrategyMeeting]] = {}
    for m in StrategyMeeting.objects.filter(person_id__in=person_ids).order_by("convened_at"):
        meetings.setdefault(m.person_id, []).append(m)
    with transaction.atomic():
        audit.record_list(actor=user, person_ids=list(person_ids), at=now, view="missing episodes to strategy")
    rows = []
    for e in episodes:
        link = links.get(e.pk)
        rows.append(
            {
                "id": e.pk,
                "person_id": e.person_id,
                "child": e.person.display_name,
                "started_at": e.started_at,
                "ended_at": e.ended_at,
                "hours_waiting": None if link else round((now - e.started_at).total_seconds() / 3600),
                "meeting": (
                    {"id": link.meeting_id, "scheduled_at": link.meeting.scheduled_at, "held_at": link.meeting.held_at}
                    if link
                    else None
                ),
                "candidates": [
                    {"id": m.pk, "scheduled_at": m.scheduled_at, "reason": m.get_reason_display()}
                    for m in meetings.get(e.person_id, [])
                    if m.convened_at >= e.started_at - LINK_LEAD
                ],
            }
        )
    return {"rows": rows, "page": page, "total": page.paginator.count, "status": status}
