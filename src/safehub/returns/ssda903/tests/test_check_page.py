"""The analyst's SSDA903 pre-submission page (``lookedafter:ssda903_check``, the return's own view)."""

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from safehub.returns.ssda903 import check
from safehub.returns.ssda903 import writer as ssda903
from safehub.returns.ssda903.validator import Finding, Report
from safehub.testing.care_leavers import care_leaver
from safehub.testing.factories import make_user


@pytest.fixture
def leaver(front_door):
    return care_leaver(front_door)


@pytest.mark.django_db
def test_presubmission_page_lists_findings_per_child_for_analysts_only(client, leaver, front_door, tmp_path):
    young, sw = leaver
    with override_settings(DATA_DIR=tmp_path):
        ret = ssda903.build("2025-26")
        report = Report(
            errors=[Finding(code="SW12STG2", message="A rule's message", table="Episodes", child=str(young.pk), row=1)],
            failed_rules=[], rules_run=200,
        )  # fmt: skip
        check.save("2025-26", ret, report, la_code="E06000045", now=timezone.now())
        client.force_login(sw)
        assert client.get(reverse("lookedafter:ssda903_check") + "?year=2025-26").status_code == 403
        analyst = make_user("analyst", "ANALYST", front_door)
        client.force_login(analyst)
        response = client.get(reverse("lookedafter:ssda903_check") + "?year=2025-26")
        page = response.content.decode()
        assert response.status_code == 200
        assert "DfE rule SW12STG2" in page and "A rule&#x27;s message" in page
        # The analyst cannot open the child's record, so the child is named by id without a link.
        assert reverse("lookedafter:child", args=[young.pk]) not in page
        assert client.get(reverse("lookedafter:ssda903_check") + "?year=nonsense").status_code == 200
