"""Property-based fuzzing of the whole API (OpenAPI at ``/api/schema/``) with
Schemathesis: every operation, with a staff token and without one, must never answer
with a server error, and every response must match the published schema.

The calls go through the WSGI application in this thread, so they share the test's
database transaction; Django's per-request connection closing is switched off for the
duration, exactly as Django's own test client does. Generation is derandomised
(the same cases on every run) and limited to a few examples per operation and
generation mode so the whole file stays within about a minute on two cores.
"""

from __future__ import annotations

import traceback
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date

import hypothesis
import pytest
import schemathesis
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given
from hypothesis import strategies as st
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from config.wsgi import application
from disclosure.publications import publication_create
from requests_app.appeals import appeal_create
from tests.factories import make_resident_id, register

EXAMPLES_PER_OPERATION = 5
HTTP_METHODS = frozenset({"get", "put", "post", "delete", "patch", "head", "options"})
UNKNOWN_ID = 987654321
FORM_MEDIA_TYPES = frozenset(
    {"multipart/form-data", "application/x-www-form-urlencoded"}
)
CHECKS = [not_a_server_error, response_schema_conformance]

SETTINGS = hypothesis.settings(
    max_examples=EXAMPLES_PER_OPERATION,
    derandomize=True,
    database=None,
    deadline=None,
    # No shrinking: a failure is reported as found (with its curl command), which
    # keeps a failing run as fast as a passing one.
    phases=[Phase.generate],
    suppress_health_check=list(HealthCheck),
    verbosity=hypothesis.Verbosity.quiet,
)


@dataclass
class Fuzzing:
    operations: int = 0
    cases: int = 0
    # (operation label, status code) -> number of responses
    statuses: Counter[tuple[str, int]] = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)


@pytest.fixture
def wsgi_in_test_transaction() -> Iterator[None]:
    """Keep Django from closing the (transaction-wrapped) connection after each call."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def api_schema(settings, wsgi_in_test_transaction):
    # The per-address limits would otherwise answer 429 after a few public calls.
    settings.REST_FRAMEWORK = settings.REST_FRAMEWORK | {
        "DEFAULT_THROTTLE_RATES": {
            "public_submit": "100000/hour",
            "public_track": "100000/hour",
            "token": "100000/minute",
        }
    }
    cache.clear()
    yield schemathesis.openapi.from_wsgi(
        "/api/schema/", application, headers={"Accept": "application/json"}
    )
    cache.clear()


@pytest.fixture
def known_ids(agency, other_agency) -> dict[str, list]:
    """Cases, an appeal and a publication, so that fuzzed path ids sometimes exist
    (including another agency's case, which must answer exactly like a missing one)."""
    cases = [
        register(agency, date(2026, 11, 2)),
        register(agency, date(2026, 9, 25), id_number=make_resident_id(2)),
        register(other_agency, date(2026, 11, 3), id_number=make_resident_id(3)),
    ]
    appeal = appeal_create(
        agency=agency,
        reference="西城复议〔2026〕1号",
        kind="reconsideration",
        filed_on=date(2026, 10, 12),
        request=cases[0],
    )
    publication = publication_create(
        agency=agency,
        reference="XCCG-2026-001",
        title="西城区城市管理监督指挥中心2026年工作要点",
        category="plan",
        published_on=date(2026, 3, 2),
        channels=["website"],
    )
    return {
        "request_id": [case.pk for case in cases] + [UNKNOWN_ID],
        "query_code": [case.query_code for case in cases] + ["0" * 32],
        "appeal_id": [appeal.pk, UNKNOWN_ID],
        "publication_id": [publication.pk, UNKNOWN_ID],
    }


def fuzz_operation(
    operation, *, headers: dict[str, str], known: dict[str, list], result: Fuzzing
) -> None:
    strategy = st.one_of(
        operation.as_strategy(generation_mode=mode)
        for mode in (
            schemathesis.GenerationMode.POSITIVE,
            schemathesis.GenerationMode.NEGATIVE,
        )
    )

    @SETTINGS
    @given(case=strategy, data=st.data())
    def run(case, data):
        result.cases += 1
        for name in case.path_parameters or {}:
            if name in known and data.draw(st.booleans()):
                case.path_parameters[name] = data.draw(st.sampled_from(known[name]))
        if case.media_type in FORM_MEDIA_TYPES and not isinstance(case.body, dict):
            # A negative body that is not an object cannot be encoded as a form by the
            # WSGI test client; sent as JSON it is still the same invalid input.
            case.media_type = "application/json"
        response = case.call(headers=headers)
        result.statuses[operation.label, response.status_code] += 1
        case.validate_response(response, checks=CHECKS, headers=headers)

    try:
        run()
    except Exception:  # every operation runs; all failures are reported together
        result.failures.append(f"{operation.label}:\n{traceback.format_exc()}")


def fuzz(schema, *, headers: dict[str, str], known: dict[str, list]) -> Fuzzing:
    result = Fuzzing()
    for outcome in schema.get_all_operations():
        result.operations += 1
        fuzz_operation(outcome.ok(), headers=headers, known=known, result=result)
    return result


def published_operations(schema) -> int:
    """How many operations the OpenAPI document lists (27 when this was written)."""
    return sum(
        len(HTTP_METHODS.intersection(item))
        for item in schema.raw_schema["paths"].values()
    )


def is_staff_operation(label: str) -> bool:
    return not label.startswith(
        ("POST /api/v1/public/", "GET /api/v1/public/", "POST /api/v1/auth/")
    )


@pytest.mark.django_db
def test_every_operation_with_a_staff_token(
    api_schema, known_ids, clerk, record_property
):
    token = Token.objects.create(user=clerk)

    result = fuzz(
        api_schema, headers={"Authorization": f"Token {token.key}"}, known=known_ids
    )

    record_property("fuzzed", f"{result.operations} operations, {result.cases} cases")
    assert not result.failures, "\n\n".join(result.failures)
    assert result.operations == published_operations(api_schema) >= 27
    assert result.cases >= result.operations * EXAMPLES_PER_OPERATION
    # The token really authenticates: staff reads succeed.
    assert result.statuses["GET /api/v1/requests/", 200] >= 1
    assert not any(status == 401 for _label, status in result.statuses)


@pytest.mark.django_db
def test_every_operation_without_credentials(api_schema, known_ids, record_property):
    result = fuzz(api_schema, headers={}, known=known_ids)

    record_property("fuzzed", f"{result.operations} operations, {result.cases} cases")
    assert not result.failures, "\n\n".join(result.failures)
    assert result.operations == published_operations(api_schema) >= 27
    assert result.cases >= result.operations * EXAMPLES_PER_OPERATION
    # No staff operation ever answers an anonymous caller with data.
    leaked = {
        (label, status)
        for label, status in result.statuses
        if is_staff_operation(label) and status < 400
    }
    assert leaked == set()
