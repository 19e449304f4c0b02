"""Pages for escalations: thin views, one domain call each; templates get plain data."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from safehub.core import policy
from safehub.core.viewutils import add_service_errors
from safehub.partnership.escalations import forms, selectors, services
from safehub.partnership.pages import form_page, listed, open_filter


@login_required
def escalation_list(request):
    return render(
        request,
        "partnership/escalations.html",
        {
            **listed(
                request,
                open_filter(request, selectors.escalation_list(user=request.user, now=timezone.now())),
                "raised_by",
                "raised_with",
                "concern",
                sorts={
                    "raised": ("Raised", "raised"),
                    "raised_by": ("By", "raised_by"),
                    "raised_with": ("With", "raised_with"),
                    "stage": ("Stage", "stage"),
                    "outcome": ("Outcome", "outcome"),
                    "days": ("Working days", "working_days"),
                },
                default="raised",
                descending=True,
            ),
            "state": request.GET.get("state", ""),
            "can_raise": policy.can(request.user, "partnership.contribute"),
        },  # fmt: skip
    )


@login_required
@require_http_methods(["GET", "POST"])
def escalation_raise(request):
    policy.require(request.user, "partnership.contribute")
    form = forms.EscalationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.escalation_raise(by=request.user, now=timezone.now(), **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Escalation recorded at stage 1")
            return redirect("partnership:escalations")
    return form_page(request, form, title="Raise a professional difference", button="Record")


@login_required
@require_http_methods(["GET", "POST"])
def escalation_detail(request, escalation_id: int):
    item = selectors.escalation_get(user=request.user, escalation_id=escalation_id)
    form = forms.EscalationResolveForm(request.POST or None)
    if request.method == "POST":
        try:
            if request.POST.get("escalate"):
                services.escalation_escalate(escalation=item, by=request.user, now=timezone.now())
                messages.success(request, f"Escalated to stage {item.stage}")
                return redirect("partnership:escalations")
            if form.is_valid():
                services.escalation_resolve(
                    escalation=item,
                    outcome=form.cleaned_data["outcome"],
                    note=form.cleaned_data["note"],
                    by=request.user,
                    now=timezone.now(),
                )
                messages.success(request, "Escalation resolved")
                return redirect("partnership:escalations")
        except ValidationError as exc:
            add_service_errors(form, exc)
    return render(request, "partnership/escalation_detail.html", {"item": item, "form": form})
