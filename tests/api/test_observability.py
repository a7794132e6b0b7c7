"""One access line per request (request id, user, route template, status, duration), the id echoed, /metrics."""

import json

from prometheus_client import REGISTRY

from tests.api.helpers import PASSWORD, user_headers
from tests.log_capture import captured  # noqa: F401 - the fixture

ID_CARD = "43030219900307123X"


def _access_lines(buffer) -> list[dict]:
    lines = [json.loads(line) for line in buffer.getvalue().splitlines()]
    return [line for line in lines if line["logger"] == "jointcheck.access"]


async def test_one_access_line_per_request_with_user_route_status_and_duration(client, session_factory, captured):
    headers = await user_headers(client, session_factory, "op1", "dept_operator", "D1")
    buffer = captured("json")
    answer = await client.get("/api/v1/inspectors/123", headers=headers)
    assert answer.status_code == 404
    (line,) = _access_lines(buffer)
    assert line["request_id"] == answer.headers["x-request-id"]
    assert line["method"] == "GET" and line["route"] == "/api/v1/inspectors/{inspector_id}"
    assert line["status"] == 404 and line["user"] == "op1" and line["duration_ms"] >= 0
    assert line["message"].startswith("GET /api/v1/inspectors/{inspector_id} 404 ")


async def test_a_sane_incoming_request_id_is_kept_and_any_other_replaced(client, captured):
    buffer = captured("json")
    answers = [await client.get("/healthz", headers={"X-Request-ID": "gateway-7f3a9c01"})]
    assert answers[0].headers["x-request-id"] == "gateway-7f3a9c01"
    for insane in ("short", "has spaces in it", "x" * 200, "quote\"and<tag>"):
        answers.append(await client.get("/api/v1/me", headers={"X-Request-ID": insane}))
        assert answers[-1].headers["x-request-id"] != insane and len(answers[-1].headers["x-request-id"]) == 32
    logged = [line["request_id"] for line in _access_lines(buffer) if line["route"] == "/api/v1/me"]
    assert logged == [answer.headers["x-request-id"] for answer in answers[1:]]


async def test_logs_hold_no_password_token_query_or_id_number(client, session_factory, captured):
    await user_headers(client, session_factory, "op2", "office")
    buffer = captured("json")
    login = await client.post("/api/v1/auth/token", data={"username": "op2", "password": PASSWORD})
    token = login.json()["access_token"]
    await client.get("/api/v1/public/results", params={"q": ID_CARD})
    await client.get(f"/api/v1/items/{ID_CARD}/versions/1", headers={"Authorization": f"Bearer {token}"})
    output = buffer.getvalue()
    assert PASSWORD not in output and token not in output and ID_CARD not in output and "q=" not in output
    routes = [line["route"] for line in _access_lines(buffer)]
    assert routes == ["/api/v1/auth/token", "/api/v1/public/results", "/api/v1/items/{code}/versions/{version}"]


async def test_an_unexpected_error_is_a_500_with_the_request_id_logged(app, client, captured):
    async def broken():
        raise RuntimeError(f"boom for {ID_CARD}")

    app.get("/api/v1/test-broken")(broken)
    buffer = captured("json")
    answer = await client.get("/api/v1/test-broken", headers={"X-Request-ID": "trace-00000001"})
    assert answer.status_code == 500
    assert answer.json()["code"] == "INTERNAL_ERROR" and answer.json()["params"] == {"request_id": "trace-00000001"}
    errors = [json.loads(line) for line in buffer.getvalue().splitlines()]
    logged = [e for e in errors if e["logger"] == "jointcheck.errors"]
    assert logged and logged[0]["request_id"] == "trace-00000001" and "RuntimeError" in logged[0]["exception"]
    assert ID_CARD not in buffer.getvalue()


def _count(route: str, status_class: str) -> float:
    value = REGISTRY.get_sample_value("jointcheck_http_request_duration_seconds_count",
                                      {"method": "GET", "route": route, "status_class": status_class})
    return value or 0.0


async def test_metrics_histogram_counts_requests_per_route_template(client):
    route = "/api/v1/plans/{plan_id}"
    before = _count(route, "4xx")
    for plan_id in (1, 2, 3):
        assert (await client.get(f"/api/v1/plans/{plan_id}")).status_code == 401
    assert _count(route, "4xx") == before + 3
    scrape = await client.get("/metrics")
    assert scrape.status_code == 200 and scrape.headers["content-type"].startswith("text/plain")
    assert f'jointcheck_http_request_duration_seconds_bucket{{le="0.005",method="GET",route="{route}",' \
           f'status_class="4xx"}}' in scrape.text
    assert "jointcheck_http_requests_in_flight" in scrape.text
    assert "/metrics" not in (await client.get("/openapi.json")).json()["paths"]
