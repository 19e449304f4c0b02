from __future__ import annotations

import uuid
from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from safehub.core import audit, policy
from safehub.core import exports as core_exports
from safehub.core.errors import StaleEdit
from safehub.core.models import AuditAction
from safehub.core.viewutils import add_service_errors
from safehub.frontdoor import exports, selectors, services
from safehub.frontdoor.forms import (
    AnswerForm,
    ChildFormSet,
    ConsultationForm,
    ContactForm,
    DecisionForm,
    InformationRequestForm,
    LateFlagForm,
    PeriodForm,
    RagForm,
)
from safehub.frontdoor.models import (
    Consultation,
    Contact,
    EducationNotification,
    HealthVisitingNotice,
    InformationRequest,
    LateFlag,
)
from safehub.people.models import Person


def _contact_or_404(request, contact_id: int) -> Contact:
    try:
        return selectors.contact_get_for_user(user=request.user, contact_id=contact_id, now=timezone.now())
    except Contact.DoesNotExist as exc:
        raise Http404 from exc


def _apply_contact_errors(exc: ValidationError, form, formset) -> None:
    field: str | None
    for key, messages_ in exc.message_dict.items():
        target_form, field = form, key
        if key.startswith("child_"):
            _, index, field = key.split("_", 2)
            target_form = formset.forms[int(index)]
        if field not in target_form.fields:
            field = None
        for message in messages_:
            target_form.add_error(field, message)


@login_required
@require_http_methods(["GET", "POST"])
def contact_new(request):
    policy.require(request.user, "frontdoor.contact_create")
    now = timezone.now()
    if request.method == "POST" and request.POST.get("action") == "save_draft":
        services.draft_save(by=request.user, data=request.POST.dict(), now=now)
        return HttpResponse(status=204)
    restored = False
    if request.method == "POST":
        form, formset = ContactForm(request.POST), ChildFormSet(request.POST, prefix="child")
    else:
        draft = services.draft_get(by=request.user)
        restored = bool(draft)
        initial = {
            "received_at": timezone.localtime(now).strftime("%d/%m/%Y %H:%M"),
            "idempotency_key": uuid.uuid4().hex,
        }
        form = ContactForm(draft or None, initial=initial)
        formset = ChildFormSet(draft or None, prefix="child")
        if draft:
            form.is_valid()
            formset.is_valid()
    if request.method == "POST":
        forms_ok = form.is_valid() & formset.is_valid()
        if forms_ok:
            children = [
                services.ChildEntry(
                    family_name=f.cleaned_data.get("family_name") or "",
                    given_name=f.cleaned_data.get("given_name") or "",
                    date_of_birth=f.cleaned_data.get("date_of_birth"),
                    sex=f.cleaned_data.get("sex") or "U",
                    ethnicity=f.cleaned_data.get("ethnicity") or "NOBT",
                    child_voice=f.cleaned_data.get("child_voice") or "",
                    voice_not_recorded_reason=f.cleaned_data.get("voice_not_recorded_reason") or "",
                    postcode=f.cleaned_data.get("postcode") or "",
                    person_id=f.cleaned_data.get("person_id"),
                )
                for f in formset.forms
                if not f.is_blank()
            ]
            data = dict(form.cleaned_data.items())
            try:
                contacts = services.contact_record(by=request.user, now=now, children=children, **data)
            except ValidationError as exc:
                _apply_contact_errors(exc, form, formset)
            else:
                messages.success(
                    request, f"Contact recorded for {len(contacts)} child{'ren' if len(contacts) > 1 else ''}"
                )
                if policy.can(request.user, "frontdoor.queue"):
                    return redirect("frontdoor:contact", contact_id=contacts[0].pk)
                return redirect("frontdoor:outcomes")
        # Keep everything typed, even if the session times out before it is corrected.
        services.draft_save(by=request.user, data=request.POST.dict(), now=now)
    return render(
        request,
        "frontdoor/contact_form.html",
        {
            "form": form,
            "formset": formset,
            "restored": restored,
            "can_match": policy.can(request.user, "frontdoor.triage"),
        },
    )


@login_required
def queue(request):
    now = timezone.now()
    context = selectors.mash_queue_page(
        user=request.user, now=now, status=request.GET.get("status", ""), page_number=request.GET.get("page")
    )
    return render(request, "frontdoor/queue.html", {**context, "now": now})


@login_required
def contact_detail(request, contact_id: int):
    now = timezone.now()
    contact = _contact_or_404(request, contact_id)
    context = selectors.contact_page(user=request.user, contact=contact, now=now)
    if contact.person_id is None and policy.can(request.user, "frontdoor.triage"):
        context["candidates"] = selectors.match_candidates(user=request.user, contact=contact, now=now)
    context.update(
        {
            "rag_form": RagForm(prefix="rag"),
            "decision_form": DecisionForm(prefix="decision", initial={"version": contact.version}),
            "request_form": InformationRequestForm(),
            "late_form": LateFlagForm(),
            "can_sign_off": policy.can(request.user, "frontdoor.sign_off"),
            "can_flag_late": contact.is_police and policy.can(request.user, "frontdoor.flag_late"),
        }
    )
    return render(request, "frontdoor/contact_detail.html", context)


def _post_action(request, contact_id: int, action, success: str):
    contact = _contact_or_404(request, contact_id)
    try:
        action(contact)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    except StaleEdit:
        messages.error(request, "Someone changed this contact while you were working on it. Check it and try again.")
    else:
        messages.success(request, success)
    return redirect("frontdoor:contact", contact_id=contact_id)


@login_required
@require_POST
def contact_rate(request, contact_id: int):
    form = RagForm(request.POST, prefix="rag")
    if not form.is_valid():
        messages.error(request, "Choose a RAG rating and give your reason")
        return redirect("frontdoor:contact", contact_id=contact_id)
    return _post_action(
        request,
        contact_id,
        lambda c: services.contact_rate(
            contact=c,
            rating=form.cleaned_data["rating"],
            rationale=form.cleaned_data["rationale"],
            by=request.user,
            now=timezone.now(),
        ),
        "RAG rating recorded",
    )


@login_required
@require_POST
def contact_match(request, contact_id: int):
    person_id = request.POST.get("person_id", "")
    if request.POST.get("create") == "1":
        return _post_action(
            request,
            contact_id,
            lambda c: services.contact_create_person(contact=c, by=request.user, now=timezone.now()),
            "New person record created and linked",
        )
    person = Person.objects.filter(pk=person_id).first() if person_id.isdigit() else None
    if person is None:
        messages.error(request, "Choose a person to link")
        return redirect("frontdoor:contact", contact_id=contact_id)
    return _post_action(
        request,
        contact_id,
        lambda c: services.contact_match_person(contact=c, person=person, by=request.user, now=timezone.now()),
        "Child linked to the person record",
    )


@login_required
@require_POST
def contact_request_information(request, contact_id: int):
    form = InformationRequestForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose an agency and say what you need to know")
        return redirect("frontdoor:contact", contact_id=contact_id)
    return _post_action(
        request,
        contact_id,
        lambda c: services.information_request_create(
            contact=c,
            agency=form.cleaned_data["agency"],
            question=form.cleaned_data["question"],
            urgency=form.cleaned_data["urgency"],
            by=request.user,
            now=timezone.now(),
        ),
        "Request sent",
    )


@login_required
@require_POST
def contact_decide(request, contact_id: int):
    form = DecisionForm(request.POST, prefix="decision")
    if not form.is_valid():
        messages.error(request, "Choose a decision and give the rationale")
        return redirect("frontdoor:contact", contact_id=contact_id)
    return _post_action(
        request,
        contact_id,
        lambda c: services.decision_record(
            contact=c,
            outcome=form.cleaned_data["outcome"],
            rationale=form.cleaned_data["rationale"],
            expected_version=form.cleaned_data.get("version"),
            by=request.user,
            now=timezone.now(),
        ),
        "Decision recorded: it now needs a manager's sign-off",
    )


@login_required
@require_POST
def contact_sign_off(request, contact_id: int):
    def act(contact):
        if not hasattr(contact, "decision"):
            raise ValidationError("There is no decision to sign off")
        services.decision_sign_off(decision=contact.decision, by=request.user, now=timezone.now())

    return _post_action(request, contact_id, act, "Decision signed off and shared with the agencies involved")


@login_required
@require_POST
def contact_flag_late(request, contact_id: int):
    form = LateFlagForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Say why the referral was late")
        return redirect("frontdoor:contact", contact_id=contact_id)
    contact = Contact.objects.filter(pk=contact_id).first()
    if contact is None:
        raise Http404
    try:
        services.late_flag_raise(
            contact=contact, reason=form.cleaned_data["reason"], by=request.user, now=timezone.now()
        )
        messages.success(request, "Flagged as late: the police will see your flag")
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    if policy.can(request.user, "frontdoor.queue"):
        return redirect("frontdoor:contact", contact_id=contact_id)
    return redirect("frontdoor:police_timeliness")


def _period(data):
    form = PeriodForm(data or None)
    today = timezone.localdate()
    start, end = today - timedelta(days=90), today
    if form.is_valid():
        start = form.cleaned_data.get("start") or start
        end = form.cleaned_data.get("end") or end
    return form, start, end


@login_required
@require_POST
def police_timeliness_export(request):
    """Ask for the period's police timeliness CSV: the task worker prepares it, its page offers it."""
    form, start, end = _period(request.POST)
    try:
        export = core_exports.export_request(
            user=request.user,
            kind=exports.POLICE_TIMELINESS_EXPORT,
            parameters=exports.police_timeliness_parameters(start, end),
            now=timezone.now(),
        )
    except core_exports.ExportRefused as exc:
        messages.error(request, str(exc).capitalize())
        return redirect("frontdoor:police_timeliness")
    return redirect("core:export", export_id=export.pk)


@login_required
def police_timeliness(request):
    form, start, end = _period(request.GET)
    now = timezone.now()
    data = selectors.police_timeliness_summary(user=request.user, start=start, end=end, now=now)
    max_week = max((w["all"] for w in data["trend"]), default=1) or 1
    for w in data["trend"]:
        w["bar"] = round(100 * w["all"] / max_week)
    page = selectors.police_timeliness_rows(
        user=request.user, start=start, end=end, now=now, page=request.GET.get("page")
    )
    with transaction.atomic():
        audit.record_list(
            actor=request.user, person_ids=[r["person_id"] for r in page.object_list], at=now, view="police timeliness"
        )
    return render(
        request,
        "frontdoor/police_timeliness.html",
        {
            "form": form,
            "data": data,
            "page": page,
            "page_query": f"start={start:%d/%m/%Y}&end={end:%d/%m/%Y}",
            "start": start,
            "end": end,
            "is_police": policy.role_of(request.user) == "POLICE_SAFEGUARDING_OFFICER",
            "can_flag": policy.can(request.user, "frontdoor.flag_late"),
        },
    )


@login_required
def ppn_grading(request):
    """PPNs the police graded below the MASH, by month and police unit (JTAI recommendation 1)."""
    form, start, end = _period(request.GET)
    data = selectors.ppn_grading(
        user=request.user, start=start, end=end, now=timezone.now(), page_number=request.GET.get("page")
    )
    strategy = selectors.ppn_strategy_timeliness(user=request.user, start=start, end=end, now=timezone.now())
    return render(request, "frontdoor/ppn_grading.html", {"form": form, "data": data, "page": data["page"],
                                                          "start": start, "end": end, "strategy": strategy})  # fmt: skip


@login_required
def health_visiting(request):
    """Domestic abuse notices for children under 5 with no setting, for their health visiting team."""
    data = selectors.health_visiting_notices(user=request.user, now=timezone.now(), page_number=request.GET.get("page"))
    return render(request, "frontdoor/health_visiting.html", data)


@login_required
@require_POST
def health_visiting_acknowledge(request, notice_id: int):
    notice = HealthVisitingNotice.objects.filter(pk=notice_id).first()
    if notice is None:
        raise Http404
    services.health_visiting_notice_acknowledge(notice=notice, by=request.user, now=timezone.now())
    messages.success(request, "Notice acknowledged")
    return redirect("frontdoor:health_visiting")


@login_required
@require_POST
def late_flag_respond(request, flag_id: int):
    flag = LateFlag.objects.filter(pk=flag_id).first()
    if flag is None:
        raise Http404
    services.late_flag_respond(
        flag=flag, response=request.POST.get("response", ""), by=request.user, now=timezone.now()
    )
    messages.success(request, "Response recorded")
    return redirect("frontdoor:police_timeliness")


@login_required
def health_queue(request):
    now = timezone.now()
    membership = policy.require(request.user, "frontdoor.health_request_answer")
    _, start, end = _period(request.GET)
    return render(
        request,
        "frontdoor/health_queue.html",
        {
            "queue": selectors.information_queue(user=request.user, now=now, page_number=request.GET.get("page")),
            "capacity": selectors.information_capacity(
                agency_id=membership.agency_id, user=request.user, start=start, end=end, now=now
            ),
            "agency": membership.agency,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def health_answer(request, request_id: int):
    info = InformationRequest.objects.select_related("contact", "agency").filter(pk=request_id).first()
    membership = policy.require(request.user, "frontdoor.health_request_answer")
    if info is None or info.agency_id != membership.agency_id:
        raise Http404
    form = AnswerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.information_request_answer(
                request=info,
                answer=form.cleaned_data["answer"],
                nothing_known=form.cleaned_data["nothing_known"],
                by=request.user,
                now=timezone.now(),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Answer sent to the front door")
            return redirect("frontdoor:health_queue")
    return render(request, "frontdoor/health_answer.html", {"info": info, "form": form})


@login_required
def notifications(request):
    now = timezone.now()
    context = {}
    if policy.can(request.user, "frontdoor.notification_acknowledge"):
        mine = selectors.notifications_for_setting_page(user=request.user, now=now, page_number=request.GET.get("page"))
        context.update({"mine": mine["rows"], "page": mine["page"], "mine_total": mine["total"]})
    if policy.can(request.user, "frontdoor.notification_overview"):
        context["overview"] = selectors.notifications_overview(user=request.user, now=now)
    if not context:
        raise PermissionDenied
    return render(request, "frontdoor/notifications.html", context)


@login_required
@require_POST
def notification_acknowledge(request, notification_id: int):
    notification = EducationNotification.objects.filter(pk=notification_id).first()
    if notification is None:
        raise Http404
    services.notification_acknowledge(notification=notification, by=request.user, now=timezone.now())
    messages.success(request, "Notification acknowledged")
    return redirect("frontdoor:notifications")


@login_required
def outcomes(request):
    data = selectors.outcomes_for_agency_page(
        user=request.user, now=timezone.now(), page_number=request.GET.get("page")
    )
    return render(request, "frontdoor/outcomes.html", data)


@login_required
def outcome_detail(request, share_id: int):
    try:
        share = selectors.outcome_share_for_user(user=request.user, share_id=share_id)
    except Exception as exc:  # noqa: BLE001 - any miss is a 404 to avoid revealing other agencies' shares
        if isinstance(exc, PermissionDenied):
            raise
        raise Http404 from exc
    services.outcome_share_read(share=share, by=request.user, now=timezone.now())
    return render(
        request,
        "frontdoor/outcome_detail.html",
        {"share": share, "contact": share.contact, "decision": getattr(share.contact, "decision", None)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def consultations(request):
    form = ConsultationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            membership = policy.membership_for_user(request.user)
            services.consultation_record(
                by=request.user,
                now=timezone.now(),
                asked_by_agency=None if policy.is_front_door(request.user) else membership.agency,
                **form.cleaned_data,
            )
        except (ValidationError, PermissionDenied) as exc:
            if isinstance(exc, PermissionDenied):
                form.add_error("advice", "Only the front door can record advice")
            else:
                add_service_errors(form, exc)
        else:
            messages.success(request, "Consultation recorded")
            return redirect("frontdoor:consultations")
    return render(
        request,
        "frontdoor/consultations.html",
        {
            "form": form,
            **selectors.consultations_page(user=request.user, page_number=request.GET.get("page")),
            "is_front_door": policy.is_front_door(request.user),
        },
    )


@login_required
@require_POST
def consultation_advise(request, consultation_id: int):
    consultation = Consultation.objects.filter(pk=consultation_id).first()
    if consultation is None:
        raise Http404
    try:
        services.consultation_advise(
            consultation=consultation, advice=request.POST.get("advice", ""), by=request.user, now=timezone.now()
        )
        contact_id = request.POST.get("contact_id", "").strip()
        if contact_id:
            contact = Contact.objects.filter(pk=int(contact_id) if contact_id.isdigit() else 0).first()
            if contact is None:
                raise ValidationError("No contact with that ID")
            services.consultation_link_contact(
                consultation=consultation, contact=contact, by=request.user, now=timezone.now()
            )
        messages.success(request, "Advice recorded")
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("frontdoor:consultations")


@login_required
@require_POST
def match_lookup(request):
    """Ranked candidates for one child on the contact form (front door only); the lookup is audited."""
    from safehub.core.forms import GovDateField
    from safehub.people.matching_service import lookup_candidates

    policy.require(request.user, "frontdoor.triage")
    prefix = request.POST.get("prefix", "child-0")
    get = lambda name: request.POST.get(f"{prefix}-{name}", "").strip()  # noqa: E731
    try:
        dob = GovDateField(required=False).clean(get("date_of_birth"))
    except ValidationError:
        dob = None
    candidates = []
    if get("family_name") or get("given_name"):
        now = timezone.now()
        found = lookup_candidates(
            given_name=get("given_name"),
            family_name=get("family_name"),
            date_of_birth=dob,
            sex=get("sex"),
            postcode=get("postcode"),
        )
        candidates = selectors.candidates_visible(user=request.user, candidates=found, now=now, view="contact form")
        audit.record(
            actor=request.user,
            action=AuditAction.SEARCH,
            at=now,
            object_type="people.Person",
            details={"results": len(candidates), "via": "contact form"},
        )
    return render(request, "frontdoor/_candidates.html", {"candidates": candidates, "prefix": prefix})
