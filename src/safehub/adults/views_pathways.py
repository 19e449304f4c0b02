"""Thin views for DoLS, self-neglect, provider cases and positions of trust: one domain call each."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from safehub.adults import selectors, selectors_mca, selectors_pathways, services_pathways
from safehub.adults.forms import PersonPickForm
from safehub.adults.forms_pathways import (
    ActionForm,
    CloseForm,
    EscalateForm,
    MeetingForm,
    PositionOfTrustForm,
    SelfNeglectOpenForm,
    SelfNeglectUpdateForm,
)
from safehub.adults.models import SafeguardingConcern
from safehub.adults.models_pathways import PositionOfTrustCase, SelfNeglectAction, SelfNeglectCase
from safehub.core import calendar, policy, viewutils
from safehub.core.errors import BreakGlassRequired, StaleEdit
from safehub.core.viewutils import add_service_errors
from safehub.people.models import Person
from safehub.people.selectors import person_get_for_user

STALE = "Someone else changed this case since you opened it. Check it and try again."


@login_required
def dols(request):
    now = timezone.now()
    work = selectors_mca.dols_work(user=request.user, now=now)
    listing = viewutils.listing(
        request,
        work,
        sorts={"due": ("Date", "due_on"), "requested": ("Requested", "requested_on")},
        default="due",
    )
    rows = selectors_mca.dols_rows(user=request.user, work=listing.rows, now=now)
    overdue = work.filter(is_overdue=True).count()
    return render(
        request, "adults/dols.html", {"rows": rows, "overdue": overdue, "listing": listing, "page": listing.page}
    )


@login_required
def self_neglect_list(request):
    now = timezone.now()
    show = request.GET.get("show", "all")
    show = show if show in selectors_pathways.SELF_NEGLECT_FILTERS else "all"
    everyone = selectors_pathways.self_neglect_open_query(user=request.user, now=now)
    listing = viewutils.listing(
        request,
        selectors_pathways.self_neglect_open_query(user=request.user, now=now, show=show).select_related("person"),
        sorts={
            "review": ("Next review", "next_review_date"),
            "name": ("Adult", ("person__family_name", "person__given_name")),
            "opened": ("Opened", "opened_on"),
            "clutter": ("Clutter rating", "clutter_rating"),
        },
        default="review",
    )
    rows = selectors_pathways.self_neglect_rows(user=request.user, cases=listing.rows, now=now)
    counts = {
        "open": everyone.count(),
        "overdue": everyone.filter(selectors_pathways.self_neglect_overdue_q(calendar.uk_date(now))).count(),
        "consider": everyone.filter(selectors_pathways.self_neglect_consider_q()).count(),
    }
    return render(
        request,
        "adults/self_neglect_list.html",
        {
            "rows": rows,
            "listing": listing,
            "page": listing.page,
            "show": show,
            "counts": counts,
            "filters": selectors_pathways.SELF_NEGLECT_FILTERS,
        },  # fmt: skip
    )


@login_required
@require_http_methods(["GET", "POST"])
def self_neglect_open(request):
    policy.require(request.user, "adults.decide")
    person_id = request.GET.get("person", "")
    if not person_id.isdigit():
        return render(
            request,
            "adults/pick_person.html",
            {"form": PersonPickForm(request.GET or None), "heading": "Open a self-neglect case for an adult"},
        )
    now = timezone.now()
    try:
        person = person_get_for_user(user=request.user, person_id=int(person_id), now=now, reason="self-neglect case")
    except Person.DoesNotExist as exc:
        raise Http404 from exc
    except BreakGlassRequired:
        return redirect("people:break_glass", person_id=int(person_id))
    concern = None
    if request.GET.get("concern", "").isdigit():  # opened from a concern: the case is linked to it
        try:
            concern = selectors.concern_get_for_user(user=request.user, concern_id=int(request.GET["concern"]), now=now)
        except (SafeguardingConcern.DoesNotExist, PermissionDenied, BreakGlassRequired) as exc:
            raise Http404 from exc
        if concern.person_id != person.pk:
            raise Http404
    form = SelfNeglectOpenForm(request.POST or None, initial={"opened_on": timezone.localdate(), "hoarding": "no"})
    if request.method == "POST" and form.is_valid():
        try:
            case = services_pathways.self_neglect_open(
                person=person, by=request.user, now=now, concern=concern, **form.service_fields()
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Self-neglect case opened for {person.display_name}")
            return redirect("adults:self_neglect", case_id=case.pk)
    return render(request, "adults/self_neglect_open.html", {"form": form, "person": person})


def _case(request, case_id: int) -> SelfNeglectCase:
    try:
        return selectors_pathways.self_neglect_get_for_user(user=request.user, case_id=case_id, now=timezone.now())
    except SelfNeglectCase.DoesNotExist as exc:
        raise Http404 from exc
    except BreakGlassRequired as exc:
        raise PermissionDenied("You do not have access to this record") from exc


def _case_page(request, case, forms=None, status=200):
    context = selectors_pathways.self_neglect_detail(user=request.user, case=case, now=timezone.now())
    initial = {"version": case.version}
    context["forms"] = {
        "update": SelfNeglectUpdateForm(initial={**initial, "clutter_rating": case.clutter_rating or "",
                                                 "engagement": case.engagement, "adult_view": case.adult_view,
                                                 "next_review_date": case.next_review_date}),
        "meeting": MeetingForm(initial={"held_on": timezone.localdate()}),
        "action": ActionForm(),
        "escalate": EscalateForm(initial={**initial, "escalated_on": timezone.localdate()}),
        "close": CloseForm(initial={**initial, "closed_on": timezone.localdate()}),
    }  # fmt: skip
    context["forms"].update(forms or {})
    return render(request, "adults/self_neglect_detail.html", context, status=status)


@login_required
def self_neglect_detail(request, case_id: int):
    return _case_page(request, _case(request, case_id))


STEPS: dict[str, tuple[type, Callable[..., object], str]] = {
    "update": (SelfNeglectUpdateForm, services_pathways.self_neglect_update, "Case updated"),
    "meeting": (MeetingForm, services_pathways.self_neglect_meeting_add, "Meeting recorded"),
    "action": (ActionForm, services_pathways.self_neglect_action_add, "Action added"),
    "escalate": (EscalateForm, services_pathways.self_neglect_escalate, "Case escalated"),
    "close": (CloseForm, services_pathways.self_neglect_close, "Case closed"),
}


@login_required
@require_POST
def self_neglect_step(request, case_id: int, step: str):
    case = _case(request, case_id)  # the read access comes first, for every write
    if step not in STEPS:
        raise Http404
    form_class, service, done = STEPS[step]
    form = form_class(request.POST)
    if form.is_valid():
        fields = form.service_fields() if hasattr(form, "service_fields") else dict(form.cleaned_data)
        if "version" in fields:
            fields["expected_version"] = fields.pop("version")
        try:
            service(case=case, by=request.user, now=timezone.now(), **fields)
        except ValidationError as exc:
            add_service_errors(form, exc)
        except StaleEdit:
            form.add_error(None, STALE)
            return _case_page(request, _case(request, case_id), {step: form}, status=409)
        else:
            messages.success(request, done)
            return redirect("adults:self_neglect", case_id=case.pk)
    return _case_page(request, case, {step: form})


@login_required
@require_POST
def self_neglect_action_done(request, case_id: int, action_id: int):
    case = _case(request, case_id)
    action = SelfNeglectAction.objects.filter(pk=action_id, case=case).first()
    if action is None:
        raise Http404
    services_pathways.self_neglect_action_complete(
        action=action, by=request.user, now=timezone.now(), completed_on=timezone.localdate()
    )
    messages.success(request, "Action recorded as done")
    return redirect("adults:self_neglect", case_id=case.pk)


@login_required
def providers(request):
    return render(request, "adults/providers.html", {"rows": selectors_pathways.provider_cases(user=request.user)})


@login_required
def pipot(request):
    rows = selectors_pathways.pipot_page(user=request.user, now=timezone.now())
    return render(
        request, "adults/pipot.html", {"rows": rows, "can_refer": policy.can(request.user, "pathways.lado_refer")}
    )


@login_required
@require_http_methods(["GET", "POST"])
def pipot_new(request):
    """Record a new allegation about someone in a position of trust (adult safeguarding managers only)."""
    services_pathways.require_pipot(request.user)
    form = PositionOfTrustForm(request.POST or None, initial={"received_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            case = services_pathways.pipot_record(by=request.user, now=timezone.now(), **form.service_fields())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Allegation about {case.subject_name} recorded")
            return redirect("adults:pipot")
    return render(request, "adults/pipot_new.html", {"form": form})


@login_required
@require_POST
def pipot_link_lado(request, case_id: int):
    """Link a PiPoT case to the children's LADO case about the same person (one the user may open)."""
    now = timezone.now()
    try:
        case = selectors_pathways.pipot_get_for_user(user=request.user, case_id=case_id, now=now)
    except PositionOfTrustCase.DoesNotExist as exc:
        raise Http404 from exc
    matches = {m.case_id: m for m in selectors_pathways.pipot_lado_matches(user=request.user, case=case, now=now)}
    raw = request.POST.get("lado_case", "")
    chosen = matches.get(int(raw)) if raw.isdigit() else None
    if chosen is None:  # not a LADO case about this person that the user may open
        raise Http404
    try:
        services_pathways.pipot_refer_to_lado(
            case=case, by=request.user, now=now, referred_on=chosen.referred_on, reference=chosen.reference
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"Linked to {chosen.reference}")
    return redirect("adults:pipot")
