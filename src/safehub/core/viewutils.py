"""Small helpers shared by thin views."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.db.models import F, QuerySet
from django.http import HttpRequest


def add_service_errors(form: forms.BaseForm, exc: ValidationError) -> None:
    """Attach a service's ValidationError to the form fields (or the form) so nothing typed is lost."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            target = field if field in form.fields else None
            for message in errors:
                form.add_error(target, message)
    else:
        for message in exc.messages:
            form.add_error(None, message)


# ---------------------------------------------------------------------------------------------
# Paged, sortable lists
# ---------------------------------------------------------------------------------------------

PAGE_SIZE = 50


@dataclass
class Listing:
    """One page of a list with its total, its sort and the links that change them.

    ``headers`` are the sortable columns, each ``{"key", "label", "url", "aria_sort"}`` for
    ``includes/sort_header.html``; ``page`` is a Django ``Page`` for ``includes/pagination.html``.
    """

    page: Page
    total: int
    sort: str
    descending: bool
    headers: dict[str, dict] = field(default_factory=dict)

    @property
    def rows(self) -> list:
        return list(self.page.object_list)


SortKey = str | Sequence[str] | Callable[[Any], Any]


def listing(
    request: HttpRequest,
    rows: QuerySet | Sequence,
    *,
    sorts: Mapping[str, tuple[str, SortKey]],
    default: str,
    descending: bool = False,
    per_page: int = PAGE_SIZE,
) -> Listing:
    """Sort and page ``rows`` by ``?sort=<key>&dir=asc|desc&page=N``.

    ``sorts`` maps a key to (column label, order): database fields for a queryset (a leading "-"
    allowed; the primary key breaks ties so pages never overlap) or a key function for a list. An
    unknown sort or page falls back to the default or the nearest page: a list never answers 404
    or 500 to a hand-typed address.
    """
    sort = request.GET.get("sort", "")
    if sort not in sorts:
        sort, desc = default, descending
    else:
        desc = request.GET.get("dir") == "desc"
    order = sorts[sort][1]
    ordered: QuerySet | list
    if isinstance(rows, QuerySet):
        fields = [order] if isinstance(order, str) else list(order)  # type: ignore[arg-type]
        ordered = rows.order_by(*[_db_order(_flip(f) if desc else f) for f in fields], "-pk" if desc else "pk")
    else:
        key: Callable[[Any], Any] = order if callable(order) else (lambda r: _get(r, order))
        ordered = sorted(rows, key=lambda r: _none_last(key(r)), reverse=desc)
    page = Paginator(ordered, per_page).get_page(request.GET.get("page"))
    headers = {}
    for name, (label, _) in sorts.items():
        query = request.GET.copy()
        query.pop("page", None)
        query["sort"] = name
        query["dir"] = "asc" if name == sort and desc else ("desc" if name == sort else "asc")
        headers[name] = {
            "key": name,
            "label": label,
            "url": f"?{query.urlencode()}",
            "aria_sort": ("descending" if desc else "ascending") if name == sort else "none",
        }
    return Listing(page=page, total=page.paginator.count, sort=sort, descending=desc, headers=headers)


def _db_order(field_name: Any) -> Any:
    """A field's order with empty values last going up and first going down, on every database, as
    the list branch sorts them (PostgreSQL's own default; SQLite would put them first going up)."""
    if not isinstance(field_name, str):
        return field_name
    if field_name.startswith("-"):
        return F(field_name[1:]).desc(nulls_first=True)
    return F(field_name).asc(nulls_last=True)


def _flip(field_name: str) -> str:
    return field_name[1:] if field_name.startswith("-") else f"-{field_name}"


def _get(row: Any, name: Any) -> Any:
    return row.get(name) if isinstance(row, Mapping) else getattr(row, name, None)


def _none_last(value: Any) -> tuple:
    """Sort key that puts empty values last and compares text without regard to case."""
    if value is None or value == "":
        return (1, "")
    return (0, value.casefold() if isinstance(value, str) else value)
