"""Pages for recommendations, action plans, inspections and notifications: thin views, one domain call
each; templates get plain data.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from safehub.core import policy, viewutils
from safehub.core.errors import StaleEdit
from safehub.core.viewutils import add_service_errors
from safehub.partnership.actions import forms, selectors, services
from safehub.partnership.audits import selectors as audits_selectors
from safehub.partnership.models import (
    Recommendation,
    SelfAssessmentReturn,
)
from safehub.partnership.pages import form_page, manager_form, matching
from safehub.partnership.reviews import selectors as reviews_selectors
from safehub.partnership.self_assessment import selectors as self_assessment_selectors


def _recommendation_source(request, kind: str, pk: int) -> dict:
    if kind == "return":
        return {"self_assessment": self_assessment_selectors.return_get(user=request.user, return_id=pk)}
    if kind == "review":
        return {"review": reviews_selectors.review_get(user=request.user, review_id=pk)}
    if kind == "audit":
        return {"audit_record": audits_selectors.audit_get(user=request.user, audit_id=pk)}
    if kind == "inspection":
        from safehub.partnership.models import Inspection

        policy.require(request.user, "partnership.view")
        found = Inspection.objects.filter(pk=pk).first()
        if found is None:
            raise Http404
        return {"inspection": found}
    raise Http404


@login_required
@require_http_methods(["GET", "POST"])
def recommendation_add(request, kind: str, pk: int):
    source = _recommendation_source(request, kind, pk)
    policy.require(request.user, "partnership.manage")
    page: dict = {}
    initial = None
    if (sa_return := source.get("self_assessment")) is not None:
        # A weakness in a return becomes an area for improvement, led by the agency that returned it.
        page = {
            "intro": f"{sa_return.cycle.get_kind_display()} {sa_return.cycle.year}: {sa_return.agency.name}",
            "points": self_assessment_selectors.return_weaknesses(user=request.user, sa_return=sa_return),
            "points_title": "Standards the agency rated partly met or not met",
        }
        initial = {
            "kind": Recommendation.Kind.AREA_FOR_IMPROVEMENT,
            "lead_agency": sa_return.agency_id,
            "made_by": "Self-assessment return",
        }
    form = forms.RecommendationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.recommendation_add(by=request.user, now=timezone.now(), **source, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Recommendation added")
            return redirect(_source_url(kind, pk))
    back_label = {"return": "Back to the self-assessment", "inspection": "Inspections"}.get(kind, f"Back to the {kind}")
    return form_page(
        request, form, title="Add a recommendation", back_url=_source_url(kind, pk), back_label=back_label, **page
    )


def _source_url(kind: str, pk: int) -> str:
    if kind == "return":
        cycle_id = SelfAssessmentReturn.objects.values_list("cycle_id", flat=True).get(pk=pk)
        return reverse("partnership:cycle_detail", args=[cycle_id])
    if kind == "review":
        return reverse("partnership:review_detail", args=[pk])
    if kind == "audit":
        return reverse("partnership:audit_detail", args=[pk])
    return reverse("partnership:inspections")


@login_required
@require_http_methods(["GET", "POST"])
def action_add(request, recommendation_id: int):
    policy.require(request.user, "partnership.manage")
    rec = Recommendation.objects.select_related("review", "audit", "inspection").filter(pk=recommendation_id).first()
    if rec is None:
        raise Http404
    form = forms.ActionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.action_add(recommendation=rec, by=request.user, now=timezone.now(), **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Action added")
            if rec.review_id:
                return redirect(_source_url("review", rec.review_id))
            if rec.audit_id:
                return redirect(_source_url("audit", rec.audit_id))
            if rec.self_assessment_id:
                return redirect(_source_url("return", rec.self_assessment_id))
            if rec.inspection_id:
                return redirect(_source_url("inspection", rec.inspection_id))
            return redirect("partnership:actions")
    return form_page(request, form, title="Add an action", intro=rec.text)


@login_required
def action_list(request):
    agency = request.GET.get("agency", "")
    mine = request.GET.get("mine") == "1"
    agency_id = policy.agency_id_of(request.user) if mine else (int(agency) if agency.isdigit() else None)
    overdue = request.GET.get("overdue") == "1"
    q = request.GET.get("q", "").strip()
    rows = matching(selectors.action_plan(user=request.user, now=timezone.now(), agency_id=agency_id,
                                           overdue_only=overdue), q, "description", "agency", "owner", "source")  # fmt: skip
    listing = viewutils.listing(request, rows, sorts={
        "description": ("Action", "description"), "source": ("From", "source"), "agency": ("Agency and owner", "agency"),
        "due": ("Due", "due"), "status": ("Status", "status"),
    }, default="due")  # fmt: skip
    return render(request, "partnership/action_list.html", {
        "listing": listing, "page": listing.page, "mine": mine, "overdue": overdue, "q": q,
    })  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def action_detail(request, action_id: int):
    action = selectors.action_get(user=request.user, action_id=action_id)
    manager = policy.can(request.user, "partnership.manage")
    may_update = manager or policy.agency_id_of(request.user) == action.agency_id
    initial = {
        "status": action.status,
        "evidence": action.evidence,
        "due_date": action.due_date,
        "version": action.version,
    }
    form = forms.ActionUpdateForm(request.POST or None, initial=initial)
    if not manager:
        form.fields.pop("due_date")
    status = 200
    if request.method == "POST":
        if not may_update:
            raise PermissionDenied
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.action_update(
                    action=action,
                    status=data["status"],
                    evidence=data["evidence"],
                    due_date=data.get("due_date"),
                    expected_version=data["version"],
                    by=request.user,
                    now=timezone.now(),
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            except StaleEdit:
                form.add_error(None, "Someone updated this action since you opened it. Reload the page to see it.")
                status = 409
            else:
                messages.success(request, "Action updated")
                return redirect("partnership:action_detail", action_id=action.pk)
    today = timezone.localdate()
    return render(
        request,
        "partnership/action_detail.html",
        {
            "action": action,
            "source": action.recommendation.source_label,
            "status_label": action.status_label(today),
            "overdue": action.is_overdue(today),
            "form": form if may_update else None,
        },
        status=status,
    )


@login_required
def inspection_list(request):
    return render(
        request,
        "partnership/inspections.html",
        {
            "inspections": selectors.inspection_list(user=request.user, now=timezone.now()),
            "can_manage": policy.can(request.user, "partnership.manage"),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def inspection_record(request):
    def act(data, now):
        services.inspection_record(by=request.user, now=now, **data)
        return reverse("partnership:inspections")

    return manager_form(
        request,
        forms.InspectionForm(request.POST or None),
        act=act,
        done="Inspection recorded",
        title="Record an inspection",
        back_url=reverse("partnership:inspections"),
        back_label="Inspections",
    )


@login_required
def notification_list(request):
    return render(
        request,
        "partnership/notifications.html",
        {"notifications": selectors.notifications_for_user(user=request.user)},
    )


@login_required
@require_POST
def notification_read(request, notification_id: int):
    note = selectors.notification_get(user=request.user, notification_id=notification_id)
    services.notification_mark_read(notification=note, by=request.user, now=timezone.now())
    return redirect("partnership:notifications")
