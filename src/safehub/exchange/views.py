"""Exchange pages: data returns, the provision tracker, Annex A import jobs, API tokens.

The Annex A page itself (upload and export) is the return's own, ``returns.annex_a.views``.
"""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.management import get_commands
from django.db import transaction
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from safehub.agencies.models import Agency
from safehub.core import policy, viewutils
from safehub.core.viewutils import add_service_errors
from safehub.exchange import returns, selectors, services
from safehub.exchange.forms import SubmissionForm, TokenForm
from safehub.exchange.models import ApiToken, ImportJob
from safehub.exchange.safety import write_csv
from safehub.exchange.tasks import run_submission_validation


def _adults_csv() -> dict | None:
    """The adults app's CSV import/export, when it exists (built there, linked here)."""
    if "adults_csv" not in get_commands():
        return None
    for name in ("adults:csv", "adults:csv_import", "adults:import"):
        try:
            return {"url": reverse(name), "command": "safehub adults_csv"}
        except NoReverseMatch:
            continue
    return {"url": None, "command": "safehub adults_csv"}


@login_required
@require_http_methods(["GET", "POST"])
def home(request):
    policy.require(request.user, "exchange.submit")
    now = timezone.now()
    choices = selectors.submission_choices(user=request.user, now=now)
    periods = [(p, returns.quarter_label(p[0])) for p in reversed(choices["periods"])]
    form = SubmissionForm(request.POST or None, request.FILES or None, returns_=choices["returns"], periods=periods)
    if request.method == "POST" and getattr(request, "upload_too_large", False):
        form.add_error(None, f"The file is larger than {settings.SAFEHUB_MAX_UPLOAD_BYTES // (1024 * 1024)} MB")
    elif request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > settings.SAFEHUB_MAX_UPLOAD_BYTES:
            form.add_error("file", "The file is too large")
        else:
            path = services.upload_store(upload)
            try:
                job = services.submission_job_create(
                    agency=choices["agency"],
                    return_code=form.cleaned_data["return_code"],
                    period_start=date.fromisoformat(form.cleaned_data["period_start"]),
                    file_name=upload.name,
                    path=path,
                    by=request.user,
                    now=now,
                )
            except ValidationError as exc:
                path.unlink(missing_ok=True)
                add_service_errors(form, exc)
            else:
                # Parsed and validated by the task worker, never in the request (CONVENTIONS 3).
                transaction.on_commit(lambda: run_submission_validation.enqueue(job.pk))
                return redirect("exchange:submission_job", job_id=job.pk)
    context = {
        "form": form,
        "agency": choices["agency"],
        "owes_returns": bool(choices["returns"]),
        "submissions": selectors.submissions_for_user(user=request.user),
        "reminders": [
            {
                "return": returns.return_specs()[r.return_code].title,
                "quarter": returns.quarter_label(r.period_start),
                "due": r.due_date,
                "kind": r.get_kind_display(),
            }
            for r in selectors.reminders_for_user(user=request.user)
            if r.return_code in returns.return_specs()
        ],
        "can_track": policy.can(request.user, "exchange.tracker"),
        "can_annex_a": policy.can(request.user, "exchange.annex_a"),
        "can_tokens": policy.can(request.user, "exchange.tokens"),
        "adults_csv": _adults_csv(),
        "schemas": [
            {"code": s.code, "version": s.version, "title": s.title, "columns": [c.name for c in s.columns]}
            for s in choices["returns"]
        ],
    }
    return render(request, "exchange/home.html", context)


@login_required
def submission_detail(request, submission_id: int):
    try:
        submission = selectors.submission_for_user(user=request.user, submission_id=submission_id)
    except Exception as exc:
        if exc.__class__.__name__ == "DoesNotExist":
            raise Http404 from exc
        raise
    spec = returns.return_specs().get(submission.return_code)
    return render(
        request,
        "exchange/submission.html",
        {
            "s": submission,
            "title": spec.title if spec else submission.return_code,
            "quarter": returns.quarter_label(submission.period_start),
            "values": list(
                submission.values.order_by("measure", "period_label").values(
                    "measure", "period_label", "value", "count"
                )[:200]
            ),
        },
    )


@login_required
def tracker(request):
    data = selectors.tracker(user=request.user, now=timezone.now())
    rows = data["rows"]
    for row in rows:
        row["outstanding"] = sum(c["status"] in ("missing", "rejected") for c in row["cells"])
        row["late"] = sum(c["status"] == "late" for c in row["cells"])
    q = request.GET.get("q", "").strip().casefold()
    if q:
        rows = [r for r in rows if q in r["agency"].casefold() or q in r["agency_code"].casefold()]
    returns_offered = sorted({(r["return_code"], r["return"]) for r in data["rows"]})
    chosen = request.GET.get("return", "")
    if chosen in {code for code, _ in returns_offered}:
        rows = [r for r in rows if r["return_code"] == chosen]
    state = request.GET.get("state", "")
    if state == "outstanding":
        rows = [r for r in rows if r["outstanding"]]
    elif state == "late":
        rows = [r for r in rows if r["late"] or r["outstanding"]]
    listing = viewutils.listing(request, rows, sorts={
        "agency": ("Agency", "agency"), "return": ("Return", "return"),
        "outstanding": ("Missing or rejected", "outstanding"), "late": ("Late", "late"),
    }, default="agency")  # fmt: skip
    return render(request, "exchange/tracker.html", {
        **data, "listing": listing, "page": listing.page, "q": request.GET.get("q", ""), "returns": returns_offered,
        "chosen": chosen, "state": state,
    })  # fmt: skip


@login_required
@require_POST
def remind(request):
    made = services.submission_reminders_create(now=timezone.now(), by=request.user)
    messages.success(request, f"{len(made)} reminders created")
    return redirect("exchange:tracker")


def _job_context(request, job_id: int) -> dict:
    try:
        return selectors.import_job_progress(user=request.user, job_id=job_id)
    except ImportJob.DoesNotExist as exc:
        raise Http404 from exc


@login_required
def submission_job(request, job_id: int):
    """A queued or running return: progress until it is validated, then its report."""
    context = selectors.submission_job_progress(user=request.user, job_id=job_id)
    if context["job"].submission_id:
        target = reverse("exchange:submission", kwargs={"submission_id": context["job"].submission_id})
        if request.htmx:
            return HttpResponse(status=204, headers={"HX-Redirect": target})
        return redirect(target)
    return render(request, "exchange/submission_job.html", context)


@login_required
def annex_a_job(request, job_id: int):
    return render(request, "exchange/annex_a_job.html", _job_context(request, job_id))


@login_required
def annex_a_job_progress(request, job_id: int):
    return render(request, "exchange/_job_progress.html", _job_context(request, job_id))


@login_required
def annex_a_job_errors(request, job_id: int):
    context = _job_context(request, job_id)
    rows = [[e["list"], e["row"], e["column"], e["value"], e["message"]] for e in context["job"].errors]
    out = Path(tempfile.mkdtemp()) / f"annex-a-{job_id}-errors.csv"
    write_csv(out, services.ERROR_HEADER, rows)
    return FileResponse(out.open("rb"), as_attachment=True, filename=out.name, content_type="text/csv")


@login_required
@require_http_methods(["GET", "POST"])
def tokens(request):
    rows = selectors.tokens_list(user=request.user)
    agencies = list(Agency.objects.filter(is_active=True).order_by("name"))
    form = TokenForm(request.POST or None, agencies=agencies)
    new_key = None
    if request.method == "POST" and form.is_valid():
        agency = next(a for a in agencies if a.code == form.cleaned_data["agency"])
        user = get_user_model().objects.filter(username=form.cleaned_data["username"]).first()
        if user is None:
            form.add_error("username", "No user with that username")
        else:
            try:
                token, new_key = services.api_token_create(
                    agency=agency,
                    user=user,
                    scopes=form.cleaned_data["scopes"],
                    name=form.cleaned_data["name"],
                    by=request.user,
                    now=timezone.now(),
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                rows = selectors.tokens_list(user=request.user)
                form = TokenForm(agencies=agencies)
    context = {
        "form": form,
        "new_key": new_key,
        "tokens": [
            {
                "id": t.pk,
                "prefix": t.prefix,
                "name": t.name,
                "agency": t.agency.name,
                "user": t.user.username,
                "scopes": ", ".join(t.scopes),
                "created_at": t.created_at,
                "revoked_at": t.revoked_at,
            }
            for t in rows
        ],
    }
    return render(request, "exchange/tokens.html", context)


@login_required
@require_POST
def token_revoke(request, token_id: int):
    policy.require(request.user, "exchange.tokens")
    token = ApiToken.objects.filter(pk=token_id).first()
    if token is None:
        raise Http404
    services.api_token_revoke(token=token, by=request.user, now=timezone.now())
    messages.success(request, f"Token {token.prefix} revoked")
    return redirect("exchange:tokens")
