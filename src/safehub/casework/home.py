from __future__ import annotations

from datetime import datetime

from safehub.casework.models import CaseOutcomeShare, RecordShare, StrategyMeeting
from safehub.core import policy


def home_panels(user, *, now: datetime) -> list[dict]:
    panels = []
    membership = policy.membership_for_user(user)
    if policy.can(user, "casework.overview"):
        overdue = StrategyMeeting.objects.filter(record_approved_at__isnull=True, record_share_due_at__lt=now).count()
        panels.append(
            {
                "title": "Casework tasks",
                "url_name": "casework:overview",
                "figure": overdue,
                "alert": overdue > 0,
                "text": "Strategy records not yet shared in time; assessments and conferences due.",
            }
        )
        panels.append(
            {
                "title": "Transitional safeguarding",
                "url_name": "casework:transitions",
                "text": "Young people aged 16 to 25 moving from children's to adults' services.",
            }
        )
    if policy.can(user, "insight.returns"):
        panels.append(
            {
                "title": "CIN census check",
                "url_name": "casework:census_check",
                "text": "Run the DfE rules on the child in need census before you submit it; errors listed per child.",
            }
        )
    if membership is not None and membership.agency.kind != "LA_CHILDREN":
        unread = (
            RecordShare.objects.filter(agency_id=membership.agency_id, read_at__isnull=True).count()
            + CaseOutcomeShare.objects.filter(agency_id=membership.agency_id, read_at__isnull=True).count()
        )
        panels.append(
            {
                "title": "Records shared with your agency",
                "url_name": "casework:shared",
                "figure": unread,
                "alert": unread > 0,
                "text": "Strategy meeting records and enquiry outcomes not yet read.",
            }
        )
    return panels
