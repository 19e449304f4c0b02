"""The last demo stage: the city's twins, then deduplicating the register with the real engine.

The city's synthetic households have no twins of their own, so this stage adds a few (a twin for
some children: same date of birth, family name and home, their own first name and NHS number).
The engine keeps them apart.  To show ``safehub match recheck`` at work, half of them are then
recorded as merged automatically by an earlier model ("before the twin rule"): those are the
merges the recheck lists, and each can be undone through the audited unmerge.
"""

from __future__ import annotations

from datetime import date, timedelta

from safehub.core.actors import MATCHING_ENGINE
from safehub.demo.context import DemoContext
from safehub.people.merging import person_merge, register_dedupe
from safehub.people.models import Address, DuplicateCandidate, Merge, Person
from safehub.synth import population as synth

TWINS_AT_SCALE_1 = 24
_TWIN_KEYS = 80_000_000  # NHS numbers of the added twins come from keys far above the city's people
LEGACY_REASON = "Automatic: above the match threshold (earlier model, before the twin rule)"


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def add_twins(ctx: DemoContext) -> list[tuple[Person, Person]]:
    """Give some of the city's children a twin; return (child, twin) pairs."""
    rng = ctx.rng("twins")
    today = ctx.today
    children = list(
        Person.objects.filter(
            merged_into__isnull=True,
            sealed=False,
            date_of_birth__gt=_years_before(today, 15),
            date_of_birth__lt=_years_before(today, 1),
        )
        .exclude(nhs_number="")
        .order_by("pk")
        .values_list("pk", flat=True)[:20_000]
    )
    wanted = min(len(children), max(4, round(TWINS_AT_SCALE_1 * ctx.scale)))
    pairs = []
    for n, pk in enumerate(sorted(rng.sample(children, wanted))):
        child = Person.objects.get(pk=pk)
        address = Address.objects.filter(person=child, ended_date__isnull=True).first()
        if address is None or child.date_of_birth is None:
            continue
        sex = child.sex if rng.random() < 2 / 3 else ("F" if child.sex == "M" else "M")
        community = (
            synth._community(rng, child.ethnicity) if child.ethnicity in synth._community_pickers() else "english"
        )
        given = child.given_name
        for _ in range(10):
            given = synth._given(rng, community, sex if sex in ("M", "F") else "F", child.date_of_birth.year)
            if given.lower() != child.given_name.lower():
                break
        twin = Person.objects.create(
            given_name=given,
            family_name=child.family_name,
            date_of_birth=child.date_of_birth,
            sex=sex,
            ethnicity=child.ethnicity,
            first_language=child.first_language,
            nhs_number=synth._nhs_number(_TWIN_KEYS + n, ctx.seed) or "",
        )
        Address.objects.create(
            person=twin,
            line_1=address.line_1,
            town=address.town,
            postcode=address.postcode,
            started_date=address.started_date,
        )
        pairs.append((child, twin))
    return pairs


def seed(ctx: DemoContext) -> str:
    if Merge.objects.exists() or DuplicateCandidate.objects.exists():
        return "already done"
    twins = add_twins(ctx)
    summary = register_dedupe(now=ctx.now)
    rng = ctx.rng("legacy-merges")
    legacy = 0
    for child, twin in twins[::2]:
        child.refresh_from_db()
        twin.refresh_from_db()
        if child.merged_into_id or twin.merged_into_id:
            continue
        person_merge(
            survivor=child,
            merged=twin,
            by=MATCHING_ENGINE,
            now=ctx.now - timedelta(days=rng.randint(30, 300)),
            probability=0.97,
            reason=LEGACY_REASON,
        )
        legacy += 1
    return (
        f"{summary['records']:,} people matched ({len(twins)} twins added); {summary['merged']:,} merged "
        f"automatically; {summary['queued']:,} pairs for clerical review; {legacy} twin pairs recorded as merged "
        "by an earlier model (see 'safehub match recheck')"
    )
