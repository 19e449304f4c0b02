from __future__ import annotations

from datetime import datetime

from django.db.models import Q

from safehub.earlyhelp.models import EarlyHelpEpisode, SpecialistAttachment
from safehub.people import policy


def home_panels(user, *, now: datetime) -> list[dict]:
    """The early help tile: the families the user leads (or works with as a Family Safeguarding specialist)."""
    if not policy.can(user, "pathways.record"):
        return []
    visible = policy.person_visible_q(user, now=now, field="person", unlinked=False)
    mine = EarlyHelpEpisode.objects.filter(visible, closed_date__isnull=True).filter(
        Q(lead_professional=user) | Q(specialists__specialist=user, specialists__ended_date__isnull=True)
    )
    count = mine.distinct().count()
    specialist = SpecialistAttachment.objects.filter(specialist=user, ended_date__isnull=True).exists()
    if not count and not specialist:
        return []
    return [
        {
            "title": "Early help",
            "url_name": "earlyhelp:home",
            "figure": count,
            "text": "Families you lead or work with: assessments, team around the family meetings and reviews due.",
        }
    ]
