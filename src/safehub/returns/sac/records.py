"""The SAC's detail tables read from adult social care's records (what the snapshot does not carry yet).

The return reads adults' records (returns sits above the domain apps); adults does not import returns.
"""

from __future__ import annotations

import pyarrow as pa

from safehub.adults.models import Enquiry, EnquiryRiskLocation, EnquiryRiskSource, SafeguardingConcern
from safehub.core.calendar import uk_date
from safehub.partnership.models import CaseReviewPerson, CaseReviewStageChange, ReviewDecision, ReviewStage
from safehub.returns.sac.writer import DETAIL_SCHEMAS


def sac_details() -> dict:
    """Return the SAC detail tables: locations, sources, advocacy per enquiry; support reason and autism per concern;
    the safeguarding adults reviews and their subjects (SG5).

    Aggregate input for ``returns.sac.writer`` (no one's record is shown, so nothing is audited).
    """

    def table(name: str, rows) -> pa.Table:
        schema = DETAIL_SCHEMAS[name]
        columns: list = list(zip(*rows, strict=True)) if rows else [[] for _ in schema]
        return pa.Table.from_arrays([pa.array(c, f.type) for c, f in zip(columns, schema, strict=True)], schema=schema)

    concerns = SafeguardingConcern.objects.order_by("pk").values_list(
        "pk", "primary_support_reason", "reported_autism", "person__disabilities"
    )
    return {
        "sac_enquiry_locations": table(
            "sac_enquiry_locations",
            list(EnquiryRiskLocation.objects.order_by("enquiry_id", "location").values_list("enquiry_id", "location")),
        ),
        "sac_enquiry_sources": table(
            "sac_enquiry_sources",
            list(EnquiryRiskSource.objects.order_by("enquiry_id", "source").values_list("enquiry_id", "source")),
        ),
        "sac_enquiry_advocacy": table(
            "sac_enquiry_advocacy",
            list(Enquiry.objects.order_by("pk").values_list("pk", "advocate_support")),
        ),
        "sac_concern_support": table(
            "sac_concern_support",
            [(pk, reason, autism, "AUT" in (disabilities or [])) for pk, reason, autism, disabilities in concerns],
        ),
        "sac_reviews": table("sac_reviews", _review_rows()),
    }


def _review_rows() -> list[tuple]:
    """One row per subject of each safeguarding adults review whose report was approved (one, blank, if none linked)."""
    approved: dict[int, object] = {}
    for review_id, at in (
        CaseReviewStageChange.objects.filter(
            to_stage=ReviewStage.APPROVED, review__decision=ReviewDecision.SAR
        ).order_by("review_id", "changed_at", "pk").values_list("review_id", "changed_at")
    ):  # fmt: skip
        approved.setdefault(review_id, uk_date(at))
    subjects: dict[int, list[tuple]] = {}
    for review_id, person_id, harm in (
        CaseReviewPerson.objects.filter(review_id__in=list(approved), role=CaseReviewPerson.Role.SUBJECT)
        .order_by("review_id", "person_id")
        .values_list("review_id", "person_id", "harm")
    ):
        subjects.setdefault(review_id, []).append((person_id, harm))
    rows = []
    for review_id in sorted(approved):
        for person_id, harm in subjects.get(review_id) or [(None, "")]:
            rows.append((review_id, approved[review_id], person_id, harm))
    return rows
