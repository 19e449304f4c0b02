import functools

from django.conf import settings
from django.urls import NoReverseMatch, get_script_prefix, reverse

from safehub.core import policy
from safehub.core.membership import membership_for_user

# (label, url name, permission)
NAVIGATION = [
    ("Home", "core:home", None),
    ("People", "people:search", "people.search"),
    ("MASH queue", "frontdoor:queue", "frontdoor.queue"),
    ("New contact", "frontdoor:contact_new", "frontdoor.contact_create"),
    ("Health requests", "frontdoor:health_queue", "frontdoor.health_request_answer"),
    ("Notifications", "frontdoor:notifications", "frontdoor.notification_acknowledge"),
    ("Timeliness", "frontdoor:police_timeliness", "frontdoor.police_timeliness"),
    ("Casework", "casework:overview", "casework.overview"),
    ("Looked after", "lookedafter:list", "casework.overview"),
    ("Pathways", "pathways:home", "pathways.lado_refer"),
    ("Early help", "earlyhelp:home", "pathways.record"),
    ("Adults", "adults:home", "adults.decide"),
    ("Partnership", "partnership:home", "partnership.view"),
    ("Insight", "insight:home", "insight.view"),
    ("Data returns", "exchange:home", "exchange.submit"),
    ("Audit", "core:audit_search", "audit.search"),
]


@functools.cache
def _navigation_urls(script_prefix: str) -> tuple[tuple[str, str, str | None], ...]:
    """(label, url, permission) for the menu, reversed once per process: every page shows the menu,
    and the URLconf does not change while the process runs."""
    urls = []
    for label, name, perm in NAVIGATION:
        try:
            urls.append((label, reverse(name), perm))
        except NoReverseMatch:
            continue
    return tuple(urls)


def shell(request):
    user = getattr(request, "user", None)
    membership = membership_for_user(user) if user is not None else None
    nav = []
    if membership is not None:
        for label, url, perm in _navigation_urls(get_script_prefix()):
            if perm is None or policy.can(user, perm):
                nav.append({"label": label, "url": url, "active": request.path == url})
    return {"membership": membership, "navigation": nav, "demo_mode": settings.DEMO_MODE}
