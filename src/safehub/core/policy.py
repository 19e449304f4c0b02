"""Who may do what, by role. Deny by default.

``can(user, "permission", obj)`` answers the role-based questions (sign off a decision, search the
audit trail) from one table of permissions. Core states the rules in its own vocabulary
(``core.roles``) and reads a user's membership through ``core.membership``, so it imports no domain
app. Who may open a *person's* record is the people app's rule: ``safehub.people.policy``, which
re-exports these names so a caller asks one module both questions.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from typing import Any, cast

from django.core.exceptions import PermissionDenied

from safehub.core.actors import SystemActor
from safehub.core.membership import membership_for_user
from safehub.core.roles import FRONT_DOOR_ROLES, AgencyKind, Role

R = Role
SOCIAL_CARE = frozenset({AgencyKind.LA_CHILDREN, AgencyKind.LA_ADULTS})


class Perm(StrEnum):
    """Every permission name, once: code says ``Perm.PEOPLE_SEARCH`` (a plain string too), never a typo."""

    PEOPLE_SEARCH = "people.search"
    PEOPLE_CREATE = "people.create"
    PEOPLE_EDIT = "people.edit"
    PEOPLE_MERGE = "people.merge"
    PEOPLE_VIEW_ACCESS_LOG = "people.view_access_log"
    PEOPLE_SEAL = "people.seal"
    PEOPLE_RECORD_AGENCY_INFORMATION = "people.record_agency_information"
    AUDIT_SEARCH = "audit.search"
    SECURITY_REVIEW = "security.review"
    FRONTDOOR_CONTACT_CREATE = "frontdoor.contact_create"
    FRONTDOOR_QUEUE = "frontdoor.queue"
    FRONTDOOR_TRIAGE = "frontdoor.triage"
    FRONTDOOR_DECIDE = "frontdoor.decide"
    FRONTDOOR_SIGN_OFF = "frontdoor.sign_off"
    FRONTDOOR_CONSULTATION = "frontdoor.consultation"
    FRONTDOOR_HEALTH_REQUEST_CREATE = "frontdoor.health_request_create"
    FRONTDOOR_HEALTH_REQUEST_ANSWER = "frontdoor.health_request_answer"
    FRONTDOOR_OUTCOMES = "frontdoor.outcomes"
    FRONTDOOR_POLICE_TIMELINESS = "frontdoor.police_timeliness"
    FRONTDOOR_FLAG_LATE = "frontdoor.flag_late"
    FRONTDOOR_NOTIFICATION_ACKNOWLEDGE = "frontdoor.notification_acknowledge"
    FRONTDOOR_NOTIFICATION_OVERVIEW = "frontdoor.notification_overview"
    CASEWORK_CONVENE = "casework.convene"
    CASEWORK_CHAIR = "casework.chair"
    CASEWORK_RECORD = "casework.record"
    CASEWORK_OVERVIEW = "casework.overview"
    ADULTS_CONCERN_CREATE = "adults.concern_create"
    ADULTS_DECIDE = "adults.decide"
    ADULTS_ENQUIRY = "adults.enquiry"
    ADULTS_MEASURES = "adults.measures"
    PARTNERSHIP_MANAGE = "partnership.manage"
    PARTNERSHIP_VIEW = "partnership.view"
    PARTNERSHIP_CONTRIBUTE = "partnership.contribute"
    PARTNERSHIP_REPORT_APPROVE = "partnership.report_approve"
    INSIGHT_VIEW = "insight.view"
    INSIGHT_RETURNS = "insight.returns"
    INSIGHT_REPORT_EDIT = "insight.report_edit"
    EXCHANGE_SUBMIT = "exchange.submit"
    EXCHANGE_ANNEX_A = "exchange.annex_a"
    EXCHANGE_TRACKER = "exchange.tracker"
    EXCHANGE_TOKENS = "exchange.tokens"
    GOVERNANCE_MANAGE = "governance.manage"
    SECURITY_ENROLMENT_ISSUE = "security.enrolment_issue"
    CORE_OUTBOX = "core.outbox"
    PATHWAYS_RECORD = "pathways.record"
    PATHWAYS_LADO_REFER = "pathways.lado_refer"
    PATHWAYS_LADO_MANAGE = "pathways.lado_manage"
    PATHWAYS_MEASURES = "pathways.measures"


# permission -> roles allowed (a callable may refine it with the object).
ROLE_RULES: dict[str, frozenset[str]] = {
    # people
    Perm.PEOPLE_SEARCH: frozenset(R.values),
    Perm.PEOPLE_CREATE: frozenset({R.FRONT_DOOR_PRACTITIONER, R.FRONT_DOOR_MANAGER, R.SOCIAL_WORKER}),
    Perm.PEOPLE_EDIT: frozenset({R.FRONT_DOOR_PRACTITIONER, R.FRONT_DOOR_MANAGER, R.SOCIAL_WORKER}),
    Perm.PEOPLE_MERGE: frozenset({R.FRONT_DOOR_MANAGER, R.ADMINISTRATOR}),
    Perm.PEOPLE_VIEW_ACCESS_LOG: frozenset({R.FRONT_DOOR_MANAGER, R.ADMINISTRATOR}),
    Perm.PEOPLE_SEAL: frozenset({R.FRONT_DOOR_MANAGER, R.ADMINISTRATOR}),
    Perm.PEOPLE_RECORD_AGENCY_INFORMATION: frozenset(R.values) - {R.ANALYST, R.ADMINISTRATOR},
    # audit and security
    Perm.AUDIT_SEARCH: frozenset({R.ADMINISTRATOR}),
    Perm.SECURITY_REVIEW: frozenset({R.ADMINISTRATOR, R.FRONT_DOOR_MANAGER}),
    # front door
    Perm.FRONTDOOR_CONTACT_CREATE: frozenset(R.values) - {R.ANALYST, R.ADMINISTRATOR},
    Perm.FRONTDOOR_QUEUE: frozenset(FRONT_DOOR_ROLES),
    Perm.FRONTDOOR_TRIAGE: frozenset(FRONT_DOOR_ROLES),
    Perm.FRONTDOOR_DECIDE: frozenset(FRONT_DOOR_ROLES),
    Perm.FRONTDOOR_SIGN_OFF: frozenset({R.FRONT_DOOR_MANAGER}),
    Perm.FRONTDOOR_CONSULTATION: frozenset(R.values) - {R.ANALYST, R.ADMINISTRATOR},
    Perm.FRONTDOOR_HEALTH_REQUEST_CREATE: frozenset(FRONT_DOOR_ROLES),
    Perm.FRONTDOOR_HEALTH_REQUEST_ANSWER: frozenset(
        {R.HEALTH_NAVIGATOR, R.POLICE_SAFEGUARDING_OFFICER, R.AGENCY_PRACTITIONER, R.DESIGNATED_SAFEGUARDING_LEAD}
    ),
    Perm.FRONTDOOR_OUTCOMES: frozenset(R.values) - {R.ANALYST, R.ADMINISTRATOR},
    Perm.FRONTDOOR_POLICE_TIMELINESS: frozenset(
        {
            R.FRONT_DOOR_PRACTITIONER,
            R.FRONT_DOOR_MANAGER,
            R.POLICE_SAFEGUARDING_OFFICER,
            R.PARTNERSHIP_MANAGER,
            R.ANALYST,
        }
    ),
    Perm.FRONTDOOR_FLAG_LATE: frozenset(
        {R.FRONT_DOOR_PRACTITIONER, R.FRONT_DOOR_MANAGER, R.HEALTH_NAVIGATOR, R.SOCIAL_WORKER, R.PARTNERSHIP_MANAGER}
    ),
    Perm.FRONTDOOR_NOTIFICATION_ACKNOWLEDGE: frozenset({R.DESIGNATED_SAFEGUARDING_LEAD}),
    Perm.FRONTDOOR_NOTIFICATION_OVERVIEW: frozenset(
        {R.POLICE_SAFEGUARDING_OFFICER, R.PARTNERSHIP_MANAGER, R.FRONT_DOOR_MANAGER, R.ANALYST}
    ),
    # casework
    Perm.CASEWORK_CONVENE: frozenset({R.FRONT_DOOR_MANAGER, R.FRONT_DOOR_PRACTITIONER, R.SOCIAL_WORKER}),
    Perm.CASEWORK_CHAIR: frozenset({R.FRONT_DOOR_MANAGER, R.SOCIAL_WORKER}),
    Perm.CASEWORK_RECORD: frozenset({R.SOCIAL_WORKER, R.FRONT_DOOR_MANAGER, R.FRONT_DOOR_PRACTITIONER}),
    Perm.CASEWORK_OVERVIEW: frozenset({R.SOCIAL_WORKER, R.FRONT_DOOR_MANAGER, R.PARTNERSHIP_MANAGER}),
    # adults
    Perm.ADULTS_CONCERN_CREATE: frozenset(R.values) - {R.ANALYST, R.ADMINISTRATOR},
    Perm.ADULTS_DECIDE: frozenset({R.SOCIAL_WORKER, R.FRONT_DOOR_MANAGER, R.FRONT_DOOR_PRACTITIONER}),
    Perm.ADULTS_ENQUIRY: frozenset({R.SOCIAL_WORKER, R.FRONT_DOOR_MANAGER, R.AGENCY_PRACTITIONER}),
    Perm.ADULTS_MEASURES: frozenset({R.ANALYST, R.PARTNERSHIP_MANAGER, R.FRONT_DOOR_MANAGER}),
    # partnership assurance
    Perm.PARTNERSHIP_MANAGE: frozenset({R.PARTNERSHIP_MANAGER}),
    Perm.PARTNERSHIP_VIEW: frozenset(R.values),
    Perm.PARTNERSHIP_CONTRIBUTE: frozenset(R.values) - {R.ADMINISTRATOR},
    # The independent scrutineer approves the yearly report: no role of its own, so a partnership-team
    # member named on the draft (never the one who started it; see partnership.services).
    Perm.PARTNERSHIP_REPORT_APPROVE: frozenset({R.PARTNERSHIP_MANAGER}),
    # insight and exchange
    Perm.INSIGHT_VIEW: frozenset({R.ANALYST, R.PARTNERSHIP_MANAGER, R.FRONT_DOOR_MANAGER}),
    Perm.INSIGHT_RETURNS: frozenset({R.ANALYST}),
    Perm.INSIGHT_REPORT_EDIT: frozenset({R.PARTNERSHIP_MANAGER, R.ANALYST}),
    Perm.EXCHANGE_SUBMIT: frozenset(R.values) - {R.ADMINISTRATOR},
    Perm.EXCHANGE_ANNEX_A: frozenset({R.ANALYST, R.FRONT_DOOR_MANAGER}),
    Perm.EXCHANGE_TRACKER: frozenset({R.ANALYST, R.PARTNERSHIP_MANAGER}),
    Perm.EXCHANGE_TOKENS: frozenset({R.ADMINISTRATOR}),
    # information governance (retention, legal holds, subject access)
    Perm.GOVERNANCE_MANAGE: frozenset({R.ADMINISTRATOR}),
    # two-factor enrolment links (core/identity/enrolment.py): administrators only
    Perm.SECURITY_ENROLMENT_ISSUE: frozenset({R.ADMINISTRATOR}),
    # the event outbox page: failed and dead-lettered deliveries, and their retry (core/outbox.py)
    Perm.CORE_OUTBOX: frozenset({R.ADMINISTRATOR}),
    # pathways around the front door (LADO, private fostering, children missing education, MARAC)
    Perm.PATHWAYS_RECORD: frozenset(
        {
            R.FRONT_DOOR_PRACTITIONER,
            R.FRONT_DOOR_MANAGER,
            R.SOCIAL_WORKER,
            R.DESIGNATED_SAFEGUARDING_LEAD,
            R.AGENCY_PRACTITIONER,
            R.POLICE_SAFEGUARDING_OFFICER,
            R.HEALTH_NAVIGATOR,
        }
    ),  # fmt: skip
    # Anyone who works with children may refer an allegation; only the LADO team (a social worker or
    # manager in the team named "LADO", refined in the pathways app) manages the cases.
    Perm.PATHWAYS_LADO_REFER: frozenset(R.values) - {R.ANALYST, R.ADMINISTRATOR},
    Perm.PATHWAYS_LADO_MANAGE: frozenset({R.SOCIAL_WORKER, R.FRONT_DOOR_MANAGER}),
    Perm.PATHWAYS_MEASURES: frozenset({R.ANALYST, R.PARTNERSHIP_MANAGER, R.FRONT_DOOR_MANAGER}),
}

# The children's front door's own work: the adults' front door (a FRONT_DOOR_* role in adult social
# care) runs its own queue of adult concerns and has no standing in the children's MASH.
CHILDREN_FRONT_DOOR_ONLY = frozenset(
    {
        Perm.FRONTDOOR_QUEUE,
        Perm.FRONTDOOR_TRIAGE,
        Perm.FRONTDOOR_DECIDE,
        Perm.FRONTDOOR_SIGN_OFF,
        Perm.FRONTDOOR_HEALTH_REQUEST_CREATE,
    }
)

# Adult social care's own statutory work (the ``adults.decide`` roles): deciding whether a concern
# meets the section 42(1) test and making or causing enquiries (Care Act 2014 s42: a duty of the
# local authority, exercised by its adult social care), and the DoLS supervisory body's decisions
# (Mental Capacity Act 2005 Sch A1 para 180: the local authority). Children's services hold none
# of it, nor does any partner: a social worker or front-door role counts only in adult social care.
ADULT_SOCIAL_CARE_ONLY = frozenset({Perm.ADULTS_DECIDE})
# Work on an adult's enquiry and capacity record (refined per enquiry in adults.services): adult
# social care and the agencies it asks to carry out an enquiry, never by the children's front door's
# role alone (the children's MASH sees the whole family, so the role would reach every adult).
NOT_CHILDREN_FRONT_DOOR = frozenset({Perm.ADULTS_ENQUIRY})

# Refinements that need the object: (user, membership, obj) -> bool
OBJECT_RULES: dict[str, Callable[[object, Any, object], bool]] = {}


def role_of(user) -> str | None:
    membership = membership_for_user(user)
    return membership.role if membership else None


class UnknownPermission(LookupError):
    """A permission name not in the rules table: a programming error, never a silent refusal."""


def can(user, permission: str, obj: object | None = None) -> bool:
    """Return whether the user may do this. A name missing from the rules table raises."""
    if permission not in ROLE_RULES:
        raise UnknownPermission(permission)
    if isinstance(user, SystemActor):
        return user.may(permission)
    membership = membership_for_user(user)
    if membership is None or not user.is_active:
        return False
    roles = ROLE_RULES.get(permission)
    if roles is None or membership.role not in roles:
        return False
    kind = membership.agency.kind
    if permission in CHILDREN_FRONT_DOOR_ONLY and kind == AgencyKind.LA_ADULTS:
        return False
    if permission in ADULT_SOCIAL_CARE_ONLY and kind != AgencyKind.LA_ADULTS:
        return False
    if permission in NOT_CHILDREN_FRONT_DOOR and membership.role in FRONT_DOOR_ROLES and kind != AgencyKind.LA_ADULTS:
        return False
    refine = OBJECT_RULES.get(permission)
    return refine(user, membership, obj) if (refine and obj is not None) else True


def require(user, permission: str, obj: object | None = None) -> Any:
    """Raise PermissionDenied unless ``can``; return the membership for convenience."""
    if not can(user, permission, obj):
        raise PermissionDenied(f"not allowed: {permission}")
    if isinstance(user, SystemActor):
        # A system actor belongs to no agency; callers acting as one do not use the membership.
        return cast(Any, None)
    membership = membership_for_user(user)
    assert membership is not None  # can() returned True, so there is one
    return membership


def is_front_door(user) -> bool:
    membership = membership_for_user(user)
    return bool(membership and membership.role in FRONT_DOOR_ROLES)


def agency_id_of(user) -> int | None:
    membership = membership_for_user(user)
    return membership.agency_id if membership else None


_MOVED_TO_PEOPLE = frozenset(
    {"person_access", "persons_visible_to", "person_visible_q", "sealed_hidden_q", "visible_sections", "PersonAccess"}
)


def __getattr__(name: str):
    # Say where the person-access rule went instead of a bare AttributeError (issue 17).
    if name in _MOVED_TO_PEOPLE:
        raise AttributeError(f"safehub.core.policy.{name} moved: use `from safehub.people import policy`")
    raise AttributeError(f"module 'safehub.core.policy' has no attribute {name!r}")
