"""Thin views for capacity assessments, best interests, advocacy and DoLS: one domain call each."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from safehub.adults import selectors, selectors_mca, selectors_transitions, services, services_mca
from safehub.adults.forms_mca import (
    AdvocacyForm,
    BestInterestsForm,
    CapacityForm,
    DolsDecideForm,
    DolsExtendForm,
    DolsRequestForm,
    DolsReviewForm,
)
from safehub.adults.models import Enquiry
from safehub.adults.models_mca import CapacityAssessment, DolsApplication
from safehub.core import policy, viewutils
from safehub.core.errors import BreakGlassRequired, StaleEdit
from safehub.core.viewutils import add_service_errors
from safehub.people.models import Person
from safehub.people.selectors import person_get_for_user

STALE = "Someone else changed this record since you opened it. Check it and try again."


def _can_assess(user) -> bool:
    return policy.can(user, "adults.enquiry") or policy.can(user, "adults.decide")


def _is_council(user) -> bool:
    council = services.council_for(user)
    return policy.can(user, "adults.decide") and council is not None and services.is_council_staff(user, council.pk)


def _person(request, person_id: int) -> Person:
    if not _can_assess(request.user):
        raise PermissionDenied
    try:
        return person_get_for_user(user=request.user, person_id=person_id, now=timezone.now(), reason="capacity")
    except Person.DoesNotExist as exc:
        raise Http404 from exc
    except BreakGlassRequired as exc:
        raise PermissionDenied("You do not have access to this record") from exc


def _enquiry(request, person: Person) -> Enquiry | None:
    """The enquiry named in ``?enquiry=`` (the page was opened from it), checked like the enquiry page."""
    raw = request.GET.get("enquiry", "")
    if not raw.isdigit():
        return None
    try:
        enquiry = selectors.enquiry_get_for_user(user=request.user, enquiry_id=int(raw), now=timezone.now())
    except (Enquiry.DoesNotExist, PermissionDenied, BreakGlassRequired) as exc:
        raise Http404 from exc
    if enquiry.person_id != person.pk:
        raise Http404
    return enquiry


@login_required
def mca_person(request, person_id: int):
    person = _person(request, person_id)
    enquiry = _enquiry(request, person)
    record = selectors_mca.capacity_record(user=request.user, person=person, now=timezone.now())
    return render(
        request,
        "adults/mca_person.html",
        {
            **record,
            "person": person,
            "enquiry": enquiry,
            "query": f"?enquiry={enquiry.pk}" if enquiry else "",
            "can_assess": True,
            "is_council": _is_council(request.user),
        },
    )


# step -> (form, service, heading, message, council only)
STEPS: dict[str, tuple[type, Callable[..., object], str, str, bool]] = {
    "capacity": (CapacityForm, services_mca.capacity_assess, "Record a capacity assessment", "Assessment recorded",
                 False),
    "advocacy": (AdvocacyForm, services_mca.advocacy_refer, "Refer for advocacy", "Advocacy referral recorded", True),
    "dols": (DolsRequestForm, services_mca.dols_request, "Record a DoLS request", "DoLS request recorded", True),
}  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def mca_step(request, person_id: int, step: str):
    if step not in STEPS:
        raise Http404
    form_class, service, heading, done, council_only = STEPS[step]
    person = _person(request, person_id)
    if council_only and not _is_council(request.user):
        raise PermissionDenied("Only the council's adult social care staff may do this")
    enquiry = _enquiry(request, person)
    today = timezone.localdate()
    form = form_class(request.POST or None, initial={"assessed_on": today, "referred_on": today, "requested_on": today})
    if request.method == "POST" and form.is_valid():
        fields = form.service_fields() if hasattr(form, "service_fields") else dict(form.cleaned_data)
        if step != "dols":
            fields["enquiry"] = enquiry
        try:
            row = service(person=person, by=request.user, now=timezone.now(), **fields)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, done)
            if isinstance(row, DolsApplication):
                return redirect("adults:dols_detail", application_id=row.pk)
            target = redirect("adults:mca_person", person_id=person.pk)
            if enquiry is not None:
                target["Location"] += f"?enquiry={enquiry.pk}"
            return target
    return render(
        request,
        "adults/mca_form.html",
        {"form": form, "person": person, "enquiry": enquiry, "heading": heading, "step": step},
    )


@login_required
@require_http_methods(["GET", "POST"])
def best_interests(request, assessment_id: int):
    now = timezone.now()
    try:
        assessment = selectors_mca.capacity_assessment_get_for_user(
            user=request.user, assessment_id=assessment_id, now=now
        )
    except CapacityAssessment.DoesNotExist as exc:
        raise Http404 from exc
    except BreakGlassRequired as exc:
        raise PermissionDenied("You do not have access to this record") from exc
    form = BestInterestsForm(request.POST or None, initial={"decided_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services_mca.best_interests_record(assessment=assessment, by=request.user, now=now, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Best-interests decision recorded")
            return redirect("adults:mca_person", person_id=assessment.person_id)
    return render(
        request,
        "adults/mca_form.html",
        {
            "form": form,
            "person": assessment.person,
            "heading": "Record a best-interests decision",
            "caption": f"For the decision: {assessment.decision}",
            "step": "best_interests",
        },
    )


def _application(request, application_id: int) -> DolsApplication:
    try:
        return selectors_mca.dols_get_for_user(user=request.user, application_id=application_id, now=timezone.now())
    except DolsApplication.DoesNotExist as exc:
        raise Http404 from exc
    except BreakGlassRequired as exc:
        raise PermissionDenied("You do not have access to this record") from exc


def _dols_page(request, application: DolsApplication, forms=None, status=200):
    context = selectors_mca.dols_detail(application=application, now=timezone.now())
    today, version = timezone.localdate(), {"version": application.version}
    context["forms"] = {
        "extend": DolsExtendForm(initial={**version, "extended_on": today}),
        "decide": DolsDecideForm(initial={**version, "decided_on": today, "authorised_from": today}),
        "review": DolsReviewForm(initial={**version, "reviewed_on": today, "conditions": application.conditions}),
        **(forms or {}),
    }
    return render(request, "adults/dols_detail.html", context, status=status)


@login_required
def dols_detail(request, application_id: int):
    return _dols_page(request, _application(request, application_id))


DOLS_STEPS: dict[str, tuple[type, Callable[..., object], str]] = {
    "extend": (DolsExtendForm, services_mca.dols_extend_urgent, "Urgent authorisation extended"),
    "decide": (DolsDecideForm, services_mca.dols_decide, "Decision recorded"),
    "review": (DolsReviewForm, services_mca.dols_review, "Review recorded"),
}


@login_required
@require_POST
def dols_step(request, application_id: int, step: str):
    application = _application(request, application_id)  # the read access comes first, for every write
    if step not in DOLS_STEPS:
        raise Http404
    form_class, service, done = DOLS_STEPS[step]
    form = form_class(request.POST)
    if form.is_valid():
        fields = dict(form.cleaned_data)
        fields["expected_version"] = fields.pop("version")
        try:
            service(application=application, by=request.user, now=timezone.now(), **fields)
        except ValidationError as exc:
            add_service_errors(form, exc)
        except StaleEdit:
            form.add_error(None, STALE)
            return _dols_page(request, _application(request, application_id), {step: form}, status=409)
        else:
            messages.success(request, done)
            return redirect("adults:dols_detail", application_id=application.pk)
    return _dols_page(request, application, {step: form})


@login_required
def transitions(request):
    attention = request.GET.get("attention") == "1"
    as_of, now = timezone.localdate(), timezone.now()
    cohort = selectors_transitions.transitions_adult_cohort(
        user=request.user, as_of=as_of, now=now, needs_attention_only=attention
    )
    listing = viewutils.listing(
        request,
        cohort,
        sorts={
            "age": ("Age, oldest first", lambda m: (m.date_of_birth, m.pk)),
            "name": ("Young person", lambda m: (m.family_name.casefold(), m.given_name.casefold(), m.pk)),
        },
        default="age",
    )
    people = selectors_transitions.transitions_adult_page(list(listing.page))
    rows = selectors_transitions.transitions_adult_rows(user=request.user, people=people, as_of=as_of, now=now)
    needing = sum(m.needs_attention for m in cohort)
    return render(
        request,
        "adults/transitions.html",
        {"rows": rows, "attention": attention, "needing": needing, "listing": listing, "page": listing.page},
    )
