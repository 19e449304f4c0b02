"""The Ofsted Annex A page (``/exchange/annex-a/``, URL names ``exchange:annex_a`` and ``exchange:annex_a_export``).

Upload a workbook to import (run by the background task ``returns.annex_a.tasks``) or download
the lists for a financial year. The page is the return's own; the exchange app keeps the import
jobs and their pages (``exchange:annex_a_job``). ``config.urls`` mounts ``returns.annex_a.urls``
beside the exchange pages, so the addresses and URL names did not change when the page moved here.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from safehub.core import policy
from safehub.core.calendar import financial_year_of
from safehub.core.viewutils import add_service_errors
from safehub.exchange import selectors
from safehub.exchange import services as exchange_services
from safehub.exchange.safety import sniff_upload
from safehub.returns.annex_a import services
from safehub.returns.annex_a.forms import AnnexAExportForm, AnnexAImportForm
from safehub.returns.annex_a.tasks import run_annex_a_import


@login_required
@require_http_methods(["GET", "POST"])
def annex_a(request):
    policy.require(request.user, "exchange.annex_a")
    form = AnnexAImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        head = upload.read(settings.SAFEHUB_MAX_UPLOAD_BYTES + 1)
        if len(head) > settings.SAFEHUB_MAX_UPLOAD_BYTES:
            form.add_error("file", "The file is too large")
        elif sniff_upload(upload.name, head) != "xlsx":
            form.add_error("file", "Upload an .xlsx workbook")
        else:
            upload.seek(0)
            path = exchange_services.upload_store(upload)
            job = services.annex_a_job_create(
                path=path, file_name=Path(upload.name).name, by=request.user, now=timezone.now()
            )
            run_annex_a_import.enqueue(job.pk)
            return redirect("exchange:annex_a_job", job_id=job.pk)
    return render(
        request,
        "returns/annex_a.html",
        {
            "form": form,
            "export_form": AnnexAExportForm(initial={"year": _current_year()}),
            "jobs": selectors.import_jobs(user=request.user),
        },
    )


def _current_year() -> str:
    return financial_year_of(timezone.localdate())


@login_required
@require_POST
def annex_a_export(request):
    policy.require(request.user, "exchange.annex_a")
    form = AnnexAExportForm(request.POST)
    if not form.is_valid():
        return render(
            request,
            "returns/annex_a.html",
            {"form": AnnexAImportForm(), "export_form": form, "jobs": selectors.import_jobs(user=request.user)},
        )
    out = Path(tempfile.mkdtemp()) / f"annex-a-{form.cleaned_data['year']}.xlsx"
    try:
        services.annex_a_export(year=form.cleaned_data["year"], output=out, by=request.user, now=timezone.now())
    except ValidationError as exc:
        add_service_errors(form, exc)
        return render(
            request,
            "returns/annex_a.html",
            {"form": AnnexAImportForm(), "export_form": form, "jobs": selectors.import_jobs(user=request.user)},
        )
    return FileResponse(
        out.open("rb"),
        as_attachment=True,
        filename=out.name,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
