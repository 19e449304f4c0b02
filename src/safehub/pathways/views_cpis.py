"""CP-IS pages: the unscheduled care setting's lookup and attendance, the social worker's list, the export."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from safehub.core import exports as core_exports
from safehub.pathways import cpis_selectors, cpis_services
from safehub.pathways import forms as f
from safehub.pathways.models import CpisAttendance
from safehub.pathways.views import _flash_errors, _record_or_404


# --- CP-IS --------------------------------------------------------------------------------------------
@login_required
@require_http_methods(["GET", "POST"])
def cpis_lookup(request):
    """An unscheduled care setting looks up a child's flag by NHS number (POSTed: no number in a URL)."""
    now = timezone.now()
    cpis_selectors.require_cpis(request.user)
    form = f.CpisLookupForm(request.POST or None)
    result, attendance_form = None, None
    if request.method == "POST" and form.is_valid():
        result = cpis_selectors.cpis_lookup(
            user=request.user,
            nhs_number=form.cleaned_data["nhs_number"],
            date_of_birth=form.cleaned_data["date_of_birth"],
            now=now,
        )
        if result["state"] == "flagged":
            attendance_form = f.CpisAttendanceForm(
                initial={
                    "nhs_number": result["nhs_number"],
                    "date_of_birth": form.cleaned_data["date_of_birth"],
                    "attended_at": timezone.localtime(now).strftime("%d/%m/%Y %H:%M"),
                }
            )
    return render(
        request, "pathways/cpis_lookup.html", {"form": form, "result": result, "attendance_form": attendance_form}
    )


@login_required
@require_POST
def cpis_attendance(request):
    now = timezone.now()
    cpis_selectors.require_cpis(request.user)
    form = f.CpisAttendanceForm(request.POST)
    if not form.is_valid():
        for name, errors in form.errors.items():
            label = form.fields[name].label if name in form.fields else ""
            messages.error(request, f"{label}: {' '.join(str(e) for e in errors)}" if label else " ".join(errors))
        return redirect("pathways:cpis_lookup")
    try:
        made = cpis_services.cpis_attendance_record(by=request.user, now=now, **form.cleaned_data)
    except ValidationError as exc:
        _flash_errors(request, exc)
        return redirect("pathways:cpis_lookup")
    if made.notified_worker_id or made.notified_team_id:
        messages.success(request, "Attendance recorded: the allocated social worker has been notified")
    else:
        messages.warning(request, "Attendance recorded, but no worker is allocated: call the duty team")
    return redirect("pathways:cpis_recorded")


@login_required
def cpis_recorded(request):
    data = cpis_selectors.cpis_attendances_for_setting(
        user=request.user, now=timezone.now(), page_number=request.GET.get("page")
    )
    return render(request, "pathways/cpis_recorded.html", data)


@login_required
def cpis_attendances(request):
    """The social worker's list of flagged children's unscheduled care attendances, unseen first."""
    scope = "team" if request.GET.get("scope") == "team" else "mine"
    data = cpis_selectors.cpis_attendances_for_worker(
        user=request.user, now=timezone.now(), page_number=request.GET.get("page"), scope=scope
    )
    data["scope"] = scope
    return render(request, "pathways/cpis_attendances.html", data)


@login_required
@require_POST
def cpis_seen(request, attendance_id: int):
    attendance = _record_or_404(CpisAttendance, attendance_id)
    cpis_services.cpis_attendance_seen(attendance=attendance, by=request.user, now=timezone.now())
    messages.success(request, "Marked as seen")
    return redirect("pathways:cpis_attendances")


@login_required
@require_POST
def cpis_export(request):
    """Ask for the CP-IS file for the NHS national system: prepared in the background, offered on its page."""
    export = core_exports.export_request(
        user=request.user, kind=cpis_selectors.CPIS_EXPORT, parameters={}, now=timezone.now()
    )
    return redirect("core:export", export_id=export.pk)
