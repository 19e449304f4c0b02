"""The partnership's vocabulary: kinds of agency and the roles people hold in them.

Core owns the words because the access policy (``core.policy``) is written in them; the agencies app
records who holds which role (``agencies.models.Membership``) and re-exports these names.
"""

from __future__ import annotations

from django.db import models


class AgencyKind(models.TextChoices):
    LA_CHILDREN = "LA_CHILDREN", "Local authority children's services"
    LA_ADULTS = "LA_ADULTS", "Local authority adults' services"
    POLICE = "POLICE", "Police"
    ICB = "ICB", "Integrated care board"
    HEALTH_TRUST = "HEALTH_TRUST", "Health trust (hospital or community)"
    AMBULANCE = "AMBULANCE", "Ambulance service"
    GP = "GP", "General practice"
    SCHOOL = "SCHOOL", "School"
    EARLY_YEARS = "EARLY_YEARS", "Early-years setting"
    PROBATION = "PROBATION", "Probation service"
    YOUTH_JUSTICE = "YOUTH_JUSTICE", "Youth justice service"
    VOLUNTARY = "VOLUNTARY", "Voluntary, community or faith group"
    HOUSING = "HOUSING", "Housing"
    CARE_PROVIDER = "CARE_PROVIDER", "Care provider"
    PARTNERSHIP = "PARTNERSHIP", "Safeguarding partnership team"


HEALTH_KINDS = frozenset({AgencyKind.ICB, AgencyKind.HEALTH_TRUST, AgencyKind.AMBULANCE, AgencyKind.GP})
EDUCATION_KINDS = frozenset({AgencyKind.SCHOOL, AgencyKind.EARLY_YEARS})


class Role(models.TextChoices):
    FRONT_DOOR_PRACTITIONER = "FRONT_DOOR_PRACTITIONER", "Front-door practitioner"
    FRONT_DOOR_MANAGER = "FRONT_DOOR_MANAGER", "Front-door manager"
    SOCIAL_WORKER = "SOCIAL_WORKER", "Social worker"
    POLICE_SAFEGUARDING_OFFICER = "POLICE_SAFEGUARDING_OFFICER", "Police safeguarding officer"
    HEALTH_NAVIGATOR = "HEALTH_NAVIGATOR", "Health navigator"
    DESIGNATED_SAFEGUARDING_LEAD = "DESIGNATED_SAFEGUARDING_LEAD", "Designated safeguarding lead"
    PARTNERSHIP_MANAGER = "PARTNERSHIP_MANAGER", "Partnership business manager"
    ANALYST = "ANALYST", "Data analyst"
    ADMINISTRATOR = "ADMINISTRATOR", "Administrator"
    AGENCY_PRACTITIONER = "AGENCY_PRACTITIONER", "Agency practitioner"


FRONT_DOOR_ROLES = frozenset({Role.FRONT_DOOR_PRACTITIONER, Role.FRONT_DOOR_MANAGER})
