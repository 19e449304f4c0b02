"""Pages for section 11 and section 175 self-assessments: thin views, one domain call each; templates get plain data."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from safehub.core import policy
from safehub.core.viewutils import add_service_errors
from safehub.partnership.pages import form_page, listed, manager_form
from safehub.partnership.self_assessment import forms, selectors, services


@login_required
def cycle_list(request):
    return render(
        request,
        "partnership/cycles.html",
        {
            **listed(
                request,
                selectors.cycle_list(user=request.user),
                "kind",
                "year",
                sorts={
                    "kind": ("Self-assessment", "kind"),
                    "cycle_year": ("Year", "cycle_year"),
                    "due": ("Due", "due"),
                    "submitted": ("Returned", "submitted"),
                },
                default="due",
                descending=True,
            ),
            "can_manage": policy.can(request.user, "partnership.manage"),
        },  # fmt: skip
    )


@login_required
@require_http_methods(["GET", "POST"])
def cycle_open(request):
    def act(data, now):
        cycle = services.cycle_open(by=request.user, now=now, **data)
        return reverse("partnership:cycle_detail", args=[cycle.pk])

    return manager_form(
        request,
        forms.CycleForm(request.POST or None),
        act=act,
        done="Self-assessment opened; the agencies can now complete their returns",
        title="Open a self-assessment",
        button="Open the self-assessment",
        back_url=reverse("partnership:cycles"),
        back_label="All self-assessments",
    )


@login_required
def cycle_detail(request, cycle_id: int):
    cycle = selectors.cycle_get(user=request.user, cycle_id=cycle_id)
    return render(
        request,
        "partnership/cycle_detail.html",
        selectors.cycle_detail(user=request.user, cycle=cycle, now=timezone.now()),
    )


@login_required
@require_http_methods(["GET", "POST"])
def return_edit(request, return_id: int):
    sa_return = selectors.return_get(user=request.user, return_id=return_id)
    standards = sa_return.cycle.standards
    initial = {}
    for r in sa_return.ratings.all():
        initial[f"rating_{r.standard}"], initial[f"evidence_{r.standard}"] = r.rating, r.evidence
    form = forms.SelfAssessmentForm(request.POST or None, standards=standards, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.self_assessment_submit(
                sa_return=sa_return,
                ratings={code: (data[f"rating_{code}"], data[f"evidence_{code}"]) for code, _ in standards},
                by=request.user,
                now=timezone.now(),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Self-assessment submitted")
            return redirect("partnership:cycle_detail", cycle_id=sa_return.cycle_id)
    return form_page(
        request,
        form,
        title=f"{sa_return.cycle.get_kind_display()} {sa_return.cycle.year}: {sa_return.agency.name}",
        intro=sa_return.cycle.get_cycle_year_display(),
        button="Submit",
    )
