"""The outbox page: failed and dead-lettered event deliveries, with their error and a retry button."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from safehub.core import outbox, viewutils
from safehub.core.outbox_models import OutboxStatus


@login_required
@require_http_methods(["GET", "POST"])
def outbox_page(request):
    """List failed and dead-lettered deliveries (administrators only); POST retries one of them."""
    problems = outbox.outbox_problems_for_user(user=request.user)  # refuses anyone but an administrator
    if request.method == "POST":
        raw = request.POST.get("delivery", "")
        try:
            delivery = outbox.outbox_delivery_retry(
                delivery_id=int(raw) if raw.isdigit() else -1, by=request.user, now=timezone.now()
            )
        except outbox.OutboxRetryRefused as exc:
            messages.error(request, str(exc).capitalize())
        else:
            messages.success(request, f"Event delivery {delivery.pk} queued to be tried again")
        return redirect("core:outbox")
    listing = viewutils.listing(request, problems, sorts={
        "created": ("Event raised", "event__created_at"), "event": ("Event", ["event__name", "-event__created_at"]),
        "handler": ("Subscriber", ["handler", "-event__created_at"]), "status": ("State", ["status", "-event__created_at"]),
        "tried": ("Last tried", "last_attempt_at"),
    }, default="tried", descending=True)  # fmt: skip
    rows = [
        {
            "pk": d.pk,
            "event": d.event.name,
            "event_id": d.event_id,
            "payload": ", ".join(f"{k} {v}" for k, v in sorted(d.event.payload.items()) if k != "url"),
            "created_at": d.event.created_at,
            "handler": d.handler,
            "dead": d.status == OutboxStatus.DEAD,
            "status": d.get_status_display(),
            "attempts": d.attempts,
            "last_attempt_at": d.last_attempt_at,
            "next_attempt_at": d.next_attempt_at,
            "error": d.last_error,
        }
        for d in listing.page.object_list
    ]
    return render(
        request,
        "core/outbox.html",
        {
            "rows": rows,
            "page": listing.page,
            "listing": listing,
            "counts": outbox.outbox_counts_for_user(user=request.user),
            "max_attempts": outbox.MAX_ATTEMPTS,
        },
    )
