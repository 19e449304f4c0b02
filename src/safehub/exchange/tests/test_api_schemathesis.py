"""Property-based API testing: schemathesis generates requests from the OpenAPI schema and runs them
in-process against the WSGI app; no request may cause a server error."""

from __future__ import annotations

import pytest
import schemathesis
from django.utils import timezone
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from safehub.core.actors import command_line
from safehub.exchange import services
from safehub.exchange.models import Scope
from safehub.testing.factories import make_user


@pytest.fixture
def bearer(police):
    user = make_user("police.fuzz", "POLICE_SAFEGUARDING_OFFICER", police)
    _, key = services.api_token_create(
        agency=police, user=user, scopes=list(Scope.values), by=command_line(), now=timezone.now()
    )
    return f"Bearer {key}"


def _load_schema():
    from django.core.wsgi import get_wsgi_application

    return schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application())


schema = _load_schema()


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """Calls go straight to the WSGI app, so, as Django's test client does, stop the request signals
    from closing the test's database connection (on PostgreSQL it is inside the test transaction)."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@schema.parametrize()
@pytest.mark.django_db
@settings(max_examples=10, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_never_answers_with_a_server_error(case, bearer):
    response = case.call(headers={"Authorization": bearer})
    case.validate_response(response, checks=[not_a_server_error])
    assert response.status_code < 500
