"""The analyst's CIN census check page in Debian chromium: accessible, errors listed per child."""

from __future__ import annotations

import pytest
from django.utils import timezone

from safehub.casework.models import CensusCheck, CensusCheckStatus
from safehub.testing.browser import axe_violations, browser_page, screenshot, session_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_census_check_page_lists_errors_and_is_accessible(live_server, client, analyst):
    now = timezone.now()
    issues = [
        {"child_id": str(1000 + i), "person_id": 1000 + i, "rule_code": "8565", "rule_type": "ERROR",
         "message": "Activity is recorded against the episode after the case was closed", "column": "CINclosureDate"}
        for i in range(60)
    ] + [{"child_id": "2001", "person_id": 2001, "rule_code": "8770Q", "rule_type": "QUERY", "message": "No UPN",
          "column": "UPN"}]  # fmt: skip
    CensusCheck.objects.create(
        year="2025-26", requested_by=analyst, requested_at=now, finished_at=now, status=CensusCheckStatus.DONE,
        ruleset="cin2025_26", message="60 errors, 1 queries", children=3470, left_out=0, error_count=60,
        query_count=1, issues=issues,
    )  # fmt: skip
    url = live_server.url
    with browser_page(url, session_for(client, analyst)) as page:
        page.goto(f"{url}/casework/census-check/")
        page.wait_for_selector("text=Errors by child")
        content = page.content()
        assert "1000" in content and "1049" in content and "1050" not in content  # 50 a page
        assert "8770Q" not in content
        assert axe_violations(page) == []
        screenshot(page, "census_check")
        page.click("a[rel=next]")
        page.wait_for_selector("text=1059")
