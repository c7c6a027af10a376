"""schemathesis against the OpenAPI document: whatever a client sends, the API answers without a 5xx and as documented."""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error, response_schema_conformance

from cbec.api.app import API_PREFIX

from .world import World, as_user

EXAMPLES = 20


def test_no_request_to_any_operation_makes_the_api_fail(world: World) -> None:
    schema = schemathesis.openapi.from_asgi(f"{API_PREFIX}/openapi.json", world.client.app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 14
    headers = as_user(world, "admin")
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None
        )
        def probe(case: schemathesis.Case) -> None:
            case.call_and_validate(headers=headers, checks=[not_a_server_error, response_schema_conformance])

        probe()
