from __future__ import annotations

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from safehub.earlyhelp import selectors
from safehub.earlyhelp.models import EarlyHelpEpisode, SpecialistAttachment
from safehub.people import policy

pytestmark = pytest.mark.django_db


def test_the_demo_seeds_once_with_a_working_day_caseload(settings, tmp_path):
    settings.DATA_DIR = tmp_path / "var"
    out = io.StringIO()
    stages = ["agencies", "people", "frontdoor", "casework", "earlyhelp"]
    call_command("seed_demo", scale=0.01, seed=7, years=2, only=stages, stdout=out)
    assert "early help episodes" in out.getvalue()
    episodes = EarlyHelpEpisode.objects.count()
    assert episodes > 20
    assert not EarlyHelpEpisode.objects.filter(closure_reason="STEP_UP", stepped_up_referral__isnull=True).exists()
    call_command("seed_demo", scale=0.01, seed=7, years=2, only=["earlyhelp"], stdout=out)
    assert EarlyHelpEpisode.objects.count() == episodes  # idempotent

    users = get_user_model().objects
    now = timezone.now()
    worker = users.get(username="demo.earlyhelp")
    mine = selectors.caseload(user=worker, now=now, scope="mine")
    assert 0 < mine["total"] <= 20
    for row in mine["rows"]:  # the list never shows a family the worker cannot open
        assert policy.person_access(worker, EarlyHelpEpisode.objects.get(pk=row["id"]).person, now=now).allowed
    for attachment in SpecialistAttachment.objects.select_related("specialist"):
        assert policy.person_access(attachment.specialist, attachment.person, now=now).allowed
