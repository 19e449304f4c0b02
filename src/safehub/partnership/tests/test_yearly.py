"""The yearly figures the report takes from the partnership's records: each one moves when a record does."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from safehub.core.calendar import UK
from safehub.core.models import AuditEvent
from safehub.partnership import yearly
from safehub.partnership.actions import selectors as actions_selectors
from safehub.partnership.actions import services as actions_services
from safehub.partnership.audits import services as audits_services
from safehub.partnership.finance import selectors as finance_selectors
from safehub.partnership.finance import services as finance_services
from safehub.partnership.models import (
    ActionStatus,
    PartnerContribution,
    Rating,
)
from safehub.partnership.reviews import services as reviews_services
from safehub.testing.factories import (
    AgencyFactory,
    AuditAgencyReturnFactory,
    AuditCaseFactory,
    EscalationFactory,
    SelfAssessmentCycleFactory,
    SelfAssessmentRatingFactory,
    SelfAssessmentReturnFactory,
    TrainingAttendanceFactory,
    TrainingCourseFactory,
    TrainingEventFactory,
)

YEAR = "2025-26"
AS_OF = date(2026, 6, 1)  # the year is over
IN_YEAR = datetime(2025, 6, 2, 10, tzinfo=UTC)


def _uk(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UK)


# ---------------------------------------------------------------------------------------------
# Practice reviews
# ---------------------------------------------------------------------------------------------


def test_referrals_count_in_the_uk_year_they_were_received(manager, police_officer):
    def refer(at: datetime, subject: str = "ADULT"):
        return reviews_services.review_refer(by=police_officer, now=at, title="Case", subject=subject,
                                             summary="Concern.", learned_at=at, themes=["NEGLECT"])  # fmt: skip

    refer(_uk(2026, 3, 31, 23, 30))  # still 2025-26 in the UK
    refer(_uk(2026, 4, 1, 0, 30))  # 2026-27
    refer(_uk(2025, 4, 1, 9), subject="CHILD")

    counts = yearly.practice_reviews(year=YEAR, as_of=AS_OF)["counts"]

    assert counts["adults"]["referrals"] == 1
    assert counts["children"]["referrals"] == 1
    assert yearly.practice_reviews(year="2026-27", as_of=AS_OF)["counts"]["adults"]["referrals"] == 1


def test_a_rapid_review_counts_when_held_and_its_outcome_when_settled(manager, police_officer):
    referred = _uk(2025, 3, 20, 10)
    review = reviews_services.review_refer(by=police_officer, now=referred, title="Child A", subject="CHILD",
                                           summary="Injury.", learned_at=referred, notifiable=True,
                                           themes=["NEGLECT", "SUBSTANCE_USE"])  # fmt: skip
    reviews_services.review_decide(review=review, decision="RAPID_REVIEW", rationale="Notifiable incident.",
                                   by=manager, now=_uk(2025, 3, 24, 10))  # fmt: skip
    reviews_services.review_complete_rapid_review(review=review, recommendation="CSPR", rationale="National learning.",
                                                  by=manager, now=_uk(2025, 4, 10, 10))  # fmt: skip
    reviews_services.review_commission(review=review, reviewer="J. Hartley", by=manager, now=_uk(2025, 5, 1, 10))

    before = yearly.practice_reviews(year="2024-25", as_of=AS_OF)
    during = yearly.practice_reviews(year=YEAR, as_of=AS_OF)

    assert before["counts"]["children"]["referrals"] == 1
    assert before["counts"]["children"]["rapid_reviews"] == 1
    assert before["counts"]["children"]["statutory"] == 0
    assert during["counts"]["children"]["statutory"] == 1  # the CSPR decision came after 1 April
    assert dict(before["themes"]["children"]) == {"Neglect": 1, "Substance use": 1}
    assert before["stages"]["children"] == [("Rapid review", 1)]  # where it stood on 31 March 2025
    assert during["stages"]["children"] == [("Commissioned", 1)]


def test_review_actions_open_and_overdue_at_the_years_end(manager, police_officer, police):
    at = _uk(2025, 5, 1, 10)
    review = reviews_services.review_refer(by=police_officer, now=at, title="Derek", subject="ADULT", summary="Self-neglect.",
                                           learned_at=at)  # fmt: skip
    rec = actions_services.recommendation_add(by=manager, now=at, text="Share records.", review=review)
    late = actions_services.action_add(recommendation=rec, description="Brief staff", agency=police, owner_name="A. Lead",
                                       due_date=date(2026, 1, 31), by=manager, now=at)  # fmt: skip
    actions_services.action_add(recommendation=rec, description="Audit", agency=police, owner_name="A. Lead",
                                due_date=date(2026, 9, 30), by=manager, now=at)  # fmt: skip

    assert actions_selectors.actions_summary(year=YEAR, as_of=AS_OF, source="review") == {
        "completed": 0,
        "open": 2,
        "overdue": 1,
    }

    actions_services.action_update(action=late, by=manager, now=_uk(2026, 2, 10, 10), status=ActionStatus.COMPLETE,
                                   evidence="Briefing delivered to 40 staff.", expected_version=late.version)  # fmt: skip

    assert actions_selectors.actions_summary(year=YEAR, as_of=AS_OF, source="review") == {
        "completed": 1,
        "open": 1,
        "overdue": 0,
    }
    assert actions_selectors.actions_summary(year=YEAR, as_of=AS_OF, source="audit") == {
        "completed": 0,
        "open": 0,
        "overdue": 0,
    }


# ---------------------------------------------------------------------------------------------
# Learning, self-assessments, escalations
# ---------------------------------------------------------------------------------------------


def test_training_attendance_by_sector_and_evaluation(db, police, school):
    course = TrainingCourseFactory(title="CERAF", theme="EXPLOITATION")
    held = TrainingEventFactory(course=course, starts_at=IN_YEAR)
    other_year = TrainingEventFactory(course=course, starts_at=datetime(2025, 3, 2, 10, tzinfo=UTC))
    for agency, attended, rating in [(police, True, 5), (police, True, 3), (school, True, 4), (school, False, None)]:
        TrainingAttendanceFactory(
            event=held, agency=agency, job_role="Officer", attendee_name="Sam Lee", attended=attended, usefulness=rating
        )
    TrainingAttendanceFactory(event=other_year, agency=police, job_role="PCSO", attendee_name="Jo Khan")

    figures = yearly.learning(year=YEAR)

    assert (figures["events"], figures["booked"], figures["attended"]) == (1, 4, 3)
    assert figures["sectors"] == [("Police", 2), ("Education", 1)]
    assert figures["useful_pct"] == 66.7  # two of the three ratings are 4 or 5
    assert figures["mean_rating"] == 4.0


def test_self_assessment_strengths_and_themes_come_from_the_ratings(db, police, school):
    cycle = SelfAssessmentCycleFactory(
        kind="SECTION_11", year=YEAR, cycle_year=1, opens_date=date(2025, 6, 1), due_date=date(2025, 9, 30)
    )
    agencies = [police, school, *(AgencyFactory() for _ in range(2))]
    for i, agency in enumerate(agencies):
        ret = SelfAssessmentReturnFactory(
            cycle=cycle, agency=agency, submitted_at=_uk(2025, 9, 29, 10) + timedelta(days=i)
        )
        SelfAssessmentRatingFactory(self_assessment=ret, standard="S1", rating=Rating.MET)
        SelfAssessmentRatingFactory(
            self_assessment=ret, standard="S11", rating=Rating.PARTLY_MET if i < 2 else Rating.MET
        )

    (found,) = yearly.self_assessments(year=YEAR)

    assert (found["invited"], found["submitted"], found["on_time"]) == (4, 4, 2)
    assert found["strengths"] == ["S1: Senior management commitment to safeguarding"]
    assert found["themes"] == ["S11: Safeguarding disabled children and children with additional needs"]


def test_escalations_by_stage_outcome_and_working_days(db, police, school):
    def raise_(stage: int, resolved: datetime | None, outcome: str = ""):
        return EscalationFactory(
            raised_by_agency=police,
            raised_by_name="A",
            raised_with_agency=school,
            concern="Plan.",
            raised_at=_uk(2025, 6, 2, 10),
            stage=stage,
            outcome=outcome,
            resolved_at=resolved,
        )

    raise_(1, _uk(2025, 6, 4, 10), "AGREED")  # Monday to Wednesday: 2 working days
    raise_(2, _uk(2025, 6, 9, 10), "UPHELD")  # to the next Monday: 5 working days
    raise_(3, None)

    figures = yearly.escalations(year=YEAR, as_of=AS_OF)

    assert (figures["raised"], figures["resolved"], figures["open"]) == (3, 2, 1)
    assert figures["stages"] == [("Stage 1", 1), ("Stage 2", 1), ("Stage 3", 1), ("Stage 4", 0)]
    assert figures["median_days"] == 3.5
    assert figures["by_sector"] == [("Police", 3)]


def test_coverage_of_a_year_by_records_that_began_part_way(db):
    assert yearly.coverage("2024-25", date(2024, 12, 1), AS_OF) == "part"
    assert yearly.coverage("2025-26", date(2024, 12, 1), AS_OF) == "full"
    assert yearly.coverage("2025-26", date(2024, 12, 1), date(2026, 1, 1)) == "part"  # not over yet
    assert yearly.coverage("2023-24", date(2024, 12, 1), AS_OF) == "none"
    assert yearly.coverage("2025-26", None, AS_OF) == "none"


# ---------------------------------------------------------------------------------------------
# Finance
# ---------------------------------------------------------------------------------------------


def _record(manager, **overrides):
    fields = {"year": YEAR, "budget": "CHILDREN_PARTNERSHIP", "partner": "POLICE",
              "organisation_name": "Wessex Constabulary", "amount_gbp": 26353}  # fmt: skip
    fields.update(overrides)
    return finance_services.contribution_record(by=manager, now=IN_YEAR, **fields)


def test_contributions_total_per_budget_and_are_audited(manager):
    _record(manager)
    _record(manager, partner="LOCAL_AUTHORITY", organisation_name="City council", amount_gbp=141062)
    _record(manager, budget="ADULTS_BOARD", amount_gbp=25494)

    figures = finance_selectors.contributions(year=YEAR)

    assert [(b["label"], b["total"]) for b in figures["budgets"]] == [
        ("Children's safeguarding partnership", 167415),
        ("Safeguarding adults board", 25494),
    ]
    assert [r["organisation"] for r in figures["budgets"][0]["rows"]] == ["City council", "Wessex Constabulary"]
    assert figures["budgets"][0]["total_shown"] == "£167,415"
    assert AuditEvent.objects.filter(object_type="partnership.PartnerContribution").count() == 3


def test_a_contribution_is_recorded_once_per_budget_and_year(manager):
    _record(manager)
    with pytest.raises(ValidationError):
        _record(manager, amount_gbp=1)
    with pytest.raises(ValidationError):
        _record(manager, year="2025-27")
    assert PartnerContribution.objects.get().amount_gbp == 26353


def test_only_the_partnership_team_records_contributions(police_officer):
    with pytest.raises(PermissionDenied):
        finance_services.contribution_record(by=police_officer, now=IN_YEAR, year=YEAR, budget="ADULTS_BOARD",
                                             partner="POLICE", organisation_name="Police", amount_gbp=1)  # fmt: skip


def test_finance_page_records_and_corrects_a_contribution(client, manager):
    client.force_login(manager)

    response = client.post(reverse("partnership:contribution_record"), {
        "year": YEAR, "budget": "ADULTS_BOARD", "partner": "ICB", "organisation_name": "Wessex ICB",
        "amount_gbp": "63734", "in_kind": ""})  # fmt: skip
    assert response.status_code == 302
    item = PartnerContribution.objects.get()
    page = client.get(reverse("partnership:finance")).content.decode()
    assert "£63,734" in page and reverse("partnership:contribution_edit", args=[item.pk]) in page

    stale = client.post(reverse("partnership:contribution_edit", args=[item.pk]), {
        "year": YEAR, "budget": "ADULTS_BOARD", "partner": "ICB", "organisation_name": "Wessex ICB",
        "amount_gbp": "70000", "version": "0"})  # fmt: skip
    assert "Someone else changed this contribution" in stale.content.decode()
    client.post(reverse("partnership:contribution_edit", args=[item.pk]), {
        "year": YEAR, "budget": "ADULTS_BOARD", "partner": "ICB", "organisation_name": "Wessex ICB",
        "amount_gbp": "70000", "version": str(item.version)})  # fmt: skip
    assert PartnerContribution.objects.get().amount_gbp == 70000


def test_finance_form_says_what_is_wrong(client, manager):
    client.force_login(manager)

    response = client.post(reverse("partnership:contribution_record"), {
        "year": "2025", "budget": "ADULTS_BOARD", "partner": "ICB", "organisation_name": "ICB",
        "amount_gbp": "£1,000"})  # fmt: skip

    page = response.content.decode()
    assert "Enter a financial year such as 2025-26" in page
    assert "Enter the contribution as a whole number of pounds" in page
    assert not PartnerContribution.objects.exists()


def test_members_see_the_contributions_but_not_the_forms(client, manager, police_officer):
    _record(manager)
    client.force_login(police_officer)

    page = client.get(reverse("partnership:finance"))
    assert page.status_code == 200 and "£26,353" in page.content.decode()
    assert reverse("partnership:contribution_record") not in page.content.decode()
    assert client.get(reverse("partnership:contribution_record")).status_code == 403


def test_priorities_count_the_work_recorded_against_each(manager, police_officer, police):
    _ = reviews_services.review_refer(by=police_officer, now=IN_YEAR, title="Kai", subject="CHILD", summary="Exploitation.",
                                      learned_at=IN_YEAR, themes=["EXPLOITATION", "SEXUAL_ABUSE", "VOICE"])  # fmt: skip
    course = TrainingCourseFactory(title="CERAF", theme="EXPLOITATION", priority="CSA_EXPLOITATION")
    event = TrainingEventFactory(course=course, starts_at=IN_YEAR)
    TrainingAttendanceFactory(event=event, agency=police, job_role="Officer", attendee_name="Sam Lee")

    rows = {r["priority"]: r for r in yearly.priorities(year=YEAR)}

    exploitation = rows["Child sexual abuse and exploitation"]
    assert (exploitation["referrals"], exploitation["events"], exploitation["trained"]) == (1, 1, 1)  # counted once
    assert rows["Neglect and self-neglect"]["referrals"] == 0


def test_audits_of_the_year_with_their_grades_and_findings(manager, police, hospital, child):
    item = audits_services.audit_plan(title="Neglect audit", tool="NEGLECT", planned_date=date(2026, 1, 12), by=manager,
                                      now=IN_YEAR, agencies=[police, hospital])  # fmt: skip
    audits_services.audit_plan(title="Next year's", tool="CSA", planned_date=date(2026, 5, 1), by=manager, now=IN_YEAR)
    case = AuditCaseFactory(audit=item, person=child, number=1)
    for agency, grade in [(police, "GOOD"), (hospital, "INADEQUATE")]:
        AuditAgencyReturnFactory(case=case, agency=agency, grade=grade, submitted_at=IN_YEAR)
    audits_services.audit_finding_add(audit_item=item, kind="STRENGTH", theme="NEGLECT", text="Good planning.", by=manager,
                                      now=IN_YEAR)  # fmt: skip
    audits_services.audit_finding_add(audit_item=item, kind="IMPROVEMENT", theme="VOICE", text="Dominant voices.",
                                      by=manager, now=IN_YEAR)  # fmt: skip
    audits_services.audit_complete(
        audit_item=item, findings="Mixed.", learning="Briefing issued.", by=manager, now=IN_YEAR
    )

    figures = yearly.audits(year=YEAR)

    (row,) = figures["audits"]
    assert (row["title"], row["month"], row["cases"], row["agencies"], row["returns"]) == (
        "Neglect audit", "January 2026", 1, 2, 2)  # fmt: skip
    assert row["strengths"] == ["Good planning."] and row["improvements"] == ["Dominant voices."]
    assert figures["grades"] == [("Outstanding", 0), ("Good", 1), ("Requires improvement", 0), ("Inadequate", 1)]
    assert figures["completed"] == 1


def test_sub_group_activity_moves_with_the_work_each_group_owns(manager, police_officer):
    def groups() -> dict[str, dict[str, int]]:
        return {g["name"]: dict(g["items"]) for g in yearly.subgroups(year=YEAR, as_of=AS_OF)}

    assert groups()["Practice review group"]["Referrals considered"] == 0
    reviews_services.review_refer(by=police_officer, now=IN_YEAR, title="Jean", subject="ADULT", summary="Self-neglect.",
                                  learned_at=IN_YEAR)  # fmt: skip
    audits_services.audit_plan(title="MSP audit", tool="MSP", planned_date=date(2025, 6, 1), by=manager, now=IN_YEAR)

    after = groups()
    assert after["Practice review group"]["Referrals considered"] == 1
    assert after["Practice and performance improvement group"]["Multi-agency audits"] == 1
    assert after["Practice and performance improvement group"]["Audits completed"] == 0
