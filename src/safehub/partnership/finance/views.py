"""Pages for partner contributions: thin views, one domain call each; templates get plain data."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from safehub.core import policy
from safehub.core.errors import StaleEdit
from safehub.core.viewutils import add_service_errors
from safehub.partnership.finance import forms, selectors, services
from safehub.partnership.pages import form_page


@login_required
def finance(request):
    years = selectors.finance_years()[:3]
    return render(
        request,
        "partnership/finance.html",
        {
            "years": selectors.contribution_list(user=request.user, years=years),
            "can_manage": policy.can(request.user, "partnership.manage"),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def contribution_record(request, contribution_id: int | None = None):
    policy.require(request.user, "partnership.manage")
    item = selectors.contribution_get(user=request.user, contribution_id=contribution_id) if contribution_id else None
    initial = (
        {
            "year": item.year,
            "budget": item.budget,
            "partner": item.partner,
            "organisation_name": item.organisation_name,
            "amount_gbp": item.amount_gbp,
            "in_kind": item.in_kind,
            "version": item.version,
        }
        if item
        else {}
    )
    form = forms.ContributionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version", None)
        try:
            services.contribution_record(
                by=request.user, now=timezone.now(), contribution=item, version=version, **data
            )
        except StaleEdit:
            form.add_error(None, "Someone else changed this contribution since you opened it. Reload and try again.")
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Contribution saved")
            return redirect("partnership:finance")
    return form_page(
        request,
        form,
        title="Change a contribution" if item else "Record a partner contribution",
        back_url=reverse("partnership:finance"),
        back_label="Finance",
    )
