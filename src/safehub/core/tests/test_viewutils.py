"""The shared list helper: sort by any offered column, page, count, and never fail on a typed address."""

from __future__ import annotations

from django.test import RequestFactory

from safehub.core.models import AuditEvent
from safehub.core.viewutils import listing

SORTS = {"name": ("Name", "name"), "due": ("Due", "due")}
ROWS = [{"name": f"Agency {i:03d}", "due": None if i % 10 == 0 else i % 7} for i in range(120)]


def _get(query: str = ""):
    return RequestFactory().get(f"/list/?{query}")


def test_a_list_is_paged_with_its_total_and_sorted_by_the_chosen_column():
    first = listing(_get(), ROWS, sorts=SORTS, default="name")
    assert first.total == 120 and len(first.rows) == 50 and first.page.paginator.num_pages == 3
    assert first.rows[0]["name"] == "Agency 000"

    last = listing(_get("sort=name&dir=desc&page=3"), ROWS, sorts=SORTS, default="name")
    assert [r["name"] for r in last.rows][-1] == "Agency 000" and len(last.rows) == 20

    by_due = listing(_get("sort=due"), ROWS, sorts=SORTS, default="name", per_page=200)
    dues = [r["due"] for r in by_due.rows]
    assert dues[:3] == [0, 0, 0] and dues[-1] is None  # empty values last, whichever way
    assert by_due.headers["due"]["aria_sort"] == "ascending" and "dir=desc" in by_due.headers["due"]["url"]
    assert by_due.headers["name"]["aria_sort"] == "none"


def test_an_unknown_sort_or_page_falls_back_rather_than_failing():
    found = listing(_get("sort=password&dir=desc&page=999"), ROWS, sorts=SORTS, default="name")
    assert found.sort == "name" and not found.descending and found.page.number == 3
    assert listing(_get("page=abc"), ROWS, sorts=SORTS, default="name").page.number == 1


def test_sort_links_keep_the_filters_and_drop_the_page():
    found = listing(_get("q=police&page=2"), ROWS, sorts=SORTS, default="name")
    assert "q=police" in found.headers["due"]["url"] and "page=" not in found.headers["due"]["url"]


def test_a_queryset_is_ordered_in_the_database_with_a_tie_break(db):
    from datetime import UTC, datetime

    for i in range(3):
        AuditEvent.objects.create(action="VIEW", at=datetime(2026, 1, 1, tzinfo=UTC), actor_username=f"u{i % 2}")
    found = listing(_get("sort=user&dir=desc"), AuditEvent.objects.all(), sorts={
        "user": ("User", "actor_username"), "at": ("When", "at")}, default="at")  # fmt: skip
    names = [e.actor_username for e in found.rows]
    assert names == ["u1", "u0", "u0"]
    assert found.rows[1].pk > found.rows[2].pk  # ties broken by id, the same way as the sort


def test_a_queryset_puts_empty_values_last_going_up_and_first_going_down_on_every_database(db):
    from datetime import date

    from safehub.testing.factories import PersonFactory

    born = [PersonFactory(date_of_birth=d) for d in (date(2010, 1, 1), None, date(2012, 1, 1))]
    sorts = {"dob": ("Born", "date_of_birth")}
    qs = type(born[0]).objects.filter(pk__in=[p.pk for p in born])
    up = [p.date_of_birth for p in listing(_get("sort=dob"), qs, sorts=sorts, default="dob").rows]
    down = [p.date_of_birth for p in listing(_get("sort=dob&dir=desc"), qs, sorts=sorts, default="dob").rows]
    assert up == [date(2010, 1, 1), date(2012, 1, 1), None]  # as the list branch above sorts them
    assert down == [None, date(2012, 1, 1), date(2010, 1, 1)]
