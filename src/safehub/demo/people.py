"""Demo residents: the synthetic city population, its households, schools and nurseries."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime, time

from django.db import transaction

from safehub.agencies.models import Agency, AgencyKind
from safehub.core.bulk import bulk_insert
from safehub.demo.context import DemoContext
from safehub.people.models import Address, EducationPlacement, Involvement, Person, Relationship
from safehub.synth.population import generate_population, make_variant

BATCH = 5000


def _age(dob, today) -> int:
    return today.year - dob.year - ((today.month, today.day) < (dob.month, dob.day))


def seed(ctx: DemoContext) -> str:
    if Person.objects.exists():
        return "already loaded"
    today = ctx.today
    schools = {
        phase: list(Agency.objects.filter(kind=AgencyKind.SCHOOL, phase=phase).values_list("pk", flat=True))
        for phase in ("primary", "secondary", "special")
    }
    early_years = list(Agency.objects.filter(kind=AgencyKind.EARLY_YEARS).values_list("pk", flat=True))
    rng = ctx.rng("people")
    households: dict[int, list[tuple[int, int]]] = defaultdict(list)  # household -> [(person_id, age)]
    household_setting: dict[tuple[int, str], int] = {}
    batch: list = []
    total = 0

    variants: list = []

    def flush(batch):
        people = [p for p, _ in batch]
        bulk_insert(Person, people)
        addresses = []
        for person, synth in zip(people, (s for _, s in batch), strict=True):
            addresses.append(
                Address(
                    person=person,
                    line_1=synth.address_line,
                    town="Hamwic",
                    postcode=synth.postcode,
                    started_date=synth.date_of_birth if _age(synth.date_of_birth, today) < 3 else None,
                )
            )
            households[synth.household_key].append((person.pk, _age(synth.date_of_birth, today)))
        bulk_insert(Address, addresses)

    with transaction.atomic():
        for synth in generate_population(scale=ctx.scale, seed=ctx.seed, as_of=today):
            person = Person(
                given_name=synth.given_name,
                middle_names=synth.middle_names,
                family_name=synth.family_name,
                date_of_birth=synth.date_of_birth,
                sex=synth.sex,
                ethnicity=synth.ethnicity,
                first_language=synth.first_language,
                nhs_number=synth.nhs_number or "",
                interpreter_needed=synth.first_language not in ("English", "") and rng.random() < 0.25,
            )
            batch.append((person, synth))
            if rng.random() < 0.004:  # the same person recorded again by another agency, with errors
                variants.append(synth)
            if len(batch) >= BATCH:
                flush(batch)
                total += len(batch)
                batch = []
                ctx.say(f"people: {total:,}")
        if batch:
            flush(batch)
            total += len(batch)

        relationships, placements, involvements = [], [], []
        started = datetime.combine(ctx.start, time(9), tzinfo=UTC)
        for household, members in households.items():
            children = [pid for pid, age in members if age < 18]
            adults = [pid for pid, age in members if age >= 18]
            if not children:
                continue
            for child in children:
                for adult in adults[:2]:
                    relationships.append(Relationship(person_id=child, related_id=adult, kind="PARENT"))
                for sibling in children:
                    if sibling != child:
                        relationships.append(Relationship(person_id=child, related_id=sibling, kind="SIBLING"))
            for pid, age in members:
                setting = None
                if 2 <= age <= 4 and early_years and rng.random() < 0.7:
                    setting = household_setting.setdefault((household, "ey"), rng.choice(early_years))
                elif 4 < age <= 10:
                    setting = household_setting.setdefault((household, "primary"), rng.choice(schools["primary"]))
                elif 10 < age <= 16:
                    phase = "special" if rng.random() < 0.03 else "secondary"
                    setting = household_setting.setdefault((household, phase), rng.choice(schools[phase]))
                if setting:
                    placements.append(
                        EducationPlacement(person_id=pid, setting_id=setting, started_date=date_for_start(today, age))
                    )
                    involvements.append(
                        Involvement(
                            person_id=pid, agency_id=setting, kind="EDUCATION", started_at=started, source="demo"
                        )
                    )
        duplicates = []
        for synth in variants:
            v = make_variant(synth, rng, as_of=today)
            duplicates.append(
                (
                    Person(
                        given_name="" if v["given_name"] == "Baby" else v["given_name"],
                        middle_names=v["middle_names"],
                        family_name=v["family_name"],
                        date_of_birth=v["date_of_birth"],
                        sex=v["sex"] or "U",
                        ethnicity="NOBT",
                        nhs_number=v["nhs_number"] or "",
                    ),
                    v,
                )
            )
        made = [p for p, _ in duplicates]
        bulk_insert(Person, made)
        bulk_insert(
            Address,
            [
                Address(person=p, line_1=v["address_line"], town="Hamwic", postcode=v["postcode"])
                for p, (_, v) in zip(made, duplicates, strict=True)
            ],
        )
        bulk_insert(Relationship, relationships)
        bulk_insert(EducationPlacement, placements)
        bulk_insert(Involvement, involvements)
    return (
        f"{total:,} people (+{len(duplicates):,} recorded twice by another agency), "
        f"{len(relationships):,} relationships, {len(placements):,} education placements"
    )


def date_for_start(today, age: int):
    """Return the September the child started at the current setting."""
    year = today.year if today.month >= 9 else today.year - 1
    years_in = {0: 0}.get(age, 0) if age <= 4 else (age - 4) % 7 if age <= 10 else (age - 11)
    return today.replace(year=year - max(0, min(years_in, 6)), month=9, day=1)
