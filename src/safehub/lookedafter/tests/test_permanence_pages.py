"""The adoption, previous permanence and staying put actions on the child's looked-after page."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from safehub.casework.models import LookedAfterEpisode
from safehub.lookedafter import permanence, services
from safehub.lookedafter.models import AdoptionPlan, CareLeaver, PreviousPermanence, StayingPut
from safehub.testing.factories import InvolvementFactory, LookedAfterEpisodeFactory, PersonFactory, make_user


def _day(d: date) -> str:
    return d.strftime("%d/%m/%Y")


@pytest.fixture
def social_worker(front_door):
    return make_user("sw", "SOCIAL_WORKER", front_door)


@pytest.fixture
def baby(front_door, social_worker):
    now = timezone.now()
    child = PersonFactory(given_name="Ash", family_name="Toadopt", date_of_birth=now.date() - timedelta(days=500))
    InvolvementFactory(person=child, agency=front_door, started_at=now - timedelta(days=400))
    period = LookedAfterEpisodeFactory(person=child, start_date=now.date() - timedelta(days=300))
    carer = services.provider_register(
        name="Carers A", kind="FOSTER_CARER", place_provider="PR1", postcode="SO14 0BE", urn="SC058592",
        by=social_worker, now=now,
    )  # fmt: skip
    services.care_start(
        period=period, legal_status="C2", category_of_need="N1", placement=services.Placement("U6", carer),
        home_postcode="SO14 0HU", by=social_worker, now=now,
    )  # fmt: skip
    return child


def _post(client, person, action, data):
    return client.post(
        reverse("lookedafter:child_action", args=[person.pk, action]),
        {f"{action}-{k}": v for k, v in data.items()},
        follow=True,
    )


@pytest.mark.django_db
def test_a_social_worker_records_an_adoption_step_by_step(client, social_worker, baby):
    client.force_login(social_worker)
    today = timezone.localdate()
    page = client.get(reverse("lookedafter:child", args=[baby.pk])).content.decode()
    assert "placed for adoption</span>" in page and "Record the placement order" not in page

    _post(client, baby, "previous_permanence", {"prev_perm": "Z1"})
    assert PreviousPermanence.objects.get(person=baby).prev_perm == "Z1"
    _post(client, baby, "decision", {"on": _day(today - timedelta(days=60))})
    plan = AdoptionPlan.objects.get(person=baby)
    page = _post(client, baby, "placement_order", {"on": _day(today - timedelta(days=50))}).content.decode()
    assert "Record the match with adopters" in page and "Record the adoption order" not in page
    family = permanence.adopters_register(
        reference="ADF1", adopters=[{"sex": "M"}, {"sex": "F"}], sex_code="MF", legal_status="L11",
        enquiry_date=today - timedelta(days=400), approved_date=today - timedelta(days=200), by=social_worker,
        now=timezone.now(),
    )  # fmt: skip
    _post(client, baby, "match", {"on": _day(today - timedelta(days=40)), "family": family.pk})
    adopters = services.provider_register(
        name="Adopters 1", kind="OTHER", place_provider="PR1", postcode="SO16 6YE", urn="SC476330",
        by=social_worker, now=timezone.now(),
    )  # fmt: skip
    _post(client, baby, "place", {"on": _day(today - timedelta(days=30)), "provider": adopters.pk})
    page = _post(client, baby, "adoption_order", {"on": _day(today - timedelta(days=2))}).content.decode()

    plan.refresh_from_db()
    assert (plan.placement_order_date, plan.family_id, plan.placed_date, plan.adoption_order_date) == (
        today - timedelta(days=50), family.pk, today - timedelta(days=30), today - timedelta(days=2),
    )  # fmt: skip
    assert "The adoption order is recorded" in page
    assert LookedAfterEpisode.objects.get(person=baby).end_date == today - timedelta(days=2)
    # Care has ended: no adoption action fits now, and one posted anyway is refused with a reason.
    assert "Adoption and permanence" not in page
    page = _post(client, baby, "decision", {"on": _day(today)}).content.decode()
    assert "does not fit the child" in page and AdoptionPlan.objects.filter(person=baby).count() == 1


@pytest.mark.django_db
def test_a_reversal_needs_its_reason_and_staying_put_starts_and_ends(client, social_worker, baby, front_door):
    client.force_login(social_worker)
    today = timezone.localdate()
    _post(client, baby, "decision", {"on": _day(today - timedelta(days=20))})
    _post(client, baby, "reverse", {"on": _day(today - timedelta(days=5))})
    assert AdoptionPlan.objects.get(person=baby).ceased_date is None
    _post(client, baby, "reverse", {"on": _day(today - timedelta(days=5)), "reason": "RD3"})
    assert AdoptionPlan.objects.get(person=baby).ceased_reason == "RD3"

    young = PersonFactory(date_of_birth=today - timedelta(days=365 * 19))
    InvolvementFactory(person=young, agency=front_door, started_at=timezone.now())
    CareLeaver.objects.create(person=young, category="FORMER_RELEVANT", recorded_at=timezone.now())
    _post(client, young, "staying_put_start", {"on": _day(today - timedelta(days=100))})
    page = client.get(reverse("lookedafter:child", args=[young.pk])).content.decode()
    assert "Record that staying put ended" in page
    _post(client, young, "staying_put_end", {"on": _day(today - timedelta(days=10))})
    assert StayingPut.objects.get(person=young).end_date == today - timedelta(days=10)


@pytest.mark.django_db
def test_the_permanence_actions_are_refused_without_casework_and_not_offered_to_viewers(
    client, police, front_door, baby
):
    officer = make_user("officer", "POLICE_SAFEGUARDING_OFFICER", police)
    client.force_login(officer)
    url = reverse("lookedafter:child_action", args=[baby.pk, "decision"])
    assert client.post(url, {"decision-on": _day(timezone.localdate())}).status_code == 403
    manager = make_user("pm", "PARTNERSHIP_MANAGER", front_door)
    client.force_login(manager)
    assert client.post(url, {"decision-on": _day(timezone.localdate())}).status_code == 403
    assert not AdoptionPlan.objects.exists()
