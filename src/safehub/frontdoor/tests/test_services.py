from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from safehub.core.calendar import UK
from safehub.core.models import AuditAction, AuditEvent
from safehub.frontdoor import selectors, services
from safehub.frontdoor.models import Contact, ContactStatus, EducationNotification, OutcomeShare, Referral
from safehub.testing.factories import (
    AgencyFactory,
    EducationPlacementFactory,
    InvolvementFactory,
    PersonFactory,
    ReferralFactory,
    make_user,
)

NOW = datetime(2025, 3, 4, 10, 0, tzinfo=UTC)  # a Tuesday


def record(by, children, **kw):
    defaults = {
        "by": by,
        "now": NOW,
        "source": "2A",
        "received_at": NOW - timedelta(hours=1),
        "summary": "Bruises noticed",
        "consent": "GIVEN",
        "presenting_concerns": ["18B"],
    }
    defaults.update(kw)
    return services.contact_record(children=children, **defaults)


def police_know(officer, *people):
    for person in people:
        InvolvementFactory(
            person=person, agency=officer.membership.agency, kind="PROFESSIONAL", started_at=NOW - timedelta(days=30)
        )


def child_entry(**kw):
    kw.setdefault("family_name", "Smith")
    kw.setdefault("child_voice", "Said dad shouted")
    return services.ChildEntry(**kw)


@pytest.mark.django_db
def test_family_of_three_children_is_three_contacts_in_one_family(dsl):
    contacts = record(dsl, [child_entry(given_name=n) for n in ("Amy", "Ben", "Cal")])
    assert len(contacts) == 3
    assert len({c.family_ref for c in contacts}) == 1
    assert AuditEvent.objects.filter(action=AuditAction.CREATE, object_type="frontdoor.Contact").count() == 3


@pytest.mark.django_db
def test_voice_and_lawful_basis_are_required_at_the_field(dsl):
    with pytest.raises(ValidationError) as excinfo:
        record(dsl, [services.ChildEntry(family_name="Smith")], consent="NOT_SOUGHT")
    errors = excinfo.value.message_dict
    assert "child_0_child_voice" in errors and "lawful_basis" in errors
    assert not Contact.objects.exists()


@pytest.mark.django_db
def test_police_contact_needs_incident_time_and_cannot_predate_it(police_officer):
    with pytest.raises(ValidationError) as excinfo:
        record(police_officer, [child_entry()], source="6", high_risk=True)
    assert "incident_recorded_at" in excinfo.value.message_dict
    with pytest.raises(ValidationError):
        record(police_officer, [child_entry()], source="6", incident_recorded_at=NOW + timedelta(hours=2))


@pytest.mark.django_db
def test_decision_due_one_working_day_later_over_a_bank_holiday(dsl):
    friday_before_easter = datetime(2025, 4, 17, 15, 0, tzinfo=UK)  # Thursday; Good Friday next
    [contact] = record(dsl, [child_entry()], received_at=friday_before_easter, now=friday_before_easter)
    assert contact.decision_due_at.astimezone(UK).date() == date(2025, 4, 22)  # Tuesday after Easter Monday


@pytest.mark.django_db
def test_idempotency_key_makes_double_submission_one_record(dsl):
    first = record(dsl, [child_entry()], idempotency_key="abc")
    second = record(dsl, [child_entry()], idempotency_key="abc")
    assert [c.pk for c in first] == [c.pk for c in second]
    assert Contact.objects.count() == 1


@pytest.mark.django_db
def test_domestic_abuse_incident_notifies_school_and_early_years(
    police_officer, school, django_capture_on_commit_callbacks
):
    nursery = AgencyFactory(kind="EARLY_YEARS", code="EY1", name="Little Acorns Nursery")
    child, toddler = PersonFactory(), PersonFactory(date_of_birth=date(2022, 5, 1))
    EducationPlacementFactory(person=child, setting=school)
    EducationPlacementFactory(person=toddler, setting=nursery)
    police_know(police_officer, child, toddler)
    incident = datetime(2025, 3, 4, 1, 30, tzinfo=UK)  # 01:30 Tuesday
    # Delivered by the outbox worker straight after the commit (its clock: an hour after the incident).
    with (
        time_machine.travel(incident + timedelta(hours=1), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        record(
            police_officer,
            [child_entry(person_id=child.pk), child_entry(person_id=toddler.pk)],
            source="6",
            incident_recorded_at=incident,
            domestic_abuse_incident=True,
            received_at=incident + timedelta(hours=1),
            now=incident + timedelta(hours=1),
        )
        assert not EducationNotification.objects.filter(delivered_at__isnull=False).exists()
    notes = {n.setting.code: n for n in EducationNotification.objects.select_related("setting")}
    assert set(notes) == {school.code, "EY1"}
    assert notes["EY1"].due_at == datetime(2025, 3, 4, 8, 30, tzinfo=UK)
    assert notes["EY1"].delivered_at <= notes["EY1"].due_at


@pytest.mark.django_db
def test_only_the_setting_can_acknowledge(police_officer, school, dsl):
    child = PersonFactory()
    EducationPlacementFactory(person=child, setting=school)
    police_know(police_officer, child)
    record(
        police_officer,
        [child_entry(person_id=child.pk)],
        source="6",
        incident_recorded_at=NOW - timedelta(hours=3),
        domestic_abuse_incident=True,
    )
    notification = EducationNotification.objects.get()
    other_school = AgencyFactory(kind="SCHOOL", code="SCH2")
    other_dsl = make_user("other.dsl", "DESIGNATED_SAFEGUARDING_LEAD", other_school)
    with pytest.raises(PermissionDenied):
        services.notification_acknowledge(notification=notification, by=other_dsl, now=NOW)
    services.notification_acknowledge(notification=notification, by=dsl, now=NOW)
    notification.refresh_from_db()
    assert notification.acknowledged_by == dsl


@pytest.mark.django_db
def test_rag_history_is_kept_and_only_front_door_rates(dsl, mash_worker):
    [contact] = record(dsl, [child_entry()])
    with pytest.raises(PermissionDenied):
        services.contact_rate(contact=contact, rating="RED", rationale="x", by=dsl, now=NOW)
    services.contact_rate(contact=contact, rating="AMBER", rationale="Unclear", by=mash_worker, now=NOW)
    services.contact_rate(
        contact=contact, rating="RED", rationale="Disclosure", by=mash_worker, now=NOW + timedelta(minutes=5)
    )
    contact.refresh_from_db()
    assert contact.current_rag == "RED"
    assert [r.rating for r in contact.rag_history.all()] == ["RED", "AMBER"]


@pytest.mark.django_db
def test_sign_off_creates_referral_flags_re_referral_and_shares_outcome(dsl, mash_worker, mash_manager, school):
    child = PersonFactory()
    ReferralFactory(person=child, referral_date=date(2024, 3, 3), source="2A")  # exactly 12 months before
    [contact] = record(
        dsl,
        [child_entry(person_id=None)],
        received_at=datetime(2025, 3, 3, 9, tzinfo=UK),
        now=datetime(2025, 3, 3, 10, tzinfo=UK),
    )
    services.contact_match_person(contact=contact, person=child, by=mash_worker, now=NOW)
    decision = services.decision_record(
        contact=contact, outcome="CIN_REFERRAL", rationale="Needs assessment", by=mash_worker, now=NOW
    )
    with pytest.raises(PermissionDenied):
        services.decision_sign_off(decision=decision, by=mash_worker, now=NOW)
    services.decision_sign_off(decision=decision, by=mash_manager, now=NOW)
    referral = Referral.objects.get(contact=contact)
    assert referral.is_re_referral and referral.referral_date == date(2025, 3, 3)
    contact.refresh_from_db()
    assert contact.status == ContactStatus.CLOSED
    share = OutcomeShare.objects.get(contact=contact)
    assert share.agency == school and share.read_at is None
    services.outcome_share_read(share=share, by=dsl, now=NOW)
    share.refresh_from_db()
    assert share.read_by == dsl


@pytest.mark.django_db
def test_referral_just_over_12_months_is_not_a_re_referral(mash_manager):
    child = PersonFactory()
    ReferralFactory(person=child, referral_date=date(2024, 3, 2), source="2A")
    referral = services.referral_create(
        contact=None, person=child, referral_date=date(2025, 3, 3), by=mash_manager, now=NOW
    )
    assert not referral.is_re_referral


@pytest.mark.django_db
def test_referral_outcome_needs_a_matched_child(dsl, mash_worker):
    [contact] = record(dsl, [child_entry()])
    with pytest.raises(ValidationError):
        services.decision_record(contact=contact, outcome="STRATEGY_DISCUSSION", rationale="x", by=mash_worker, now=NOW)


@pytest.mark.django_db
def test_late_flag_only_on_police_referrals_once_per_agency(police_officer, mash_worker, dsl):
    [police_contact] = record(
        police_officer, [child_entry()], source="6", incident_recorded_at=NOW - timedelta(days=3), high_risk=True
    )
    [school_contact] = record(dsl, [child_entry()])
    with pytest.raises(ValidationError):
        services.late_flag_raise(contact=school_contact, reason="late", by=mash_worker, now=NOW)
    services.late_flag_raise(contact=police_contact, reason="Three days after the incident", by=mash_worker, now=NOW)
    with pytest.raises(ValidationError):
        services.late_flag_raise(contact=police_contact, reason="again", by=mash_worker, now=NOW)
    data = selectors.police_timeliness(user=police_officer, start=date(2025, 3, 1), end=date(2025, 3, 31))
    assert data["high_risk_total"] == 1 and data["within_pct"] == 0.0 and data["flagged_total"] == 1


@pytest.mark.django_db
def test_information_request_due_times_and_capacity(mash_worker, nurse, hospital, dsl):
    navigator = make_user("navigator", "HEALTH_NAVIGATOR", hospital)
    [contact] = record(dsl, [child_entry()])
    urgent = services.information_request_create(
        contact=contact, agency=hospital, question="Known to ED?", urgency="URGENT", by=mash_worker, now=NOW
    )
    standard = services.information_request_create(
        contact=contact, agency=hospital, question="GP?", urgency="STANDARD", by=mash_worker, now=NOW
    )
    assert urgent.due_at == NOW + timedelta(hours=4)
    assert standard.due_at.astimezone(UK).date() == date(2025, 3, 5)
    with pytest.raises(ValidationError):
        services.information_request_answer(request=urgent, answer="", nothing_known=False, by=navigator, now=NOW)
    services.information_request_answer(
        request=urgent, answer="Attended ED in January", nothing_known=False, by=navigator, now=NOW + timedelta(hours=2)
    )
    capacity = selectors.information_capacity(
        agency_id=hospital.pk,
        user=navigator,
        start=date(2025, 3, 1),
        end=date(2025, 3, 31),
        now=NOW + timedelta(days=3),
    )
    assert capacity["received"] == 2 and capacity["in_time"] == 1 and capacity["late"] == 1
    assert capacity["unanswered"] == 1 and capacity["median_hours"] == 2.0


@pytest.mark.django_db
def test_information_capacity_counts_the_uk_days_of_the_period_in_summer_time(mash_worker, hospital, dsl):
    """A period is whole UK days: in British Summer Time, 23:30 on its last day is in (22:30 UTC)
    and midnight after it is out (23:00 UTC the same UTC day); midnight on its first day is in."""
    navigator = make_user("navigator", "HEALTH_NAVIGATOR", hospital)
    [contact] = record(dsl, [child_entry()])
    for at in (
        datetime(2025, 6, 1, 0, 0, tzinfo=UK),  # in: the first moment of the first day
        datetime(2025, 6, 30, 23, 30, tzinfo=UK),  # in: the last day, after 23:00 UTC-clock midnight
        datetime(2025, 7, 1, 0, 0, tzinfo=UK),  # out: the next day (still 30 June in UTC)
        datetime(2025, 5, 31, 23, 59, tzinfo=UK),  # out: the day before
    ):
        services.information_request_create(
            contact=contact, agency=hospital, question="Known?", urgency="STANDARD", by=mash_worker, now=at
        )
    capacity = selectors.information_capacity(
        agency_id=hospital.pk, user=navigator, start=date(2025, 6, 1), end=date(2025, 6, 30), now=NOW
    )
    assert capacity["received"] == 2


@pytest.mark.django_db
def test_queue_puts_overdue_first_and_flags_two_contacts_in_seven_days(dsl, mash_worker):
    child = PersonFactory()
    record(dsl, [child_entry(person_id=None)], received_at=NOW - timedelta(days=5), now=NOW)
    (first,) = Contact.objects.all()
    services.contact_match_person(contact=first, person=child, by=mash_worker, now=NOW)
    [second] = record(dsl, [child_entry()], received_at=NOW - timedelta(hours=1))
    services.contact_match_person(contact=second, person=child, by=mash_worker, now=NOW)
    rows = selectors.mash_queue(user=mash_worker, now=NOW)
    assert rows[0]["id"] == first.pk and rows[0]["overdue"]
    assert all(r["threshold_alert"] for r in rows)
    with pytest.raises(PermissionDenied):
        selectors.mash_queue(user=dsl, now=NOW)


@pytest.mark.django_db
def test_contact_without_presenting_concerns_is_accepted(dsl):
    [contact] = record(dsl, [child_entry()], presenting_concerns=None)
    assert contact.presenting_concerns == []


@pytest.mark.django_db
def test_contact_form_lookup_ranks_known_children_and_is_front_door_only(client, mash_worker, dsl):
    known = PersonFactory(given_name="Sasha", family_name="Kowalczyk", date_of_birth=date(2014, 6, 3), sex="F")
    PersonFactory(given_name="Tom", family_name="Jones", date_of_birth=date(2012, 1, 1))
    form = {
        "prefix": "child-0",
        "child-0-given_name": "Alexandra",
        "child-0-family_name": "Kowalczyk",
        "child-0-date_of_birth": "03/06/2014",
        "child-0-sex": "F",
    }
    client.force_login(dsl)
    assert client.post("/front-door/contacts/match/", form).status_code == 403
    client.force_login(mash_worker)
    response = client.post("/front-door/contacts/match/", form)
    assert response.status_code == 200
    assert f'data-use-person="{known.pk}"' in response.content.decode()
    assert b"Jones" not in response.content


@pytest.mark.django_db
def test_queue_page_is_ordered_paged_and_counted_by_the_database(dsl, mash_worker, monkeypatch):
    monkeypatch.setattr(selectors, "QUEUE_PAGE_SIZE", 3)
    child = PersonFactory()
    made = []
    for hours, rag in ((1, "GREEN"), (2, "RED"), (3, ""), (4, "AMBER"), (200, "GREEN")):
        [c] = record(dsl, [child_entry()], received_at=NOW - timedelta(hours=hours))
        Contact.objects.filter(pk=c.pk).update(current_rag=rag)
        made.append(c)
    services.contact_match_person(contact=made[0], person=child, by=mash_worker, now=NOW)
    services.contact_match_person(contact=made[1], person=child, by=mash_worker, now=NOW)
    Contact.objects.filter(pk=made[3].pk).update(status=ContactStatus.CLOSED)
    first = selectors.mash_queue_page(user=mash_worker, now=NOW)
    # Overdue (received 200 hours ago) first; then red, unrated, green.
    assert [r["id"] for r in first["rows"]] == [made[4].pk, made[1].pk, made[2].pk]
    assert first["total"] == 4 and first["overdue"] == 1 and first["alerts"] == 2
    assert first["rows"][1]["threshold_alert"] and not first["rows"][2]["threshold_alert"]
    assert [r["url"] for r in first["rows"]] == [reverse("frontdoor:contact", args=[r["id"]]) for r in first["rows"]]
    second = selectors.mash_queue_page(user=mash_worker, now=NOW, page_number="2")
    assert [r["id"] for r in second["rows"]] == [made[0].pk] and second["page"].number == 2
    assert selectors.mash_queue(user=mash_worker, now=NOW)[0]["id"] == made[4].pk
    with pytest.raises(PermissionDenied):
        selectors.mash_queue_page(user=dsl, now=NOW)
