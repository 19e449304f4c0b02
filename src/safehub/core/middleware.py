from __future__ import annotations

import logging
import time
import uuid

from django.conf import settings
from django.shortcuts import redirect

logger = logging.getLogger("safehub.errors")

ALLOWED_WITHOUT_SECOND_FACTOR = ("/sign-in/", "/sign-out/", "/two-factor/", "/static/", "/api/")


class SessionKeepAliveMiddleware:
    """The idle timeout without a database write on every request.

    A signed-in session's expiry is pushed forward when the user is active, but at most once every
    ``SAFEHUB_SESSION_RENEW_SECONDS`` (60 s): the session then ends between 14 and 15 minutes after
    the last request, instead of costing an UPDATE and a COMMIT on every page view.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is not None and not session.is_empty() and "_auth_user_id" in session:
            now = int(time.time())
            if now - int(session.get("_renewed", 0)) >= settings.SAFEHUB_SESSION_RENEW_SECONDS:
                session["_renewed"] = now  # marks the session modified: SessionMiddleware saves it
        return response


class RequireSecondFactorMiddleware:
    """Outside demo mode, a signed-in user reaches nothing until their second factor is verified."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            settings.SAFEHUB_REQUIRE_2FA
            and user is not None
            and user.is_authenticated
            and not user.is_verified()
            and not request.path.startswith(ALLOWED_WITHOUT_SECOND_FACTOR)
        ):
            return redirect("core:two_factor")
        return self.get_response(request)


class ErrorReferenceMiddleware:
    """Give every unexpected error a reference the user can quote; log the reference, not the data."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        from django.core.exceptions import PermissionDenied
        from django.db import DatabaseError
        from django.http import Http404

        from safehub.core.errors import BreakGlassRequired, StaleEdit, StillPreparing

        if isinstance(exception, BreakGlassRequired):
            return break_glass_response(request, exception.person_id)
        if isinstance(exception, StillPreparing):
            return still_preparing_response(request, exception)
        if isinstance(exception, (PermissionDenied, Http404, StaleEdit)):
            return None
        reference = uuid.uuid4().hex[:10].upper()
        # Only the type and the reference go to the log: messages can carry personal data.
        logger.error(
            "unhandled %s on %s %s ref=%s",
            type(exception).__name__,
            request.method,
            request.resolver_match.view_name if request.resolver_match else "?",
            reference,
        )
        status = 503 if isinstance(exception, DatabaseError) else 500
        return error_response(reference=reference, status=status)


def break_glass_response(request, person_id: int):
    """Send a page that needs break-glass to the break-glass form (or a 403 for the API), never a 500.

    Any view that opens a person through ``person_get_for_user`` may raise ``BreakGlassRequired``;
    answering it here means no page (edit, print, access log, duplicates...) can forget to.
    """
    from django.http import JsonResponse
    from django.urls import reverse
    from django.utils.http import url_has_allowed_host_and_scheme

    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Break-glass access is needed for this record."}, status=403)
    url = reverse("people:break_glass", kwargs={"person_id": person_id})
    target = request.get_full_path()
    if request.method == "GET" and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        from urllib.parse import urlencode

        url = f"{url}?{urlencode({'next': target})}"
    return redirect(url)


def still_preparing_response(request, exception):
    """Answer 503 with ``Retry-After`` while the background work a page needs is under way.

    The page says what is being worked out and about how long it takes, and (with scripts) asks
    again every 15 seconds, swapping itself for the real page once that answers; no timed refresh
    (WCAG 2.2.1). The API gets the same in JSON.
    """
    from django.http import JsonResponse
    from django.template.response import TemplateResponse

    wait = max(15, min(600, round(exception.expected_seconds)))
    if request.path.startswith("/api/"):
        response = JsonResponse(
            {"detail": f"{exception.what[:1].upper()}{exception.what[1:]}: being worked out; try again shortly."},
            status=503,
        )
    else:
        context = {
            "what": exception.what,
            "minutes": max(1, round(exception.expected_seconds / 60)),
            "again": request.get_full_path(),
        }
        response = TemplateResponse(request, "core/preparing.html", context, status=503).render()
    response["Retry-After"] = str(wait)
    return response


def error_response(*, reference: str, status: int):
    """Render the error page without the request: no context processor may touch a failing database."""
    from django.http import HttpResponse
    from django.template.loader import render_to_string

    body = render_to_string("core/error.html", {"reference": reference, "status": status, "database": status == 503})
    response = HttpResponse(body, status=status)
    if status == 503:
        response["Retry-After"] = "30"
    return response


def _strip_nul(value: str) -> str:
    return value.replace("\x00", "")


class StripNullCharactersMiddleware:
    """Remove NUL characters from query strings, form data and headers before anything uses them.

    No person types a NUL; PostgreSQL refuses to store one, so letting it through would turn a
    harmless oddity into a server error half-way through a request.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        for key, value in list(request.META.items()):
            if key.startswith("HTTP_") and isinstance(value, str) and "\x00" in value:
                request.META[key] = _strip_nul(value)
        if "\x00" in request.META.get("QUERY_STRING", "") or "%00" in request.META.get("QUERY_STRING", ""):
            request.GET = _clean_querydict(request.GET)
        if request.method == "POST" and request.content_type in (
            "application/x-www-form-urlencoded",
            "multipart/form-data",
        ):
            request.POST = _clean_querydict(request.POST)
        return self.get_response(request)


def _clean_querydict(data):
    from django.http import QueryDict

    clean = QueryDict(mutable=True)
    for key in data:
        clean.setlist(_strip_nul(key), [_strip_nul(v) if isinstance(v, str) else v for v in data.getlist(key)])
    clean._mutable = False
    return clean
