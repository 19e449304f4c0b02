"""The role-by-page matrix: every URL pattern, every demo role, one expected answer.

``observe()`` requests every page of the site (GET) as every demo user on a seeded demo database
and sorts each answer into ``ok`` (200), ``deny`` (403), ``redirect`` (3xx: sign-in, break-glass,
a form's next step), ``absent`` (404), ``post`` (405: the URL takes only POST) or ``error`` (5xx).
The expected table lives in ``core/tests/role_matrix_table.py``; ``test_role_matrix`` compares.
A new page without a row, or a row whose answer changed, fails the test.

Regenerate the table after a deliberate change, then read the diff as a reviewer would:
``SAFEHUB_DEMO=1 python -m safehub.testing.role_matrix`` (on a database seeded with
``seed_demo --scale 0.01``) prints it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

SKIP_NAMESPACES = ("admin", "djdt")
SKIP_PREFIXES = ("django-admin/", "assets/", "^assets/", "static/")


@dataclass(frozen=True)
class Page:
    name: str  # namespaced URL name, e.g. "people:detail"
    pattern: str
    kwargs: tuple[str, ...]


def pages() -> list[Page]:
    """Every named URL pattern of Safehub (Django admin and static files aside)."""
    from django.urls import URLResolver, get_resolver

    out: list[Page] = []

    def walk(patterns, prefix: str, namespace: str) -> Iterator[None]:
        for entry in patterns:
            if isinstance(entry, URLResolver):
                ns = ":".join(x for x in (namespace, entry.namespace or "") if x)
                yield from walk(entry.url_patterns, prefix + str(entry.pattern), ns)
                continue
            pattern = prefix + str(entry.pattern)
            if entry.name is None or pattern.startswith(SKIP_PREFIXES) or namespace.startswith(SKIP_NAMESPACES):
                continue
            regex = entry.pattern.regex.pattern
            kwargs = tuple(re.findall(r"\(\?P<(\w+)>", regex))
            out.append(Page(f"{namespace}:{entry.name}" if namespace else entry.name, pattern, kwargs))
            yield None

    for _ in walk(get_resolver().url_patterns, "", ""):
        pass
    return sorted(set(out), key=lambda p: p.name)


# Values for URL arguments that are not ids: the first real value of each kind.
WORDS = {
    "fmt": "svg",
    "name": "contacts",
    "filename": "report.pdf",
    "token": "not-a-real-token",
}


def _first_id(model_label: str) -> int:
    from django.apps import apps

    model = apps.get_model(model_label)
    return model.objects.order_by("pk").values_list("pk", flat=True).first() or 1


def sample_kwargs(page: Page, ids: dict[str, str]) -> dict[str, object]:
    """Arguments for one page: ids are the first record of the kind the argument names."""
    from safehub.insight.engine.measures import MEASURES
    from safehub.insight.models import ReportSectionKey

    out: dict[str, object] = {}
    for kwarg in page.kwargs:
        if kwarg in WORDS:
            out[kwarg] = WORDS[kwarg]
        elif kwarg == "measure_id":
            out[kwarg] = MEASURES[0].id
        elif kwarg == "year":
            out[kwarg] = "2025-26"
        elif kwarg == "key":
            out[kwarg] = ReportSectionKey.values[0]
        elif f"{page.name.split(':')[0]}:{kwarg}" in ids:  # an argument name another app also uses
            out[kwarg] = ids[f"{page.name.split(':')[0]}:{kwarg}"]
        elif kwarg in ids:
            out[kwarg] = ids[kwarg]
        else:
            out[kwarg] = 1
    return out


def categorise(status: int) -> str:
    if status >= 500:
        return "error"
    return {200: "ok", 403: "deny", 404: "absent", 405: "post"}.get(
        status, "redirect" if 300 <= status < 400 else str(status)
    )


def observe(usernames: list[str], *, ids: dict[str, str] | None = None) -> dict[str, dict[str, str]]:
    """Request every page as every user; return ``{page name: {username: category}}``."""
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.urls import reverse

    if "testserver" not in settings.ALLOWED_HOSTS and "*" not in settings.ALLOWED_HOSTS:
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    ids = ids or {}
    users = {u.username: u for u in get_user_model().objects.filter(username__in=usernames)}
    clients = {}
    for name in usernames:
        client = Client(raise_request_exception=False)
        client.force_login(users[name])
        clients[name] = client
    table: dict[str, dict[str, str]] = {}
    for page in pages():
        try:
            url = reverse(page.name, kwargs=sample_kwargs(page, ids) or None)
        except Exception:  # noqa: BLE001 - a pattern no sample fits is itself a finding
            table[page.name] = dict.fromkeys(usernames, "no-sample")
            continue
        table[page.name] = {name: categorise(clients[name].get(url).status_code) for name in usernames}
    return table


def render_table(table: dict[str, dict[str, str]], usernames: list[str]) -> str:
    """The table as Python source: one line per page, answers in the order of the demo users."""
    lines = [
        '"""Expected answer of every page for every demo role (generated by safehub.testing.role_matrix; review the diff)."""',
        "",
        "# fmt: off",
        "USERS = [" + ", ".join(f'"{u}"' for u in usernames) + "]",
        "",
        "# page name: answers for USERS, in order",
        "MATRIX: dict[str, tuple[str, ...]] = {",
    ]
    for name in sorted(table):
        answers = ", ".join(f'"{table[name][u]}"' for u in usernames)
        lines.append(f'    "{name}": ({answers}),')
    lines.append("}")
    lines.append("# fmt: on")
    return "\n".join(lines) + "\n"


def demo_ids() -> dict[str, str]:
    """The first record of each kind a URL argument names (on a seeded demo)."""
    labels = {
        "person_id": "people.Person",
        "contact_id": "frontdoor.Contact",
        "grant_id": "people.BreakGlassGrant",
        "candidate_id": "people.DuplicateCandidate",
        "merge_id": "people.Merge",
        "flag_id": "frontdoor.LateFlag",
        "request_id": "frontdoor.InformationRequest",
        "notification_id": "frontdoor.EducationNotification",
        "share_id": "frontdoor.OutcomeShare",
        "consultation_id": "frontdoor.Consultation",
        "meeting_id": "casework.StrategyMeeting",
        "concern_id": "adults.SafeguardingConcern",
        "case_id": "casework.CaseEpisode",
        "pathways:case_id": "pathways.LadoCase",
        "pathways:arrangement_id": "pathways.PrivateFostering",
        "pathways:entry_id": "pathways.EducationRegisterEntry",
        "pathways:link_id": "pathways.MaracLink",
        "enquiry_id": "adults.Enquiry",
        "submission_id": "exchange.Submission",
        "token_id": "exchange.ApiToken",
        "job_id": "exchange.ImportJob",
        "build_id": "insight.ReportBuild",
        "notice_id": "frontdoor.HealthVisitingNotice",
        "application_id": "adults.DolsApplication",
        "assessment_id": "adults.CapacityAssessment",
        "adults:case_id": "adults.SelfNeglectCase",
        "earlyhelp:episode_id": "earlyhelp.EarlyHelpEpisode",
        "attachment_id": "earlyhelp.SpecialistAttachment",
        "pathways:episode_id": "casework.MissingEpisode",
        "upload_id": "pathways.RollUpload",
        "row_id": "pathways.RollRow",
        "attendance_id": "pathways.CpisAttendance",
        "partnership:meeting_id": "partnership.SubGroupMeeting",
    }
    out = {}
    for kwarg, label in labels.items():
        try:
            out[kwarg] = str(_first_id(label))
        except LookupError:
            continue
    return out


if __name__ == "__main__":
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safehub.config.settings")
    django.setup()
    from safehub.demo.agencies import demo_usernames

    names = demo_usernames()
    print(render_table(observe(names, ids=demo_ids()), names))
