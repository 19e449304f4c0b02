"""Export the records as the measures engine's snapshot: one Arrow table per declared dataset.

Each table is read with ``values_list`` (no model instances) in chunks and turned into Arrow
record batches column by column; flags that need text or related rows (voice recorded, late
flagged) are computed by the database so the text never leaves it. Person ids are mapped to the
surviving record after any merge. The result is checked with ``snapshot_conform``.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
from django.conf import settings
from django.db import DatabaseError
from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q
from django.db.models.expressions import RawSQL

from safehub.core.codes import SOURCE_GROUP
from safehub.core.errors import StillPreparing
from safehub.insight import snapshot_store
from safehub.insight.engine.datasets import DATASETS, snapshot_conform, snapshot_write
from safehub.insight.snapshot_read import ages_on, blank_to_null, lower_text, mapped, read_columns, uk_dates
from safehub.lookedafter import snapshot_tables as la_tables
from safehub.pathways import snapshot_tables as pathways_tables

Progress = Callable[[str], None] | None
Snapshot = dict[str, pa.Table]


def _dataset(name: str, columns: dict[str, Any]) -> pa.Table:
    """Assemble a dataset's table from named columns in declared order, cast to its schema."""
    schema = DATASETS[name].schema
    arrays = [columns[f.name] for f in schema]
    length = len(arrays[0]) if arrays else 0
    arrays = [a if not isinstance(a, list) else pa.array(a, f.type) for a, f in zip(arrays, schema, strict=True)]
    return pa.table(arrays, names=[f.name for f in schema]).cast(schema) if length or arrays else schema.empty_table()


# ---------------------------------------------------------------------------------------------
# Merged people: every person id points at the surviving record
# ---------------------------------------------------------------------------------------------


def merged_person_map(people: Q | None = None) -> dict[int, int]:
    """Return {merged person id: surviving person id}, following chains of merges.

    ``people`` narrows the merged records looked at to those the snapshot mentions.
    """
    from safehub.people.models import Person

    merged = Person.objects.filter(merged_into__isnull=False)
    mentioned = dict((merged.filter(people) if people is not None else merged).values_list("id", "merged_into_id"))
    if not mentioned:
        return {}
    direct = dict(merged.values_list("id", "merged_into_id"))  # every link, for chains of merges
    resolved: dict[int, int] = {}
    for source in mentioned:
        target, seen = direct[source], {source}
        while target in direct and target not in seen:
            seen.add(target)
            target = direct[target]
        resolved[source] = target
    return resolved


def _remap(column: pa.ChunkedArray, mapping: dict[int, int]) -> pa.ChunkedArray:
    if not mapping or len(column) == 0:
        return column
    keys = pa.array(list(mapping), pa.int64())
    values = pa.array(list(mapping.values()), pa.int64())
    index = pc.index_in(column, value_set=keys)
    return pc.if_else(pc.is_valid(index), pc.take(values, index), column)


def _apply_merges(tables: Snapshot, mapping: dict[int, int]) -> Snapshot:
    if not mapping:
        return tables
    out = {}
    for name, table in tables.items():
        if name != "persons" and "person_id" in table.column_names:
            index = table.column_names.index("person_id")
            table = table.set_column(index, table.schema.field(index), _remap(table.column(index), mapping))
            table = _first_per_key(name, table)
        out[name] = table
    return out


def _first_per_key(name: str, table: pa.Table) -> pa.Table:
    """After a merge two people's rows can share a per-person key (e.g. a care leaver's status on a date):
    keep the first, since they describe the same person on the same day."""
    dataset = DATASETS.get(name)
    key = getattr(dataset, "key", None)
    if not key or "person_id" not in key or table.num_rows == 0:
        return table
    seen: set[tuple] = set()
    keep: list[int] = []
    for i, row in enumerate(zip(*(table.column(k).to_pylist() for k in key), strict=True)):
        if row not in seen:
            seen.add(row)
            keep.append(i)
    return table if len(keep) == table.num_rows else table.take(pa.array(keep))


# ---------------------------------------------------------------------------------------------
# One function per dataset
# ---------------------------------------------------------------------------------------------


def _sources(column: pa.ChunkedArray, *, raw_sources: bool) -> pa.ChunkedArray:
    return column if raw_sources else mapped(column, SOURCE_GROUP, "other")


def _contacts(*, raw_sources: bool) -> pa.Table:
    from safehub.core.codes import ReferralSource
    from safehub.frontdoor.models import Contact, LateFlag
    from safehub.people.models import Ethnicity

    qs = Contact.objects.order_by("id").annotate(
        voice=ExpressionWrapper(~Q(child_voice=""), output_field=BooleanField()),
        late=Exists(LateFlag.objects.filter(contact_id=OuterRef("pk"))),
        # The receipt limit applies to a PPN the police flagged high risk or graded red, and to one
        # the MASH graded red (frontdoor/rules.police_limit_applies).
        red=ExpressionWrapper(
            Q(high_risk=True) | Q(police_grade="RED") | Q(current_rag="RED"), output_field=BooleanField()
        ),
    )
    t = read_columns(qs, {
        "id": "int", "person_id": "int", "received_at": "moment", "source": "text", "red": "bool",
        "incident_recorded_at": "moment", "police_limit_hours": "float", "ethnicity": "text", "voice": "bool",
        "late": "bool",
    })  # fmt: skip
    return _dataset("contacts", {
        "contact_id": t["id"], "person_id": t["person_id"], "contact_date": uk_dates(t["received_at"]),
        "received_at": t["received_at"], "source": _sources(t["source"], raw_sources=raw_sources),
        "from_police": pc.equal(t["source"], ReferralSource.POLICE.value), "police_high_risk": t["red"],
        "incident_recorded_at": t["incident_recorded_at"], "police_limit_hours": t["police_limit_hours"],
        "ethnicity_recorded": pc.not_equal(t["ethnicity"], Ethnicity.NOBT.value),
        "voice_recorded": pc.fill_null(t["voice"], False), "late_flagged": pc.fill_null(t["late"], False),
    })  # fmt: skip


def _referrals(*, raw_sources: bool) -> pa.Table:
    from safehub.frontdoor.models import Referral

    t = read_columns(Referral.objects.order_by("id"), {
        "id": "int", "person_id": "int", "contact_id": "int", "referral_date": "date", "source": "text", "nfa": "bool",
    })  # fmt: skip
    return _dataset("referrals", {
        "referral_id": t["id"], "person_id": t["person_id"], "contact_id": t["contact_id"],
        "referral_date": t["referral_date"], "source": _sources(t["source"], raw_sources=raw_sources), "nfa": t["nfa"],
    })  # fmt: skip


def _factor_lists(column: pa.ChunkedArray) -> pa.Array:
    return pa.array([[str(f) for f in json.loads(v)] if v else [] for v in column.to_pylist()], pa.list_(pa.string()))


def _assessments() -> pa.Table:
    from safehub.casework.models import Assessment

    t = read_columns(Assessment.objects.order_by("id"), {
        "id": "int", "person_id": "int", "referral_id": "int", "start_date": "date", "authorised_date": "date",
        "factors": "json",
    })  # fmt: skip
    return _dataset("assessments", {
        "assessment_id": t["id"], "person_id": t["person_id"], "referral_id": t["referral_id"],
        "start_date": t["start_date"], "authorised_date": t["authorised_date"], "factors": _factor_lists(t["factors"]),
    })  # fmt: skip


def _section47() -> pa.Table:
    from safehub.casework.models import Section47

    t = read_columns(Section47.objects.order_by("id"), {
        "id": "int", "person_id": "int", "strategy_date": "date", "icpc_date": "date", "outcome": "text",
    })  # fmt: skip
    return _dataset("section47", {
        "s47_id": t["id"], "person_id": t["person_id"], "strategy_date": t["strategy_date"],
        "icpc_date": t["icpc_date"], "outcome": blank_to_null(t["outcome"]),
    })  # fmt: skip


def _cp_plans() -> pa.Table:
    from safehub.casework.models import ChildProtectionPlan

    t = read_columns(ChildProtectionPlan.objects.order_by("id"), {
        "id": "int", "person_id": "int", "start_date": "date", "end_date": "date", "initial_category": "text",
        "unborn_at_start": "bool",
    })  # fmt: skip
    return _dataset("cp_plans", {
        "plan_id": t["id"], "person_id": t["person_id"], "start_date": t["start_date"], "end_date": t["end_date"],
        "initial_category": blank_to_null(t["initial_category"]), "unborn_at_start": t["unborn_at_start"],
    })  # fmt: skip


def _periods(name: str, model, id_column: str, start: str, end: str) -> pa.Table:
    t = read_columns(model.objects.order_by("id"), {"id": "int", "person_id": "int", start: "date", end: "date"})
    return _dataset(name, {id_column: t["id"], "person_id": t["person_id"], start: t[start], end: t[end]})


def _care_timetable(tables: Snapshot) -> dict[str, pa.Table]:
    """The looked-after child's reviews and health assessments, as the looked-after app schedules and
    records them (one timetable: the same rows the SSDA903 and the child's page show), taken from
    the looked-after tables already read (closed items and dental checks are left out there). The
    Promoting the health and well-being of looked-after children statutory guidance (2015): initial
    assessment within 20 working days, reviews 6- or 12-monthly."""
    reviews, health = tables["la_reviews"], tables["la_health_checks"]
    return {
        "cla_reviews": _dataset("cla_reviews", {
            "review_id": reviews["review_id"], "person_id": reviews["person_id"],
            "due_date": reviews["due_date"], "held_date": reviews["held_date"],
        }),
        "cla_health_assessments": _dataset("cla_health_assessments", {
            "assessment_id": health["check_id"], "person_id": health["person_id"],
            "due_date": health["due_date"], "completed_date": health["done_date"],
        }),
    }  # fmt: skip


def _cin_episodes() -> pa.Table:
    from safehub.casework.models import CaseEpisode

    t = read_columns(CaseEpisode.objects.order_by("id"), {
        "id": "int", "person_id": "int", "referral_date": "date", "closure_date": "date", "closure_reason": "text",
    })  # fmt: skip
    return _dataset("cin_episodes", {
        "episode_id": t["id"], "person_id": t["person_id"], "referral_date": t["referral_date"],
        "closure_date": t["closure_date"], "closure_reason": t["closure_reason"],
    })  # fmt: skip


def _early_help() -> dict[str, pa.Table]:
    """Early help assessments (every episode, imported List 2 rows included) and the episodes kept in Safehub."""
    from safehub.earlyhelp.models import EarlyHelpEpisode

    t = read_columns(EarlyHelpEpisode.objects.order_by("id"), {
        "id": "int", "person_id": "int", "origin": "text", "assessment_start_date": "date",
        "assessment_completed_date": "date", "closed_date": "date", "closure_reason": "text",
    })  # fmt: skip
    kept = pc.not_equal(t["origin"], "ANNEX_A")
    episodes = t.filter(kept)
    return {
        "early_help_assessments": _dataset("early_help_assessments", {
            "assessment_id": t["id"], "person_id": t["person_id"], "start_date": t["assessment_start_date"],
            "completed_date": t["assessment_completed_date"],
        }),
        "early_help_episodes": _dataset("early_help_episodes", {
            "episode_id": episodes["id"], "person_id": episodes["person_id"], "origin": episodes["origin"],
            "start_date": episodes["assessment_start_date"], "completed_date": episodes["assessment_completed_date"],
            "closed_date": episodes["closed_date"], "closure_reason": blank_to_null(episodes["closure_reason"]),
        }),
    }  # fmt: skip


def _care_leavers() -> pa.Table:
    from safehub.casework.models import CareLeaverStatus

    t = read_columns(CareLeaverStatus.objects.order_by("id"), {
        "person_id": "int", "as_of_date": "date", "person__date_of_birth": "date", "suitable_accommodation": "bool",
        "activity": "text",
    })  # fmt: skip
    return _dataset("care_leavers", {
        "person_id": t["person_id"], "as_of_date": t["as_of_date"],
        "age": ages_on(t["person__date_of_birth"], t["as_of_date"]),
        "suitable_accommodation": t["suitable_accommodation"], "in_eet": pc.equal(t["activity"], "EET"),
    })  # fmt: skip


def _health_requests() -> pa.Table:
    from safehub.agencies.models import HEALTH_KINDS
    from safehub.frontdoor.models import InformationRequest

    qs = InformationRequest.objects.filter(agency__kind__in=HEALTH_KINDS).order_by("id")
    t = read_columns(qs, {
        "id": "int", "requested_at": "moment", "due_at": "moment", "answered_at": "moment", "urgency": "text",
    })  # fmt: skip
    return _dataset("health_requests", {
        "request_id": t["id"], "requested_at": t["requested_at"], "due_at": t["due_at"],
        "answered_at": t["answered_at"], "urgency": t["urgency"],
    })  # fmt: skip


def _strategy() -> dict[str, pa.Table]:
    from safehub.agencies.models import AgencyKind
    from safehub.casework.models import MeetingInvite, RecordShare, StrategyMeeting

    m = read_columns(StrategyMeeting.objects.order_by("id"), {
        "id": "int", "person_id": "int", "held_at": "moment", "record_share_due_at": "moment",
    })  # fmt: skip
    # The record is the local authority's own: it is shared with the other invited agencies
    # (as casework.services.record_approve does), so children's services' invites are not waited on.
    invited = MeetingInvite.objects.exclude(agency__kind=AgencyKind.LA_CHILDREN)
    invites = read_columns(
        invited.order_by("meeting_id", "agency_id").distinct(), {"meeting_id": "int", "agency_id": "int"}
    )
    shares = read_columns(RecordShare.objects.order_by("id"), {
        "meeting_id": "int", "agency_id": "int", "shared_at": "moment",
    })  # fmt: skip
    return {
        "strategy_meetings": _dataset("strategy_meetings", {
            "meeting_id": m["id"], "person_id": m["person_id"], "held_at": m["held_at"],
            "held_date": uk_dates(m["held_at"]), "record_share_due_at": m["record_share_due_at"],
        }),
        "strategy_invites": _dataset("strategy_invites", dict(zip(invites.column_names, invites.columns, strict=True))),
        "strategy_record_shares": _dataset(
            "strategy_record_shares", dict(zip(shares.column_names, shares.columns, strict=True))
        ),
    }  # fmt: skip


def _education_notifications() -> pa.Table:
    from safehub.frontdoor.models import EducationNotification

    t = read_columns(EducationNotification.objects.order_by("id"), {
        "id": "int", "incident_at": "moment", "due_at": "moment", "delivered_at": "moment", "setting__kind": "text",
    })  # fmt: skip
    return _dataset("education_notifications", {
        "notification_id": t["id"], "incident_at": t["incident_at"], "due_at": t["due_at"],
        "delivered_at": t["delivered_at"],
        "setting_kind": mapped(t["setting__kind"], {"SCHOOL": "school", "EARLY_YEARS": "early_years"}, "school"),
    })  # fmt: skip


def _adults() -> dict[str, pa.Table]:
    """Return the adult tables, or nothing when the adults app is not installed or migrated."""
    try:
        from safehub.adults.models import (
            Enquiry,
            EnquiryRiskLocation,
            EnquiryRiskSource,
            EnquiryRiskType,
            SafeguardingConcern,
        )
    except ImportError:
        return {}
    try:
        c = read_columns(SafeguardingConcern.objects.order_by("id"), {
            "id": "int", "person_id": "int", "received_at": "moment", "person__date_of_birth": "date",
            "person__sex": "text", "person__ethnicity": "text",
        })  # fmt: skip
        e = read_columns(Enquiry.objects.order_by("id"), {
            "id": "int", "person_id": "int", "concern_id": "int", "kind": "text", "started_date": "date",
            "concluded_date": "date", "lacked_capacity": "text", "desired_outcomes_asked": "text",
            "risk_outcome": "text", "action_taken": "bool", "outcomes_achieved": "text", "advocate_support": "bool",
            "person__date_of_birth": "date", "person__date_of_death": "date", "person__sex": "text",
            "person__ethnicity": "text",
        })  # fmt: skip
        lists = {
            "risk_locations": read_columns(EnquiryRiskLocation.objects.order_by("enquiry_id", "location"), {
                "enquiry_id": "int", "location": "text"}),
            "risk_sources": read_columns(EnquiryRiskSource.objects.order_by("enquiry_id", "source"), {
                "enquiry_id": "int", "source": "text"}),
        }  # fmt: skip
        r = read_columns(EnquiryRiskType.objects.order_by("enquiry_id", "risk_type"), {
            "enquiry_id": "int", "risk_type": "text",
        })  # fmt: skip
    except DatabaseError:  # tables not migrated yet: the snapshot has no adults
        return {}
    risk_types: dict[int, list[str]] = {}
    for enquiry_id, risk in zip(r["enquiry_id"].to_pylist(), r["risk_type"].to_pylist(), strict=True):
        risk_types.setdefault(enquiry_id, []).append(risk.lower())
    by_enquiry: dict[str, dict[int, list[str]]] = {name: {} for name in lists}
    for name, t in lists.items():
        for enquiry_id, code in zip(t["enquiry_id"].to_pylist(), t.column(1).to_pylist(), strict=True):
            if code:
                by_enquiry[name].setdefault(enquiry_id, []).append(code.lower())
    received = uk_dates(c["received_at"])
    return {
        "adult_concerns": _dataset("adult_concerns", {
            "concern_id": c["id"], "person_id": c["person_id"], "received_date": received,
            "age_at_concern": ages_on(c["person__date_of_birth"], received), "sex": c["person__sex"],
            "ethnicity": c["person__ethnicity"],
        }),
        "s42_enquiries": _dataset("s42_enquiries", {
            "enquiry_id": e["id"], "person_id": e["person_id"], "concern_id": e["concern_id"], "kind": e["kind"],
            "started_date": e["started_date"], "concluded_date": e["concluded_date"],
            "risk_types": pa.array([risk_types.get(i, []) for i in e["id"].to_pylist()], pa.list_(pa.string())),
            "lacked_capacity": lower_text(e["lacked_capacity"]), "msp": lower_text(e["desired_outcomes_asked"]),
            "risk_outcome": lower_text(e["risk_outcome"]), "action_taken": e["action_taken"],
            **{name: pa.array([by_enquiry[name].get(i, []) for i in e["id"].to_pylist()], pa.list_(pa.string()))
               for name in lists},
            "outcomes_achieved": lower_text(e["outcomes_achieved"]), "advocate_support": e["advocate_support"],
            "age_at_start": ages_on(e["person__date_of_birth"], e["started_date"]), "sex": e["person__sex"],
            "ethnicity": e["person__ethnicity"], "date_of_birth": e["person__date_of_birth"],
            "date_of_death": e["person__date_of_death"],
        }),
    }  # fmt: skip


def _people_in_records() -> Q:
    """Return a condition on Person: the people the snapshot's records are about."""
    from safehub.casework.models import (
        Assessment,
        CareLeaverStatus,
        ChildProtectionPlan,
        LookedAfterEpisode,
        Section47,
        StrategyMeeting,
    )
    from safehub.frontdoor.models import Contact, Referral
    from safehub.lookedafter.models import LAHealthCheck, LAReview

    models: list = [Contact, Referral, Assessment, Section47, ChildProtectionPlan, LookedAfterEpisode, LAReview,
                    LAHealthCheck, CareLeaverStatus, StrategyMeeting]  # fmt: skip
    try:
        from safehub.adults.models import Enquiry, SafeguardingConcern

        models += [SafeguardingConcern, Enquiry]
    except ImportError:
        pass
    # One UNION of the tables' person ids, hashed once: an OR of an IN list per table was a hashed
    # subplan each, and at region scale (2.2 million contacts) a list outgrew PostgreSQL's default
    # work_mem, fell back to a subplan run for each of 13 million people, and ran for over 17 minutes.
    union = " UNION ".join(
        f'SELECT "person_id" FROM "{model._meta.db_table}" WHERE "person_id" IS NOT NULL'  # noqa: S608 - model tables
        for model in models
    )
    return Q(id__in=RawSQL(union, []))  # noqa: S611  # nosec B611 - table names from the models, no input


def _persons(people: Q | None) -> pa.Table:
    """Return the people the records are about (not every resident on the register)."""
    from safehub.people.models import Person

    qs = Person.objects.order_by("id")
    if people is not None:
        qs = qs.filter(people)
    t = read_columns(qs, {
        "id": "int", "sex": "text", "date_of_birth": "date", "expected_date_of_birth": "date", "ethnicity": "text",
    })  # fmt: skip
    return _dataset("persons", {
        "person_id": t["id"], "sex": t["sex"], "date_of_birth": t["date_of_birth"],
        "expected_date_of_birth": t["expected_date_of_birth"], "ethnicity": t["ethnicity"],
        "is_unborn_now": pc.and_(pc.is_null(t["date_of_birth"]), pc.is_valid(t["expected_date_of_birth"])),
    })  # fmt: skip


def build_snapshot(*, raw_sources: bool = False, progress: Progress = None) -> Snapshot:
    """Read the records into the engine's snapshot (conformed and checked).

    ``raw_sources`` keeps CIN census referral source codes (for the census return) instead of
    the dashboards' source groups.
    """
    from safehub.casework.models import LookedAfterEpisode

    say = progress or (lambda _message: None)
    steps: list[tuple[str, Callable[[], dict[str, pa.Table]]]] = [
        ("contacts", lambda: {"contacts": _contacts(raw_sources=raw_sources)}),
        ("referrals", lambda: {"referrals": _referrals(raw_sources=raw_sources)}),
        ("assessments", lambda: {"assessments": _assessments()}),
        ("section 47 enquiries", lambda: {"section47": _section47()}),
        ("child protection plans", lambda: {"cp_plans": _cp_plans()}),
        ("children looked after", lambda: {
            "cla_episodes": _periods("cla_episodes", LookedAfterEpisode, "episode_id", "start_date", "end_date"),
        }),
        ("child-in-need episodes", lambda: {"cin_episodes": _cin_episodes()}),
        ("early help", _early_help),
        ("care leavers", lambda: {"care_leavers": _care_leavers()}),
        ("health requests", lambda: {"health_requests": _health_requests()}),
        ("strategy meetings", _strategy),
        ("education notifications", lambda: {"education_notifications": _education_notifications()}),
        ("front-door pathways", pathways_tables.tables),
        ("looked-after 903 records", la_tables.tables),
        ("adults", _adults),
    ]  # fmt: skip
    tables: Snapshot = {}
    total = len(steps) + 1
    for index, (label, step) in enumerate(steps, start=1):
        say(f"Reading records {index}/{total}: {label}")
        tables.update(step())
    tables.update(_care_timetable(tables))
    people = _people_in_records()
    tables = _apply_merges(tables, merged_person_map(people))
    say(f"Reading records {total}/{total}: people")
    tables["persons"] = _persons(people)
    return snapshot_conform(tables)


# ---------------------------------------------------------------------------------------------
# The live snapshot: kept on disk for every process (snapshot_store), remembered per process
# ---------------------------------------------------------------------------------------------

CACHE_SECONDS = 300
# A snapshot older than this is rebuilt by the task worker in the background, while pages still
# read it.
REFRESH_AFTER_SECONDS = 120
# A build expected to take longer than this is never run inside a request (gunicorn stops a web
# worker after 30 s): the page asks the task worker for it and says the figures are being worked
# out. At city scale a build takes about 3 s and a page that finds none builds it itself.
INLINE_BUILD_SECONDS = 20


def refresh_age(build_seconds: float) -> float:
    """How old a snapshot is when a page asks the task worker for the next: REFRESH_AFTER_SECONDS
    after it went live. Its age counts from when its records were read, so a build of 2 minutes
    (region scale) is already 2 minutes old when it goes live; without its build time here the
    worker rebuilt again the moment each build went live, a core busy for good."""
    return REFRESH_AFTER_SECONDS + build_seconds


def servable_age(build_seconds: float) -> float:
    """The oldest a snapshot may be and still be served: CACHE_SECONDS, or, where a build takes
    longer (region scale: about 2 minutes on two cores), the age at which the next build is asked
    for plus twice the build time (a build beside the pages may take twice as long), so the figures
    a page shows are never older than the time it takes to count them again, with that margin,
    and no page waits while they are."""
    return max(CACHE_SECONDS, refresh_age(build_seconds) + 2 * build_seconds)


@dataclass(frozen=True)
class CachedSnapshot:
    """A snapshot with when it was built, how long that took and its stamp (the same in every process)."""

    tables: Snapshot
    built_at: datetime
    seconds: float
    generation: str


_cache: dict[str, CachedSnapshot] = {}
_lock = threading.Lock()


def snapshot_refresh(*, prepare: Callable[[CachedSnapshot], object] | None = None) -> CachedSnapshot:
    """Build the snapshot from the records now, make it the live one for every process and return it.

    ``prepare`` (the task worker's: work out the recent years' measures) runs on the new snapshot
    before any other process can see it. If a write cleared the snapshot meanwhile, the new one is
    not made live (it may miss that write): it is still returned to the caller, and the next
    page builds from the records.
    """
    started = time.perf_counter()
    built_at = datetime.now(UTC)
    mark = snapshot_store.clear_mark()
    tables = build_snapshot()
    live = snapshot_store.write(tables, built_at=built_at, seconds=time.perf_counter() - started)
    cached = CachedSnapshot(tables, live.built_at, live.seconds, live.stamp)
    if prepare is not None:
        prepare(cached)
    if snapshot_store.publish(live, mark=mark):
        with _lock:
            _cache["default"] = cached
    return cached


def snapshot_cached(*, max_age: float | None = None) -> CachedSnapshot:
    """Return the live snapshot; rebuilt from the records first when there is none or it is older
    than ``max_age`` seconds (default: ``servable_age`` of its build time). One a little old is
    served while the task worker rebuilds it.

    Where the last build took longer than INLINE_BUILD_SECONDS and a task worker runs, a page
    that finds no servable snapshot does not build one: it asks the worker and raises
    ``StillPreparing`` (the page answers 503 and asks again).
    """
    with _lock:
        live = snapshot_store.current()
        bound = max_age if max_age is not None else servable_age(live.seconds) if live is not None else 0
        if live is not None and live.age() < bound:
            hit = _cache.get("default")
            if hit is not None and hit.generation == live.stamp:
                _refresh_soon(live)
                return hit
            tables = snapshot_store.read(live)
            if tables is not None:
                cached = CachedSnapshot(tables, live.built_at, live.seconds, live.stamp)
                _cache["default"] = cached
                _refresh_soon(live)
                return cached
    expected = snapshot_store.last_build_seconds()
    if (
        expected is not None
        and expected > INLINE_BUILD_SECONDS
        and refresh_requester is not None
        and refresh_requester()
    ):
        raise StillPreparing("the partnership's measures", expected_seconds=expected)
    return snapshot_refresh()


# Set by InsightConfig.ready() to insight.tasks.refresh_snapshot_later (the task module imports
# this one, so this one does not import it): asks the task worker for a rebuild; True when one is
# queued (now or a moment ago), False where no worker runs tasks in the background.
refresh_requester: Callable[[], bool] | None = None


def _refresh_soon(live: snapshot_store.Live) -> None:
    if live.age() >= refresh_age(live.seconds) and refresh_requester is not None:
        refresh_requester()


def snapshot_cache_clear() -> None:
    """Forget the live snapshot in every process (tests, a write that must show at once, a bulk import)."""
    with _lock:
        _cache.clear()
        snapshot_store.clear()


def snapshot_save(snapshot: Snapshot, *, now: datetime | None = None) -> Path:
    """Write a snapshot as Parquet under ``var/snapshots/<timestamp>/`` for inspection."""
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%SZ")
    directory = Path(settings.DATA_DIR) / "snapshots" / stamp
    snapshot_write(snapshot, directory)
    return directory
