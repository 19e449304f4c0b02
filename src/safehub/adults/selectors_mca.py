"""Mental Capacity Act reads: the DoLS worklist, an adult's capacity record, DoLS and advocacy measures.

Lists of people go through ``policy.persons_visible_to`` and write one audit row per adult named;
measures are aggregates (no one is named, so nothing is audited).
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import date, datetime

from django.core.exceptions import PermissionDenied
from django.db.models import BooleanField, Case, DateField, F, Q, Value, When
from django.db.models.functions import Coalesce

from safehub.adults import rules
from safehub.adults.models_mca import (
    Advocacy,
    AdvocacyKind,
    CapacityAssessment,
    CapacityOutcome,
    DolsApplication,
    DolsOutcome,
)
from safehub.core import audit, calendar
from safehub.people import policy
from safehub.people.models import Person
from safehub.people.selectors import person_get_for_user


@dataclass(frozen=True)
class DolsRow:
    application_id: int
    person_id: int
    name: str
    managing_authority: str
    requested_on: date
    status: str
    due: date | None
    overdue: bool


def dols_status(application: DolsApplication, today: date) -> tuple[str, date | None, bool]:
    """Return (what the application needs, the date it turns on, whether that date has passed)."""
    if application.outcome == DolsOutcome.PENDING:
        if application.urgent_last_day and today <= application.urgent_last_day:
            return (
                "Urgent authorisation in force; standard decision due",
                application.decision_due,
                (today > application.decision_due),
            )
        if application.urgent_last_day and today > application.urgent_last_day:
            return "Urgent authorisation expired: standard decision needed now", application.urgent_last_day, True
        return "Standard decision due", application.decision_due, today > application.decision_due
    if application.outcome == DolsOutcome.GRANTED and application.authorised_until:
        if today > application.authorised_until:
            return "Authorisation expired", application.authorised_until, True
        if application.review_due and rules.review_overdue(application.review_due, today=today, closed=False):
            return "Review overdue", application.review_due, True
        return "Authorised: review due", application.review_due, False
    return application.get_outcome_display(), application.decided_on, False


def dols_work(*, user, now: datetime):
    """The council's open DoLS work, in the order it falls due (a queryset, sorted and paged by the database).

    An undecided request turns on its 21-day date (or, once its urgent authorisation has run out, on
    that authorisation's last day); a running authorisation on its review date. Each application
    carries ``due_on`` (that date; the day itself when there is none, as ``dols_status`` sorts it)
    and ``is_overdue``: ``dols_status``'s date and flag written as SQL, so a region's tens of
    thousands of applications are ordered and counted without reading them (a test checks the two
    agree on every branch). Not audited: no names are read; ``dols_rows`` opens the ones shown.
    """
    policy.require(user, "adults.decide")
    today = calendar.uk_date(now)
    visible = policy.person_visible_q(user, now=now, field="person", unlinked=False)
    pending, granted = Q(outcome=DolsOutcome.PENDING), Q(outcome=DolsOutcome.GRANTED, authorised_until__isnull=False)
    urgent_ran_out = pending & Q(urgent_last_day__lt=today)
    due = Case(
        When(urgent_ran_out, then=F("urgent_last_day")),
        When(pending, then=F("decision_due")),
        When(granted, then=F("review_due")),
        default=F("decided_on"),
        output_field=DateField(),
    )
    overdue = Case(
        When(urgent_ran_out, then=Value(True)),
        When(pending & Q(decision_due__lt=today), then=Value(True)),
        When(granted & Q(review_due__lt=today), then=Value(True)),
        default=Value(False),
        output_field=BooleanField(),
    )
    return (
        DolsApplication.objects.filter(visible, supervisory_body_id=policy.agency_id_of(user))
        .exclude(outcome__in=[DolsOutcome.NOT_GRANTED, DolsOutcome.WITHDRAWN])
        .exclude(outcome=DolsOutcome.GRANTED, authorised_until__lt=today)
        .annotate(due_on=Coalesce(due, Value(today), output_field=DateField()), is_overdue=overdue)
        .only("pk", "person_id", "requested_on", "outcome", "urgent_last_day", "decision_due", "authorised_until",
              "review_due", "decided_on")
        .order_by("due_on", "pk")
    )  # fmt: skip


def dols_rows(*, user, work, now: datetime) -> list[DolsRow]:
    """The rows of ``work`` (a page of ``dols_work``) with names and status, audited as listed."""
    today = calendar.uk_date(now)
    work = list(work)
    ids = [a.pk for a in work]
    named = {a.pk: a for a in DolsApplication.objects.filter(pk__in=ids).select_related("person", "managing_authority")}
    rows = []
    for a in work:
        status, due, overdue = dols_status(a, today)
        rows.append(DolsRow(a.pk, a.person_id, named[a.pk].person.display_name, named[a.pk].managing_authority.name,
                            a.requested_on, status, due, overdue))  # fmt: skip
    audit.record_list(actor=user, person_ids=[r.person_id for r in rows], at=now, view="DoLS worklist")
    return rows


def dols_worklist(*, user, now: datetime) -> list[DolsRow]:
    """Return the council's open DoLS work (the first 500), audited: ``dols_work`` then ``dols_rows``."""
    return dols_rows(user=user, work=dols_work(user=user, now=now)[:500], now=now)


def capacity_record(*, user, person: Person, now: datetime) -> dict:
    """Return an adult's capacity assessments (with best-interests decisions), advocacy and DoLS.

    ``person`` has been opened through ``person_get_for_user`` (which audits the read).
    """
    if not (policy.can(user, "adults.enquiry") or policy.can(user, "adults.decide")):
        raise PermissionDenied("not allowed: adults")
    assessments = (
        CapacityAssessment.objects.filter(person=person)
        .select_related("assessor", "agency")
        .prefetch_related("best_interests")
    )
    today = calendar.uk_date(now)
    return {
        "assessments": [
            {
                "id": a.pk,
                "lacks_capacity": a.outcome == CapacityOutcome.LACKS_CAPACITY,
                "enquiry_id": a.enquiry_id,
                "decision": a.decision,
                "outcome": a.get_outcome_display(),
                "assessed_on": a.assessed_on,
                "assessor": a.assessor.get_full_name() or a.assessor.username,
                "agency": a.agency.name,
                "support_given": a.support_given,
                "best_interests": [
                    {
                        "decision": b.decision,
                        "consulted": b.consulted,
                        "least_restrictive": b.least_restrictive_option,
                        "decided_on": b.decided_on,
                        "persons_views": b.persons_views,
                    }
                    for b in a.best_interests.all()
                ],
            }
            for a in assessments
        ],
        "advocacy": [
            {
                "kind": a.get_kind_display(),
                "enquiry_id": a.enquiry_id,
                "referred_on": a.referred_on,
                "ended_on": a.ended_on,
                "started_on": a.started_on,
                "advocate": a.advocate,
            }
            for a in Advocacy.objects.filter(person=person)
        ],  # fmt: skip
        "dols": [
            {
                "id": a.pk,
                "held_by_user": a.supervisory_body_id == policy.agency_id_of(user),
                "managing_authority": a.managing_authority.name,
                "requested_on": a.requested_on,
                "status": dols_status(a, today)[0],
                "due": dols_status(a, today)[1],
                "overdue": dols_status(a, today)[2],
                "conditions": a.conditions,
                "authorised_until": a.authorised_until,
            }
            for a in DolsApplication.objects.filter(person=person).select_related("managing_authority")
        ],  # fmt: skip
    }


def dols_measures(*, user, year: str, now: datetime) -> dict[str, int | float | None]:
    """DoLS measures for the year: applications, urgent ones, outcomes, and waiting time (days).

    Waiting time runs from the request to the decision (or to ``now`` while undecided); "decided in
    time" means by the 21-day date (``rules.standard_decision_due``).
    """
    policy.require(user, "adults.measures")
    first, last = calendar.financial_year(year)
    today = min(calendar.uk_date(now), last)
    received = list(DolsApplication.objects.filter(requested_on__gte=first, requested_on__lte=last))
    decided = [a for a in received if a.decided_on]
    waits = [rules.waiting_days(a.requested_on, a.decided_on, today=today) for a in decided]
    # Waiting on the year's last day (or today, during the year): not decided by then.
    waiting = [a for a in received if a.decided_on is None or a.decided_on > today]
    return {
        "dols_applications_received": len(received),
        "dols_urgent_authorisations": sum(a.urgent_granted_on is not None for a in received),
        "dols_urgent_extended": sum(a.urgent_extended_on is not None for a in received),
        "dols_granted": sum(a.outcome == DolsOutcome.GRANTED for a in received),
        "dols_not_granted": sum(a.outcome == DolsOutcome.NOT_GRANTED for a in received),
        "dols_withdrawn": sum(a.outcome == DolsOutcome.WITHDRAWN for a in received),
        "dols_decided_within_21_days": sum(a.decided_on <= a.decision_due for a in decided if a.decided_on),
        "dols_waiting_at_year_end_or_now": len(waiting),
        "dols_waiting_over_21_days": sum(today > a.decision_due for a in waiting),
        "dols_median_days_to_decision": statistics.median(waits) if waits else None,
        "dols_mean_days_to_decision": round(statistics.fmean(waits), 1) if waits else None,
    }


def advocacy_measures(*, user, year: str) -> dict[str, int]:
    """Advocacy referred in the year, by kind (Care Act s67, s68, IMCA) and started."""
    policy.require(user, "adults.measures")
    first, last = calendar.financial_year(year)
    referred = list(Advocacy.objects.filter(referred_on__gte=first, referred_on__lte=last))
    out = {f"advocacy_referred_{kind.lower()}": sum(a.kind == kind for a in referred) for kind in AdvocacyKind.values}
    out["advocacy_referred_total"] = len(referred)
    out["advocacy_started_total"] = sum(a.started_on is not None for a in referred)
    return out


def _require_mca_reader(user) -> None:
    if not (policy.can(user, "adults.enquiry") or policy.can(user, "adults.decide")):
        raise PermissionDenied("not allowed: adults")


def capacity_assessment_get_for_user(*, user, assessment_id: int, now: datetime) -> CapacityAssessment:
    """Return the assessment if the user may work on the adult's record, auditing the read of the adult."""
    assessment = CapacityAssessment.objects.select_related("agency", "assessor").filter(pk=assessment_id).first()
    if assessment is None:
        raise CapacityAssessment.DoesNotExist(assessment_id)
    _require_mca_reader(user)
    assessment.person = person_get_for_user(
        user=user, person_id=assessment.person_id, now=now, reason="capacity assessment"
    )
    return assessment


def dols_get_for_user(*, user, application_id: int, now: datetime) -> DolsApplication:
    """Return the DoLS application if the user's council is its supervisory body, auditing the read."""
    application = (
        DolsApplication.objects.select_related("managing_authority", "supervisory_body", "recorded_by")
        .filter(pk=application_id)
        .first()
    )
    if application is None:
        raise DolsApplication.DoesNotExist(application_id)
    policy.require(user, "adults.decide")
    if policy.agency_id_of(user) != application.supervisory_body_id:
        raise PermissionDenied("Only the supervisory body can open a DoLS application")
    application.person = person_get_for_user(user=user, person_id=application.person_id, now=now, reason="DoLS")
    return application


def dols_detail(*, application: DolsApplication, now: datetime) -> dict:
    """Return what the DoLS page shows: dates from the rules, what is due, and which steps are open."""
    today = calendar.uk_date(now)
    status, due, overdue = dols_status(application, today)
    pending = application.outcome == DolsOutcome.PENDING
    urgent_running = bool(application.urgent_last_day and today <= application.urgent_last_day)
    return {
        "application": application,
        "person": application.person,
        "status": status,
        "due": due,
        "overdue": overdue,
        "waiting_days": rules.waiting_days(application.requested_on, application.decided_on, today=today),
        "can_extend": pending and urgent_running and application.urgent_extended_on is None,
        "can_decide": pending,
        "can_review": application.outcome == DolsOutcome.GRANTED
        and application.authorised_until is not None
        and today <= application.authorised_until,
    }
