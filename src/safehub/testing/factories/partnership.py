"""Factories of the partnership's models (audits, self-assessment, escalations, learning) and insight's report builds."""

from __future__ import annotations

from datetime import date

import factory

from safehub.insight.models import ReportBuild
from safehub.partnership.models import (
    AuditAgencyReturn,
    AuditCase,
    Escalation,
    MultiAgencyAudit,
    SelfAssessmentCycle,
    SelfAssessmentRating,
    SelfAssessmentReturn,
    TrainingAttendance,
    TrainingCourse,
    TrainingEvent,
)
from safehub.testing.factories.shared import AT, AgencyFactory, PersonFactory, UserFactory


class MultiAgencyAuditFactory(factory.django.DjangoModelFactory):
    """A planned multi-agency audit of neglect cases."""

    class Meta:
        model = MultiAgencyAudit

    title = factory.Sequence(lambda n: f"Neglect audit {n}")
    tool = "NEGLECT"
    planned_date = date(2025, 5, 1)
    created_by = factory.SubFactory(UserFactory)
    created_at = AT


class AuditCaseFactory(factory.django.DjangoModelFactory):
    """The first case sampled for an audit (one number and one person per audit: the table's constraints)."""

    class Meta:
        model = AuditCase

    audit = factory.SubFactory(MultiAgencyAuditFactory)
    person = factory.SubFactory(PersonFactory)
    number = 1


class AuditAgencyReturnFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AuditAgencyReturn

    case = factory.SubFactory(AuditCaseFactory)
    agency = factory.SubFactory(AgencyFactory, kind="POLICE")
    answers = factory.LazyAttribute(
        lambda r: {code: "Yes, recorded in the case file" for code, _ in r.case.audit.questions}
    )
    grade = "GOOD"
    submitted_at = AT


class SelfAssessmentCycleFactory(factory.django.DjangoModelFactory):
    """The section 11 cycle of a year (one per kind and year: an existing one is reused)."""

    class Meta:
        model = SelfAssessmentCycle
        django_get_or_create = ("kind", "year")

    kind = "SECTION_11"
    year = "2025-26"
    cycle_year = 1
    opens_date = date(2025, 6, 1)
    due_date = date(2025, 9, 30)


class SelfAssessmentReturnFactory(factory.django.DjangoModelFactory):
    """An agency's return in a cycle, not submitted yet."""

    class Meta:
        model = SelfAssessmentReturn

    cycle = factory.SubFactory(SelfAssessmentCycleFactory)
    agency = factory.SubFactory(AgencyFactory, kind="HEALTH_TRUST")


class SelfAssessmentRatingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SelfAssessmentRating

    self_assessment = factory.SubFactory(SelfAssessmentReturnFactory)
    standard = "S1"
    rating = "MET"
    evidence = "Safeguarding policy reviewed by the board in the year."


class EscalationFactory(factory.django.DjangoModelFactory):
    """An open stage-1 escalation from the police to a school (two different agencies: the table's check)."""

    class Meta:
        model = Escalation

    raised_by_agency = factory.SubFactory(AgencyFactory, kind="POLICE")
    raised_by_name = "DS Test"
    raised_with_agency = factory.SubFactory(AgencyFactory, kind="SCHOOL")
    concern = "The child's plan has no school actions."
    raised_at = AT


class TrainingCourseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TrainingCourse

    title = factory.Sequence(lambda n: f"Neglect toolkit {n}")
    theme = "NEGLECT"


class TrainingEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TrainingEvent

    course = factory.SubFactory(TrainingCourseFactory)
    starts_at = AT
    venue = "Civic Centre, room 2"


class TrainingAttendanceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TrainingAttendance

    event = factory.SubFactory(TrainingEventFactory)
    agency = factory.SubFactory(AgencyFactory, kind="POLICE")
    job_role = "Officer"
    attendee_name = "Sam Lee"


class ReportBuildFactory(factory.django.DjangoModelFactory):
    """A queued build of the yearly report."""

    class Meta:
        model = ReportBuild

    year = "2024-25"
    requested_by = factory.SubFactory(UserFactory)
    requested_at = AT
