"""Vocabularies every part of the partnership shares: learning themes, strategic priorities, grades."""

from __future__ import annotations

from django.db import models


class Theme(models.TextChoices):
    """Learning themes shared by reviews, audit findings, training and briefings."""

    NEGLECT = "NEGLECT", "Neglect"
    SELF_NEGLECT = "SELF_NEGLECT", "Self-neglect and hoarding"
    EXPLOITATION = "EXPLOITATION", "Exploitation"
    SEXUAL_ABUSE = "SEXUAL_ABUSE", "Sexual abuse"
    PHYSICAL_ABUSE = "PHYSICAL_ABUSE", "Physical abuse"
    SUBSTANCE_USE = "SUBSTANCE_USE", "Substance use"
    MENTAL_HEALTH = "MENTAL_HEALTH", "Mental health"
    DOMESTIC_ABUSE = "DOMESTIC_ABUSE", "Domestic abuse"
    CULTURALLY_INCLUSIVE = "CULTURALLY_INCLUSIVE", "Culturally inclusive practice"
    TRANSITIONS = "TRANSITIONS", "Transitions to adulthood"
    HOMELESSNESS = "HOMELESSNESS", "Severe and multiple disadvantage, homelessness"
    MENTAL_CAPACITY = "MENTAL_CAPACITY", "Mental capacity"
    PROFESSIONAL_CURIOSITY = "PROFESSIONAL_CURIOSITY", "Professional curiosity"
    INFORMATION_SHARING = "INFORMATION_SHARING", "Information sharing"
    VOICE = "VOICE", "Voice of the child or adult"
    ESCALATION = "ESCALATION", "Escalation and challenge"


class Priority(models.TextChoices):
    """The partnership's strategic priorities 2025-2028."""

    NEGLECT_SELF_NEGLECT = "NEGLECT_SELF_NEGLECT", "Neglect and self-neglect"
    TRANSITIONAL_SAFEGUARDING = "TRANSITIONAL_SAFEGUARDING", "Transitional safeguarding"
    SEVERE_MULTIPLE_DISADVANTAGE = "SEVERE_MULTIPLE_DISADVANTAGE", "Severe and multiple disadvantage"
    CSA_EXPLOITATION = "CSA_EXPLOITATION", "Child sexual abuse and exploitation"


# Which priority a theme is evidence for (a theme may serve none).
THEME_PRIORITY: dict[str, str] = {
    Theme.NEGLECT: Priority.NEGLECT_SELF_NEGLECT,
    Theme.SELF_NEGLECT: Priority.NEGLECT_SELF_NEGLECT,
    Theme.TRANSITIONS: Priority.TRANSITIONAL_SAFEGUARDING,
    Theme.HOMELESSNESS: Priority.SEVERE_MULTIPLE_DISADVANTAGE,
    Theme.SUBSTANCE_USE: Priority.SEVERE_MULTIPLE_DISADVANTAGE,
    Theme.EXPLOITATION: Priority.CSA_EXPLOITATION,
    Theme.SEXUAL_ABUSE: Priority.CSA_EXPLOITATION,
}


class Grade(models.TextChoices):
    OUTSTANDING = "OUTSTANDING", "Outstanding"
    GOOD = "GOOD", "Good"
    REQUIRES_IMPROVEMENT = "REQUIRES_IMPROVEMENT", "Requires improvement"
    INADEQUATE = "INADEQUATE", "Inadequate"
