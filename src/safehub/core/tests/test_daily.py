"""``safehub daily``: every app's daily job in one run; a failing job is reported and the rest still run."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from safehub.core import daily, exports
from safehub.core.exports_models import PreparedExport

pytestmark = pytest.mark.django_db
EXPECTED = ["exchange_remind", "exports_prune", "outbox_prune", "partnership_chase", "retention_scan"]


def _run(*args) -> str:
    out = io.StringIO()
    call_command("daily", *args, stdout=out)
    return out.getvalue()


def test_every_app_s_daily_job_is_listed():
    assert _run("--list").split() == EXPECTED


def test_a_daily_run_removes_an_expired_export_and_says_what_each_job_did(police_officer):
    old = exports.export_request(
        user=police_officer, kind="frontdoor.police_timeliness", parameters={}, now=timezone.now() - timedelta(days=2)
    )
    said = _run().splitlines()
    assert [line.split(":")[0] for line in said] == EXPECTED
    assert "exports_prune: 1 expired exports removed" in said
    assert not PreparedExport.objects.filter(pk=old.pk).exists()


def test_one_failing_job_does_not_stop_the_others_and_the_run_fails(monkeypatch):
    def broken(now):
        raise RuntimeError("the mail relay is down")

    monkeypatch.setitem(daily._jobs, "exchange_remind", broken)
    out = io.StringIO()
    with pytest.raises(CommandError, match="1 daily job\\(s\\) failed: exchange_remind"):
        call_command("daily", stdout=out)
    lines = out.getvalue().splitlines()
    assert "exchange_remind: failed: the mail relay is down" in lines
    assert len(lines) == len(EXPECTED)  # the four after it still ran


def test_an_unknown_job_is_a_one_line_error():
    with pytest.raises(CommandError, match="no daily job called nightly"):
        _run("--only", "nightly")
    assert _run("--only", "outbox_prune").startswith("outbox_prune: 0 delivered events removed")
