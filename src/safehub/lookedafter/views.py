"""Pages for children looked after: the list, a child's 903 record and its actions, the provider register."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from safehub.casework.models import LookedAfterEpisode
from safehub.core import policy, viewutils
from safehub.core.calendar import uk_date
from safehub.core.errors import BreakGlassRequired
from safehub.lookedafter import forms as f
from safehub.lookedafter import selectors, services
from safehub.lookedafter.models import ItemStatus, LAHealthCheck, LAReview, ProviderKind
from safehub.people.models import Person
from safehub.people.selectors import person_get_for_user

OVERVIEW, RECORD = "casework.overview", "casework.record"
ACTION_FORMS = {
    "start": f.StartForm,
    "change": f.ChangeForm,
    "review": f.ReviewForm,
    "health": f.HealthForm,
    "end": f.EndForm,
}
LEAVER_FORMS = {"pathway": f.PathwayForm}
# Adoption, previous permanence and staying put: each offered only when it fits the child's records.
PERMANENCE_FORMS = {
    "decision": f.DecisionForm,
    "placement_order": f.PlacementOrderForm,
    "match": f.MatchForm,
    "place": f.AdoptionPlaceForm,
    "reverse": f.AdoptionReverseForm,
    "adoption_order": f.AdoptionOrderForm,
    "previous_permanence": f.PreviousPermanenceForm,
    "staying_put_start": f.StayingPutStartForm,
    "staying_put_end": f.StayingPutEndForm,
}
PERMANENCE_TITLES = {
    "decision": "Record the decision that the child should be placed for adoption",
    "placement_order": "Record the placement order",
    "match": "Record the match with adopters",
    "place": "Record that the child was placed for adoption",
    "reverse": "Record that the child should no longer be placed for adoption",
    "adoption_order": "Record the adoption order",
    "previous_permanence": "Record previous permanence (before this period of care)",
    "staying_put_start": "Record that the young person is staying put",
    "staying_put_end": "Record that staying put ended",
}


def _person(request, person_id: int) -> Person:
    try:
        return person_get_for_user(user=request.user, person_id=person_id, now=timezone.now())
    except Person.DoesNotExist as exc:
        raise Http404 from exc


@login_required
def children(request):
    policy.require(request.user, OVERVIEW)
    now = timezone.now()
    show = request.GET.get("show", "all")
    show = show if show in selectors.LIST_FILTERS else "all"
    people = selectors.looked_after_people(user=request.user, now=now, show=show)
    listing = viewutils.listing(
        request,
        people,
        sorts={
            "name": ("Child", ("sort_family", "sort_given")),
            "dob": ("Date of birth", "sort_born"),
            "review": ("Next review", "next_review"),
            "health": ("Next health check", "next_health"),
        },
        default="name",
    )
    overdue = (
        listing.total if show == "overdue" else people.filter(selectors.looked_after_overdue_q(uk_date(now))).count()
    )
    context = {
        "rows": selectors.looked_after_rows(user=request.user, people=list(listing.page), now=now),
        "listing": listing,
        "page": listing.page,
        "show": show,
        "filters": selectors.LIST_FILTERS,
        "overdue": overdue,
        "can_check_return": policy.can(request.user, "insight.returns"),
    }
    return render(request, "lookedafter/list.html", context)


@login_required
def child(request, person_id: int):
    policy.require(request.user, OVERVIEW)
    try:
        person = _person(request, person_id)
    except BreakGlassRequired:
        return redirect("people:break_glass", person_id=person_id)
    context = selectors.child_record(person=person, today=timezone.localdate())
    context.update(
        {
            "person": {"pk": person.pk, "name": f"{person.given_name} {person.family_name}".strip(),
                       "date_of_birth": person.date_of_birth},
            "can_record": policy.can(request.user, RECORD),
            "forms": {name: form(prefix=name) for name, form in ACTION_FORMS.items()},
            "leaver_forms": {name: form(prefix=name) for name, form in LEAVER_FORMS.items()},
        }
    )  # fmt: skip
    state = _permanence_state(person)
    context["adoption"] = state["plan"]
    context["permanence_forms"] = [
        (name, PERMANENCE_TITLES[name], PERMANENCE_FORMS[name](prefix=name)) for name in state["actions"]
    ]
    return render(request, "lookedafter/child.html", context)


def _open_period(person: Person) -> LookedAfterEpisode:
    period = LookedAfterEpisode.objects.filter(person=person, end_date__isnull=True).order_by("-start_date").first()
    if period is None:
        raise ValidationError("this child is not looked after")
    return period


@login_required
@require_POST
def child_action(request, person_id: int, action: str):
    form_class = ACTION_FORMS.get(action) or LEAVER_FORMS.get(action) or PERMANENCE_FORMS.get(action)
    if form_class is None:
        raise Http404
    policy.require(request.user, RECORD)
    person = _person(request, person_id)
    form = form_class(request.POST, prefix=action)
    if not form.is_valid():
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            text = " ".join(str(e) for e in errors)
            messages.error(request, f"{label}: {text}" if label else text)
        return redirect("lookedafter:child", person_id=person_id)
    data, user, now = form.cleaned_data, request.user, timezone.now()
    try:
        if action == "pathway":
            done = _pathway(person, data["held_date"], user, now)
            messages.success(request, done)
            return redirect("lookedafter:child", person_id=person_id)
        if action in PERMANENCE_FORMS:
            done = _permanence(action, person, data, user, now)
            messages.success(request, done)
            return redirect("lookedafter:child", person_id=person_id)
        period = _open_period(person)
        if action == "start":
            services.care_start(
                period=period,
                legal_status=data["legal_status"],
                category_of_need=data["category_of_need"],
                placement=services.Placement(data["place"], data["provider"], postcode=data["home_postcode"]),
                home_postcode=data["home_postcode"],
                by=user,
                now=now,
            )
            done = "The first episode of care is recorded"
        elif action == "change":
            current = services.open_episode(period)
            placement = None
            if data["place"] or data["provider"]:
                place = data["place"] or current.place
                provider = data["provider"] if data["provider"] else current.provider
                placement = services.Placement(place, provider, postcode=current.home_post)
            services.care_change(
                period=period,
                on=data["on"],
                legal_status=data["legal_status"] or None,
                placement=placement,
                carer_changed=not data["same_carer"],
                reason_place_change=data["reason_place_change"],
                by=user,
                now=now,
            )
            done = "The change is recorded: one episode closed and the next opened"
        elif action == "review":
            review = LAReview.objects.filter(period=period, status=ItemStatus.DUE).order_by("number").first()
            if review is None:
                raise ValidationError("no review is due")
            services.review_record(
                review=review, held_date=data["held_date"], participation=data["participation"], by=user, now=now
            )
            done = "The review is recorded and the next one set"
        elif action == "health":
            check = LAHealthCheck.objects.filter(period=period, status=ItemStatus.DUE).order_by("due_date").first()
            if check is None:
                raise ValidationError("no health assessment or dental check is due")
            services.health_record(check=check, done_date=data["done_date"], by=user, now=now)
            done = "The health check is recorded"
        else:
            services.care_end(
                period=period,
                on=data["on"],
                reason=data["reason"],
                reason_place_change=data["reason_place_change"],
                by=user,
                now=now,
            )
            done = "Care has ended; reviews and health checks still due are closed"
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("lookedafter:child", person_id=person_id)
    messages.success(request, done)
    return redirect("lookedafter:child", person_id=person_id)


@login_required
def providers(request):
    policy.require(request.user, OVERVIEW)
    kind, search = request.GET.get("kind", ""), request.GET.get("q", "")[:100]
    listing = viewutils.listing(
        request,
        selectors.providers_query(kind=kind, search=search),
        sorts={
            "name": ("Provider", "name"),
            "kind": ("Kind", ("kind", "name")),
            "postcode": ("Postcode", "postcode"),
            "placed": ("Children placed now", "placed"),
        },
        default="name",
    )
    return render(
        request,
        "lookedafter/providers.html",
        {
            "rows": selectors.provider_rows(listing.page),
            "listing": listing,
            "page": listing.page,
            "kinds": ProviderKind.choices,
            "kind": kind,
            "q": search,
        },
    )


@login_required
def care_leavers(request):
    policy.require(request.user, OVERVIEW)
    now = timezone.now()
    show = request.GET.get("show", "all")
    show = show if show in selectors.LEAVER_FILTERS else "all"
    listing = viewutils.listing(
        request,
        selectors.care_leavers_people(user=request.user, now=now, show=show),
        sorts={
            "name": ("Young person", ("sort_family", "sort_given")),
            "pathway": ("Pathway plan due", "pathway_due"),
        },
        default="name",
    )
    context = {
        "rows": selectors.care_leavers_rows(user=request.user, people=list(listing.page), now=now),
        "listing": listing,
        "page": listing.page,
        "show": show,
        "filters": selectors.LEAVER_FILTERS,
        "show_label": selectors.LEAVER_FILTERS[show],
    }
    return render(request, "lookedafter/care_leavers.html", context)


def _pathway(person: Person, held, user, now) -> str:
    """Complete the pathway plan that is due, or else record the pathway review that is due."""
    from safehub.lookedafter import permanence
    from safehub.lookedafter.models import PathwayPlan, PathwayReview

    plan = PathwayPlan.objects.filter(person=person, completed_date__isnull=True).order_by("due_date").first()
    if plan is not None:
        permanence.pathway_plan_complete(plan=plan, on=held, by=user, now=now)
        return "The pathway plan is recorded as complete and its first review set"
    review = PathwayReview.objects.filter(person=person, status=ItemStatus.DUE).order_by("due_date").first()
    if review is None:
        raise ValidationError("no pathway plan or review is due")
    permanence.pathway_review_record(review=review, held_date=held, by=user, now=now)
    return "The pathway plan review is recorded and the next one set"


def _open_plan(person: Person):
    from safehub.lookedafter.models import AdoptionPlan

    return (
        AdoptionPlan.objects.filter(person=person, ceased_date__isnull=True, adoption_order_date__isnull=True)
        .select_related("family", "period")
        .order_by("-decision_date")
        .first()
    )


def _permanence_state(person: Person) -> dict:
    """The adoption plan open now and the permanence actions that fit the child's records."""
    from safehub.lookedafter.models import CareLeaver, StayingPut

    period = LookedAfterEpisode.objects.filter(person=person, end_date__isnull=True).first()
    plan = _open_plan(person)
    actions: list[str] = []
    if period is not None:
        if plan is None:
            actions.append("decision")
        elif plan.period_id is not None:
            if plan.placement_order_date is None:
                actions.append("placement_order")
            if plan.matched_date is None:
                actions.append("match")
            elif plan.placed_date is None:
                actions.append("place")
            else:
                actions.append("adoption_order")
        if plan is not None:
            actions.append("reverse")
        actions.append("previous_permanence")
    if StayingPut.objects.filter(person=person, end_date__isnull=True).exists():
        actions.append("staying_put_end")
    elif CareLeaver.objects.filter(person=person).exists():
        actions.append("staying_put_start")
    shown = None
    if plan is not None:
        shown = {
            "decision_date": plan.decision_date,
            "placement_order_date": plan.placement_order_date,
            "matched_date": plan.matched_date,
            "family": plan.family.reference if plan.family else "",
            "placed_date": plan.placed_date,
        }
    return {"plan": shown, "actions": actions}


def _permanence(action: str, person: Person, data: dict, user, now) -> str:
    """Record one adoption, previous permanence or staying put step through permanence.py's services."""
    from safehub.lookedafter import permanence
    from safehub.lookedafter.models import StayingPut

    if action not in _permanence_state(person)["actions"]:
        raise ValidationError("this does not fit the child's records now: reload the page")
    if action == "staying_put_start":
        permanence.staying_put_start(person=person, on=data["on"], provider=data["provider"], by=user, now=now)
        return "Staying put is recorded"
    if action == "staying_put_end":
        arrangement = StayingPut.objects.get(person=person, end_date__isnull=True)
        permanence.staying_put_end(arrangement=arrangement, on=data["on"], by=user, now=now)
        return "The end of staying put is recorded"
    period = _open_period(person)
    if action == "decision":
        permanence.adoption_decision(period=period, on=data["on"], by=user, now=now)
        return "The decision that the child should be placed for adoption is recorded"
    if action == "previous_permanence":
        permanence.previous_permanence_record(
            period=period,
            prev_perm=data["prev_perm"],
            la_code=data["la_code"],
            order_date=data["order_date"],
            by=user,
            now=now,
        )
        return "Previous permanence is recorded"
    plan = _open_plan(person)
    if plan is None:
        raise ValidationError("this child has no open adoption plan")
    if action == "placement_order":
        permanence.placement_order(plan=plan, on=data["on"], by=user, now=now)
        return "The placement order is recorded: legal status E1 from that day"
    if action == "match":
        permanence.adoption_match(plan=plan, on=data["on"], family=data["family"], by=user, now=now)
        return "The match with adopters is recorded"
    if action == "place":
        permanence.adoption_place(
            plan=plan,
            on=data["on"],
            provider=data["provider"],
            with_foster_carers=data["with_foster_carers"],
            by=user,
            now=now,
        )
        return "The placement for adoption is recorded"
    if action == "reverse":
        permanence.adoption_reverse(plan=plan, on=data["on"], reason=data["reason"], by=user, now=now)
        return "The child should no longer be placed for adoption: recorded with the reason"
    permanence.adoption_order(plan=plan, on=data["on"], consent_dispensed=data["consent_dispensed"], by=user, now=now)
    return "The adoption order is recorded and care has ended"
