"""Each class of input the fuzz run (tests/fuzz) found to crash the API now gets a clear 4xx naming the field."""

import httpx
import pytest

from api.app import create_app
from api.limits import UPLOAD_PATHS
from tests.api.helpers import user_headers

ID_CARD = "43030219900307123X"


@pytest.fixture
async def office(client, session_factory):
    return await user_headers(client, session_factory, "office1", "office")


def _refusal(answer: httpx.Response, status: int, code: str, field: str | None) -> dict:
    assert answer.status_code == status, answer.text
    body = answer.json()
    assert body["code"] == code and body["field"] == field and body["detail"]
    return body


@pytest.mark.parametrize("path", ["/api/v1/plans/2147483648", "/api/v1/plans/99999999999999999999999/adjustments",
                                  "/api/v1/inspectors/2147483648", "/api/v1/items/X/versions/1099511627776",
                                  "/api/v1/public/draws?offset=56444138853135003969601542031409152",
                                  "/api/v1/tasks?offset=9223372036854775808", "/api/v1/audit?limit=501"])
async def test_ids_offsets_and_limits_out_of_range_are_422(client, office, path):
    answer = await client.get(path, headers=office)
    assert answer.status_code == 422, answer.text
    (error,) = answer.json()["detail"]
    assert error["loc"][0] in ("path", "query") and error["type"] in ("less_than_equal", "greater_than_equal")


async def test_a_result_id_with_other_digits_is_not_found(client, office):
    for result_id in ("T1:²:D1", "T1:99999999999:D1"):
        answer = await client.post(f"/api/v1/results/{result_id}/approve", headers=office, json={})
        assert answer.status_code == 404, answer.text


async def test_nul_and_unpaired_surrogates_are_refused_where_they_are(client, office):
    query = await client.get("/api/v1/public/results", params={"q": f"{ID_CARD}\x00"})
    assert _refusal(query, 422, "INVALID_CHARACTER", "q")["params"] == {"location": "query", "character": "U+0000"}
    path = await client.get("/api/v1/tasks/T%00X", headers=office)
    _refusal(path, 422, "INVALID_CHARACTER", "path")
    form = await client.post("/api/v1/auth/token", data={"username": "office1\x00", "password": "x"})
    _refusal(form, 422, "INVALID_CHARACTER", "username")
    nested = await client.post("/api/v1/tasks", headers=office, json={
        "name": "联合检查", "lead_item_codes": ["A"], "responders": [{"department_code": "D\x00", "item_codes": []}]})
    _refusal(nested, 422, "INVALID_CHARACTER", "responders[0].department_code")
    key = await client.post("/api/v1/departments", headers=office, json={"na\x00me": "x"})
    _refusal(key, 422, "INVALID_CHARACTER", "na\x00me")
    surrogate = await client.post("/api/v1/departments", headers={**office, "content-type": "application/json"},
                                  content=b'{"name": "\\ud800x"}')
    assert _refusal(surrogate, 422, "INVALID_CHARACTER", "name")["params"]["character"] == "U+D800"


@pytest.mark.parametrize("number", [b"NaN", b"Infinity", b"-Infinity", b"1e999"])
async def test_non_finite_numbers_are_422(client, office, number):
    answer = await client.post("/api/v1/tasks", headers={**office, "content-type": "application/json"},
                               content=b'{"name": "x", "lead_item_codes": ["A"], "ratio": ' + number + b"}")
    _refusal(answer, 422, "INVALID_NUMBER", "ratio")


async def test_malformed_json_and_wrong_content_type_are_422(client, office):
    broken = await client.post("/api/v1/departments", headers={**office, "content-type": "application/json"},
                               content=b'{"code": ')
    assert broken.status_code == 422 and broken.json()["detail"][0]["type"] == "json_invalid"
    text = await client.post("/api/v1/tasks", headers={**office, "content-type": "text/plain"}, content=b"name=X")
    assert text.status_code == 422 and text.json()["detail"][0]["type"] == "model_attributes_type"


async def test_bodies_over_the_limit_are_413_uploads_have_their_own(settings, temporal_client):
    small = settings.model_copy(update={"max_body_bytes": 4096, "max_upload_bytes": 64 * 1024})
    app = create_app(small, temporal_client=temporal_client)
    async with app.router.lifespan_context(app):
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as http:
            declared = await http.post("/api/v1/departments", json={"name": "x" * 5000})
            assert _refusal(declared, 413, "BODY_TOO_LARGE", None)["params"] == {"limit": 4096}

            async def chunks():
                for _ in range(5):
                    yield b"x" * 1024

            streamed = await http.post("/api/v1/departments", content=chunks())
            _refusal(streamed, 413, "BODY_TOO_LARGE", None)
            upload = await http.post("/api/v1/objects/import", files={"file": ("o.csv", b"a,b\n" * 4000)})
            assert upload.status_code == 401  # read whole and passed on: refused for want of a login, not size
            too_big = await http.post("/api/v1/objects/import", files={"file": ("o.csv", b"a,b\n" * 20000)})
            _refusal(too_big, 413, "BODY_TOO_LARGE", None)


async def test_upload_paths_are_every_multipart_operation(app):
    multipart = {path for path, operations in app.openapi()["paths"].items() for operation in operations.values()
                 if "multipart/form-data" in operation.get("requestBody", {}).get("content", {})}
    assert multipart == UPLOAD_PATHS


@pytest.mark.parametrize("query", ["/api/v1/calendar/deadline?start=9999-12-31T00:00:00%2B00:00&working_days=365",
                                   "/api/v1/calendar/deadline?start=0001-01-01T00:00:00%2B14:00&working_days=1",
                                   "/api/v1/audit?since=0001-01-01T00:00:00%2B14:00",
                                   "/api/v1/audit?since=9999-12-31T23:59:59-14:00"])
async def test_instants_outside_1900_to_2999_are_422(client, office, query):
    answer = await client.get(query, headers=office)
    assert answer.status_code == 422, answer.text
    (error,) = answer.json()["detail"]
    assert error["loc"][0] == "query" and "between 1900-01-01 and 2999-12-31" in error["msg"]


async def test_days_outside_1900_to_2999_are_422(client, office):
    answer = await client.post("/api/v1/tasks", headers=office, json={
        "name": "联合检查", "lead_item_codes": ["A"], "sample_size": 1, "window_start": "9999-12-31"})
    assert answer.status_code == 422, answer.text
    assert answer.json()["detail"][0]["loc"] == ["body", "window_start"]


def _unbounded_integers(schema: dict, where: str, components: dict, seen: frozenset = frozenset()):
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        if name not in seen:
            yield from _unbounded_integers(components[name], name, components, seen | {name})
        return
    if schema.get("type") == "integer" and "maximum" not in schema:
        yield where
    for key in ("anyOf", "oneOf", "allOf"):
        for option in schema.get(key, []):
            yield from _unbounded_integers(option, where, components, seen)
    if "items" in schema:
        yield from _unbounded_integers(schema["items"], f"{where}[]", components, seen)
    for name, prop in schema.get("properties", {}).items():
        yield from _unbounded_integers(prop, f"{where}.{name}", components, seen)


async def test_every_integer_a_request_can_carry_has_a_maximum(app):
    """The class of bug the fuzz run found first (int4 overflow at PostgreSQL), checked for every input at once."""
    openapi = app.openapi()
    components = openapi["components"]["schemas"]
    unbounded = []
    for path, operations in openapi["paths"].items():
        for method, operation in operations.items():
            for parameter in operation.get("parameters", []):
                unbounded += _unbounded_integers(parameter["schema"], f"{method} {path} {parameter['name']}",
                                                 components)
            for content in operation.get("requestBody", {}).get("content", {}).values():
                unbounded += _unbounded_integers(content["schema"], f"{method} {path} body", components)
    assert unbounded == []


async def test_task_fields_stored_in_short_columns_are_checked_on_launch(client, office):
    """A value the read model cannot store would fail the workflow's write activity forever: refuse it first."""
    base = {"name": "联合检查", "lead_department_code": "D1", "lead_item_codes": ["A"], "sample_size": 1}
    for field, value in (("method", "inspect_by_telephone"), ("lead_department_code", "D" * 33),
                         ("plan_id", 2**31)):
        answer = await client.post("/api/v1/tasks", headers=office, json={**base, field: value})
        assert answer.status_code == 422, answer.text
        assert answer.json()["detail"][0]["loc"] == ["body", field]


async def test_the_public_site_shows_the_refusal_in_chinese(client):
    page = await client.get("/public", params={"q": "湘潭\x00"})
    assert page.status_code == 422 and "查询条件：含有不允许的字符" in page.text
