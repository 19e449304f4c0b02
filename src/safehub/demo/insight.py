"""Demo data for insight: population, illustrative comparators and placeholder report sections.

Idempotent: each part loads only when missing. Population figures are the published ones (with
an illustrative age-band table); comparator values are made up and labelled "illustrative".
"""

from __future__ import annotations

from safehub.core.actors import DEMO_GENERATOR
from safehub.demo.context import DemoContext
from safehub.insight import reference
from safehub.insight.models import Comparator, Population, ReportSection, ReportSectionKey
from safehub.insight.selectors import year_before, year_of
from safehub.insight.services import comparators_load, comparators_parse, population_load, population_parse

PLACEHOLDERS = {
    ReportSectionKey.FOREWORD: (
        "[Placeholder: the independent scrutineer and the statutory partners introduce the year.]\n\n"
        "This year the partnership continued to strengthen how agencies work together at the front door, "
        "and to learn from practice reviews. Replace this text with the partnership's own foreword."
    ),
    ReportSectionKey.PRIORITIES: (
        "[Placeholder: the partnership's priorities for the year and what changed for children and adults.]\n\n"
        "1. Neglect: earlier help for families.\n2. Exploitation and harm outside the home.\n"
        "3. Domestic abuse and its impact on children.\n4. Self-neglect and hoarding in adults."
    ),
    ReportSectionKey.SUBGROUPS: (
        "[Placeholder: what each sub-group did this year - performance, learning from reviews, training, "
        "front door and exploitation - and what difference it made.]"
    ),
    ReportSectionKey.FINANCE: (
        "[Placeholder: commentary on the budget, partner contributions and spending for the year.]"
    ),
}


def seed(ctx: DemoContext) -> str:
    done = []
    if not Population.objects.exists():
        rows, _ = population_parse(reference.PUBLISHED / "population.csv")
        bands, _ = population_parse(reference.DATA / "population_age_bands_illustrative.csv")
        population_load(rows=rows, source="Published yearly report 2024-25", by=DEMO_GENERATOR, now=ctx.now)
        population_load(rows=bands, source="illustrative age bands (0-5 published)", by=DEMO_GENERATOR, now=ctx.now)
        done.append(f"{len(rows) + len(bands)} population figures")
    if not Comparator.objects.exists():
        rows, _ = comparators_parse(reference.DATA / "comparators_illustrative.csv")
        comparators_load(rows=rows, source="illustrative", by=DEMO_GENERATOR, now=ctx.now)
        done.append(f"{len(rows)} illustrative comparator values")
    last_year = year_before(year_of(ctx.today))
    created = 0
    for year in (last_year, "2024-25"):
        for key, text in PLACEHOLDERS.items():
            _, made = ReportSection.objects.get_or_create(
                year=year, key=key, defaults={"text": text, "is_placeholder": True, "updated_at": ctx.now}
            )
            created += made
    if created:
        done.append(f"{created} placeholder report sections")
    return ", ".join(done) or "already loaded"
