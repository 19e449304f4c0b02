"""The role rules themselves (core.policy): each rule with a case it allows and one it refuses."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from safehub.core import policy
from safehub.core.actors import SystemActor
from safehub.core.roles import AgencyKind, Role
from safehub.testing.factories import AgencyFactory, MembershipFactory, UserFactory


def _user(role: str, kind: str = AgencyKind.LA_CHILDREN, **user_fields):
    return MembershipFactory(role=role, agency=AgencyFactory(kind=kind), user=UserFactory(**user_fields)).user


def test_an_unknown_permission_raises_rather_than_refusing_quietly():
    with pytest.raises(policy.UnknownPermission):
        policy.can(SystemActor("test"), "people.serach")


@pytest.mark.django_db
def test_a_role_in_the_table_is_allowed_and_one_outside_it_refused():
    manager = _user(Role.FRONT_DOOR_MANAGER)
    practitioner = _user(Role.FRONT_DOOR_PRACTITIONER)
    assert policy.can(manager, policy.Perm.FRONTDOOR_SIGN_OFF)
    assert not policy.can(practitioner, policy.Perm.FRONTDOOR_SIGN_OFF)


@pytest.mark.django_db
def test_a_user_outside_any_agency_or_switched_off_is_refused_everything():
    outsider = UserFactory()
    switched_off = _user(Role.ADMINISTRATOR, AgencyKind.PARTNERSHIP, is_active=False)
    administrator = _user(Role.ADMINISTRATOR, AgencyKind.PARTNERSHIP)
    assert policy.can(administrator, policy.Perm.AUDIT_SEARCH)
    assert not policy.can(outsider, policy.Perm.PEOPLE_SEARCH)  # every role may search; no role, no search
    assert not policy.can(switched_off, policy.Perm.AUDIT_SEARCH)


@pytest.mark.django_db
def test_the_adults_front_door_has_no_standing_in_the_childrens_mash():
    childrens = _user(Role.FRONT_DOOR_MANAGER, AgencyKind.LA_CHILDREN)
    adults = _user(Role.FRONT_DOOR_MANAGER, AgencyKind.LA_ADULTS)
    for perm in policy.CHILDREN_FRONT_DOOR_ONLY:
        assert policy.can(childrens, perm), perm
        assert not policy.can(adults, perm), perm
    # The same role keeps the rest of its table: merging duplicate records, for one.
    assert policy.can(adults, policy.Perm.PEOPLE_MERGE)


def test_a_system_actor_holds_only_its_named_permissions():
    webhook_worker = SystemActor("webhooks", permissions=frozenset({policy.Perm.EXCHANGE_SUBMIT}))
    operator = SystemActor("command line (ops)")
    assert policy.can(webhook_worker, policy.Perm.EXCHANGE_SUBMIT)
    assert not policy.can(webhook_worker, policy.Perm.AUDIT_SEARCH)
    assert policy.can(operator, policy.Perm.AUDIT_SEARCH)  # the server's operator holds the database anyway
    assert policy.require(webhook_worker, policy.Perm.EXCHANGE_SUBMIT) is None  # belongs to no agency


@pytest.mark.django_db
def test_an_object_rule_refines_the_role_with_the_object(monkeypatch):
    chair = _user(Role.SOCIAL_WORKER)
    monkeypatch.setitem(policy.OBJECT_RULES, policy.Perm.CASEWORK_CHAIR, lambda user, m, obj: obj == "own meeting")
    assert policy.can(chair, policy.Perm.CASEWORK_CHAIR, "own meeting")
    assert not policy.can(chair, policy.Perm.CASEWORK_CHAIR, "someone else's meeting")
    assert policy.can(chair, policy.Perm.CASEWORK_CHAIR)  # no object: the role alone answers


@pytest.mark.django_db
def test_require_returns_the_membership_or_raises():
    manager = _user(Role.FRONT_DOOR_MANAGER)
    practitioner = _user(Role.FRONT_DOOR_PRACTITIONER)
    assert policy.require(manager, policy.Perm.FRONTDOOR_SIGN_OFF).role == Role.FRONT_DOOR_MANAGER
    with pytest.raises(PermissionDenied):
        policy.require(practitioner, policy.Perm.FRONTDOOR_SIGN_OFF)


@pytest.mark.django_db
def test_membership_helpers_answer_from_the_users_membership():
    manager = _user(Role.FRONT_DOOR_MANAGER)
    officer = _user(Role.POLICE_SAFEGUARDING_OFFICER, AgencyKind.POLICE)
    outsider = UserFactory()
    assert policy.is_front_door(manager) and not policy.is_front_door(officer)
    assert policy.role_of(officer) == Role.POLICE_SAFEGUARDING_OFFICER and policy.role_of(outsider) is None
    assert policy.agency_id_of(manager) == manager.membership.agency_id and policy.agency_id_of(outsider) is None


def test_the_person_rule_is_not_answered_by_core():
    with pytest.raises(AttributeError, match="safehub.people"):
        policy.person_access  # noqa: B018 - the attribute access is the assertion
