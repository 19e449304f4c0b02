from __future__ import annotations

from django.conf import settings
from django.contrib.auth import authenticate, login, logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from safehub.core import membership, selectors, viewutils
from safehub.core.forms import AuditSearchForm, SignInForm, TokenForm
from safehub.core.identity import enrolment, oidc
from safehub.core.identity.forms import EnrolmentLinkForm
from safehub.core.models import AuditAction
from safehub.core.registry import app_modules
from safehub.core.roles_home import home_panels


def _safe_next(request, target: str) -> str:
    return target if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}) else ""


@require_http_methods(["GET", "POST"])
def sign_in(request):
    form = SignInForm(request.POST or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        user = authenticate(request, username=form.cleaned_data["username"], password=form.cleaned_data["password"])
        if user is not None:
            login(request, user)
            target = _safe_next(request, request.GET.get("next", ""))
            if settings.SAFEHUB_REQUIRE_2FA:
                # An enrolment link opened before signing in is where the user was going.
                if target.startswith(reverse("core:two_factor")):
                    return redirect(target)
                return redirect("core:two_factor")
            return redirect(target or "core:home")
        error = "The username or password is not right"
    return render(
        request,
        "core/sign_in.html",
        {
            "form": form,
            "error": error,
            "oidc_provider": oidc.provider_name() if oidc.enabled() else "",
            "next": _safe_next(request, request.GET.get("next", "")),
            "demo_users": _demo_users() if settings.DEMO_MODE else [],
        },
    )


def _demo_users():
    return membership.demo_sign_ins()


@require_POST
def sign_out(request):
    logout(request)
    return redirect("core:sign_in")


def _pending_enrolment(request) -> TOTPDevice | None:
    """The authenticator this session is setting up through a redeemed enrolment link, if any."""
    pending = request.session.get(enrolment.PENDING_SESSION_KEY)
    if not isinstance(pending, dict):
        return None
    return TOTPDevice.objects.filter(pk=pending.get("device"), user=request.user, confirmed=False).first()


@login_required
@require_http_methods(["GET", "POST"])
def two_factor(request):
    """Verify a TOTP code; set up an authenticator only in a session that redeemed an enrolment link."""
    pending = _pending_enrolment(request)
    device = pending or TOTPDevice.objects.filter(user=request.user, confirmed=True).first()
    if device is None:
        # No authenticator and no enrolment link: knowing the password is not enough to enrol one.
        return render(
            request, "core/two_factor.html", {"needs_link": True, "link_hours": settings.SAFEHUB_ENROLMENT_LINK_HOURS}
        )
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["token"]
        now = timezone.now()
        if pending is not None:
            accepted = enrolment.totp_enrolment_confirm(device=pending, code=code, by=request.user, now=now)
        else:
            accepted = device.verify_token(code)
        if accepted:
            request.session.pop(enrolment.PENDING_SESSION_KEY, None)
            otp_login(request, device)
            target = _safe_next(request, request.GET.get("next", ""))
            return redirect(target or "core:home")
        form.add_error("token", "That code is not right or has expired: try the current code")
    context = {"form": form, "enrolling": pending is not None}
    if pending is not None:
        import base64
        import io

        import qrcode
        import qrcode.image.svg

        img = qrcode.make(pending.config_url, image_factory=qrcode.image.svg.SvgPathImage)
        buf = io.BytesIO()
        img.save(buf)
        context["qr_data_uri"] = "data:image/svg+xml;base64," + base64.b64encode(buf.getvalue()).decode()
        context["secret"] = base64.b32encode(pending.bin_key).decode()
    return render(request, "core/two_factor.html", context)


_LINK_PROBLEMS = {
    "unknown": "This enrolment link is not right. Check you copied all of it, or ask your administrator for a new one.",
    "used": "This enrolment link has already been used. Ask your administrator for a new one.",
    "replaced": "A newer enrolment link has been issued for your account: use that one, or ask your administrator for a new one.",
    "expired": "This enrolment link has expired. Ask your administrator for a new one.",
    "other_user": "This enrolment link is for a different account. Sign out, then sign in as the person it was issued to.",
}


@require_http_methods(["GET", "POST"])
def enrol(request, token: str):
    """Open an enrolment link: after signing in, confirm, and a fresh authenticator is set up."""
    if not request.user.is_authenticated:
        from django.contrib.auth.views import redirect_to_login

        return redirect_to_login(request.get_full_path())
    now = timezone.now()
    try:
        if request.method == "POST":
            device = enrolment.enrolment_link_redeem(
                token=token, by=request.user, now=now, ip_address=request.META.get("REMOTE_ADDR")
            )
            request.session[enrolment.PENDING_SESSION_KEY] = {"device": device.pk}
            return redirect("core:two_factor")
        enrolment.enrolment_link_check(token=token, user=request.user, now=now)
    except enrolment.EnrolmentLinkInvalid as refused:
        return render(request, "core/enrol.html", {"problem": _LINK_PROBLEMS[refused.reason]}, status=403)
    return render(request, "core/enrol.html", {"username": request.user.get_username()})


@login_required
@require_http_methods(["GET", "POST"])
def enrolment_links(request):
    """Administrators issue one-time enrolment links; the link is shown once, on this page."""
    from safehub.core import policy

    if not policy.can(request.user, enrolment.ISSUE_PERMISSION):
        raise PermissionDenied
    now = timezone.now()
    form = EnrolmentLinkForm(request.POST or None)
    issued = None
    if request.method == "POST" and form.is_valid():
        user = enrolment.user_for_enrolment(form.cleaned_data["username"])
        if user is None:
            form.add_error("username", "There is no Safehub account with that username")
        elif not user.is_active:
            form.add_error("username", "That account is switched off")
        else:
            link, token = enrolment.enrolment_link_issue(user=user, by=request.user, now=now)
            issued = {
                "username": user.get_username(),
                "url": request.build_absolute_uri(reverse("core:enrol", kwargs={"token": token})),
                "expires_at": link.expires_at,
            }
            form = EnrolmentLinkForm()
    return render(
        request,
        "core/enrolment_links.html",
        {"form": form, "issued": issued, "links": enrolment.enrolment_links_recent(user=request.user, now=now)},
    )


@login_required
def home(request):
    return render(request, "core/home.html", {"panels": home_panels(request.user, now=timezone.now())})


@login_required
def audit_search_view(request):
    form = AuditSearchForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    qs = selectors.audit_search(user=request.user, **{k: v for k, v in filters.items() if v not in (None, "")})
    listing = viewutils.listing(request, qs, sorts={
        "at": ("When", "at"), "user": ("User", ["actor_username", "-at"]), "agency": ("Agency", ["agency__name", "-at"]),
        "action": ("Action", ["action", "-at"]), "record": ("Record", ["object_type", "object_id"]),
    }, default="at", descending=True)  # fmt: skip
    page = listing.page
    rows = [
        {
            "at": e.at,
            "user": e.actor_username,
            "agency": e.agency.name if e.agency else "",
            "action": e.get_action_display(),
            "object": f"{e.object_type}:{e.object_id}" if e.object_type else "",
            "person_id": e.person_id,
            "reason": e.reason,
            "flagged": e.flagged,
        }
        for e in page.object_list
    ]
    return render(
        request,
        "core/audit_search.html",
        {"form": form, "rows": rows, "page": page, "listing": listing, "actions": AuditAction.choices},
    )


@login_required
def security_review(request):
    """Break-glass access (each app's ``<app>/security.py``, found by the registry) and core's alerts."""
    context: dict = {"grants": []}
    for module in app_modules("security"):
        context.update(module.security_review(user=request.user))
    context["alerts"] = list(selectors.security_alerts(user=request.user)[:200])
    return render(request, "core/security_review.html", context)


def forbidden(request, exception=None):
    return render(request, "core/forbidden.html", status=403)


def not_found(request, exception=None):
    return render(request, "core/not_found.html", status=404)


def server_error(request):
    """Last-resort handler (e.g. an error in middleware): a reference, and no database access."""
    import logging
    import sys
    import uuid

    from django.db import DatabaseError

    from safehub.core.middleware import error_response

    reference = uuid.uuid4().hex[:10].upper()
    exc = sys.exc_info()[1]
    logging.getLogger("safehub.errors").error("unhandled %s ref=%s", type(exc).__name__, reference)
    return error_response(reference=reference, status=503 if isinstance(exc, DatabaseError) else 500)
