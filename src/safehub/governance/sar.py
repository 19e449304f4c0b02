"""Subject access request export: a person's records, with third parties redacted, as JSON and PDF."""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal

from django.db import models, transaction
from django.template.loader import render_to_string

from safehub.core import audit, policy
from safehub.core.models import AuditAction
from safehub.frontdoor.models import Contact
from safehub.governance.services import PUBLIC_SOURCES, _person_models
from safehub.people.models import Person

REDACTED = "[redacted: third party]"
SKIP_FIELDS = {"version", "idempotency_key", "family_ref"}
SKIP_MODELS = {
    "core.AuditEvent",
    "people.BreakGlassGrant",
    "people.SealedAccess",
    "governance.RetentionReview",
    "governance.LegalHold",
    "frontdoor.ContactDraft",
}


def _third_party_names(person: Person) -> list[str]:
    names: set[str] = set()
    for rel in list(person.relationships.select_related("related")) + list(person.related_to.select_related("person")):
        other = rel.related if rel.person_id == person.pk else rel.person
        for part in (other.given_name, other.family_name, f"{other.given_name} {other.family_name}".strip()):
            if part and len(part) > 2:
                names.add(part)
    return sorted(names, key=len, reverse=True)


def _redact(text: str, names: list[str]) -> str:
    for name in names:
        text = re.sub(rf"\b{re.escape(name)}\b", REDACTED, text, flags=re.IGNORECASE)
    return text


def _plain(value):
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def subject_access_export(*, person: Person, by, now: datetime) -> dict:
    """Build the subject access export; the export itself is audited."""
    policy.require(by, "governance.manage")
    names = _third_party_names(person)
    sections: dict[str, list[dict]] = {}
    sections["Relationships"] = [
        {"relationship": r.get_kind_display(), "name": REDACTED} for r in person.relationships.all()
    ]
    for model, fk in _person_models():
        label = model._meta.label
        if (
            label in SKIP_MODELS
            or model._meta.app_label == "people"
            and model.__name__ not in ("Address", "PersonName", "EducationPlacement")
        ):
            continue
        rows = []
        for obj in model._default_manager.filter(**{fk: person}):
            row = {}
            for field in model._meta.concrete_fields:
                if field.name in SKIP_FIELDS or isinstance(field, models.ForeignKey) and field.related_model is Person:
                    continue
                value = getattr(obj, field.attname)
                if isinstance(field, models.ForeignKey):
                    target = getattr(obj, field.name)
                    value = str(getattr(target, "name", "")) if target is not None and hasattr(target, "name") else None
                    if value is None:
                        continue
                if isinstance(value, str):
                    value = _redact(value, names)
                row[field.verbose_name] = _plain(value)
            if isinstance(obj, Contact) and obj.source in PUBLIC_SOURCES:
                row["referrer name"] = REDACTED
                row["referrer contact details"] = REDACTED
            rows.append(row)
        if rows:
            plural = model._meta.verbose_name_plural
            assert plural is not None  # Django fills it in (from verbose_name) for every model
            sections[plural.capitalize()] = rows
    export = {
        "person": {
            "reference": str(person.reference),
            "given name": person.given_name,
            "family name": person.family_name,
            "date of birth": _plain(person.date_of_birth),
            "sex": person.get_sex_display(),
            "ethnicity": person.get_ethnicity_display(),
            "NHS number": person.nhs_number,
        },
        "generated_at": now.isoformat(),
        "sections": sections,
        "notes": "Information about other people has been removed (Data Protection Act 2018, schedule 2 part 3).",
    }
    with transaction.atomic():
        audit.record(actor=by, action=AuditAction.EXPORT, subject=person, at=now, reason="Subject access request")
    return export


def subject_access_pdf(export: dict) -> bytes:
    import weasyprint

    html = render_to_string("governance/sar_pdf.html", {"export": export})
    return weasyprint.HTML(string=html).write_pdf()
