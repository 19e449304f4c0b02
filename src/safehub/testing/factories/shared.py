"""Factories of the shared apps' models: agencies, people, core (audit, alerts, outbox), governance.

Each builds a valid row with the fewest choices made, so a test names only what it is about
(``InvolvementFactory(person=child, agency=school)``). Times default to a fixed instant (``AT``);
a test that depends on the date passes its own.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import factory
from django.contrib.auth import get_user_model
from django_otp.plugins.otp_totp.models import TOTPDevice

from safehub.agencies.models import Agency, AgencyKind, Membership, Role, Team
from safehub.core.models import AlertKind, AuditAction, AuditEvent, SecurityAlert
from safehub.core.outbox_models import OutboxDelivery, OutboxEvent, OutboxStatus
from safehub.governance.models import LegalHold, RetentionBasis, RetentionReview, RetentionRule
from safehub.people.models import (
    Address,
    AgencyInformation,
    BreakGlassGrant,
    DuplicateCandidate,
    EducationPlacement,
    Involvement,
    InvolvementKind,
    Person,
    PersonName,
    Relationship,
    RelationshipKind,
    SealAction,
    SealDecision,
    SealedAccess,
)

TEST_PASSWORD = "correct-horse-battery-staple-42"  # noqa: S105 - test fixture
AT = datetime(2025, 3, 3, 10, 0, tzinfo=UTC)  # a Monday: the default instant of rows that need one


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency
        django_get_or_create = ("code",)

    name = factory.Sequence(lambda n: f"Agency {n}")
    code = factory.Sequence(lambda n: f"AG{n}")
    kind = AgencyKind.VOLUNTARY


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    agency = factory.SubFactory(AgencyFactory, kind=AgencyKind.LA_CHILDREN)
    name = factory.Sequence(lambda n: f"Team {n}")


class UserFactory(factory.django.DjangoModelFactory):
    """A user who can sign in with ``TEST_PASSWORD``; no membership (see ``MembershipFactory``)."""

    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.LazyAttribute(lambda u: u.username.split(".")[0].title())
    password = factory.django.Password(TEST_PASSWORD)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    agency = factory.SubFactory(AgencyFactory)
    role = Role.AGENCY_PRACTITIONER


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    given_name = factory.Sequence(lambda n: f"Alex{n}")
    family_name = "Testchild"
    date_of_birth = date(2015, 6, 1)
    sex = "M"


class PersonNameFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PersonName

    person = factory.SubFactory(PersonFactory)
    given_name = "Al"
    family_name = "Testchild"


class AddressFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Address

    person = factory.SubFactory(PersonFactory)
    line_1 = factory.Sequence(lambda n: f"{n + 1} Test Street")
    town = "Testtown"
    postcode = "SW1A 1AA"


class RelationshipFactory(factory.django.DjangoModelFactory):
    """``related`` is the ``kind`` of ``person`` (by default: the parent of a child)."""

    class Meta:
        model = Relationship

    person = factory.SubFactory(PersonFactory)
    related = factory.SubFactory(PersonFactory, family_name="Testparent", date_of_birth=date(1985, 1, 1), sex="F")
    kind = RelationshipKind.PARENT


class InvolvementFactory(factory.django.DjangoModelFactory):
    """A current involvement (the basis of an agency's access to a person's record)."""

    class Meta:
        model = Involvement

    person = factory.SubFactory(PersonFactory)
    agency = factory.SubFactory(AgencyFactory)
    kind = InvolvementKind.CASE_HOLDER
    started_at = AT
    ended_at = None


class EducationPlacementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EducationPlacement

    person = factory.SubFactory(PersonFactory)
    setting = factory.SubFactory(AgencyFactory, kind=AgencyKind.SCHOOL)
    started_date = date(2024, 9, 1)


class AgencyInformationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AgencyInformation

    person = factory.SubFactory(PersonFactory)
    agency = factory.SubFactory(AgencyFactory)
    summary = "Known to the agency."
    recorded_at = AT
    recorded_by = factory.SubFactory(UserFactory)


class SealedAccessFactory(factory.django.DjangoModelFactory):
    """A user named on a sealed record."""

    class Meta:
        model = SealedAccess

    person = factory.SubFactory(PersonFactory, sealed=True)
    user = factory.SubFactory(UserFactory)
    granted_at = AT


class SealDecisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SealDecision

    person = factory.SubFactory(PersonFactory, sealed=True)
    action = SealAction.SEAL
    reason = "Knowing the record exists would put the child at risk."
    decided_by = factory.SubFactory(UserFactory)
    decided_at = AT


class BreakGlassGrantFactory(factory.django.DjangoModelFactory):
    """A break-glass grant open for an hour from ``granted_at``."""

    class Meta:
        model = BreakGlassGrant

    person = factory.SubFactory(PersonFactory)
    user = factory.SubFactory(UserFactory)
    reason = "Urgent welfare check out of hours"
    granted_at = AT
    expires_at = factory.LazyAttribute(lambda g: g.granted_at + timedelta(hours=1))


class DuplicateCandidateFactory(factory.django.DjangoModelFactory):
    """A pair for clerical review; ``person_a`` must have the lower key (the table's constraint)."""

    class Meta:
        model = DuplicateCandidate

    person_a = factory.SubFactory(PersonFactory)
    person_b = factory.SubFactory(PersonFactory)
    probability = 0.8
    found_at = AT
    reasons = factory.LazyFunction(
        lambda: [
            {"field": "date_of_birth", "how": "exact", "weight": 4.2},
            {"field": "family_name", "how": "exact", "weight": 3.1},
            {"field": "given_name", "how": "nickname", "weight": 1.4},
        ]
    )


class SecurityAlertFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SecurityAlert

    raised_at = AT
    kind = AlertKind.BULK_READ
    user = factory.SubFactory(UserFactory)
    summary = "Read 500 records in an hour"


class AuditEventFactory(factory.django.DjangoModelFactory):
    """A user's read of a person's record, as ``core.audit`` writes it."""

    class Meta:
        model = AuditEvent

    at = AT
    actor = factory.SubFactory(UserFactory)
    actor_username = factory.LazyAttribute(lambda e: e.actor.username if e.actor else "")
    action = AuditAction.VIEW
    object_type = "people.Person"
    object_id = "1"
    reason = "Viewed the record"


class OutboxEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OutboxEvent

    name = "record.shared"
    payload = factory.LazyFunction(lambda: {"agency_id": 1, "kind": "outcome", "id": 7, "url": "/api/outcomes/?id=7"})
    created_at = AT


class OutboxDeliveryFactory(factory.django.DjangoModelFactory):
    """A pending delivery of an event to one handler (one per event and handler: the table's constraint)."""

    class Meta:
        model = OutboxDelivery

    event = factory.SubFactory(OutboxEventFactory)
    handler = factory.Sequence(lambda n: f"test.subscriber{n}")
    status = OutboxStatus.PENDING
    next_attempt_at = factory.SelfAttribute("event.created_at")


class TOTPDeviceFactory(factory.django.DjangoModelFactory):
    """A confirmed authenticator app (django-otp), so the user is asked for a code after the password."""

    class Meta:
        model = TOTPDevice

    user = factory.SubFactory(UserFactory)
    name = "Phone"
    confirmed = True


class RetentionRuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RetentionRule
        django_get_or_create = ("record_kind",)

    record_kind = factory.Sequence(lambda n: f"record_kind_{n}")
    description = "Test retention rule"
    basis = RetentionBasis.FROM_LAST_ACTIVITY
    years = 6


class LegalHoldFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LegalHold

    person = factory.SubFactory(PersonFactory)
    reason = "Case review in progress"
    placed_by = factory.SubFactory(UserFactory)
    placed_at = AT


class RetentionReviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RetentionReview

    person = factory.SubFactory(PersonFactory)
    rule = factory.SubFactory(RetentionRuleFactory)
    due_date = date(2025, 4, 1)
    created_at = AT


def make_user(username: str, role: str, agency: Agency, *, team: Team | None = None, **extra):
    """A user with a membership of ``agency`` in ``role``, in ``team`` if given (the shared fixtures use this)."""
    user = get_user_model().objects.create_user(
        username=username, password=TEST_PASSWORD, first_name=username.split(".")[0].title(), **extra
    )
    Membership.objects.create(user=user, agency=agency, role=role, team=team)
    return user
