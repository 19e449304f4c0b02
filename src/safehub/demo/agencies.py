"""Demo agencies, teams and staff for a fictional city, Hamwic (about 265,000 residents)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction

from safehub.agencies.models import Agency, AgencyKind, Membership, Role, Team
from safehub.demo.context import DEMO_PASSWORD, DemoContext

K = AgencyKind
CORE_AGENCIES = [
    (
        "Hamwic City Council Children's Services",
        K.LA_CHILDREN,
        "HCC-CSC",
        [
            "Children's Resource Service (MASH)",
            "Assessment team",
            "Child protection team",
            "Children looked after team",
            "Care leavers team",
            "Early help",
            "LADO",
        ],
    ),
    (
        "Hamwic City Council Adult Social Care",
        K.LA_ADULTS,
        "HCC-ASC",
        ["Adult MASH", "Adult safeguarding team", "Transitions team"],
    ),
    (
        "Wessex Constabulary",
        K.POLICE,
        "WPOL",
        ["MASH police team", "Public protection unit", "Missing and exploitation team"],
    ),
    ("Hamwic and Wessex Integrated Care Board", K.ICB, "HW-ICB", ["Safeguarding team", "Health navigator"]),
    (
        "Hamwic University Hospitals NHS Foundation Trust",
        K.HEALTH_TRUST,
        "HUH",
        ["Emergency department", "Maternity", "Safeguarding team"],
    ),
    (
        "Hamwic Community Health NHS Trust",
        K.HEALTH_TRUST,
        "HCH",
        ["Health visiting", "School nursing", "Mental health"],
    ),
    ("South Coast Ambulance Service", K.AMBULANCE, "SCAS", ["Safeguarding team"]),
    ("Portway Medical Practice", K.GP, "GP-PORT", ["Practice"]),
    ("Bargate Surgery", K.GP, "GP-BARG", ["Practice"]),
    ("Probation Service, Hamwic", K.PROBATION, "PROB", ["Offender management"]),
    ("Hamwic Youth Justice Service", K.YOUTH_JUSTICE, "YJS", ["Case management"]),
    ("Hamwic Housing Options", K.HOUSING, "HOUSE", ["Housing options"]),
    ("Harbour Domestic Abuse Service", K.VOLUNTARY, "VOL-HDAS", ["Advocacy"]),
    ("Hamwic Faith Forum", K.VOLUNTARY, "VOL-FAITH", ["Safeguarding"]),
    ("Young Carers Hamwic", K.VOLUNTARY, "VOL-YC", ["Support"]),
    ("Oakfield Care Homes Ltd", K.CARE_PROVIDER, "CARE-OAK", ["Oakfield House"]),
    ("Solent Home Care", K.CARE_PROVIDER, "CARE-SHC", ["Domiciliary care"]),
    ("Hamwic Safeguarding Partnership", K.PARTNERSHIP, "HSP", ["Business unit"]),
]
PRIMARY = [
    "St Mary's",
    "Bitterne Park",
    "Shirley",
    "Portswood",
    "Freemantle",
    "Woolston",
    "Sholing",
    "Thornhill",
    "Harefield",
    "Weston Park",
    "Mansel Park",
    "Redbridge",
    "Millbrook",
    "Maybush",
    "Lordshill",
    "Townhill",
    "Swaythling",
    "Banister",
    "Highfield",
    "Bassett Green",
    "Valentine",
    "Moorlands",
    "Hollybrook",
    "Fairisle",
    "Wordsworth",
    "Tanners Brook",
    "Foundry Lane",
    "Springhill",
    "St John's",
    "Holy Family",
    "Sinclair",
    "Kanes Hill",
    "Mason Moor",
    "Newlands",
    "Oakwood",
    "Glenfield",
    "Ludlow",
    "Peartree",
    "Bevois Town",
    "St Denys",
    "Northam",
    "Chamberlayne",
    "Merry Oak",
    "Itchen View",
    "Ocean Village",
    "Hightown",
    "Midanbury",
    "Cobden",
    "Riverside",
    "Coxford",
    "Regents Park",
    "Polygon",
    "Newtown",
    "Netley Marsh",
    "Bargate",
]
SECONDARY = [
    "Hamwic Academy",
    "Itchen Park School",
    "Regents Park Girls' School",
    "Bitterne Park School",
    "Cantell School",
    "Oasis Academy Lordshill",
    "Redbridge Community School",
    "St Anne's Catholic School",
    "St George Catholic College",
    "Upper Shirley High",
    "Woodlands Community College",
    "Sholing Technology College",
]
SPECIAL = [
    "Cedar Special School",
    "Great Oaks School",
    "Polygon School",
    "Vermont School",
    "Springwell School",
    "Hamwic Pupil Referral Unit",
    "Compass School",
    "Rosewood Free School",
]
EARLY_YEARS = [
    "Little Acorns",
    "Rainbow",
    "Busy Bees",
    "Sunflower",
    "Tiny Steps",
    "Ladybird",
    "Puddle Ducks",
    "Jack in the Box",
    "Honeypot",
    "Teddy Bears",
    "Kiddi Caru",
    "Treetops",
    "Bright Beginnings",
    "Happy Days",
    "Little Explorers",
    "Caterpillars",
    "Stepping Stones",
    "Woodland",
    "Seaside",
    "Riverside",
    "Starfish",
    "Acorn Tree",
    "Pebbles",
    "Little Harbour",
    "Mulberry",
]

USERS = [
    # username, first, last, role, agency code, team, job title
    (
        "demo.mash",
        "Priya",
        "Okafor",
        Role.FRONT_DOOR_PRACTITIONER,
        "HCC-CSC",
        "Children's Resource Service (MASH)",
        "MASH social worker",
    ),
    (
        "demo.mashmanager",
        "Gareth",
        "Lloyd",
        Role.FRONT_DOOR_MANAGER,
        "HCC-CSC",
        "Children's Resource Service (MASH)",
        "MASH team manager",
    ),
    ("demo.socialworker", "Hannah", "Kowalski", Role.SOCIAL_WORKER, "HCC-CSC", "Assessment team", "Social worker"),
    (
        "demo.police",
        "Dan",
        "Whitlock",
        Role.POLICE_SAFEGUARDING_OFFICER,
        "WPOL",
        "MASH police team",
        "Detective constable",
    ),
    ("demo.navigator", "Fatima", "Begum", Role.HEALTH_NAVIGATOR, "HW-ICB", "Health navigator", "Health navigator"),
    ("demo.dsl", "Claire", "Morton", Role.DESIGNATED_SAFEGUARDING_LEAD, "SCH-P01", "", "Designated safeguarding lead"),
    ("demo.eydsl", "Amara", "Mensah", Role.DESIGNATED_SAFEGUARDING_LEAD, "EY-01", "", "Nursery manager and DSL"),
    (
        "demo.partnership",
        "Robert",
        "Haines",
        Role.PARTNERSHIP_MANAGER,
        "HSP",
        "Business unit",
        "Partnership business manager",
    ),
    ("demo.analyst", "Mei", "Chen", Role.ANALYST, "HSP", "Business unit", "Performance analyst"),
    ("demo.admin", "Sam", "Adeyemi", Role.ADMINISTRATOR, "HSP", "Business unit", "System administrator"),
    ("demo.adults", "Tom", "Reilly", Role.SOCIAL_WORKER, "HCC-ASC", "Adult safeguarding team", "Adult social worker"),
    ("demo.adultsmash", "Grace", "Nwosu", Role.FRONT_DOOR_MANAGER, "HCC-ASC", "Adult MASH", "Adult MASH manager"),
    ("demo.provider", "Lena", "Novak", Role.AGENCY_PRACTITIONER, "CARE-OAK", "Oakfield House", "Registered manager"),
    ("demo.nurse", "Joanne", "Pike", Role.AGENCY_PRACTITIONER, "HCH", "Health visiting", "Named nurse"),
    ("demo.probation", "Kieran", "Doyle", Role.AGENCY_PRACTITIONER, "PROB", "Offender management", "Probation officer"),
    ("demo.lado", "Nadia", "Rahman", Role.SOCIAL_WORKER, "HCC-CSC", "LADO", "Local authority designated officer"),
]


def demo_usernames() -> list[str]:
    """Every demo sign-in in the database (the core users first, then those other apps' demos add)."""
    from safehub.agencies.models import Membership

    present = set(
        Membership.objects.filter(user__username__startswith="demo.", user__is_active=True).values_list(
            "user__username", flat=True
        )
    )
    core = [u[0] for u in USERS if u[0] in present]
    return core + sorted(present - set(core))


def _urn(i: int) -> str:
    return str(100000 + (i * 7919) % 899999)


@transaction.atomic
def seed(ctx: DemoContext) -> str:
    if Agency.objects.filter(code="HCC-CSC").exists():
        return "already loaded"
    for name, kind, code, teams in CORE_AGENCIES:
        agency = Agency.objects.create(name=name, kind=kind, code=code)
        for team in teams:
            Team.objects.create(agency=agency, name=team, is_front_door="MASH" in team)
    for i, stem in enumerate(PRIMARY, start=1):
        Agency.objects.create(
            name=f"{stem} Primary School", kind=K.SCHOOL, code=f"SCH-P{i:02d}", urn=_urn(i), phase="primary"
        )
    for i, name in enumerate(SECONDARY, start=1):
        Agency.objects.create(name=name, kind=K.SCHOOL, code=f"SCH-S{i:02d}", urn=_urn(100 + i), phase="secondary")
    for i, name in enumerate(SPECIAL, start=1):
        Agency.objects.create(name=name, kind=K.SCHOOL, code=f"SCH-X{i:02d}", urn=_urn(200 + i), phase="special")
    for i, stem in enumerate(EARLY_YEARS, start=1):
        kind_word = "Nursery" if i % 3 else "Pre-school"
        Agency.objects.create(
            name=f"{stem} {kind_word}", kind=K.EARLY_YEARS, code=f"EY-{i:02d}", urn=f"EY{_urn(300 + i)}"
        )
    password = make_password(DEMO_PASSWORD)
    User = get_user_model()
    for username, first, last, role, code, team, title in USERS:
        user = User.objects.create(
            username=username,
            first_name=first,
            last_name=last,
            password=password,
            email=f"{username}@example.org",
            is_staff=False,
        )
        agency = Agency.objects.get(code=code)
        Membership.objects.create(
            user=user,
            agency=agency,
            role=role,
            job_title=title,
            team=Team.objects.filter(agency=agency, name=team).first(),
        )
    return f"{Agency.objects.count()} agencies, {len(USERS)} demo users"
