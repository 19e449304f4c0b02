"""API: strategy meeting records and enquiry/assessment outcomes shared with the agency.

Reading a record through the API records the agency's read receipt, exactly as opening it in the
browser does, and is audited.
"""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers

from safehub.casework.models import CaseOutcomeShare, RecordShare
from safehub.casework.services import case_outcome_read, record_read
from safehub.exchange.api import SINCE, AgencyView, _since
from safehub.exchange.models import Scope
from safehub.people import policy


class SharedRecordSerializer(serializers.Serializer):
    kind = serializers.CharField()
    id = serializers.IntegerField()
    person_reference = serializers.UUIDField()
    shared_at = serializers.DateTimeField()
    read_at = serializers.DateTimeField(allow_null=True)
    title = serializers.CharField()
    text = serializers.CharField()


class SharedRecordListView(AgencyView):
    """Records shared with your agency (strategy meeting records, enquiry and assessment outcomes)."""

    scopes = {"GET": Scope.RECORDS_READ}
    serializer_class = SharedRecordSerializer

    def get_queryset(self):
        since = _since(self.request)
        user = self.request.user
        meetings = (
            RecordShare.objects.filter(agency_id=self.agency_id)
            .filter(policy.sealed_hidden_q(user, field="meeting__person"))
            .select_related("meeting__person")
        )
        outcomes = (
            CaseOutcomeShare.objects.filter(agency_id=self.agency_id)
            .filter(policy.sealed_hidden_q(user))
            .select_related("person")
        )
        if since:
            meetings, outcomes = meetings.filter(shared_at__gte=since), outcomes.filter(shared_at__gte=since)
        rows = [("strategy_record", s) for s in meetings] + [(o.kind.lower(), o) for o in outcomes]
        return sorted(rows, key=lambda r: (r[1].shared_at, r[1].pk))

    @extend_schema(parameters=[SINCE])
    def get(self, request):
        page = self.paginate_queryset(self.get_queryset())
        now = timezone.now()
        body = []
        for kind, share in page:
            if kind == "strategy_record":
                record_read(share=share, by=request.user, now=now)
                meeting = share.meeting
                body.append(
                    {
                        "kind": kind,
                        "id": share.pk,
                        "person_reference": meeting.person.reference,
                        "shared_at": share.shared_at,
                        "read_at": share.read_at,
                        "title": f"Strategy meeting {meeting.held_at:%d/%m/%Y}: {meeting.get_decision_display()}",
                        "text": meeting.record_text,
                    }
                )
            else:
                case_outcome_read(share=share, by=request.user, now=now, via="api")
                body.append(
                    {
                        "kind": kind,
                        "id": share.pk,
                        "person_reference": share.person.reference,
                        "shared_at": share.shared_at,
                        "read_at": share.read_at,
                        "title": share.get_kind_display(),
                        "text": share.summary,
                    }
                )
        return self.get_paginated_response(SharedRecordSerializer(body, many=True).data)
