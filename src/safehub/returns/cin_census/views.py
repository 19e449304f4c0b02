"""The analyst's CIN census pre-submission check page (under ``/casework/``, URL name ``casework:census_check``).

The page is the return's own: casework keeps the case records it reads (``CensusCheck``), the
return owns the check, its page and its task. ``config.urls`` mounts ``returns.cin_census.urls``
beside casework's pages, so the address and URL name did not change when the page moved here.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from safehub.core import policy
from safehub.core.calendar import financial_year_label, financial_year_start, uk_date
from safehub.returns.cin_census import check as census_check


@login_required
@require_http_methods(["GET", "POST"])
def census_check_view(request):
    """The analyst's CIN census pre-submission check: run the DfE rules, list the errors per child."""
    now = timezone.now()
    policy.require(request.user, census_check.PERMISSION)
    last_whole_year = financial_year_label(financial_year_start(uk_date(now)) - 1)
    if request.method == "POST":
        year = (request.POST.get("year") or "").strip()
        try:
            census_check.census_check_request(year=year, by=request.user, now=now)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, f"The check of the {year} census has started: this page shows it when done")
        return redirect("casework:census_check")
    try:
        check_id = int(request.GET["check"]) if request.GET.get("check") else None
        page = int(request.GET.get("page") or 1)
    except ValueError:
        raise Http404 from None
    context = census_check.census_check_page(
        user=request.user, now=now, check_id=check_id, show=request.GET.get("show", "errors"), page=page
    )
    if check_id is not None and context["check"] is None:
        raise Http404
    return render(request, "returns/cin_census_check.html", {**context, "default_year": last_whole_year})
