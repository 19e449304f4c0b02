from django.contrib import admin
from django.urls import include, path, re_path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

urlpatterns = [
    path("", include("safehub.core.urls")),
    path("people/", include("safehub.people.urls")),
    path("agencies/", include("safehub.agencies.urls")),
    path("front-door/", include("safehub.frontdoor.urls")),
    path("casework/", include("safehub.casework.urls")),
    path("looked-after/", include("safehub.lookedafter.urls")),
    path("pathways/", include("safehub.pathways.urls")),
    path("early-help/", include("safehub.earlyhelp.urls")),
    path("adults/", include("safehub.adults.urls")),
    path("partnership/", include("safehub.partnership.urls")),
    path("insight/", include("safehub.insight.urls")),
    path("exchange/", include("safehub.exchange.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/", include("safehub.exchange.api_urls")),
    path("django-admin/", admin.site.urls),
    # GOV.UK Frontend's stylesheet asks for fonts and images under /assets/.
    re_path(r"^assets/(?P<path>.+)$", RedirectView.as_view(url="/static/govuk/assets/%(path)s", permanent=True)),
]
handler403 = "safehub.core.views.forbidden"
handler404 = "safehub.core.views.not_found"
handler500 = "safehub.core.views.server_error"
