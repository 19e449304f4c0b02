"""Issue 18: the census covers every child-in-need episode open in the year, with or without a referral."""

from __future__ import annotations

import xml.etree.ElementTree as ET  # noqa: S405 - parses only files these tests wrote
from datetime import UTC, date, datetime, timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from safehub.casework import case_services
from safehub.casework.census import census_children
from safehub.casework.models import CaseEpisode, CaseStage, ClosureReason
from safehub.frontdoor.models import Referral
from safehub.people.models import Involvement
from safehub.testing.factories import PersonFactory, make_user

NOW = datetime(2026, 5, 6, 10, 0, tzinfo=UTC)
pytestmark = pytest.mark.django_db


def _imported(person, referral_date: date, closure_date: date | None = None) -> CaseEpisode:
    """A child-in-need episode as an Annex A List 6 import writes it: no List 3 referral behind it."""
    return CaseEpisode.objects.create(
        person=person, referral_date=referral_date, referral_source="", primary_need="N1",
        stage=CaseStage.CLOSED if closure_date else CaseStage.CHILD_IN_NEED, closure_date=closure_date,
        closure_reason=ClosureReason.RC1 if closure_date else "", opened_at=NOW,
    )  # fmt: skip


@pytest.fixture
def referred(front_door):
    worker = make_user("sw.census.children", "SOCIAL_WORKER", front_door)
    child = PersonFactory(date_of_birth=date(2015, 1, 5))
    Involvement.objects.create(person=child, agency=front_door, kind="CASE_HOLDER", started_at=NOW - timedelta(500))
    referral = Referral.objects.create(person=child, referral_date=date(2025, 6, 2), source="6")
    case_services.episode_open(
        person=child, referral=referral, referral_date=date(2025, 6, 2), source="6", by=worker, now=NOW
    )
    return child


def test_every_episode_open_in_the_year_makes_a_census_child(referred):
    before_the_year = PersonFactory(date_of_birth=date(2012, 9, 1))
    _imported(before_the_year, date(2023, 5, 1), closure_date=date(2025, 4, 1))  # closed on 1 April: in
    gone = PersonFactory(date_of_birth=date(2012, 9, 1))
    _imported(gone, date(2023, 5, 1), closure_date=date(2025, 3, 31))  # closed the day before: out
    later = PersonFactory(date_of_birth=date(2012, 9, 1))
    _imported(later, date(2026, 4, 1))  # referred after the year: out

    ids = census_children(start=date(2025, 4, 1), end=date(2026, 3, 31))

    assert ids == sorted([referred.pk, before_the_year.pk])


def test_an_imported_episode_without_a_referral_is_in_the_census(referred, tmp_path: Path):
    imported = PersonFactory(date_of_birth=date(2013, 3, 9))
    _imported(imported, date(2025, 5, 12))
    xml = tmp_path / "cin.xml"

    call_command("returns", "cin", "--year", "2025-26", "--output", str(xml), "--no-validate",
                 stdout=StringIO(), stderr=StringIO())  # fmt: skip

    children = ET.parse(xml).getroot().findall("Children/Child")  # noqa: S314 - our own file
    ids = {c.findtext("ChildIdentifiers/LAchildID") for c in children}
    assert ids == {str(referred.pk), str(imported.pk)}
    dates = {c.findtext("CINdetails/CINreferralDate") for c in children}
    assert "2025-05-12" in dates


def test_an_enquiry_whose_conference_was_before_the_year_is_left_out_though_written_up_after(referred, tmp_path):
    """Rule 8715: the initial conference date must fall in the year; the conference ends the enquiry."""
    from safehub.casework.models import Section47

    episode = CaseEpisode.objects.get(person=referred)
    CaseEpisode.objects.filter(pk=episode.pk).update(referral_date=date(2025, 3, 14))
    Section47.objects.create(
        person=referred, episode=episode, strategy_date=date(2025, 3, 15), icpc_due_date=date(2025, 4, 4),
        icpc_date=date(2025, 3, 31), completed_date=date(2025, 4, 4), outcome="SUBSTANTIATED_ICPC",
    )  # fmt: skip
    Section47.objects.create(
        person=referred, episode=episode, strategy_date=date(2025, 3, 20), icpc_due_date=date(2025, 4, 9),
        icpc_date=date(2025, 4, 1), completed_date=date(2025, 4, 1), outcome="SUBSTANTIATED_ICPC",
    )  # fmt: skip
    xml = tmp_path / "cin.xml"

    call_command("returns", "cin", "--year", "2025-26", "--output", str(xml), "--no-validate",
                 stdout=StringIO(), stderr=StringIO())  # fmt: skip

    conferences = [e.text for e in ET.parse(xml).getroot().iter("DateOfInitialCPC")]  # noqa: S314 - our own file
    assert conferences == ["2025-04-01"]
