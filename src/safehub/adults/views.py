"""Thin views: one domain call each; templates get plain data."""

from __future__ import annotations

from datetime import datetime, time

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from safehub.adults import selectors, services
from safehub.adults.forms import (
    ConcernForm,
    ConcludeForm,
    DecisionForm,
    EnquiryForm,
    PersonPickForm,
    RiskActionForm,
    YearForm,
)
from safehub.adults.models import Enquiry, SafeguardingConcern
from safehub.adults.services_pathways import PIPOT_ROLES
from safehub.core import calendar, csv_safety, policy, viewutils
from safehub.core.errors import BreakGlassRequired, StaleEdit
from safehub.core.viewutils import add_service_errors
from safehub.people.models import Person
from safehub.people.selectors import person_get_for_user

STALE_MESSAGE = "Someone else changed this record since you opened it. Check the record and try again."


def _concern(request, concern_id: int) -> SafeguardingConcern:
    try:
        return selectors.concern_get_for_user(user=request.user, concern_id=concern_id, now=timezone.now())
    except SafeguardingConcern.DoesNotExist as exc:
        raise Http404 from exc
    except BreakGlassRequired as exc:
        raise PermissionDenied("You do not have access to this record") from exc


def _enquiry(request, enquiry_id: int) -> Enquiry:
    try:
        return selectors.enquiry_get_for_user(user=request.user, enquiry_id=enquiry_id, now=timezone.now())
    except Enquiry.DoesNotExist as exc:
        raise Http404 from exc
    except BreakGlassRequired as exc:
        raise PermissionDenied("You do not have access to this record") from exc


def _current_year(today) -> str:
    start = today.year if today.month >= 4 else today.year - 1
    return f"{start}-{(start + 1) % 100:02d}"


@login_required
def home(request):
    user, now = request.user, timezone.now()
    can_decide = policy.can(user, "adults.decide")
    can_enquire = policy.can(user, "adults.enquiry") or can_decide
    if not (
        can_decide or can_enquire or policy.can(user, "adults.concern_create") or policy.can(user, "adults.measures")
    ):
        raise PermissionDenied
    queue = (
        selectors.concerns_awaiting_decision_page(user=user, now=now, page_number=request.GET.get("queue_page"))
        if can_decide
        else None
    )
    council = services.council_for(user)
    is_council = can_decide and council is not None and services.is_council_staff(user, council.pk)
    listing = enquiries = None
    if can_enquire:
        listing = viewutils.listing(
            request,
            selectors.enquiries_open_qs(user=user, now=now).select_related("person", "carried_out_by"),
            sorts={
                "started": ("Started", "started_date"),
                "name": ("Adult", ("person__family_name", "person__given_name")),
            },
            default="started",
        )
        enquiries = selectors.enquiry_rows(user=user, enquiries=listing.rows, now=now)
    return render(
        request,
        "adults/home.html",
        {
            "queue": queue["items"] if queue else [],
            "queue_pager": queue["page"] if queue else None,
            "queue_total": queue["total"] if queue else 0,
            "overdue": queue["overdue"] if queue else 0,
            "enquiries": enquiries or [],
            "listing": listing,
            "page": listing.page if listing else None,
            "can_decide": can_decide,
            "can_enquire": can_enquire,
            "can_create": policy.can(user, "adults.concern_create"),
            "can_measures": policy.can(user, "adults.measures"),
            "is_council": is_council,
            "can_pipot": is_council and policy.role_of(user) in PIPOT_ROLES,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def concern_create(request):
    policy.require(request.user, "adults.concern_create")
    person_id = request.GET.get("person", "")
    if not person_id.isdigit():
        pick = PersonPickForm(request.GET or None)
        return render(request, "adults/pick_person.html", {"form": pick})
    now = timezone.now()
    try:
        person = person_get_for_user(user=request.user, person_id=int(person_id), now=now, reason="adult concern")
    except Person.DoesNotExist as exc:
        raise Http404 from exc
    except BreakGlassRequired:
        return redirect("people:break_glass", person_id=int(person_id))
    form = ConcernForm(request.POST or None, initial={"received_date": timezone.localdate(), "consent": "GIVEN"})
    if request.method == "POST" and form.is_valid():
        day = form.cleaned_data["received_date"]
        received_at = now if day == calendar.uk_date(now) else datetime.combine(day, time(12), tzinfo=calendar.UK)
        try:
            concern = services.concern_record(
                person=person, by=request.user, now=now, received_at=received_at, **form.service_fields()
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Concern recorded for {person.display_name}")
            return redirect("adults:concern", concern_id=concern.pk)
    return render(
        request,
        "adults/concern_form.html",
        {"form": form, "person": person, "age": person.age_on(timezone.localdate())},
    )


def _concern_page(request, concern, *, decision_form=None, risk_form=None, status=200):
    context = selectors.concern_detail(user=request.user, concern=concern)
    if context["can_decide"] and decision_form is None:
        decision_form = DecisionForm(initial={"version": concern.version})
    context["decision_form"] = decision_form
    context["risk_form"] = risk_form or (RiskActionForm() if context["can_add_risk_action"] else None)
    return render(request, "adults/concern_detail.html", context, status=status)


@login_required
def concern_detail(request, concern_id: int):
    return _concern_page(request, _concern(request, concern_id))


@login_required
@require_POST
def concern_decide(request, concern_id: int):
    concern = _concern(request, concern_id)
    form = DecisionForm(request.POST)
    if form.is_valid():
        try:
            services.concern_decide(concern=concern, by=request.user, now=timezone.now(), **form.service_fields())
        except ValidationError as exc:
            add_service_errors(form, exc)
        except StaleEdit:
            form.add_error(None, STALE_MESSAGE)
            return _concern_page(request, _concern(request, concern_id), decision_form=form, status=409)
        else:
            messages.success(request, "Decision recorded")
            enquiry = concern.enquiries.order_by("-pk").first()
            if enquiry is not None:
                return redirect("adults:enquiry", enquiry_id=enquiry.pk)
            return redirect("adults:concern", concern_id=concern.pk)
    return _concern_page(request, _concern(request, concern_id), decision_form=form)


@login_required
@require_POST
def risk_action_add(request, concern_id: int):
    concern = _concern(request, concern_id)
    form = RiskActionForm(request.POST)
    if form.is_valid():
        try:
            services.risk_action_add(concern=concern, by=request.user, now=timezone.now(), **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Risk action added")
            return redirect("adults:concern", concern_id=concern.pk)
    return _concern_page(request, concern, risk_form=form)


@login_required
def enquiry_detail(request, enquiry_id: int):
    enquiry = _enquiry(request, enquiry_id)
    context = selectors.enquiry_detail(user=request.user, enquiry=enquiry)
    context["conclude_form"] = ConcludeForm(
        initial={"version": enquiry.version, "concluded_date": timezone.localdate()}
    )
    return render(request, "adults/enquiry_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def enquiry_edit(request, enquiry_id: int):
    enquiry = _enquiry(request, enquiry_id)
    form = EnquiryForm(request.POST) if request.method == "POST" else EnquiryForm.from_enquiry(enquiry)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.enquiry_update(enquiry=enquiry, by=request.user, now=timezone.now(), **form.service_fields())
        except ValidationError as exc:
            add_service_errors(form, exc)
        except StaleEdit:
            form.add_error(None, STALE_MESSAGE)
            status = 409
        else:
            messages.success(request, "Enquiry saved")
            return redirect("adults:enquiry", enquiry_id=enquiry.pk)
    return render(request, "adults/enquiry_form.html", {"form": form, "enquiry": enquiry}, status=status)


@login_required
@require_POST
def enquiry_conclude(request, enquiry_id: int):
    enquiry = _enquiry(request, enquiry_id)
    form = ConcludeForm(request.POST)
    if form.is_valid():
        try:
            services.enquiry_conclude(
                enquiry=enquiry,
                by=request.user,
                now=timezone.now(),
                concluded_date=form.cleaned_data["concluded_date"],
                expected_version=form.cleaned_data["version"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        except StaleEdit:
            form.add_error(None, STALE_MESSAGE)
        else:
            messages.success(request, "Enquiry concluded")
            return redirect("adults:enquiry", enquiry_id=enquiry.pk)
    context = selectors.enquiry_detail(user=request.user, enquiry=enquiry)
    context["conclude_form"] = form
    return render(request, "adults/enquiry_detail.html", context)


def _year_form(request) -> tuple[YearForm, str]:
    today = timezone.localdate()
    current = _current_year(today)
    start = int(current[:4])
    labels = [f"{y}-{(y + 1) % 100:02d}" for y in range(start, start - 5, -1)]
    form = YearForm(request.GET or None, initial={"year": current})
    year_field = form.fields["year"]
    assert isinstance(year_field, forms.ChoiceField)  # YearForm.year
    year_field.choices = [(y, y) for y in labels]
    year = form.cleaned_data["year"] if form.is_valid() else current
    return form, year


@login_required
def measures(request):
    form, year = _year_form(request)
    years, sections, as_of = selectors.adult_measures_for_user(user=request.user, year=year, now=timezone.now())
    return render(
        request,
        "adults/measures.html",
        {"form": form, "year": year, "published_years": years, "sections": sections, "as_of": as_of},
    )


@login_required
def measures_csv(request):
    _, year = _year_form(request)
    rows = selectors.adult_measures_csv_for_user(user=request.user, year=year, now=timezone.now())
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="adult-safeguarding-measures-{year}.csv"'
    csv_safety.writer(response).writerows(rows)
    return response
