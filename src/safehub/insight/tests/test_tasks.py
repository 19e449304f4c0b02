"""The report build is queued through the hook the app hands to the services (no services -> tasks import)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from safehub.insight import services, tasks
from safehub.insight.models import ReportBuild
from safehub.testing.factories import AgencyFactory, make_user

NOW = datetime(2025, 5, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def partnership_manager(db):
    return make_user("pm.user", "PARTNERSHIP_MANAGER", AgencyFactory(kind="PARTNERSHIP", code="PM"))


def test_the_app_wires_the_build_requester_to_the_task_queue():
    assert services.build_requester == tasks.build_yearly_report.enqueue


def test_a_build_request_is_queued_once_the_transaction_commits(
    partnership_manager, monkeypatch, django_capture_on_commit_callbacks
):
    queued: list[int] = []
    monkeypatch.setattr(services, "build_requester", queued.append)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        build = services.report_build_request(year="2024-25", by=partnership_manager, now=NOW)
    assert queued == []  # nothing is queued before the build row is committed

    for callback in callbacks:
        callback()
    assert queued == [build.pk]
    assert ReportBuild.objects.get(pk=build.pk).message == "Waiting to start"
