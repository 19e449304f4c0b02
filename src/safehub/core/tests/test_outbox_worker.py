"""The task worker of django-tasks' database backend (what ``make run`` starts) delivers the outbox
after commit and schedules a failed delivery's retry as a deferred task."""

import os

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from safehub.core import events, outbox
from safehub.core.models import OutboxDelivery, OutboxEvent, OutboxStatus


@pytest.fixture
def database_tasks(settings, monkeypatch):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    # The worker runs in this test's process: its drop to background priority (core.tasks_priority)
    # would outlive the test and slow, and change, every later test in this process.
    monkeypatch.setattr(os, "setpriority", lambda *args: None)


@pytest.mark.django_db(transaction=True)
def test_the_worker_delivers_after_commit_and_defers_a_failed_delivery(database_tasks):
    with transaction.atomic():
        events.publish("record.shared", agency_id=1, kind="outcome", id=1)
        assert not DBTaskResult.objects.exists()  # nothing is queued before the commit
    queued = DBTaskResult.objects.get()
    assert queued.task_path == "safehub.core.outbox.deliver_outbox" and queued.status == "READY"
    # A delivery to a subscriber no process has registered: it must fail and be scheduled again.
    row = OutboxEvent.objects.create(
        name="record.shared", payload={"agency_id": 1, "kind": "outcome", "id": 2, "url": ""}, created_at=timezone.now()
    )
    gone = OutboxDelivery.objects.create(event=row, handler="nobody.listens", next_attempt_at=timezone.now())
    outbox.deliveries_enqueue([gone.pk])

    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)

    announced = OutboxDelivery.objects.get(handler="exchange.webhooks")
    assert (announced.status, announced.attempts) == (OutboxStatus.DELIVERED, 1)
    gone.refresh_from_db()
    assert (gone.status, gone.attempts) == (OutboxStatus.FAILED, 1)
    assert "no subscriber named 'nobody.listens'" in gone.last_error
    [retry] = DBTaskResult.objects.filter(status="READY")
    assert retry.args_kwargs == {"args": [gone.pk], "kwargs": {}} and retry.run_after == gone.next_attempt_at
