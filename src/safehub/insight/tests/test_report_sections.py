"""The yearly report's sections take their figures from Safehub's records: add a record, the figure moves.

Each test builds the section the report shows (``report_sections``) and checks where a figure
came from (records, part-year records or the published 2024-25 report) as well as its value.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from django.template.loader import render_to_string

from safehub.core.calendar import UK
from safehub.insight import report, report_sections, report_sections_partnership
from safehub.insight.report_cells import SOURCE_PART, SOURCE_PUBLISHED, SOURCE_RECORDS, Table
from safehub.insight.tests.fixtures import make_records
from safehub.partnership import yearly
from safehub.partnership.finance import services as finance_services
from safehub.partnership.reviews import services as reviews_services
from safehub.testing.factories import (
    AgencyFactory,
    ConsultationFactory,
    ExploitationRiskAssessmentFactory,
    MissingEpisodeFactory,
    PersonFactory,
    SubmissionFactory,
    SubmissionValueFactory,
    make_user,
)

YEAR = "2025-26"
YEARS = report.report_years(YEAR)
AS_OF = date(2026, 6, 1)


def _uk(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UK)


def _row(table: Table, label: str) -> dict[str, tuple[float | None, str]]:
    row = next(r for r in table.rows if r["label"] == label)
    return {y: (c.value, c.source) for y, c in zip(table.years, row["cells"], strict=True)}


def _refer(by, at: datetime, subject: str = "ADULT"):
    return reviews_services.review_refer(by=by, now=at, title="Case", subject=subject, summary="Concern.", learned_at=at,
                                         themes=["SELF_NEGLECT"])  # fmt: skip


def _reviews():
    return report_sections_partnership.practice_reviews(
        year=YEAR, years=YEARS, as_of=AS_OF, since=yearly.records_since()
    )


def test_practice_reviews_come_from_the_records_and_the_published_report_fills_earlier_years(db):
    agency = AgencyFactory(kind="POLICE")
    officer = make_user("officer", "POLICE_SAFEGUARDING_OFFICER", agency)

    empty = _row(_reviews()["tables"][0], "Referrals received")
    assert empty == {"2023-24": (None, ""), "2024-25": (14.0, SOURCE_PUBLISHED), "2025-26": (None, "")}

    _refer(officer, _uk(2025, 2, 3, 10))  # the records begin in 2024-25
    _refer(officer, _uk(2025, 7, 1, 10))
    after = _row(_reviews()["tables"][0], "Referrals received")
    assert after["2025-26"] == (1, SOURCE_RECORDS)  # the records cover the whole of 2025-26
    assert after["2024-25"] == (14.0, SOURCE_PUBLISHED)  # part-year records give way to the published figure

    _refer(officer, _uk(2026, 3, 31, 23, 0))
    _refer(officer, _uk(2025, 9, 1, 10), subject="CHILD")
    sections = _reviews()
    assert _row(sections["tables"][0], "Referrals received")["2025-26"] == (2, SOURCE_RECORDS)
    assert _row(sections["tables"][1], "Referrals received")["2025-26"] == (1, SOURCE_RECORDS)
    assert sections["themes"]["adults"] == [("Self-neglect and hoarding", 2)]


def test_finance_shows_recorded_contributions_and_the_published_ones_where_none_are_recorded(db):
    manager = make_user("manager", "PARTNERSHIP_MANAGER", AgencyFactory(kind="PARTNERSHIP"))

    def record(year: str, amount: int) -> None:
        finance_services.contribution_record(by=manager, now=_uk(2025, 5, 1, 9), year=year, budget="CHILDREN_PARTNERSHIP",
                                             partner="POLICE", organisation_name="Wessex Constabulary",
                                             amount_gbp=amount)  # fmt: skip

    record(YEAR, 27144)
    tables = report_sections.finance(year=YEAR, years=YEARS)["tables"]
    children = tables[0]
    assert _row(children, "Wessex Constabulary")["2025-26"] == (27144, SOURCE_RECORDS)
    assert _row(children, "SCC")["2024-25"] == (141062, SOURCE_PUBLISHED)  # shared/reference
    # The sum of the published rows; the seed report prints £236,455, £27 more than its own rows add up to.
    assert _row(children, "Total")["2024-25"] == (236428, SOURCE_PUBLISHED)
    assert _row(children, "Total")["2025-26"] == (27144, SOURCE_RECORDS)

    record("2024-25", 26353)
    children = report_sections.finance(year=YEAR, years=YEARS)["tables"][0]
    assert [r["label"] for r in children.rows] == ["Wessex Constabulary", "Total"]
    assert _row(children, "Total")["2024-25"] == (26353, SOURCE_RECORDS)


def test_front_door_figures_equal_the_measures_engine(db):
    records = make_records()
    ConsultationFactory(
        asked_by_name="GP",
        asked_at=datetime(2024, 7, 1, 9, tzinfo=UTC),
        child_description="A, 7",
        question="Is this a referral?",
        advice="Early help.",
        advised_at=datetime(2024, 7, 1, 15, tzinfo=UTC),
        recorded_by=records.worker,
    )
    values = report.YearValues(today=AS_OF)
    years = report.report_years("2024-25")

    mash = report_sections.mash(year="2024-25", years=years, values=values)

    engine = values.values("2024-25")
    checked = 0
    for measure_id in report_sections.MASH_MEASURES:
        title = report.MEASURES_BY_ID[measure_id].title
        value, source = _row(mash["contacts"], title)["2024-25"]
        if source in (SOURCE_RECORDS, SOURCE_PART):
            assert value == engine[measure_id], measure_id
            checked += 1
        else:
            assert source == SOURCE_PUBLISHED
    assert checked >= 1  # children_with_contact is not published, so it comes from the engine
    assert _row(mash["consultations"], "Consultations with professionals")["2024-25"][0] == 1
    assert _row(mash["consultations"], "% advised within 24 hours")["2024-25"][0] == 100.0


def test_missing_episodes_and_exploitation_assessments_are_counted_in_their_year(db):
    records = make_records()
    child = PersonFactory()
    returned = datetime(2024, 8, 2, 8, tzinfo=UTC)
    MissingEpisodeFactory(
        person=child,
        started_at=datetime(2024, 8, 1, 20, tzinfo=UTC),
        ended_at=returned,
        risk_level="HIGH",
        return_interview_offered_at=returned + timedelta(hours=80),
    )
    MissingEpisodeFactory(
        person=child,
        started_at=datetime(2024, 9, 1, 20, tzinfo=UTC),
        ended_at=returned + timedelta(days=31),
        risk_level="LOW",
        return_interview_offered_at=returned + timedelta(days=31, hours=5),
    )
    ExploitationRiskAssessmentFactory(
        person=child,
        assessed_at=datetime(2024, 9, 3, 9, tzinfo=UTC),
        kinds=["criminal"],
        level="SIGNIFICANT",
        rationale="County lines.",
        assessed_by=records.worker,
    )
    ExploitationRiskAssessmentFactory(
        person=child,
        assessed_at=datetime(2024, 12, 3, 9, tzinfo=UTC),
        kinds=["criminal"],
        level="MODERATE",
        previous_level="SIGNIFICANT",
        rationale="Engaging with the plan.",
        downgrade_agreed_by=[1, 2],
        assessed_by=records.worker,
    )
    values = report.YearValues(today=AS_OF)

    found = report_sections.adolescents(year="2024-25", years=report.report_years("2024-25"), values=values)

    assert _row(found["missing"], "Missing episodes")["2024-25"][0] == 2
    assert _row(found["missing"], "Children who went missing")["2024-25"][0] == 1
    assert _row(found["missing"], "Episodes assessed as high risk")["2024-25"][0] == 1
    assert _row(found["missing"], "% of returns offered an interview within 72 hours")["2024-25"][0] == 50.0
    assert _row(found["exploitation"], "Risk level: Significant")["2024-25"][0] == 1
    assert _row(found["exploitation"], "Risk level lowered since the last assessment")["2024-25"][0] == 1
    assert _row(found["exploitation"], "of which agreed with the partner agencies")["2024-25"][0] == 1
    assert found["kinds"] == [("criminal", 2)]


def _return(agency, user, code: str, quarter_start: date, values: dict[str, tuple[str, int | None]], label: str,
            submitted: datetime | None = None) -> None:  # fmt: skip
    end = quarter_start + timedelta(days=89)
    submission = SubmissionFactory(
        agency=agency, return_code=code, period_start=quarter_start, period_end=end, submitted_by=user,
        submitted_at=submitted or datetime.combine(end, datetime.min.time(), tzinfo=UTC),
    )  # fmt: skip
    for measure, (value, count) in values.items():
        SubmissionValueFactory(
            submission=submission, period_label=label, measure=measure, value=Decimal(value), count=count
        )


def test_youth_justice_is_a_table_per_measure_with_the_latest_upload_per_quarter(db):
    published = report_sections.youth_justice(year=YEAR)
    first = published["tables"][0]
    assert (published["mark"], first["periods"][0], first["values"][0]) == ("Pub", "2023/24 Q3", "27 (6)")

    agency = AgencyFactory(kind="YOUTH_JUSTICE")
    user = make_user("yjs.officer", "ANALYST", agency)
    fte = "first time entrants per 10k aged 10-17 (target 206)"
    _return(agency, user, "youth_justice", date(2025, 4, 1), {fte: ("180", 40)}, "2025/26 Q1")
    _return(agency, user, "youth_justice", date(2025, 4, 1), {fte: ("176", 39)}, "2025/26 Q1",
            submitted=datetime(2025, 8, 30, 9, tzinfo=UTC))  # fmt: skip  # a corrected upload
    _return(agency, user, "youth_justice", date(2025, 7, 1), {fte: ("0.5", 11)}, "2025/26 Q2")

    found = report_sections.youth_justice(year=YEAR)

    assert found["mark"] == "R"
    assert found["tables"] == [
        {"measure": fte, "periods": ["2025/26 Q1", "2025/26 Q2"], "values": ["176 (39)", "0.50 (11)"]}
    ]


def _attendance_return(agency, user, quarter_start: date, values: dict[str, str]) -> None:
    counts = {measure: (value, None) for measure, value in values.items()}
    _return(agency, user, "education_attendance", quarter_start, counts, "2025-2026")


def test_education_attendance_is_one_row_per_phase_with_each_academic_year_once(db):
    agency = AgencyFactory(kind="LA_CHILDREN")
    user = make_user("education.officer", "ANALYST", agency)
    _attendance_return(agency, user, date(2025, 10, 1), {"Overall absence primary (%)": "5.9"})
    _attendance_return(agency, user, date(2026, 1, 1), {"Overall absence primary (%)": "5.2",
                                                        "Persistent absence primary (%)": "14.8"})  # fmt: skip

    found = report_sections.education(year=YEAR, years=YEARS)

    table = found["table"]
    assert found["academic_years"] == table.years == ["2023-2024", "2024-2025", "2025-2026"]
    # Shaped like the published report's table: its eight rows, in its order.
    assert [r["label"] for r in table.rows] == [label for _, _, label in report_sections.EDUCATION_ROWS]
    overall = _row(table, "Overall absence: primary")
    assert overall == {"2023-2024": (6.3, SOURCE_PUBLISHED), "2024-2025": (5.5, SOURCE_PUBLISHED),
                       "2025-2026": (5.2, SOURCE_RECORDS)}  # fmt: skip
    assert _row(table, "Persistent absence: primary")["2025-2026"] == (14.8, SOURCE_RECORDS)
    secondary = _row(table, "Overall absence: secondary")
    assert secondary["2025-2026"] == (None, "")
    # Every row also sets the year beside the published 2024-25 figure, labelled as published.
    assert table.published_label == "Published 2024-25 report"
    published = {r["label"]: (r["published"].value, r["published"].source) for r in table.rows}
    assert published["Overall absence: special schools"] == (12.0, SOURCE_PUBLISHED)
    assert published["Total persistent absence (over 10%): primary, secondary and special schools"] == (
        20.3, SOURCE_PUBLISHED)  # fmt: skip


def test_a_report_built_twice_from_the_same_records_is_identical_apart_from_its_date(db):
    officer = make_user("officer", "POLICE_SAFEGUARDING_OFFICER", AgencyFactory(kind="POLICE"))
    _refer(officer, _uk(2025, 2, 3, 10))
    _refer(officer, _uk(2025, 7, 1, 10), subject="CHILD")
    first_at = datetime(2026, 6, 1, 9, tzinfo=UTC)

    def html(now: datetime) -> tuple[str, dict]:
        context = report.report_context(year=YEAR, now=now)
        return render_to_string("insight/report/report.html", context), context

    first, context = html(first_at)
    again, context_again = html(first_at)
    later, _ = html(first_at + timedelta(days=1))

    assert first == again
    assert {k: c.svg for k, c in context["charts"].items()} == {k: c.svg for k, c in context_again["charts"].items()}
    assert first.replace("1 June 2026", "2 June 2026") == later


def test_the_report_has_a_contents_entry_for_every_part_and_accessible_tables(db):
    officer = make_user("officer", "POLICE_SAFEGUARDING_OFFICER", AgencyFactory(kind="POLICE"))
    _refer(officer, _uk(2025, 7, 1, 10))

    html = render_to_string("insight/report/report.html", report.report_context(year=YEAR, now=_uk(2026, 6, 1, 9)))

    for item in report.CONTENTS:
        assert f'href="#{item["id"]}"' in html and f'id="{item["id"]}"' in html, item["id"]
    assert html.count("<table>") == html.count("<caption>")
    assert "None" not in re.sub(r"<[^>]+>", " ", html)
    for heading in ("Practice review group", "Multi-agency audits", "Learning and development group",
                    "Section 11 and section 175 self-assessments", "Escalations: resolving professional differences",
                    "MASH and the front door", "Vulnerable adolescents", "Education attendance", "Finance"):  # fmt: skip
        assert heading in html, heading
