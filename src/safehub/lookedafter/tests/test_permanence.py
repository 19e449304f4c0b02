"""Adoption, previous permanence, care leavers and social worker episodes: services, rules and the 903."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError

from safehub.core.calendar import uk_date
from safehub.lookedafter import permanence, rules, services, services_year
from safehub.lookedafter.models import AdopterFamily, AdoptionPlan, CareEpisode, ItemStatus, PathwayPlan
from safehub.returns.ssda903 import writer as ssda903
from safehub.testing.factories import InvolvementFactory, LookedAfterEpisodeFactory, PersonFactory, make_user

NOW = datetime(2026, 3, 30, 10, 0, tzinfo=UTC)
START = date(2024, 5, 1)


@pytest.fixture
def sw(front_door):
    return make_user("sw", "SOCIAL_WORKER", front_door)


@pytest.fixture
def baby(front_door):
    child = PersonFactory(date_of_birth=date(2023, 9, 1), sex="M", ethnicity="WBRI")
    InvolvementFactory(person=child, agency=front_door, started_at=NOW - timedelta(days=900))
    return child


@pytest.fixture
def providers(sw):
    reg = services.provider_register
    return {
        "foster": reg(name="Carers A", kind="FOSTER_CARER", place_provider="PR1", postcode="SO14 0BE",
                      urn="SC058592", by=sw, now=NOW),
        "adopters": reg(name="Adopters 1", kind="OTHER", place_provider="PR1", postcode="SO16 6YE",
                        urn="SC476330", by=sw, now=NOW),
    }  # fmt: skip


@pytest.fixture
def in_care(baby, providers, sw):
    period = LookedAfterEpisodeFactory(person=baby, start_date=START)
    services.care_start(
        period=period, legal_status="C1", category_of_need="N1",
        placement=services.Placement("U6", providers["foster"]), home_postcode="SO14 0HU", by=sw, now=NOW,
    )  # fmt: skip
    services.care_change(period=period, on=date(2024, 10, 1), legal_status="C2", by=sw, now=NOW)
    return period


def _family(sw):
    return permanence.adopters_register(
        reference="ADF1", adopters=[{"sex": "M"}, {"sex": "F"}], sex_code="MF", legal_status="L11",
        enquiry_date=date(2023, 1, 5), approved_date=date(2023, 9, 1), by=sw, now=NOW,
    )  # fmt: skip


@pytest.mark.django_db
def test_an_adoption_in_the_year_is_in_ad1_and_placed_for_adoption(in_care, providers, sw):
    plan = permanence.adoption_decision(period=in_care, on=date(2024, 11, 4), by=sw, now=NOW)
    e1 = permanence.placement_order(plan=plan, on=date(2025, 2, 3), by=sw, now=NOW)
    assert (e1.rne, e1.ls) == ("L", "E1")
    permanence.adoption_match(plan=plan, on=date(2025, 6, 2), family=_family(sw), by=sw, now=NOW)
    with pytest.raises(ValidationError, match="rule 331"):
        permanence.adoption_place(
            plan=AdoptionPlan(person=plan.person, period=in_care, decision_date=plan.decision_date, recorded_at=NOW),
            on=date(2025, 6, 20), provider=providers["adopters"], with_foster_carers=False, by=sw, now=NOW,
        )  # fmt: skip
    placed = permanence.adoption_place(
        plan=plan, on=date(2025, 6, 20), provider=providers["adopters"], with_foster_carers=False, by=sw, now=NOW
    )
    assert (placed.place, placed.rne, placed.urn) == ("A6", "P", "SC476330")
    with pytest.raises(ValidationError, match="open adoption plan"):
        services.care_end(period=in_care, on=date(2025, 7, 1), reason="E4A", by=sw, now=NOW)
    with pytest.raises(ValidationError, match="after the child was placed"):
        permanence.adoption_order(plan=plan, on=date(2025, 6, 2), consent_dispensed=False, by=sw, now=NOW)
    permanence.adoption_order(plan=plan, on=date(2025, 11, 14), consent_dispensed=True, by=sw, now=NOW)
    last = CareEpisode.objects.filter(period=in_care).order_by("-decom").first()
    assert last is not None and (last.dec, last.rec) == (date(2025, 11, 14), "E12")

    ret = ssda903.build("2025-26")
    assert ret.tables["ad1"] == [
        {"CHILD": str(plan.person_id), "DOB": "01/09/2023", "DATE_INT": "04/11/2024", "DATE_MATCH": "02/06/2025",
         "FOSTER_CARE": "0", "NB_ADOPTR": "2", "SEX_ADOPTR": "MF", "LS_ADOPTR": "L11"}
    ]  # fmt: skip
    assert ret.tables["placed_for_adoption"][0]["DATE_PLACED"] == "04/11/2024"
    assert ret.tables["placed_for_adoption"][0]["DATE_PLACED_CEASED"] == ""

    # A couple's legal status not recorded (as an Annex A List 11 import leaves it): a gap listed, never guessed.
    AdopterFamily.objects.filter(reference="ADF1").update(legal_status="")
    ret = ssda903.build("2025-26")
    assert ret.tables["ad1"][0]["LS_ADOPTR"] == ""
    assert [(p.child, p.table, p.column) for p in ret.problems if p.table == "ad1"] == [
        (str(plan.person_id), "ad1", "LS_ADOPTR")
    ]


@pytest.mark.django_db
def test_a_reversed_decision_gives_its_date_and_reason_and_lets_care_end(in_care, sw):
    plan = permanence.adoption_decision(period=in_care, on=date(2024, 11, 4), by=sw, now=NOW)
    with pytest.raises(ValidationError, match="rule 579"):
        permanence.adoption_decision(period=in_care, on=date(2024, 12, 4), by=sw, now=NOW)
    with pytest.raises(ValidationError, match="RD1-RD4"):
        permanence.adoption_reverse(plan=plan, on=date(2025, 5, 1), reason="RD9", by=sw, now=NOW)
    permanence.adoption_reverse(plan=plan, on=date(2025, 5, 1), reason="RD3", by=sw, now=NOW)
    services.care_end(period=in_care, on=date(2025, 8, 1), reason="E41", by=sw, now=NOW)
    row = ssda903.build("2025-26").tables["placed_for_adoption"][0]
    assert (row["DATE_PLACED_CEASED"], row["REASON_PLACED_CEASED"]) == ("01/05/2025", "RD3")


@pytest.mark.django_db
def test_previous_permanence_defaults_to_z1_and_needs_la_and_date(front_door, sw, providers):
    child = PersonFactory(date_of_birth=date(2015, 1, 1))
    InvolvementFactory(person=child, agency=front_door, started_at=NOW - timedelta(days=900))
    period = LookedAfterEpisodeFactory(person=child, start_date=date(2025, 5, 1))
    services.care_start(
        period=period, legal_status="V2", category_of_need="N4",
        placement=services.Placement("U6", providers["foster"]), home_postcode="SO14 0HU", by=sw, now=NOW,
    )  # fmt: skip
    assert ssda903.build("2025-26").tables["previous_permanence"][0]["PREV_PERM"] == "Z1"
    with pytest.raises(ValidationError, match="local authority"):
        permanence.previous_permanence_record(period=period, prev_perm="P2", by=sw, now=NOW)
    with pytest.raises(ValidationError, match="rule 632"):
        permanence.previous_permanence_record(
            period=period, prev_perm="P2", la_code="852", order_date=date(2025, 5, 1), by=sw, now=NOW
        )
    permanence.previous_permanence_record(
        period=period, prev_perm="P2", la_code="852", order_date=date(2021, 3, 2), by=sw, now=NOW
    )
    row = ssda903.build("2025-26").tables["previous_permanence"][0]
    assert (row["PREV_PERM"], row["LA_PERM"], row["DATE_PERM"]) == ("P2", "852", "02/03/2021")


def test_adopters_codes_must_agree():
    rules.check_adopters(number=2, sex="FF", legal_status="L12")
    rules.check_adopters(number=1, sex="F1", legal_status="L0")
    for number, sex, legal in [(2, "MF", "L12"), (1, "MF", "L0"), (2, "FF", "L0"), (2, "MM", "L3"), (3, "MF", "L11")]:
        with pytest.raises(rules.AdoptionRuleError):
            rules.check_adopters(number=number, sex=sex, legal_status=legal)


def test_pathway_plan_and_review_timescales_at_their_boundaries():
    assert rules.pathway_plan_due(date(2025, 11, 30)) == date(2026, 2, 28)  # 3 months, end of a short month
    assert rules.pathway_plan_due(date(2025, 1, 15)) == date(2025, 4, 15)
    assert rules.pathway_review_due(date(2025, 8, 31)) == date(2026, 2, 28)
    assert rules.pathway_review_due(date(2025, 3, 1)) == date(2025, 9, 1)


def test_eligibility_at_13_weeks_since_14_and_at_16():
    dob = date(2008, 6, 1)
    # In care from the 14th birthday: 91 days reached before 16, so eligible on the 16th birthday.
    assert rules.became_eligible_on(date_of_birth=dob, periods=[(date(2022, 6, 1), None)]) == date(2024, 6, 1)
    # Came into care on the 16th birthday: eligible after 91 days (13 weeks), not 90.
    assert rules.became_eligible_on(date_of_birth=dob, periods=[(date(2024, 6, 1), None)]) == date(2024, 8, 31)
    assert rules.became_eligible_on(date_of_birth=dob, periods=[(date(2024, 6, 1), date(2024, 8, 30))]) is None
    common = {"date_of_birth": dob, "looked_after_days_after_14": 91, "looked_after_at_16": True}
    assert rules.leaver_category(on=date(2026, 5, 31), looked_after_now=True, **common) == "ELIGIBLE"
    assert rules.leaver_category(on=date(2026, 5, 31), looked_after_now=False, **common) == "RELEVANT"
    assert rules.leaver_category(on=date(2026, 6, 1), looked_after_now=False, **common) == "FORMER_RELEVANT"
    assert rules.leaver_category(on=date(2033, 6, 1), looked_after_now=False, **common) == ""  # 25
    short = {**common, "looked_after_days_after_14": 90}
    assert rules.leaver_category(on=date(2026, 5, 31), looked_after_now=False, **short) == "QUALIFYING"


def _care_leaver(front_door, providers, sw):
    """A young person looked after from 14 to 16 (accommodated, V2), out of care since January 2025."""
    young = PersonFactory(date_of_birth=date(2008, 6, 1))
    InvolvementFactory(person=young, agency=front_door, started_at=NOW - timedelta(days=900))
    period = LookedAfterEpisodeFactory(person=young, start_date=date(2023, 1, 10))
    services.care_start(
        period=period, legal_status="V2", category_of_need="N4",
        placement=services.Placement("U6", providers["foster"]), home_postcode="SO14 0HU", by=sw, now=NOW,
    )  # fmt: skip
    services.care_end(period=period, on=date(2025, 1, 10), reason="E13", by=sw, now=NOW)
    return young


@pytest.mark.django_db
def test_a_care_leaver_gets_a_category_adviser_and_pathway_plan_reviewed_6_monthly(front_door, providers, sw):
    young = _care_leaver(front_door, providers, sw)
    leaver = permanence.care_leaver_update(person=young, personal_adviser=sw, by=sw, now=NOW)
    assert (leaver.category, leaver.eligible_from, leaver.adviser_from) == ("RELEVANT", date(2024, 6, 1), NOW.date())
    plan = PathwayPlan.objects.get(person=young)
    assert plan.due_date == date(2024, 9, 1)
    first = permanence.pathway_plan_complete(plan=plan, on=date(2024, 8, 20), by=sw, now=NOW)
    assert first.due_date == date(2025, 2, 20)
    nxt = permanence.pathway_review_record(review=first, held_date=date(2025, 2, 20), by=sw, now=NOW)
    assert (first.status, nxt.due_date) == (ItemStatus.DONE, date(2025, 8, 20))
    with pytest.raises(ValidationError, match="18 or later"):
        permanence.staying_put_start(person=young, on=date(2026, 5, 31), provider=None, by=sw, now=NOW)


@pytest.mark.django_db
def test_a_plan_completed_just_after_midnight_uk_time_is_not_in_the_future(front_door, providers, sw):
    young = _care_leaver(front_door, providers, sw)
    permanence.care_leaver_update(person=young, personal_adviser=sw, by=sw, now=NOW)
    plan = PathwayPlan.objects.get(person=young)
    after_midnight = datetime(2026, 4, 1, 23, 30, tzinfo=UTC)  # 00:30 BST on 2 April

    permanence.pathway_plan_complete(plan=plan, on=uk_date(after_midnight), by=sw, now=after_midnight)

    plan.refresh_from_db()
    assert plan.completed_date == date(2026, 4, 2)


@pytest.mark.django_db
def test_deprivation_of_liberty_is_for_k2_z12_z13_ends_with_care_and_is_returned_from_2026_27(front_door, sw):
    home = services.provider_register(name="Home C", kind="CHILDRENS_HOME", place_provider="PR4", postcode="SO14 0EQ",
                                      urn="SC200001", by=sw, now=NOW)  # fmt: skip
    carers = services.provider_register(name="Carers B", kind="FOSTER_CARER", place_provider="PR1",
                                        postcode="SO14 0BE", urn="SC058592", by=sw, now=NOW)  # fmt: skip
    child = PersonFactory(date_of_birth=date(2011, 2, 1))
    InvolvementFactory(person=child, agency=front_door, started_at=NOW - timedelta(days=900))
    period = LookedAfterEpisodeFactory(person=child, start_date=date(2025, 1, 6))
    services.care_start(period=period, legal_status="C2", category_of_need="N1",
                        placement=services.Placement("U6", carers), home_postcode="SO14 0HU", by=sw, now=NOW)  # fmt: skip
    with pytest.raises(ValidationError, match="rule 709"):
        services_year.dolo_start(period=period, on=date(2025, 3, 1), by=sw, now=NOW)
    services.care_change(period=period, on=date(2025, 6, 2), placement=services.Placement("K2", home),
                         reason_place_change="CARPL", by=sw, now=NOW)  # fmt: skip
    order = services_year.dolo_start(period=period, on=date(2025, 6, 9), by=sw, now=NOW)
    with pytest.raises(ValidationError, match="rule 705"):
        services_year.dolo_start(period=period, on=date(2025, 7, 1), by=sw, now=NOW)
    later = datetime(2026, 6, 1, 10, tzinfo=UTC)
    services.care_end(period=period, on=date(2026, 5, 1), reason="E4A", by=sw, now=later)
    order.refresh_from_db()
    assert order.end_date == date(2026, 5, 1)  # rule 707: ends with care
    assert "dolo" not in ssda903.build("2025-26").tables
    assert ssda903.build("2026-27").tables["dolo"] == [
        {"CHILD": str(child.pk), "DOB": "01/02/2011", "DOLO_START": "09/06/2025", "DOLO_END": "01/05/2026"}
    ]
