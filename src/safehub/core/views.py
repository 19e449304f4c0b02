from __future__ import annotations

from django.conf import settings
from django.contrib.auth import authenticate, login, logout
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from safehub.core import selectors
from safehub.core.forms import AuditSearchForm, SignInForm, TokenForm
from safehub.core.models import AuditAction
from safehub.core.roles_home import home_panels


@require_http_methods(["GET", "POST"])
def sign_in(request):
    form = SignInForm(request.POST or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        user = authenticate(request, username=form.cleaned_data["username"], password=form.cleaned_data["password"])
        if user is not None:
            login(request, user)
            target = request.GET.get("next", "")
            if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
                target = ""
            if settings.SAFEHUB_REQUIRE_2FA:
                return redirect("core:two_factor")
            return redirect(target or "core:home")
        error = "The username or password is not right"
    return render(
        request,
        "core/sign_in.html",
        {"form": form, "error": error, "demo_users": _demo_users() if settings.DEMO_MODE else []},
    )


def _demo_users():
    from safehub.agencies.models import Membership

    return list(
        Membership.objects.filter(user__username__startswith="demo.")
        .select_related("agency", "user")
        .order_by("role")
        .values_list("user__username", "role", "agency__name")[:20]
    )


@require_POST
def sign_out(request):
    logout(request)
    return redirect("core:sign_in")


@login_required
@require_http_methods(["GET", "POST"])
def two_factor(request):
    """Verify a TOTP code, or enrol a first authenticator app and verify it."""
    device = TOTPDevice.objects.filter(user=request.user, confirmed=True).first()
    enrolling = device is None
    if enrolling:
        device = TOTPDevice.objects.filter(user=request.user, confirmed=False).first() or TOTPDevice.objects.create(
            user=request.user, name="Authenticator app", confirmed=False
        )
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            if enrolling:
                device.confirmed = True
                device.save(update_fields=["confirmed"])
            otp_login(request, device)
            return redirect("core:home")
        form.add_error("token", "That code is not right or has expired: try the current code")
    context = {"form": form, "enrolling": enrolling}
    if enrolling:
        import base64
        import io

        import qrcode
        import qrcode.image.svg

        img = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage)
        buf = io.BytesIO()
        img.save(buf)
        context["qr_data_uri"] = "data:image/svg+xml;base64," + base64.b64encode(buf.getvalue()).decode()
        context["secret"] = base64.b32encode(device.bin_key).decode()
    return render(request, "core/two_factor.html", context)


@login_required
def home(request):
    return render(request, "core/home.html", {"panels": home_panels(request.user, now=timezone.now())})


@login_required
def audit_search_view(request):
    form = AuditSearchForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    qs = selectors.audit_search(user=request.user, **{k: v for k, v in filters.items() if v not in (None, "")})
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
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
        request, "core/audit_search.html", {"form": form, "rows": rows, "page": page, "actions": AuditAction.choices}
    )


@login_required
def security_review(request):
    from safehub.people.selectors import break_glass_for_review

    grants = list(break_glass_for_review(user=request.user)[:200])
    alerts = list(selectors.security_alerts(user=request.user)[:200])
    return render(request, "core/security_review.html", {"grants": grants, "alerts": alerts})


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
