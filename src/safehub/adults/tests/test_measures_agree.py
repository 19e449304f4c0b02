"""One set of adult figures: the measures page shows the insight engine's figures, and the SAC return agrees."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from safehub.adults import measures
from safehub.adults.models import Enquiry
from safehub.insight.engine import compute_measures
from safehub.insight.snapshot import build_snapshot
from safehub.returns.sac.records import sac_details
from safehub.returns.sac.writer import build_sac_return
from safehub.testing.factories import PersonFactory

from .helpers import complete_enquiry, decide, raise_concern

pytestmark = pytest.mark.django_db
YEAR = "2024-25"


@pytest.fixture
def records(adult_mash_manager, adult_social_worker, adult, council):
    """Three adults: concerns, s42 and other enquiries, concluded ones with several locations and sources."""
    other = PersonFactory(date_of_birth=date(1990, 1, 1), sex="M", ethnicity="BAFR")
    young = PersonFactory(date_of_birth=date(2006, 3, 31), sex="F", ethnicity="WBRI")  # 18 on 31 March 2024
    moments = [datetime(2024, 6, 4, 10, tzinfo=UTC), datetime(2024, 11, 5, 10, tzinfo=UTC)]
    for person, moment, kind, lacked, support in (
        (adult, moments[0], "S42", "YES", True),
        (adult, moments[1], "S42", "NO", True),
        (other, moments[0], "OTHER", "DONT_KNOW", None),
        (young, moments[1], "S42", "YES", None),
    ):
        concern = raise_concern(person, adult_mash_manager, moment)
        decide(concern, adult_social_worker, moment, decision=kind)
        fields = {"advocate_support": support} if support is not None else {}
        if lacked == "YES" and support is None:
            fields["advocate_support"] = False
        complete_enquiry(
            Enquiry.objects.get(concern=concern),
            adult_social_worker,
            moment,
            concluded_date=date(2025, 1, 15),
            lacked_capacity=lacked,
            risk_locations=["OWN_HOME", "COMMUNITY"] if person == adult else ["CARE_HOME"],
            risk_sources=["KNOWN", "SERVICE_PROVIDER"] if kind == "S42" else ["UNKNOWN"],
            **fields,
        )
    raise_concern(other, adult_mash_manager, datetime(2025, 2, 4, 10, tzinfo=UTC), reported_autism="ASPERGERS")
    autistic = PersonFactory(date_of_birth=date(1980, 1, 1), disabilities=["AUT"])  # not saying which
    raise_concern(autistic, adult_mash_manager, datetime(2025, 2, 5, 10, tzinfo=UTC))


def test_the_measures_page_shows_the_engines_figures(records):
    _, sections = measures.measure_sections(YEAR)
    page = {row.measure_id: row.value for _, rows in sections for row in rows}
    engine = compute_measures(build_snapshot(), year=YEAR)
    # Every figure on the page (and in its CSV) is an engine measure, with the engine's value.
    # The SAC's five care home and hospital sub-types and the ceased-at-request outcome are rows too.
    assert len(page) == 104
    assert page == {k: engine[k] for k in page}
    assert set(measures.adult_measures(YEAR)) == {k for k in engine if k.startswith("adult_")}
    assert page["adult_individuals_s42_ethnicity_white"] == 2  # Edith and the young adult (WBRI)
    assert page["adult_s42_concluded_location_own_home"] == 2


def test_sac_return_from_the_records_agrees_with_the_orm_measures(records):
    orm = measures.adult_measures(YEAR)
    tables = build_sac_return(build_snapshot(), year=YEAR, details=sac_details())
    sg1f = {row[0]: row[1:] for row in tables["SG1f"].rows}["Total"]
    assert sg1f[0] == orm["adult_concerns_total"] == 6
    sg1e = {row[0]: row[1:] for row in tables["SG1e"].rows}
    assert list(sg1e.values()) == [(0, 0, 0), (1, 0, 0)]  # the Asperger's concern; AUT alone is in no row
    assert tables["SG1e"].notes[0].startswith("1 case is about adults whose disability code says autism")
    assert sg1f[1] == orm["adult_s42_started_total"] == 3
    sg1a = {row[0]: row[1:] for row in tables["SG1a"].rows}
    assert sg1a["Total"][1] == orm["adult_individuals_s42"] == 2
    assert sg1a["85-94"][1] == orm["adult_individuals_s42_age_85_94"] == 1  # Edith, 86 on 31 March 2025
    assert sg1a["18-64"][1] == orm["adult_individuals_s42_age_18_64"] == 1
    sg2b = {row[0]: row[1:] for row in tables["SG2b"].rows}  # by source, then the total column
    assert sg2b["Own Home"][-1] == orm["adult_s42_concluded_location_own_home"] == 2
    assert sg2b["In the Community"][-1] == orm["adult_s42_concluded_location_community"] == 2
    assert sg2b["Total"][1] == orm["adult_s42_concluded_source_known"] == 3
    assert sg2b["Total"][0] == orm["adult_s42_concluded_source_service_provider"] == 3
    advocated = tables["SG3a"].parts[0].rows[0][1]
    assert advocated == orm["adult_s42_concluded_lacked_capacity_advocate_yes"] == 1
    # Support recorded for an adult who had capacity counts in the "any capacity" measure only.
    assert orm["adult_s42_concluded_advocate_support_yes"] == 2


def test_adults_sac_command_writes_the_return(records, tmp_path: Path):
    call_command("adults_sac", "--year", YEAR, "--output", str(tmp_path / "sac.xlsx"))
    book = load_workbook(tmp_path / "sac.xlsx")
    assert "SG2c" in book.sheetnames
    with pytest.raises(CommandError, match="financial year"):
        call_command("adults_sac", "--year", "2024-26", "--output", str(tmp_path / "x.xlsx"))
    with pytest.raises(CommandError, match=".xlsx"):
        call_command("adults_sac", "--year", YEAR, "--output", str(tmp_path / "x.pdf"))


def test_sac_return_splits_inconclusive_enquiries_by_the_action_recorded(adult_mash_manager, adult_social_worker):
    """Whether action was taken goes through the snapshot to SG2c (it was blank from the records before)."""
    moment = datetime(2024, 6, 4, 10, tzinfo=UTC)
    for action in (True, False):
        concern = raise_concern(PersonFactory(date_of_birth=date(1950, 1, 1)), adult_mash_manager, moment)
        decide(concern, adult_social_worker, moment)
        complete_enquiry(Enquiry.objects.get(concern=concern), adult_social_worker, moment,
                         concluded_date=date(2024, 9, 1), risk_outcome="INCONCLUSIVE", action_taken=action)  # fmt: skip
    snapshot = build_snapshot()
    assert sorted(snapshot["s42_enquiries"]["action_taken"].to_pylist()) == [False, True]
    sg2c = dict(build_sac_return(snapshot, year=YEAR, details=sac_details())["SG2c"].rows)
    assert sg2c["Risk Assessment inconclusive and action taken"] == 1
    assert sg2c["Risk Assessment inconclusive and no action taken"] == 1
