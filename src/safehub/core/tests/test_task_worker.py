"""A task worker killed with SIGKILL: queued work is done after restart, and work it was in the
middle of is re-queued by ``safehub tasks_recover`` (tasks are idempotent)."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[4]


def _run(env, *args, timeout=300):
    return subprocess.run(
        [sys.executable, "-m", "safehub", *args], env=env, cwd=ROOT, capture_output=True, text=True, timeout=timeout
    )


def _statuses(env) -> list[str]:
    out = _run(
        env,
        "shell",
        "-c",
        "from django_tasks_db.models import DBTaskResult; "
        "print(','.join(sorted(DBTaskResult.objects.values_list('status', flat=True))))",
    )
    return out.stdout.strip().splitlines()[-1].split(",")


def test_killed_worker_loses_no_queued_work(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "SAFEHUB_TASKS_IMMEDIATE")}
    env.update(
        {
            "DATABASE_URL": f"sqlite:///{tmp_path / 'tasks.sqlite3'}",
            "SAFEHUB_DEMO": "1",
            "DJANGO_SETTINGS_MODULE": "safehub.config.settings",
            "SAFEHUB_DATA_DIR": str(tmp_path),
        }
    )
    assert _run(env, "migrate", "--noinput", "-v0").returncode == 0
    enqueue = _run(
        env,
        "shell",
        "-c",
        "from safehub.governance.tasks import retention_scan_task\nfor _ in range(5): retention_scan_task.enqueue()",
    )
    assert enqueue.returncode == 0, enqueue.stderr
    # Simulate the worst moment: a worker took a task and died in the middle of it.
    _run(
        env,
        "shell",
        "-c",
        "from django_tasks_db.models import DBTaskResult; from django.utils import timezone; "
        "from datetime import timedelta; t = DBTaskResult.objects.order_by('enqueued_at').first(); "
        "DBTaskResult.objects.filter(pk=t.pk).update(status='RUNNING', started_at=timezone.now() - "
        "timedelta(hours=1), worker_ids=['dead-worker'])",
    )
    worker = subprocess.Popen(
        [sys.executable, "-m", "safehub", "db_worker", "--interval", "0.1", "--no-startup-delay"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    time.sleep(1.0)
    os.kill(worker.pid, signal.SIGKILL)  # the worker dies without any chance to clean up
    worker.wait(timeout=30)
    assert "RUNNING" in _statuses(env)
    recovered = _run(env, "tasks_recover", "--stale-seconds", "0")  # the worker is dead: nothing is running
    assert recovered.returncode == 0 and "re-queued" in recovered.stdout
    finish = _run(env, "db_worker", "--batch", "--no-startup-delay")
    assert finish.returncode == 0, finish.stderr
    assert _statuses(env) == ["SUCCESSFUL"] * 5
