"""The task worker lowers its own priority when it starts a task; callers running a task inline do not."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django_tasks.backends.immediate import ImmediateBackend

from safehub.core.tasks_priority import BACKGROUND_NICENESS, lower_priority

WORKER = """
import os, django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safehub.config.settings")
django.setup()
from django_tasks.signals import task_started
from django_tasks_db.backend import DatabaseBackend
from safehub.core.tasks_priority import lower_priority
assert any(key[0] == "safehub.tasks.lower_priority" for key, *_ in task_started.receivers)
before = os.getpriority(os.PRIO_PROCESS, 0)
first = lower_priority(sender=DatabaseBackend)
middle = os.getpriority(os.PRIO_PROCESS, 0)
second = lower_priority(sender=DatabaseBackend)
print(first, second, before, middle, os.getpriority(os.PRIO_PROCESS, 0))
"""


def test_a_queue_worker_drops_to_background_priority_once(tmp_path) -> None:
    if os.getpriority(os.PRIO_PROCESS, 0) >= BACKGROUND_NICENESS:
        pytest.skip("the suite itself runs at background priority (nice): nothing to lower")
    env = dict(os.environ, SAFEHUB_DATA_DIR=str(tmp_path))
    env.pop("DATABASE_URL", None)
    out = subprocess.run([sys.executable, "-c", WORKER], env=env, capture_output=True, text=True, check=True)
    first, second, *levels = out.stdout.split()[-5:]
    before, middle, after = (int(x) for x in levels)
    assert (first, second) == ("True", "False")
    assert before < BACKGROUND_NICENESS
    assert middle == after == BACKGROUND_NICENESS  # a second task does not lower it further


def test_a_task_run_inline_keeps_the_callers_priority() -> None:
    before = os.getpriority(os.PRIO_PROCESS, 0)
    assert lower_priority(sender=ImmediateBackend) is False
    assert os.getpriority(os.PRIO_PROCESS, 0) == before
