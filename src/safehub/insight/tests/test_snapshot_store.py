"""The live snapshot on disk: one build serves every process, a clear reaches every process, and a
snapshot too old to serve is rebuilt from the records (issues 22 and 23)."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime, timedelta

import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from safehub.core.calendar import financial_year_of
from safehub.core.errors import StillPreparing
from safehub.core.middleware import still_preparing_response
from safehub.insight import selectors, snapshot, snapshot_store, tasks

pytestmark = pytest.mark.django_db


def _forget_in_this_process() -> None:
    """What another web worker looks like: the files on disk, nothing in memory."""
    snapshot._cache.clear()
    selectors._values_cache.clear()


def test_a_second_process_reads_the_first_ones_snapshot_instead_of_building_it(monkeypatch):
    first = snapshot.snapshot_cached()
    assert snapshot_store.current().stamp == first.generation
    _forget_in_this_process()
    monkeypatch.setattr(snapshot, "build_snapshot", lambda **kw: pytest.fail("rebuilt instead of read"))
    second = snapshot.snapshot_cached()
    assert second.generation == first.generation
    assert second.built_at == first.built_at
    assert set(second.tables) == set(first.tables)
    assert all(second.tables[n].equals(first.tables[n]) for n in first.tables)


def test_a_clear_in_one_process_makes_every_process_rebuild():
    first = snapshot.snapshot_cached()
    snapshot.snapshot_cache_clear()
    assert snapshot_store.current() is None
    again = snapshot.snapshot_cached()
    assert again.generation != first.generation


def test_a_snapshot_older_than_max_age_is_never_served(monkeypatch):
    first = snapshot.snapshot_cached()
    later = datetime.now(UTC) + timedelta(seconds=snapshot.CACHE_SECONDS + 1)
    monkeypatch.setattr(snapshot_store.Live, "age", lambda self, now=None: (later - self.built_at).total_seconds())
    assert snapshot.snapshot_cached().generation != first.generation


def test_one_just_under_max_age_is_served(monkeypatch):
    first = snapshot.snapshot_cached()
    later = first.built_at + timedelta(seconds=snapshot.CACHE_SECONDS - 1)
    monkeypatch.setattr(snapshot_store.Live, "age", lambda self, now=None: (later - self.built_at).total_seconds())
    assert snapshot.snapshot_cached().generation == first.generation


def test_measures_worked_out_once_are_read_by_the_other_processes(monkeypatch):
    year = financial_year_of(timezone.localdate())
    cached = snapshot.snapshot_cached()
    values = selectors.measures_for_year(year, cached=cached)
    files = list((snapshot_store.root() / cached.generation).glob(f"values-{year}-*.json"))
    assert len(files) == 1
    _forget_in_this_process()
    monkeypatch.setattr(selectors, "compute_measures", lambda *a, **kw: pytest.fail("computed again"))
    assert selectors.measures_for_year(year) == values


def test_the_task_builds_a_new_snapshot_and_the_recent_years_measures():
    first = snapshot.snapshot_cached()
    stamp = tasks.refresh_snapshot.call()
    assert stamp != first.generation
    assert snapshot_store.current().stamp == stamp
    # the three years the pages offer, and the two the oldest one's dashboard compares it with
    assert len(list((snapshot_store.root() / stamp).glob("values-*.json"))) == 5


def test_a_rebuild_goes_live_only_once_its_measures_are_worked_out():
    first = snapshot.snapshot_cached()
    seen = []

    def prepare(built):
        seen.append((snapshot_store.current().stamp, built.generation))
        selectors.measures_warm(built)

    second = snapshot.snapshot_refresh(prepare=prepare)
    assert seen == [(first.generation, second.generation)]  # the old one was live while it was prepared
    assert snapshot_store.current().stamp == second.generation
    assert len(list((snapshot_store.root() / second.generation).glob("values-*.json"))) == 5


def test_a_rebuild_that_read_the_records_before_a_clear_does_not_go_live():
    snapshot.snapshot_cached()
    built = snapshot.snapshot_refresh(prepare=lambda cached: snapshot.snapshot_cache_clear())
    assert snapshot_store.current() is None  # the write that cleared it shows on the next read
    assert snapshot.snapshot_cached().generation != built.generation


def test_with_no_worker_a_page_never_queues_a_background_build():
    # the test settings run tasks at once: a queued rebuild would run inside the request
    assert tasks.refresh_snapshot_later() is False


def test_old_stamps_are_removed_once_a_newer_one_has_been_live_a_while():
    first = snapshot.snapshot_refresh()
    old = snapshot_store.root() / first.generation
    long_ago = (datetime.now(UTC) - timedelta(seconds=snapshot_store.KEEP_SECONDS + 5)).timestamp()
    os.utime(old, (long_ago, long_ago))
    second = snapshot.snapshot_refresh()
    assert not old.exists()
    assert (snapshot_store.root() / second.generation).is_dir()


def test_a_snapshot_two_minutes_old_asks_the_worker_for_a_new_one(monkeypatch):
    asked = []
    monkeypatch.setattr(snapshot, "refresh_requester", lambda: asked.append(True))
    first = snapshot.snapshot_cached()
    assert asked == []  # a new snapshot asks for nothing
    later = first.built_at + timedelta(seconds=snapshot.REFRESH_AFTER_SECONDS + 1)
    monkeypatch.setattr(snapshot_store.Live, "age", lambda self, now=None: (later - self.built_at).total_seconds())
    assert snapshot.snapshot_cached().generation == first.generation  # still served meanwhile
    assert asked == [True]


def test_a_snapshot_is_served_for_five_minutes_or_a_refresh_wait_plus_two_builds():
    assert snapshot.servable_age(3.0) == snapshot.CACHE_SECONDS  # city scale: five minutes
    # region scale: a 160 s build asked for two minutes after the last went live (at 280 s), even
    # at twice its time beside the pages, lands before the snapshot stops serving
    assert snapshot.refresh_age(160.0) == snapshot.REFRESH_AFTER_SECONDS + 160.0
    assert snapshot.servable_age(160.0) == snapshot.REFRESH_AFTER_SECONDS + 160.0 + 320.0


def test_a_slow_builds_snapshot_asks_for_the_next_two_minutes_after_it_went_live_not_at_once(monkeypatch):
    asked = []
    monkeypatch.setattr(snapshot, "refresh_requester", lambda: asked.append(True) or True)
    first = snapshot.snapshot_cached()
    slow = snapshot_store.Live(first.generation, first.built_at, 160.0)
    monkeypatch.setattr(snapshot_store, "current", lambda: slow)
    at = {"age": 161.0}  # just went live: its records were read 161 s ago
    monkeypatch.setattr(snapshot_store.Live, "age", lambda self, now=None: at["age"])
    snapshot.snapshot_cached()
    assert asked == []
    at["age"] = snapshot.refresh_age(160.0)
    snapshot.snapshot_cached()
    assert asked == [True]


def test_a_slow_builds_snapshot_is_served_until_its_own_bound_and_not_a_second_after(monkeypatch):
    first = snapshot.snapshot_cached()
    slow = snapshot_store.Live(first.generation, first.built_at, 160.0)
    monkeypatch.setattr(snapshot_store, "current", lambda: slow)
    bound = snapshot.servable_age(160.0)
    at = {"age": bound - 1}
    monkeypatch.setattr(snapshot_store.Live, "age", lambda self, now=None: at["age"])
    assert snapshot.snapshot_cached().generation == first.generation
    at["age"] = bound + 1
    monkeypatch.setattr(snapshot_store, "last_build_seconds", lambda: 2.0)  # quick: rebuilt in the request
    assert snapshot.snapshot_cached().generation != first.generation


def test_a_page_never_waits_for_a_slow_build_it_asks_the_worker_and_says_so(monkeypatch):
    snapshot.snapshot_cached()
    snapshot.snapshot_cache_clear()  # a write: nothing may be served until the records are counted again
    asked = []
    monkeypatch.setattr(snapshot, "refresh_requester", lambda: asked.append(True) or True)
    monkeypatch.setattr(snapshot_store, "last_build_seconds", lambda: 160.0)
    monkeypatch.setattr(snapshot, "build_snapshot", lambda **kw: pytest.fail("built inside the request"))
    with pytest.raises(StillPreparing) as raised:
        snapshot.snapshot_cached()
    assert asked == [True]
    assert raised.value.expected_seconds == 160.0


def test_a_slow_build_is_still_run_in_the_request_where_no_worker_runs_tasks(monkeypatch):
    first = snapshot.snapshot_cached()
    snapshot.snapshot_cache_clear()
    monkeypatch.setattr(snapshot_store, "last_build_seconds", lambda: 160.0)
    monkeypatch.setattr(snapshot, "refresh_requester", lambda: False)  # the immediate backend
    assert snapshot.snapshot_cached().generation != first.generation


def test_the_page_asked_for_figures_still_being_worked_out_answers_503_and_asks_again(client, analyst, monkeypatch):
    snapshot.snapshot_cache_clear()
    monkeypatch.setattr(snapshot, "refresh_requester", lambda: True)
    monkeypatch.setattr(snapshot_store, "last_build_seconds", lambda: 160.0)
    client.force_login(analyst)
    response = client.get(reverse("insight:dashboard"))
    assert response.status_code == 503
    assert response["Retry-After"] == "160"
    page = response.content.decode()
    assert "being worked out" in page and "about 3 minutes" in page
    assert f'hx-get="{reverse("insight:dashboard")}"' in page and 'hx-trigger="every 15s"' in page
    api = still_preparing_response(
        RequestFactory().get("/api/v1/anything/"), StillPreparing("the measures", expected_seconds=5)
    )
    assert api.status_code == 503 and api["Retry-After"] == "15"
    assert json.loads(api.content) == {"detail": "The measures: being worked out; try again shortly."}


def test_the_app_wires_the_requester_to_the_task_queue():
    assert snapshot.refresh_requester is tasks.refresh_snapshot_later


def test_the_dashboard_breakdowns_worked_out_for_a_new_snapshot_are_read_by_the_other_workers(monkeypatch):
    stamp = tasks.refresh_snapshot.call()
    year = financial_year_of(timezone.localdate())
    assert len(list((snapshot_store.root() / stamp).glob(f"breakdowns-{year}-*.json"))) == 1
    computed = selectors.breakdowns(year=year, dimensions=list(selectors.DIMENSIONS))
    _forget_in_this_process()  # as another web worker: nothing in memory
    monkeypatch.setattr(selectors, "session_open", lambda *a, **kw: pytest.fail("counted again"))
    assert selectors.breakdowns(year=year, dimensions=list(selectors.DIMENSIONS)) == computed


def test_after_a_warm_rebuild_no_year_the_dashboard_offers_computes_its_measures(monkeypatch):
    built = snapshot.snapshot_refresh(prepare=selectors.measures_warm)
    _forget_in_this_process()
    monkeypatch.setattr(selectors, "compute_measures", lambda *a, **kw: pytest.fail("computed on a page"))
    year = financial_year_of(timezone.localdate())
    oldest = selectors.year_before(selectors.year_before(year))
    # the dashboard of the oldest year offered shows it beside its two years before
    for each in (oldest, selectors.year_before(oldest), selectors.year_before(selectors.year_before(oldest))):
        assert selectors.measures_for_year(each, cached=built)
