"""The yearly report's sign-off: sections with partner leads, comments, the independent scrutineer's
approval and publication as a fixed copy that later records never change."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.template.loader import render_to_string

from safehub.core.errors import StaleEdit  # noqa: F401 - the section service raises it on stale copies
from safehub.insight import report
from safehub.insight import services as insight_services
from safehub.insight.models import BuildStatus, ReportBuild
from safehub.insight.snapshot import snapshot_cache_clear
from safehub.partnership.models import PublishedReportFile, ReportStage
from safehub.partnership.reviews import services as reviews_services
from safehub.partnership.signoff import selectors as signoff_selectors
from safehub.partnership.signoff import services as signoff_services
from safehub.testing.factories import AgencyFactory, ReportBuildFactory, make_user

YEAR = "2025-26"
NOW = datetime(2026, 5, 11, 10, tzinfo=UTC)


@pytest.fixture
def scrutineer(business_unit):
    return make_user("independent.scrutineer", "PARTNERSHIP_MANAGER", business_unit)


@pytest.fixture
def police_lead(db):
    return make_user("police.lead", "POLICE_SAFEGUARDING_OFFICER", AgencyFactory(kind="POLICE"))


@pytest.fixture
def draft(manager, scrutineer):
    return signoff_services.report_draft_start(year=YEAR, scrutineer=scrutineer, by=manager, now=NOW)


def _build(tmp_path, *, by, at: datetime, html: str = "") -> ReportBuild:
    """A finished build of the report as the task would write it (the PDF stands in as bytes)."""
    snapshot_cache_clear()
    out = tmp_path / f"build-{at:%H%M%S}"
    out.mkdir()
    html = html or render_to_string("insight/report/report.html", report.report_context(year=YEAR, now=at))
    (out / "report.html").write_text(html, encoding="utf-8")
    (out / "report.css").write_text("body{}", encoding="utf-8")
    (out / "report.pdf").write_bytes(b"%PDF-1.7 " + hashlib.sha256(html.encode()).digest())
    return ReportBuildFactory(
        year=YEAR,
        status=BuildStatus.DONE,
        progress=100,
        requested_by=by,
        requested_at=at,
        finished_at=at,
        output_dir=str(out),
    )


def test_a_section_goes_from_its_lead_to_the_scrutineer_and_is_published_as_a_fixed_copy(
    manager, scrutineer, police_lead, draft, tmp_path, client
):
    signoff_services.report_section_assign(draft=draft, key="MASH", lead=police_lead, by=manager, now=NOW)
    insight_services.report_section_save(year=YEAR, key="MASH", text="Police contacts rose.", version=0,
                                         by=police_lead, now=NOW)  # fmt: skip
    with pytest.raises(PermissionDenied):  # a lead writes only their own section
        insight_services.report_section_save(year=YEAR, key="FOREWORD", text="x", version=0, by=police_lead, now=NOW)
    signoff_services.report_comment_add(
        draft=draft, key="MASH", text="Add the conversion rate.", by=scrutineer, now=NOW
    )
    with pytest.raises(ValidationError, match="MASH"):  # a section still with its lead holds the report back
        signoff_services.report_submit(draft=draft, by=manager, now=NOW)
    signoff_services.report_section_ready(draft=draft, key="MASH", by=police_lead, now=NOW)
    signoff_services.report_submit(draft=draft, by=manager, now=NOW)

    with pytest.raises(PermissionDenied):  # nothing changes under the scrutineer's eyes
        insight_services.report_section_save(year=YEAR, key="MASH", text="Changed", version=1, by=manager, now=NOW)
    with pytest.raises(PermissionDenied):  # only the scrutineer named on the report approves
        signoff_services.report_approve(draft=draft, by=manager, now=NOW)
    approved_at = NOW + timedelta(hours=1)
    signoff_services.report_approve(draft=draft, by=scrutineer, now=approved_at)
    with pytest.raises(ValidationError, match="Build the report after"):
        signoff_services.report_publish(draft=draft, by=manager, now=approved_at)
    _build(
        tmp_path, by=manager, at=approved_at - timedelta(minutes=5), html="<p>old</p>"
    )  # before approval: not publishable
    build = _build(tmp_path, by=manager, at=approved_at + timedelta(minutes=5))
    published = signoff_services.report_publish(draft=draft, by=manager, now=approved_at + timedelta(minutes=10))

    draft.refresh_from_db()
    assert draft.stage == ReportStage.PUBLISHED and published.build_id == build.pk
    frozen = {f.name: bytes(f.content) for f in PublishedReportFile.objects.filter(report=published)}
    assert "Police contacts rose." in frozen["report.html"].decode()

    # Records change after publication: a new build shows it, the published copy does not.
    in_year = datetime(2025, 9, 1, 10, tzinfo=UTC)
    reviews_services.review_refer(by=police_lead, now=in_year, title="Later", subject="ADULT", summary="Concern.",
                                  learned_at=in_year, themes=["SELF_NEGLECT"])  # fmt: skip
    later = _build(tmp_path, by=manager, at=approved_at + timedelta(hours=2))
    assert (tmp_path / later.output_dir / "report.html").read_text() != frozen["report.html"].decode()
    for name, content in frozen.items():
        served, digest = signoff_selectors.published_report_file(user=police_lead, year=YEAR, name=name)
        assert served == content and digest == hashlib.sha256(content).hexdigest()
    with pytest.raises(ValidationError):  # published once; a published version is never replaced
        signoff_services.report_publish(draft=draft, by=manager, now=approved_at + timedelta(hours=3))

    client.force_login(police_lead)
    response = client.get(f"/partnership/yearly-report/{YEAR}/published/report.html")
    assert response.status_code == 200 and response.content == frozen["report.html"]


def test_the_scrutineer_is_independent_and_can_send_the_report_back(manager, scrutineer, police_lead, business_unit):
    with pytest.raises(ValidationError, match="independent"):
        signoff_services.report_draft_start(year=YEAR, scrutineer=manager, by=manager, now=NOW)
    with pytest.raises(ValidationError, match="cannot approve"):
        signoff_services.report_draft_start(year=YEAR, scrutineer=police_lead, by=manager, now=NOW)
    analyst = make_user("analyst", "ANALYST", business_unit)
    with pytest.raises(PermissionDenied):
        signoff_services.report_draft_start(year=YEAR, scrutineer=scrutineer, by=analyst, now=NOW)
    draft = signoff_services.report_draft_start(year=YEAR, scrutineer=scrutineer, by=manager, now=NOW)
    # The scrutineer's role holds the business unit's permissions, but on this report they only review.
    with pytest.raises(PermissionDenied):
        signoff_services.report_submit(draft=draft, by=scrutineer, now=NOW)
    with pytest.raises(PermissionDenied):
        insight_services.report_section_save(year=YEAR, key="FOREWORD", text="x", version=0, by=scrutineer, now=NOW)
    signoff_services.report_submit(draft=draft, by=manager, now=NOW)
    with pytest.raises(ValidationError, match="Say what"):
        signoff_services.report_return(draft=draft, reason=" ", by=scrutineer, now=NOW)
    signoff_services.report_return(draft=draft, reason="The finance section needs the in-kind support.", by=scrutineer,
                                   now=NOW)  # fmt: skip
    draft.refresh_from_db()
    assert draft.stage == ReportStage.DRAFTING and draft.comments.count() == 1
    with pytest.raises(PermissionDenied):  # someone with no part in the report cannot comment
        signoff_services.report_comment_add(draft=draft, key="", text="Hello", by=police_lead, now=NOW)


@pytest.mark.parametrize("role", ["PARTNERSHIP_MANAGER", "POLICE_SAFEGUARDING_OFFICER", "ANALYST", "ADMINISTRATOR"])
def test_the_sign_off_pages_answer_every_role_without_error(role, manager, draft, client, business_unit):
    user = make_user(f"someone.{role.lower()}", role, business_unit)
    client.force_login(user)
    for url in ("/partnership/yearly-report/", f"/partnership/yearly-report/{YEAR}/"):
        assert client.get(url).status_code == 200, url
    assert client.get("/partnership/yearly-report/2019-20/").status_code == 404
    response = client.post(f"/partnership/yearly-report/{YEAR}/submit/")
    assert response.status_code in (302, 403)
    draft.refresh_from_db()
    assert draft.stage == ReportStage.DRAFTING or role == "PARTNERSHIP_MANAGER"
    page = client.get(f"/partnership/yearly-report/{YEAR}/").content.decode()
    assert ("/sections/FOREWORD/" in page) == (role in ("ANALYST",))  # editors only; the manager sent it on
