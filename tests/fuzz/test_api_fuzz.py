"""Schemathesis over every operation of /openapi.json, as each role and anonymously: no input gives a 5xx."""

import schemathesis
from schemathesis.checks import not_a_server_error, response_schema_conformance
from hypothesis import HealthCheck, settings

from api.app import create_app
from config.settings import Settings

schema = schemathesis.openapi.from_dict(create_app(Settings(env="test")).openapi())


@schema.parametrize()
@settings(max_examples=int(__import__("os").environ.get("FUZZ_N", "10")), derandomize=True, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.function_scoped_fixture])
def test_no_input_gives_a_server_error(case, live_api, tokens, role):
    case.call_and_validate(base_url=live_api, headers=tokens[role],
                           checks=[not_a_server_error, response_schema_conformance])
