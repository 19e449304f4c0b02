"""The partnership's daily jobs, run together by ``safehub daily`` (one line in cron or a systemd timer).

Each app registers its own from ``AppConfig.ready()``; core does not import them. Every job is
idempotent (safe to run twice a day, or again after a failure), runs in its own transaction and
says in one line what it did, so one failing job neither stops the others nor hides its error.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction

log = logging.getLogger(__name__)

Job = Callable[[datetime], str]  # job(now) -> one line saying what it did
_jobs: dict[str, Job] = {}


@dataclass(frozen=True)
class JobResult:
    name: str
    ok: bool
    said: str


def register(name: str, job: Job) -> None:
    """Register a daily job under a short, stable name (call from ``AppConfig.ready``)."""
    if name in _jobs and _jobs[name] is not job:
        raise ValueError(f"daily job {name!r} is already registered")
    _jobs[name] = job


def names() -> list[str]:
    return sorted(_jobs)


def run(*, now: datetime, only: list[str] | None = None) -> list[JobResult]:
    """Run the daily jobs (``only`` those named), each in its own transaction; return what each said."""
    unknown = sorted(set(only or []) - set(_jobs))
    if unknown:
        raise ValueError(f"no daily job called {', '.join(unknown)} (there are: {', '.join(names())})")
    results = []
    for name in names():
        if only and name not in only:
            continue
        try:
            with transaction.atomic():
                said = _jobs[name](now)
        except Exception as exc:
            log.exception("daily job %s failed", name)
            results.append(JobResult(name, False, f"failed: {exc}"))
        else:
            results.append(JobResult(name, True, said))
    return results
