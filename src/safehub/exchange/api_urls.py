from django.urls import path

from safehub.exchange import api, api_records

urlpatterns = [
    path("contacts/", api.ContactCreateView.as_view(), name="api-contacts"),
    path("outcomes/", api.OutcomeListView.as_view(), name="api-outcomes"),
    path("notifications/", api.NotificationListView.as_view(), name="api-notifications"),
    path(
        "notifications/<int:pk>/acknowledge/",
        api.NotificationAcknowledgeView.as_view(),
        name="api-notification-acknowledge",
    ),
    path("webhooks/", api.WebhookListView.as_view(), name="api-webhooks"),
    path("shared-records/", api_records.SharedRecordListView.as_view(), name="api-shared-records"),
]
