"""Actions that change the yearly report's sign-off; each checks access and writes its audit row."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from safehub.core import audit, policy
from safehub.core.models import AuditAction
from safehub.partnership.models import (
    PublishedReport,
    PublishedReportFile,
    ReportStage,
    SectionStatus,
    YearlyReportComment,
    YearlyReportDraft,
    YearlyReportSectionLead,
)
from safehub.partnership.signoff import report_port


def _require_business_unit(draft: YearlyReportDraft, by) -> None:
    """The business unit prepares and publishes; the report's own scrutineer never does (independence)."""
    policy.require(by, "partnership.manage")
    if draft.scrutineer_id == by.pk:
        raise PermissionDenied("The independent scrutineer reviews and approves this report; others prepare it")


def _draft_stage(draft: YearlyReportDraft, *stages: str) -> None:
    if draft.stage not in stages:
        raise ValidationError(
            f"The {draft.year} report is {draft.get_stage_display().lower()}: that cannot be done now"
        )


@transaction.atomic
def report_draft_start(*, year: str, scrutineer, by, now: datetime) -> YearlyReportDraft:
    """Start the sign-off of a year's report, naming the independent scrutineer who will approve it."""
    policy.require(by, "partnership.manage")
    if scrutineer.pk == by.pk:
        raise ValidationError({"scrutineer": "The scrutineer must be independent of whoever prepares the report"})
    if not policy.can(scrutineer, "partnership.report_approve"):
        raise ValidationError({"scrutineer": "This person cannot approve the yearly report"})
    if YearlyReportDraft.objects.filter(year=year).exists():
        raise ValidationError({"year": f"The {year} report is already under way"})
    draft = YearlyReportDraft(year=year, scrutineer=scrutineer, started_by=by, started_at=now)
    draft.full_clean()
    draft.save()
    audit.record(actor=by, action=AuditAction.CREATE, subject=draft, at=now, details={"year": year})
    return draft


@transaction.atomic
def report_section_assign(*, draft: YearlyReportDraft, key: str, lead, by, now: datetime) -> YearlyReportSectionLead:
    """Give a section of the report to a partner lead to write (or hand it to someone else)."""
    _require_business_unit(draft, by)
    _draft_stage(draft, ReportStage.DRAFTING)
    if key not in {value for value, _ in report_port.section_choices()}:
        raise ValidationError({"key": "Unknown section"})
    if not policy.can(lead, "partnership.contribute"):
        raise ValidationError({"lead": "This person cannot write for the partnership"})
    row, _ = YearlyReportSectionLead.objects.update_or_create(
        draft=draft, key=key, defaults={"lead": lead, "status": SectionStatus.WITH_LEAD, "assigned_at": now,
                                        "ready_at": None},
    )  # fmt: skip
    audit.record(actor=by, action=AuditAction.UPDATE, subject=draft, at=now, details={"assigned": key, "lead": lead.pk})
    return row


@transaction.atomic
def report_section_ready(*, draft: YearlyReportDraft, key: str, by, now: datetime) -> YearlyReportSectionLead:
    """The lead (or the business unit) says a section is ready for the scrutineer."""
    _draft_stage(draft, ReportStage.DRAFTING)
    row = draft.leads.select_for_update().filter(key=key).first()
    if row is None:
        raise ValidationError({"key": "This section has no lead"})
    if not (row.lead_id == by.pk or (policy.can(by, "partnership.manage") and by.pk != draft.scrutineer_id)):
        raise PermissionDenied
    row.status, row.ready_at = SectionStatus.READY, now
    row.save(update_fields=["status", "ready_at"])
    audit.record(actor=by, action=AuditAction.UPDATE, subject=draft, at=now, details={"ready": key})
    return row


def report_may_comment(*, user, draft: YearlyReportDraft) -> bool:
    return draft.stage != ReportStage.PUBLISHED and (
        policy.can(user, "partnership.manage")
        or draft.scrutineer_id == user.pk
        or draft.leads.filter(lead_id=user.pk).exists()
    )


@transaction.atomic
def report_comment_add(*, draft: YearlyReportDraft, key: str, text: str, by, now: datetime) -> YearlyReportComment:
    """Comment on the draft or one section: the business unit, the scrutineer and the section leads."""
    if not report_may_comment(user=by, draft=draft):
        raise PermissionDenied
    if not text.strip():
        raise ValidationError({"text": "Write a comment"})
    comment = YearlyReportComment(draft=draft, key=key, text=text.strip(), written_by=by, written_at=now)
    comment.full_clean()
    comment.save()
    audit.record(actor=by, action=AuditAction.CREATE, subject=comment, at=now, details={"key": key})
    return comment


@transaction.atomic
def report_submit(*, draft: YearlyReportDraft, by, now: datetime) -> YearlyReportDraft:
    """Send the draft to the scrutineer once every section with a lead is ready."""
    _require_business_unit(draft, by)
    _draft_stage(draft, ReportStage.DRAFTING)
    waiting = [row.key for row in draft.leads.all() if row.status != SectionStatus.READY]
    if waiting:
        raise ValidationError(f"Sections still with their leads: {', '.join(sorted(waiting))}")
    draft.stage, draft.submitted_at = ReportStage.WITH_SCRUTINEER, now
    draft.version += 1
    draft.save(update_fields=["stage", "submitted_at", "version"])
    audit.record(actor=by, action=AuditAction.UPDATE, subject=draft, at=now, details={"stage": draft.stage})
    return draft


def _require_scrutineer(draft: YearlyReportDraft, by) -> None:
    policy.require(by, "partnership.report_approve")
    if draft.scrutineer_id != by.pk:
        raise PermissionDenied("Only the scrutineer named on the report may do this")


@transaction.atomic
def report_return(*, draft: YearlyReportDraft, reason: str, by, now: datetime) -> YearlyReportDraft:
    """The scrutineer sends the draft back for more work, saying why (as a comment)."""
    _require_scrutineer(draft, by)
    _draft_stage(draft, ReportStage.WITH_SCRUTINEER)
    if not reason.strip():
        raise ValidationError({"reason": "Say what needs more work"})
    YearlyReportComment.objects.create(draft=draft, text=reason.strip(), written_by=by, written_at=now)
    draft.stage, draft.submitted_at = ReportStage.DRAFTING, None
    draft.version += 1
    draft.save(update_fields=["stage", "submitted_at", "version"])
    audit.record(actor=by, action=AuditAction.UPDATE, subject=draft, at=now, details={"stage": draft.stage})
    return draft


@transaction.atomic
def report_approve(*, draft: YearlyReportDraft, by, now: datetime) -> YearlyReportDraft:
    """The named independent scrutineer approves the report for publication."""
    _require_scrutineer(draft, by)
    _draft_stage(draft, ReportStage.WITH_SCRUTINEER)
    draft.stage, draft.approved_at = ReportStage.APPROVED, now
    draft.version += 1
    draft.full_clean()
    draft.save(update_fields=["stage", "approved_at", "version"])
    audit.record(actor=by, action=AuditAction.SIGN_OFF, subject=draft, at=now, details={"stage": draft.stage})
    return draft


PUBLISHED_FILES = ("report.html", "report.css", "report.pdf")


@transaction.atomic
def report_publish(*, draft: YearlyReportDraft, by, now: datetime) -> PublishedReport:
    """Publish the approved report: copy the files of the latest build made since approval into the
    database, with their digests. The published version never changes: later records or edits
    make new drafts' builds, never a new copy of this one."""
    import hashlib
    from pathlib import Path

    _require_business_unit(draft, by)
    draft = YearlyReportDraft.objects.select_for_update().get(pk=draft.pk)
    _draft_stage(draft, ReportStage.APPROVED)
    assert draft.approved_at is not None  # noqa: S101 - the stage guarantees it (database constraint)
    build = report_port.latest_build_since(draft.year, draft.approved_at)
    if build is None:
        raise ValidationError("Build the report after the scrutineer's approval, then publish that build")
    folder = Path(build.output_dir)
    names = [n for n in PUBLISHED_FILES if (folder / n).is_file()]
    names += sorted(p.name for p in folder.glob("chart-*.svg"))
    if "report.html" not in names:
        raise ValidationError("That build has no report to publish")
    published = PublishedReport.objects.create(draft=draft, year=draft.year, build_id=build.pk, published_at=now,
                                               published_by=by, sha256="")  # fmt: skip
    whole = hashlib.sha256()
    for name in names:
        content = (folder / name).read_bytes()
        digest = hashlib.sha256(content).hexdigest()
        PublishedReportFile.objects.create(report=published, name=name, content=content, sha256=digest)
        whole.update(f"{name}:{digest}\n".encode())
    PublishedReport.objects.filter(pk=published.pk).update(sha256=whole.hexdigest())
    published.sha256 = whole.hexdigest()
    draft.stage, draft.published_at = ReportStage.PUBLISHED, now
    draft.version += 1
    draft.save(update_fields=["stage", "published_at", "version"])
    audit.record(actor=by, action=AuditAction.SIGN_OFF, subject=published, at=now,
                 details={"year": draft.year, "build": build.pk, "sha256": published.sha256})  # fmt: skip
    return published
