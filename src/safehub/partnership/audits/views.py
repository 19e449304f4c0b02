"""Pages for multi-agency case audits: thin views, one domain call each; templates get plain data."""

from __future__ import annotations

import secrets

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from safehub.core import policy
from safehub.core.viewutils import add_service_errors
from safehub.partnership.audits import forms, selectors, services
from safehub.partnership.models import (
    AuditCase,
)
from safehub.partnership.pages import form_page, listed, manager_form


@login_required
def audit_list(request):
    return render(
        request,
        "partnership/audit_list.html",
        {
            **listed(
                request,
                selectors.audit_list(user=request.user),
                "title",
                "tool",
                "status",
                "priority",
                sorts={
                    "title": ("Audit", "title"),
                    "tool": ("Tool", "tool"),
                    "planned": ("Planned", "planned"),
                    "cases": ("Cases", "cases"),
                    "returns": ("Agency returns", "returns"),
                    "status": ("Status", "status"),
                },
                default="planned",
                descending=True,
            ),
            "can_manage": policy.can(request.user, "partnership.manage"),
        },  # fmt: skip
    )


@login_required
@require_http_methods(["GET", "POST"])
def audit_plan(request):
    def act(data, now):
        item = services.audit_plan(by=request.user, now=now, **data)
        return reverse("partnership:audit_detail", args=[item.pk])

    return manager_form(
        request,
        forms.AuditPlanForm(request.POST or None),
        act=act,
        done="Audit planned",
        title="Plan a multi-agency audit",
        button="Plan the audit",
        back_url=reverse("partnership:audits"),
        back_label="All audits",
    )


@login_required
@require_http_methods(["GET", "POST"])
def audit_sample(request, audit_id: int):
    item = selectors.audit_get(user=request.user, audit_id=audit_id)

    def act(data, now):
        criteria = selectors.SampleCriteria(
            involvement_kind=data["involvement_kind"],
            agency_id=data["agency"].pk if data["agency"] else None,
            started_from=data["started_from"],
            started_to=data["started_to"],
        )
        seed = data["seed"] if data["seed"] is not None else secrets.randbelow(1_000_000)
        cases = services.audit_draw_sample(
            audit_item=item, criteria=criteria, size=data["size"], seed=seed, by=request.user, now=now
        )
        messages.success(request, f"{len(cases)} case{'s' if len(cases) != 1 else ''} sampled (draw number {seed})")
        return reverse("partnership:audit_detail", args=[item.pk])

    return manager_form(
        request,
        forms.AuditSampleForm(request.POST or None),
        act=act,
        done="",
        title=f"Draw the case sample: {item.title}",
        intro="Cases are drawn at random from the records that match every criterion you give.",
        button="Draw the sample",
        back_url=reverse("partnership:audit_detail", args=[item.pk]),
        back_label="Back to the audit",
    )


@login_required
def audit_detail(request, audit_id: int):
    item = selectors.audit_get(user=request.user, audit_id=audit_id)
    return render(
        request,
        "partnership/audit_detail.html",
        selectors.audit_detail(user=request.user, audit_item=item, now=timezone.now()),
    )


@login_required
@require_http_methods(["GET", "POST"])
def audit_answer(request, audit_id: int, case_id: int):
    item = selectors.audit_get(user=request.user, audit_id=audit_id)
    case = AuditCase.objects.filter(pk=case_id, audit=item).first()
    if case is None:
        raise Http404
    form = forms.AuditAnswerForm(request.POST or None, questions=item.questions)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.audit_answer(
                case=case,
                answers={code: data[code] for code, _ in item.questions},
                grade=data["grade"],
                comments=data["comments"],
                by=request.user,
                now=timezone.now(),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Answers for case {case.number} saved")
            return redirect("partnership:audit_detail", audit_id=item.pk)
    return form_page(request, form, title=f"{item.title}: case {case.number}", intro=item.get_tool_display())
