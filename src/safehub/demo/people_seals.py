"""Demo stage: a few sealed children, so the sealed-record rule is exercised on every page.

Real registers hold a handful: a child placed for adoption whose birth family must not trace
them, a child in a refuge with a parent, a witness. The demo seals three children with contacts
at the front door, one of them with a sibling who stays visible (the case the rule must get right:
the sibling's page must not reveal the sealed child). The MASH manager sealed them and is named;
the MASH practitioner is named on one, so both paths show in the demo.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model

from safehub.demo.context import DemoContext
from safehub.people.models import Person, Relationship, SealDecision
from safehub.people.services import person_seal

REASONS = [
    "Placed for adoption: the birth family must not be able to trace the child",
    "Living in a refuge with their mother: the address and the record must not reach the father",
    "A witness in a criminal trial: police asked for the record to be restricted",
]


def seed(ctx: DemoContext) -> str:
    if SealDecision.objects.exists():
        return "already done"
    users = get_user_model().objects
    manager = users.filter(username="demo.mashmanager").first()
    if manager is None:
        return "no MASH manager to seal records"
    practitioner = users.filter(username="demo.mash").first()
    rng = ctx.rng("seals")
    with_sibling = list(
        Relationship.objects.filter(kind="SIBLING", person__contacts__isnull=False, person__sealed=False)
        .values_list("person_id", flat=True)
        .distinct()[:200]
    )
    alone = list(
        Person.objects.filter(contacts__isnull=False, sealed=False, date_of_birth__year__gte=ctx.today.year - 16)
        .exclude(pk__in=with_sibling)
        .values_list("pk", flat=True)
        .distinct()[:200]
    )
    chosen = rng.sample(with_sibling, min(1, len(with_sibling))) + rng.sample(alone, min(2, len(alone)))
    for index, person_id in enumerate(chosen):
        named = [practitioner.username] if practitioner is not None and index == 1 else []
        person_seal(
            person=Person.objects.get(pk=person_id), by=manager, reason=REASONS[index], named=named, now=ctx.now
        )
    return f"{len(chosen)} children's records sealed (one with a visible sibling)"
