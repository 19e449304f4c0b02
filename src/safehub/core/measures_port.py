"""The partnership's measures as the apps beneath insight read them, without importing insight.

``insight`` reads every domain app's records to build its snapshot, so a domain app that shows
measures (the adults measures page) cannot import insight back: that would close an import cycle
(issue 17.5). Instead ``InsightConfig.ready()`` registers here what it offers, and the domain apps
ask through these functions:

- ``values_for_year(year)``: every measure's value for a financial year and when the snapshot they
  were counted from was built;
- ``records_changed()``: a write whose figures must show at once (an adult's concern or enquiry)
  asks for a fresh snapshot once its transaction commits.

Without insight installed there are no measures (``MeasuresUnavailable``) and nothing to refresh.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction


class MeasuresUnavailable(RuntimeError):
    """No app provides the measures (insight is not installed)."""


@dataclass(frozen=True)
class MeasuresSource:
    values_for_year: Callable[[str], tuple[dict[str, int | float | None], datetime]]
    records_changed: Callable[[], None]


_source: MeasuresSource | None = None


def register(source: MeasuresSource) -> None:
    global _source
    _source = source


def values_for_year(year: str) -> tuple[dict[str, int | float | None], datetime]:
    """Return (every measure's value for the year, when the figures were counted)."""
    if _source is None:
        raise MeasuresUnavailable("the measures are provided by the insight app, which is not installed")
    return _source.values_for_year(year)


def records_changed() -> None:
    """Once the caller's transaction commits, have the measures counted again from the records."""
    if _source is not None:
        transaction.on_commit(_source.records_changed)
