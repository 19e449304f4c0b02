"""Shared fixtures: agencies, users by role, people (factory_boy)."""

from __future__ import annotations

import pytest

from safehub.testing.factories import AgencyFactory, PersonFactory, make_user  # noqa: F401


@pytest.fixture
def front_door(db):
    return AgencyFactory(kind="LA_CHILDREN", code="CSC", name="Children's Services")


@pytest.fixture
def police(db):
    return AgencyFactory(kind="POLICE", code="POL", name="Police")


@pytest.fixture
def school(db):
    return AgencyFactory(kind="SCHOOL", code="SCH1", name="Oak Primary School", urn="100001")


@pytest.fixture
def hospital(db):
    return AgencyFactory(kind="HEALTH_TRUST", code="HOSP", name="City Hospital")


@pytest.fixture
def mash_worker(front_door):
    return make_user("mash.worker", "FRONT_DOOR_PRACTITIONER", front_door)


@pytest.fixture
def mash_manager(front_door):
    return make_user("mash.manager", "FRONT_DOOR_MANAGER", front_door)


@pytest.fixture
def police_officer(police):
    return make_user("police.officer", "POLICE_SAFEGUARDING_OFFICER", police)


@pytest.fixture
def dsl(school):
    return make_user("school.dsl", "DESIGNATED_SAFEGUARDING_LEAD", school)


@pytest.fixture
def nurse(hospital):
    return make_user("hospital.nurse", "AGENCY_PRACTITIONER", hospital)


@pytest.fixture
def administrator(db):
    agency = AgencyFactory(kind="PARTNERSHIP", code="PART", name="Partnership")
    return make_user("admin.user", "ADMINISTRATOR", agency)


@pytest.fixture
def analyst(db):
    agency = AgencyFactory(kind="PARTNERSHIP", code="PART2", name="Partnership analysts")
    return make_user("analyst.user", "ANALYST", agency)


@pytest.fixture
def child(db):
    return PersonFactory()


@pytest.fixture(autouse=True)
def _audit_trail_flushable(request):
    """Let pytest-django flush a transactional test's database despite the append-only triggers.

    The triggers are put back before each transactional test, so every test runs with them.
    """
    marker = request.node.get_closest_marker("django_db")
    transactional = bool(marker and (marker.kwargs.get("transaction") or (marker.args and marker.args[0])))
    if not (transactional or {"transactional_db", "live_server"} & set(request.fixturenames)):
        yield
        return
    from django.db import connection

    from safehub.core import audit_triggers

    request.getfixturevalue("transactional_db")
    audit_triggers.install(connection)
    yield
    audit_triggers.remove(connection)


@pytest.fixture(autouse=True)
def _fresh_match_index():
    """The online match index is per process; each test starts from its own register."""
    from safehub.people.matching_service import reset_index

    reset_index()
    yield


@pytest.fixture(scope="session", autouse=True)
def _no_stray_sessions_at_teardown(django_db_setup, django_db_blocker):
    """End the sessions the live server's request threads may still hold, so the test database can be dropped.

    A browser keeps its HTTP connection open, and the server thread serving it keeps a database
    session until that connection closes, which can be after the browser tests end. PostgreSQL
    then refuses to drop the test database ("being accessed by other users"), and it is left behind.
    """
    yield
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
