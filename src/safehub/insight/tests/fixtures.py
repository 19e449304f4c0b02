"""A small hand-made set of records for 2024-25 whose measures are known by hand.

Known answers for 2024-25 (1 April 2024 to 31 March 2025), worked out in the comments below:
contacts_total 4, referrals_total 3, re_referrals_12m_pct 33.3, assessments_within_45wd_pct 50.0,
icpc_within_15wd_pct 66.7, cp_plans_open_31_march 2, strategy_records_shared_in_time_pct 33.3,
education_notifications_before_next_school_day_pct 25.0, contacts_ethnicity_recorded_pct 75.0,
police_high_risk_within_limit_pct 50.0, contacts_voice_recorded_pct 50.0.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from safehub.casework.models import StrategyMeeting
from safehub.frontdoor.models import Contact
from safehub.testing.factories import (
    AgencyFactory,
    AssessmentFactory,
    ChildProtectionPlanFactory,
    ContactFactory,
    EducationNotificationFactory,
    LateFlagFactory,
    MeetingInviteFactory,
    PersonFactory,
    RecordShareFactory,
    ReferralFactory,
    Section47Factory,
    StrategyMeetingFactory,
    make_user,
)

KNOWN_2024_25 = {
    "contacts_total": 4,
    "referrals_total": 3,
    "referrals_nfa_total": 1,
    "re_referrals_12m_pct": 33.3,
    "assessments_completed_total": 2,
    "assessments_within_45wd_pct": 50.0,
    "icpc_total": 3,
    "icpc_within_15wd_pct": 66.7,
    "cp_plans_open_31_march": 2,
    "strategy_records_shared_in_time_pct": 33.3,
    "education_notifications_before_next_school_day_pct": 25.0,
    "contacts_ethnicity_recorded_pct": 75.0,
    "contacts_voice_recorded_pct": 50.0,
    "police_high_risk_referrals_total": 2,
    "police_high_risk_within_limit_pct": 50.0,
    "police_high_risk_late_flagged_total": 1,
}


def at(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


@dataclass
class Records:
    anna: object
    ben: object
    cara: object
    dev: object
    front_door: object
    police: object
    school: object
    hospital: object
    worker: object


def _contact(person, *, received_at: datetime, source: str, ethnicity: str = "WBRI", voice: str = "",
             high_risk: bool = False, incident_recorded_at: datetime | None = None) -> Contact:  # fmt: skip
    return ContactFactory(  # the child's names and date of birth are the person's
        person=person, ethnicity=ethnicity, child_voice=voice, source=source, received_at=received_at,
        summary="Concern described by the referrer", decision_due_at=received_at, high_risk=high_risk,
        incident_recorded_at=incident_recorded_at,
    )  # fmt: skip


def make_records() -> Records:
    """Create the records; return the people and agencies they involve."""
    front_door = AgencyFactory(kind="LA_CHILDREN", code="INS-CSC", name="Insight Children's Services")
    police = AgencyFactory(kind="POLICE", code="INS-POL", name="Insight Police")
    school = AgencyFactory(kind="SCHOOL", code="INS-SCH", name="Insight Primary School")
    hospital = AgencyFactory(kind="HEALTH_TRUST", code="INS-HOSP", name="Insight Hospital")
    worker = make_user("insight.worker", "SOCIAL_WORKER", front_door)
    anna = PersonFactory(given_name="Anna", date_of_birth=date(2014, 2, 3), sex="F", ethnicity="WBRI")
    ben = PersonFactory(given_name="Ben", date_of_birth=date(2012, 9, 9), sex="M", ethnicity="NOBT")
    cara = PersonFactory(given_name="Cara", date_of_birth=date(2019, 5, 5), sex="F", ethnicity="BAFR")
    dev = PersonFactory(given_name="Dev", date_of_birth=date(2010, 1, 1), sex="M", ethnicity="AIND")

    # Contacts: in the year by UK date are 1, 2, 4 and 5 (contacts_total 4).
    # 3 is 23:30 UTC on 31 March 2025 = 00:30 BST on 1 April: next year.
    # 4 is 22:30 UTC on 31 March 2025 = 23:30 BST on 31 March: this year.
    # Ethnicity recorded on 1, 4, 5 (2 is "not yet obtained"): 3 of 4 = 75.0.
    # Voice recorded on 1 and 5: 2 of 4 = 50.0.
    # Police high risk: 1 (14 hours after the incident, within 24) and 5 (48 hours, late, flagged): 50.0.
    c1 = _contact(anna, received_at=at(2024, 5, 10, 10), source="6", voice="She said she was scared",
                  high_risk=True, incident_recorded_at=at(2024, 5, 9, 20))  # fmt: skip
    c2 = _contact(ben, received_at=at(2024, 6, 1, 10), source="2A", ethnicity="NOBT")
    _contact(cara, received_at=at(2025, 3, 31, 23, 30), source="3F", ethnicity="BAFR")
    c4 = _contact(dev, received_at=at(2025, 3, 31, 22, 30), source="3F", ethnicity="AIND")
    c5 = _contact(anna, received_at=at(2024, 11, 1, 9), source="6", voice="Anna drew her family",
                  high_risk=True, incident_recorded_at=at(2024, 10, 30, 9))  # fmt: skip
    LateFlagFactory(
        contact=c5,
        raised_by=worker,
        agency=front_door,
        reason="Two days after the incident",
        raised_at=at(2024, 11, 1, 12),
    )

    # Referrals in the year: Anna 11 May 2024 (she had one on 1 December 2023: a re-referral),
    # Ben 2 June 2024 (no further action), Dev 15 June 2024 (his previous one is over 12 months
    # earlier). Cara's on 1 April 2025 is next year. re_referrals_12m_pct = 1 of 3 = 33.3.
    ReferralFactory(person=anna, referral_date=date(2023, 12, 1), source="6")
    ReferralFactory(person=anna, contact=c1, referral_date=date(2024, 5, 11), source="6")
    ReferralFactory(person=ben, contact=c2, referral_date=date(2024, 6, 2), source="2A", nfa=True)
    ReferralFactory(person=dev, referral_date=date(2023, 6, 14), source="3F")
    ReferralFactory(person=dev, referral_date=date(2024, 6, 15), source="3F")
    ReferralFactory(person=cara, referral_date=date(2025, 4, 1), source="3F")

    # Assessments authorised in the year: 45 working days (in time) and 46 (late): 50.0.
    # Cara's, authorised on 2 April 2025, is next year's.
    AssessmentFactory(
        person=anna, start_date=date(2024, 6, 3), due_date=date(2024, 8, 5), authorised_date=date(2024, 8, 5)
    )
    AssessmentFactory(
        person=dev, start_date=date(2024, 6, 3), due_date=date(2024, 8, 5), authorised_date=date(2024, 8, 6)
    )
    AssessmentFactory(
        person=cara, start_date=date(2025, 2, 3), due_date=date(2025, 4, 7), authorised_date=date(2025, 4, 2)
    )

    # Conferences in the year: 15 working days (in time), 16 (late), 10 (in time): 2 of 3 = 66.7.
    # Dev's conference on 1 April 2025 is next year's.
    for person, strategy, icpc in (
        (anna, date(2024, 7, 1), date(2024, 7, 22)),
        (ben, date(2024, 7, 1), date(2024, 7, 23)),
        (cara, date(2024, 9, 2), date(2024, 9, 16)),
        (dev, date(2025, 3, 10), date(2025, 4, 1)),
    ):
        Section47Factory(person=person, strategy_date=strategy, icpc_due_date=icpc, icpc_date=icpc)

    # Children on a plan on 31 March 2025: Anna (open) and Ben (ends on 31 March itself) = 2.
    # Cara's plan ended on 30 March; Dev's starts on 1 April.
    for person, start, end in (
        (anna, date(2024, 8, 1), None),
        (ben, date(2024, 8, 1), date(2025, 3, 31)),
        (cara, date(2024, 9, 20), date(2025, 3, 30)),
        (dev, date(2025, 4, 1), None),
    ):
        ChildProtectionPlanFactory(
            person=person, start_date=start, end_date=end, initial_category="NEGLECT", latest_category="NEGLECT"
        )

    # Strategy meetings held in the year: Anna's record reached police and school in time (the
    # council's own invite is not waited on); Ben's reached the hospital late; Cara's was never
    # shared. 1 of 3 = 33.3. Dev's meeting in April 2025 is next year's.
    def meeting(person, held: datetime, due: datetime) -> StrategyMeeting:
        return StrategyMeetingFactory(
            person=person,
            convened_by=worker,
            chair=worker,
            convened_at=held,
            scheduled_at=held,
            held_at=held,
            record_share_due_at=due,
        )

    m1 = meeting(anna, at(2024, 7, 1, 10), at(2024, 7, 2, 22, 59))
    m2 = meeting(ben, at(2024, 7, 1, 14), at(2024, 7, 2, 22, 59))
    m3 = meeting(cara, at(2024, 9, 2, 10), at(2024, 9, 3, 22, 59))
    m4 = meeting(dev, at(2025, 4, 2, 10), at(2025, 4, 3, 22, 59))
    for m, agencies in ((m1, (front_door, police, school)), (m2, (police, hospital)), (m3, (police,)),
                        (m4, (police,))):  # fmt: skip
        for agency in agencies:
            MeetingInviteFactory(meeting=m, agency=agency, invited_at=m.convened_at)
    RecordShareFactory(meeting=m1, agency=police, shared_at=at(2024, 7, 2, 9))
    RecordShareFactory(meeting=m1, agency=school, shared_at=at(2024, 7, 2, 9))
    RecordShareFactory(meeting=m2, agency=police, shared_at=at(2024, 7, 2, 9))
    RecordShareFactory(meeting=m2, agency=hospital, shared_at=at(2024, 7, 4, 9))
    RecordShareFactory(meeting=m4, agency=police, shared_at=at(2025, 4, 2, 15))

    # Education notifications of incidents in the year: one delivered before the next school day,
    # one after, one not at all, and one delivered late: 1 of 4 = 25.0.
    for contact, incident, due, delivered in (
        (c1, at(2024, 10, 1, 20), at(2024, 10, 2, 7, 30), at(2024, 10, 2, 6)),
        (c2, at(2024, 10, 4, 20), at(2024, 10, 7, 7, 30), at(2024, 10, 7, 9)),
        (c4, at(2024, 10, 10, 20), at(2024, 10, 11, 7, 30), None),
        (c5, at(2024, 11, 1, 20), at(2024, 11, 4, 8, 30), at(2024, 11, 5, 8)),
    ):
        EducationNotificationFactory(
            contact=contact,
            person=contact.person,
            setting=school,
            incident_at=incident,
            due_at=due,
            delivered_at=delivered,
            summary="Police attended a domestic incident",
        )
    return Records(anna, ben, cara, dev, front_door, police, school, hospital, worker)
