"""The yearly report page links to a year's sign-off only when one has been started (no dead links)."""

from __future__ import annotations

import pytest


@pytest.mark.django_db
def test_no_sign_off_link_for_a_year_without_a_draft(client, analyst):
    client.force_login(analyst)
    response = client.get("/insight/report/?year=2026-27")

    assert response.status_code == 200
    assert b"/partnership/yearly-report/2026-27/" not in response.content
    assert b"No sign-off has been started for 2026-27" in response.content
    assert client.get("/partnership/yearly-report/2026-27/").status_code in (403, 404)
