"""Coming into care, changing placement and legal status, reviews, health and leaving care."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from safehub.casework.models import LookedAfterEpisode
from safehub.core.models import AuditEvent
from safehub.lookedafter import rules, services, services_year
from safehub.lookedafter.models import CareEpisode, HealthKind, ItemStatus, LAHealthCheck, LAReview
from safehub.returns.ssda903 import writer as ssda903
from safehub.testing.factories import (
    CareEpisodeFactory,
    InvolvementFactory,
    LookedAfterEpisodeFactory,
    MissingEpisodeFactory,
    PersonFactory,
    make_user,
)

NOW = datetime(2025, 12, 1, 10, 0, tzinfo=UTC)
START = date(2025, 4, 17)


@pytest.fixture
def social_worker(front_door):
    return make_user("sw", "SOCIAL_WORKER", front_door)


@pytest.fixture
def looked_after_child(front_door):
    child = PersonFactory(date_of_birth=date(2013, 6, 1), sex="F", ethnicity="WBRI")
    InvolvementFactory(person=child, agency=front_door, started_at=NOW - timedelta(days=300))
    return child


@pytest.fixture
def providers(social_worker):
    reg = services.provider_register
    return {
        "foster": reg(name="Carers A", kind="FOSTER_CARER", place_provider="PR1", postcode="so14 0be",
                      urn="SC058592", by=social_worker, now=NOW),
        "foster2": reg(name="Carers B", kind="FOSTER_CARER", place_provider="PR4", postcode="SO14 0DW",
                       urn="SC413076", by=social_worker, now=NOW),
        "home": reg(name="Home C", kind="CHILDRENS_HOME", place_provider="PR4", postcode="SO14 0EQ",
                    urn="SC200001", by=social_worker, now=NOW),
    }  # fmt: skip


@pytest.fixture
def period(looked_after_child):
    return LookedAfterEpisodeFactory(person=looked_after_child, start_date=START)


def start(period, providers, by, ls="C1"):
    return services.care_start(
        period=period,
        legal_status=ls,
        category_of_need="N1",
        placement=services.Placement("U6", providers["foster"]),
        home_postcode="SO14 0HU",
        by=by,
        now=NOW,
    )


@pytest.mark.django_db
def test_coming_into_care_opens_an_s_episode_and_sets_review_and_iha_due(period, providers, social_worker):
    ep = start(period, providers, social_worker)
    assert (ep.rne, ep.ls, ep.place, ep.place_provider, ep.urn, ep.pl_post) == (
        "S",
        "C1",
        "U6",
        "PR1",
        "SC058592",
        "SO14 0BE",
    )
    review = LAReview.objects.get(period=period)
    assert (review.number, review.due_date, review.status) == (1, date(2025, 5, 20), ItemStatus.DUE)
    iha = LAHealthCheck.objects.get(period=period)
    assert (iha.kind, iha.due_date) == (HealthKind.INITIAL, date(2025, 5, 20))
    assert AuditEvent.objects.filter(object_type="lookedafter.CareEpisode", object_id=str(ep.pk)).exists()


@pytest.mark.django_db
def test_a_change_of_placement_closes_one_episode_and_opens_the_next(period, providers, social_worker):
    first = start(period, providers, social_worker)
    moved = services.care_change(
        period=period, on=date(2025, 7, 1), placement=services.Placement("K2", providers["home"]),
        reason_place_change="CREQB", by=social_worker, now=NOW,
    )  # fmt: skip
    first.refresh_from_db()
    assert (first.dec, first.rec, first.reason_place_change) == (date(2025, 7, 1), "X1", "CREQB")
    assert (moved.rne, moved.decom, moved.place, moved.urn, moved.ls) == (
        "P",
        date(2025, 7, 1),
        "K2",
        "SC200001",
        "C1",
    )
    status = services.care_change(period=period, on=date(2025, 9, 1), legal_status="C2", by=social_worker, now=NOW)
    assert (status.rne, status.place, status.urn) == ("L", "K2", "SC200001")
    period.refresh_from_db()
    assert period.legal_status == "C2"
    # Episodes follow on without gaps or overlaps.
    eps = list(CareEpisode.objects.filter(period=period).order_by("decom"))
    assert [e.rne for e in eps] == ["S", "P", "L"]
    for a, b in zip(eps, eps[1:], strict=False):
        assert a.dec == b.decom and a.rec == "X1"
    assert eps[-1].dec is None


@pytest.mark.django_db
def test_a_change_needs_a_change_and_a_reason(period, providers, social_worker):
    start(period, providers, social_worker)
    with pytest.raises(ValidationError, match="needs a change"):
        services.care_change(period=period, on=date(2025, 7, 1), legal_status="C1", by=social_worker, now=NOW)
    with pytest.raises(ValidationError, match="REASON_PLACE_CHANGE"):
        services.care_change(
            period=period, on=date(2025, 7, 1), placement=services.Placement("U6", providers["foster2"]),
            by=social_worker, now=NOW,
        )  # fmt: skip
    with pytest.raises(ValidationError, match="before the current episode"):
        services.care_change(period=period, on=date(2025, 4, 1), legal_status="C2", by=social_worker, now=NOW)
    assert CareEpisode.objects.filter(period=period).count() == 1


@pytest.mark.django_db
def test_the_database_refuses_two_open_episodes_in_a_period(period, providers, social_worker):
    start(period, providers, social_worker)
    with pytest.raises(IntegrityError), transaction.atomic():
        CareEpisodeFactory(period=period, decom=date(2025, 6, 1), rne="L")  # a C2 foster placement (U6, PR1)


@pytest.mark.django_db
def test_reviews_follow_the_timetable_and_record_participation(period, providers, social_worker):
    start(period, providers, social_worker)
    first = LAReview.objects.get(period=period, number=1)
    second = services.review_record(
        review=first, held_date=date(2025, 5, 12), participation="PN1", by=social_worker, now=NOW
    )
    assert second is not None and second.due_date == date(2025, 8, 12)
    third = services.review_record(
        review=second, held_date=date(2025, 8, 1), participation="PN5", by=social_worker, now=NOW
    )
    assert third is not None and third.due_date == date(2026, 2, 1)
    with pytest.raises(ValidationError, match="PN0"):
        services.review_record(
            review=third, held_date=date(2025, 11, 1), participation="PN0", by=social_worker, now=NOW
        )


@pytest.mark.django_db
def test_health_assessments_yearly_from_five(period, providers, social_worker):
    start(period, providers, social_worker)
    iha = LAHealthCheck.objects.get(period=period, kind=HealthKind.INITIAL)
    nxt = services.health_record(check=iha, done_date=date(2025, 5, 2), by=social_worker, now=NOW)
    assert nxt is not None and (nxt.kind, nxt.due_date) == (HealthKind.REVIEW, date(2026, 5, 2))


@pytest.mark.django_db
def test_ending_care_ends_the_period_and_closes_what_is_pending(period, providers, social_worker):
    start(period, providers, social_worker)
    services.care_end(period=period, on=date(2025, 10, 1), reason="E4A", reason_place_change="CARPL",
                      by=social_worker, now=NOW)  # fmt: skip
    period.refresh_from_db()
    assert period.end_date == date(2025, 10, 1)
    assert not LAReview.objects.filter(period=period, status=ItemStatus.DUE).exists()
    assert not LAHealthCheck.objects.filter(period=period, status=ItemStatus.DUE).exists()
    assert LAReview.objects.filter(period=period, status=ItemStatus.CLOSED).count() == 1
    last = CareEpisode.objects.get(period=period)
    assert (last.dec, last.rec) == (date(2025, 10, 1), "E4A")
    with pytest.raises(ValidationError, match="X1"):
        services.care_end(period=period, on=date(2025, 10, 2), reason="X1", by=social_worker, now=NOW)


@pytest.mark.django_db
def test_someone_without_the_role_cannot_change_care(period, providers, social_worker, police):
    start(period, providers, social_worker)
    officer = make_user("officer", "POLICE_SAFEGUARDING_OFFICER", police)
    with pytest.raises(PermissionDenied):
        services.care_change(period=period, on=date(2025, 7, 1), legal_status="C2", by=officer, now=NOW)
    stranger_child = PersonFactory()
    other = LookedAfterEpisodeFactory(person=stranger_child, start_date=START)
    with pytest.raises(PermissionDenied):
        start(other, providers, social_worker)  # no involvement with this child


@pytest.mark.django_db
def test_the_return_writes_the_history_and_reports_what_it_cannot_say(period, providers, social_worker):
    start(period, providers, social_worker)
    services.care_change(period=period, on=date(2025, 9, 1), legal_status="C2", by=social_worker, now=NOW)
    first = LAReview.objects.get(period=period, number=1)
    services.review_record(review=first, held_date=date(2025, 5, 12), participation="PN1", by=social_worker, now=NOW)
    missing = MissingEpisodeFactory(
        person=period.person,
        started_at=datetime(2025, 10, 3, 20, tzinfo=UTC),
        ended_at=datetime(2025, 10, 4, 9, tzinfo=UTC),
        risk_level="MEDIUM",
    )
    ret = ssda903.build("2025-26")
    eps = ret.tables["episodes"]
    assert [(e["DECOM"], e["RNE"], e["LS"], e["DEC"], e["REC"]) for e in eps] == [
        ("17/04/2025", "S", "C1", "01/09/2025", "X1"),
        ("01/09/2025", "L", "C2", "", ""),
    ]
    assert ret.tables["reviews"] == [
        {"CHILD": str(period.person_id), "DOB": "01/06/2013", "REVIEW": "12/05/2025", "REVIEW_CODE": "PN1"}
    ]
    header = ret.tables["header"][0]
    assert (header["SEX"], header["MOTHER"], header["UPN"]) == ("F", "0", "")
    messages = {(p.table, p.column) for p in ret.problems}
    assert ("header", "UPN") in messages  # no UPN and no recorded reason: blank, and said so
    assert ("missing", "MISSING") in messages  # not yet classified as missing or away
    services_year.away_classify(missing=missing, kind="A", by=social_worker, now=NOW)
    services_year.upn_unknown_record(person=period.person, code="UN5", by=social_worker, now=NOW)
    ret = ssda903.build("2025-26")
    assert [m["MISSING"] for m in ret.tables["missing"]] == ["A"]
    assert ret.tables["header"][0]["UPN"] == "UN5"
    assert ret.problems == []
    assert rules.LEGAL_STATUS[eps[1]["LS"]] == "Full care order"


@pytest.mark.django_db
def test_a_period_ended_outside_this_app_is_reported_not_guessed(period, providers, social_worker):
    start(period, providers, social_worker)
    LookedAfterEpisode.objects.filter(pk=period.pk).update(end_date=date(2025, 10, 1))

    ret = ssda903.build("2025-26")

    assert ret.tables["episodes"][0]["DEC"] == "" and ret.tables["episodes"][0]["REC"] == ""
    assert any(p.column == "DEC" and "end care" in p.message for p in ret.problems)
