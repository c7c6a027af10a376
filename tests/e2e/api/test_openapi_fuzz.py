"""schemathesis against the OpenAPI document: whatever a "
"client sends, the API answers without a 5xx and as documented."""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error, response_schema_conformance

from cbec.api.app import API_PREFIX

from .world import PASSWORD, World

EXAMPLES = 20


def test_no_request_to_any_operation_makes_the_api_fail(world: World) -> None:
    schema = schemathesis.openapi.from_asgi(f"{API_PREFIX}/openapi.json", world.client.app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 14
    # a token of its own: the fuzzer may well revoke it (POST /auth/revoke), which must not log out other tests
    login = world.client.post(f"{API_PREFIX}/auth/token", json={"username": "admin", "password": PASSWORD}).json()
    headers = {"Authorization": f"Bearer {login['access_token']}"}
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        def probe(case: schemathesis.Case) -> None:
            case.call_and_validate(headers=headers, checks=[not_a_server_error, response_schema_conformance])

        probe()
