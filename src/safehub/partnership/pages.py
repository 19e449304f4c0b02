"""View helpers every partnership page shares: the form page, the manager's form action, list filtering and paging."""

from __future__ import annotations

from datetime import date, datetime, time

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone

from safehub.core import policy, viewutils
from safehub.core.calendar import UK
from safehub.core.viewutils import add_service_errors


def moment(day: date, now: datetime) -> datetime:
    """A date typed into a form as a moment: now for today, otherwise 09:00 UK time that day."""
    return now if day >= now.astimezone(UK).date() else datetime.combine(day, time(9), tzinfo=UK)


def form_page(
    request,
    form,
    *,
    title: str,
    back: int | None = None,
    intro: str = "",
    status: int = 200,
    button: str = "Save",
    back_url: str = "",
    back_label: str = "Back",
    points: list[str] | None = None,
    points_title: str = "",
):
    """``back``: the review the page links back to; ``back_url``: any other page (none: no back link).

    ``points``: a bulleted list shown above the form (e.g. the weaknesses a recommendation answers).
    """
    return render(
        request,
        "partnership/form.html",
        {
            "form": form,
            "title": title,
            "back": back,
            "back_url": back_url,
            "back_label": back_label,
            "intro": intro,
            "button": button,
            "points": points or [],
            "points_title": points_title,
        },
        status=status,
    )


def manager_form(request, form, *, act, done: str, title: str, **page):
    """Run one partnership-manager action from a form page: refuse others, keep what was typed on errors.

    ``act(data, now)`` calls the one service and returns the address to go to next.
    """
    policy.require(request.user, "partnership.manage")
    if request.method == "POST" and form.is_valid():
        try:
            target = act(form.cleaned_data, timezone.now())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            if done:
                messages.success(request, done)
            return redirect(target)
    return form_page(request, form, title=title, **page)


def matching(rows: list[dict], q: str, *fields: str) -> list[dict]:
    """The rows whose named fields contain every word typed (any case)."""
    words = q.casefold().split()
    if not words:
        return rows
    return [r for r in rows if all(any(w in str(r.get(f) or "").casefold() for f in fields) for w in words)]


def listed(request, rows: list[dict], *fields: str, sorts, default: str, descending: bool = False) -> dict:
    """Filter by ``?q=`` over the fields, then sort and page: the context every partnership list shares."""
    q = request.GET.get("q", "").strip()
    listing = viewutils.listing(request, matching(rows, q, *fields), sorts=sorts, default=default,
                                descending=descending)  # fmt: skip
    return {"listing": listing, "page": listing.page, "q": q}


def open_filter(request, rows: list[dict]) -> list[dict]:
    state = request.GET.get("state", "")
    if state in ("open", "resolved"):
        return [r for r in rows if r["open"] == (state == "open")]
    return rows
