"""The analyst's SSDA903 pre-submission page (under ``/looked-after/``, URL name ``lookedafter:ssda903_check``).

The page is the return's own: the looked-after app keeps the records the return reads, the
return owns the check and its page. ``config.urls`` mounts ``returns.ssda903.urls`` beside the
looked-after pages, so the address and URL name did not change when the page moved here.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone

from safehub.core import audit, policy
from safehub.core.calendar import financial_year
from safehub.returns.ssda903 import check, selectors
from safehub.returns.ssda903.command import la_ons_code
from safehub.returns.ssda903.validator import ValidatorUnavailable
from safehub.returns.ssda903.writer import last_whole_year

RETURNS = "insight.returns"
PAGE_SIZE = 50


@login_required
def ssda903_check(request):
    """The analyst's pre-submission page: the last check's findings per child, paged; POST checks again."""
    policy.require(request.user, RETURNS)
    now = timezone.now()
    year = request.POST.get("year") or request.GET.get("year") or last_whole_year(now)
    try:
        financial_year(year)
    except (ValueError, IndexError):
        messages.error(request, f"{year!r} is not a collection year such as 2025-26")
        year = last_whole_year(now)
    if request.method == "POST":
        try:
            check.check_now(year, la_code=la_ons_code(), now=now)
            messages.success(request, f"The SSDA903 return for {year} has been checked")
        except ValidatorUnavailable as exc:
            messages.error(request, str(exc))
        return redirect(f"{request.path}?year={year}")
    data = check.load(year)
    rows = selectors.presubmission_rows(user=request.user, data=data, now=now) if data else []
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    shown = [r["person_id"] for r in page.object_list if r["person_id"]]
    audit.record_list(actor=request.user, person_ids=shown, at=now, view="SSDA903 pre-submission check")
    return render(
        request,
        "returns/ssda903_check.html",
        {"year": year, "data": data, "page": page, "children": len(rows), "request": request},
    )
