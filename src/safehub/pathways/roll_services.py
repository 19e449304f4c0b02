"""Operation Encompass for every setting: a school's or nursery's roll matched to the register.

A designated safeguarding lead uploads the roll (CSV: name, date of birth, postcode, UPN where
the setting has one). Each row goes through the matching engine's online lookup, the same one the
front door uses for a contact: a confident match links the child to the setting (so a domestic
abuse notification reaches it), an uncertain one goes to the front door's review list, and a
child the register does not know stays a row of the upload. Nobody is created from a roll.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from datetime import date, datetime
from typing import cast

from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Field

from safehub.agencies.models import EDUCATION_KINDS, Agency
from safehub.core import audit
from safehub.core.calendar import uk_date
from safehub.core.models import AuditAction
from safehub.core.uploads import upload_limit
from safehub.pathways import rules
from safehub.pathways.models import RollRow, RollRowStatus, RollUpload
from safehub.pathways.roll_matching import RollEntry, roll_entries_match
from safehub.people import policy
from safehub.people.models import EducationPlacement, Involvement, InvolvementKind, Person
from safehub.people.services import involvement_record

# Queues the matching of an uploaded roll (its id) for the task worker. PathwaysConfig.ready() hands in
# pathways.tasks.run_roll_matching.enqueue: the task runs these services, so they do not import it back.
roll_matching_requester: Callable[[int], object] | None = None

ROLL_MAX_ROWS = 5000  # the largest secondary schools have about 2,500 pupils

_HEADERS = {
    "name": "name",
    "fullname": "name",
    "pupilname": "name",
    "childname": "name",
    "givenname": "given_name",
    "forename": "given_name",
    "firstname": "given_name",
    "legalforename": "given_name",
    "familyname": "family_name",
    "surname": "family_name",
    "lastname": "family_name",
    "legalsurname": "family_name",
    "dateofbirth": "date_of_birth",
    "dob": "date_of_birth",
    "postcode": "postcode",
    "upn": "upn",
    "uniquepupilnumber": "upn",
}
_UPN = re.compile(r"^[A-Z][0-9]{11}[0-9A-Z]$")
_POSTCODE = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}$")


def _parse_date(text: str) -> date:
    text = text.strip()
    for pattern in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y"):
        try:
            return datetime.strptime(text, pattern).date()  # noqa: DTZ007 - a calendar date, no time
        except ValueError:
            continue
    raise ValueError(text)


def _split_name(name: str) -> tuple[str, str]:
    """'Family, Given' (the order MIS exports use) or 'Given Middle Family'."""
    name = " ".join(name.split())
    if "," in name:
        family, _, given = name.partition(",")
        return given.strip(), family.strip()
    parts = name.rsplit(" ", 1)
    return (parts[0], parts[1]) if len(parts) == 2 else ("", parts[0])


def roll_parse(content: bytes, *, today: date) -> tuple[list[RollEntry], list[dict]]:
    """Read a roll CSV into entries and a list of problems (row, column, message) to fix.

    A row with a problem is left out and reported, never guessed; the rest go ahead.
    """
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = content.decode("cp1252", errors="replace")
    text = text.replace("\x00", "")
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    if not header:
        return [], [{"row": 0, "column": "", "message": "The file is empty"}]
    columns = [_HEADERS.get(re.sub(r"[^a-z]", "", h.lower())) for h in header]
    has_name = "name" in columns or "family_name" in columns
    if not has_name or "date_of_birth" not in columns:
        return [], [
            {
                "row": 1,
                "column": "",
                "message": "The first row must name the columns: name (or forename and surname), "
                "date of birth, postcode, UPN",
            }
        ]
    entries: list[RollEntry] = []
    problems: list[dict] = []
    for number, raw in enumerate(reader, start=2):
        if not any(cell.strip() for cell in raw):
            continue
        if len(entries) + len(problems) >= ROLL_MAX_ROWS:
            problems.append({"row": number, "column": "", "message": f"Only the first {ROLL_MAX_ROWS} rows are read"})
            break
        values = {c: raw[i].strip() for i, c in enumerate(columns) if c and i < len(raw)}
        given, family = values.get("given_name", ""), values.get("family_name", "")
        if not family and values.get("name"):
            given, family = _split_name(values["name"])
        row_problems = []
        if not family:
            row_problems.append(("name", "The child's name is missing"))
        born = None
        if values.get("date_of_birth"):
            try:
                parsed = _parse_date(values["date_of_birth"])
            except ValueError:
                row_problems.append(("date of birth", "Not a date (use DD/MM/YYYY)"))
            else:
                born = parsed
                if parsed > today or parsed.year < today.year - 25:
                    row_problems.append(("date of birth", "The date of birth is not a pupil's"))
        else:
            row_problems.append(("date of birth", "The date of birth is missing"))
        postcode = " ".join(values.get("postcode", "").upper().split())
        if postcode and not _POSTCODE.match(postcode):
            row_problems.append(("postcode", "Not a UK postcode"))
        upn = values.get("upn", "").upper().replace(" ", "")
        if upn and not _UPN.match(upn):
            row_problems.append(("UPN", "A UPN is a letter, 11 digits and a final digit or letter"))
        if row_problems:
            problems += [{"row": number, "column": col, "message": msg} for col, msg in row_problems]
            continue
        entries.append(RollEntry(number, given[:100], family[:100], born, postcode[:10], upn))
    return entries, problems


def _require_setting_lead(by) -> Agency:
    """Only a designated safeguarding lead of a school or early-years setting uploads its roll."""
    membership = policy.require(by, "frontdoor.notification_acknowledge")
    if membership.agency.kind not in EDUCATION_KINDS:
        raise PermissionDenied("Only a school or early-years setting uploads a roll")
    return membership.agency


def _link(*, person: Person, setting: Agency, by, now: datetime, source: str) -> EducationPlacement:
    """Put the child on the setting's roll (ending a placement elsewhere: the child has moved)."""
    today = uk_date(now)
    EducationPlacement.objects.filter(person=person, ended_date__isnull=True).exclude(setting=setting).update(
        ended_date=today
    )
    placement = EducationPlacement.objects.create(person=person, setting=setting, started_date=today)
    involvement_record(
        person=person, agency_id=setting.pk, kind=InvolvementKind.EDUCATION, now=now, source=source, by=by
    )
    audit.record(
        actor=by,
        action=AuditAction.UPDATE,
        subject=person,
        at=now,
        details={"added": "education", "setting": setting.pk, "via": source},
        reason="Operation Encompass roll",
    )
    return placement


@transaction.atomic
def roll_upload(*, by, now: datetime, file_name: str, content: bytes) -> RollUpload:
    """Read a setting's roll and queue its rows for matching (a background task matches them).

    A secondary school's roll is a few thousand rows, each a lookup in the register: too long for
    a page request, so the request only reads the file and the task worker does the matching.
    """
    setting = _require_setting_lead(by)
    if len(content) > upload_limit():
        raise ValidationError({"file": ["The file is too large"]})
    entries, problems = roll_parse(content, today=uk_date(now))
    if not entries and problems and problems[0]["row"] <= 1:
        raise ValidationError({"file": [problems[0]["message"]]})
    if not entries and not problems:
        raise ValidationError({"file": ["The file has no pupils in it"]})
    upload = RollUpload.objects.create(
        setting=setting,
        uploaded_by=by,
        uploaded_at=now,
        file_name=file_name[:200],
        errors=problems,
        rows_total=len(entries),
    )
    RollRow.objects.bulk_create(
        [
            RollRow(
                upload=upload,
                row_number=entry.row_number,
                given_name=entry.given_name,
                family_name=entry.family_name,
                date_of_birth=entry.date_of_birth,
                postcode=entry.postcode,
                upn=entry.upn,
                status=RollRowStatus.PENDING,
            )
            for entry in entries
        ],
        batch_size=2000,
    )
    audit.record(
        actor=by,
        action=AuditAction.CREATE,
        subject=upload,
        at=now,
        details={"rows": len(entries), "errors": len(problems)},
        reason="Operation Encompass roll",
    )
    if roll_matching_requester is None:
        raise ImproperlyConfigured("No task queue for roll matching: PathwaysConfig.ready() hands it in")
    requester = roll_matching_requester
    transaction.on_commit(lambda: requester(upload.pk))
    return upload


def _link_many(*, people: list[Person], setting: Agency, by, now: datetime, source: str) -> None:
    """Put many children on the setting's roll at once: what ``_link`` does for one, in a few statements.

    Placements elsewhere end, placements and involvements (the setting's access) are written in bulk,
    and each child's record gets one audit row naming the roll upload that changed it.
    """
    if not people:
        return
    today = uk_date(now)
    ids = [p.pk for p in people]
    EducationPlacement.objects.filter(person_id__in=ids, ended_date__isnull=True).exclude(setting=setting).update(
        ended_date=today
    )
    EducationPlacement.objects.bulk_create(
        [EducationPlacement(person=p, setting=setting, started_date=today) for p in people], batch_size=1000
    )
    have = set(
        Involvement.objects.filter(
            person_id__in=ids, agency_id=setting.pk, kind=InvolvementKind.EDUCATION, source=source
        ).values_list("person_id", flat=True)
    )
    Involvement.objects.bulk_create(
        [
            Involvement(person=p, agency_id=setting.pk, kind=InvolvementKind.EDUCATION, source=source, started_at=now)
            for p in people
            if p.pk not in have
        ],
        batch_size=1000,
    )
    audit.record_list(
        actor=by,
        person_ids=ids,
        at=now,
        view=f"education placement and involvement added: setting {setting.pk}, via {source}",
        object_type="people.Person",
        reason="Operation Encompass roll",
        action=AuditAction.UPDATE,
    )


def _rows_save(rows: list[RollRow]) -> None:
    """Write the matched rows' outcomes: one prepared UPDATE run for every row (``bulk_update``'s
    CASE expressions cost a second for a 500-row roll; ``executemany`` a few milliseconds)."""
    meta = RollRow._meta
    quote = connection.ops.quote_name
    fields = [cast(Field, meta.get_field(name)) for name in ("status", "person", "best_probability", "candidates")]
    sets = ", ".join(f"{quote(cast(str, f.column))} = %s" for f in fields)
    where = quote(cast(str, cast(Field, meta.pk).column))
    sql = f"UPDATE {quote(meta.db_table)} SET {sets} WHERE {where} = %s"  # noqa: S608 - model metadata
    params = [[f.get_db_prep_save(getattr(row, f.attname), connection) for f in fields] + [row.pk] for row in rows]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


@transaction.atomic
def roll_match(*, upload: RollUpload, now: datetime) -> RollUpload:
    """Match the upload's waiting rows: link confident matches, send uncertain ones to review.

    Acts for the lead who uploaded the roll (checked again: someone who has left links nothing).
    The rows are matched a chunk at a time (``roll_matching``) and written in bulk.
    """
    upload = RollUpload.objects.select_for_update().select_related("setting", "uploaded_by").get(pk=upload.pk)
    by = upload.uploaded_by
    setting = _require_setting_lead(by)
    on_roll = set(
        EducationPlacement.objects.filter(setting=setting, ended_date__isnull=True).values_list("person_id", flat=True)
    )
    source = f"pathways.RollUpload:{upload.pk}"
    counts = dict.fromkeys(("linked", "already", "review", "not_found"), 0)
    rows = list(upload.rows.filter(status=RollRowStatus.PENDING).order_by("row_number"))
    entries = [RollEntry(r.row_number, r.given_name, r.family_name, r.date_of_birth, r.postcode, r.upn) for r in rows]
    to_link: list[Person] = []
    for row, match in zip(rows, roll_entries_match(entries), strict=True):
        person = match.person
        status = {
            rules.ROLL_LINK: RollRowStatus.LINKED,
            rules.ROLL_REVIEW: RollRowStatus.REVIEW,
            rules.ROLL_NOT_FOUND: RollRowStatus.NOT_FOUND,
        }[match.outcome]
        if person is not None and person.pk in on_roll:
            status = RollRowStatus.ALREADY
        elif person is not None:
            to_link.append(person)
            on_roll.add(person.pk)
        counts[status.lower()] += 1
        row.status, row.person, row.best_probability = status, person, match.best
        row.candidates = match.candidates if status == RollRowStatus.REVIEW else []
    _link_many(people=to_link, setting=setting, by=by, now=now, source=source)
    _rows_save(rows)
    for field, value in counts.items():
        setattr(upload, field, getattr(upload, field) + value)
    upload.matched_at = now
    upload.save(update_fields=[*counts, "matched_at"])
    audit.record(
        actor=by,
        action=AuditAction.UPDATE,
        subject=upload,
        at=now,
        details={**counts, "step": "matched"},
        reason="Operation Encompass roll",
    )
    return upload


@transaction.atomic
def roll_row_resolve(*, row: RollRow, by, now: datetime, person_id: int | None) -> RollRow:
    """Settle an uncertain roll match at the front door: one of the people suggested, or none."""
    policy.require(by, "frontdoor.triage")
    row = RollRow.objects.select_for_update().select_related("upload__setting").get(pk=row.pk)
    if row.status != RollRowStatus.REVIEW:
        raise ValidationError({"person_id": ["This row has already been reviewed"]})
    if person_id is None:
        row.status = RollRowStatus.REJECTED
    else:
        if person_id not in {c["person_id"] for c in row.candidates}:
            raise ValidationError({"person_id": ["Choose one of the people suggested"]})
        person = Person.objects.filter(pk=person_id, merged_into__isnull=True).first()
        if person is None or not policy.person_access(by, person, now=now).allowed:
            raise PermissionDenied("You do not have access to this record")
        setting = row.upload.setting
        if not EducationPlacement.objects.filter(person=person, setting=setting, ended_date__isnull=True).exists():
            _link(person=person, setting=setting, by=by, now=now, source=f"pathways.RollRow:{row.pk}")
        row.status, row.person = RollRowStatus.CONFIRMED, person
    row.resolved_by, row.resolved_at = by, now
    row.full_clean(exclude=["upload", "person", "resolved_by"])
    row.save(update_fields=["status", "person", "resolved_by", "resolved_at"])
    audit.record(
        actor=by,
        action=AuditAction.UPDATE,
        subject=row,
        at=now,
        details={"status": row.status},
        reason="Operation Encompass roll review",
    )
    return row
