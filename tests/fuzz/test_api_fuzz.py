"""Schemathesis over every operation of /openapi.json against the real stack: no input gives a 5xx, and every
answer matches the schema.

Two passes, both deterministic (derandomized):
- boundary cases (Schemathesis' coverage phase: values at and past every limit, wrong types, missing fields,
  odd strings) for each operation, sent as the first role that gets past its authorization (conftest
  `boundary_roles`), since validation only runs once a caller is let in;
- random requests (the fuzzing phase, a few per operation) as each role and anonymously, on a running task
  wherever the path names one, so that the workflow's update validators see them too.
"""

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error, response_schema_conformance

from api.app import create_app
from config.settings import Settings

OPENAPI = create_app(Settings(env="test")).openapi()
CHECKS = [not_a_server_error, response_schema_conformance]
SETTINGS = settings(derandomize=True, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much,
                                           HealthCheck.function_scoped_fixture])
RANDOM_EXAMPLES = 8

boundaries = schemathesis.openapi.from_dict(OPENAPI)
boundaries.config.phases.update(phases=["examples", "coverage"])
randoms = schemathesis.openapi.from_dict(OPENAPI)
randoms.config.phases.update(phases=["fuzzing"])


@boundaries.parametrize()
@SETTINGS
def test_boundary_cases_give_no_server_error(case, live_api, tokens, boundary_roles, http_session):
    role = boundary_roles[case.operation.label]
    case.call_and_validate(base_url=live_api, headers=tokens[role], session=http_session, checks=CHECKS)


@randoms.parametrize()
@settings(SETTINGS, max_examples=RANDOM_EXAMPLES)
def test_random_requests_give_no_server_error(case, live_api, tokens, role, http_session, live_task_id):
    if "task_id" in (case.path_parameters or {}):
        case.path_parameters["task_id"] = live_task_id
    case.call_and_validate(base_url=live_api, headers=tokens[role], session=http_session, checks=CHECKS)
