"""Import adult safeguarding records (concerns and enquiries, every SAC field) from CSV.

The file's columns and rules are in ``io_columns`` (and ``safehub/adults/README.md``); the export
that writes the same file is ``io_export``.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction

from safehub.adults.io_columns import CONCERN_TEXT, OWN_ID, OWN_SYSTEM
from safehub.adults.io_people import Flag, PersonResolver, PersonRowError
from safehub.adults.models import (
    ConcernDecision,
    Consent,
    DesiredOutcomes,
    Enquiry,
    EnquiryKind,
    ImportedRow,
    ImportRowStatus,
    LackedCapacity,
    OutcomesAchieved,
    ReportedAutism,
    RiskLocation,
    RiskOutcome,
    RiskSource,
    RiskType,
    SafeguardingConcern,
    SourceKind,
)
from safehub.adults.rules import SAC_SUPPORT_REASONS
from safehub.adults.services import DECISION_WORKING_DAYS, measures_refresh_on_commit, set_enquiry_categories
from safehub.agencies.models import Agency, AgencyKind
from safehub.core import audit, calendar, csv_safety, policy
from safehub.core.models import AuditAction
from safehub.people.models import Involvement, Person


@dataclass
class ImportError_:
    row: int
    column: str
    value: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "value": self.value, "message": self.message}


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)  # rows not imported (kept as REJECTED)
    flagged: list[dict[str, Any]] = field(default_factory=list)  # values kept but not used, row imported
    people: dict[str, int] = field(default_factory=dict)  # linked / created / review

    @property
    def imported(self) -> int:
        return self.created + self.updated + self.unchanged


class RowError(Exception):
    def __init__(self, column: str, value: str, message: str):
        super().__init__(message)
        self.column, self.value, self.message = column, value, message


# ---------------------------------------------------------------------------------------------
# Cell parsers: each raises RowError with the column, never anything else
# ---------------------------------------------------------------------------------------------


def _unneutralise(value: str) -> str:
    """Undo the export's formula guard on import: ``'=SUM(1)`` was written for ``=SUM(1)``.

    ``core.csv_safety.neutralise`` prefixes ``'`` only to text starting with a formula character, so
    an apostrophe followed by one is taken as the guard (text really starting ``'=`` is read as
    starting ``=``: the one spelling that does not survive an export and re-import).
    """
    if len(value) > 1 and value[0] == "'" and value[1] in csv_safety.FORMULA_START:
        return value[1:]
    return value


def _cell(row: dict, column: str) -> str:
    value = row.get(column)
    return _unneutralise(value.strip()) if isinstance(value, str) else ""


def _required(row: dict, column: str) -> str:
    value = _cell(row, column)
    if not value:
        raise RowError(column, value, "Required")
    return value


def _date(row: dict, column: str, *, required: bool = False) -> date | None:
    value = _cell(row, column)
    if not value:
        if required:
            raise RowError(column, value, "Required: a date as YYYY-MM-DD")
        return None
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise RowError(column, value, "Not a date: use YYYY-MM-DD") from None
    if not date(1900, 1, 1) <= day <= date(2100, 12, 31):
        raise RowError(column, value, "Date out of range")
    return day


def _code(row: dict, column: str, choices, *, required: bool = False, default: str = "") -> str:
    value = _cell(row, column)
    if not value:
        if required:
            raise RowError(column, value, f"Required: one of {', '.join(choices.values)}")
        return default
    code = value.upper().replace(" ", "_").replace("-", "_")
    if code not in choices.values:
        raise RowError(column, value, f"Not a valid code: use one of {', '.join(choices.values)}")
    return code


def _support_reason(row: dict, column: str) -> str:
    """Return the SAC primary support reason code (SG1d), blank when not known."""
    value = _cell(row, column)
    code = value.upper().replace(" ", "_").replace("-", "_")
    if code and code not in dict(SAC_SUPPORT_REASONS):
        raise RowError(column, value, "Unknown primary support reason")
    return code


AUTISM_ALIASES = {
    "ASPERGER": ReportedAutism.ASPERGERS,
    "ASPERGER_S": ReportedAutism.ASPERGERS,
    "ASPERGERS_SYNDROME": ReportedAutism.ASPERGERS,
    "ASPERGER_S_SYNDROME": ReportedAutism.ASPERGERS,
    "HIGH_FUNCTIONING_AUTISM": ReportedAutism.ASPERGERS,
}


def _reported_autism(row: dict, column: str) -> str:
    """Return the SAC SG1e autism code, blank when none is reported (``Asperger's syndrome`` is ASPERGERS)."""
    value = _cell(row, column)
    code = re.sub(r"[^A-Z0-9]+", "_", value.upper()).strip("_")
    code = AUTISM_ALIASES.get(code, code)
    if code and code not in ReportedAutism.values:
        raise RowError(column, value, f"Not a valid code: use {', '.join(ReportedAutism.values)} or leave blank")
    return code


def _yes_no(row: dict, column: str) -> bool | None:
    value = _cell(row, column).upper()
    if not value:
        return None
    if value in ("Y", "YES", "TRUE", "1"):
        return True
    if value in ("N", "NO", "FALSE", "0"):
        return False
    raise RowError(column, _cell(row, column), "Use Y, N or leave blank")


def _text(row: dict, column: str, max_length: int | None = None) -> str:
    value = _cell(row, column)
    if "\x00" in value:
        raise RowError(column, value[:50], "Contains a NUL character")
    if max_length and len(value) > max_length:
        raise RowError(column, value[:50], f"Longer than {max_length} characters")
    return value


class _Lookups:
    """Caches of agencies and people for one import."""

    def __init__(self, resolver: PersonResolver | None) -> None:
        self.agencies = {a.code.upper(): a for a in Agency.objects.all()}
        self.resolver = resolver
        self.default_council = Agency.objects.filter(kind=AgencyKind.LA_ADULTS, is_active=True).order_by("pk").first()

    def agency(self, row: dict, column: str, *, required: bool = False) -> Agency | None:
        value = _cell(row, column)
        if not value:
            if required:
                raise RowError(column, value, "Required: an agency code")
            return None
        agency = self.agencies.get(value.upper())
        if agency is None:
            raise RowError(column, value, "No agency with this code")
        return agency

    def council(self, row: dict) -> Agency:
        council = self.agency(row, "council_code")
        if council is None:
            council = self.default_council
        if council is None or council.kind != AgencyKind.LA_ADULTS:
            raise RowError("council_code", _cell(row, "council_code"), "Not an adult social care department")
        return council

    def person(self, row: dict, *, source_system: str, flags: list[Flag]) -> Person:
        if self.resolver is None:
            raise RowError("person_reference", "", "Give the importing user (--user) to match or create people")
        try:
            return self.resolver.resolve(row, source_system=source_system, flags=flags)
        except PersonRowError as exc:
            raise RowError(exc.column, exc.value, exc.message) from None


def _find(model, source_system: str, record_id: str):
    if source_system == OWN_SYSTEM:
        match = OWN_ID.match(record_id)
        expected = "concern" if model is SafeguardingConcern else "enquiry"
        if not match or match.group(1) != expected:
            raise RowError("record_id", record_id, f"Safehub record ids look like {expected}-123")
        found = model.objects.filter(pk=int(match.group(2))).first()
        if found is None:
            raise RowError("record_id", record_id, "No such Safehub record")
        return found
    return model.objects.filter(source_system=source_system, source_record_id=record_id).first()


def _moment(day: date) -> datetime:
    return datetime.combine(day, time(12), tzinfo=calendar.UK)


def _decided_at(row: dict, decided_date: date | None) -> datetime | None:
    """Return the decision moment: ``decided_at`` when given (exports carry it), else noon on the date."""
    raw = _cell(row, "decided_at")
    if raw and decided_date:
        try:
            moment = datetime.fromisoformat(raw)
        except ValueError:
            raise RowError("decided_at", raw, "Not a date and time: use ISO 8601 with an offset") from None
        if moment.tzinfo is None or calendar.uk_date(moment) != decided_date:
            raise RowError("decided_at", raw, "Give an offset, on the decided_date")
        return moment
    return _moment(decided_date) if decided_date else None


def _received_at(row: dict) -> datetime:
    raw = _cell(row, "received_at")
    if raw:
        try:
            moment = datetime.fromisoformat(raw)
        except ValueError:
            raise RowError("received_at", raw, "Not a date and time: use ISO 8601 with an offset") from None
        if moment.tzinfo is None:
            raise RowError("received_at", raw, "Give the time zone offset, e.g. +01:00")
        return moment
    day = _date(row, "received_date", required=True)
    assert day is not None
    return _moment(day)


# ---------------------------------------------------------------------------------------------
# Row -> fields
# ---------------------------------------------------------------------------------------------


def _soft(flags: list[Flag], parse, *args, default=None, **kwargs):
    """Parse an optional cell; an odd value is flagged (and kept in the row) and the default used."""
    try:
        return parse(*args, **kwargs)
    except RowError as exc:
        flags.append(Flag(exc.column, exc.value, f"{exc.message}: kept, not used"))
        return default


def _concern_fields(row: dict, lookups: _Lookups, flags: list[Flag], person: Person) -> dict[str, Any]:
    received_at = _received_at(row)
    source_kind = _code(row, "source_kind", SourceKind, required=True)
    source_agency = lookups.agency(row, "source_agency_code", required=source_kind == SourceKind.AGENCY)
    decision = _code(row, "decision", ConcernDecision)
    decided_date = _date(row, "decided_date", required=bool(decision))
    if decided_date and decided_date < calendar.uk_date(received_at):
        raise RowError("decided_date", _cell(row, "decided_date"), "Decided before the concern was received")
    fields: dict[str, Any] = {
        "person": person,
        "council": lookups.council(row),
        "received_at": received_at,
        "decision_due_at": calendar.due_after_working_days(received_at, DECISION_WORKING_DAYS),
        "source_kind": source_kind,
        "source_agency": source_agency if source_kind == SourceKind.AGENCY else None,
        "consent": _code(row, "consent", Consent, required=True),
        "primary_support_reason": _soft(flags, _support_reason, row, "primary_support_reason", default=""),
        "reported_autism": _soft(flags, _reported_autism, row, "reported_autism", default=""),
        "has_care_and_support_needs": _soft(flags, _yes_no, row, "care_and_support_needs"),
        "experiencing_or_at_risk": _soft(flags, _yes_no, row, "experiencing_or_at_risk"),
        "unable_to_protect_self": _soft(flags, _yes_no, row, "unable_to_protect_self"),
        "decision": decision,
        "decided_at": _decided_at(row, decided_date),
    }
    for name in CONCERN_TEXT:
        model_field = SafeguardingConcern._meta.get_field(name)
        assert isinstance(model_field, models.Field)  # CONCERN_TEXT names the concern's own text fields
        fields[name] = _text(row, name, model_field.max_length)
    if not fields["what_happened"]:
        raise RowError("what_happened", "", "Required")
    return fields


# Other spellings of the locations of risk: the SAC SG2b row labels ("Care Home - Nursing" reads as
# CARE_HOME_NURSING already; "In the Community" does not) and the usual names of the two care homes.
LOCATION_ALIASES = {
    "IN_THE_COMMUNITY": RiskLocation.COMMUNITY,
    "NURSING_HOME": RiskLocation.CARE_HOME_NURSING,
    "NURSING_CARE_HOME": RiskLocation.CARE_HOME_NURSING,
    "RESIDENTIAL_HOME": RiskLocation.CARE_HOME_RESIDENTIAL,
    "RESIDENTIAL_CARE_HOME": RiskLocation.CARE_HOME_RESIDENTIAL,
}


def _codes(
    row: dict,
    column: str,
    choices,
    flags: list[Flag],
    *,
    old_column: str = "",
    aliases: Mapping[str, str] | None = None,
) -> list[str]:
    """Return the ``;``-separated codes of a many-per-enquiry column, each once, sorted.

    A code is read in upper case with every run of spaces and punctuation as one ``_``
    (``Care Home - Nursing`` is CARE_HOME_NURSING). An unknown code is flagged (the row keeps it)
    and the known codes are used.
    """
    value = _cell(row, column) or (_cell(row, old_column) if old_column else "")
    codes = []
    for part in filter(None, (p.strip() for p in value.split(";"))):
        code = re.sub(r"[^A-Z0-9]+", "_", part.upper()).strip("_")
        code = (aliases or {}).get(code, code)
        if code not in choices.values:
            flags.append(Flag(column, part, f"Unknown code: kept, not used (codes: {', '.join(choices.values)})"))
            continue
        codes.append(code)
    return sorted(set(codes))


def _enquiry_fields(row: dict, lookups: _Lookups, concern: SafeguardingConcern, flags: list[Flag]) -> dict[str, Any]:
    return {
        "concern": concern,
        "person_id": concern.person_id,
        "council": concern.council,
        "kind": _code(row, "enquiry_kind", EnquiryKind, required=True),
        "carried_out_by": lookups.agency(row, "carried_out_by_code"),
        "started_date": _date(row, "started_date", required=True),
        "planning_date": _soft(flags, _date, row, "planning_date"),
        "concluded_date": _date(row, "concluded_date"),
        "action_taken": _soft(flags, _yes_no, row, "action_taken"),
        "action_summary": _text(row, "action_summary"),
        "risk_outcome": _code(row, "risk_outcome", RiskOutcome),
        "lacked_capacity": _soft(
            flags, _code, row, "lacked_capacity", LackedCapacity, default=LackedCapacity.NOT_RECORDED
        )
        or LackedCapacity.NOT_RECORDED,
        "advocate_support": _soft(flags, _yes_no, row, "advocate_support"),
        "desired_outcomes_asked": _soft(
            flags, _code, row, "desired_outcomes_asked", DesiredOutcomes, default=DesiredOutcomes.NOT_RECORDED
        )
        or DesiredOutcomes.NOT_RECORDED,
        "desired_outcomes": _text(row, "desired_outcomes"),
        "outcomes_achieved": _soft(flags, _code, row, "outcomes_achieved", OutcomesAchieved, default=""),
        "interpreter_used": _soft(flags, _yes_no, row, "interpreter_used"),
        "heard_away_from_family": _soft(flags, _yes_no, row, "heard_away_from_family"),
    }


def _validation_to_row_error(exc: ValidationError, row: dict) -> RowError:
    if hasattr(exc, "error_dict"):
        column, messages = next(iter(exc.message_dict.items()))
        column = {"has_care_and_support_needs": "care_and_support_needs", "kind": "enquiry_kind"}.get(column, column)
        return RowError(column, _cell(row, column), "; ".join(messages))
    return RowError("", "", "; ".join(exc.messages))


def _save(model, existing, fields: dict[str, Any], source_system: str, record_id: str, by, now, extra=None):
    """Create or update one record; return 'created', 'updated' or 'unchanged'."""
    if existing is None:
        obj = model(
            **fields,
            source_system=source_system if source_system != OWN_SYSTEM else "",
            source_record_id=record_id if source_system != OWN_SYSTEM else "",
        )
        outcome = "created"
    else:
        obj = existing
        changed = [k for k, v in fields.items() if _value(getattr(obj, k)) != _value(v)]
        for key in changed:
            setattr(obj, key, fields[key])
        outcome = "updated" if changed else "unchanged"
    if extra is not None:
        extra(obj)
    if outcome != "unchanged":  # a stored record was valid when saved: only changes need checking
        # The model's rules (clean) run here; its CHECK and UNIQUE constraints are the database's to
        # enforce on save (a breach is reported as the row's error): checking them here too cost a
        # third of a migration's time.
        obj.full_clean(exclude=["decided_by", "recorded_by", "started_by", "concluded_by"], validate_constraints=False)
    if outcome == "created":
        obj.save()
    elif outcome == "updated":
        obj.version += 1
        obj.save()
    return obj, outcome


def _value(v):
    return v.pk if hasattr(v, "pk") else v


def _row_key(row: dict) -> str:
    record_id = _cell(row, "record_id")[:80]
    if record_id:
        return record_id
    raw = json.dumps({k: v for k, v in row.items() if k is not None}, sort_keys=True, default=str)
    return "sha256:" + hashlib.sha256(raw.encode()).hexdigest()[:64]


def _storable(text: str) -> str:
    """Spell a NUL as ``\\x00``: PostgreSQL's JSON cannot hold one, and the row must still be kept."""
    return text.replace("\x00", "\\x00")


def _keep_row(row: dict, *, status: str, flags: list[Flag], obj, now: datetime) -> None:
    """Keep the row as read with its flags (ImportedRow); rewritten only when something differs."""
    raw = {k: _storable(v) for k, v in row.items() if k is not None and isinstance(v, str)}
    extras = row.get(None)  # cells beyond the header: kept too
    if extras:
        raw["_extra_cells"] = _storable(";".join(str(e) for e in extras))
    flag_rows = [{"column": f.column, "value": _storable(f.value[:200]), "message": f.message} for f in flags]
    concern = obj if isinstance(obj, SafeguardingConcern) else None
    enquiry = obj if isinstance(obj, Enquiry) else None
    key = {
        "source_system": _storable(_cell(row, "source_system"))[:40],
        "record_type": _storable(_cell(row, "record_type").upper())[:10],
        "row_key": _storable(_row_key(row))[:100],
    }
    kept = ImportedRow.objects.filter(**key).first()
    if kept is None:
        ImportedRow.objects.create(
            **key, raw=raw, flags=flag_rows, status=status, last_imported_at=now, concern=concern, enquiry=enquiry
        )
        return
    state = (raw, flag_rows, status, getattr(concern, "pk", None), getattr(enquiry, "pk", None))
    if (kept.raw, kept.flags, kept.status, kept.concern_id, kept.enquiry_id) != state:
        kept.raw, kept.flags, kept.status, kept.last_imported_at = raw, flag_rows, status, now
        kept.concern, kept.enquiry = concern, enquiry
        kept.save()


def adults_csv_import(*, text: str, by, now: datetime) -> ImportResult:
    """Import concerns and enquiries from CSV text (schema above); idempotent; nothing is lost.

    People are matched on the register or created (``io_people``) by ``by``, who needs the
    ``adults.decide`` and ``people.create`` permissions. Every row is kept as read (``ImportedRow``):
    an odd value in an optional cell is flagged and the rest of the row imported; a row that cannot
    be imported (a required value missing or wrong) is kept as REJECTED and reported.
    """
    policy.require(by, "adults.decide")
    policy.require(by, "people.create")
    result = ImportResult()
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    missing = {"source_system", "record_id", "record_type"} - set(reader.fieldnames or [])
    if missing:
        result.errors.append(ImportError_(1, ", ".join(sorted(missing)), "", "Missing required columns").as_dict())
        return result
    try:
        rows = [(i, row) for i, row in enumerate(reader, start=2)]
    except csv.Error as exc:
        result.errors.append(ImportError_(reader.line_num, "", "", f"Unreadable CSV: {exc}").as_dict())
        return result
    resolver = PersonResolver(by=by, now=now)
    lookups = _Lookups(resolver)
    # Concerns first, so enquiries can refer to concerns anywhere in the file.
    ordered = sorted(rows, key=lambda r: (_cell(r[1], "record_type").upper() != "CONCERN", r[0]))
    with transaction.atomic():
        for number, row in ordered:
            flags: list[Flag] = []
            cached = dict(resolver.cache)
            counts = dict(resolver.counts)
            try:
                with transaction.atomic():  # a savepoint per row: a failed row leaves nothing behind
                    outcome, obj = _import_row(row, lookups, flags, by=by, now=now)
            except (RowError, IntegrityError) as exc:
                resolver.cache, resolver.counts = cached, counts  # people made for the row were rolled back
                error = (
                    ImportError_(number, exc.column, exc.value[:200], exc.message)
                    if isinstance(exc, RowError)
                    else ImportError_(number, "", "", f"Conflicts with a stored record: {exc}")
                )
                result.errors.append(error.as_dict())
                _keep_row(row, status=ImportRowStatus.REJECTED, flags=[*flags, Flag(error.column, error.value,
                          error.message)], obj=None, now=now)  # fmt: skip
                continue
            setattr(result, outcome, getattr(result, outcome) + 1)
            result.flagged += [{"row": number, "column": f.column, "value": f.value[:200], "message": f.message}
                               for f in flags]  # fmt: skip
            status = ImportRowStatus.FLAGGED if flags else ImportRowStatus.IMPORTED
            _keep_row(row, status=status, flags=flags, obj=obj, now=now)
    result.people = dict(resolver.counts)
    measures_refresh_on_commit()
    return result


def _import_row(row: dict, lookups: _Lookups, flags: list[Flag], *, by, now: datetime) -> tuple[str, Any]:
    source_system = _text(row, "source_system", 40)
    if not source_system:
        raise RowError("source_system", "", "Required")
    record_id = _text(row, "record_id", 80)
    if not record_id:
        raise RowError("record_id", "", "Required")
    record_type = _required(row, "record_type").upper()
    try:
        if record_type == "CONCERN":
            existing = _find(SafeguardingConcern, source_system, record_id)
            # A stored concern keeps its adult: a re-import never matches the person again.
            person = existing.person if existing else lookups.person(row, source_system=source_system, flags=flags)
            fields = _concern_fields(row, lookups, flags, person)
            if fields["received_at"] > now:
                raise RowError("received_date", _cell(row, "received_date"), "In the future")
            obj, outcome = _save(SafeguardingConcern, existing, fields, source_system, record_id, by, now)
            if outcome == "created":
                Involvement.objects.get_or_create(
                    person=obj.person,
                    agency=obj.council,
                    kind="CASE_HOLDER",
                    source=f"adults.SafeguardingConcern:{obj.pk}",
                    defaults={"started_at": obj.received_at},
                )
        elif record_type == "ENQUIRY":
            concern_id = _required(row, "concern_record_id")
            concern = _find(SafeguardingConcern, source_system, concern_id)
            if concern is None:
                raise RowError("concern_record_id", concern_id, "No concern with this record id")
            fields = _enquiry_fields(row, lookups, concern, flags)
            categories = {
                "risk_types": _codes(row, "risk_types", RiskType, flags),
                "risk_locations": _codes(
                    row, "risk_locations", RiskLocation, flags, old_column="risk_location", aliases=LOCATION_ALIASES
                ),
                "risk_sources": _codes(row, "risk_sources", RiskSource, flags, old_column="risk_source"),
            }
            if fields["concluded_date"] and fields["concluded_date"] > calendar.uk_date(now):
                raise RowError("concluded_date", _cell(row, "concluded_date"), "In the future")
            existing = _find(Enquiry, source_system, record_id)
            if existing is not None and existing.concern_id != concern.pk:
                raise RowError("concern_record_id", concern_id, "The enquiry belongs to another concern")

            def check(enquiry: Enquiry) -> None:
                if not enquiry.concluded_date:
                    return
                for name, codes in categories.items():
                    if not codes:
                        raise RowError(name, "", "A concluded enquiry needs at least one")
                if not enquiry.risk_outcome:
                    raise RowError("risk_outcome", "", "Required for a concluded enquiry")

            obj, outcome = _save(Enquiry, existing, fields, source_system, record_id, by, now, extra=check)
            changed = [set_enquiry_categories(obj, name, codes) for name, codes in categories.items()]
            if any(changed) and outcome == "unchanged":
                outcome = "updated"
                Enquiry.objects.filter(pk=obj.pk).update(version=obj.version + 1)
            if outcome == "created" and obj.carried_out_by_id:
                Involvement.objects.get_or_create(
                    person_id=obj.person_id,
                    agency_id=obj.carried_out_by_id,
                    kind="ENQUIRY",
                    source=f"adults.Enquiry:{obj.pk}",
                    defaults={"started_at": _moment(obj.started_date)},
                )
        else:
            raise RowError("record_type", _cell(row, "record_type"), "Use CONCERN or ENQUIRY")
    except ValidationError as exc:
        raise _validation_to_row_error(exc, row) from None
    if outcome != "unchanged":
        audit.record(
            actor=by,
            action=AuditAction.IMPORT,
            subject=obj,
            at=now,
            details={"source_system": source_system, "record_id": record_id, "outcome": outcome},
        )
    return outcome, obj
