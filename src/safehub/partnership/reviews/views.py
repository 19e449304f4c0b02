"""Pages for case reviews: thin views, one domain call each; templates get plain data."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from safehub.core import policy, viewutils
from safehub.core.errors import BreakGlassRequired, StaleEdit
from safehub.core.viewutils import add_service_errors
from safehub.partnership.models import (
    AssuranceCheck,
    ReviewStage,
)
from safehub.partnership.pages import form_page, matching, moment
from safehub.partnership.reviews import forms, selectors, services
from safehub.people.models import Person
from safehub.people.selectors import person_get_for_user


@login_required
def review_list(request):
    stage = request.GET.get("stage", "")
    stage = stage if stage in ReviewStage.values else ""
    late = request.GET.get("late") == "1"
    q = request.GET.get("q", "").strip()
    rows = matching(selectors.review_list(user=request.user, now=timezone.now(), stage=stage, late_only=late),
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
                learned_at=moment(data["learned_on"], now),
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
    return form_page(request, form, title="Refer a case to the practice review group", button="Send referral")


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
    return form_page(
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
            review=review, notified_at=moment(data["notified_on"], now), by=request.user, now=now
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
                review=review,
                person=person,
                role=form.cleaned_data["role"],
                harm=form.cleaned_data["harm"],
                by=request.user,
                now=now,
            )
        except (Person.DoesNotExist, PermissionDenied, BreakGlassRequired):
            form.add_error("person_id", "No person with that ID that you can open")
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Record linked")
            return redirect("partnership:review_detail", review_id=review.pk)
    return form_page(request, form, title=f"Link a person's record: {review.reference}", back=review.pk)
