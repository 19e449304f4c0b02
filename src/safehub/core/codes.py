"""Statutory code lists shared across apps (DfE Children in Need census, Ofsted Annex A)."""

from django.db import models


class ReferralSource(models.TextChoices):
    """CIN census referral source codes (also Annex A 'source of contact/referral')."""

    INDIVIDUAL_FAMILY = "1A", "Individual: family member, relative or carer"
    INDIVIDUAL_ACQUAINTANCE = "1B", "Individual: acquaintance (including neighbours and child minders)"
    INDIVIDUAL_SELF = "1C", "Individual: self"
    INDIVIDUAL_OTHER = "1D", "Individual: other, including strangers and MPs"
    SCHOOLS = "2A", "Schools"
    EDUCATION_SERVICES = "2B", "Education services (including early years)"
    HEALTH_GP = "3A", "Health: GP"
    HEALTH_VISITOR = "3B", "Health: health visitor"
    HEALTH_SCHOOL_NURSE = "3C", "Health: school nurse"
    HEALTH_OTHER_PRIMARY = "3D", "Health: other primary health services"
    HEALTH_AE = "3E", "Health: A&E (emergency department)"
    HEALTH_OTHER = "3F", "Health: other (e.g. hospital, mental health)"
    HOUSING = "4", "Housing"
    LA_SOCIAL_CARE = "5A", "Local authority services: social care"
    LA_OTHER_INTERNAL = "5B", "Local authority services: other internal"
    LA_EXTERNAL = "5C", "Local authority services: external (e.g. another authority)"
    LA_EARLY_HELP = "5D", "Local authority services: early help"
    POLICE = "6", "Police"
    OTHER_LEGAL = "7", "Other legal agency (e.g. courts, probation, youth justice)"
    OTHER = "8", "Other"
    ANONYMOUS = "9", "Anonymous"
    UNKNOWN = "10", "Unknown"


# Grouping used by the analytics snapshot and dashboards.
SOURCE_GROUP = {
    "1A": "individual",
    "1B": "individual",
    "1C": "individual",
    "1D": "individual",
    "2A": "school",
    "2B": "early_years",
    "3A": "health",
    "3B": "health",
    "3C": "health",
    "3D": "health",
    "3E": "health",
    "3F": "health",
    "4": "housing",
    "5A": "la_services",
    "5B": "la_services",
    "5C": "la_services",
    "5D": "la_services",
    "6": "police",
    "7": "other_legal",
    "8": "other",
    "9": "anonymous",
    "10": "other",
}


class AssessmentFactor(models.TextChoices):
    """CIN census factors (presenting concerns at contact, factors identified at assessment)."""

    ALCOHOL_CHILD = "1A", "Alcohol misuse: the child"
    ALCOHOL_PARENT = "1B", "Alcohol misuse: parent or carer"
    ALCOHOL_OTHER = "1C", "Alcohol misuse: another person in the household"
    DRUGS_CHILD = "2A", "Drug misuse: the child"
    DRUGS_PARENT = "2B", "Drug misuse: parent or carer"
    DRUGS_OTHER = "2C", "Drug misuse: another person in the household"
    DOMESTIC_CHILD = "3A", "Domestic abuse: the child as subject"
    DOMESTIC_PARENT = "3B", "Domestic abuse: parent or carer"
    DOMESTIC_OTHER = "3C", "Domestic abuse: another person in the household"
    MENTAL_CHILD = "4A", "Mental health: the child"
    MENTAL_PARENT = "4B", "Mental health: parent or carer"
    MENTAL_OTHER = "4C", "Mental health: another person in the household"
    LD_CHILD = "5A", "Learning disability: the child"
    LD_PARENT = "5B", "Learning disability: parent or carer"
    LD_OTHER = "5C", "Learning disability: another person in the household"
    PHYSICAL_CHILD = "6A", "Physical disability or illness: the child"
    PHYSICAL_PARENT = "6B", "Physical disability or illness: parent or carer"
    PHYSICAL_OTHER = "6C", "Physical disability or illness: another person in the household"
    YOUNG_CARER = "7A", "Young carer"
    PRIVATE_FOSTERING_B = "8B", "Private fostering: the child"
    PRIVATE_FOSTERING_C = "8C", "Private fostering: UK family arrangement"
    PRIVATE_FOSTERING_D = "8D", "Private fostering: overseas family arrangement"
    PRIVATE_FOSTERING_E = "8E", "Private fostering: language or educational"
    PRIVATE_FOSTERING_F = "8F", "Private fostering: other"
    UASC = "9A", "Unaccompanied asylum-seeking child"
    MISSING = "10A", "Going or being missing"
    CSE = "11A", "Child sexual exploitation"
    TRAFFICKING = "12A", "Trafficking"
    GANGS = "13A", "Gangs"
    BEHAVIOUR = "14A", "Socially unacceptable behaviour"
    SELF_HARM = "15A", "Self-harm"
    NEGLECT = "16A", "Neglect"
    EMOTIONAL = "17A", "Emotional abuse"
    PHYSICAL_ABUSE_CHILD = "18B", "Physical abuse: the child"
    PHYSICAL_ABUSE_OTHER = "18C", "Physical abuse: another person"
    SEXUAL_ABUSE_CHILD = "19B", "Sexual abuse: the child"
    SEXUAL_ABUSE_OTHER = "19C", "Sexual abuse: another person"
    FGM = "20", "Female genital mutilation"
    FAITH = "21", "Abuse linked to faith or belief"
    CCE = "22A", "Child criminal exploitation"
    EXTRA_FAMILIAL = "23A", "Other harm outside the home"
    OTHER = "24A", "Other"
