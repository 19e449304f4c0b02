from django.contrib import admin
from django.urls import include, path, re_path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from safehub.casework import urls as casework_urls
from safehub.exchange import urls as exchange_urls
from safehub.lookedafter import urls as lookedafter_urls
from safehub.returns.annex_a import urls as annex_a_urls
from safehub.returns.cin_census import urls as cin_census_urls
from safehub.returns.ssda903 import urls as ssda903_urls

# A return's check page is the returns package's own (returns reads the apps, never the reverse);
# it keeps its address and URL name beside the pages of the records it checks.
casework_pages = (casework_urls.urlpatterns + cin_census_urls.urlpatterns, casework_urls.app_name)
lookedafter_pages = (lookedafter_urls.urlpatterns + ssda903_urls.urlpatterns, lookedafter_urls.app_name)
exchange_pages = (exchange_urls.urlpatterns + annex_a_urls.urlpatterns, exchange_urls.app_name)

urlpatterns = [
    path("", include("safehub.core.urls")),
    path("people/", include("safehub.people.urls")),
    path("agencies/", include("safehub.agencies.urls")),
    path("front-door/", include("safehub.frontdoor.urls")),
    path("casework/", include(casework_pages)),
    path("looked-after/", include(lookedafter_pages)),
    path("pathways/", include("safehub.pathways.urls")),
    path("early-help/", include("safehub.earlyhelp.urls")),
    path("adults/", include("safehub.adults.urls")),
    path("partnership/", include("safehub.partnership.urls")),
    path("insight/", include("safehub.insight.urls")),
    path("exchange/", include(exchange_pages)),
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
