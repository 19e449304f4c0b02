"""Thin views of insight: one domain call each; templates get plain data."""

from __future__ import annotations

import io
from functools import wraps
from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from safehub.core import csv_safety, policy
from safehub.core.errors import StaleEdit
from safehub.core.viewutils import add_service_errors
from safehub.insight import charts, selectors, services
from safehub.insight.forms import ReportSectionForm
from safehub.insight.models import ReportBuild, ReportSectionKey
from safehub.partnership.signoff import selectors as partnership_selectors

REPORT_FILES = {"report.html": "text/html", "report.css": "text/css", "report.pdf": "application/pdf"}


def permission(name: str):
    """Require login and a policy permission for a view."""

    def decorate(view):
        @login_required
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            policy.require(request.user, name)
            return view(request, *args, **kwargs)

        return wrapped

    return decorate


def _year(request, *, default_previous: bool = False) -> str:
    year = request.GET.get("year") or request.POST.get("year") or ""
    if selectors.is_year(year):
        return year
    current = selectors.year_of(timezone.localdate())
    # The yearly report is about the year just ended; the measures about the year so far.
    return selectors.year_before(current) if default_previous else current


def _year_choices(year: str) -> list[str]:
    current = selectors.year_of(timezone.localdate())
    years = [current, selectors.year_before(current), selectors.year_before(selectors.year_before(current))]
    return years if year in years else [*years, year]


@permission("insight.view")
def home(request):
    year = _year(request)
    cached = selectors.snapshot_current()
    return render(request, "insight/home.html", {
        "year": year, "previous": selectors.year_before(year), "years": _year_choices(year),
        "rows": selectors.headline(year=year), "built_at": cached.built_at, "build_seconds": cached.seconds,
        "coverage": selectors.year_coverage(year, cached.tables, today=timezone.localdate()),
        "comparator_names": selectors.comparator_names(), "can_edit": policy.can(request.user, "insight.report_edit"),
    })  # fmt: skip


@permission("insight.view")
def measure_list(request):
    year = _year(request)
    values = selectors.measures_for_year(year)
    rows = [{"measure": m, "shown": selectors.format_value(values.get(m.id), m.unit),
             "contract": m.id in selectors.CONTRACT_IDS} for m in selectors.definitions()]  # fmt: skip
    return render(request, "insight/measure_list.html", {"year": year, "years": _year_choices(year), "rows": rows})


@permission("insight.view")
def measure_detail(request, measure_id: str):
    year = _year(request)
    detail = selectors.measure_detail(measure_id=measure_id, year=year)
    if detail is None:
        raise Http404
    return render(request, "insight/measure_detail.html", {"year": year, "years": _year_choices(year), **detail,
                                                            "chart": f"trend-{measure_id}",
                                                            "compare_chart": f"compare-{measure_id}"})  # fmt: skip


@permission("insight.view")
def measure_records(request, measure_id: str):
    year = _year(request)
    if selectors.definition(measure_id) is None:
        raise Http404
    result = selectors.drilldown(user=request.user, measure_id=measure_id, year=year, now=timezone.now())
    return render(request, "insight/measure_records.html", {
        "year": year, "measure": selectors.definition(measure_id), **result,
    })  # fmt: skip


@permission("insight.view")
def dashboard(request):
    year = _year(request)
    period = "quarter" if request.GET.get("period") == "quarter" else "month"
    years = [selectors.year_before(selectors.year_before(year)), selectors.year_before(year), year]
    breakdown_rows = selectors.breakdowns(year=year, dimensions=list(selectors.DIMENSIONS))  # one session for all
    compared = selectors.comparators(selectors.HEADLINE_MEASURES, years)  # once, not once per measure
    comparison_ids = [m for m in selectors.HEADLINE_MEASURES if m in compared]
    return render(request, "insight/dashboard.html", {
        "year": year, "years": _year_choices(year), "period": period, "year_columns": years,
        "trends": [{"id": m, "title": selectors.definition(m).title, "chart": f"trend-{m}"}  # type: ignore[union-attr]
                   for m in selectors.TREND_MEASURES],
        "yoy": selectors.year_on_year(measure_ids=selectors.HEADLINE_MEASURES, years=years),
        "breakdowns": [{"key": k, "title": t, "chart": f"breakdown-{k}", "rows": breakdown_rows[k]}
                       for k, (t, _) in selectors.DIMENSIONS.items()],
        "comparisons": [{"id": m, "title": selectors.definition(m).title,  # type: ignore[union-attr]
                         "chart": f"compare-{m}"} for m in comparison_ids],
    })  # fmt: skip


@permission("insight.view")
def chart(request, name: str, fmt: str):
    year = _year(request)
    period = "quarter" if request.GET.get("period") == "quarter" else "month"
    data = selectors.chart_data(name=name, year=year, period=period)
    if data is None:
        raise Http404
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv_safety.writer(buffer)
        writer.writerow(["", *data.series])
        for index, label in enumerate(data.labels):
            writer.writerow([label, *(values[index] for values in data.series.values())])
        response = HttpResponse(buffer.getvalue(), content_type="text/csv")
        response["Content-Disposition"] = f'attachment; filename="{name}-{year}.csv"'
        return response
    if data.kind == "line":
        figure = charts.line_chart(data.labels, data.series, title=data.title, unit=data.unit)
    else:
        figure = charts.bar_chart(data.labels, data.series, title=data.title, unit=data.unit,
                                  horizontal=data.kind == "barh")  # fmt: skip
    body = charts.render(figure, fmt)
    response = HttpResponse(body, content_type="image/svg+xml" if fmt == "svg" else "image/png")
    if fmt == "png":
        response["Content-Disposition"] = f'attachment; filename="{name}-{year}.png"'
    response["Cache-Control"] = "private, max-age=300"
    return response


@permission("insight.view")
def report(request):
    year = _year(request, default_previous=True)
    builds = selectors.report_builds(year=year)
    sections = [{**s, "editable": partnership_selectors.report_section_may_write(user=request.user, year=year,
                                                                                 key=s["key"])}
                for s in selectors.report_sections(year=year)]  # fmt: skip
    return render(request, "insight/report.html", {
        "year": year, "years": _year_choices(year), "sections": sections,
        "builds": builds, "latest": builds[0] if builds else None,
        "can_edit": policy.can(request.user, "insight.report_edit"),
        "draft": partnership_selectors.report_draft_summary(year=year),
    })  # fmt: skip


@require_POST
@permission("insight.view")
def report_build(request):
    year = _year(request)
    try:
        build = services.report_build_request(year=year, by=request.user, now=timezone.now())
    except ValidationError as exc:
        messages.error(request, "; ".join(exc.messages))
        return redirect("insight:report")
    return redirect(f"{_url('insight:report')}?year={build.year}#build")


def _url(name: str, *args) -> str:
    from django.urls import reverse

    return reverse(name, args=args)


@permission("insight.view")
def report_build_progress(request, build_id: int):
    try:
        build = selectors.report_build_get(build_id=build_id)
    except ReportBuild.DoesNotExist as exc:
        raise Http404 from exc
    return render(request, "insight/_build_progress.html", {"build": build})


@permission("insight.view")
def report_file(request, build_id: int, filename: str):
    try:
        build = selectors.report_build_get(build_id=build_id)
    except ReportBuild.DoesNotExist as exc:
        raise Http404 from exc
    allowed = filename in REPORT_FILES or (filename.startswith("chart-") and filename.endswith(".svg"))
    if build.status != "DONE" or not allowed or "/" in filename:
        raise Http404
    path = Path(build.output_dir) / filename
    if not path.is_file():
        raise Http404
    content_type = REPORT_FILES.get(filename, "image/svg+xml")
    return FileResponse(path.open("rb"), content_type=content_type, as_attachment=filename == "report.pdf",
                        filename=f"yearly-report-{build.year}.pdf" if filename == "report.pdf" else filename)  # fmt: skip


@require_http_methods(["GET", "POST"])
@login_required
def section_edit(request, year: str, key: str):
    if not selectors.is_year(year) or key not in ReportSectionKey.values:
        raise Http404
    if not partnership_selectors.report_section_may_write(user=request.user, year=year, key=key):
        raise PermissionDenied
    section = selectors.report_section_get(year=year, key=key)
    title = ReportSectionKey(key).label
    back = (f"{_url('insight:report')}?year={year}" if policy.can(request.user, "insight.view")
            else _url("partnership:report_draft", year))  # fmt: skip
    if request.method == "POST":
        form = ReportSectionForm(request.POST)
        if form.is_valid():
            try:
                services.report_section_save(year=year, key=key, text=form.cleaned_data["text"],
                                             version=form.cleaned_data["version"], by=request.user,
                                             now=timezone.now())  # fmt: skip
            except StaleEdit:
                form.add_error(None, "Someone else changed this section since you opened it. Copy your text, "
                                     "reload the page and try again.")  # fmt: skip
            except ValidationError as exc:
                add_service_errors(form, exc)
            except PermissionDenied:
                raise
            else:
                messages.success(request, f"{title} saved")
                return redirect(back)
    else:
        form = ReportSectionForm(initial={"text": section.text if section else "",
                                          "version": section.version if section else 0})  # fmt: skip
    return render(request, "insight/section_edit.html", {"form": form, "year": year, "title": title, "back": back,
                                                         "is_placeholder": bool(section and section.is_placeholder)})  # fmt: skip
