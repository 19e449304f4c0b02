"""Thin views: one domain call each; templates get plain data."""

from __future__ import annotations

import secrets
from datetime import date, datetime, time

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from safehub.core import policy, viewutils
from safehub.core.calendar import UK
from safehub.core.errors import BreakGlassRequired, StaleEdit
from safehub.core.viewutils import add_service_errors
from safehub.partnership import forms, selectors, services, yearly
from safehub.partnership.models import (
    AssuranceCheck,
    AuditCase,
    MeetingAction,
    Recommendation,
    ReviewStage,
    SelfAssessmentReturn,
    SubGroup,
)
from safehub.people.models import Person
from safehub.people.selectors import person_get_for_user


def _moment(day: date, now: datetime) -> datetime:
    """A date typed into a form as a moment: now for today, otherwise 09:00 UK time that day."""
    return now if day >= now.astimezone(UK).date() else datetime.combine(day, time(9), tzinfo=UK)


def _form_page(
    request,
    form,
    *,
    title: str,
    back: int | None = None,
    intro: str = "",
    status: int = 200,
    button: str = "Save",
    back_url: str = "",
    back_label: str = "Back",
    points: list[str] | None = None,
    points_title: str = "",
):
    """``back``: the review the page links back to; ``back_url``: any other page (none: no back link).

    ``points``: a bulleted list shown above the form (e.g. the weaknesses a recommendation answers).
    """
    return render(
        request,
        "partnership/form.html",
        {
            "form": form,
            "title": title,
            "back": back,
            "back_url": back_url,
            "back_label": back_label,
            "intro": intro,
            "button": button,
            "points": points or [],
            "points_title": points_title,
        },
        status=status,
    )


def _manager_form(request, form, *, act, done: str, title: str, **page):
    """Run one partnership-manager action from a form page: refuse others, keep what was typed on errors.

    ``act(data, now)`` calls the one service and returns the address to go to next.
    """
    policy.require(request.user, "partnership.manage")
    if request.method == "POST" and form.is_valid():
        try:
            target = act(form.cleaned_data, timezone.now())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            if done:
                messages.success(request, done)
            return redirect(target)
    return _form_page(request, form, title=title, **page)


def _matching(rows: list[dict], q: str, *fields: str) -> list[dict]:
    """The rows whose named fields contain every word typed (any case)."""
    words = q.casefold().split()
    if not words:
        return rows
    return [r for r in rows if all(any(w in str(r.get(f) or "").casefold() for f in fields) for w in words)]


def _listed(request, rows: list[dict], *fields: str, sorts, default: str, descending: bool = False) -> dict:
    """Filter by ``?q=`` over the fields, then sort and page: the context every partnership list shares."""
    q = request.GET.get("q", "").strip()
    listing = viewutils.listing(request, _matching(rows, q, *fields), sorts=sorts, default=default,
                                descending=descending)  # fmt: skip
    return {"listing": listing, "page": listing.page, "q": q}


def _open_filter(request, rows: list[dict]) -> list[dict]:
    state = request.GET.get("state", "")
    if state in ("open", "resolved"):
        return [r for r in rows if r["open"] == (state == "open")]
    return rows


# ---------------------------------------------------------------------------------------------
# Dashboard
# ---------------------------------------------------------------------------------------------


@login_required
def home(request):
    return render(request, "partnership/dashboard.html", selectors.dashboard(user=request.user, now=timezone.now()))


# ---------------------------------------------------------------------------------------------
# Case reviews
# ---------------------------------------------------------------------------------------------


@login_required
def review_list(request):
    stage = request.GET.get("stage", "")
    stage = stage if stage in ReviewStage.values else ""
    late = request.GET.get("late") == "1"
    q = request.GET.get("q", "").strip()
    rows = _matching(selectors.review_list(user=request.user, now=timezone.now(), stage=stage, late_only=late),
                     q, "reference", "title", "agency")  # fmt: skip
    listing = viewutils.listing(request, rows, sorts={
        "reference": ("Reference", "reference"), "title": ("About", "title"), "agency": ("Referred by", "agency"),
        "decision": ("Decision", "decision"), "stage": ("Stage", "stage"), "referred": ("Referred", "referred"),
    }, default="referred", descending=True)  # fmt: skip
    return render(
        request,
        "partnership/review_list.html",
        {
            "listing": listing,
            "page": listing.page,
            "stages": ReviewStage.choices,
            "stage": stage,
            "late": late,
            "q": q,
            "can_refer": policy.can(request.user, "partnership.contribute"),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def review_refer(request):
    policy.require(request.user, "partnership.contribute")
    form = forms.ReferralForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        now = timezone.now()
        data = form.cleaned_data
        try:
            person = None
            if data["person_id"]:
                try:
                    person = person_get_for_user(
                        user=request.user, person_id=data["person_id"], now=now, reason="review referral"
                    )
                except (Person.DoesNotExist, PermissionDenied, BreakGlassRequired) as exc:
                    raise ValidationError({"person_id": "No person with that ID that you can open"}) from exc
            review = services.review_refer(
                by=request.user,
                now=now,
                title=data["title"],
                subject=data["subject"],
                summary=data["summary"],
                learned_at=_moment(data["learned_on"], now),
                incident_date=data["incident_date"],
                notifiable=data["notifiable"],
                themes=data["themes"],
            )
            if person is not None:
                services.review_link_person(review=review, person=person, role="SUBJECT", by=request.user, now=now)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Referral {review.reference} sent to the practice review group")
            return redirect("partnership:review_detail", review_id=review.pk)
    return _form_page(request, form, title="Refer a case to the practice review group", button="Send referral")


@login_required
def review_detail(request, review_id: int):
    review = selectors.review_get(user=request.user, review_id=review_id)
    context = selectors.review_detail(user=request.user, review=review, now=timezone.now())
    context["stage_labels"] = dict(ReviewStage.choices)
    return render(request, "partnership/review_detail.html", context)


def _review_action(
    request, review_id: int, form_class, title: str, act, *, initial=None, button="Save", done: str = ""
):
    """Run one manager action on a review from a small form page."""
    review = selectors.review_get(user=request.user, review_id=review_id)
    policy.require(request.user, "partnership.manage")
    form = form_class(request.POST or None, initial=initial(review) if initial else None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            act(review, form.cleaned_data, timezone.now())
        except ValidationError as exc:
            add_service_errors(form, exc)
        except StaleEdit:
            form.add_error(None, "Someone changed this review since you opened the page. Reload it and try again.")
            status = 409
        else:
            messages.success(request, done or f"{title}: saved")
            return redirect("partnership:review_detail", review_id=review.pk)
    return _form_page(
        request, form, title=f"{title}: {review.reference} {review.title}", back=review.pk, status=status, button=button
    )


@login_required
@require_http_methods(["GET", "POST"])
def review_decide(request, review_id: int):
    def act(review, data, now):
        services.review_decide(
            review=review,
            decision=data["decision"],
            rationale=data["decision_rationale"],
            by=request.user,
            now=now,
            expected_version=data["version"],
        )

    return _review_action(
        request,
        review_id,
        forms.DecisionForm,
        "Record the decision",
        act,
        initial=lambda r: {"version": r.version},
        done="Decision recorded",
    )


@login_required
@require_http_methods(["GET", "POST"])
def review_notify(request, review_id: int):
    def act(review, data, now):
        services.review_record_notification(
            review=review, notified_at=_moment(data["notified_on"], now), by=request.user, now=now
        )

    return _review_action(
        request,
        review_id,
        forms.NotificationForm,
        "Record the national panel notification",
        act,
        done="Notification recorded; the rapid review clock has started",
    )


@login_required
@require_http_methods(["GET", "POST"])
def review_rapid_review(request, review_id: int):
    def act(review, data, now):
        services.review_complete_rapid_review(
            review=review,
            recommendation=data["decision"],
            rationale=data["decision_rationale"],
            by=request.user,
            now=now,
        )

    return _review_action(
        request,
        review_id,
        forms.RapidReviewForm,
        "Record the rapid review outcome",
        act,
        done="Rapid review outcome recorded",
    )


@login_required
@require_http_methods(["GET", "POST"])
def review_commission(request, review_id: int):
    def act(review, data, now):
        services.review_commission(review=review, reviewer=data["reviewer"], by=request.user, now=now)

    return _review_action(
        request, review_id, forms.CommissionForm, "Commission the review", act, done="Review commissioned"
    )


@login_required
@require_http_methods(["GET", "POST"])
def review_publish(request, review_id: int):
    def act(review, data, now):
        services.review_publish(review=review, publication_url=data["publication_url"], by=request.user, now=now)

    return _review_action(
        request,
        review_id,
        forms.PublishForm,
        "Publish the review",
        act,
        button="Publish",
        done="Review published; the six-month assurance check is scheduled",
    )


@login_required
@require_http_methods(["GET", "POST"])
def review_edit(request, review_id: int):
    def act(review, data, now):
        services.review_update(
            review=review,
            themes=data["themes"],
            family_involvement=data["family_involvement"],
            family_involvement_note=data["family_involvement_note"],
            expected_version=data["version"],
            by=request.user,
            now=now,
        )

    def initial(review):
        return {
            "themes": review.themes,
            "family_involvement": review.family_involvement,
            "family_involvement_note": review.family_involvement_note,
            "version": review.version,
        }

    return _review_action(
        request,
        review_id,
        forms.ReviewEditForm,
        "Themes and family involvement",
        act,
        initial=initial,
        done="Review updated",
    )


@login_required
@require_http_methods(["GET", "POST"])
def review_assurance(request, review_id: int):
    def act(review, data, now):
        check = AssuranceCheck.objects.filter(review=review).first()
        if check is None:
            raise ValidationError("This review has no assurance check")
        services.assurance_check_complete(
            check=check,
            learning_embedded=data["learning_embedded"] == "yes",
            outcome=data["outcome"],
            by=request.user,
            now=now,
        )

    return _review_action(
        request,
        review_id,
        forms.AssuranceForm,
        "Six-month assurance check",
        act,
        done="Assurance check recorded; the review is closed",
    )


@login_required
@require_POST
def review_move(request, review_id: int):
    review = selectors.review_get(user=request.user, review_id=review_id)
    try:
        services.review_move(
            review=review,
            to_stage=request.POST.get("to_stage", ""),
            note=request.POST.get("note", ""),
            by=request.user,
            now=timezone.now(),
        )
    except ValidationError as exc:
        messages.error(request, "; ".join(exc.messages))
    else:
        messages.success(request, f"Moved to {review.get_stage_display()}")
    return redirect("partnership:review_detail", review_id=review.pk)


@login_required
@require_http_methods(["GET", "POST"])
def review_link_person(request, review_id: int):
    review = selectors.review_get(user=request.user, review_id=review_id)
    form = forms.LinkPersonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        now = timezone.now()
        try:
            person = person_get_for_user(
                user=request.user, person_id=form.cleaned_data["person_id"], now=now, reason="link to case review"
            )
            services.review_link_person(
                review=review, person=person, role=form.cleaned_data["role"], by=request.user, now=now
            )
        except (Person.DoesNotExist, PermissionDenied, BreakGlassRequired):
            form.add_error("person_id", "No person with that ID that you can open")
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Record linked")
            return redirect("partnership:review_detail", review_id=review.pk)
    return _form_page(request, form, title=f"Link a person's record: {review.reference}", back=review.pk)


def _recommendation_source(request, kind: str, pk: int) -> dict:
    if kind == "return":
        return {"self_assessment": selectors.return_get(user=request.user, return_id=pk)}
    if kind == "review":
        return {"review": selectors.review_get(user=request.user, review_id=pk)}
    if kind == "audit":
        return {"audit_record": selectors.audit_get(user=request.user, audit_id=pk)}
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
            "points": selectors.return_weaknesses(user=request.user, sa_return=sa_return),
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
    return _form_page(
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


# ---------------------------------------------------------------------------------------------
# Actions, inspections, notifications
# ---------------------------------------------------------------------------------------------


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
    return _form_page(request, form, title="Add an action", intro=rec.text)


@login_required
def action_list(request):
    agency = request.GET.get("agency", "")
    mine = request.GET.get("mine") == "1"
    agency_id = policy.agency_id_of(request.user) if mine else (int(agency) if agency.isdigit() else None)
    overdue = request.GET.get("overdue") == "1"
    q = request.GET.get("q", "").strip()
    rows = _matching(selectors.action_plan(user=request.user, now=timezone.now(), agency_id=agency_id,
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

    return _manager_form(
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


# ---------------------------------------------------------------------------------------------
# Audits
# ---------------------------------------------------------------------------------------------


@login_required
def audit_list(request):
    return render(
        request,
        "partnership/audit_list.html",
        {
            **_listed(
                request,
                selectors.audit_list(user=request.user),
                "title",
                "tool",
                "status",
                "priority",
                sorts={
                    "title": ("Audit", "title"),
                    "tool": ("Tool", "tool"),
                    "planned": ("Planned", "planned"),
                    "cases": ("Cases", "cases"),
                    "returns": ("Agency returns", "returns"),
                    "status": ("Status", "status"),
                },
                default="planned",
                descending=True,
            ),
            "can_manage": policy.can(request.user, "partnership.manage"),
        },  # fmt: skip
    )


@login_required
@require_http_methods(["GET", "POST"])
def audit_plan(request):
    def act(data, now):
        item = services.audit_plan(by=request.user, now=now, **data)
        return reverse("partnership:audit_detail", args=[item.pk])

    return _manager_form(
        request,
        forms.AuditPlanForm(request.POST or None),
        act=act,
        done="Audit planned",
        title="Plan a multi-agency audit",
        button="Plan the audit",
        back_url=reverse("partnership:audits"),
        back_label="All audits",
    )


@login_required
@require_http_methods(["GET", "POST"])
def audit_sample(request, audit_id: int):
    item = selectors.audit_get(user=request.user, audit_id=audit_id)

    def act(data, now):
        criteria = selectors.SampleCriteria(
            involvement_kind=data["involvement_kind"],
            agency_id=data["agency"].pk if data["agency"] else None,
            started_from=data["started_from"],
            started_to=data["started_to"],
        )
        seed = data["seed"] if data["seed"] is not None else secrets.randbelow(1_000_000)
        cases = services.audit_draw_sample(
            audit_item=item, criteria=criteria, size=data["size"], seed=seed, by=request.user, now=now
        )
        messages.success(request, f"{len(cases)} case{'s' if len(cases) != 1 else ''} sampled (draw number {seed})")
        return reverse("partnership:audit_detail", args=[item.pk])

    return _manager_form(
        request,
        forms.AuditSampleForm(request.POST or None),
        act=act,
        done="",
        title=f"Draw the case sample: {item.title}",
        intro="Cases are drawn at random from the records that match every criterion you give.",
        button="Draw the sample",
        back_url=reverse("partnership:audit_detail", args=[item.pk]),
        back_label="Back to the audit",
    )


@login_required
def audit_detail(request, audit_id: int):
    item = selectors.audit_get(user=request.user, audit_id=audit_id)
    return render(
        request,
        "partnership/audit_detail.html",
        selectors.audit_detail(user=request.user, audit_item=item, now=timezone.now()),
    )


@login_required
@require_http_methods(["GET", "POST"])
def audit_answer(request, audit_id: int, case_id: int):
    item = selectors.audit_get(user=request.user, audit_id=audit_id)
    case = AuditCase.objects.filter(pk=case_id, audit=item).first()
    if case is None:
        raise Http404
    form = forms.AuditAnswerForm(request.POST or None, questions=item.questions)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.audit_answer(
                case=case,
                answers={code: data[code] for code, _ in item.questions},
                grade=data["grade"],
                comments=data["comments"],
                by=request.user,
                now=timezone.now(),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Answers for case {case.number} saved")
            return redirect("partnership:audit_detail", audit_id=item.pk)
    return _form_page(request, form, title=f"{item.title}: case {case.number}", intro=item.get_tool_display())


# ---------------------------------------------------------------------------------------------
# Training and briefings
# ---------------------------------------------------------------------------------------------


@login_required
def training(request):
    overview = selectors.training_overview(user=request.user, now=timezone.now())
    overview.update(_listed(request, overview["events"], "title", "venue", sorts={
        "starts": ("Date", "starts"), "title": ("Course", "title"), "venue": ("Where", "venue"),
        "attended": ("Attended", "attended"), "useful": ("Found it useful", "useful_pct"),
    }, default="starts", descending=True))  # fmt: skip
    return render(request, "partnership/training.html", overview)


@login_required
@require_http_methods(["GET", "POST"])
def course_create(request):
    def act(data, now):
        services.course_create(by=request.user, now=now, **data)
        return reverse("partnership:training")

    return _manager_form(
        request,
        forms.CourseForm(request.POST or None),
        act=act,
        done="Course added",
        title="Add a training course",
        button="Add the course",
        back_url=reverse("partnership:training"),
        back_label="Learning and development",
    )


@login_required
@require_http_methods(["GET", "POST"])
def quality_check(request, course_id: int):
    course = selectors.course_get(user=request.user, course_id=course_id)

    def act(data, now):
        services.quality_check_record(
            course=course,
            reflects_legislation=data["reflects_legislation"] == "yes",
            reflects_local_policy=data["reflects_local_policy"] == "yes",
            includes_review_learning=data["includes_review_learning"] == "yes",
            note=data["note"],
            by=request.user,
            now=now,
        )
        return reverse("partnership:training")

    return _manager_form(
        request,
        forms.QualityCheckForm(request.POST or None),
        act=act,
        done="Quality-assurance check recorded",
        title=f"Quality-assurance check: {course.title}",
        button="Record the check",
        back_url=reverse("partnership:training"),
        back_label="Learning and development",
    )


@login_required
@require_http_methods(["GET", "POST"])
def event_schedule(request):
    def act(data, now):
        event = services.event_schedule(
            course=data["course"],
            starts_at=datetime.combine(data["starts_on"], data["starts_time"], tzinfo=UK),
            venue=data["venue"],
            capacity=data["capacity"],
            by=request.user,
            now=now,
        )
        return reverse("partnership:event_detail", args=[event.pk])

    course = request.GET.get("course", "")
    return _manager_form(
        request,
        forms.EventForm(request.POST or None, initial={"course": course} if course.isdigit() else None),
        act=act,
        done="Event scheduled",
        title="Schedule a training event",
        button="Schedule the event",
        back_url=reverse("partnership:training"),
        back_label="Learning and development",
    )


@login_required
@require_http_methods(["GET", "POST"])
def event_detail(request, event_id: int):
    event = selectors.event_get(user=request.user, event_id=event_id)
    manager = policy.can(request.user, "partnership.manage")
    form = forms.AttendanceForm(request.POST or None, choose_agency=manager)
    if request.method == "POST" and form.is_valid():
        try:
            services.attendance_record(event=event, by=request.user, now=timezone.now(), **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Attendance recorded")
            return redirect("partnership:event_detail", event_id=event.pk)
    context = selectors.event_detail(user=request.user, event=event)
    context["form"] = form if policy.can(request.user, "partnership.contribute") else None
    context["can_manage"] = manager
    return render(request, "partnership/event_detail.html", context)


@login_required
def briefing_list(request):
    return render(
        request,
        "partnership/briefings.html",
        {
            "briefings": selectors.briefing_list(user=request.user),
            "can_manage": policy.can(request.user, "partnership.manage"),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def briefing_publish(request):
    def act(data, now):
        briefing = services.briefing_publish(by=request.user, now=now, **data)
        return reverse("partnership:briefing_detail", args=[briefing.pk])

    return _manager_form(
        request,
        forms.BriefingForm(request.POST or None),
        act=act,
        done="Briefing published",
        title="Publish a briefing",
        button="Publish",
        back_url=reverse("partnership:briefings"),
        back_label="All briefings",
    )


@login_required
@require_http_methods(["GET", "POST"])
def briefing_detail(request, briefing_id: int):
    briefing = selectors.briefing_get(user=request.user, briefing_id=briefing_id)
    if request.method == "POST":
        services.briefing_mark_read(briefing=briefing, by=request.user, now=timezone.now())
        messages.success(request, "Thank you: your read receipt is recorded")
        return redirect("partnership:briefing_detail", briefing_id=briefing.pk)
    return render(
        request,
        "partnership/briefing_detail.html",
        {
            "briefing": briefing,
            "read_by_me": briefing.reads.filter(user=request.user).exists(),
            "reads": selectors.briefing_reads_by_agency(briefing=briefing),
        },
    )


# ---------------------------------------------------------------------------------------------
# Self-assessments
# ---------------------------------------------------------------------------------------------


@login_required
def cycle_list(request):
    return render(
        request,
        "partnership/cycles.html",
        {
            **_listed(
                request,
                selectors.cycle_list(user=request.user),
                "kind",
                "year",
                sorts={
                    "kind": ("Self-assessment", "kind"),
                    "cycle_year": ("Year", "cycle_year"),
                    "due": ("Due", "due"),
                    "submitted": ("Returned", "submitted"),
                },
                default="due",
                descending=True,
            ),
            "can_manage": policy.can(request.user, "partnership.manage"),
        },  # fmt: skip
    )


@login_required
@require_http_methods(["GET", "POST"])
def cycle_open(request):
    def act(data, now):
        cycle = services.cycle_open(by=request.user, now=now, **data)
        return reverse("partnership:cycle_detail", args=[cycle.pk])

    return _manager_form(
        request,
        forms.CycleForm(request.POST or None),
        act=act,
        done="Self-assessment opened; the agencies can now complete their returns",
        title="Open a self-assessment",
        button="Open the self-assessment",
        back_url=reverse("partnership:cycles"),
        back_label="All self-assessments",
    )


@login_required
def cycle_detail(request, cycle_id: int):
    cycle = selectors.cycle_get(user=request.user, cycle_id=cycle_id)
    return render(
        request,
        "partnership/cycle_detail.html",
        selectors.cycle_detail(user=request.user, cycle=cycle, now=timezone.now()),
    )


@login_required
@require_http_methods(["GET", "POST"])
def return_edit(request, return_id: int):
    sa_return = selectors.return_get(user=request.user, return_id=return_id)
    standards = sa_return.cycle.standards
    initial = {}
    for r in sa_return.ratings.all():
        initial[f"rating_{r.standard}"], initial[f"evidence_{r.standard}"] = r.rating, r.evidence
    form = forms.SelfAssessmentForm(request.POST or None, standards=standards, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.self_assessment_submit(
                sa_return=sa_return,
                ratings={code: (data[f"rating_{code}"], data[f"evidence_{code}"]) for code, _ in standards},
                by=request.user,
                now=timezone.now(),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Self-assessment submitted")
            return redirect("partnership:cycle_detail", cycle_id=sa_return.cycle_id)
    return _form_page(
        request,
        form,
        title=f"{sa_return.cycle.get_kind_display()} {sa_return.cycle.year}: {sa_return.agency.name}",
        intro=sa_return.cycle.get_cycle_year_display(),
        button="Submit",
    )


# ---------------------------------------------------------------------------------------------
# Escalations
# ---------------------------------------------------------------------------------------------


@login_required
def escalation_list(request):
    return render(
        request,
        "partnership/escalations.html",
        {
            **_listed(
                request,
                _open_filter(request, selectors.escalation_list(user=request.user, now=timezone.now())),
                "raised_by",
                "raised_with",
                "concern",
                sorts={
                    "raised": ("Raised", "raised"),
                    "raised_by": ("By", "raised_by"),
                    "raised_with": ("With", "raised_with"),
                    "stage": ("Stage", "stage"),
                    "outcome": ("Outcome", "outcome"),
                    "days": ("Working days", "working_days"),
                },
                default="raised",
                descending=True,
            ),
            "state": request.GET.get("state", ""),
            "can_raise": policy.can(request.user, "partnership.contribute"),
        },  # fmt: skip
    )


@login_required
@require_http_methods(["GET", "POST"])
def escalation_raise(request):
    policy.require(request.user, "partnership.contribute")
    form = forms.EscalationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.escalation_raise(by=request.user, now=timezone.now(), **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Escalation recorded at stage 1")
            return redirect("partnership:escalations")
    return _form_page(request, form, title="Raise a professional difference", button="Record")


@login_required
@require_http_methods(["GET", "POST"])
def escalation_detail(request, escalation_id: int):
    item = selectors.escalation_get(user=request.user, escalation_id=escalation_id)
    form = forms.EscalationResolveForm(request.POST or None)
    if request.method == "POST":
        try:
            if request.POST.get("escalate"):
                services.escalation_escalate(escalation=item, by=request.user, now=timezone.now())
                messages.success(request, f"Escalated to stage {item.stage}")
                return redirect("partnership:escalations")
            if form.is_valid():
                services.escalation_resolve(
                    escalation=item,
                    outcome=form.cleaned_data["outcome"],
                    note=form.cleaned_data["note"],
                    by=request.user,
                    now=timezone.now(),
                )
                messages.success(request, "Escalation resolved")
                return redirect("partnership:escalations")
        except ValidationError as exc:
            add_service_errors(form, exc)
    return render(request, "partnership/escalation_detail.html", {"item": item, "form": form})


# ---------------------------------------------------------------------------------------------
# Finance
# ---------------------------------------------------------------------------------------------


@login_required
def finance(request):
    years = yearly.finance_years()[:3]
    return render(
        request,
        "partnership/finance.html",
        {
            "years": yearly.contribution_list(user=request.user, years=years),
            "can_manage": policy.can(request.user, "partnership.manage"),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def contribution_record(request, contribution_id: int | None = None):
    policy.require(request.user, "partnership.manage")
    item = yearly.contribution_get(user=request.user, contribution_id=contribution_id) if contribution_id else None
    initial = (
        {
            "year": item.year,
            "budget": item.budget,
            "partner": item.partner,
            "organisation_name": item.organisation_name,
            "amount_gbp": item.amount_gbp,
            "in_kind": item.in_kind,
            "version": item.version,
        }
        if item
        else {}
    )
    form = forms.ContributionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version", None)
        try:
            services.contribution_record(
                by=request.user, now=timezone.now(), contribution=item, version=version, **data
            )
        except StaleEdit:
            form.add_error(None, "Someone else changed this contribution since you opened it. Reload and try again.")
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Contribution saved")
            return redirect("partnership:finance")
    return _form_page(
        request,
        form,
        title="Change a contribution" if item else "Record a partner contribution",
        back_url=reverse("partnership:finance"),
        back_label="Finance",
    )


# ---------------------------------------------------------------------------------------------
# Sub-group meetings
# ---------------------------------------------------------------------------------------------


@login_required
def meeting_list(request):
    policy.require(request.user, "partnership.view")
    group = request.GET.get("group", "")
    group = group if group in SubGroup.values else ""
    listing = viewutils.listing(request, selectors.meeting_rows(group=group),
                                sorts={"held": ("Held", "held_at"), "group": ("Sub-group", "group"),
                                       "present": ("Agencies present", "present"),
                                       "actions": ("Actions", "action_count")},
                                default="held", descending=True)  # fmt: skip
    return render(request, "partnership/meetings.html", {
        "listing": listing, "page": listing.page, "groups": SubGroup.choices, "group": group,
        "can_manage": policy.can(request.user, "partnership.manage"),
    })  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def meeting_record(request):
    form = forms.MeetingForm(request.POST or None)

    def act(data, now):
        meeting = services.meeting_record(
            group=data["group"], held_at=_moment(data["held_on"], now), chair_name=data["chair_name"],
            summary=data["summary"], decisions=data["decisions"], present=data["present"],
            apologies=[a for a in data["apologies"] if a not in data["present"]], by=request.user, now=now,
        )  # fmt: skip
        return reverse("partnership:meeting_detail", args=[meeting.pk])

    return _manager_form(request, form, act=act, done="Meeting recorded", title="Record a sub-group meeting",
                         back_url=reverse("partnership:meetings"), back_label="Back to meetings")  # fmt: skip


@login_required
def meeting_detail(request, meeting_id: int):
    meeting = selectors.meeting_get(user=request.user, meeting_id=meeting_id)
    return render(request, "partnership/meeting_detail.html",
                  selectors.meeting_detail(user=request.user, meeting=meeting, today=timezone.localdate()))  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def meeting_action_add(request, meeting_id: int):
    meeting = selectors.meeting_get(user=request.user, meeting_id=meeting_id)
    form = forms.MeetingActionForm(request.POST or None)
    back = reverse("partnership:meeting_detail", args=[meeting.pk])

    def act(data, now):
        services.meeting_action_add(meeting=meeting, description=data["description"], agency=data["agency"],
                                    owner_name=data["owner_name"], due_date=data["due_date"], by=request.user,
                                    now=now)  # fmt: skip
        return back

    return _manager_form(request, form, act=act, done="Action added", title=f"Add an action: {meeting}",
                         back_url=back, back_label="Back to the meeting")  # fmt: skip


@login_required
@require_POST
def meeting_action_complete(request, action_id: int):
    action = MeetingAction.objects.select_related("meeting").filter(pk=action_id).first()
    if action is None:
        raise Http404
    selectors.meeting_get(user=request.user, meeting_id=action.meeting_id)
    try:
        services.meeting_action_complete(action=action, by=request.user, now=timezone.now())
    except ValidationError as exc:
        messages.error(request, "; ".join(exc.messages))
    else:
        messages.success(request, "Action marked complete")
    return redirect("partnership:meeting_detail", action.meeting_id)


# ---------------------------------------------------------------------------------------------
# The yearly report's sign-off
# ---------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def report_drafts(request):
    drafts = selectors.report_drafts(user=request.user)
    manage = policy.can(request.user, "partnership.manage")
    form = None
    if manage:
        scrutineers = selectors.report_scrutineer_choices(user=request.user)
        form = forms.ReportDraftForm(request.POST or None, scrutineers=scrutineers)
        if request.method == "POST" and form.is_valid():
            chosen = next((u for u in scrutineers if str(u.pk) == form.cleaned_data["scrutineer"]), None)
            try:
                if chosen is None:
                    raise ValidationError({"scrutineer": "Choose the scrutineer"})
                draft = services.report_draft_start(year=form.cleaned_data["year"], scrutineer=chosen,
                                                    by=request.user, now=timezone.now())  # fmt: skip
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, f"Sign-off of the {draft.year} report started")
                return redirect("partnership:report_draft", draft.year)
    elif request.method == "POST":
        raise PermissionDenied
    return render(request, "partnership/report_drafts.html", {"drafts": drafts, "form": form})


@login_required
def report_draft(request, year: str):
    draft = selectors.report_draft_get(user=request.user, year=year)
    page = selectors.report_draft_page(user=request.user, draft=draft)
    if page["can_manage"]:
        page["assign_form"] = forms.SectionAssignForm(keys=page["keys"], leads=selectors.report_lead_choices())
    return render(request, "partnership/report_draft.html", page)


def _draft_action(request, year: str, act, done: str):
    """Run one sign-off step from a POST; show the service's refusal as an error message."""
    draft = selectors.report_draft_get(user=request.user, year=year)
    try:
        act(draft, timezone.now())
    except ValidationError as exc:
        messages.error(request, "; ".join(exc.messages))
    else:
        messages.success(request, done)
    return redirect("partnership:report_draft", draft.year)


def _user(user_id: str):
    from django.contrib.auth import get_user_model

    found = get_user_model().objects.filter(pk=user_id).first() if user_id.isdigit() else None
    if found is None:
        raise ValidationError({"lead": "Choose the partner lead"})
    return found


@login_required
@require_POST
def report_assign(request, year: str):
    key, lead = request.POST.get("key", ""), request.POST.get("lead", "")
    return _draft_action(request, year, lambda d, now: services.report_section_assign(
        draft=d, key=key, lead=_user(lead), by=request.user, now=now), "Section given to its lead")  # fmt: skip


@login_required
@require_POST
def report_ready(request, year: str, key: str):
    return _draft_action(request, year, lambda d, now: services.report_section_ready(
        draft=d, key=key, by=request.user, now=now), "Section marked ready for scrutiny")  # fmt: skip


@login_required
@require_POST
def report_comment(request, year: str):
    form = forms.ReportCommentForm(request.POST)
    key = request.POST.get("key", "")
    text = request.POST.get("text", "")
    if not form.is_valid():
        text = ""
    return _draft_action(request, year, lambda d, now: services.report_comment_add(
        draft=d, key=key, text=text, by=request.user, now=now), "Comment added")  # fmt: skip


@login_required
@require_POST
def report_submit(request, year: str):
    return _draft_action(request, year, lambda d, now: services.report_submit(draft=d, by=request.user, now=now),
                         "Sent to the independent scrutineer")  # fmt: skip


@login_required
@require_POST
def report_decide(request, year: str):
    if request.POST.get("decision") == "approve":
        return _draft_action(request, year, lambda d, now: services.report_approve(draft=d, by=request.user, now=now),
                             "Report approved for publication")  # fmt: skip
    reason = request.POST.get("reason", "")
    return _draft_action(request, year, lambda d, now: services.report_return(
        draft=d, reason=reason, by=request.user, now=now), "Report sent back for more work")  # fmt: skip


@login_required
@require_POST
def report_publish(request, year: str):
    return _draft_action(request, year, lambda d, now: services.report_publish(draft=d, by=request.user, now=now),
                         "Report published: this version is now fixed")  # fmt: skip


PUBLISHED_TYPES = {".html": "text/html; charset=utf-8", ".css": "text/css", ".pdf": "application/pdf",
                   ".svg": "image/svg+xml"}  # fmt: skip


@login_required
def report_published(request, year: str, name: str):
    from django.http import HttpResponse

    content, digest = selectors.published_report_file(user=request.user, year=year, name=name)
    kind = PUBLISHED_TYPES.get(name[name.rfind(".") :], "application/octet-stream")
    response = HttpResponse(content, content_type=kind)
    response["ETag"] = f'"{digest}"'
    if name.endswith(".pdf"):
        response["Content-Disposition"] = f'attachment; filename="yearly-report-{year}.pdf"'
    return response
