"""Pages for sub-group meetings: thin views, one domain call each; templates get plain data."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from safehub.core import policy, viewutils
from safehub.partnership.meetings import forms, selectors, services
from safehub.partnership.models import (
    MeetingAction,
    SubGroup,
)
from safehub.partnership.pages import manager_form, moment


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
            group=data["group"], held_at=moment(data["held_on"], now), chair_name=data["chair_name"],
            summary=data["summary"], decisions=data["decisions"], present=data["present"],
            apologies=[a for a in data["apologies"] if a not in data["present"]], by=request.user, now=now,
        )  # fmt: skip
        return reverse("partnership:meeting_detail", args=[meeting.pk])

    return manager_form(request, form, act=act, done="Meeting recorded", title="Record a sub-group meeting",
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

    return manager_form(request, form, act=act, done="Action added", title=f"Add an action: {meeting}",
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
