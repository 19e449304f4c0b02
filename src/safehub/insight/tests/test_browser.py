"""Insight pages in a real browser: they render, charts load, and axe finds no serious problems."""

from __future__ import annotations

import pytest

from safehub.demo.insight import seed
from safehub.testing.browser import axe_violations, browser_page, screenshot, session_for

from .fixtures import make_records

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _demo_context():
    from django.utils import timezone

    from safehub.demo.context import DemoContext

    return DemoContext(scale=1, seed=1, years=2, now=timezone.now())


@pytest.mark.parametrize(
    ("path", "name", "heading"),
    [
        ("/insight/?year=2024-25", "insight-home", "Headline measures, 2024-25"),
        ("/insight/dashboard/?year=2024-25", "insight-dashboard", "Performance dashboard, 2024-25"),
        ("/insight/measures/icpc_within_15wd_pct/?year=2024-25", "insight-measure", "Initial conferences within"),
        ("/insight/report/?year=2024-25", "insight-report", "Yearly report, 2024-25"),
    ],
)
def test_insight_pages_are_accessible(live_server, client, analyst, path, name, heading) -> None:
    make_records()
    seed(_demo_context())
    with browser_page(live_server.url, session_for(client, analyst)) as page:
        page.goto(live_server.url + path)
        page.wait_for_load_state("networkidle")
        for _ in range(12):  # charts load lazily as they scroll into view
            page.mouse.wheel(0, 900)
            page.wait_for_timeout(150)
        page.wait_for_load_state("networkidle")

        assert heading in page.locator("h1").inner_text()
        # Each chart answers as SVG (fetched one by one: the test database is SQLite in memory,
        # which refuses concurrent session writes that PostgreSQL or a file database would queue).
        sources = page.evaluate("Array.from(document.images).map(i => i.src)")
        for source in sources:
            answer = page.request.get(source)
            assert answer.ok and answer.headers["content-type"] == "image/svg+xml", source
        screenshot(page, name)
        assert axe_violations(page) == []
