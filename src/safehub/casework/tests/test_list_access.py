"""Issue 24, point 2: casework lists show only children the user may open, and audit each one."""

from datetime import UTC, date, datetime, timedelta

import pytest

from safehub.casework import case_selectors, case_services, selectors, services
from safehub.core.models import AuditEvent
from safehub.people import policy
from safehub.testing.factories import AgencyFactory, InvolvementFactory, PersonFactory, SealedAccessFactory, make_user

NOW = datetime(2025, 6, 2, 10, 0, tzinfo=UTC)


@pytest.fixture
def adults(db):
    return AgencyFactory(kind="LA_ADULTS", code="ASC", name="Adult Social Care")


@pytest.fixture
def outsiders(adults):
    partnership = AgencyFactory(kind="PARTNERSHIP", code="HSP", name="Safeguarding Partnership")
    return {
        "adult social worker": make_user("adult.sw", "SOCIAL_WORKER", adults),
        "partnership manager": make_user("partnership", "PARTNERSHIP_MANAGER", partnership),
    }


@pytest.fixture
def children_known_to_csc(front_door):
    sw = make_user("sw", "SOCIAL_WORKER", front_door)
    teen = PersonFactory(date_of_birth=date(2008, 3, 1), given_name="Teen")
    sealed = PersonFactory(date_of_birth=date(2008, 5, 1), given_name="Sealed", sealed=True)
    for person in (teen, sealed):
        InvolvementFactory(person=person, agency=front_door, started_at=NOW - timedelta(days=30))
    services.assessment_start(person=teen, start_date=date(2025, 3, 3), by=sw, now=NOW)  # overdue by June
    return sw, teen, sealed


@pytest.mark.django_db
def test_team_and_transition_lists_show_outsiders_no_child(outsiders, children_known_to_csc):
    _, teen, _ = children_known_to_csc
    for role, user in outsiders.items():
        assert not policy.person_access(user, teen, now=NOW).allowed
        tasks = selectors.tasks_for_user(user=user, now=NOW, team_wide=True)
        transitions = selectors.transitions(user=user, as_of=date(2025, 6, 1))
        assert [t["person"] for t in tasks] == [], role
        assert transitions == [], role


@pytest.mark.django_db
def test_lists_leave_out_sealed_children_unless_named_and_audit_who_was_shown(children_known_to_csc):
    sw, teen, sealed = children_known_to_csc
    rows = selectors.transitions(user=sw, as_of=date(2025, 6, 1), now=NOW)
    assert [r["person"] for r in rows] == [teen]
    assert AuditEvent.objects.filter(actor=sw, person_id=teen.pk, details__list="casework.transitions").exists()
    assert not AuditEvent.objects.filter(person_id=sealed.pk, details__list="casework.transitions").exists()
    SealedAccessFactory(person=sealed, user=sw, granted_at=NOW)
    assert [r["person"] for r in selectors.transitions(user=sw, as_of=date(2025, 6, 1), now=NOW)] == [teen, sealed]
    tasks = selectors.tasks_for_user(user=sw, now=NOW, team_wide=True)
    assert {t["person"].pk for t in tasks} == {teen.pk}
    assert AuditEvent.objects.filter(actor=sw, person_id=teen.pk, details__list="casework.tasks.team").exists()


@pytest.mark.django_db
def test_caseload_shows_only_children_the_user_may_open(front_door, outsiders, children_known_to_csc):
    sw, teen, sealed = children_known_to_csc
    case_services.episode_open(person=teen, referral_date=date(2025, 4, 1), source="6", by=sw, now=NOW)
    episode = case_services.episode_open(person=sealed, referral_date=date(2025, 4, 1), source="6", by=_named(sealed),
                                         now=NOW)  # fmt: skip
    assert episode.worker is None
    unallocated = case_selectors.caseload(user=sw, now=NOW, scope="unallocated")
    assert [r["person_id"] for r in unallocated["rows"]] == [teen.pk]
    assert unallocated["unallocated"] == 1
    for user in outsiders.values():
        assert case_selectors.caseload(user=user, now=NOW, scope="unallocated")["rows"] == []


def _named(person):
    """A children's social worker named on a sealed child's record."""
    from safehub.agencies.models import Agency

    user = make_user("named.sw", "SOCIAL_WORKER", Agency.objects.get(code="CSC"))
    SealedAccessFactory(person=person, user=user, granted_at=NOW)
    return user


@pytest.mark.django_db
def test_the_whole_service_s_tasks_are_counted_ordered_and_paged_in_the_database(children_known_to_csc, front_door):
    """60 assessments and three return interviews either side of their 72 hours: all counted, overdue
    first across kinds, 50 a page, and only the page audited."""
    from safehub.core.calendar import UK
    from safehub.testing.factories import AssessmentFactory, MissingEpisodeFactory

    sw, teen, _ = children_known_to_csc
    today = NOW.astimezone(UK).date()
    midnight = datetime.combine(today, datetime.min.time(), tzinfo=UK)
    kids = []
    for i in range(60):
        kid = PersonFactory(date_of_birth=date(2012, 1, 1))
        InvolvementFactory(person=kid, agency=front_door, started_at=NOW - timedelta(days=30))
        AssessmentFactory(person=kid, start_date=today, due_date=today + timedelta(days=1 + i % 5))  # due, not late
        kids.append(kid)
    late_by_a_second = MissingEpisodeFactory(person=kids[0], ended_at=midnight - timedelta(hours=72, seconds=1),
                                             started_at=midnight - timedelta(hours=80))  # fmt: skip
    on_time = MissingEpisodeFactory(person=kids[1], ended_at=midnight - timedelta(hours=72),
                                    started_at=midnight - timedelta(hours=80))  # fmt: skip
    first = selectors.tasks_page(user=sw, now=NOW, team_wide=True)
    assert first["total"] == 60 + 1 + 2  # and teen's overdue assessment
    kinds = [(t["kind"], t["overdue"]) for t in first["rows"]]
    assert kinds[:2] == [("Assessment due", True), ("Return interview due (72 hours)", True)]  # the older first
    assert ("Return interview due (72 hours)", False) in kinds and len(first["rows"]) == 50
    interviews = {t["person"].pk: t for t in first["rows"] if t["kind"].startswith("Return")}
    assert interviews[late_by_a_second.person_id]["due"] == today - timedelta(days=1)
    assert interviews[on_time.person_id]["due"] == today and not interviews[on_time.person_id]["overdue"]
    second = selectors.tasks_page(user=sw, now=NOW, team_wide=True, page_number=2)
    assert len(second["rows"]) == 13
    dues = [t["due"] for t in first["rows"] + second["rows"] if not t["overdue"]]
    assert dues == sorted(dues)
    shown = set(
        AuditEvent.objects.filter(actor=sw, details__list="casework.tasks.team").values_list("person_id", flat=True)
    )
    assert shown == {t["person"].pk for t in first["rows"] + second["rows"]}
