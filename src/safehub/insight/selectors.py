"""Reads for insight: measures from the (cached) snapshot, definitions, trends, breakdowns,
comparators, population and access-checked drill-downs. Nothing here writes records (the measures
of a snapshot are kept beside it on disk, insight.snapshot_store)."""

# ruff: noqa: S608 - SQL is assembled from this module's constants; values are bound parameters
from __future__ import annotations

import hashlib
import json
import threading
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import pyarrow as pa
import pyarrow.compute as pc
from django.db import transaction
from django.utils import timezone

from safehub.core import audit
from safehub.core.calendar import financial_year, financial_year_label, financial_year_of
from safehub.insight import reference, snapshot_store
from safehub.insight.engine import compute_measures, compute_trend, measure_definitions, measure_records
from safehub.insight.engine.compute import session_open
from safehub.insight.engine.measures import MEASURES_BY_ID, MeasureDefinition
from safehub.insight.models import Comparator, Population, ReportBuild, ReportSection, ReportSectionKey
from safehub.insight.snapshot import CachedSnapshot, Snapshot, snapshot_cached
from safehub.people import policy

# The measures the home page and dashboards lead with (contract ids).
HEADLINE_MEASURES = (
    "contacts_total",
    "referrals_total",
    "contacts_to_referral_pct",
    "re_referrals_12m_pct",
    "assessments_within_45wd_pct",
    "icpc_within_15wd_pct",
    "cp_plans_open_31_march",
    "cla_open_31_march",
    "police_high_risk_within_limit_pct",
    "health_requests_answered_in_time_pct",
    "strategy_records_shared_in_time_pct",
    "education_notifications_before_next_school_day_pct",
    "contacts_ethnicity_recorded_pct",
    "contacts_voice_recorded_pct",
    "adult_concerns_total",
    "adult_s42_concluded_total",
)
# Front-door timeliness measures of the yearly report.
FRONT_DOOR_MEASURES = (
    "police_high_risk_within_limit_pct",
    "health_requests_answered_in_time_pct",
    "strategy_records_shared_in_time_pct",
    "education_notifications_before_next_school_day_pct",
    "contacts_ethnicity_recorded_pct",
    "contacts_voice_recorded_pct",
)
TREND_MEASURES = (
    "contacts_total",
    "referrals_total",
    "re_referrals_12m_pct",
    "assessments_within_45wd_pct",
    "icpc_within_15wd_pct",
    "police_high_risk_within_limit_pct",
    "health_requests_answered_in_time_pct",
    "strategy_records_shared_in_time_pct",
    "education_notifications_before_next_school_day_pct",
    "contacts_ethnicity_recorded_pct",
)
# A percentage where a higher figure is better (for the "better/worse" wording); the rest are neutral.
HIGHER_IS_BETTER = {
    "assessments_within_45wd_pct", "icpc_within_15wd_pct", "police_high_risk_within_limit_pct",
    "health_requests_answered_in_time_pct", "strategy_records_shared_in_time_pct",
    "education_notifications_before_next_school_day_pct", "contacts_ethnicity_recorded_pct",
    "contacts_voice_recorded_pct", "cla_reviews_in_time_pct", "cla_health_assessments_in_time_pct",
    "care_leavers_suitable_accommodation_pct", "care_leavers_eet_pct",
}  # fmt: skip
LOWER_IS_BETTER = {"re_referrals_12m_pct", "cp_plans_second_or_subsequent_pct"}


# ---------------------------------------------------------------------------------------------
# Years
# ---------------------------------------------------------------------------------------------


def year_label(start_year: int) -> str:
    return financial_year_label(start_year)


def year_of(day: date) -> str:
    """Return the financial year (1 April to 31 March) containing a day."""
    return financial_year_of(day)


def year_before(year: str) -> str:
    return year_label(int(year[:4]) - 1)


def is_year(text: str) -> bool:
    try:
        financial_year(text)
    except (ValueError, IndexError):
        return False
    return True


# ---------------------------------------------------------------------------------------------
# Population
# ---------------------------------------------------------------------------------------------


def population_figures() -> dict[str, float]:
    """Return the population figures the engine's rates use, by key.

    ``children_0_17`` is the loaded figure of that key or, failing that, the sum of age bands that
    exactly tile ages 0 to 17.
    """
    rows = list(Population.objects.values_list("key", "value", "age_from", "age_to"))
    figures = {key: value for key, value, _, _ in rows}
    if "children_0_17" not in figures:
        bands = sorted((a, b, v) for _, v, a, b in rows if a is not None and b is not None and b <= 17)
        covered, total = 0, 0.0
        for low, high, value in bands:
            if low != covered:
                break
            covered, total = high + 1, total + value
        if covered == 18:
            figures["children_0_17"] = total
    return figures


def population_rows() -> list[dict]:
    """Return the loaded population figures for display (headline figures first)."""
    rows = Population.objects.order_by("age_from", "key")
    headline = [r for r in rows if not r.is_age_band]
    bands = [r for r in rows if r.is_age_band]
    return [
        {"label": r.label, "value": r.value, "note": r.note, "source": r.source,
         "band": f"{r.age_from} and over" if r.age_to is None and r.is_age_band else
         (f"{r.age_from} to {r.age_to}" if r.is_age_band else "")}
        for r in headline + bands
    ]  # fmt: skip


# ---------------------------------------------------------------------------------------------
# Measures (computed from the cached snapshot; one DuckDB pass per year, remembered per snapshot)
# ---------------------------------------------------------------------------------------------

_values_cache: dict[tuple, dict] = {}
_values_lock = threading.Lock()


def _remembered(key: tuple) -> dict | None:
    """What this process worked out for ``key`` (which names the snapshot it was counted from)."""
    with _values_lock:
        return _values_cache.get(key)


def _remember(key: tuple, value: dict) -> None:
    with _values_lock:
        if len(_values_cache) > 32:
            _values_cache.clear()
        _values_cache[key] = value


def snapshot_current() -> CachedSnapshot:
    return snapshot_cached()


def measures_for_year(year: str, *, cached: CachedSnapshot | None = None) -> dict[str, int | float | None]:
    """Return every measure's value for a year from the live snapshot.

    Worked out once per snapshot and population: remembered in this process and written beside
    the snapshot on disk, so the other web workers read it instead of computing it again.
    """
    cached = cached or snapshot_current()
    population = population_figures()
    population_key = hashlib.sha256(json.dumps(sorted(population.items())).encode()).hexdigest()[:12]
    key = (cached.generation, year, population_key)
    if (known := _remembered(key)) is not None:
        return known
    live = snapshot_store.Live(cached.generation, cached.built_at, cached.seconds)
    values = snapshot_store.values_read(live, year, population_key)
    if values is None:
        values = compute_measures(cached.tables, year=year, population=population)
        snapshot_store.values_write(live, year, population_key, values)
    _remember(key, values)
    return values


def measures_with_time(year: str) -> tuple[dict[str, int | float | None], datetime]:
    """Every measure's value for the year and when its snapshot was built (core.measures_port)."""
    cached = snapshot_current()
    return measures_for_year(year, cached=cached), cached.built_at


def measures_warm(cached: CachedSnapshot, *, today: date | None = None) -> list[str]:
    """Work out the measures and the dashboard's breakdowns of this year and the two before for a new
    snapshot (the task worker), so no page waits for them. The measures of the two years before those
    too: the dashboard of the oldest year offered compares it with its two before (without them its
    first visitor after each rebuild waited 1.8 s at city scale)."""
    year = financial_year_of(today or timezone.localdate())
    years = [year, year_before(year), year_before(year_before(year))]
    for each in years:
        measures_for_year(each, cached=cached)
        breakdowns(year=each, dimensions=list(DIMENSIONS), cached=cached)
    compared = year_before(years[-1])
    for each in (compared, year_before(compared)):
        measures_for_year(each, cached=cached)
    return years


def definition(measure_id: str) -> MeasureDefinition | None:
    return MEASURES_BY_ID.get(measure_id)


def definitions() -> list[MeasureDefinition]:
    return measure_definitions()


COVERAGE_TABLES = {
    "children": (("contacts", "contact_date"), ("referrals", "referral_date")),
    "adults": (("adult_concerns", "received_date"),),
}


def records_span(tables: Snapshot, domain: str = "children") -> tuple[date | None, date | None]:
    """Return the first and last dates of a domain's records (children: contacts and referrals)."""
    lows, highs = [], []
    for name, column in COVERAGE_TABLES[domain]:
        array = tables[name].column(column)
        if len(array) - array.null_count:
            bounds = pc.min_max(array).as_py()
            lows.append(bounds["min"])
            highs.append(bounds["max"])
    return (min(lows) if lows else None, max(highs) if highs else None)


def year_coverage(year: str, tables: Snapshot, *, today: date, domain: str = "children") -> str:
    """Say how far the records cover a year: ``full``, ``part`` (started or ended inside it) or ``none``."""
    start, end = financial_year(year)
    first, last = records_span(tables, domain)
    if first is None or last is None or first > end or start > today:
        return "none"
    if first <= start + timedelta(days=31) and today > end:
        return "full"
    return "part"


def comparators(measure_ids: list[str] | tuple[str, ...], years: list[str]) -> dict[str, dict[str, dict]]:
    """Return {measure id: {comparator: {year: (value, illustrative)}}}."""
    out: dict[str, dict[str, dict]] = {}
    for row in Comparator.objects.filter(measure_id__in=measure_ids, year__in=years):
        out.setdefault(row.measure_id, {}).setdefault(row.comparator, {})[row.year] = {
            "value": row.value,
            "illustrative": row.is_illustrative,
        }
    return out


def comparator_names() -> list[str]:
    return list(Comparator.objects.order_by("comparator").values_list("comparator", flat=True).distinct())


def format_value(value: int | float | None, unit: str) -> str:
    """Return a figure as people read it: 1,234 / 86.2% / none."""
    if value is None:
        return "No data"
    if unit == "percent":
        return f"{value:.1f}%"
    if unit in ("rate", "hours"):
        return f"{value:,.1f}"
    return f"{int(value):,}"


def direction(measure_id: str, now: float | None, before: float | None) -> str:
    """Return "better", "worse", "up", "down" or "same" for a change between two years."""
    if now is None or before is None or now == before:
        return "same" if now is not None and before is not None else ""
    up = now > before
    if measure_id in HIGHER_IS_BETTER:
        return "better" if up else "worse"
    if measure_id in LOWER_IS_BETTER:
        return "worse" if up else "better"
    return "up" if up else "down"


def headline(*, year: str, measure_ids: tuple[str, ...] = HEADLINE_MEASURES) -> list[dict]:
    """Return the headline measures for a year and the year before, with comparators."""
    cached = snapshot_current()
    this, last = measures_for_year(year, cached=cached), measures_for_year(year_before(year), cached=cached)
    peers = comparators(measure_ids, [year])
    rows = []
    for measure_id in measure_ids:
        measure = MEASURES_BY_ID[measure_id]
        rows.append(
            {
                "id": measure_id,
                "title": measure.title,
                "unit": measure.unit,
                "value": this.get(measure_id),
                "shown": format_value(this.get(measure_id), measure.unit),
                "previous": format_value(last.get(measure_id), measure.unit),
                "direction": direction(measure_id, this.get(measure_id), last.get(measure_id)),
                "comparators": [
                    {"name": name, "shown": format_value(v[year]["value"], measure.unit),
                     "illustrative": v[year]["illustrative"]}
                    for name, v in sorted(peers.get(measure_id, {}).items()) if year in v
                ],
            }
        )  # fmt: skip
    return rows


def measure_detail(*, measure_id: str, year: str) -> dict | None:
    """Return a measure's definition with its values for the year and the two before."""
    measure = definition(measure_id)
    if measure is None:
        return None
    cached = snapshot_current()
    years = [year_before(year_before(year)), year_before(year), year]
    peers = comparators([measure_id], years).get(measure_id, {})
    return {
        "measure": measure,
        "years": [
            {"year": y, "shown": format_value(measures_for_year(y, cached=cached).get(measure_id), measure.unit),
             "comparators": [{"name": n, "shown": format_value(v[y]["value"], measure.unit),
                              "illustrative": v[y]["illustrative"]} for n, v in sorted(peers.items()) if y in v]}
            for y in years
        ],
        "is_contract": measure_id in CONTRACT_IDS,
    }  # fmt: skip


def trend(*, measure_id: str, year: str, period: str = "month") -> list[tuple[str, int | float | None]]:
    """Return a measure month by month (or quarter by quarter) across a year."""
    start, end = financial_year(year)
    return compute_trend(
        snapshot_current().tables, measure_id=measure_id, start=start, end=end, period=period,
        population=population_figures(),
    )  # fmt: skip


def year_on_year(*, measure_ids: tuple[str, ...], years: list[str]) -> list[dict]:
    """Return each measure's value in each year (records) for a year-on-year table or chart."""
    cached = snapshot_current()
    values = {y: measures_for_year(y, cached=cached) for y in years}
    return [
        {"id": m, "title": MEASURES_BY_ID[m].title, "unit": MEASURES_BY_ID[m].unit,
         "values": [values[y].get(m) for y in years],
         "shown": [format_value(values[y].get(m), MEASURES_BY_ID[m].unit) for y in years]}
        for m in measure_ids
    ]  # fmt: skip


# ---------------------------------------------------------------------------------------------
# Breakdowns of contacts and referrals in a year (DuckDB over the snapshot)
# ---------------------------------------------------------------------------------------------

AGE_BAND_SQL = """
CASE WHEN p.date_of_birth IS NULL THEN 'Unborn or not known'
     WHEN date_diff('year', p.date_of_birth, d.day) - (CASE WHEN strftime(d.day, '%m%d') < strftime(p.date_of_birth, '%m%d') THEN 1 ELSE 0 END) < 5 THEN '0 to 4'
     WHEN date_diff('year', p.date_of_birth, d.day) - (CASE WHEN strftime(d.day, '%m%d') < strftime(p.date_of_birth, '%m%d') THEN 1 ELSE 0 END) < 10 THEN '5 to 9'
     WHEN date_diff('year', p.date_of_birth, d.day) - (CASE WHEN strftime(d.day, '%m%d') < strftime(p.date_of_birth, '%m%d') THEN 1 ELSE 0 END) < 16 THEN '10 to 15'
     WHEN date_diff('year', p.date_of_birth, d.day) - (CASE WHEN strftime(d.day, '%m%d') < strftime(p.date_of_birth, '%m%d') THEN 1 ELSE 0 END) < 18 THEN '16 to 17'
     ELSE '18 and over' END
"""  # noqa: E501 - one CASE reads better unbroken
AGE_ORDER = ["0 to 4", "5 to 9", "10 to 15", "16 to 17", "18 and over", "Unborn or not known"]
SEX_SQL = "CASE p.sex WHEN 'M' THEN 'Male' WHEN 'F' THEN 'Female' ELSE 'Not known' END"
ETHNIC_SQL = """
CASE WHEN p.ethnicity IS NULL OR p.ethnicity = 'NOBT' THEN 'Not yet obtained'
     WHEN p.ethnicity = 'REFU' THEN 'Refused'
     WHEN p.ethnicity LIKE 'W%' THEN 'White'
     WHEN p.ethnicity LIKE 'M%' THEN 'Mixed or multiple'
     WHEN p.ethnicity LIKE 'A%' OR p.ethnicity = 'CHNE' THEN 'Asian or Asian British'
     WHEN p.ethnicity LIKE 'B%' THEN 'Black or Black British'
     ELSE 'Other ethnic group' END
"""
SOURCE_LABELS = {
    "police": "Police", "health": "Health", "school": "Schools", "early_years": "Education and early years",
    "individual": "Individuals and family", "la_services": "Local authority services", "housing": "Housing",
    "other_legal": "Other legal agencies", "anonymous": "Anonymous", "other": "Other or not known",
}  # fmt: skip
DIMENSIONS = {
    "source": ("By agency source", "d.source"),
    "age": ("By age", AGE_BAND_SQL),
    "sex": ("By sex", SEX_SQL),
    "ethnicity": ("By ethnicity", ETHNIC_SQL),
}


@dataclass(frozen=True)
class BreakdownRow:
    label: str
    contacts: int
    referrals: int

    @property
    def conversion(self) -> float | None:
        from safehub.insight.engine import percent

        return percent(self.referrals, self.contacts) if self.contacts else None


def breakdown(*, year: str, dimension: str) -> list[BreakdownRow]:
    """Return contacts and referrals in a year grouped by source, age band, sex or ethnic group."""
    return breakdowns(year=year, dimensions=[dimension])[dimension]


def breakdowns(
    *, year: str, dimensions: list[str], cached: CachedSnapshot | None = None
) -> dict[str, list[BreakdownRow]]:
    """Several breakdowns of one year from one session over the snapshot.

    Opening a session conforms and checks the whole snapshot (about a third of a second at city
    scale), so the dashboard's four breakdowns share one rather than open four, and the answer is
    kept for the snapshot it was counted from: in this process and beside the snapshot on disk,
    where the other web workers read it (the task worker writes this year's and the two before).
    """
    cached = cached or snapshot_current()
    key = ("breakdowns", cached.generation, year, tuple(dimensions))
    if (known := _remembered(key)) is not None:
        return known
    live = snapshot_store.Live(cached.generation, cached.built_at, cached.seconds)
    disk_key = hashlib.sha256("|".join(dimensions).encode()).hexdigest()[:12]
    stored = snapshot_store.values_read(live, year, disk_key, kind="breakdowns")
    if stored is not None:
        found = {d: [BreakdownRow(*row) for row in stored[d]] for d in dimensions if d in stored}
        if len(found) == len(dimensions):
            _remember(key, found)
            return found
    start, end = financial_year(year)
    out: dict[str, list[BreakdownRow]] = {}
    with session_open(cached.tables, [(start, end)]) as session:
        for dimension in dimensions:
            _, expression = DIMENSIONS[dimension]
            sql = f"""
            WITH d AS (
                SELECT 'contact' AS kind, person_id, contact_date AS day, source FROM contacts
                WHERE contact_date BETWEEN $start AND $end
                UNION ALL
                SELECT 'referral', person_id, referral_date, source FROM referrals
                WHERE referral_date BETWEEN $start AND $end
            )
            SELECT {expression} AS label, count(*) FILTER (WHERE kind = 'contact'),
                   count(*) FILTER (WHERE kind = 'referral')
            FROM d LEFT JOIN persons p ON p.person_id = d.person_id
            GROUP BY ALL
            """  # nosec B608 - the expression is one of the fixed DIMENSIONS, never user input
            rows = session.connection.execute(sql, {"start": start, "end": end}).fetchall()
            out[dimension] = _breakdown_rows(dimension, rows)
    _remember(key, out)  # for this snapshot only: a new snapshot has a new generation
    snapshot_store.values_write(
        live, year, disk_key, {d: [[r.label, r.contacts, r.referrals] for r in rows] for d, rows in out.items()},
        kind="breakdowns",
    )  # fmt: skip
    return out


def _breakdown_rows(dimension: str, rows: list) -> list[BreakdownRow]:
    out = [BreakdownRow(SOURCE_LABELS.get(r[0], r[0]) if dimension == "source" else r[0], int(r[1]), int(r[2]))
           for r in rows]  # fmt: skip
    if dimension == "age":
        return sorted(out, key=lambda r: AGE_ORDER.index(r.label) if r.label in AGE_ORDER else 99)
    return sorted(out, key=lambda r: (-r.contacts, r.label))


# ---------------------------------------------------------------------------------------------
# Drill-down: the records behind a figure, people shown only where the user may open them
# ---------------------------------------------------------------------------------------------

DRILL_LIMIT = 100


def drilldown(*, user, measure_id: str, year: str, now: datetime) -> dict:
    """Return the records behind a measure: visible people listed, the rest only counted."""
    from safehub.people.models import Person

    records = measure_records(snapshot_current().tables, year=year, measure_id=measure_id)
    measure = MEASURES_BY_ID[measure_id]
    if measure.aggregate == "percent" and "denominator" in records.column_names:
        records = records.filter(pc.fill_null(records.column("denominator"), False))
    total = records.num_rows
    if "person_id" not in records.column_names:
        return {"total": total, "people_listed": False, "rows": [], "hidden": 0}
    person_ids = [int(i) for i in pc.unique(records.column("person_id")).drop_null().to_pylist()]
    visible: set[int] = set()
    for offset in range(0, len(person_ids), 500):
        chunk = person_ids[offset : offset + 500]
        qs = policy.persons_visible_to(user, Person.objects.filter(id__in=chunk), now=now)
        visible.update(qs.values_list("id", flat=True))
    shown_ids = sorted(visible)[:DRILL_LIMIT]
    people = Person.objects.filter(id__in=shown_ids).only(
        "id", "given_name", "family_name", "date_of_birth", "expected_date_of_birth"
    )
    names = {p.pk: p.display_name for p in people}
    date_column = next((c for c in records.column_names if c.endswith("_date") or c == "held_on"), None)
    rows = []
    mask = pc.is_in(records.column("person_id"), value_set=pa.array(shown_ids, pa.int64()))
    for row in records.filter(mask).to_pylist():
        rows.append(
            {
                "person_id": row["person_id"],
                "name": names.get(row["person_id"], ""),
                "date": row.get(date_column) if date_column else None,
                "counted": row.get("numerator") if measure.aggregate == "percent" else None,
            }
        )
    # The drill-down names children: each one shown is a read of their record (CONVENTIONS 18).
    with transaction.atomic():
        audit.record_list(actor=user, person_ids=names.keys(), at=now, view=f"measure drill-down {measure_id}")
    hidden_records = total - int(pc.sum(pc.is_in(records.column("person_id"),
                                                 value_set=pa.array(sorted(visible), pa.int64()))).as_py() or 0)  # fmt: skip
    return {
        "total": total,
        "people_listed": True,
        "rows": sorted(rows, key=lambda r: (r["date"] or date.min, r["person_id"]))[:DRILL_LIMIT],
        "hidden": hidden_records,
        "people_total": len(person_ids),
        "people_visible": len(visible),
    }


# ---------------------------------------------------------------------------------------------
# Report sections and builds
# ---------------------------------------------------------------------------------------------


def report_sections(*, year: str) -> list[dict]:
    """Return the written sections of a year's report in report order (empty ones included)."""
    saved = {s.key: s for s in ReportSection.objects.filter(year=year)}
    return [
        {"key": key.value, "title": key.label, "text": saved[key].text if key in saved else "",
         "paragraphs": [p.strip() for p in (saved[key].text if key in saved else "").split("\n\n") if p.strip()],
         "is_placeholder": bool(key in saved and saved[key].is_placeholder),
         "version": saved[key].version if key in saved else 0,
         "updated_at": saved[key].updated_at if key in saved else None}
        for key in ReportSectionKey
    ]  # fmt: skip


def report_section_get(*, year: str, key: str) -> ReportSection | None:
    return ReportSection.objects.filter(year=year, key=key).first()


def report_build_get(*, build_id: int) -> ReportBuild:
    return ReportBuild.objects.get(pk=build_id)


def report_builds(*, year: str, limit: int = 5) -> list[ReportBuild]:
    return list(ReportBuild.objects.filter(year=year)[:limit])


def report_build_latest_done(*, year: str) -> ReportBuild | None:
    return ReportBuild.objects.filter(year=year, status="DONE").first()


CONTRACT_IDS = frozenset(
    ["contacts_total", "children_with_contact", "referrals_total", "referrals_nfa_total", "contacts_to_referral_pct", "re_referrals_12m_pct", "assessments_completed_total", "assessments_within_45wd_pct", "s47_total", "icpc_total", "icpc_within_15wd_pct", "cp_plans_started_total", "cp_plans_started_neglect", "cp_plans_started_emotional", "cp_plans_started_physical", "cp_plans_started_sexual", "cp_plans_started_multiple", "cp_plans_open_31_march", "cp_plans_second_or_subsequent_pct", "cla_started_total", "cla_open_31_march", "adult_concerns_total", "adult_individuals_concerns", "adult_s42_started_total", "adult_individuals_s42", "adult_s42_concluded_total", "police_high_risk_referrals_total", "police_high_risk_within_limit_pct", "health_requests_total", "health_requests_answered_in_time_pct", "strategy_records_shared_in_time_pct", "education_notifications_before_next_school_day_pct", "contacts_ethnicity_recorded_pct", "contacts_voice_recorded_pct"]
) | {m for m in MEASURES_BY_ID if m.startswith(("adult_s42_concluded_risk_", "adult_s42_concluded_capacity_",
                                                 "adult_s42_concluded_msp_")) and "risk_outcome" not in m}  # fmt: skip


def published_children_rows() -> list[dict]:
    return reference.children_social_care()


# ---------------------------------------------------------------------------------------------
# Chart data: one named chart -> (title, unit, kind, labels, series), for SVG, PNG and CSV alike
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChartData:
    title: str
    unit: str
    kind: str  # line | bar | barh
    labels: list[str]
    series: dict[str, list]
    alt: str


def _alt(title: str, labels: list[str], series: dict[str, list], unit: str) -> str:
    parts = []
    for name, values in list(series.items())[:3]:
        shown = ", ".join(f"{lab} {format_value(v, unit)}" for lab, v in zip(labels, values, strict=False))
        parts.append(f"{name}: {shown}" if len(series) > 1 else shown)
    return f"{title}. " + "; ".join(parts)


def chart_data(*, name: str, year: str, period: str = "month") -> ChartData | None:
    """Return the data of a named chart: ``trend-<measure>``, ``breakdown-<dimension>``,
    ``yoy-<measure>`` or ``compare-<measure>``; None for an unknown name."""
    kind, _, subject = name.partition("-")
    if kind == "trend" and subject in MEASURES_BY_ID:
        measure = MEASURES_BY_ID[subject]
        points = trend(measure_id=subject, year=year, period=period)
        labels = [p[0] for p in points]
        series = {year: [p[1] for p in points]}
        title = f"{measure.title}, {year} by {'month' if period == 'month' else 'quarter'}"
        return ChartData(title, measure.unit, "line", labels, series, _alt(title, labels, series, measure.unit))
    if kind == "breakdown" and subject in DIMENSIONS:
        rows = breakdown(year=year, dimension=subject)
        labels = [r.label for r in rows]
        series = {"Contacts": [r.contacts for r in rows], "Referrals": [r.referrals for r in rows]}
        title = f"Contacts and referrals {DIMENSIONS[subject][0].lower()}, {year}"
        return ChartData(title, "count", "barh", labels, series, _alt(title, labels, series, "count"))
    if kind in ("yoy", "compare") and subject in MEASURES_BY_ID:
        measure = MEASURES_BY_ID[subject]
        years = [year_before(year_before(year)), year_before(year), year]
        ours = year_on_year(measure_ids=(subject,), years=years)[0]["values"]
        series = {"Our area (records)": ours}
        if kind == "compare":
            for comparator, values in sorted(comparators([subject], years).get(subject, {}).items()):
                label = comparator + (" (illustrative)" if any(v["illustrative"] for v in values.values()) else "")
                series[label] = [values.get(y, {}).get("value") for y in years]
        title = f"{measure.title}: {'compared with others' if kind == 'compare' else 'year on year'}"
        return ChartData(title, measure.unit, "bar", years, series, _alt(title, years, series, measure.unit))
    return None
