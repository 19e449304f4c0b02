"""SAC counting rules, computed by the insight engine from records made through the services."""

from datetime import UTC, date, datetime

import pytest

from safehub.adults import measures
from safehub.adults.models import Enquiry
from safehub.testing.factories import PersonFactory

from .helpers import complete_enquiry, decide, raise_concern

pytestmark = pytest.mark.django_db
JUNE_2024 = datetime(2024, 6, 4, 10, tzinfo=UTC)
FEB_2025 = datetime(2025, 2, 4, 10, tzinfo=UTC)


def test_a_person_with_two_concerns_counts_once_as_an_individual(adult_mash_manager, adult, council):
    raise_concern(adult, adult_mash_manager, JUNE_2024)
    raise_concern(adult, adult_mash_manager, FEB_2025)
    other = PersonFactory(date_of_birth=date(1990, 1, 1), sex="M", ethnicity="BAFR")
    raise_concern(other, adult_mash_manager, FEB_2025)
    result = measures.adult_measures("2024-25")
    assert result["adult_concerns_total"] == 3
    assert result["adult_individuals_concerns"] == 2
    assert result["adult_individuals_concerns_85_plus"] == 1  # Edith, 86 at her first concern in the year
    assert result["adult_individuals_concerns_18_64"] == 1
    assert (result["adult_individuals_concerns_sex_female"], result["adult_individuals_concerns_sex_male"]) == (1, 1)
    assert result["adult_individuals_concerns_ethnicity_black"] == 1


def test_year_boundary_is_uk_time(adult_mash_manager, adult, council):
    # 23:30 UTC on 31 March 2025 is 00:30 on 1 April in UK summer time: next year's concern.
    raise_concern(adult, adult_mash_manager, datetime(2025, 3, 31, 23, 30, tzinfo=UTC))
    assert measures.adult_measures("2024-25")["adult_concerns_total"] == 0
    assert measures.adult_measures("2025-26")["adult_concerns_total"] == 1


def test_enquiry_concluded_in_the_next_year_is_counted_there(adult_mash_manager, adult_social_worker, adult):
    concern = raise_concern(adult, adult_mash_manager, FEB_2025)
    decide(concern, adult_social_worker, FEB_2025)
    complete_enquiry(Enquiry.objects.get(), adult_social_worker, FEB_2025, concluded_date=date(2025, 4, 2))
    this_year, next_year = measures.adult_measures("2024-25"), measures.adult_measures("2025-26")
    assert this_year["adult_s42_started_total"] == 1
    assert this_year["adult_individuals_s42"] == 1
    assert this_year["adult_s42_concluded_total"] == 0
    assert next_year["adult_s42_concluded_total"] == 1
    assert next_year["adult_s42_started_total"] == 0


def test_concluded_breakdowns_count_each_risk_type_once_per_enquiry(adult_mash_manager, adult_social_worker, adult):
    for lacked in ("YES", "DONT_KNOW"):
        concern = raise_concern(adult, adult_mash_manager, JUNE_2024)
        decide(concern, adult_social_worker, JUNE_2024)
        complete_enquiry(
            Enquiry.objects.get(concern=concern),
            adult_social_worker,
            JUNE_2024,
            concluded_date=date(2024, 8, 1),
            risk_types=["NEGLECT", "FINANCIAL"],
            lacked_capacity=lacked,
            advocate_support=True if lacked == "YES" else None,
        )
    result = measures.adult_measures("2024-25")
    assert result["adult_s42_concluded_total"] == 2
    assert result["adult_s42_concluded_risk_neglect"] == 2
    assert result["adult_s42_concluded_risk_financial"] == 2
    assert result["adult_s42_concluded_risk_physical"] == 0
    assert result["adult_s42_concluded_capacity_yes"] == 1
    assert result["adult_s42_concluded_capacity_dont_know"] == 1
    assert result["adult_s42_concluded_lacked_capacity_advocate_yes"] == 1
    assert result["adult_s42_concluded_msp_expressed"] == 2
    assert result["adult_s42_concluded_risk_outcome_reduced"] == 2
    assert result["adult_s42_concluded_85_plus"] == 2
    assert result["adult_individuals_s42"] == 1  # two enquiries, one adult


def test_other_enquiries_are_not_section_42(adult_mash_manager, adult_social_worker, adult):
    concern = raise_concern(adult, adult_mash_manager, JUNE_2024)
    decide(concern, adult_social_worker, JUNE_2024, decision="OTHER")
    complete_enquiry(Enquiry.objects.get(), adult_social_worker, JUNE_2024, concluded_date=date(2024, 7, 1))
    result = measures.adult_measures("2024-25")
    assert (result["adult_s42_started_total"], result["adult_s42_concluded_total"]) == (0, 0)
    assert result["adult_other_enquiries_started_total"] == 1


def test_reference_figures_are_read_with_their_years():
    years, figures = measures.reference_figures(measures.APP_DATA)
    assert years == ["2023/24", "2024/25"]
    assert figures["adult_individuals_concerns"] == {"2023/24": 1186, "2024/25": 887}
    assert figures["adult_s42_concluded_risk_self_neglect"]["2024/25"] == 40
    assert figures["adult_s42_concluded_capacity_not_recorded"]["2023/24"] == 23
    assert figures["adult_s42_concluded_msp_asked_not_expressed"]["2024/25"] == 65


def test_breakdowns_group_ages_sexes_and_ethnicities(adult_mash_manager, adult_social_worker, council):
    people = [
        PersonFactory(date_of_birth=date(2006, 3, 1), sex="F", ethnicity="CHNE"),  # 18
        PersonFactory(date_of_birth=date(1959, 6, 5), sex="M", ethnicity="MWBA"),  # 64 on 4 June 2024
        PersonFactory(date_of_birth=date(1950, 1, 1), sex="U", ethnicity="REFU"),  # 74
        PersonFactory(date_of_birth=date(1940, 1, 1), sex="F", ethnicity="NOBT"),  # 84
        PersonFactory(date_of_birth=date(1929, 1, 1), sex="F", ethnicity="OOTH"),  # 95
    ]
    for person in people:
        concern = raise_concern(person, adult_mash_manager, JUNE_2024)
        decide(concern, adult_social_worker, JUNE_2024)
    result = measures.adult_measures("2024-25")
    assert [result[f"adult_individuals_s42_{b}"] for b in ("18_64", "65_74", "75_84", "85_plus")] == [2, 1, 1, 1]
    assert [result[f"adult_individuals_s42_sex_{w}"] for w in ("female", "male", "unknown")] == [3, 1, 1]
    # SG1a: age on 31 March 2025 (19, 65, 75, 85, 96), not at the first enquiry.
    assert [
        result[f"adult_individuals_s42_age_{b}"] for b in ("18_64", "65_74", "75_84", "85_94", "95_plus", "unknown")
    ] == [1, 1, 1, 1, 1, 0]
    groups = ("white", "mixed", "asian", "black", "other", "refused", "not_obtained")
    assert [result[f"adult_individuals_concerns_ethnicity_{g}"] for g in groups] == [0, 1, 1, 0, 1, 1, 1]
    assert [result[f"adult_individuals_s42_ethnicity_{g}"] for g in groups] == [0, 1, 1, 0, 1, 1, 1]
