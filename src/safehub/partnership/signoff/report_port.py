"""What the sign-off workflow needs from the yearly report, provided by the insight app.

Insight builds the report from every app's records, partnership's included, so partnership cannot
import insight back (an import cycle, issue 17.5). ``InsightConfig.ready()`` registers here the
report's sections, their texts for a year and the latest finished build; the workflow asks these
functions. Without insight there is no report to sign off (``ReportUnavailable``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any


class ReportUnavailable(RuntimeError):
    """No app provides the yearly report (insight is not installed)."""


@dataclass(frozen=True)
class ReportSource:
    section_choices: Callable[[], list[tuple[str, str]]]  # (key, title) in the report's order
    section_texts: Callable[[str], dict[str, Any]]  # year -> {key: section with text, is_placeholder, updated_at}
    latest_build_since: Callable[[str, datetime], Any]  # (year, moment) -> finished build with output_dir, or None


_source: ReportSource | None = None


def register(source: ReportSource) -> None:
    global _source
    _source = source


def _get() -> ReportSource:
    if _source is None:
        raise ReportUnavailable("the yearly report is provided by the insight app, which is not installed")
    return _source


def section_choices() -> list[tuple[str, str]]:
    return _get().section_choices()


def section_texts(year: str) -> dict[str, Any]:
    return _get().section_texts(year)


def latest_build_since(year: str, since: datetime):
    return _get().latest_build_since(year, since)
