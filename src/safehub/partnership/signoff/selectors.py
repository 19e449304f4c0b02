"""Reads of the yearly report's sign-off, access-checked, as plain data for pages (CONVENTIONS 4, 5)."""

from __future__ import annotations

from django.http import Http404

from safehub.core import policy
from safehub.partnership.models import (
    ReportStage,
    SectionStatus,
    YearlyReportDraft,
)
from safehub.partnership.signoff import report_port


def report_section_may_write(*, user, year: str, key: str) -> bool:
    """Whether the user may edit a section's text now: the report's editors or the section's lead,
    and only while the report is being drafted (nothing changes under the scrutineer's eyes)."""
    draft = YearlyReportDraft.objects.filter(year=year).first()
    if draft is not None and (draft.stage != ReportStage.DRAFTING or draft.scrutineer_id == getattr(user, "pk", None)):
        return False  # fixed once with the scrutineer; and the scrutineer reviews the text, never writes it
    if policy.can(user, "insight.report_edit"):
        return True
    lead_id = getattr(user, "pk", None)  # a system actor (command line) is never a section's lead
    return (
        draft is not None
        and lead_id is not None
        and draft.leads.filter(key=key, lead_id=lead_id, status=SectionStatus.WITH_LEAD).exists()
    )


def report_draft_summary(*, year: str) -> dict | None:
    """The sign-off stage of a year's report, for the insight report page (None: not started)."""
    draft = YearlyReportDraft.objects.select_related("scrutineer").filter(year=year).first()
    if draft is None:
        return None
    approved = draft.stage in (ReportStage.APPROVED, ReportStage.PUBLISHED)
    return {
        "stage": draft.get_stage_display(),
        "published": draft.stage == ReportStage.PUBLISHED,
        "approved_at": draft.approved_at if approved else None,
        "scrutineer": draft.scrutineer.get_full_name() or draft.scrutineer.username,
    }


def report_draft_get(*, user, year: str) -> YearlyReportDraft:
    """The year's draft for any partnership member (404 when there is none)."""
    policy.require(user, "partnership.view")
    draft = YearlyReportDraft.objects.select_related("scrutineer", "started_by").filter(year=year).first()
    if draft is None:
        raise Http404
    return draft


def report_scrutineer_choices(*, user) -> list:
    """People who may be named as the independent scrutineer (anyone who can approve, but not the user)."""
    from django.contrib.auth import get_user_model

    from safehub.agencies.models import Membership

    roles = policy.ROLE_RULES["partnership.report_approve"]
    ids = Membership.objects.filter(role__in=roles).exclude(user_id=user.pk).values_list("user_id", flat=True)
    return list(get_user_model().objects.filter(pk__in=list(ids), is_active=True).order_by("last_name", "first_name"))


def report_lead_choices() -> list:
    """People who may lead a section: anyone who can contribute to the partnership's work."""

    from safehub.agencies.models import Membership

    roles = policy.ROLE_RULES["partnership.contribute"]
    members = Membership.objects.filter(role__in=roles, user__is_active=True).select_related("user", "agency")
    return sorted((m for m in members), key=lambda m: (m.agency.name, m.user.last_name, m.user.first_name))


def report_draft_page(*, user, draft: YearlyReportDraft) -> dict:
    """Everything the sign-off page shows: each section with its lead, status, text state and comments."""
    leads = {row.key: row for row in draft.leads.select_related("lead")}
    texts = report_port.section_texts(draft.year)
    comments = list(draft.comments.select_related("written_by"))
    # The scrutineer's role may hold the business unit's permissions too; on this report they only review.
    manage = policy.can(user, "partnership.manage") and draft.scrutineer_id != user.pk
    drafting = draft.stage == ReportStage.DRAFTING
    sections = []
    choices = report_port.section_choices()
    for value, title in choices:
        lead = leads.get(value)
        text = texts.get(value)
        mine = lead is not None and lead.lead_id == user.pk
        sections.append({
            "key": value, "title": title,
            "lead": lead.lead.get_full_name() or lead.lead.username if lead else "",
            "status": lead.get_status_display() if lead else "No lead",
            "ready": bool(lead and lead.status == SectionStatus.READY),
            "text_state": ("Not written" if text is None or not text.text else
                           "Placeholder text" if text.is_placeholder else "Written"),
            "updated_at": text.updated_at if text else None,
            "comments": [c for c in comments if c.key == value],
            "can_edit": report_section_may_write(user=user, year=draft.year, key=value),
            "can_mark_ready": drafting and lead is not None and lead.status != SectionStatus.READY and (mine or manage),
        })  # fmt: skip
    is_scrutineer = draft.scrutineer_id == user.pk and policy.can(user, "partnership.report_approve")
    published = getattr(draft, "published", None) if draft.stage == ReportStage.PUBLISHED else None
    return {
        "draft": draft,
        "sections": sections,
        "general_comments": [c for c in comments if not c.key],
        "can_manage": manage and drafting,
        "can_submit": manage and drafting and all(s["ready"] for s in sections if s["lead"]),
        "can_decide": is_scrutineer and draft.stage == ReportStage.WITH_SCRUTINEER,
        "can_publish": manage and draft.stage == ReportStage.APPROVED,
        "can_comment": draft.stage != ReportStage.PUBLISHED
        and (manage or draft.scrutineer_id == user.pk or any(r.lead_id == user.pk for r in leads.values())),
        "can_build": policy.can(user, "insight.view"),
        "published": published,
        "published_files": list(published.files.values_list("name", flat=True)) if published else [],
        "keys": choices,
    }


def report_drafts(*, user) -> list[YearlyReportDraft]:
    policy.require(user, "partnership.view")
    return list(YearlyReportDraft.objects.select_related("scrutineer"))


def published_report_file(*, user, year: str, name: str) -> tuple[bytes, str]:
    """A file of the published report, checked against the digest taken when it was published."""
    import hashlib

    from safehub.partnership.models import PublishedReportFile

    policy.require(user, "partnership.view")
    found = PublishedReportFile.objects.filter(report__year=year, name=name).first()
    if found is None:
        raise Http404
    content = bytes(found.content)
    if hashlib.sha256(content).hexdigest() != found.sha256:
        raise ValueError(f"Published report {year} {name}: the stored file does not match its digest")
    return content, found.sha256
