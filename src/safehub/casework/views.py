from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from safehub.agencies.models import Agency
from safehub.casework import case_selectors, case_services, selectors, services, unborn
from safehub.casework import forms as f
from safehub.casework.care import care_hooks
from safehub.casework.models import (
    Assessment,
    CaseOutcomeShare,
    ChildProtectionPlan,
    Section47,
    StrategyMeeting,
)
from safehub.casework.next_steps import NextStep
from safehub.core import audit, policy, viewutils
from safehub.core.errors import BreakGlassRequired, StaleEdit
from safehub.core.models import AuditAction
from safehub.people.models import Person
from safehub.people.selectors import person_get_for_user


def _person(request, person_id: int) -> Person:
    try:
        return person_get_for_user(user=request.user, person_id=person_id, now=timezone.now())
    except Person.DoesNotExist as exc:
        raise Http404 from exc


@login_required
def overview(request):
    now = timezone.now()
    team = request.GET.get("scope") == "team"
    return render(
        request,
        "casework/overview.html",
        {
            "tasks": selectors.tasks_page(
                user=request.user, now=now, team_wide=team, page_number=request.GET.get("page")
            ),
            "team": team,
            "attention": selectors.records_needing_attention(user=request.user, now=now),
        },
    )


@login_required
def shared_with_us(request):
    data = selectors.shared_with_my_agency(
        user=request.user, records_page=request.GET.get("records_page"), outcomes_page=request.GET.get("outcomes_page")
    )
    return render(request, "casework/shared.html", data)


@login_required
def transitions_view(request):
    as_of = timezone.localdate()
    show = request.GET.get("show", "all")
    show = show if show in selectors.TRANSITION_FILTERS else "all"
    people = selectors.transitions_people(user=request.user, as_of=as_of, show=show)
    listing = viewutils.listing(
        request,
        people,
        sorts={
            "name": ("Young person", ("sort_family", "sort_given")),
            "age": ("Age", "-sort_born"),
            "turns_18": ("Turns 18", "sort_born"),
        },
        default="age",
        descending=True,
    )
    rows = selectors.transitions_rows(user=request.user, people=list(listing.page), as_of=as_of)
    return render(
        request,
        "casework/transitions.html",
        {
            "rows": rows,
            "listing": listing,
            "page": listing.page,
            "show": show,
            "filters": selectors.TRANSITION_FILTERS,
        },
    )


def _action_forms() -> dict[str, type]:
    """The child page's action forms, in the page's order; the care forms are the looked-after app's."""
    care = care_hooks().action_forms  # handed down in LookedAfterConfig.ready() (casework.care)
    return {
        "assessment": f.AssessmentStartForm,
        "authorise": f.AssessmentAuthoriseForm,
        "s47": f.S47CompleteForm,
        "icpc": f.IcpcForm,
        "missing": f.MissingForm,
        "exploitation": f.ExploitationForm,
        "transition": f.TransitionForm,
        "cla_start": care["cla_start"],
        "cla_end": care["cla_end"],
        "cla_review": care["cla_review"],
        "health_assessment": f.HealthAssessmentForm,
        "cp_review": f.CPReviewForm,
        "care_leaver": f.CareLeaverForm,
    }


ACTION_SERVICES: dict[str, Callable[..., object]] = {  # each takes person, by, now and the form's fields
    "cla_start": services.cla_start,
    "cla_end": services.cla_end,
    "cla_review": services.cla_review_held,
    "health_assessment": services.health_assessment_done,
    "cp_review": services.cp_review_held,
    "care_leaver": services.care_leaver_status_record,
}


@login_required
def child(request, person_id: int):
    try:
        person = _person(request, person_id)
    except BreakGlassRequired:
        return redirect("people:break_glass", person_id=person_id)
    policy.require(request.user, "casework.overview")
    context = selectors.child_casework(person=person, now=timezone.now())
    context.update(
        {
            "person": person,
            "forms": {name: form(prefix=name) for name, form in _action_forms().items()},
            "can_record": policy.can(request.user, "casework.record"),
        }
    )
    return render(request, "casework/child.html", context)


@login_required
@require_POST
def child_action(request, person_id: int, action: str):
    person = _person(request, person_id)
    form_class = _action_forms().get(action)
    if form_class is None:
        raise Http404
    form = form_class(request.POST, prefix=action)
    now, user = timezone.now(), request.user
    if not form.is_valid():
        for field, errors in form.errors.items():
            messages.error(
                request,
                f"{form.fields[field].label if field in form.fields else ''}: {' '.join(str(e) for e in errors)}",
            )
        return redirect("casework:child", person_id=person_id)
    data = form.cleaned_data
    try:
        if action == "assessment":
            referral = person.referrals.order_by("-referral_date").first()
            services.assessment_start(person=person, start_date=data["start_date"], referral=referral, by=user, now=now)
        elif action == "authorise":
            assessment = Assessment.objects.filter(person=person, authorised_date__isnull=True).first()
            if assessment is None:
                raise ValidationError("There is no open assessment")
            _say_next_step(request, services.assessment_authorise(assessment=assessment, by=user, now=now, **data))
        elif action == "s47":
            s47 = Section47.objects.filter(person=person, completed_date__isnull=True).first()
            if s47 is None:
                raise ValidationError("There is no open section 47 enquiry")
            services.section47_complete(s47=s47, by=user, now=now, **data)
        elif action == "icpc":
            s47 = Section47.objects.filter(person=person, icpc_date__isnull=True).first()
            if s47 is None:
                raise ValidationError("There is no section 47 enquiry awaiting a conference")
            services.icpc_record(s47=s47, by=user, now=now, **data)
        elif action == "missing":
            services.missing_episode_record(person=person, by=user, now=now, **data)
        elif action == "exploitation":
            services.exploitation_assessment_record(
                person=person,
                by=user,
                now=now,
                level=data["level"],
                rationale=data["rationale"],
                kinds=data["kinds"],
                downgrade_agreed_by=[a.pk for a in data["downgrade_agreed_by"]],
                downgrade_agreement_note=data["downgrade_agreement_note"],
            )
        elif action == "transition":
            services.transition_plan_create(person=person, owner=user, by=user, now=now, **data)
        elif action in ACTION_SERVICES:
            ACTION_SERVICES[action](person=person, by=user, now=now, **data)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, "Saved")
    return redirect("casework:child", person_id=person_id)


@login_required
@require_http_methods(["GET", "POST"])
def meeting_new(request, person_id: int):
    person = _person(request, person_id)
    policy.require(request.user, "casework.convene")
    education = Agency.objects.filter(pupils__person=person, pupils__ended_date__isnull=True)
    form = f.ConveneForm(request.POST or None, education=education)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            meeting = services.meeting_convene(
                person=person,
                by=request.user,
                now=timezone.now(),
                scheduled_at=data["scheduled_at"],
                chair=data["chair"],
                reason=data["reason"],
                agencies=list(data["agencies"]) + list(data["schools"]),
                referral=person.referrals.order_by("-referral_date").first(),
            )
        except ValidationError as exc:
            from safehub.core.viewutils import add_service_errors

            add_service_errors(form, exc)
        else:
            messages.success(request, "Strategy meeting convened; the agencies invited can now see the child's record")
            return redirect("casework:meeting", meeting_id=meeting.pk)
    return render(request, "casework/meeting_new.html", {"form": form, "person": person})


def _meeting_view(request, meeting_id: int):
    try:
        return selectors.meeting_get_for_user(user=request.user, meeting_id=meeting_id, now=timezone.now())
    except StrategyMeeting.DoesNotExist as exc:
        raise Http404 from exc


@login_required
def meeting_detail(request, meeting_id: int):
    now = timezone.now()
    view = _meeting_view(request, meeting_id)
    if view.share is not None:
        services.record_read(share=view.share, by=request.user, now=now)
    context = selectors.meeting_page(view=view, now=now)
    meeting = view.meeting
    if view.full:
        unsaved = request.session.pop("casework_unsaved_record", "")
        context.update(
            {
                "attendance_form": f.AttendanceForm(meeting=meeting),
                "hold_form": f.HoldForm(),
                # After a refused stale save, the user's own text comes back for them to reconcile.
                "unsaved_record": unsaved,
                "record_form": f.RecordForm(
                    initial={"record_text": unsaved or meeting.record_text, "version": meeting.version}
                ),
                "is_chair": request.user.pk == meeting.chair_id,
            }
        )
    return render(request, "casework/meeting.html", context)


@login_required
@require_POST
def meeting_action(request, meeting_id: int, action: str):
    now, user = timezone.now(), request.user
    view = _meeting_view(request, meeting_id)
    if not view.full:
        raise PermissionDenied
    meeting = view.meeting
    try:
        if action == "attendance":
            form = f.AttendanceForm(request.POST, meeting=meeting)
            if not form.is_valid():
                raise ValidationError("Choose an agency and its attendance")
            services.attendance_record(meeting=meeting, by=user, now=now, **form.cleaned_data)
        elif action == "hold":
            hold_form = f.HoldForm(request.POST)
            if not hold_form.is_valid():
                raise ValidationError("Enter when the meeting took place and its decision")
            services.meeting_hold(meeting=meeting, by=user, now=now, **hold_form.cleaned_data)
        elif action == "record":
            record_form = f.RecordForm(request.POST)
            if not record_form.is_valid():
                raise ValidationError("Write the record of the meeting")
            services.record_draft(
                meeting=meeting,
                text=record_form.cleaned_data["record_text"],
                by=user,
                now=now,
                expected_version=record_form.cleaned_data["version"],
            )
        elif action == "approve":
            shares = services.record_approve(meeting=meeting, by=user, now=now)
            messages.success(request, f"Record approved and shared with {len(shares)} agencies")
            return redirect("casework:meeting", meeting_id=meeting_id)
        else:
            raise Http404
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    except StaleEdit:
        messages.error(
            request,
            "Someone changed the record while you were editing it. Your text is below: check theirs and save again.",
        )
        request.session["casework_unsaved_record"] = request.POST.get("record_text", "")
    else:
        messages.success(request, "Saved")
    return redirect("casework:meeting", meeting_id=meeting_id)


@login_required
def meeting_pdf(request, meeting_id: int):
    """The written record as a PDF a partner can download (only once approved, or in full for the LA)."""
    import weasyprint

    view = _meeting_view(request, meeting_id)
    meeting = view.meeting
    if meeting.record_approved_at is None and not view.full:
        raise PermissionDenied
    context = selectors.meeting_page(view=view, now=timezone.now())
    context["invites"] = list(meeting.invites.select_related("agency"))
    html = render_to_string("casework/record_pdf.html", context, request=request)
    pdf = weasyprint.HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf()
    audit.record(
        actor=request.user, action=AuditAction.EXPORT, subject=meeting, at=timezone.now(), details={"format": "pdf"}
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="strategy-record-{meeting.pk}.pdf"'
    return response


@login_required
def case_outcome(request, share_id: int):
    share = CaseOutcomeShare.objects.select_related("person").filter(pk=share_id).first()
    membership = policy.membership_for_user(request.user)
    if share is None or membership is None or share.agency_id != membership.agency_id:
        raise Http404
    services.case_outcome_read(share=share, by=request.user, now=timezone.now())
    return render(request, "casework/case_outcome.html", {"share": share})


# ---------------------------------------------------------------------------------------------
# The child's case (episode) and caseloads
# ---------------------------------------------------------------------------------------------

CASE_FORMS = {
    "open": f.CaseOpenForm,
    "allocate": f.AllocateForm,
    "note": f.CaseNoteForm,
    "cin_plan_start": f.CINPlanStartForm,
    "cin_plan_review": f.CINPlanReviewForm,
    "cin_plan_end": f.CINPlanEndForm,
    "close": f.CaseCloseForm,
    # served by child_action, offered on the case page when the stage fits
    "assessment": f.AssessmentStartForm,
    "authorise": f.AssessmentAuthoriseForm,
    "s47": f.S47CompleteForm,
    "cp_review": f.CPReviewForm,
    "core_group": f.CoreGroupForm,
    "pre_birth_assessment": f.AssessmentStartForm,
    "expected_date": f.ExpectedDateForm,
    "birth": f.BirthForm,
}
CASE_ACTION_LABELS = {
    "open": "Open a case with a new referral",
    "allocate": "Allocate or transfer the case",
    "note": "Record a case note or visit",
    "cin_plan_start": "Start a child-in-need plan",
    "cin_plan_review": "Record a child-in-need plan review",
    "cin_plan_end": "End the child-in-need plan",
    "close": "Close the case",
    "assessment": "Start an assessment",
    "authorise": "Authorise the assessment (with the primary need)",
    "s47": "Record the section 47 outcome",
    "cp_review": "Record a child protection review conference",
    "core_group": "Record a core group meeting",
    "pre_birth_assessment": "Start a pre-birth assessment",
    "expected_date": "Change the expected date of birth",
    "birth": "Record the birth",
}


@login_required
def caseload_view(request):
    scope = request.GET.get("scope", "mine")
    if scope not in case_selectors.SCOPES:
        scope = "mine"
    show = request.GET.get("show", "all")
    show = show if show in case_selectors.CASELOAD_FILTERS else "all"
    now = timezone.now()
    data = case_selectors.caseload_cases(user=request.user, now=now, scope=scope)
    listing = viewutils.listing(
        request,
        case_selectors.caseload_filter(data["rows"], show),
        sorts={
            "due": ("Due next", "next_due_on"),
            "name": ("Child", "sort_name"),
            "stage": ("Stage", "stage"),
            "worker": ("Worker", "worker"),
            "referral": ("Referral", "referral_date"),
            "seen": ("Last seen", "last_seen"),
        },
        default="due",
    )
    case_selectors.caseload_audit(user=request.user, rows=listing.rows, now=now, scope=scope)
    return render(
        request,
        "casework/caseload.html",
        {
            **data,
            "rows": listing.rows,
            "listing": listing,
            "page": listing.page,
            "show": show,
            "show_label": case_selectors.CASELOAD_FILTERS[show],
            "filters": case_selectors.CASELOAD_FILTERS,
        },  # fmt: skip
    )


@login_required
def case_view(request, person_id: int):
    try:
        person = _person(request, person_id)
    except BreakGlassRequired:
        return redirect("people:break_glass", person_id=person_id)
    policy.require(request.user, "casework.overview")
    context = case_selectors.case_page(user=request.user, person=person, now=timezone.now())
    context["person"] = person
    context["action_forms"] = [
        {"name": name, "label": CASE_ACTION_LABELS[name], "form": CASE_FORMS[name](prefix=name)}
        for name in context["actions"]
    ]
    return render(request, "casework/case.html", context)


@login_required
@require_POST
def case_action(request, person_id: int, action: str):
    """Run one case action; the action's service checks role and access, this view only routes the form."""
    try:
        person = _person(request, person_id)
    except BreakGlassRequired:
        return redirect("people:break_glass", person_id=person_id)
    form_class = CASE_FORMS.get(action)
    if form_class is None:
        raise Http404
    now, user = timezone.now(), request.user
    form = form_class(request.POST, prefix=action)
    if not form.is_valid():
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            messages.error(request, f"{label}: {' '.join(str(e) for e in errors)}")
        return redirect("casework:case", person_id=person_id)
    data = form.cleaned_data
    episode = case_services.open_episode_for(person.pk)
    try:
        if action == "open":
            case_services.episode_open(
                person=person, referral_date=data["referral_date"], source=data["source"], by=user, now=now
            )
        elif episode is None:
            raise ValidationError("This child has no open case")
        elif action == "allocate":
            case_services.episode_allocate(episode=episode, by=user, now=now, **data)
        elif action == "note":
            case_services.case_note_record(episode=episode, by=user, now=now, **data)
        elif action == "cin_plan_start":
            case_services.cin_plan_start(episode=episode, by=user, now=now, **data)
        elif action in ("cin_plan_review", "cin_plan_end"):
            plan = episode.cin_plans.filter(end_date__isnull=True).first()
            if plan is None:
                raise ValidationError("This case has no open child-in-need plan")
            if action == "cin_plan_review":
                case_services.cin_plan_review(plan=plan, by=user, now=now, **data)
            else:
                case_services.cin_plan_end(plan=plan, by=user, now=now, **data)
        elif action == "close":
            case_services.episode_close(
                episode=episode, closure_date=data["closure_date"], reason=data["reason"], by=user, now=now
            )
        elif action == "assessment":
            services.assessment_start(
                person=person, start_date=data["start_date"], referral=episode.referral, by=user, now=now
            )
        elif action == "authorise":
            assessment = Assessment.objects.filter(person=person, authorised_date__isnull=True).first()
            if assessment is None:
                raise ValidationError("There is no open assessment")
            authorised = services.assessment_authorise(assessment=assessment, by=user, now=now, **data)
            _say_next_step(request, authorised)
        elif action == "s47":
            s47 = Section47.objects.filter(person=person, completed_date__isnull=True).first()
            if s47 is None:
                raise ValidationError("There is no open section 47 enquiry")
            services.section47_complete(s47=s47, by=user, now=now, **data)
        elif action == "cp_review":
            services.cp_review_held(person=person, by=user, now=now, **data)
        elif action == "pre_birth_assessment":
            unborn.pre_birth_assessment_start(
                person=person, start_date=data["start_date"], referral=episode.referral, by=user, now=now
            )
        elif action == "expected_date":
            unborn.expected_date_record(person=person, by=user, now=now, **data)
        elif action == "birth":
            born = None
            if data["born_person_id"]:
                try:
                    born = person_get_for_user(user=user, person_id=data["born_person_id"], now=now)
                except (Person.DoesNotExist, BreakGlassRequired, PermissionDenied):
                    raise ValidationError("There is no record with that number that you may open") from None
            child = unborn.birth_record(
                unborn=person, born=born, date_of_birth=data["date_of_birth"], given_name=data["given_name"],
                sex=data["sex"], by=user, now=now,
            )  # fmt: skip
            messages.success(request, "Birth recorded: the case is now the child's")
            return redirect("casework:case", person_id=child.pk)
        elif action == "core_group":
            cp_plan = ChildProtectionPlan.objects.filter(person=person, end_date__isnull=True).first()
            if cp_plan is None:
                raise ValidationError("This child has no open child protection plan")
            case_services.core_group_record(plan=cp_plan, by=user, now=now, **data)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, "Saved")
    return redirect("casework:case", person_id=person_id)


def _say_next_step(request, assessment: Assessment) -> None:
    """Tell the person what the assessment's outcome started (a plan, a strategy discussion, closure)."""
    step = assessment.next_step
    if isinstance(step, NextStep):
        messages.info(request, step.message)
