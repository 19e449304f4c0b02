"""Pages for training and briefings: thin views, one domain call each; templates get plain data."""

from __future__ import annotations

from datetime import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from safehub.core import policy
from safehub.core.calendar import UK
from safehub.core.viewutils import add_service_errors
from safehub.partnership.learning import forms, selectors, services
from safehub.partnership.pages import listed, manager_form


@login_required
def training(request):
    overview = selectors.training_overview(user=request.user, now=timezone.now())
    overview.update(listed(request, overview["events"], "title", "venue", sorts={
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

    return manager_form(
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

    return manager_form(
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
    return manager_form(
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

    return manager_form(
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
