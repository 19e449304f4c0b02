"""Small builders for adult safeguarding tests (through the services, as a user would)."""

from __future__ import annotations

from datetime import timedelta

from safehub.adults import services

TEST_YES = {"has_care_and_support_needs": True, "experiencing_or_at_risk": True, "unable_to_protect_self": True}


def raise_concern(person, by, now, **extra):
    fields = {
        "source_kind": "AGENCY",
        "what_happened": "Bruising to both forearms noticed at a home visit",
        "consent": "GIVEN",
        "where_happened": "Her flat",
        "adult_views": "I don't want to be a bother",
        "adult_wishes": "To stay at home",
    }
    fields.update(extra)
    return services.concern_record(person=person, by=by, now=now, **fields)


def decide(concern, by, now, decision="S42", test=None, **extra):
    answers = dict(TEST_YES if test is None else test)
    return services.concern_decide(
        concern=concern,
        by=by,
        now=now,
        expected_version=concern.version,
        decision=decision,
        decision_rationale=extra.pop("decision_rationale", "All three limbs of the test are met"),
        signposting=extra.pop("signposting", "Age UK befriending" if decision == "NFA" else ""),
        **answers,
        **extra,
    )


def complete_enquiry(enquiry, by, now, concluded_date=None, conclude_now=None, **extra):
    fields = {
        "risk_types": ["NEGLECT", "FINANCIAL"],
        "risk_locations": ["OWN_HOME"],
        "risk_sources": ["KNOWN"],
        "action_taken": True,
        "risk_outcome": "REDUCED",
        "lacked_capacity": "NO",
        "desired_outcomes_asked": "EXPRESSED",
        "desired_outcomes": "To feel safe at home",
        "outcomes_achieved": "PARTIALLY",
    }
    fields.update(extra)
    enquiry = services.enquiry_update(enquiry=enquiry, by=by, now=now, expected_version=enquiry.version, **fields)
    concluded_date = concluded_date or (now + timedelta(days=30)).date()
    return services.enquiry_conclude(
        enquiry=enquiry,
        by=by,
        now=conclude_now or _moment(concluded_date),
        concluded_date=concluded_date,
        expected_version=enquiry.version,
    )


def _moment(day):
    from datetime import UTC, datetime, time

    return datetime.combine(day, time(12), tzinfo=UTC)
