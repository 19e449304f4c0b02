"""Missing episodes to strategy discussions: the prompts list, linking one, convening one."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from safehub.agencies.models import Agency, AgencyKind
from safehub.casework.models import MissingEpisode, StrategyMeeting
from safehub.core import policy
from safehub.core.viewutils import add_service_errors
from safehub.pathways import forms as f
from safehub.pathways import missing_strategy
from safehub.pathways.views import _flash_errors, _open_person, _record_or_404


# --- Missing episodes to strategy discussions ---------------------------------------------------------
@login_required
def missing_list(request):
    status = "linked" if request.GET.get("status") == "linked" else "waiting"
    data = missing_strategy.missing_strategy_prompts(
        user=request.user, now=timezone.now(), page_number=request.GET.get("page"), status=status
    )
    return render(request, "pathways/missing_list.html", data)


@login_required
@require_POST
def missing_link(request, episode_id: int):
    now = timezone.now()
    episode = _record_or_404(MissingEpisode, episode_id)
    form = f.MissingLinkForm(request.POST)
    meeting = StrategyMeeting.objects.filter(pk=form.cleaned_data["meeting"]).first() if form.is_valid() else None
    if meeting is None:
        messages.error(request, "Choose the strategy discussion")
        return redirect("pathways:missing_list")
    try:
        missing_strategy.missing_strategy_link(episode=episode, meeting=meeting, by=request.user, now=now)
    except ValidationError as exc:
        _flash_errors(request, exc)
    else:
        messages.success(request, "Linked: the strategy discussion is recorded against the missing episode")
    return redirect("pathways:missing_list")


@login_required
@require_http_methods(["GET", "POST"])
def missing_convene(request, episode_id: int):
    """Convene the strategy discussion a high-risk missing episode prompts; it is linked at once."""
    now = timezone.now()
    episode = _record_or_404(MissingEpisode, episode_id)
    policy.require(request.user, "casework.convene")
    _open_person(request, episode.person_id)  # access-checked and audited (break-glass offered as on the record)
    chairs = (
        get_user_model()
        .objects.filter(
            is_active=True,
            membership__agency_id=policy.agency_id_of(request.user) or 0,
            membership__role__in=["SOCIAL_WORKER", "FRONT_DOOR_MANAGER"],
        )
        .order_by("last_name", "first_name")
    )
    form = f.MissingConveneForm(request.POST or None, chairs=chairs, initial={"chair": request.user.pk})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        police = (
            list(Agency.objects.filter(kind=AgencyKind.POLICE, is_active=True)[:1]) if data["invite_police"] else []
        )
        try:
            missing_strategy.missing_strategy_convene(
                episode=episode, by=request.user, now=now, scheduled_at=data["scheduled_at"], chair=data["chair"],
                agencies=police,
            )  # fmt: skip
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Strategy discussion convened and linked to the missing episode")
            return redirect("pathways:missing_list")
    return render(
        request, "pathways/form.html", {"form": form, "title": "Convene a strategy discussion for a missing child"}
    )
