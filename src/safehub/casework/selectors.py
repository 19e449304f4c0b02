"""Casework reads: meetings (full or shared view), tasks and alerts, transitions, shared records."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import (
    BigIntegerField,
    BooleanField,
    CharField,
    DateTimeField,
    ExpressionWrapper,
    F,
    Q,
    QuerySet,
    Value,
)
from django.db.models.functions import Cast, TruncDate
from django.utils import timezone

from safehub.agencies.models import AgencyKind
from safehub.casework import rules
from safehub.casework.care import care_hooks
from safehub.casework.models import (
    Assessment,
    CaseOutcomeShare,
    ChildProtectionPlan,
    ExploitationRiskAssessment,
    MissingEpisode,
    RecordShare,
    Section47,
    StrategyMeeting,
    TransitionPlan,
)
from safehub.core import audit
from safehub.core.calendar import UK, uk_date, working_days_between
from safehub.core.models import AuditAction
from safehub.core.sql import first_and_total, still_open_first
from safehub.people import policy
from safehub.people.models import Involvement, Person
from safehub.people.selectors import listed_people, people_known_to


@dataclass(frozen=True)
class MeetingView:
    meeting: StrategyMeeting
    full: bool  # False: a partner sees only the approved record shared with it
    share: RecordShare | None


def meeting_get_for_user(*, user, meeting_id: int, now: datetime) -> MeetingView:
    """Open a meeting: the local authority sees it all; an invited partner only the shared record."""
    meeting = StrategyMeeting.objects.select_related("person", "chair", "convened_by").get(pk=meeting_id)
    membership = policy.membership_for_user(user)
    if membership is None:
        raise PermissionDenied
    full = (
        membership.agency.kind == AgencyKind.LA_CHILDREN and policy.person_access(user, meeting.person, now=now).allowed
    )
    share = None
    if not full:
        share = RecordShare.objects.filter(meeting=meeting, agency_id=membership.agency_id).first()
        if share is None:
            with transaction.atomic():
                audit.record(actor=user, action=AuditAction.ACCESS_DENIED, subject=meeting, at=now)
            raise PermissionDenied("This meeting's record has not been shared with your agency")
    with transaction.atomic():
        audit.record(actor=user, action=AuditAction.VIEW, subject=meeting, at=now, details={"full": full})
    return MeetingView(meeting=meeting, full=full, share=share)


def meeting_page(*, view: MeetingView, now: datetime) -> dict:
    meeting = view.meeting
    invites = list(meeting.invites.select_related("agency"))
    shares = list(meeting.shares.select_related("agency", "read_by"))
    health_attended = any(i.agency.is_health and i.attendance == "ATTENDED" for i in invites)
    return {
        "meeting": meeting,
        "full": view.full,
        "my_share": view.share,
        "invites": invites if view.full else [],
        "shares": shares if view.full else [],
        "no_health_attendance": meeting.held_at is not None and not health_attended,
        "record_overdue": meeting.record_share_due_at is not None
        and meeting.record_approved_at is None
        and meeting.record_share_due_at < now,
        "shared_late": meeting.record_approved_at is not None
        and meeting.record_share_due_at is not None
        and meeting.record_approved_at > meeting.record_share_due_at,
        "section47": getattr(meeting, "section47", None),
        # Working Together 2023: the police, health and children's social care take part; the chair is warned.
        "missing_agencies": rules.missing_strategy_agencies({i.agency.kind for i in invites} | _convener_kind(meeting))
        if view.full
        else [],
        "days_from_referral": working_days_between(
            meeting.referral.referral_date, meeting.held_at or meeting.scheduled_at
        )
        if view.full and meeting.referral_id and meeting.referral
        else None,
    }


def _convener_kind(meeting: StrategyMeeting) -> set[str]:
    """The convener's own agency takes part in the discussion it convened."""
    membership = policy.membership_for_user(meeting.convened_by)
    return {membership.agency.kind} if membership else set()


ATTENTION_SHOWN = 50


def records_needing_attention(*, user, now: datetime) -> dict:
    """Records not shared in time and shared records not yet read (for the chair and the partnership):
    the oldest ``ATTENTION_SHOWN`` of each, audited as shown, with how many there are in all."""
    policy.require(user, "casework.overview")
    late = _visible_rows(
        StrategyMeeting.objects.filter(record_approved_at__isnull=True, record_share_due_at__lt=now), user, now
    )
    waiting = _visible_rows(
        RecordShare.objects.filter(read_at__isnull=True, shared_at__lt=now - timedelta(days=1)),
        user,
        now,
        field="meeting__person",
    )
    overdue, overdue_total = first_and_total(
        late.select_related("person", "chair").order_by("record_share_due_at", "pk"), ATTENTION_SHOWN
    )
    unread, unread_total = first_and_total(
        waiting.select_related("meeting__person", "agency").order_by("shared_at", "pk"), ATTENTION_SHOWN
    )
    with transaction.atomic():
        audit.record_list(
            actor=user,
            person_ids=[m.person_id for m in overdue] + [r.meeting.person_id for r in unread],
            at=now,
            view="casework.records_needing_attention",
        )
    return {"overdue": overdue, "unread": unread, "overdue_total": overdue_total, "unread_total": unread_total}


def _visible_rows(qs: QuerySet, user, now: datetime, *, field: str = "person") -> QuerySet:
    """Keep the rows of ``qs`` about people this user may open (the one policy, applied to the
    person each row names: ``policy.person_visible_q``)."""
    return qs.filter(policy.person_visible_q(user, now=now, field=field, unlinked=False))


TASKS_PAGE_SIZE = 50


def tasks_query(*, user, now: datetime, team_wide: bool = False) -> QuerySet:
    """Due and overdue steps worked out from the records, as one query: the worker's (or the whole
    service's) to-do list, overdue first, then by due date.

    Each part is a record that is due within seven days or late, about a child the user may open;
    the parts are joined in the database (a UNION of ``kind``, ``person_id``, ``due``, ``overdue`` and
    ``meeting_id``), so the whole service's list is counted, ordered and paged there, not read
    whole. A due time is compared as the rule states it: a strategy record by the hour it falls
    due, a return interview 72 hours after the child came back, the others by the day.
    """
    policy.require(user, "casework.overview")
    today = uk_date(now)
    horizon = today + timedelta(days=7)
    start_of_today = datetime.combine(today, time.min, tzinfo=UK)
    mine = Q() if team_wide else Q(worker=user)

    def part(qs: QuerySet, kind: str, due, overdue: Q, meeting=None) -> QuerySet:
        return (
            _visible_rows(qs, user, now)
            .order_by()
            .annotate(
                task_kind=Value(kind, output_field=CharField()),
                task_due=F(due) if isinstance(due, str) else due,
                task_overdue=ExpressionWrapper(overdue, output_field=BooleanField()),
                task_meeting=meeting if meeting is not None else Cast(Value(None), BigIntegerField()),  # typed NULL
            )
            .values_list("task_kind", "person_id", "task_due", "task_overdue", "task_meeting")
        )

    parts = [
        part(Assessment.objects.filter(mine, authorised_date__isnull=True, due_date__lte=horizon),
             "Assessment due", "due_date", Q(due_date__lt=today)),
        part(Section47.objects.filter(mine, icpc_date__isnull=True, icpc_due_date__lte=horizon)
             .exclude(outcome__in=["NOT_SUBSTANTIATED", "NO_FURTHER_ACTION", "SUBSTANTIATED_NO_ICPC"]),
             "Initial child protection conference due", "icpc_due_date", Q(icpc_due_date__lt=today)),
        part(StrategyMeeting.objects.filter(Q() if team_wide else Q(chair=user), record_approved_at__isnull=True,
                                            record_share_due_at__isnull=False),
             "Strategy record to approve and share", TruncDate("record_share_due_at", tzinfo=UK),
             Q(record_share_due_at__lt=now), meeting=F("pk")),
    ]  # fmt: skip
    if team_wide:
        # One timetable: the looked-after app's reviews and health assessments (lookedafter.rules).
        care = care_hooks()
        back = ExpressionWrapper(F("ended_at") + timedelta(hours=72), output_field=DateTimeField())
        parts += [
            part(care.reviews_due(horizon), "Looked-after review due", "due_date", Q(due_date__lt=today)),
            part(care.health_assessments_due(horizon), "Health assessment due", "due_date", Q(due_date__lt=today)),
            part(MissingEpisode.objects.filter(ended_at__isnull=False, return_interview_done_at__isnull=True,
                                               return_interview_declined=False, ended_at__gte=now - timedelta(days=30)),
                 "Return interview due (72 hours)", TruncDate(back, tzinfo=UK),
                 Q(ended_at__lt=start_of_today - timedelta(hours=72))),
        ]  # fmt: skip
    return parts[0].union(*parts[1:], all=True).order_by("-task_overdue", "task_due", "task_kind", "person_id")


def tasks_rows(*, user, rows: list[tuple], now: datetime, team_wide: bool = False) -> list[dict]:
    """Rows of ``tasks_query`` (a page) with their children, audited as shown."""
    people = Person.objects.in_bulk([r[1] for r in rows])
    tasks = [
        {"kind": kind, "person": people[pid], "due": due, "overdue": bool(overdue), "meeting_id": meeting_id}
        for kind, pid, due, overdue, meeting_id in rows
        if pid in people
    ]
    with transaction.atomic():
        audit.record_list(
            actor=user,
            person_ids=[t["person"].pk for t in tasks],
            at=now,
            view="casework.tasks.team" if team_wide else "casework.tasks",
        )
    return tasks


def tasks_page(*, user, now: datetime, team_wide: bool = False, page_number=None) -> dict:
    """One page of the to-do list (``tasks_query``), overdue first, with the total."""
    page = Paginator(tasks_query(user=user, now=now, team_wide=team_wide), TASKS_PAGE_SIZE).get_page(page_number)
    return {
        "rows": tasks_rows(user=user, rows=list(page.object_list), now=now, team_wide=team_wide),
        "page": page,
        "total": page.paginator.count,
    }


def tasks_for_user(*, user, now: datetime, team_wide: bool = False) -> list[dict]:
    """The whole to-do list (``tasks_page`` is what the page shows), audited."""
    return tasks_rows(user=user, rows=list(tasks_query(user=user, now=now, team_wide=team_wide)), now=now,
                      team_wide=team_wide)  # fmt: skip


def _annotate(obj: object, **values: object) -> None:
    """Attach display values to a model instance for its template (attributes the model does not declare)."""
    for name, value in values.items():
        setattr(obj, name, value)


def child_casework(*, person: Person, now: datetime) -> dict:
    """Everything casework holds about one child (the caller has already opened the record)."""
    today = uk_date(now)
    assessments = list(Assessment.objects.filter(person=person))
    for a in assessments:
        _annotate(
            a,
            working_days=working_days_between(
                a.referral.referral_date if a.referral else a.start_date, a.authorised_date or today
            ),
        )
    s47s = list(Section47.objects.filter(person=person))
    for s in s47s:
        icpc_working_days = working_days_between(s.strategy_date, s.icpc_date) if s.icpc_date else None
        _annotate(
            s,
            icpc_working_days=icpc_working_days,
            icpc_in_time=icpc_working_days is not None and icpc_working_days <= 15,
        )
    plans = list(ChildProtectionPlan.objects.filter(person=person))
    return {
        "meetings": list(StrategyMeeting.objects.filter(person=person)),
        "assessments": assessments,
        "section47s": s47s,
        "plans": plans,
        "previous_plans": max(0, len(plans) - 1),
        "cla": list(person.cla_episodes.all()),
        **care_hooks().history(person),  # cla_reviews, health_assessments: the looked-after app's
        "missing": list(MissingEpisode.objects.filter(person=person)[:20]),
        "exploitation": list(
            ExploitationRiskAssessment.objects.filter(person=person).prefetch_related("contributions__agency")[:10]
        ),
        "transition_plans": list(TransitionPlan.objects.filter(person=person).select_related("owner", "adult_service")),
        "care_leaver": person.care_leaver_statuses.first(),
    }


TRANSITION_FILTERS = {
    "all": "Everyone 16 to 25",
    "no_plan": "No open transition plan",
    "care_experienced": "Care experienced",
    "adult_safeguarding": "Known to adult safeguarding",
}


def transitions_people(*, user, as_of: date, now: datetime | None = None, show: str = "all"):
    """The young people aged 16-25 known to children's services that the user may open (a queryset).

    ``show`` narrows the list (``TRANSITION_FILTERS``); an unknown value shows everyone.
    """
    policy.require(user, "casework.overview")
    now = now or datetime.combine(as_of, datetime.min.time(), tzinfo=UK)
    youngest = as_of.replace(year=as_of.year - 16)
    oldest = as_of.replace(year=as_of.year - 26)
    known = people_known_to(AgencyKind.LA_CHILDREN, born_after=oldest, born_on_or_before=youngest)
    # The age band stays on the list: without it, "youngest first" walked the register's
    # date-of-birth index from the oldest person (800,000 rows for a children's social worker).
    people = listed_people(user, known, now=now).filter(date_of_birth__lte=youngest, date_of_birth__gt=oldest)
    if show == "no_plan":
        open_plans = TransitionPlan.objects.filter(closed_date__isnull=True).values_list("person_id", flat=True)
        people = people.exclude(pk__in=open_plans)
    elif show == "care_experienced":
        people = people.filter(cla_episodes__isnull=False).distinct()
    elif show == "adult_safeguarding":
        concerned = _adult_concern_person_ids()
        people = people.none() if concerned is None else people.filter(pk__in=concerned)
    return people


def transitions_rows(*, user, people: list[Person], as_of: date, now: datetime | None = None) -> list[dict]:
    """Each young person's row (age, 18th birthday, plan, flags); the list is audited as read."""
    now = now or datetime.combine(as_of, datetime.min.time(), tzinfo=UK)
    plans = {
        tp.person_id: tp
        for tp in TransitionPlan.objects.filter(person__in=people, closed_date__isnull=True).select_related(
            "owner", "adult_service"
        )
    }
    adult_ids = _people_with_adult_safeguarding([p.pk for p in people])
    cla_ids = set(
        Person.objects.filter(pk__in=[p.pk for p in people], cla_episodes__isnull=False).values_list("pk", flat=True)
    )
    rows = []
    for p in people:
        # known children were chosen by date of birth, so every one has a date of birth and an age
        assert p.date_of_birth is not None
        age = p.age_on(as_of)
        assert age is not None
        plan = plans.get(p.pk)
        rows.append(
            {
                "person": p,
                "person_id": p.pk,
                "age": age,
                "turns_18": p.date_of_birth.replace(year=p.date_of_birth.year + 18)
                if not (p.date_of_birth.month == 2 and p.date_of_birth.day == 29)
                else date(p.date_of_birth.year + 18, 3, 1),
                "plan": plan,
                "care_experienced": p.pk in cla_ids,
                "adult_safeguarding": p.pk in adult_ids,
                "needs_plan": plan is None and (age >= 17 or p.pk in adult_ids),
            }
        )
    with transaction.atomic():
        audit.record_list(actor=user, person_ids=[p.pk for p in people], at=now, view="casework.transitions")
    return rows


def transitions(*, user, as_of: date, now: datetime | None = None) -> list[dict]:
    """Every young person aged 16-25 known to children's services that the user may open, oldest first."""
    people = list(transitions_people(user=user, as_of=as_of, now=now).order_by("date_of_birth", "pk"))
    return transitions_rows(user=user, people=people, as_of=as_of, now=now)


# Adult safeguarding is the adults app's, above casework: the app offers the people with a concern
# through this hook, set in its AppConfig.ready(). Without the app, nobody is known to it.
_adult_concern_source: Callable[[], QuerySet] | None = None


def adult_concern_source_register(source: Callable[[], QuerySet] | None) -> None:
    """Name the function that gives the ids of people with an adult safeguarding concern (a subquery)."""
    global _adult_concern_source  # noqa: PLW0603 - the one hook, set once at start-up
    _adult_concern_source = source


def _adult_concern_person_ids():
    """Person ids with an adult safeguarding concern (a subquery), or None without the adults app."""
    return None if _adult_concern_source is None else _adult_concern_source()


def _people_with_adult_safeguarding(person_ids: list[int]) -> set[int]:
    ids = _adult_concern_person_ids()
    return set() if ids is None else set(ids.filter(person_id__in=person_ids))


SHARED_PAGE_SIZE = 50


def shared_with_my_agency(*, user, now: datetime | None = None, records_page=None, outcomes_page=None) -> dict:
    """Strategy records and enquiry/assessment outcomes shared with the user's agency (about
    children they may open): each list a page at a time, unread first, then the latest shared, with
    how many there are in all; the children shown are audited."""
    membership = policy.membership_for_user(user)
    if membership is None:
        raise PermissionDenied
    now = now or timezone.now()
    records = Paginator(
        _visible_rows(RecordShare.objects.filter(agency_id=membership.agency_id), user, now, field="meeting__person")
        .select_related("meeting__person")
        .order_by(still_open_first("read_at"), "-shared_at", "-pk"),
        SHARED_PAGE_SIZE,
    ).get_page(records_page)
    outcomes = Paginator(
        _visible_rows(CaseOutcomeShare.objects.filter(agency_id=membership.agency_id), user, now)
        .select_related("person")
        .order_by(still_open_first("read_at"), "-shared_at", "-pk"),
        SHARED_PAGE_SIZE,
    ).get_page(outcomes_page)
    with transaction.atomic():
        audit.record_list(
            actor=user,
            person_ids=[r.meeting.person_id for r in records] + [o.person_id for o in outcomes],
            at=now,
            view="casework.shared_with_us",
        )
    return {
        "records": list(records.object_list),
        "records_pager": records,
        "outcomes": list(outcomes.object_list),
        "outcomes_pager": outcomes,
    }


def involved_partner_agencies(person: Person, now: datetime) -> set[int]:
    """Agencies with a current involvement, other than children's social care itself."""
    return set(
        Involvement.objects.filter(Q(ended_at__isnull=True) | Q(ended_at__gt=now), person=person)
        .exclude(agency__kind="LA_CHILDREN")
        .values_list("agency_id", flat=True)
    )
