from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from safehub.core import audit, viewutils
from safehub.core.chronology import person_chronology
from safehub.core.errors import BreakGlassRequired, StaleEdit
from safehub.core.viewutils import add_service_errors
from safehub.people import policy, selectors, services
from safehub.people.forms import (
    AddressForm,
    BreakGlassForm,
    PersonForm,
    PersonSearchForm,
    RelationshipForm,
    SealChangeForm,
    SealForm,
)
from safehub.people.models import Address, BreakGlassGrant, Person


def _open(request, person_id: int, reason: str = "") -> Person:
    try:
        return selectors.person_get_for_user(user=request.user, person_id=person_id, now=timezone.now(), reason=reason)
    except Person.DoesNotExist as exc:
        raise Http404 from exc


@login_required
@require_http_methods(["GET", "POST"])
def search(request):
    # Searches are POSTed so names never reach URLs, browser history or access logs.
    form = PersonSearchForm(request.POST or None)
    results = None
    if request.method == "POST" and form.is_valid():
        results = selectors.person_search(
            user=request.user,
            query=form.cleaned_data["query"],
            date_of_birth=form.cleaned_data["date_of_birth"],
            nhs_number=form.cleaned_data["nhs_number"],
            now=timezone.now(),
        )
    template = "people/_results.html" if request.htmx else "people/search.html"
    return render(
        request, template, {"form": form, "results": results, "can_create": policy.can(request.user, "people.create")}
    )


@login_required
def detail(request, person_id: int):
    try:
        person = _open(request, person_id)
    except BreakGlassRequired:
        return redirect("people:break_glass", person_id=person_id)
    categories = set(request.GET.getlist("category"))
    context = selectors.person_detail(user=request.user, person=person, now=timezone.now())
    all_events = person_chronology(person=person, user=request.user, merged=selectors.person_merged_records(person))
    context["chronology"] = [e for e in all_events if not categories or e.category in categories]
    context["categories"] = sorted({e.category for e in all_events})
    context["selected_categories"] = categories
    context["can_edit"] = policy.can(request.user, "people.edit")
    context["can_view_log"] = policy.can(request.user, "people.view_access_log")
    context["can_seal"] = policy.can(request.user, "people.seal", person)
    context["can_casework"] = policy.can(request.user, "casework.overview")
    context["can_adult_concern"] = policy.can(request.user, "adults.concern_create") and (
        person.date_of_birth is not None and (person.age_on(timezone.localdate()) or 0) >= 18
    )
    context["today"] = timezone.localdate()
    context["age"] = person.age_on(timezone.localdate())
    return render(request, "people/detail.html", context)


@login_required
def chronology_print(request, person_id: int):
    person = _open(request, person_id)
    events = person_chronology(person=person, user=request.user)
    return render(request, "people/chronology_print.html", {"person": person, "chronology": events})


@login_required
@require_http_methods(["GET", "POST"])
def create(request):
    policy.require(request.user, "people.create")
    form = PersonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        data = {k: ("" if v is None and k in {"nhs_number", "upn"} else v) for k, v in data.items()}
        try:
            person = services.person_create(by=request.user, now=timezone.now(), **data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Record created for {person.display_name}")
            return redirect("people:detail", person_id=person.pk)
    return render(request, "people/form.html", {"form": form, "title": "Add a person"})


@login_required
@require_http_methods(["GET", "POST"])
def edit(request, person_id: int):
    person = _open(request, person_id)
    policy.require(request.user, "people.edit")
    form = PersonForm(request.POST) if request.method == "POST" else PersonForm.from_person(person)
    stale = False
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            services.person_update(
                person=person,
                by=request.user,
                now=timezone.now(),
                expected_version=form.cleaned_data["version"] or person.version,
                **data,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        except StaleEdit:
            stale = True
        else:
            messages.success(request, "Details saved")
            return redirect("people:detail", person_id=person.pk)
    status = 409 if stale else 200
    return render(
        request,
        "people/form.html",
        {"form": form, "title": f"Change details: {person.display_name}", "stale": stale, "person": person},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def address_add(request, person_id: int):
    person = _open(request, person_id)
    form = AddressForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.address_add(person=person, by=request.user, now=timezone.now(), **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Address added")
            return redirect("people:detail", person_id=person.pk)
    return render(request, "people/form.html", {"form": form, "title": f"Add an address: {person.display_name}"})


@login_required
@require_http_methods(["GET", "POST"])
def relationship_add(request, person_id: int):
    person = _open(request, person_id)
    form = RelationshipForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            related = _open(request, form.cleaned_data["related_id"], reason="relationship")
            services.relationship_add(
                person=person, related=related, kind=form.cleaned_data["kind"], by=request.user, now=timezone.now()
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        except (Http404, PermissionDenied, BreakGlassRequired):
            form.add_error("related_id", "No person with that ID that you can open")
        else:
            messages.success(request, "Relationship added")
            return redirect("people:detail", person_id=person.pk)
    return render(request, "people/form.html", {"form": form, "title": f"Add a relationship: {person.display_name}"})


@login_required
@require_http_methods(["GET", "POST"])
def break_glass(request, person_id: int):
    person = Person.objects.filter(pk=person_id).first()
    if person is None:
        raise Http404
    form = BreakGlassForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.break_glass_open(
                person=person, by=request.user, reason=form.cleaned_data["reason"], now=timezone.now()
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            target = request.POST.get("next") or request.GET.get("next") or ""
            if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
                return redirect(target)
            return redirect("people:detail", person_id=person_id)
    access = policy.person_access(request.user, person)
    if not access.may_break_glass and not access.allowed:
        raise PermissionDenied
    return render(
        request,
        "people/break_glass.html",
        {"form": form, "person_id": person_id, "next": request.GET.get("next", "")},
    )


@login_required
def access_log(request, person_id: int):
    person = _open(request, person_id, reason="access log")
    events = selectors.person_access_log(user=request.user, person=person, now=timezone.now())
    return render(request, "people/access_log.html", {"person": person, "events": events})


@login_required
@require_http_methods(["GET", "POST"])
def seal(request, person_id: int):
    """Seal or unseal a record, and say who may still see it (managers who may open the record)."""
    person = _open(request, person_id, reason="seal")
    policy.require(request.user, "people.seal", person)
    now = timezone.now()
    action = request.POST.get("action", "")
    seal_form = SealForm(request.POST if action == "seal" else None, prefix="seal")
    change_form = SealChangeForm(request.POST if action in {"unseal", "name", "unname"} else None, prefix="change")
    if request.method == "POST":
        try:
            if action == "seal" and seal_form.is_valid():
                services.person_seal(
                    person=person,
                    by=request.user,
                    reason=seal_form.cleaned_data["reason"],
                    named=seal_form.cleaned_data["named"].split(","),
                    now=now,
                )
                messages.success(request, "Record sealed: only the people named can see it exists")
                return redirect("people:seal", person_id=person.pk)
            if action in {"unseal", "name", "unname"} and change_form.is_valid():
                reason = change_form.cleaned_data["reason"]
                if action == "unseal":
                    services.person_unseal(person=person, by=request.user, reason=reason, now=now)
                    messages.success(request, "Seal lifted: the ordinary access rules apply again")
                elif action == "name":
                    services.seal_name_user(
                        person=person, username=change_form.cleaned_data["username"], by=request.user,
                        reason=reason, now=now,
                    )  # fmt: skip
                    messages.success(request, "User named on the seal")
                else:
                    services.seal_remove_user(
                        person=person, user_id=int(request.POST.get("user_id") or 0), by=request.user,
                        reason=reason, now=now,
                    )  # fmt: skip
                    messages.success(request, "User removed from the seal")
                return redirect("people:seal", person_id=person.pk)
        except ValidationError as exc:
            add_service_errors(seal_form if action == "seal" else change_form, exc)
        except ValueError:
            change_form.add_error(None, "Choose a named user")
    context = selectors.seal_page(user=request.user, person=person, now=now)
    return render(request, "people/seal.html", {**context, "seal_form": seal_form, "change_form": change_form})


@login_required
@require_POST
def break_glass_review(request, grant_id: int):
    grant = BreakGlassGrant.objects.filter(pk=grant_id).first()
    if grant is None:
        raise Http404
    try:
        services.break_glass_review(
            grant=grant,
            by=request.user,
            outcome=request.POST.get("outcome", ""),
            note=request.POST.get("note", ""),
            now=timezone.now(),
        )
    except ValidationError as exc:
        messages.error(request, "; ".join(exc.messages))
    return redirect("core:security_review")


DUPLICATES_PAGE_SIZE = 10  # each pair shows its evidence: ten make a long page already
# Likelihood bands for the filter: key -> (label, lowest, below).
DUPLICATE_BANDS = {"high": ("80% or more", 0.8, 1.01), "medium": ("50% to 80%", 0.5, 0.8), "low": ("Under 50%", 0, 0.5)}


@login_required
def duplicates(request):
    from safehub.people.matching_service import explain
    from safehub.people.models import DuplicateCandidate, DuplicateStatus, Merge

    policy.require(request.user, "people.merge")
    now = timezone.now()
    # Only pairs whose two records the reviewer may open: the queue is a list like any other, so a
    # sealed or unreachable record never appears in it (and never sends the page to break-glass).
    # The rule is applied to the two people each pair names (joins, as every list applies it), and
    # the queue is sorted and paged in the database: a region's queue holds thousands of pairs (7,700
    # at scale 5), read whole and checked in Python before (about 200 ms a page).
    pending = DuplicateCandidate.objects.filter(status=DuplicateStatus.PENDING)
    band = request.GET.get("band", "")
    if band in DUPLICATE_BANDS:
        low, high = DUPLICATE_BANDS[band][1:]
        pending = pending.filter(probability__gte=low, probability__lt=high)
    reviewable = pending.filter(
        policy.person_visible_q(request.user, now=now, field="person_a", unlinked=False),
        policy.person_visible_q(request.user, now=now, field="person_b", unlinked=False),
    ).only("pk", "person_a_id", "person_b_id", "probability", "found_at", "reasons")
    listing = viewutils.listing(request, reviewable, sorts={
        "probability": ("Likelihood", "probability"), "found": ("Found", "found_at"),
    }, default="probability", descending=True, per_page=DUPLICATES_PAGE_SIZE)  # fmt: skip
    pairs = list(listing.rows)
    people_on_page = Person.objects.in_bulk([p for pair in pairs for p in (pair.person_a_id, pair.person_b_id)])
    open_addresses: dict[int, str] = {}
    person_ids = [p for pair in pairs for p in (pair.person_a_id, pair.person_b_id)]
    for person_id, postcode in (
        Address.objects.filter(person_id__in=person_ids, ended_date__isnull=True)
        .order_by("person_id", "pk")
        .values_list("person_id", "postcode")
    ):
        open_addresses.setdefault(person_id, postcode)
    rows = []
    for pair in pairs:
        people = []
        for person in (people_on_page[pair.person_a_id], people_on_page[pair.person_b_id]):
            people.append(
                {
                    "id": person.pk,
                    "name": person.display_name,
                    "dob": person.date_of_birth,
                    "sex": person.get_sex_display(),
                    "nhs": person.nhs_number,
                    "postcode": open_addresses.get(person.pk, ""),
                }
            )
        rows.append(
            {
                "id": pair.pk,
                "probability": round(100 * pair.probability, 1),
                "found": pair.found_at,
                "people": people,
                "reasons": explain(pair.reasons or []),
            }
        )
    # The latest merges whose kept record the user may open (checked for these records only, as above).
    recent = list(Merge.objects.filter(undone_at__isnull=True).select_related("survivor", "merged")[:200])
    kept = set(
        policy.persons_visible_to(
            request.user, Person.objects.filter(pk__in={m.survivor_id for m in recent}), now=now
        ).values_list("pk", flat=True)
    )
    merges = [m for m in recent if m.survivor_id in kept][:25]
    with transaction.atomic():
        # Every record shown is a read: one audit row per person, in one write (the access was checked above).
        audit.record_list(actor=request.user, person_ids=list(people_on_page), at=now, view="duplicate review",
                          reason="duplicate review")  # fmt: skip
        audit.record_list(actor=request.user, person_ids=[m.survivor_id for m in merges], at=now, view="merges")
    return render(
        request,
        "people/duplicates.html",
        {
            "rows": rows,
            "merges": merges,
            "listing": listing,
            "page": listing.page,
            "pending": listing.total,
            "band": band,
            "bands": [(k, v[0]) for k, v in DUPLICATE_BANDS.items()],
        },
    )


@login_required
@require_POST
def duplicate_decide(request, candidate_id: int):
    from safehub.people.merging import duplicate_decide as decide
    from safehub.people.models import DuplicateCandidate

    candidate = DuplicateCandidate.objects.filter(pk=candidate_id).first()
    if candidate is None:
        raise Http404
    try:
        decide(candidate=candidate, same_person=request.POST.get("same") == "1", by=request.user, now=timezone.now())
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "Decision recorded")
    return redirect("people:duplicates")


@login_required
@require_POST
def unmerge(request, merge_id: int):
    from safehub.people.merging import person_unmerge
    from safehub.people.models import Merge

    merge = Merge.objects.filter(pk=merge_id).first()
    if merge is None:
        raise Http404
    try:
        person_unmerge(merge=merge, by=request.user, now=timezone.now(), reason=request.POST.get("reason", ""))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "Merge undone: both records stand on their own again")
    return redirect("people:duplicates")
