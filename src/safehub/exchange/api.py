"""The agency API: push contacts, pull what is shared with the agency, manage webhooks.

Each request is made by an agency system with a token (exchange.auth): it acts as the token's
service-account user (so the front-door services apply that user's role) and only for the token's
agency; each endpoint needs a scope on the token.
"""

from __future__ import annotations

from datetime import UTC

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import permissions, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from safehub.core import audit
from safehub.core.errors import IdempotencyConflict
from safehub.exchange import selectors, serializers, webhooks
from safehub.exchange.models import ApiToken, Scope, WebhookSubscription
from safehub.frontdoor import services as frontdoor_services
from safehub.frontdoor.models import Contact, EducationNotification
from safehub.frontdoor.services import ChildEntry
from safehub.people import policy


class AgencyTokenScheme(OpenApiAuthenticationExtension):
    target_class = "safehub.exchange.auth.AgencyTokenAuthentication"
    name = "agencyToken"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer", "description": "An agency API token: Authorization: Bearer shb_..."}


class HasScope(permissions.BasePermission):
    """Only agency tokens, and only with the view's scope for this method."""

    message = "This token does not have the scope this endpoint needs"

    def has_permission(self, request, view) -> bool:
        token = request.auth
        if not isinstance(token, ApiToken):
            self.message = "Use an agency API token (Authorization: Bearer ...)"
            return False
        scope = view.scopes.get(request.method)
        return bool(scope) and token.has_scope(scope)


SINCE = OpenApiParameter("since", OpenApiTypes.DATETIME, description="Only items after this time (ISO 8601)")


def _since(request):
    raw = request.query_params.get("since")
    if not raw:
        return None
    from django.utils.dateparse import parse_datetime

    try:
        value = parse_datetime(raw)
    except ValueError:
        value = None
    if value is None:
        raise ApiValidationError({"since": ["Give an ISO 8601 date and time, e.g. 2025-04-01T00:00:00Z"]})
    value = value if timezone.is_aware(value) else timezone.make_aware(value)
    offset = value.utcoffset()
    if value.year < 1900 or value.year > 9000 or (offset is not None and abs(offset.total_seconds()) > 14 * 3600):
        raise ApiValidationError({"since": ["Give a real date and time between 1900 and 9000, with a real time zone"]})
    return value.astimezone(UTC)


def _errors(exc: ValidationError) -> dict:
    return (
        {"errors": exc.message_dict} if hasattr(exc, "error_dict") else {"errors": {"non_field_errors": exc.messages}}
    )


class AgencyView(GenericAPIView):
    permission_classes = [HasScope]
    scopes: dict[str, str] = {}

    @property
    def agency_id(self) -> int:
        token = self.request.auth
        assert isinstance(token, ApiToken)  # HasScope admits only agency tokens
        return token.agency_id


class ContactCreateView(AgencyView):
    """Push a contact about one child or a family of children to the front door."""

    scopes = {"POST": Scope.CONTACTS_WRITE}
    serializer_class = serializers.ContactInSerializer

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "Idempotency-Key",
                str,
                OpenApiParameter.HEADER,
                description="Repeat a request safely: the same key returns the contacts first made",
            )
        ],
        responses={
            201: serializers.ContactOutSerializer(many=True),
            200: serializers.ContactOutSerializer(many=True),
            400: serializers.ErrorSerializer,
            403: serializers.ErrorSerializer,
            422: serializers.ErrorSerializer,
        },
    )
    def post(self, request):
        data = self.get_serializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        children = [ChildEntry(**child) for child in values.pop("children")]
        key = (request.headers.get("Idempotency-Key") or "").strip()[:80]
        repeated = bool(key) and Contact.objects.filter(idempotency_key=key, created_by=request.user).exists()
        try:
            contacts = frontdoor_services.contact_record(
                by=request.user, now=timezone.now(), children=children, idempotency_key=key, **values
            )
        except ValidationError as exc:
            return Response(_errors(exc), status=status.HTTP_400_BAD_REQUEST)
        except IdempotencyConflict as exc:
            return Response({"detail": str(exc)}, status=status.HTTP_422_UNPROCESSABLE_ENTITY)
        except DjangoPermissionDenied as exc:
            raise PermissionDenied(str(exc)) from exc
        body = serializers.ContactOutSerializer(contacts, many=True).data
        return Response(body, status=status.HTTP_200_OK if repeated else status.HTTP_201_CREATED)


class OutcomeListView(AgencyView):
    """Outcomes of contacts shared with your agency; reading them records the read receipt."""

    scopes = {"GET": Scope.OUTCOMES_READ}
    serializer_class = serializers.OutcomeOutSerializer

    def get_queryset(self):
        return selectors.outcomes_for_agency_api(agency_id=self.agency_id, since=_since(self.request)).filter(
            policy.sealed_hidden_q(self.request.user, field="contact__person")
        )

    @extend_schema(parameters=[SINCE])
    def get(self, request):
        page = self.paginate_queryset(self.get_queryset())
        now = timezone.now()
        with transaction.atomic():
            for share in page:
                if share.read_at is None:
                    frontdoor_services.outcome_share_read(share=share, by=request.user, now=now)
            # Every read is audited, not only the first (the receipt): later reads are reads too.
            audit.record_list(
                actor=request.user, person_ids=[s.contact.person_id for s in page], at=now, view="api outcomes"
            )
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class NotificationListView(AgencyView):
    """Education (Operation Encompass) notifications for your setting."""

    scopes = {"GET": Scope.NOTIFICATIONS_READ}
    serializer_class = serializers.NotificationOutSerializer

    def get_queryset(self):
        return selectors.notifications_for_agency_api(agency_id=self.agency_id, since=_since(self.request)).filter(
            policy.sealed_hidden_q(self.request.user)
        )

    @extend_schema(parameters=[SINCE])
    def get(self, request):
        page = self.paginate_queryset(self.get_queryset())
        with transaction.atomic():
            audit.record_list(
                actor=request.user, person_ids=[n.person_id for n in page], at=timezone.now(), view="api notifications"
            )
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class NotificationAcknowledgeView(AgencyView):
    """Acknowledge a notification (the setting has seen it and will support the child)."""

    scopes = {"POST": Scope.NOTIFICATIONS_WRITE}
    serializer_class = serializers.NotificationOutSerializer

    @extend_schema(
        request=None,
        responses={
            200: serializers.NotificationOutSerializer,
            403: serializers.ErrorSerializer,
            404: serializers.ErrorSerializer,
        },
    )
    def post(self, request, pk: int):
        notification = (
            EducationNotification.objects.filter(pk=pk, setting_id=self.agency_id).select_related("person").first()
        )
        if notification is None:
            return Response({"detail": "Not found."}, status=status.HTTP_404_NOT_FOUND)
        try:
            notification = frontdoor_services.notification_acknowledge(
                notification=notification, by=request.user, now=timezone.now()
            )
        except DjangoPermissionDenied as exc:
            raise PermissionDenied(str(exc)) from exc
        return Response(self.get_serializer(notification).data)


class WebhookListView(AgencyView):
    """Your agency's webhook subscriptions (events: record.shared, notification.created)."""

    scopes = {"GET": Scope.WEBHOOKS_MANAGE, "POST": Scope.WEBHOOKS_MANAGE}
    serializer_class = serializers.WebhookInSerializer

    def get_queryset(self):
        return WebhookSubscription.objects.filter(agency_id=self.agency_id, is_active=True).order_by("pk")

    @extend_schema(responses=serializers.WebhookOutSerializer(many=True))
    def get(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(serializers.WebhookOutSerializer(page, many=True).data)

    @extend_schema(responses={201: serializers.WebhookCreatedSerializer, 400: serializers.ErrorSerializer})
    def post(self, request):
        data = self.get_serializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            subscription, secret = webhooks.webhook_subscribe(
                agency=request.auth.agency,
                url=data.validated_data["url"],
                events=data.validated_data["events"],
                by=request.user,
                now=timezone.now(),
            )
        except ValidationError as exc:
            return Response(_errors(exc), status=status.HTTP_400_BAD_REQUEST)
        body = serializers.WebhookOutSerializer(subscription).data | {"secret": secret}
        return Response(body, status=status.HTTP_201_CREATED)
