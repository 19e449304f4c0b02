"""The yearly report's sections, texts and builds, as the partnership's sign-off reads them
(``partnership.signoff.report_port``, registered in ``InsightConfig.ready()``)."""

from __future__ import annotations

from datetime import datetime

from safehub.insight.models import BuildStatus, ReportBuild, ReportSection, ReportSectionKey
from safehub.partnership.signoff.report_port import ReportSource


def _section_choices() -> list[tuple[str, str]]:
    return [(key.value, key.label) for key in ReportSectionKey]


def _section_texts(year: str) -> dict[str, ReportSection]:
    return {s.key: s for s in ReportSection.objects.filter(year=year)}


def _latest_build_since(year: str, since: datetime) -> ReportBuild | None:
    return (
        ReportBuild.objects.filter(year=year, status=BuildStatus.DONE, requested_at__gte=since)
        .order_by("-requested_at", "-pk")
        .first()
    )


SOURCE = ReportSource(
    section_choices=_section_choices, section_texts=_section_texts, latest_build_since=_latest_build_since
)
