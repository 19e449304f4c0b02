"""Factories of the children's apps' models: front door, casework, looked after, early help.

Due dates come from the apps' own rules (``casework.rules``, ``lookedafter.rules``), so a default
row is in time by the same clock the services use. Optional links (a lead agency, an adult service,
a referral) are left empty; the user who did something is filled in. Each default builds its own child, so the
one-open-per-child constraints (case episodes, early help, adoption plans) hold; a test that gives
two rows the same child closes the first itself.
"""

from __future__ import annotations

from datetime import date, timedelta

import factory

from safehub.casework import rules as casework_rules
from safehub.casework.models import (
    Assessment,
    CaseEpisode,
    CaseNote,
    CaseOutcomeShare,
    CensusCheck,
    ChildProtectionPlan,
    CPReview,
    ExploitationRiskAssessment,
    LookedAfterEpisode,
    MeetingInvite,
    MissingEpisode,
    RecordShare,
    Section47,
    StrategyMeeting,
    TransitionPlan,
)
from safehub.earlyhelp.models import EarlyHelpEpisode
from safehub.frontdoor.models import (
    Consultation,
    Contact,
    EducationNotification,
    InformationRequest,
    LateFlag,
    OutcomeShare,
    Referral,
)
from safehub.lookedafter import rules as lookedafter_rules
from safehub.lookedafter.models import AdoptionPlan, CareEpisode, CareLeaver, LAHealthCheck, LAReview
from safehub.testing.factories.shared import AT, AgencyFactory, PersonFactory, UserFactory

# --- Front door --------------------------------------------------------------------------------


class ContactFactory(factory.django.DjangoModelFactory):
    """A police contact about a matched child, received at ``AT``, decision due a day later.

    The child's details are copied from ``person`` (pass ``person=None`` and the names for an
    unmatched child); no referring agency unless a test gives one.
    """

    class Meta:
        model = Contact

    person = factory.SubFactory(PersonFactory)
    child_given_name = factory.LazyAttribute(lambda c: c.person.given_name if c.person else "Sam")
    child_family_name = factory.LazyAttribute(lambda c: c.person.family_name if c.person else "Testchild")
    child_date_of_birth = factory.LazyAttribute(lambda c: c.person.date_of_birth if c.person else None)
    source = "6"  # CIN census: police
    received_at = AT
    summary = "Police attended a domestic incident; the child was present."
    consent = "GIVEN"
    decision_due_at = factory.LazyAttribute(lambda c: c.received_at + timedelta(hours=24))
    created_by = factory.SubFactory(UserFactory)


class ReferralFactory(factory.django.DjangoModelFactory):
    """A referral to children's social care with no contact behind it (a test gives one if it needs it)."""

    class Meta:
        model = Referral

    person = factory.SubFactory(PersonFactory)
    referral_date = date(2025, 3, 3)
    source = "6"


class InformationRequestFactory(factory.django.DjangoModelFactory):
    """The front door asking a health trust what it knows, answer due within four hours."""

    class Meta:
        model = InformationRequest

    contact = factory.SubFactory(ContactFactory)
    agency = factory.SubFactory(AgencyFactory, kind="HEALTH_TRUST")
    question = "Is the child known to your service?"
    requested_by = factory.SubFactory(UserFactory)
    requested_at = factory.SelfAttribute("contact.received_at")
    due_at = factory.LazyAttribute(lambda r: r.requested_at + timedelta(hours=4))


class ConsultationFactory(factory.django.DjangoModelFactory):
    """A GP asking the front door for advice about a child not yet named."""

    class Meta:
        model = Consultation

    asked_by_name = "Dr Test (GP)"
    asked_at = AT
    child_description = "Boy, 7, at a local primary school"
    question = "Does this need a referral?"
    recorded_by = factory.SubFactory(UserFactory)


class LateFlagFactory(factory.django.DjangoModelFactory):
    """An agency flagging that the police told it of an incident late (once per contact and agency)."""

    class Meta:
        model = LateFlag

    contact = factory.SubFactory(ContactFactory)
    raised_by = factory.SubFactory(UserFactory)
    agency = factory.SubFactory(AgencyFactory, kind="LA_CHILDREN")
    reason = "Two days after the incident"
    raised_at = factory.LazyAttribute(lambda f: f.contact.received_at + timedelta(hours=2))


class EducationNotificationFactory(factory.django.DjangoModelFactory):
    """An incident notice to the contact's child's school, due before the next school day."""

    class Meta:
        model = EducationNotification

    contact = factory.SubFactory(ContactFactory)
    person = factory.SelfAttribute("contact.person")
    setting = factory.SubFactory(AgencyFactory, kind="SCHOOL")
    incident_at = factory.LazyAttribute(lambda n: n.contact.received_at - timedelta(hours=12))
    due_at = factory.LazyAttribute(lambda n: n.incident_at + timedelta(hours=24))
    summary = "Police attended a domestic incident"


class OutcomeShareFactory(factory.django.DjangoModelFactory):
    """A front-door outcome shared with the referring agency, not read yet."""

    class Meta:
        model = OutcomeShare

    contact = factory.SubFactory(ContactFactory)
    agency = factory.SubFactory(AgencyFactory, kind="POLICE")
    shared_at = factory.LazyAttribute(lambda s: s.contact.received_at + timedelta(hours=6))


# --- Casework ----------------------------------------------------------------------------------


class CaseEpisodeFactory(factory.django.DjangoModelFactory):
    """An open case at the referral stage (one open case per child: the table's constraint)."""

    class Meta:
        model = CaseEpisode

    person = factory.SubFactory(PersonFactory)
    referral_date = date(2025, 3, 3)
    referral_source = "6"
    opened_by = factory.SubFactory(UserFactory)
    opened_at = AT


class CaseNoteFactory(factory.django.DjangoModelFactory):
    """A home visit at which the child was seen, locking by the casework rule."""

    class Meta:
        model = CaseNote

    episode = factory.SubFactory(CaseEpisodeFactory)
    kind = "HOME_VISIT"
    occurred_at = AT
    child_seen = True
    text = "Visited at home; the child showed me their room."
    written_by = factory.SubFactory(UserFactory)
    written_at = factory.SelfAttribute("occurred_at")
    locks_at = factory.LazyAttribute(lambda n: casework_rules.note_locks_at(n.written_at))


class CensusCheckFactory(factory.django.DjangoModelFactory):
    """A queued CIN census check."""

    class Meta:
        model = CensusCheck

    year = "2024-25"
    requested_by = factory.SubFactory(UserFactory)
    requested_at = AT


class StrategyMeetingFactory(factory.django.DjangoModelFactory):
    """A strategy discussion convened at ``AT`` for two hours later, chaired by whoever convened it."""

    class Meta:
        model = StrategyMeeting

    person = factory.SubFactory(PersonFactory)
    convened_by = factory.SubFactory(UserFactory)
    chair = factory.SelfAttribute("convened_by")
    convened_at = AT
    scheduled_at = factory.LazyAttribute(lambda m: m.convened_at + timedelta(hours=2))


class MeetingInviteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MeetingInvite

    meeting = factory.SubFactory(StrategyMeetingFactory)
    agency = factory.SubFactory(AgencyFactory, kind="POLICE")
    invited_at = factory.SelfAttribute("meeting.convened_at")


class RecordShareFactory(factory.django.DjangoModelFactory):
    """A strategy record shared with an agency, not read yet."""

    class Meta:
        model = RecordShare

    meeting = factory.SubFactory(StrategyMeetingFactory)
    agency = factory.SubFactory(AgencyFactory, kind="POLICE")
    shared_at = factory.LazyAttribute(lambda s: s.meeting.scheduled_at + timedelta(hours=20))


class CaseOutcomeShareFactory(factory.django.DjangoModelFactory):
    """An enquiry's outcome shared with an involved agency, not read yet (as casework.services shares it)."""

    class Meta:
        model = CaseOutcomeShare

    person = factory.SubFactory(PersonFactory)
    kind = CaseOutcomeShare.Kind.SECTION_47
    object_id = factory.Sequence(lambda n: n + 1)
    summary = "Section 47 enquiry complete: concerns substantiated; an initial conference follows"
    agency = factory.SubFactory(AgencyFactory, kind="POLICE")
    shared_at = AT + timedelta(days=7)


class Section47Factory(factory.django.DjangoModelFactory):
    """An open section 47 enquiry; the conference is due by the casework rule."""

    class Meta:
        model = Section47

    person = factory.SubFactory(PersonFactory)
    strategy_date = date(2025, 3, 3)
    icpc_due_date = factory.LazyAttribute(lambda s: casework_rules.icpc_due(s.strategy_date))


class AssessmentFactory(factory.django.DjangoModelFactory):
    """An open child and family assessment, due 45 working days after it starts."""

    class Meta:
        model = Assessment

    person = factory.SubFactory(PersonFactory)
    start_date = date(2025, 3, 3)
    due_date = factory.LazyAttribute(lambda a: casework_rules.assessment_due(a.start_date))


class ChildProtectionPlanFactory(factory.django.DjangoModelFactory):
    """An open plan for neglect."""

    class Meta:
        model = ChildProtectionPlan

    person = factory.SubFactory(PersonFactory)
    start_date = date(2025, 3, 3)
    initial_category = "NEGLECT"
    latest_category = factory.SelfAttribute("initial_category")


class CPReviewFactory(factory.django.DjangoModelFactory):
    """The plan's first review conference, due three months after it started, not held yet."""

    class Meta:
        model = CPReview

    plan = factory.SubFactory(ChildProtectionPlanFactory)
    due_date = factory.LazyAttribute(lambda r: casework_rules.cp_review_due(r.plan.start_date, None))


class LookedAfterEpisodeFactory(factory.django.DjangoModelFactory):
    """A period of care, open; its 903 episodes (``CareEpisodeFactory``) carry legal status and placement."""

    class Meta:
        model = LookedAfterEpisode

    person = factory.SubFactory(PersonFactory)
    start_date = date(2025, 3, 3)


class MissingEpisodeFactory(factory.django.DjangoModelFactory):
    """A child missing overnight, back the next morning."""

    class Meta:
        model = MissingEpisode

    person = factory.SubFactory(PersonFactory)
    started_at = AT
    ended_at = factory.LazyAttribute(lambda m: m.started_at + timedelta(hours=13))
    risk_level = "MEDIUM"


class ExploitationRiskAssessmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ExploitationRiskAssessment

    person = factory.SubFactory(PersonFactory, date_of_birth=date(2010, 6, 1))
    assessed_at = AT
    kinds = factory.LazyFunction(lambda: ["criminal"])
    level = "MODERATE"
    rationale = "Found with older young people far from home; new phone and money."
    assessed_by = factory.SubFactory(UserFactory)


class TransitionPlanFactory(factory.django.DjangoModelFactory):
    """A plan for a 17-year-old's move to adult services (no adult service named yet), reviewed six months on."""

    class Meta:
        model = TransitionPlan

    person = factory.SubFactory(PersonFactory, date_of_birth=date(2008, 1, 15))
    owner = factory.SubFactory(UserFactory)
    started_date = date(2025, 3, 3)
    review_date = factory.LazyAttribute(lambda p: casework_rules.add_months(p.started_date, 6))
    needs = "Autism; risk of exploitation"
    plan = "Joint visits with the adult social worker before the 18th birthday"


# --- Looked after ------------------------------------------------------------------------------


class CareEpisodeFactory(factory.django.DjangoModelFactory):
    """The first 903 episode of a period of care: a care order, with a council foster carer."""

    class Meta:
        model = CareEpisode

    period = factory.SubFactory(LookedAfterEpisodeFactory)
    person = factory.SelfAttribute("period.person")
    decom = factory.SelfAttribute("period.start_date")
    rne = "S"
    ls = "C2"
    cin = "N1"
    place = "U6"
    place_provider = "PR1"
    home_post = "SO14 0HU"
    recorded_at = AT


class LAReviewFactory(factory.django.DjangoModelFactory):
    """The first review of a period of care, due by the 903 rule, not held yet."""

    class Meta:
        model = LAReview

    period = factory.SubFactory(LookedAfterEpisodeFactory)
    person = factory.SelfAttribute("period.person")
    number = 1
    due_date = factory.LazyAttribute(lambda r: lookedafter_rules.first_review_due(r.period.start_date))


class LAHealthCheckFactory(factory.django.DjangoModelFactory):
    """The initial health assessment of a period of care, due by the first review, not done yet."""

    class Meta:
        model = LAHealthCheck

    period = factory.SubFactory(LookedAfterEpisodeFactory)
    person = factory.SelfAttribute("period.person")
    kind = "INITIAL"
    due_date = factory.LazyAttribute(lambda h: lookedafter_rules.initial_health_due(h.period.start_date))


class AdoptionPlanFactory(factory.django.DjangoModelFactory):
    """An open plan for adoption (one open plan per child: the table's constraint)."""

    class Meta:
        model = AdoptionPlan

    person = factory.SubFactory(PersonFactory, date_of_birth=date(2024, 2, 1))
    decision_date = date(2025, 3, 3)
    recorded_at = AT


class CareLeaverFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CareLeaver

    person = factory.SubFactory(PersonFactory, date_of_birth=date(2007, 9, 1))
    category = "FORMER_RELEVANT"
    recorded_at = AT


# --- Early help --------------------------------------------------------------------------------


class EarlyHelpEpisodeFactory(factory.django.DjangoModelFactory):
    """An open early help assessment from an agency (one open episode per child, Annex A imports apart)."""

    class Meta:
        model = EarlyHelpEpisode

    person = factory.SubFactory(PersonFactory)
    origin = "AGENCY"
    assessment_start_date = date(2025, 3, 3)
    opened_by = factory.SubFactory(UserFactory)
    opened_at = AT
