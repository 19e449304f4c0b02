"""Export adult safeguarding records as the CSV file ``io`` reads (columns in ``io_columns``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction

from safehub.adults.io_columns import COLUMNS, CONCERN_TEXT, OWN_SYSTEM
from safehub.adults.models import Enquiry, EnquiryRiskLocation, EnquiryRiskSource, EnquiryRiskType, SafeguardingConcern
from safehub.core import audit, calendar, csv_safety
from safehub.core.models import AuditAction
from safehub.people import policy


def _yn(value: bool | None) -> str:
    return "" if value is None else ("Y" if value else "N")


def _key(obj, kind: str) -> tuple[str, str]:
    if obj.source_record_id:
        return obj.source_system, obj.source_record_id
    return OWN_SYSTEM, f"{kind}-{obj.pk}"


def _concern_row(c: SafeguardingConcern) -> dict[str, Any]:
    system, record_id = _key(c, "concern")
    day = calendar.uk_date(c.received_at)
    return {
        "source_system": system,
        "record_id": record_id,
        "record_type": "CONCERN",
        "person_reference": str(c.person.reference),
        "person_nhs_number": c.person.nhs_number,
        "council_code": c.council.code,
        "received_date": day.isoformat(),
        "received_at": c.received_at.isoformat(),
        "source_kind": c.source_kind,
        "source_agency_code": c.source_agency.code if c.source_agency else "",
        **{name: getattr(c, name) for name in CONCERN_TEXT},
        "consent": c.consent,
        "primary_support_reason": c.primary_support_reason,
        "reported_autism": c.reported_autism,
        "care_and_support_needs": _yn(c.has_care_and_support_needs),
        "experiencing_or_at_risk": _yn(c.experiencing_or_at_risk),
        "unable_to_protect_self": _yn(c.unable_to_protect_self),
        "decision": c.decision,
        "decided_date": calendar.uk_date(c.decided_at).isoformat() if c.decided_at else "",
        "decided_at": c.decided_at.isoformat() if c.decided_at else "",
        "age_at_event": c.person.age_on(day) if c.person.date_of_birth else "",
        "sex": c.person.sex,
        "ethnicity": c.person.ethnicity,
    }


def _enquiry_row(e: Enquiry, risks: list[str], locations: list[str], sources: list[str]) -> dict[str, Any]:
    system, record_id = _key(e, "enquiry")
    concern_system, concern_id = _key(e.concern, "concern")
    if concern_system != system:
        # An enquiry refers to its concern within one source system; Safehub ids bridge the two.
        system, record_id = OWN_SYSTEM, f"enquiry-{e.pk}"
        concern_id = f"concern-{e.concern_id}"
    return {
        "source_system": system,
        "record_id": record_id,
        "record_type": "ENQUIRY",
        "person_reference": str(e.person.reference),
        "person_nhs_number": e.person.nhs_number,
        "council_code": e.council.code,
        "concern_record_id": concern_id,
        "enquiry_kind": e.kind,
        "carried_out_by_code": e.carried_out_by.code if e.carried_out_by else "",
        "started_date": e.started_date.isoformat(),
        "planning_date": e.planning_date.isoformat() if e.planning_date else "",
        "concluded_date": e.concluded_date.isoformat() if e.concluded_date else "",
        "risk_types": ";".join(risks),
        "risk_locations": ";".join(locations),
        "risk_sources": ";".join(sources),
        "action_taken": _yn(e.action_taken),
        "action_summary": e.action_summary,
        "risk_outcome": e.risk_outcome,
        "lacked_capacity": e.lacked_capacity,
        "advocate_support": _yn(e.advocate_support),
        "desired_outcomes_asked": e.desired_outcomes_asked,
        "desired_outcomes": e.desired_outcomes,
        "outcomes_achieved": e.outcomes_achieved,
        "interpreter_used": _yn(e.interpreter_used),
        "heard_away_from_family": _yn(e.heard_away_from_family),
        "age_at_event": e.person.age_on(e.started_date) if e.person.date_of_birth else "",
        "sex": e.person.sex,
        "ethnicity": e.person.ethnicity,
    }


def adults_csv_export(*, year: str, out, by, now: datetime) -> int:
    """Write the year's records as CSV: concerns received in it, enquiries started or concluded in it
    (with their concerns, so the file imports on its own). Return the number of rows written.

    Only the adults ``by`` may open are written (``policy.persons_visible_to``), each named adult is
    audited as read (``audit.record_list``), and every cell goes through the one neutralising
    writer (``core.csv_safety``): free text such as ``=HYPERLINK(...)`` is never written raw.
    """
    from django.db.models import Q

    from safehub.adults.measures import year_bounds

    policy.require(by, "adults.decide")
    first, last = calendar.financial_year(year)
    start, end = year_bounds(year)
    visible = policy.person_visible_q(by, now=now, field="person", unlinked=False)
    enquiries = list(
        Enquiry.objects.filter(
            Q(started_date__gte=first, started_date__lte=last) | Q(concluded_date__gte=first, concluded_date__lte=last)
        )
        .filter(visible)
        .select_related("person", "council", "carried_out_by", "concern")
        .order_by("pk")
    )
    concern_ids = {e.concern_id for e in enquiries}
    concerns = (
        SafeguardingConcern.objects.filter(Q(received_at__gte=start, received_at__lt=end) | Q(pk__in=concern_ids))
        .filter(visible)
        .select_related("person", "council", "source_agency")
        .order_by("received_at", "pk")
    )
    enquiry_ids = [e.pk for e in enquiries]
    categories: dict[str, dict[int, list[str]]] = {"risk_types": {}, "risk_locations": {}, "risk_sources": {}}
    for name, model, column in (
        ("risk_types", EnquiryRiskType, "risk_type"),
        ("risk_locations", EnquiryRiskLocation, "location"),
        ("risk_sources", EnquiryRiskSource, "source"),
    ):
        for enquiry_id, code in (
            model.objects.filter(enquiry_id__in=enquiry_ids).order_by(column).values_list("enquiry_id", column)
        ):
            categories[name].setdefault(enquiry_id, []).append(code)
    writer = csv_safety.NeutralisingDictWriter(out, fieldnames=COLUMNS, extrasaction="ignore")
    writer.writeheader()
    n = 0
    person_ids: set[int] = set()
    for c in concerns.iterator(chunk_size=2000):
        writer.writerow(_concern_row(c))
        person_ids.add(c.person_id)
        n += 1
    for e in enquiries:
        writer.writerow(
            _enquiry_row(
                e,
                categories["risk_types"].get(e.pk, []),
                categories["risk_locations"].get(e.pk, []),
                categories["risk_sources"].get(e.pk, []),
            )
        )
        person_ids.add(e.person_id)
        n += 1
    with transaction.atomic():
        audit.record(
            actor=by, action=AuditAction.EXPORT, at=now, object_type="adults.csv", details={"year": year, "rows": n}
        )
        audit.record_list(actor=by, person_ids=person_ids, at=now, view="adults CSV export")
    return n
