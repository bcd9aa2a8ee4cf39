"""The API against its own OpenAPI schema: generated requests, in process, no network.

Schemathesis reads /api/v1/schema/ from the WSGI app and sends requests it generates from it;
every answer must be documented (status code, content type, body schema) and none a 5xx. Valid
requests come from every operation; invalid ones (wrong types, unknown values) from those that
take parameters, and must get a documented 4xx. Example counts stay small (well under a minute).

(Schemathesis' own ``from_fixture`` loader does not run under pytest 9, so the operations are
walked here, each with a Hypothesis test of its own.)
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode

pytestmark = pytest.mark.django_db

MAX_EXAMPLES = 10


@pytest.fixture
def api_schema(catalogue_loaded, monkeypatch):
    from django.core import signals
    from django.core.wsgi import get_wsgi_application
    from django.db import close_old_connections
    from rest_framework.throttling import AnonRateThrottle

    # Generated requests come fast from one address: no throttling here (tested elsewhere).
    monkeypatch.setattr(AnonRateThrottle, "allow_request", lambda self, request, view: True)
    # The real WSGI handler closes the database connection after each request, which would end
    # the test's transaction on PostgreSQL: keep it open, as Django's own test client does.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", get_wsgi_application())
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def run(operation, mode: GenerationMode, calls: list):
    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        database=None,
        derandomize=True,  # the same requests on every run, so CI is reproducible
    )
    def check(case):
        response = case.call_and_validate()
        calls.append((case.path, response.status_code))

    check()


def test_api_conforms_to_its_schema(api_schema):
    operations = [result.ok() for result in api_schema.get_all_operations()]
    paths = {operation.path for operation in operations}
    assert {"/api/v1/entries/", "/api/v1/entries/{slug}/", "/api/v1/exports/entries.csv"} <= paths
    calls: list = []
    for operation in operations:
        run(operation, GenerationMode.POSITIVE, calls)
        if operation.query or operation.path_parameters:
            run(operation, GenerationMode.NEGATIVE, calls)
    statuses = {status for _path, status in calls}
    assert all(status < 500 for status in statuses)
    # The generator reached real answers and refusals, not only one kind.
    assert 200 in statuses and 400 in statuses and 404 in statuses
