"""API shapes. Serializers only check and shape data; the front-door services do the work."""

from __future__ import annotations

from rest_framework import serializers

from safehub.core.codes import ReferralSource
from safehub.exchange.models import WebhookEvent
from safehub.frontdoor.models import Consent, LawfulBasis, Urgency
from safehub.people.models import Ethnicity, Sex


class ChildInSerializer(serializers.Serializer):
    family_name = serializers.CharField(max_length=100, help_text="The child's family name, or 'Not known'")
    given_name = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    date_of_birth = serializers.DateField(required=False, allow_null=True, default=None)
    sex = serializers.ChoiceField(choices=Sex.choices, required=False, default=Sex.UNKNOWN)
    ethnicity = serializers.ChoiceField(choices=Ethnicity.choices, required=False, default=Ethnicity.NOBT)
    child_voice = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)
    voice_not_recorded_reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)
    postcode = serializers.CharField(required=False, allow_blank=True, default="", max_length=8)


class ContactInSerializer(serializers.Serializer):
    # what ChildInSerializer(many=True, min_length=1, max_length=20) builds, spelt out for type checkers
    children: serializers.ListSerializer = serializers.ListSerializer(
        child=ChildInSerializer(), min_length=1, max_length=20
    )
    # declared fields are taken off the class by DRF's metaclass, so this does not shadow Field.source
    source = serializers.ChoiceField(choices=ReferralSource.choices)  # type: ignore[assignment]
    received_at = serializers.DateTimeField()
    summary = serializers.CharField(max_length=10000)
    consent = serializers.ChoiceField(choices=Consent.choices)
    lawful_basis = serializers.ChoiceField(choices=LawfulBasis.choices, required=False, allow_blank=True, default="")
    presenting_concerns = serializers.ListField(
        child=serializers.CharField(max_length=4),
        min_length=1,
        max_length=40,
        help_text="CIN census factor codes, e.g. 3A (at least one: the front door requires it)",
    )
    urgency = serializers.ChoiceField(choices=Urgency.choices, required=False, default=Urgency.STANDARD)
    referrer_name = serializers.CharField(max_length=120, required=False, allow_blank=True, default="")
    referrer_role = serializers.CharField(max_length=120, required=False, allow_blank=True, default="")
    referrer_contact_details = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    police_reference = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    incident_recorded_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    high_risk = serializers.BooleanField(required=False, default=False)
    domestic_abuse_incident = serializers.BooleanField(required=False, default=False)
    police_grade = serializers.ChoiceField(
        choices=["BLUE", "GREEN", "AMBER", "RED"],
        required=False,
        allow_blank=True,
        default="",
        help_text="The officer's BRAG risk grade on the Public Protection Notice",
    )
    police_grade_rationale = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")
    police_unit = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")


class ContactOutSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    family_ref = serializers.UUIDField()
    child_name = serializers.CharField(source="child_display_name")
    received_at = serializers.DateTimeField()
    status = serializers.CharField()
    decision_due_at = serializers.DateTimeField()


class OutcomeOutSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    contact_id = serializers.IntegerField()
    family_ref = serializers.UUIDField(source="contact.family_ref")
    child_name = serializers.CharField(source="contact.child_display_name")
    contact_received_at = serializers.DateTimeField(source="contact.received_at")
    outcome = serializers.SerializerMethodField()
    outcome_label = serializers.SerializerMethodField()
    shared_at = serializers.DateTimeField()
    read_at = serializers.DateTimeField(allow_null=True)

    def _decision(self, obj):
        return getattr(obj.contact, "decision", None)

    def get_outcome(self, obj) -> str:
        decision = self._decision(obj)
        return decision.outcome if decision else ""

    def get_outcome_label(self, obj) -> str:
        decision = self._decision(obj)
        return decision.get_outcome_display() if decision else ""


class NotificationOutSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    child_name = serializers.CharField(source="person.display_name")
    child_date_of_birth = serializers.DateField(source="person.date_of_birth", allow_null=True)
    incident_at = serializers.DateTimeField()
    due_at = serializers.DateTimeField()
    delivered_at = serializers.DateTimeField(allow_null=True)
    acknowledged_at = serializers.DateTimeField(allow_null=True)
    summary = serializers.CharField()


class WebhookInSerializer(serializers.Serializer):
    url = serializers.URLField(max_length=500)
    events = serializers.ListField(
        child=serializers.ChoiceField(choices=WebhookEvent.choices), min_length=1, max_length=5
    )


class WebhookOutSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    url = serializers.URLField()
    events = serializers.ListField(child=serializers.CharField())
    is_active = serializers.BooleanField()
    created_at = serializers.DateTimeField()


class WebhookCreatedSerializer(WebhookOutSerializer):
    secret = serializers.CharField(help_text="Shown once: verify X-Safehub-Signature (HMAC-SHA256 of the body)")


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(required=False)
    # a declared field (taken off the class by DRF's metaclass), not the Serializer.errors property
    errors = serializers.DictField(  # type: ignore[assignment]
        child=serializers.ListField(child=serializers.CharField()), required=False
    )
