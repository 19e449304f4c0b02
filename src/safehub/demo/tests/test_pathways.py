from __future__ import annotations

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from safehub.pathways import selectors
from safehub.pathways.models import LadoCase, MaracLink, PrivateFostering

pytestmark = pytest.mark.django_db


def test_the_demo_seeds_once_and_keeps_lado_cases_to_the_team_and_the_named(settings, tmp_path):
    settings.DATA_DIR = tmp_path / "var"
    out = io.StringIO()
    call_command("seed_demo", scale=0.002, seed=7, years=2, only=["agencies", "people", "pathways"], stdout=out)
    assert "LADO referrals" in out.getvalue()
    cases = LadoCase.objects.count()
    assert cases >= 12 and PrivateFostering.objects.count() >= 4
    assert all(link.dash_score >= 14 or link.professional_judgement for link in MaracLink.objects.all())
    call_command("seed_demo", scale=0.002, seed=7, years=2, only=["pathways"], stdout=out)
    assert LadoCase.objects.count() == cases  # idempotent
    users = get_user_model().objects
    now = timezone.now()
    assert selectors.lado_case_list(user=users.get(username="demo.lado"), now=now)["total"] > 0
    outsider = users.get(username="demo.socialworker")
    named_on = LadoCase.objects.filter(named__user=outsider, closed_at__isnull=True).count()
    assert selectors.lado_case_list(user=outsider, now=now)["total"] == named_on
