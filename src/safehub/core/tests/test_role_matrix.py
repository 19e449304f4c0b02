"""The role-by-page matrix (issue 24): every URL pattern, every demo role, one expected answer.

The table is ``role_matrix_table.py`` beside this file. A page added without a row fails here, and
so does a page whose answer for a role changed. After a deliberate change, regenerate the table
with ``SAFEHUB_WRITE_ROLE_MATRIX=1 pytest src/safehub/core/tests/test_role_matrix.py`` and review
its diff like code: a new ``ok`` for the analyst on a person's page is a leak, not a refresh.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.core.management import call_command

from safehub.testing import role_matrix

TABLE = Path(__file__).with_name("role_matrix_table.py")
CRAWL_PAGES = 60  # per demo user here; `safehub crawl --max-pages 600` goes further on a full demo


@pytest.mark.django_db(transaction=True, reset_sequences=True)  # ids from 1 on every database
def test_every_page_answers_every_role_as_the_table_says_and_a_crawl_finds_nothing(settings, tmp_path):
    settings.DATA_DIR = tmp_path / "var"
    settings.SAFEHUB_BULK_READ_ALERT = {"records": 10**9, "minutes": 10}
    call_command("seed_demo", scale=0.01, seed=20251, years=2, stdout=open(os.devnull, "w"))  # noqa: SIM115
    from safehub.demo.agencies import demo_usernames

    usernames = demo_usernames()  # every demo sign-in, including those the apps' own demos add
    observed = role_matrix.observe(usernames, ids=role_matrix.demo_ids())
    if os.environ.get("SAFEHUB_WRITE_ROLE_MATRIX"):
        TABLE.write_text(role_matrix.render_table(observed, usernames))
    namespace: dict = {}
    exec(TABLE.read_text(), namespace)  # noqa: S102 - the table is this repository's own source
    expected_users, expected = namespace["USERS"], namespace["MATRIX"]
    assert expected_users == usernames, "the demo users changed: regenerate the table"
    missing = sorted(set(observed) - set(expected))
    assert missing == [], f"pages without a row in the role matrix: {missing}"
    gone = sorted(set(expected) - set(observed))
    assert gone == [], f"rows for pages that no longer exist: {gone}"
    errors = [f"{page} as {user}" for page, row in observed.items() for user, got in row.items() if got == "error"]
    assert errors == [], f"server errors: {errors}"
    changed = [
        f"{page} as {user}: expected {want}, got {observed[page][user]}"
        for page, answers in expected.items()
        for user, want in zip(usernames, answers, strict=True)
        if observed[page][user] != want
    ]
    assert changed == []

    # The crawl: follow links from each user's home page; no 5xx, no link to a page refused to
    # them, no person linked from a list who would need break-glass (CONVENTIONS 18).
    from django.contrib.auth import get_user_model
    from django.test import Client

    from safehub.testing.crawl import crawl

    findings = []
    for user in get_user_model().objects.filter(username__in=usernames):
        client = Client(raise_request_exception=False)
        client.force_login(user)
        report = crawl(client, username=user.username, max_pages=CRAWL_PAGES)
        assert report.pages > 5, f"the crawl as {user.username} found almost nothing to follow"
        findings += [f"{user.username}: {f}" for f in report.findings]
    assert findings == []
