"""Early help reads: access-filtered through the one person policy, audited, paged; plain data out."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.db import transaction
from django.db.models import Exists, Max, OuterRef, Q, QuerySet
from django.http import Http404

from safehub.agencies.selectors import membership_for_user
from safehub.casework.case_services import open_episode_for
from safehub.casework.models import CaseEpisode
from safehub.core import audit
from safehub.core.calendar import uk_date
from safehub.core.models import AuditAction
from safehub.earlyhelp import rules
from safehub.earlyhelp.models import (
    EarlyHelpEpisode,
    EarlyHelpMeeting,
    EpisodeOrigin,
    EpisodeStage,
    SpecialistAttachment,
)
from safehub.earlyhelp.services import EARLY_HELP_TEAM
from safehub.frontdoor.models import Decision
from safehub.people import policy
from safehub.people.models import Person
from safehub.people.selectors import person_get_for_user

PAGE_SIZE = 50
SCOPES = ("mine", "team", "specialist", "all")


def _page(qs: QuerySet, page_number) -> Page:
    return Paginator(qs, PAGE_SIZE).get_page(page_number)


def _visible(user, now: datetime) -> Q:
    return policy.person_visible_q(user, now=now, field="person", unlinked=False)


def default_scope(user) -> str:
    """The early help team sees its caseload, a specialist their families, anyone else their own."""
    membership = membership_for_user(user)
    if membership is None:
        return "mine"
    if membership.team is not None and membership.team.name == EARLY_HELP_TEAM:
        return "team"
    if policy.is_front_door(user):
        return "all"
    if SpecialistAttachment.objects.filter(specialist=user, ended_date__isnull=True).exists():
        return "specialist"
    return "mine"


def caseload(*, user, now: datetime, scope: str = "mine", status: str = "open", page_number=None) -> dict:
    """The early help episodes the user works on (and may open), with what is due next."""
    policy.require(user, "pathways.record")
    qs = EarlyHelpEpisode.objects.exclude(origin=EpisodeOrigin.ANNEX_A)
    membership = membership_for_user(user)
    if scope == "mine":
        qs = qs.filter(Q(lead_professional=user) | Q(opened_by=user, lead_professional__isnull=True))
    elif scope == "team":
        team_id = membership.team_id if membership else None
        qs = qs.filter(team_id=team_id) if team_id else qs.none()
    elif scope == "specialist":
        qs = qs.filter(specialists__specialist=user, specialists__ended_date__isnull=True).distinct()
    if status == "open":
        qs = qs.filter(closed_date__isnull=True)
    elif status == "closed":
        qs = qs.filter(closed_date__isnull=False)
    # The one policy, applied to the child each episode names (not to every person held).
    qs = qs.filter(_visible(user, now))
    qs = qs.select_related("person", "lead_professional", "lead_agency")
    page = _page(
        qs.order_by("assessment_start_date", "id") if status == "open" else qs.order_by("-closed_date", "-id"),
        page_number,
    )
    # Each episode's last meeting, for this page's episodes only (not grouped over the whole caseload).
    episodes = list(page.object_list)
    last_meetings = dict(
        EarlyHelpMeeting.objects.filter(episode_id__in=[e.pk for e in episodes])
        .values("episode_id")
        .annotate(last=Max("held_date"))
        .values_list("episode_id", "last")
    )
    today = uk_date(now)
    assess_days = rules.timescale("early_help_assessment_working_days")
    review_weeks = rules.timescale("early_help_review_weeks")
    rows = []
    for e in episodes:
        due, overdue = _next_due(
            e, last_meetings.get(e.pk), today=today, assess_days=assess_days, review_weeks=review_weeks
        )
        rows.append(
            {
                "id": e.pk,
                "reference": e.reference,
                "person_id": e.person_id,
                "name": e.person.display_name,
                "stage": EpisodeStage(e.stage).label,
                "origin": EpisodeOrigin(e.origin).label,
                "lead": (e.lead_professional.get_full_name() or e.lead_professional.username)
                if e.lead_professional
                else "",
                "lead_agency": e.lead_agency.name if e.lead_agency else "",
                "started": e.assessment_start_date,
                "due_label": due[0] if due else "",
                "due_date": due[1] if due else None,
                "overdue": overdue,
                "closed": e.closed_date,
                "closure": e.get_closure_reason_display() if e.closure_reason else "",
            }
        )
    with transaction.atomic():
        audit.record_list(actor=user, person_ids=[r["person_id"] for r in rows], at=now, view="earlyhelp.caseload")
    return {"rows": rows, "page": page, "total": page.paginator.count, "scope": scope, "status": status}


QUEUE_DAYS = 21  # three weeks: older requests have been taken up, declined or re-routed


def front_door_requests(*, user, now: datetime, page_number=None) -> dict:
    """The front door's signed-off 'early help' decisions of the last three weeks not yet started.

    The early help team's incoming work: each is a child the user may open (the one policy), with
    no early help open and none started from that contact. Read audited like any list.
    """
    policy.require(user, "pathways.record")
    # Asked per decision (NOT EXISTS), so the database starts from the few weeks' decisions rather
    # than testing every contact held against the lists (216,000 at region scale).
    open_for_child = EarlyHelpEpisode.objects.filter(
        closed_date__isnull=True, person_id=OuterRef("contact__person_id")
    ).exclude(origin=EpisodeOrigin.ANNEX_A)
    started = EarlyHelpEpisode.objects.filter(contact_id=OuterRef("contact_id"))
    recent = Decision.objects.filter(
        outcome="EARLY_HELP", signed_off_at__isnull=False, contact__person__isnull=False
    ).filter(signed_off_at__gte=now - timedelta(days=QUEUE_DAYS))
    # The one policy, applied to the child each decision's contact names.
    qs = (
        recent.filter(policy.person_visible_q(user, now=now, field="contact__person", unlinked=False))
        .exclude(Exists(open_for_child))
        .exclude(Exists(started))
        .select_related("contact__person")
        .order_by("signed_off_at", "pk")
    )
    page = _page(qs, page_number)
    rows = [
        {
            "contact_id": d.contact_id,
            "person_id": d.contact.person_id,
            "name": d.contact.person.display_name if d.contact.person else "",
            "signed_off": d.signed_off_at,
            "source": d.contact.get_source_display(),
        }
        for d in page.object_list
    ]
    with transaction.atomic():
        audit.record_list(actor=user, person_ids=[r["person_id"] for r in rows], at=now, view="earlyhelp.requests")
    return {"requests": rows, "requests_page": page, "requests_total": page.paginator.count}


def _next_due(e: EarlyHelpEpisode, last_meeting, *, today, assess_days: int, review_weeks: int):
    if e.closed_date is not None:
        return None, False
    if e.assessment_completed_date is None:
        due = rules.assessment_due(e.assessment_start_date, working_days=assess_days)
        return ("Assessment due", due), today > due
    review = rules.next_review_due(
        completed_date=e.assessment_completed_date, last_meeting_date=last_meeting, weeks=review_weeks
    )
    assert review is not None
    return ("Plan review due", review), today > review


def episode_get(*, user, episode_id: int, now: datetime) -> EarlyHelpEpisode:
    """Return the episode if the user may open the child's record (the read audited); else raise.

    A missing episode is 404; an existing one the user may not open is what the person record
    answers (403, or the break-glass page when the policy allows it).
    """
    episode = (
        EarlyHelpEpisode.objects.filter(pk=episode_id)
        .select_related("lead_professional", "lead_agency", "team")
        .first()
    )
    if episode is None:
        raise Http404("No such early help episode")
    try:
        episode.person = person_get_for_user(user=user, person_id=episode.person_id, now=now)
    except Person.DoesNotExist as exc:
        raise Http404 from exc
    with transaction.atomic():
        audit.record(actor=user, action=AuditAction.VIEW, subject=episode, at=now)
    return episode


def attachment_get(*, user, attachment_id: int, now: datetime) -> SpecialistAttachment:
    attachment = SpecialistAttachment.objects.filter(pk=attachment_id).first()
    if attachment is None:
        raise Http404("No such specialist")
    try:
        attachment.person = person_get_for_user(user=user, person_id=attachment.person_id, now=now)
    except Person.DoesNotExist as exc:
        raise Http404 from exc
    return attachment


def episode_detail(*, user, episode: EarlyHelpEpisode, now: datetime) -> dict:
    """Everything the episode page shows, as plain data (names link only where the user may open them)."""
    today = uk_date(now)
    meetings = list(episode.meetings.prefetch_related("agencies").select_related("recorded_by"))
    last = max((m.held_date for m in meetings), default=None)
    due, overdue = _next_due(
        episode, last, today=today,
        assess_days=rules.timescale("early_help_assessment_working_days"),
        review_weeks=rules.timescale("early_help_review_weeks"),
    )  # fmt: skip
    family = list(episode.family.select_related("person"))
    specialists = list(
        episode.specialists.select_related("specialist", "agency", "adult").prefetch_related("entries")
    ) + list(
        SpecialistAttachment.objects.filter(case_episode_id=episode.stepped_up_episode_id, early_help__isnull=True)
        .select_related("specialist", "agency", "adult")
        .prefetch_related("entries")
        if episode.stepped_up_episode_id
        else []
    )
    people_ids = {m.person_id for m in family} | {s.adult_id for s in specialists if s.adult_id}
    visible = set(
        policy.persons_visible_to(user, Person.objects.filter(pk__in=people_ids), now=now).values_list("pk", flat=True)
    )
    with transaction.atomic():
        audit.record_list(actor=user, person_ids=sorted(people_ids & visible), at=now, view="earlyhelp.episode")
    first_taf = rules.first_taf_due(
        episode.assessment_start_date, working_days=rules.timescale("early_help_first_taf_working_days")
    )
    return {
        "episode": episode,
        "stage": episode.stage,
        "stage_label": EpisodeStage(episode.stage).label,
        "due": due,
        "overdue": overdue,
        "first_taf_due": first_taf,
        "first_taf_held": any(m.kind == "TAF" for m in meetings),
        "assessment_due": rules.assessment_due(
            episode.assessment_start_date, working_days=rules.timescale("early_help_assessment_working_days")
        ),
        "assessment_on_time": rules.assessment_on_time(
            episode.assessment_start_date,
            episode.assessment_completed_date,
            as_of=today,
            working_days=rules.timescale("early_help_assessment_working_days"),
        ),  # fmt: skip
        "family": [
            {
                "person_id": m.person_id,
                "name": m.person.display_name if m.person_id in visible else "Family member (no access)",
                "linkable": m.person_id in visible,
                "role": m.get_role_display(),
            }
            for m in family
        ],
        "meetings": [
            {
                "kind": m.get_kind_display(),
                "held_date": m.held_date,
                "agencies": ", ".join(a.name for a in m.agencies.all()),
                "family_attended": m.family_attended,
                "progress": m.get_progress_display() if m.progress else "",
                "note": m.note,
            }
            for m in meetings
        ],
        "steps": [
            {
                "direction": s.get_direction_display(),
                "date": s.step_date,
                "reasons": s.reasons,
                "case": s.case_episode_id,
            }
            for s in episode.steps.all()
        ],
        "specialists": _specialist_rows(user, specialists, visible),
        "can_record": policy.can(user, "pathways.record"),
        "can_step": policy.can(user, "casework.record"),
    }


def _specialist_rows(user, specialists: list[SpecialistAttachment], visible: set[int]) -> list[dict]:
    membership = membership_for_user(user)
    return [
        {
            "id": s.pk,
            "kind": s.get_kind_display(),
            "name": s.specialist.get_full_name() or s.specialist.username,
            "agency": s.agency.name,
            "adult": _adult_name(s.adult, visible),
            "started": s.started_date,
            "ended": s.ended_date,
            "case": "Social care case" if s.case_episode_id else "Early help",
            "may_record": s.ended_date is None
            and (user.pk == s.specialist_id or (membership is not None and membership.agency_id == s.agency_id)),
            "entries": [
                {"kind": x.get_kind_display(), "date": x.entry_date, "summary": x.summary} for x in s.entries.all()
            ],
        }
        for s in specialists
    ]


def family_safeguarding(*, user, person: Person, now: datetime) -> dict:
    """The Family Safeguarding page for a child the user has opened: every specialist on either case."""
    specialists = list(
        SpecialistAttachment.objects.filter(person=person)
        .select_related("specialist", "agency", "adult")
        .prefetch_related("entries")
        .order_by("-started_date", "-pk")
    )
    adults = {s.adult_id for s in specialists if s.adult_id}
    visible = set(
        policy.persons_visible_to(user, Person.objects.filter(pk__in=adults), now=now).values_list("pk", flat=True)
    )
    with transaction.atomic():
        audit.record_list(actor=user, person_ids=sorted(adults & visible), at=now, view="earlyhelp.family_safeguarding")
    early_help = (
        EarlyHelpEpisode.objects.filter(person=person, closed_date__isnull=True)
        .exclude(origin=EpisodeOrigin.ANNEX_A)
        .first()
    )
    return {
        "person": person,
        "specialists": _specialist_rows(user, specialists, visible),
        "case_episode": open_episode_for(person.pk),
        "early_help": early_help,
        "can_record": policy.can(user, "pathways.record"),
    }


def _adult_name(adult: Person | None, visible: set[int]) -> str:
    if adult is None:
        return ""
    return adult.display_name if adult.pk in visible else "An adult in the family"


def step_down_candidate(*, user, person: Person, now: datetime):
    """The child's social care case to step down from: the open one, else the latest closed."""
    if not policy.can(user, "casework.record"):
        raise PermissionDenied("Only social care steps a family down")
    open_case = CaseEpisode.objects.filter(person=person, closure_date__isnull=True).first()
    return open_case or CaseEpisode.objects.filter(person=person).order_by("-closure_date", "-pk").first()
