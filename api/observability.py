"""One access-log line and one latency observation per request, a request id on every answer, and /metrics.

The log line names the route template (`/api/v1/inspectors/{inspector_id}`), never the raw path or the query
string, which could carry an ID-card number; it names the user the auth dependency put on request.state.
"""

import logging
import re
import time
import uuid

from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, Gauge, Histogram, generate_latest
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api import errors
from config.logs import request_id

log = logging.getLogger("jointcheck.access")
errors_log = logging.getLogger("jointcheck.errors")

_SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{8,128}")
# Scrapes and health probes come every few seconds: logged at DEBUG unless they fail, so INFO stays readable.
_QUIET_PATHS = ("/metrics", "/healthz")
UNMATCHED_ROUTE = "<unmatched>"

REQUEST_SECONDS = Histogram(
    "jointcheck_http_request_duration_seconds", "HTTP request latency by route template, method and status class",
    ["method", "route", "status_class"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0))
IN_FLIGHT = Gauge("jointcheck_http_requests_in_flight", "HTTP requests being served")


def route_template(scope: Scope) -> str:
    """The matched route's path template; a fixed label for anything no route matched (bounded cardinality)."""
    route = scope.get("route")
    return getattr(route, "path", None) or UNMATCHED_ROUTE


class ObservabilityMiddleware:
    """Request id (incoming X-Request-ID when sane, else new), access log line, latency histogram, in-flight gauge.

    An exception no handler turned into an answer is logged here with the request id and answered with a 500
    that carries the id, so the person who saw it can quote it.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        rid = _incoming_request_id(scope) or request_id.get() or uuid.uuid4().hex
        token = request_id.set(rid)
        scope.setdefault("state", {})
        status, answered = 500, False
        started = time.perf_counter()

        async def send_with_id(message: Message) -> None:
            nonlocal status, answered
            if message["type"] == "http.response.start":
                status, answered = message["status"], True
                message["headers"] = [*message.get("headers", []), (b"x-request-id", rid.encode())]
            await send(message)

        IN_FLIGHT.inc()
        try:
            await self.app(scope, receive, send_with_id)
        except Exception:
            errors_log.exception("unhandled error in %s %s", scope["method"], route_template(scope))
            status = 500
            if not answered:
                await _internal_error(rid)(scope, receive, send_with_id)
        finally:
            IN_FLIGHT.dec()
            request_id.reset(token)
            self._record(scope, rid, status, time.perf_counter() - started)

    @staticmethod
    def _record(scope: Scope, rid: str, status: int, seconds: float) -> None:
        route, method = route_template(scope), scope["method"]
        REQUEST_SECONDS.labels(method=method, route=route, status_class=f"{status // 100}xx").observe(seconds)
        level = logging.DEBUG if scope["path"] in _QUIET_PATHS and status < 400 else logging.INFO
        duration_ms = round(seconds * 1000, 1)
        user = scope["state"].get("user")
        client = scope.get("client")
        log.log(level, "%s %s %s %.1fms", method, route, status, duration_ms,
                extra={"request_id": rid, "method": method, "route": route, "status": status,
                       "duration_ms": duration_ms, "user": user, "client": client[0] if client else None})


def _incoming_request_id(scope: Scope) -> str | None:
    for name, value in scope.get("headers", []):
        if name == b"x-request-id":
            text = value.decode("latin-1")
            return text if _SANE_REQUEST_ID.fullmatch(text) else None
    return None


def _internal_error(rid: str) -> Response:
    return JSONResponse(status_code=500, content={
        "detail": errors.INTERNAL_ERROR, "code": "INTERNAL_ERROR", "field": None, "params": {"request_id": rid}})


def metrics() -> Response:
    """Prometheus text exposition of this process (each `jointcheck api` is one uvicorn process: scrape each)."""
    return Response(generate_latest(REGISTRY), media_type=CONTENT_TYPE_LATEST)
