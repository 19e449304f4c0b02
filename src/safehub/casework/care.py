"""The looked-after app's part of a child's case, handed to casework at start-up.

Periods of care are the looked-after app's records: its SSDA903 episodes, reviews and health
assessments hang off casework's ``LookedAfterEpisode``, so the app sits above casework and
casework never imports it. ``LookedAfterConfig.ready()`` registers here what the case needs from
it: the forms of the care actions on the child's page, the services those actions call (one
timetable of reviews and health assessments, ``lookedafter.rules``), and the reads the task list
and the child's page show.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import ImproperlyConfigured


@dataclass(frozen=True)
class CareHooks:
    action_forms: dict[str, type]  # "cla_start", "cla_end", "cla_review": the child page's care forms
    care_start: Callable[..., Any]  # (person, start_date, legal_status, category_of_need, place, provider, ...)
    open_period: Callable[..., Any]  # (person) -> the open period of care, or ValidationError
    care_end: Callable[..., Any]  # (period, on, reason, reason_place_change, by, now)
    review_held: Callable[..., Any]  # (person, held_date, participation, by, now) -> the review recorded
    health_assessment_done: Callable[..., Any]  # (person, completed_date, by, now) -> the assessment recorded
    reviews_due: Callable[[date], Any]  # reviews due by a day (a queryset with ``person``)
    health_assessments_due: Callable[[date], Any]  # health assessments due by a day (a queryset)
    history: Callable[..., dict]  # (person) -> {"cla_reviews": [...], "health_assessments": [...]}


_hooks: CareHooks | None = None


def care_hooks_register(hooks: CareHooks | None) -> None:
    """Hand casework the looked-after app's part of the case (``LookedAfterConfig.ready()``)."""
    global _hooks  # noqa: PLW0603 - the one hook, set once at start-up
    _hooks = hooks


def care_hooks() -> CareHooks:
    """The looked-after app's part of the case; it is an installed app, so a missing one is a setup error."""
    if _hooks is None:
        raise ImproperlyConfigured("safehub.lookedafter is not installed: casework's care actions need it")
    return _hooks
