"""Operation Encompass for every setting: roll uploads, review, and children under 5 with no setting."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from safehub.agencies.models import Team
from safehub.core.models import AuditEvent
from safehub.frontdoor import services as frontdoor_services
from safehub.frontdoor.models import EducationNotification, HealthVisitingNotice
from safehub.pathways import roll_selectors, roll_services, rules
from safehub.pathways.models import RollRow, RollRowStatus
from safehub.people.models import Address, EducationPlacement, Involvement, Person
from safehub.testing.factories import AgencyFactory, PersonFactory, make_user

pytestmark = pytest.mark.django_db


def _csv(*lines: str) -> bytes:
    return ("\n".join(["Name,Date of birth,Postcode,UPN", *lines]) + "\n").encode()


def _upload(**kw):
    """Read the roll, then match it as the task worker would (on commit, outside a test transaction)."""
    upload = roll_services.roll_upload(**kw)
    return roll_services.roll_match(upload=upload, now=kw["now"])


def _person(given, family, born, postcode="SO14 2AA", **kw) -> Person:
    person = PersonFactory(given_name=given, family_name=family, date_of_birth=born, **kw)
    Address.objects.create(person=person, line_1="1 High Street", postcode=postcode, started_date=date(2020, 1, 1))
    return person


# --- rules -----------------------------------------------------------------------------------------
def test_the_roll_rule_links_only_a_clear_best_match():
    assert rules.roll_match_outcome(probabilities=[99.0]) == "LINK"
    assert rules.roll_match_outcome(probabilities=[99.0, 80.0]) == "REVIEW"  # a rival: twins or namesakes
    assert rules.roll_match_outcome(probabilities=[75.0]) == "REVIEW"
    assert rules.roll_match_outcome(probabilities=[93.0], exact_agrees=True) == "LINK"
    assert rules.roll_match_outcome(probabilities=[93.0, 90.0], exact_agrees=True) == "REVIEW"
    assert rules.roll_match_outcome(probabilities=[55.0], exact_agrees=True) == "LINK"  # a tiny register
    assert rules.roll_match_outcome(probabilities=[20.0]) == "NOT_FOUND"
    assert rules.roll_match_outcome(probabilities=[]) == "NOT_FOUND"
    assert rules.roll_match_outcome(probabilities=[], upn_agrees=True) == "LINK"


def test_health_visiting_is_for_children_under_5_with_no_setting():
    born = date(2020, 3, 12)
    assert rules.encompass_health_visiting_needed(
        date_of_birth=born, incident_date=date(2025, 3, 11), has_setting=False
    )
    assert not rules.encompass_health_visiting_needed(
        date_of_birth=born, incident_date=date(2025, 3, 12), has_setting=False
    )  # fifth birthday
    assert not rules.encompass_health_visiting_needed(
        date_of_birth=born, incident_date=date(2025, 3, 11), has_setting=True
    )
    assert not rules.encompass_health_visiting_needed(
        date_of_birth=None, incident_date=date(2025, 1, 1), has_setting=False
    )


# --- parsing ---------------------------------------------------------------------------------------
def test_a_roll_in_either_name_order_is_read_and_bad_rows_are_reported_not_guessed(now):
    content = _csv(
        '"Hartley, Maisie",14/02/2016,SO14 2AA,A123456789012',
        "Jaden Kofi Mensah,2019-09-01,,",
        ",01/01/2017,,",
        "Ben Li,31/02/2017,,",
        "Ava Stone,01/01/2017,NOTAPC,",
        "Zac Hale,01/01/2017,,BAD",
    )
    entries, problems = roll_services.roll_parse(content, today=now.date())
    assert [(e.given_name, e.family_name) for e in entries] == [("Maisie", "Hartley"), ("Jaden Kofi", "Mensah")]
    assert entries[0].upn == "A123456789012" and entries[0].postcode == "SO14 2AA"
    assert [(p["row"], p["column"]) for p in problems] == [
        (4, "name"),
        (5, "date of birth"),
        (6, "postcode"),
        (7, "UPN"),
    ]


def test_a_file_without_the_columns_is_refused_in_one_line(dsl, now):
    with pytest.raises(ValidationError) as caught:
        _upload(by=dsl, now=now, file_name="roll.csv", content=b"foo,bar\n1,2\n")
    assert "first row must name the columns" in caught.value.message_dict["file"][0]


# --- upload and matching ---------------------------------------------------------------------------
def test_a_roll_links_clear_matches_sends_the_uncertain_to_review_and_creates_nobody(dsl, school, now):
    maisie = _person("Maisie", "Hartley", date(2016, 2, 14))
    _person("Riley", "Okafor", date(2017, 6, 3))
    _person("Rylee", "Okafor", date(2017, 6, 3))  # twins: which one is on the roll is for a person to say
    people_before = Person.objects.count()
    upload = _upload(
        by=dsl,
        now=now,
        file_name="spring.csv",
        content=_csv(
            "Maisie Hartley,14/02/2016,SO14 2AA,",
            "Riley Okafor,03/06/2017,SO14 2AA,",
            "Tomasz Nowak,09/09/2015,SO16 3QQ,",
        ),
    )
    statuses = dict(RollRow.objects.values_list("family_name", "status"))
    assert statuses == {"Hartley": "LINKED", "Okafor": "REVIEW", "Nowak": "NOT_FOUND"}
    assert (upload.linked, upload.review, upload.not_found) == (1, 1, 0 + 1)
    assert Person.objects.count() == people_before
    assert EducationPlacement.objects.get(setting=school, ended_date__isnull=True).person == maisie
    assert Involvement.objects.filter(person=maisie, agency=school, kind="EDUCATION").exists()
    # Uploading again finds the child already on the roll.
    again = _upload(by=dsl, now=now, file_name="again.csv", content=_csv("Maisie Hartley,14/02/2016,SO14 2AA,"))
    assert again.already == 1 and EducationPlacement.objects.filter(person=maisie).count() == 1


def test_a_unique_pupil_number_with_the_date_of_birth_is_a_clear_match(dsl, school, now):
    child = _person("Oliwia", "Kowalska", date(2014, 5, 5), upn="A123456789012")
    _upload(by=dsl, now=now, file_name="upn.csv", content=_csv("Olivia Kowalski,05/05/2014,,A123456789012"))
    assert RollRow.objects.get().status == "LINKED"
    assert EducationPlacement.objects.get(setting=school).person == child


def test_a_sealed_child_is_never_linked_by_the_machine(dsl, now):
    _person("Maisie", "Hartley", date(2016, 2, 14), sealed=True)
    _upload(by=dsl, now=now, file_name="r.csv", content=_csv("Maisie Hartley,14/02/2016,SO14 2AA,"))
    assert not EducationPlacement.objects.exists()


def test_only_a_setting_s_safeguarding_lead_uploads_a_roll(mash_worker, nurse, hospital, now):
    for outsider in (mash_worker, nurse, make_user("hosp.dsl", "DESIGNATED_SAFEGUARDING_LEAD", hospital)):
        with pytest.raises(PermissionDenied):
            _upload(by=outsider, now=now, file_name="r.csv", content=_csv("A B,01/01/2016,,"))


def test_a_setting_sees_only_its_own_uploads(dsl, other_school, now):
    upload = _upload(by=dsl, now=now, file_name="r.csv", content=_csv("Ann Bee,01/01/2016,,"))
    other = make_user("other.dsl", "DESIGNATED_SAFEGUARDING_LEAD", other_school)
    assert roll_selectors.roll_uploads_for_setting(user=other)["total"] == 0
    from django.http import Http404

    with pytest.raises(Http404):
        roll_selectors.roll_upload_get(user=other, upload_id=upload.pk, now=now)
    assert roll_selectors.roll_uploads_for_setting(user=dsl)["total"] == 1


# --- review ----------------------------------------------------------------------------------------
def _twins_review(dsl, now):
    riley = _person("Riley", "Okafor", date(2017, 6, 3))
    rylee = _person("Rylee", "Okafor", date(2017, 6, 3))
    _upload(by=dsl, now=now, file_name="r.csv", content=_csv("Riley Okafor,03/06/2017,SO14 2AA,"))
    return RollRow.objects.get(status=RollRowStatus.REVIEW), riley, rylee


def test_the_front_door_confirms_an_uncertain_match_and_the_child_is_linked(dsl, mash_worker, school, now):
    row, riley, _ = _twins_review(dsl, now)
    listed = roll_selectors.roll_review_list(user=mash_worker, now=now)
    assert listed["total"] == 1
    assert {c["person_id"] for c in listed["rows"][0]["candidates"]} >= {riley.pk}
    assert AuditEvent.objects.filter(actor=mash_worker, person_id=riley.pk, details__list="roll review").exists()
    roll_services.roll_row_resolve(row=row, by=mash_worker, now=now, person_id=riley.pk)
    row.refresh_from_db()
    assert row.status == "CONFIRMED" and row.person == riley and row.resolved_by == mash_worker
    assert EducationPlacement.objects.get(setting=school).person == riley
    assert roll_selectors.roll_review_list(user=mash_worker, now=now)["total"] == 0
    with pytest.raises(ValidationError):
        roll_services.roll_row_resolve(row=row, by=mash_worker, now=now, person_id=None)


def test_review_refuses_a_person_not_suggested_and_anyone_outside_the_front_door(dsl, mash_worker, now):
    row, _, _ = _twins_review(dsl, now)
    stranger = PersonFactory()
    with pytest.raises(ValidationError):
        roll_services.roll_row_resolve(row=row, by=mash_worker, now=now, person_id=stranger.pk)
    with pytest.raises(PermissionDenied):
        roll_services.roll_row_resolve(row=row, by=dsl, now=now, person_id=None)
    with pytest.raises(PermissionDenied):
        roll_selectors.roll_review_list(user=dsl, now=now)
    roll_services.roll_row_resolve(row=row, by=mash_worker, now=now, person_id=None)
    assert RollRow.objects.get().status == "REJECTED" and not EducationPlacement.objects.exists()


# --- a child under 5 with no setting ---------------------------------------------------------------
@pytest.fixture
def health_visiting(db):
    trust = AgencyFactory(kind="HEALTH_TRUST", code="COMM", name="Community Health")
    team = Team.objects.create(agency=trust, name="Health visiting")
    nurse = make_user("hv.nurse", "AGENCY_PRACTITIONER", trust)
    nurse.membership.team = team
    nurse.membership.save()
    return nurse


def _domestic_abuse(officer, person, now):
    Involvement.objects.create(person=person, agency=officer.membership.agency, kind="PROFESSIONAL", started_at=now)
    return frontdoor_services.contact_record(
        by=officer,
        now=now,
        children=[
            frontdoor_services.ChildEntry(family_name=person.family_name, person_id=person.pk, child_voice="Cried")
        ],
        source="6",
        received_at=now - timedelta(hours=1),
        incident_recorded_at=now - timedelta(hours=3),
        summary="Police attended a domestic incident",
        consent="NOT_SOUGHT",
        lawful_basis="SAFEGUARDING",
        domestic_abuse_incident=True,
        police_reference="DA-1",
    )


def test_a_toddler_with_no_setting_is_notified_to_health_visiting(
    police_officer, health_visiting, now, django_capture_on_commit_callbacks
):
    from safehub.frontdoor import selectors as frontdoor_selectors

    toddler = PersonFactory(date_of_birth=date(2023, 1, 1))
    with django_capture_on_commit_callbacks(execute=True):  # the outbox worker delivers it after commit
        _domestic_abuse(police_officer, toddler, now)
        assert HealthVisitingNotice.objects.get().delivered_at is None
    notice = HealthVisitingNotice.objects.get()
    assert notice.delivered_at is not None
    assert notice.person == toddler and notice.agency == health_visiting.membership.agency
    assert not EducationNotification.objects.exists()
    listed = frontdoor_selectors.health_visiting_notices(user=health_visiting, now=now)
    assert [r["person_id"] for r in listed["rows"]] == [toddler.pk]
    frontdoor_services.health_visiting_notice_acknowledge(notice=notice, by=health_visiting, now=now)
    notice.refresh_from_db()
    assert notice.acknowledged_by == health_visiting


def test_a_toddler_at_nursery_or_an_older_child_is_not_sent_to_health_visiting(
    police_officer, health_visiting, school, now
):
    at_nursery = PersonFactory(date_of_birth=date(2022, 1, 1))
    nursery = AgencyFactory(kind="EARLY_YEARS", code="EY9", name="Little Acorns")
    EducationPlacement.objects.create(person=at_nursery, setting=nursery, started_date=date(2024, 9, 1))
    _domestic_abuse(police_officer, at_nursery, now)
    _domestic_abuse(police_officer, PersonFactory(date_of_birth=date(2018, 1, 1)), now)
    assert EducationNotification.objects.get().setting == nursery
    assert not HealthVisitingNotice.objects.exists()


def test_another_agency_cannot_acknowledge_a_health_visiting_notice(police_officer, health_visiting, nurse, now):
    _domestic_abuse(police_officer, PersonFactory(date_of_birth=date(2023, 1, 1)), now)
    with pytest.raises(PermissionDenied):
        frontdoor_services.health_visiting_notice_acknowledge(
            notice=HealthVisitingNotice.objects.get(), by=nurse, now=now
        )


def test_the_page_request_only_reads_the_roll_and_the_task_matches_it(dsl, school, now):
    maisie = _person("Maisie", "Hartley", date(2016, 2, 14))
    upload = roll_services.roll_upload(
        by=dsl, now=now, file_name="r.csv", content=_csv("Maisie Hartley,14/02/2016,SO14 2AA,")
    )
    assert upload.matched_at is None and RollRow.objects.get().status == "PENDING"
    assert not EducationPlacement.objects.exists()
    from safehub.pathways.tasks import run_roll_matching

    run_roll_matching.call(upload.pk)
    upload.refresh_from_db()
    assert upload.matched_at is not None and upload.linked == 1
    assert EducationPlacement.objects.get(setting=school).person == maisie
    run_roll_matching.call(upload.pk)  # a second run finds nothing left to match
    assert EducationPlacement.objects.count() == 1


def test_an_upload_queues_its_matching_once_the_transaction_commits(
    dsl, now, monkeypatch, django_capture_on_commit_callbacks
):
    from safehub.pathways import tasks

    assert roll_services.roll_matching_requester == tasks.run_roll_matching.enqueue  # wired by the app
    queued: list[int] = []
    monkeypatch.setattr(roll_services, "roll_matching_requester", queued.append)
    with django_capture_on_commit_callbacks(execute=True):
        upload = roll_services.roll_upload(
            by=dsl, now=now, file_name="r.csv", content=_csv("Maisie Hartley,14/02/2016,SO14 2AA,")
        )
    assert queued == [upload.pk]
