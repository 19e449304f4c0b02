"""An export's page (being prepared, ready or failed) and its download, for the person who asked."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from safehub.core import exports
from safehub.core.exports_models import ExportStatus, PreparedExport


def _context(request, export_id: int) -> dict:
    try:
        export = exports.export_for_user(user=request.user, export_id=export_id, now=timezone.now())
    except PreparedExport.DoesNotExist as exc:
        raise Http404 from exc
    return {
        "export": export,
        "title": exports.title_of(export),
        "back_url": exports.back_url_of(export),
        "finished": export.status != ExportStatus.WAITING,
    }


@login_required
def export_page(request, export_id: int):
    return render(request, "core/export.html", _context(request, export_id))


@login_required
def export_progress(request, export_id: int):
    return render(request, "core/_export_progress.html", _context(request, export_id))


@login_required
def export_download(request, export_id: int):
    try:
        export = exports.export_for_download(
            user=request.user, export_id=export_id, now=timezone.now(), ip_address=request.META.get("REMOTE_ADDR")
        )
    except PreparedExport.DoesNotExist as exc:
        raise Http404 from exc
    response = HttpResponse(bytes(export.content or b""), content_type=export.content_type)
    response["Content-Disposition"] = f'attachment; filename="{export.file_name}"'
    response["Cache-Control"] = "no-store"
    response["X-Safehub-Rows"] = str(export.rows)
    return response
