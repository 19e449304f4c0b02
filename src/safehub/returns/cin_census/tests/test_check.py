"""The analyst's CIN census pre-submission check: queued, run through the DfE rules, errors listed per child."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from django.urls import reverse

from safehub.casework import case_services
from safehub.casework.models import CensusCheck, CensusCheckStatus
from safehub.core.models import AuditEvent
from safehub.frontdoor.models import Referral
from safehub.people.models import BreakGlassGrant, Involvement
from safehub.returns.cin_census import check as census_check
from safehub.testing.factories import PersonFactory, make_user

NOW = datetime(2026, 5, 6, 10, 0, tzinfo=UTC)
pytestmark = pytest.mark.django_db


@pytest.fixture
def two_cases(front_door):
    worker = make_user("sw.census", "SOCIAL_WORKER", front_door)
    children = [PersonFactory(date_of_birth=date(2015, 1, 5)), PersonFactory(date_of_birth=date(2012, 9, 1))]
    for child in children:
        Involvement.objects.create(person=child, agency=front_door, kind="CASE_HOLDER", started_at=NOW - timedelta(500))
        referral = Referral.objects.create(person=child, referral_date=date(2025, 6, 2), source="6")
        case_services.episode_open(
            person=child, referral=referral, referral_date=date(2025, 6, 2), source="6", by=worker, now=NOW
        )
    return children


def _fake_rules(children):
    first, second = children

    def run(xml, *, ruleset):
        assert ruleset == "cin2025_26" and xml.read_text().count("<Child>") == 2  # the real return was written
        return {
            "issues": [
                {"rule_code": "8565", "rule_type": "ERROR", "message": "Activity after closure", "child_id": str(first.pk),
                 "table": "CINdetails", "column": "CINclosureDate"},
                {"rule_code": "8610", "rule_type": "ERROR", "message": "Primary need missing", "child_id": str(second.pk),
                 "table": "CINdetails", "column": "PrimaryNeedCode"},
                {"rule_code": "8770Q", "rule_type": "QUERY", "message": "No UPN", "child_id": str(second.pk),
                 "table": "ChildIdentifiers", "column": "UPN"},
            ],
            "return_level": [],
            "crashed_rules": [],
        }  # fmt: skip

    return run


def test_a_check_runs_the_rules_on_the_return_and_keeps_each_issue_by_child(two_cases, analyst, monkeypatch):
    monkeypatch.setattr(census_check, "run_dfe_rules", _fake_rules(two_cases))
    check = census_check.census_check_request(year="2025-26", by=analyst, now=NOW)
    assert check.status == CensusCheckStatus.QUEUED and check.ruleset == "cin2025_26"

    done = census_check.census_check_run(check_id=check.pk, now=NOW)

    assert (done.status, done.children, done.left_out, done.error_count, done.query_count) == ("DONE", 2, 0, 2, 1)
    assert {i["person_id"] for i in done.issues if i["rule_type"] == "ERROR"} == {p.pk for p in two_cases}
    assert AuditEvent.objects.filter(object_id=str(check.pk), object_type__icontains="censuscheck").exists()


def test_a_check_without_the_validator_fails_with_a_plain_reason(two_cases, analyst, monkeypatch):
    monkeypatch.setenv("CIN_VENV", "/nonexistent")
    check = census_check.census_check_request(year="2025-26", by=analyst, now=NOW)
    done = census_check.census_check_run(check_id=check.pk, now=NOW)
    assert done.status == CensusCheckStatus.FAILED and "tools/cin_validator/setup.sh" in done.message


def test_the_page_lists_errors_per_child_and_links_only_children_the_user_may_open(
    client, two_cases, analyst, monkeypatch
):
    monkeypatch.setattr(census_check, "run_dfe_rules", _fake_rules(two_cases))
    check = census_check.census_check_request(year="2025-26", by=analyst, now=NOW)
    census_check.census_check_run(check_id=check.pk, now=NOW)
    opened, other = two_cases
    BreakGlassGrant.objects.create(
        person=opened, user=analyst, reason="Checking the census", granted_at=NOW - timedelta(hours=1),
        expires_at=datetime(2099, 1, 1, tzinfo=UTC),
    )  # fmt: skip
    client.force_login(analyst)

    page = client.get(reverse("casework:census_check")).content.decode()

    assert "8565" in page and "8610" in page and "8770Q" not in page  # errors first; queries on their own tab
    assert reverse("people:detail", args=[opened.pk]) in page  # an analyst has no case page: the record
    assert f">{other.pk}<" in page.replace("</td>", "<").replace('<td class="govuk-table__cell">', ">")
    assert reverse("people:detail", args=[other.pk]) not in page and opened.display_name in page
    assert other.display_name not in page
    assert AuditEvent.objects.filter(person_id=opened.pk, details__list="casework.census_check").exists()
    queries = client.get(reverse("casework:census_check"), {"check": check.pk, "show": "queries"}).content.decode()
    assert "8770Q" in queries and "8565" not in queries


def test_a_request_queues_the_check_once_the_transaction_commits(
    analyst, monkeypatch, django_capture_on_commit_callbacks
):
    from safehub.returns.cin_census import tasks

    assert census_check.census_check_requester == tasks.run_census_check.enqueue  # wired by the app
    queued: list[int] = []
    monkeypatch.setattr(census_check, "census_check_requester", queued.append)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        check = census_check.census_check_request(year="2025-26", by=analyst, now=NOW)
    assert queued == []
    for callback in callbacks:
        callback()
    assert queued == [check.pk]


def test_the_page_is_for_analysts_and_a_bad_year_is_a_plain_error(client, analyst, front_door):
    worker = make_user("sw.nocensus", "SOCIAL_WORKER", front_door)
    client.force_login(worker)
    assert client.get(reverse("casework:census_check")).status_code == 403
    client.force_login(analyst)
    response = client.post(reverse("casework:census_check"), {"year": "2025"}, follow=True)
    assert response.status_code == 200 and "Give a collection year such as 2025-26" in response.content.decode()
    assert not CensusCheck.objects.exists()
    assert client.get(reverse("casework:census_check"), {"page": "x"}).status_code == 404
    assert client.get(reverse("casework:census_check"), {"check": 999999}).status_code == 404


def test_the_command_runs_the_check_and_gives_one_line(two_cases, monkeypatch):
    from io import StringIO

    from django.core.management import CommandError, call_command

    monkeypatch.setattr(census_check, "run_dfe_rules", _fake_rules(two_cases))
    out = StringIO()
    call_command("census_check", "--year", "2025-26", stdout=out)
    assert (
        out.getvalue().strip() == "CIN census 2025-26 (cin2025_26): 2 errors, 1 queries, 2 children, 0 records left out"
    )
    assert CensusCheck.objects.get().status == CensusCheckStatus.DONE
    with pytest.raises(CommandError, match="2 errors"):
        call_command("census_check", "--year", "2025-26", "--strict", stdout=StringIO())
    with pytest.raises(CommandError, match="--year must be a collection year"):
        call_command("census_check", "--year", "2025")
