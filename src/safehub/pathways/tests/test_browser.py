"""Issue 21 in Debian chromium: a PPN the MASH graded above the police, a roll with an uncertain match
sent to review, and an A&E attendance that reaches the social worker. Screenshots also go to /tmp."""

from __future__ import annotations

import tempfile
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from safehub.agencies.models import Team
from safehub.casework.models import CaseEpisode, ChildProtectionPlan
from safehub.frontdoor import services as frontdoor_services
from safehub.pathways.models import CpisAttendance, RollRow
from safehub.people.models import Address
from safehub.testing.browser import axe_violations, browser_page, screenshot, session_for
from safehub.testing.factories import InvolvementFactory, PersonFactory, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TMP = Path(tempfile.gettempdir()) / "safehub-pathways-screenshots"  # the brief asks for copies under /tmp


def _shot(page, name: str) -> None:
    screenshot(page, name)
    TMP.mkdir(exist_ok=True)
    page.screenshot(path=str(TMP / f"{name}.png"), full_page=True)


def test_a_ppn_the_police_graded_amber_and_the_mash_red_is_on_the_under_grading_list(
    live_server, client, police_officer, mash_worker
):
    now = timezone.now()
    ellis = PersonFactory(given_name="Ellis", family_name="Pryce", date_of_birth=date(2015, 3, 3))
    InvolvementFactory(
        person=ellis, agency=police_officer.membership.agency, kind="PROFESSIONAL", started_at=now - timedelta(days=1)
    )
    [contact] = frontdoor_services.contact_record(
        by=police_officer, now=now, children=[frontdoor_services.ChildEntry(
            family_name="Pryce", given_name="Ellis", person_id=ellis.pk, child_voice="Said he hides in his room")],
        source="6", received_at=now - timedelta(hours=2), incident_recorded_at=now - timedelta(hours=5),
        summary="Father assaulted mother; two children present", consent="NOT_SOUGHT", lawful_basis="SAFEGUARDING",
        police_reference="PPN-2025-0417", police_grade="AMBER", police_grade_rationale="No injuries to the children",
        police_unit="Neighbourhood policing",
    )  # fmt: skip
    url = live_server.url
    with browser_page(url, session_for(client, mash_worker)) as page:
        page.goto(f"{url}/front-door/contacts/{contact.pk}/")
        page.check("#id_rag-rating_0")  # Red
        page.fill("#id_rag-rationale", "Repeat incidents; the officer did not know of the previous three")
        page.click("button:has-text('Record rating')")
        page.wait_for_selector("text=RAG rating recorded")
        page.goto(f"{url}/front-door/ppn-grading/")
        page.wait_for_selector("h1:has-text('PPNs the police graded below the MASH')")
        row = page.locator("tr", has_text="PPN-2025-0417")
        assert row.count() == 1
        assert "Amber" in row.inner_text() and "Red" in row.inner_text()
        assert "Neighbourhood policing" in row.inner_text()
        assert "From the PPN to the first strategy discussion" in page.inner_text("main")
        assert axe_violations(page) == []
        _shot(page, "ppn_under_graded")


def test_a_roll_upload_sends_one_uncertain_match_to_review(live_server, client, dsl, mash_worker, school, tmp_path):
    for given, family, born in (("Maisie", "Hartley", date(2016, 2, 14)), ("Riley", "Okafor", date(2017, 6, 3)),
                                ("Rylee", "Okafor", date(2017, 6, 3))):  # fmt: skip
        person = PersonFactory(given_name=given, family_name=family, date_of_birth=born)
        Address.objects.create(person=person, line_1="4 Dock Road", postcode="SO14 2AA")
    roll = tmp_path / "spring-roll.csv"
    roll.write_text(
        "Surname,Forename,DOB,Postcode,UPN\n"
        "Hartley,Maisie,14/02/2016,SO14 2AA,\n"
        "Okafor,Riley,03/06/2017,SO14 2AA,\n"
        "Nowak,Tomasz,09/09/2015,SO16 3QQ,\n"
        "Bright,Ava,31/02/2016,,\n"
    )
    url = live_server.url
    with browser_page(url, session_for(client, dsl)) as page:
        page.goto(f"{url}/pathways/encompass/rolls/")
        assert axe_violations(page) == []
        page.set_input_files("#id_file", str(roll))
        page.click("button:has-text('Upload the roll')")
        page.wait_for_selector("h1:has-text('Roll upload: spring-roll.csv')")
        summary = page.inner_text(".govuk-summary-list")
        assert "1 new, 0 already on your roll" in summary
        assert "Being checked by the front door\n1" in summary or "Being checked by the front door\t1" in summary
        assert "Not a date" in page.inner_text("main")
        assert axe_violations(page) == []
        _shot(page, "roll_upload_result")
    assert RollRow.objects.get(status="REVIEW").family_name == "Okafor"

    with browser_page(url, session_for(client, mash_worker)) as page:
        page.goto(f"{url}/pathways/encompass/review/")
        page.wait_for_selector("text=1 to check")
        assert "Riley Okafor, born 03/06/2017" in page.inner_text("main")
        assert axe_violations(page) == []
        _shot(page, "roll_review")
        page.get_by_label("Riley Okafor", exact=False).first.check()
        page.click("button:has-text('Save')")
        page.wait_for_selector("text=Linked to the setting")
    assert RollRow.objects.get(family_name="Okafor").status == "CONFIRMED"


def test_an_a_and_e_attendance_notifies_the_social_worker(live_server, client, nurse, front_door):
    team = Team.objects.create(agency=front_door, name="Child protection team 2")
    worker = make_user("sw.alloc", "SOCIAL_WORKER", front_door, last_name="Mensah", email="a.mensah@example.org")
    worker.membership.team = team
    worker.membership.save()
    now = timezone.now()
    child = PersonFactory(
        given_name="Noah", family_name="Brennan", date_of_birth=date(2020, 8, 9), nhs_number="9434765919"
    )
    ChildProtectionPlan.objects.create(person=child, start_date=date(2025, 1, 6), initial_category="PHYSICAL",
                                       latest_category="PHYSICAL")  # fmt: skip
    CaseEpisode.objects.create(person=child, referral_date=date(2024, 12, 1), referral_source="5A", team=team,
                               worker=worker, opened_by=worker, opened_at=now, stage="CP_PLAN")  # fmt: skip
    InvolvementFactory(person=child, agency=front_door, started_at=now - timedelta(days=60))
    url = live_server.url
    with browser_page(url, session_for(client, nurse)) as page:
        page.goto(f"{url}/pathways/cp-is/")
        assert axe_violations(page) == []
        page.fill("#id_nhs_number", "943 476 5919")
        page.click("button:has-text('Check the flag')")
        page.wait_for_selector("text=Noah Brennan: Child protection plan")
        assert "a.mensah@example.org" in page.inner_text("main")
        assert axe_violations(page) == []
        _shot(page, "cpis_flag")
        page.select_option("#id_setting_kind", "ED")
        page.fill("#id_reason", "Spiral fracture of the left arm")
        page.click("button:has-text('Record the attendance')")
        page.wait_for_selector("text=the allocated social worker has been notified")
        _shot(page, "cpis_recorded")
    assert CpisAttendance.objects.get().notified_worker == worker

    with browser_page(url, session_for(client, worker)) as page:
        page.goto(f"{url}/pathways/cp-is/attendances/")
        page.wait_for_selector("text=1 not yet seen")
        assert "Spiral fracture of the left arm" in page.inner_text("main")
        assert axe_violations(page) == []
        _shot(page, "cpis_social_worker")
        page.click("button:has-text('Mark as seen')")
        page.wait_for_selector("text=0 not yet seen")
    assert CpisAttendance.objects.get().seen_by == worker
