"""The yearly report's HTML in a real browser: axe finds no serious problems; a screenshot to look at."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from safehub.core.calendar import UK
from safehub.insight import report
from safehub.partnership.finance import services as finance_services
from safehub.partnership.reviews import services as reviews_services
from safehub.testing.browser import axe_violations, browser_page, screenshot
from safehub.testing.factories import AgencyFactory, make_user

pytestmark = [pytest.mark.browser]


def test_yearly_report_html_is_accessible(db, tmp_path: Path) -> None:
    officer = make_user("officer", "POLICE_SAFEGUARDING_OFFICER", AgencyFactory(kind="POLICE"))
    manager = make_user("manager", "PARTNERSHIP_MANAGER", AgencyFactory(kind="PARTNERSHIP"))
    for at, subject in [(datetime(2025, 2, 3, 10, tzinfo=UK), "ADULT"), (datetime(2025, 7, 1, 10, tzinfo=UK), "CHILD")]:
        reviews_services.review_refer(by=officer, now=at, title="Case", subject=subject, summary="Concern.", learned_at=at,
                                      themes=["NEGLECT"])  # fmt: skip
    finance_services.contribution_record(by=manager, now=datetime(2025, 5, 1, 9, tzinfo=UTC), year="2025-26",
                                         budget="ADULTS_BOARD", partner="ICB", organisation_name="Wessex ICB",
                                         amount_gbp=63734)  # fmt: skip
    now = datetime(2026, 6, 1, 9, tzinfo=UTC)
    context = report.report_context(year="2025-26", now=now)
    for chart in context["charts"].values():
        (tmp_path / f"chart-{chart.name}.svg").write_bytes(chart.svg)
    from django.template.loader import render_to_string

    (tmp_path / "report.css").write_text(render_to_string("insight/report/report.css", {"year": "2025-26"}))
    (tmp_path / "report.html").write_text(render_to_string("insight/report/report.html", context))

    with browser_page("http://127.0.0.1") as page:
        page.goto((tmp_path / "report.html").as_uri())
        assert page.locator("h1").count() == 1
        assert "Practice review group" in page.inner_text("main")
        assert axe_violations(page) == []
        screenshot(page, "insight_yearly_report_html")
