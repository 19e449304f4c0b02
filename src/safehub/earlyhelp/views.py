"""Thin views: one domain call each, access-checked getters only."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from safehub.core import policy
from safehub.core.errors import BreakGlassRequired
from safehub.core.viewutils import add_service_errors
from safehub.earlyhelp import forms as f
from safehub.earlyhelp import selectors, services
from safehub.earlyhelp.models import EarlyHelpEpisode, EpisodeStage
from safehub.frontdoor.models import Contact
from safehub.people.models import Person
from safehub.people.selectors import person_get_for_user


def _open_person(request, person_id: int) -> Person:
    try:
        return person_get_for_user(user=request.user, person_id=person_id, now=timezone.now())
    except Person.DoesNotExist as exc:
        raise Http404 from exc


def _post_action(request, form, call: Callable[[dict], object], ok: str) -> bool:
    if not form.is_valid():
        for name, errors in form.errors.items():
            label = form.fields[name].label if name in form.fields else ""
            messages.error(request, f"{label}: {' '.join(str(e) for e in errors)}" if label else " ".join(errors))
        return False
    try:
        call(form.cleaned_data)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return False
    except (PermissionDenied, BreakGlassRequired, Http404):
        messages.error(request, "You cannot do that on this record")
        return False
    messages.success(request, ok)
    return True


@login_required
def home(request):
    policy.require(request.user, "pathways.record")
    scope = request.GET.get("scope") or selectors.default_scope(request.user)
    scope = scope if scope in selectors.SCOPES else "mine"
    status = request.GET.get("status", "open")
    data = selectors.caseload(
        user=request.user, now=timezone.now(), scope=scope, status=status, page_number=request.GET.get("page")
    )
    data["can_step"] = policy.can(request.user, "casework.record")
    if scope in ("team", "all") and status == "open":
        data.update(
            selectors.front_door_requests(user=request.user, now=timezone.now(), page_number=request.GET.get("rpage"))
        )
    return render(request, "earlyhelp/home.html", data)


def _front_door_contact(raw, person: Person | None):
    """The front-door contact whose 'early help' decision this starts (only the child's own)."""
    if person is None or not raw or not str(raw).isdigit():
        return None
    return Contact.objects.filter(pk=int(raw), person=person, decision__outcome="EARLY_HELP").first()


def _family_choices(person: Person):
    return [(str(p.pk), f"{p.display_name} ({role.lower()})") for p, role in services.family_candidates(person)]


@login_required
@require_http_methods(["GET", "POST"])
def new(request):
    policy.require(request.user, "pathways.record")
    person = None
    raw = request.POST.get("person_id") or request.GET.get("person")
    if raw and raw.isdigit():
        try:
            person = _open_person(request, int(raw))
        except (Http404, PermissionDenied, BreakGlassRequired):
            person = None
            if request.method == "GET":
                messages.error(request, "No record with that ID that you can open")
    candidates = services.family_candidates(person) if person is not None else []
    roles = {str(p.pk): (p, role) for p, role in candidates}
    contact = _front_door_contact(request.POST.get("contact_id") or request.GET.get("contact"), person)
    form = f.OpenForm(
        request.POST or None,
        initial={
            "person_id": person.pk if person else None,
            "contact_id": contact.pk if contact else None,
            "origin": "FRONT_DOOR" if contact else "",
        },
        family_choices=_family_choices(person) if person is not None else [],
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if person is None or person.pk != data["person_id"]:
            form.add_error("person_id", "No record with that ID that you can open")
        else:
            try:
                episode = services.episode_open(
                    child=person, by=request.user, now=timezone.now(), origin=data["origin"],
                    assessment_start_date=data["assessment_start_date"], origin_reason=data["origin_reason"],
                    lead_professional=data["lead_professional"] or request.user,
                    family=[roles[k] for k in data["family"] if k in roles], contact=contact,
                )  # fmt: skip
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, f"Early help opened as {episode.reference}: the assessment has started")
                return redirect("earlyhelp:episode", episode_id=episode.pk)
    return render(
        request, "earlyhelp/form.html",
        {"form": form, "title": "Start early help", "person": person,
         "hint": "Enter the child's person ID and choose Save once to see their family from the person record."},
    )  # fmt: skip


ACTION_FORMS = {
    "assessment": f.AssessmentForm,
    "meeting": f.MeetingForm,
    "lead": f.LeadForm,
    "family": f.FamilyForm,
    "close": f.CloseForm,
    "step_up": f.StepUpForm,
    "specialist": f.SpecialistForm,
}
STAGE_ACTIONS = {
    EpisodeStage.ASSESSMENT: ["assessment", "meeting", "lead", "family", "specialist", "step_up", "close"],
    EpisodeStage.PLAN: ["meeting", "lead", "family", "specialist", "step_up", "close"],
    EpisodeStage.CLOSED: [],
}


def _episode(request, episode_id: int) -> EarlyHelpEpisode:
    return selectors.episode_get(user=request.user, episode_id=episode_id, now=timezone.now())


@login_required
def episode(request, episode_id: int):
    try:
        ep = _episode(request, episode_id)
    except BreakGlassRequired as exc:
        return redirect("people:break_glass", person_id=exc.person_id)
    context = selectors.episode_detail(user=request.user, episode=ep, now=timezone.now())
    actions = STAGE_ACTIONS[context["stage"]] if context["can_record"] and ep.origin != "ANNEX_A" else []
    if not context["can_step"]:
        actions = [a for a in actions if a != "step_up"]
    context["forms"] = [(name, ACTION_FORMS[name](prefix=name)) for name in actions]
    context["entry_form"], context["end_form"] = f.EntryForm(prefix="entry"), f.EndForm(prefix="end")
    # Link to the social care case only for users who may open it (a nursery DSL may not).
    context["can_open_case"] = policy.can(request.user, "casework.overview")
    return render(request, "earlyhelp/episode.html", context)


@login_required
@require_POST
def action(request, episode_id: int, name: str):
    now, user = timezone.now(), request.user
    try:
        ep = _episode(request, episode_id)
    except BreakGlassRequired as exc:
        return redirect("people:break_glass", person_id=exc.person_id)
    form_class = ACTION_FORMS.get(name)
    if form_class is None:
        raise Http404
    policy.require(user, "pathways.record")

    def meeting(d: dict) -> object:
        agencies = list(d["agencies"]) + ([d["setting"]] if d["setting"] else [])
        return services.meeting_record(
            episode=ep, by=user, now=now, kind=d["kind"], held_date=d["held_date"], agencies=agencies,
            family_attended=d["family_attended"], progress=d["progress"], note=d["note"],
        )  # fmt: skip

    def family(d: dict) -> object:
        person = Person.objects.filter(pk=d["person_id"]).first()
        if person is None:
            raise ValidationError("No person with that ID")
        return services.family_member_add(episode=ep, person=person, role=d["role"], by=user, now=now)

    def specialist(d: dict) -> object:
        adult = Person.objects.filter(pk=d["adult_id"]).first() if d["adult_id"] else None
        if d["adult_id"] and adult is None:
            raise ValidationError("No person with that ID")
        return services.specialist_attach(
            child=ep.person, by=user, now=now, kind=d["kind"], specialist=d["specialist"], adult=adult,
            started_date=d["started_date"], early_help=ep,
        )  # fmt: skip

    calls: dict[str, Callable[[dict], object]] = {
        "assessment": lambda d: services.assessment_complete(episode=ep, by=user, now=now, **d),
        "meeting": meeting,
        "lead": lambda d: services.lead_professional_set(episode=ep, by=user, now=now, **d),
        "family": family,
        "close": lambda d: services.episode_close(episode=ep, by=user, now=now, **d),
        "step_up": lambda d: services.step_up(episode=ep, by=user, now=now, **d),
        "specialist": specialist,
    }
    ok = {"step_up": "Stepped up: the referral is with children's social care and both records are linked"}
    _post_action(request, form_class(request.POST, prefix=name), calls[name], ok.get(name, "Saved"))
    return redirect("earlyhelp:episode", episode_id=ep.pk)


@login_required
@require_POST
def specialist_action(request, attachment_id: int, name: str):
    now, user = timezone.now(), request.user
    try:
        attachment = selectors.attachment_get(user=user, attachment_id=attachment_id, now=now)
    except BreakGlassRequired as exc:
        return redirect("people:break_glass", person_id=exc.person_id)
    if name == "entry":
        _post_action(
            request, f.EntryForm(request.POST, prefix="entry"),
            lambda d: services.specialist_entry_record(attachment=attachment, by=user, now=now, **d), "Work recorded",
        )  # fmt: skip
    elif name == "end":
        _post_action(
            request, f.EndForm(request.POST, prefix="end"),
            lambda d: services.specialist_end(attachment=attachment, by=user, now=now, **d), "Attachment ended",
        )  # fmt: skip
    else:
        raise Http404
    if attachment.early_help_id and request.POST.get("back") != "family":
        return redirect("earlyhelp:episode", episode_id=attachment.early_help_id)
    return redirect("earlyhelp:family_safeguarding", person_id=attachment.person_id)


@login_required
@require_http_methods(["GET", "POST"])
def family_safeguarding(request, person_id: int):
    """Family Safeguarding for a child: the specialists on the social care case or the early help."""
    now = timezone.now()
    try:
        person = _open_person(request, person_id)
    except BreakGlassRequired as exc:
        return redirect("people:break_glass", person_id=exc.person_id)
    context = selectors.family_safeguarding(user=request.user, person=person, now=now)
    case, early_help = context["case_episode"], context["early_help"]
    form = f.SpecialistForm(request.POST or None, prefix="specialist") if (case or early_help) else None
    if request.method == "POST":
        if form is None:
            raise Http404("The child has no open case to attach a specialist to")

        def attach(d: dict) -> object:
            adult = Person.objects.filter(pk=d["adult_id"]).first() if d["adult_id"] else None
            if d["adult_id"] and adult is None:
                raise ValidationError("No person with that ID")
            return services.specialist_attach(
                child=person, by=request.user, now=now, kind=d["kind"], specialist=d["specialist"], adult=adult,
                started_date=d["started_date"], case_episode=case, early_help=early_help,
            )  # fmt: skip

        _post_action(request, form, attach, "Specialist attached")
        return redirect("earlyhelp:family_safeguarding", person_id=person.pk)
    context["form"], context["back"] = form, "family"
    context["entry_form"], context["end_form"] = f.EntryForm(prefix="entry"), f.EndForm(prefix="end")
    context["can_open_case"] = policy.can(request.user, "casework.overview")
    return render(request, "earlyhelp/family_safeguarding.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def step_down(request):
    policy.require(request.user, "casework.record")
    form = f.StepDownForm(request.POST or None, initial={"person_id": request.GET.get("person")})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            person = _open_person(request, data.pop("person_id"))
            case = selectors.step_down_candidate(user=request.user, person=person, now=timezone.now())
            if case is None:
                raise ValidationError({"person_id": ["This child has no social care case to step down from"]})
            step = services.step_down(
                case_episode=case, by=request.user, now=timezone.now(), step_date=data["step_date"],
                reasons=data["reasons"], close_case_reason=data["close_case_reason"],
                lead_professional=data["lead_professional"] or request.user,
            )  # fmt: skip
        except (Http404, PermissionDenied, BreakGlassRequired):
            form.add_error("person_id", "No record with that ID that you can open")
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Stepped down: early help is open and linked to the social care case")
            return redirect("earlyhelp:episode", episode_id=step.early_help_id)
    return render(request, "earlyhelp/form.html", {"form": form, "title": "Step down to early help"})
