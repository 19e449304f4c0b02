"""Pages for the yearly report's sign-off: thin views, one domain call each; templates get plain data."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from safehub.core import policy
from safehub.core.viewutils import add_service_errors
from safehub.partnership.signoff import forms, selectors, services


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
