"""Thin views: one domain call each, access-checked getters only."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from safehub.core import policy
from safehub.core.calendar import (
    financial_year,
    financial_year_label,
    financial_year_of,
    financial_year_start,
    uk_date,
)
from safehub.core.errors import BreakGlassRequired
from safehub.core.uploads import upload_limit
from safehub.core.viewutils import add_service_errors
from safehub.pathways import cpis_selectors, roll_selectors, roll_services, selectors, services
from safehub.pathways import forms as f
from safehub.pathways.access import is_lado_team
from safehub.pathways.models import EducationRegisterEntry, MaracAction, MaracLink, PrivateFostering
from safehub.people.models import Person
from safehub.people.selectors import person_get_for_user


def _open_person(request, person_id: int) -> Person:
    """Open the person through the audited, access-checked getter (404 when there is none)."""
    try:
        return person_get_for_user(user=request.user, person_id=person_id, now=timezone.now())
    except Person.DoesNotExist as exc:
        raise Http404 from exc


def _record_or_404(model, pk: int):
    record = model.objects.filter(pk=pk).first()
    if record is None:
        raise Http404
    return record


def _flash_errors(request, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


def _post_action(request, form, call: Callable[[dict], object], ok: str) -> None:
    if not form.is_valid():
        for name, errors in form.errors.items():
            label = form.fields[name].label if name in form.fields else ""
            messages.error(request, f"{label}: {' '.join(str(e) for e in errors)}" if label else " ".join(errors))
        return
    try:
        call(form.cleaned_data)
    except ValidationError as exc:
        _flash_errors(request, exc)
    else:
        messages.success(request, ok)


@login_required
def home(request):
    user = request.user
    return render(
        request,
        "pathways/home.html",
        {
            "can_refer": policy.can(user, "pathways.lado_refer"),
            "can_record": policy.can(user, "pathways.record"),
            "can_measures": policy.can(user, "pathways.measures"),
            "is_lado_team": is_lado_team(user),
            "can_upload_roll": roll_selectors.may_upload_roll(user),
            "can_review_rolls": policy.can(user, "frontdoor.triage"),
            "can_cpis": cpis_selectors.may_use_cpis(user),
            "can_casework": policy.can(user, "casework.record"),
            "can_convene": policy.can(user, "casework.convene"),
            "can_export_cpis": policy.can(user, "frontdoor.sign_off"),
            "can_health_visiting": policy.can(user, "pathways.record") and cpis_selectors.may_use_cpis(user),
        },
    )


# --- LADO ------------------------------------------------------------------------------------------
@login_required
def lado_list(request):
    status = request.GET.get("status", "open")
    query = request.GET.get("q", "")
    data = selectors.lado_case_list(
        user=request.user, now=timezone.now(), page_number=request.GET.get("page"), status=status, query=query
    )
    data.update({"status": status, "q": query, "can_refer": policy.can(request.user, "pathways.lado_refer")})
    return render(request, "pathways/lado_list.html", data)


@login_required
@require_http_methods(["GET", "POST"])
def lado_new(request):
    policy.require(request.user, "pathways.lado_refer")
    form = f.LadoReferForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            case = services.lado_refer(by=request.user, now=timezone.now(), **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Referred to the LADO as {case.reference}")
            return redirect("pathways:lado_case", case_id=case.pk)
    return render(request, "pathways/form.html", {"form": form, "title": "Refer an allegation to the LADO"})


LADO_FORMS = {
    "consider": f.LadoConsiderForm,
    "meeting": f.LadoMeetingForm,
    "outcome": f.LadoOutcomeForm,
    "name": f.LadoNameForm,
}


@login_required
def lado_case(request, case_id: int):
    now = timezone.now()
    case = selectors.lado_case_get(user=request.user, case_id=case_id, now=now)
    context = selectors.lado_case_detail(user=request.user, case=case, now=now)
    if context["is_team"]:
        context["forms"] = {name: form(prefix=name) for name, form in LADO_FORMS.items()}
    return render(request, "pathways/lado_case.html", context)


@login_required
@require_POST
def lado_action(request, case_id: int, action: str):
    now, user = timezone.now(), request.user
    case = selectors.lado_case_get(user=user, case_id=case_id, now=now)
    form_class = LADO_FORMS.get(action)
    if form_class is None:
        raise Http404
    calls: dict[str, Callable[[dict], object]] = {
        "consider": lambda d: services.lado_initial_consideration(case=case, by=user, now=now, **d),
        "meeting": lambda d: services.lado_meeting_record(case=case, by=user, now=now, **d),
        "outcome": lambda d: services.lado_outcome_record(case=case, by=user, now=now, **d),
        "name": lambda d: services.lado_name_user(case=case, by=user, now=now, **d),
    }
    _post_action(request, form_class(request.POST, prefix=action), calls[action], "Saved")
    return redirect("pathways:lado_case", case_id=case.pk)


# --- Private fostering -----------------------------------------------------------------------------
@login_required
def pf_list(request):
    policy.require(request.user, "pathways.record")
    status = request.GET.get("status", "open")
    data = selectors.private_fostering_list(
        user=request.user, now=timezone.now(), page_number=request.GET.get("page"), status=status
    )
    data["status"] = status
    return render(request, "pathways/pf_list.html", data)


@login_required
@require_http_methods(["GET", "POST"])
def pf_new(request):
    policy.require(request.user, "pathways.record")
    form = f.PrivateFosteringForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            person = _open_person(request, data.pop("person_id"))
            arrangement = services.private_fostering_notify(person=person, by=request.user, now=timezone.now(), **data)
        except (Http404, PermissionDenied, BreakGlassRequired):
            form.add_error("person_id", "No record with that ID that you can open")
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Notification recorded: the initial visit is due within 7 working days")
            return redirect("pathways:pf", arrangement_id=arrangement.pk)
    return render(request, "pathways/form.html", {"form": form, "title": "Record a private fostering notification"})


def _arrangement(request, arrangement_id: int) -> PrivateFostering:
    arrangement = _record_or_404(PrivateFostering, arrangement_id)
    arrangement.person = _open_person(request, arrangement.person_id)
    return arrangement


@login_required
def pf_detail(request, arrangement_id: int):
    try:
        arrangement = _arrangement(request, arrangement_id)
    except BreakGlassRequired as exc:
        return redirect("people:break_glass", person_id=exc.person_id)
    context = selectors.private_fostering_detail(arrangement=arrangement, now=timezone.now())
    context["can_record"] = policy.can(request.user, "pathways.record")
    context["visit_form"], context["end_form"] = f.PfVisitForm(prefix="visit"), f.PfEndForm(prefix="end")
    return render(request, "pathways/pf_detail.html", context)


@login_required
@require_POST
def pf_action(request, arrangement_id: int, action: str):
    now, user = timezone.now(), request.user
    arrangement = _arrangement(request, arrangement_id)
    if action == "visit":
        _post_action(
            request,
            f.PfVisitForm(request.POST, prefix="visit"),
            lambda d: services.private_fostering_visit_record(arrangement=arrangement, by=user, now=now, **d),
            "Visit recorded",
        )
    elif action == "end":
        _post_action(
            request,
            f.PfEndForm(request.POST, prefix="end"),
            lambda d: services.private_fostering_end(arrangement=arrangement, by=user, now=now, **d),
            "Arrangement ended",
        )
    else:
        raise Http404
    return redirect("pathways:pf", arrangement_id=arrangement.pk)


# --- Education register ----------------------------------------------------------------------------
@login_required
def edu_list(request):
    policy.require(request.user, "pathways.record")
    status, kind = request.GET.get("status", "open"), request.GET.get("kind", "")
    data = selectors.education_register_list(
        user=request.user, now=timezone.now(), kind=kind, page_number=request.GET.get("page"), status=status
    )
    data.update({"status": status, "kind": kind})
    return render(request, "pathways/edu_list.html", data)


@login_required
@require_http_methods(["GET", "POST"])
def edu_new(request):
    policy.require(request.user, "pathways.record")
    form = f.EducationRegisterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            person = _open_person(request, data.pop("person_id"))
            entry = services.education_register_add(person=person, by=request.user, now=timezone.now(), **data)
        except (Http404, PermissionDenied, BreakGlassRequired):
            form.add_error("person_id", "No record with that ID that you can open")
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Added to the register")
            return redirect("pathways:edu", entry_id=entry.pk)
    return render(
        request, "pathways/form.html", {"form": form, "title": "Add a child missing education or home educated"}
    )


def _entry(request, entry_id: int) -> EducationRegisterEntry:
    entry = _record_or_404(EducationRegisterEntry, entry_id)
    entry.person = _open_person(request, entry.person_id)
    return entry


@login_required
def edu_detail(request, entry_id: int):
    try:
        entry = _entry(request, entry_id)
    except BreakGlassRequired as exc:
        return redirect("people:break_glass", person_id=exc.person_id)
    from safehub.pathways import rules

    today = uk_date(timezone.now())
    return render(
        request,
        "pathways/edu_detail.html",
        {
            "entry": entry,
            "enquiries_due": rules.cme_enquiries_due(entry.reported_date),
            "days_missing": rules.cme_days_missing(entry.reported_date, entry.education_restarted_date, as_of=today),
            "can_record": policy.can(request.user, "pathways.record"),
            "restart_form": f.EducationRestartForm(prefix="restart"),
            "refer_form": f.EducationReferForm(prefix="refer"),
        },
    )


@login_required
@require_POST
def edu_action(request, entry_id: int, action: str):
    now, user = timezone.now(), request.user
    entry = _entry(request, entry_id)
    if action == "restart":
        _post_action(
            request,
            f.EducationRestartForm(request.POST, prefix="restart"),
            lambda d: services.education_register_restart(
                entry=entry, by=user, now=now, restarted_date=d["restarted_date"], setting=d["setting"]
            ),
            "Education restart recorded",
        )
    elif action == "refer":
        _post_action(
            request,
            f.EducationReferForm(request.POST, prefix="refer"),
            lambda d: services.education_register_refer(entry=entry, by=user, now=now, concern=d["concern"]),
            "Sent to the front door as a contact",
        )
    else:
        raise Http404
    return redirect("pathways:edu", entry_id=entry.pk)


# --- MARAC -----------------------------------------------------------------------------------------
@login_required
def marac_list(request):
    policy.require(request.user, "pathways.record")
    data = selectors.marac_list(user=request.user, now=timezone.now(), page_number=request.GET.get("page"))
    return render(request, "pathways/marac_list.html", data)


@login_required
@require_http_methods(["GET", "POST"])
def marac_new(request):
    policy.require(request.user, "pathways.record")
    form = f.MaracLinkForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            person = _open_person(request, data.pop("person_id"))
            link = services.marac_link_record(person=person, by=request.user, now=timezone.now(), **data)
        except (Http404, PermissionDenied, BreakGlassRequired):
            form.add_error("person_id", "No record with that ID that you can open")
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "MARAC referral recorded")
            return redirect("pathways:marac", link_id=link.pk)
    return render(request, "pathways/form.html", {"form": form, "title": "Record a MARAC referral"})


def _link(request, link_id: int) -> MaracLink:
    link = _record_or_404(MaracLink, link_id)
    link.person = _open_person(request, link.person_id)
    return link


@login_required
def marac_detail(request, link_id: int):
    try:
        link = _link(request, link_id)
    except BreakGlassRequired as exc:
        return redirect("people:break_glass", person_id=exc.person_id)
    return render(
        request,
        "pathways/marac_detail.html",
        {
            "link": link,
            "actions": list(link.actions.select_related("agency")),
            "can_record": policy.can(request.user, "pathways.record"),
            "meeting_form": f.MaracMeetingForm(prefix="meeting"),
            "action_form": f.MaracActionForm(prefix="action"),
            "complete_form": f.MaracCompleteForm(prefix="complete"),
            "agency_id": policy.agency_id_of(request.user),
        },
    )


@login_required
@require_POST
def marac_action(request, link_id: int, action: str):
    now, user = timezone.now(), request.user
    link = _link(request, link_id)
    if action == "meeting":
        _post_action(
            request,
            f.MaracMeetingForm(request.POST, prefix="meeting"),
            lambda d: services.marac_meeting_set(link=link, by=user, now=now, **d),
            "Meeting date recorded",
        )
    elif action == "add":
        _post_action(
            request,
            f.MaracActionForm(request.POST, prefix="action"),
            lambda d: services.marac_action_add(link=link, by=user, now=now, **d),
            "Action recorded",
        )
    elif action == "complete":

        def complete(d: dict) -> object:
            item = MaracAction.objects.filter(pk=d["action_id"], link=link).first()
            if item is None:
                raise ValidationError("No such action on this referral")
            return services.marac_action_complete(item=item, by=user, now=now, completed_date=d["completed_date"])

        _post_action(request, f.MaracCompleteForm(request.POST, prefix="complete"), complete, "Action marked done")
    else:
        raise Http404
    return redirect("pathways:marac", link_id=link.pk)


# --- Measures --------------------------------------------------------------------------------------
@login_required
def measures(request):
    policy.require(request.user, "pathways.measures")
    now = timezone.now()
    today = uk_date(now)
    default = financial_year_of(today)
    label = request.GET.get("year", default)
    try:
        start, end = financial_year(label)
    except ValueError:
        messages.error(request, "Give the year like 2024-25")
        label = default
        start, end = financial_year(label)
    end = min(end, today) if start <= today else end
    args = {"user": request.user, "start": start, "end": end, "now": now}
    return render(
        request,
        "pathways/measures.html",
        {
            "year": label,
            "start": start,
            "end": end,
            "lado": selectors.lado_measures(**args),
            "pf": selectors.private_fostering_measures(**args),
            "edu": selectors.education_register_measures(**args),
            "marac": selectors.marac_measures(**args),
            "years": _years(today),
        },
    )


def _years(today: date) -> list[str]:
    first = financial_year_start(today)
    return [financial_year_label(y) for y in range(first, first - 3, -1)]


# --- Operation Encompass: setting rolls --------------------------------------------------------------
@login_required
@require_http_methods(["GET", "POST"])
def roll_list(request):
    """A setting's safeguarding lead uploads the roll and sees what earlier uploads came to."""
    now = timezone.now()
    data = roll_selectors.roll_uploads_for_setting(user=request.user, page_number=request.GET.get("page"))
    form = f.RollUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if getattr(request, "upload_too_large", False):
            form.add_error(None, f"The file is larger than {settings.SAFEHUB_MAX_UPLOAD_BYTES // (1024 * 1024)} MB")
        elif form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                made = roll_services.roll_upload(
                    by=request.user, now=now, file_name=upload.name, content=upload.read(upload_limit() + 1)
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, f"Roll read: {made.rows_total} pupil{'s' if made.rows_total != 1 else ''}")
                return redirect("pathways:roll", upload_id=made.pk)
    data["form"] = form
    return render(request, "pathways/roll_list.html", data)


@login_required
def roll_detail(request, upload_id: int):
    data = roll_selectors.roll_upload_get(
        user=request.user, upload_id=upload_id, now=timezone.now(), page_number=request.GET.get("page")
    )
    return render(request, "pathways/roll_detail.html", data)


@login_required
def roll_review(request):
    """The front door settles uncertain roll matches."""
    data = roll_selectors.roll_review_list(user=request.user, now=timezone.now(), page_number=request.GET.get("page"))
    return render(request, "pathways/roll_review.html", data)


@login_required
@require_POST
def roll_resolve(request, row_id: int):
    row = roll_selectors.roll_row_for_review(user=request.user, row_id=row_id)
    choice = request.POST.get("person_id", "")
    try:
        person_id = None if choice == "none" else int(choice)
    except ValueError:
        messages.error(request, "Choose one of the people suggested, or none of them")
        return redirect("pathways:roll_review")
    try:
        roll_services.roll_row_resolve(row=row, by=request.user, now=timezone.now(), person_id=person_id)
    except ValidationError as exc:
        _flash_errors(request, exc)
    else:
        messages.success(request, "Linked to the setting" if person_id else "Recorded: none of the people suggested")
    return redirect("pathways:roll_review")
