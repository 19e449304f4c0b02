"""Roll reads: a setting's own uploads (counts and the problems to fix) and the front door's review list."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404

from safehub.agencies.models import EDUCATION_KINDS
from safehub.agencies.selectors import membership_for_user
from safehub.core import audit, policy
from safehub.core.models import AuditAction
from safehub.pathways.models import RollRow, RollRowStatus, RollUpload
from safehub.people.models import Address, Person

PAGE_SIZE = 50
REVIEW_PAGE_SIZE = 20


def may_upload_roll(user) -> bool:
    membership = membership_for_user(user)
    return bool(
        policy.can(user, "frontdoor.notification_acknowledge")
        and membership is not None
        and membership.agency.kind in EDUCATION_KINDS
    )


def roll_uploads_for_setting(*, user, page_number=None) -> dict:
    """The setting's own uploads, newest first (counts only: no child is named)."""
    if not may_upload_roll(user):
        raise PermissionDenied("Only a school or early-years setting's safeguarding lead uploads its roll")
    agency_id = policy.agency_id_of(user)
    qs = RollUpload.objects.filter(setting_id=agency_id).select_related("uploaded_by").order_by("-uploaded_at", "-id")
    page = Paginator(qs, PAGE_SIZE).get_page(page_number)
    rows = [
        {
            "id": u.pk,
            "file_name": u.file_name,
            "uploaded_at": u.uploaded_at,
            "by": u.uploaded_by.get_full_name() or u.uploaded_by.username,
            "rows": u.rows_total,
            "linked": u.linked + u.already,
            "review": u.review,
            "not_found": u.not_found,
            "errors": len(u.errors),
            "matching": u.matched_at is None,
        }
        for u in page.object_list
    ]
    return {"rows": rows, "page": page, "total": page.paginator.count}


def roll_upload_get(*, user, upload_id: int, now: datetime, page_number=None) -> dict:
    """One of the setting's uploads: what happened and the rows to fix (the setting's own data)."""
    if not may_upload_roll(user):
        raise PermissionDenied("Only a school or early-years setting's safeguarding lead uploads its roll")
    upload = RollUpload.objects.filter(pk=upload_id, setting_id=policy.agency_id_of(user)).first()
    if upload is None:
        raise Http404
    with transaction.atomic():
        audit.record(actor=user, action=AuditAction.VIEW, subject=upload, at=now)
    page = Paginator(upload.errors, PAGE_SIZE).get_page(page_number)
    return {"upload": upload, "problems": list(page.object_list), "page": page}


def roll_review_list(*, user, now: datetime, page_number=None) -> dict:
    """Uncertain roll matches for the front door to settle, oldest first, with the people suggested.

    Suggestions are filtered through the access policy and each one shown is audited as a read
    (the same rule as the contact's "is this child already known?").
    """
    policy.require(user, "frontdoor.triage")
    from safehub.frontdoor.selectors import candidates_visible

    qs = (
        RollRow.objects.filter(status=RollRowStatus.REVIEW)
        .select_related("upload__setting")
        .order_by("upload__uploaded_at", "upload_id", "row_number")
    )
    page = Paginator(qs, REVIEW_PAGE_SIZE).get_page(page_number)
    rows = list(page.object_list)
    ids = sorted({c["person_id"] for r in rows for c in r.candidates})
    people = Person.objects.in_bulk(ids)
    postcodes = dict(
        Address.objects.filter(person_id__in=ids, ended_date__isnull=True).values_list("person_id", "postcode")
    )
    suggested = [
        {
            "person_id": pid,
            "name": people[pid].display_name,
            "date_of_birth": people[pid].date_of_birth,
            "postcode": postcodes.get(pid, ""),
        }
        for pid in ids
        if pid in people and people[pid].merged_into_id is None
    ]
    shown = {
        c["person_id"]: c for c in candidates_visible(user=user, candidates=suggested, now=now, view="roll review")
    }
    out = []
    for r in rows:
        out.append(
            {
                "id": r.pk,
                "setting": r.upload.setting.name,
                "setting_kind": r.upload.setting.get_kind_display(),
                "uploaded_at": r.upload.uploaded_at,
                "name": r.display_name,
                "date_of_birth": r.date_of_birth,
                "postcode": r.postcode,
                "upn": r.upn,
                "candidates": [
                    {**shown[c["person_id"]], "probability": c["probability"], "reasons": c["reasons"]}
                    for c in r.candidates
                    if c["person_id"] in shown
                ],
            }
        )
    return {"rows": out, "page": page, "total": page.paginator.count}


def roll_row_for_review(*, user, row_id: int) -> RollRow:
    policy.require(user, "frontdoor.triage")
    row = RollRow.objects.filter(pk=row_id).first()
    if row is None:
        raise Http404
    return row
