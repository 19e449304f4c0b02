from django.conf import settings

from safehub.agencies.selectors import membership_for_user
from safehub.core import policy

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
    ("Adults", "adults:home", "adults.decide"),
    ("Partnership", "partnership:home", "partnership.view"),
    ("Insight", "insight:home", "insight.view"),
    ("Data returns", "exchange:home", "exchange.submit"),
    ("Audit", "core:audit_search", "audit.search"),
]


def shell(request):
    user = getattr(request, "user", None)
    membership = membership_for_user(user) if user is not None else None
    nav = []
    if membership is not None:
        from django.urls import NoReverseMatch, reverse

        for label, name, perm in NAVIGATION:
            if perm is None or policy.can(user, perm):
                try:
                    url = reverse(name)
                except NoReverseMatch:
                    continue
                nav.append({"label": label, "url": url, "active": request.path == url})
    return {"membership": membership, "navigation": nav, "demo_mode": settings.DEMO_MODE}
