"""What no request may carry, refused the same way whichever route it is for.

- A body over the size limit (the bulk-import uploads have their own, larger one): 413 BODY_TOO_LARGE.
- A NUL character or an unpaired surrogate in the path, a query parameter, a JSON or form body (key or value)
  of the JSON API: PostgreSQL cannot store either and no user means to send one: 422 INVALID_CHARACTER.
- NaN or an infinite number in a JSON body (Python's parser accepts them; JSON has no such numbers): 422
  INVALID_NUMBER.
The console and the public pages pass what they are given to the JSON API, which refuses it there.
"""

import math
import re
from collections.abc import Iterable

from fastapi import FastAPI, Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api import errors
from api.refusals import Refusal

API_PREFIX = "/api/"
# The routes that take a multipart upload (bulk import); tests/api/test_limits.py checks the list is complete.
UPLOAD_PATHS = frozenset({"/api/v1/objects/import", "/api/v1/inspectors/import"})
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


class InputRefused(Refusal):
    """A refusal of what no request may carry (answered by api.refusals.refusal_response)."""

    def __init__(self, status: int, detail: str, code: str, field: str | None = None, **params) -> None:
        super().__init__(status, detail, code, field=field, params=params)


class BodyTooLarge(InputRefused):
    def __init__(self, limit: int) -> None:
        super().__init__(413, errors.body_too_large(limit), "BODY_TOO_LARGE", limit=limit)


def _bad_character(text: str) -> str | None:
    found = _UNSTORABLE.search(text)
    return f"U+{ord(found[0]):04X}" if found else None


def _refuse_character(field: str, character: str, location: str) -> InputRefused:
    return InputRefused(422, errors.invalid_character(field, character), "INVALID_CHARACTER", field,
                        location=location, character=character)


def _check_pairs(pairs: Iterable[tuple[str, str]], location: str) -> None:
    for name, value in pairs:
        for text in (name, value):
            bad = _bad_character(text)
            if bad:
                raise _refuse_character(name, bad, location)


def _check_json(document) -> None:
    """Every string (key or value) and every number anywhere in a parsed JSON document; iterative, as documents
    may nest as deep as the parser allows."""
    stack: list[tuple[str, object]] = [("", document)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, str):
            bad = _bad_character(value)
            if bad:
                raise _refuse_character(path or "body", bad, "body")
        elif isinstance(value, float) and not math.isfinite(value):
            raise InputRefused(422, errors.not_finite(path or "body"), "INVALID_NUMBER", path or "body",
                               location="body")
        elif isinstance(value, dict):
            for key, item in value.items():
                name = f"{path}.{key}" if path else str(key)
                bad = _bad_character(str(key))
                if bad:
                    raise _refuse_character(name, bad, "body")
                stack.append((name, item))
        elif isinstance(value, list):
            stack.extend((f"{path}[{i}]", item) for i, item in enumerate(value))


async def refuse_unstorable_input(request: Request) -> None:
    """App-wide dependency: runs after routing (so the access log names the route), before any route's own."""
    if not request.url.path.startswith(API_PREFIX):
        return
    bad = _bad_character(request.url.path)
    if bad:
        raise _refuse_character("path", bad, "path")
    _check_pairs(request.query_params.multi_items(), "query")
    media = request.headers.get("content-type", "application/json").split(";", 1)[0].strip().lower()
    if media == "application/x-www-form-urlencoded":
        form = await request.form()
        _check_pairs(((k, v) for k, v in form.multi_items() if isinstance(v, str)), "form")
    elif media.endswith("json") and await request.body():
        try:
            document = await request.json()
        except (ValueError, RecursionError):
            return  # not JSON: the route's own parsing answers with its 4xx
        _check_json(document)


class BodyLimitMiddleware:
    """Refuses a body larger than the limit as soon as the route reads it: by its Content-Length when it
    declares one, else once that many bytes have streamed in."""

    def __init__(self, app: ASGIApp, *, max_body_bytes: int, max_upload_bytes: int) -> None:
        self.app = app
        self.max_body_bytes, self.max_upload_bytes = max_body_bytes, max_upload_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.max_upload_bytes if scope["path"] in UPLOAD_PATHS else self.max_body_bytes
        declared = dict(scope.get("headers", [])).get(b"content-length", b"")
        received = 0

        async def limited() -> Message:
            nonlocal received
            if declared.isdigit() and int(declared) > limit:
                raise BodyTooLarge(limit)
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge(limit)
            return message

        await self.app(scope, limited, send)


PROBLEM_SCHEMA = {
    "title": "Problem", "type": "object", "required": ["detail", "code", "field", "params"],
    "properties": {"detail": {"type": "string"}, "code": {"type": "string", "description": "stable, UPPER_SNAKE"},
                   "field": {"anyOf": [{"type": "string"}, {"type": "null"}]}, "params": {"type": "object"}}}


def document_refusals(app: FastAPI) -> None:
    """Put these refusals in the OpenAPI schema: every API operation may answer 422 with a Problem (beside
    FastAPI's list of validation errors) and 413."""
    build = app.openapi

    def openapi() -> dict:
        if app.openapi_schema:
            return app.openapi_schema
        schema = build()
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        components["Problem"] = PROBLEM_SCHEMA
        problem = {"$ref": "#/components/schemas/Problem"}
        # FastAPI's own list, as routes answer it for a body that is not JSON even where it is not documented.
        validation = {"$ref": "#/components/schemas/HTTPValidationError"} if "HTTPValidationError" in components else None
        for path, operations in schema["paths"].items():
            if not path.startswith(API_PREFIX):
                continue
            for operation in operations.values():
                responses = operation.setdefault("responses", {})
                refused = responses.setdefault("422", {"description": "Validation Error"})
                json_content = refused.setdefault("content", {}).setdefault("application/json", {})
                listed = json_content.get("schema") or validation
                json_content["schema"] = {"anyOf": [listed, problem]} if listed else problem
                responses.setdefault("413", {"description": "request body too large",
                                             "content": {"application/json": {"schema": problem}}})
        return schema

    app.openapi = openapi
