"""The console calls the app's own JSON API in-process, as the logged-in user, with a short-lived bearer token.

Nothing here knows a business rule: the API (and the workflows behind it) decide; the console renders.
"""

from datetime import timedelta
from typing import Any

import httpx
from fastapi import FastAPI

from api.console.errors import Problem, describe
from api.security import issue_token

TOKEN_TTL = timedelta(minutes=2)
TIMEOUT = httpx.Timeout(60.0)


class ApiFailure(Exception):
    """The API refused: carries the Chinese account of why."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.original)
        self.problem = problem

    @property
    def status(self) -> int:
        return self.problem.status


class ConsoleApi:
    """JSON API calls on behalf of one user at its session's token version (or anonymously, for the public site
    and the login form, which pass on the browser's address so that login throttling sees the real caller)."""

    def __init__(self, app: FastAPI, username: str | None, version: int = 0, *,
                 client: tuple[str, int] | None = None) -> None:
        self.app = app
        self.username = username
        self.version = version
        self.client = client

    def _headers(self) -> dict[str, str]:
        if not self.username:
            return {}
        secret = self.app.state.settings.secret_key.get_secret_value()
        token, _ = issue_token(username=self.username, version=self.version, secret=secret, ttl=TOKEN_TTL)
        return {"Authorization": f"Bearer {token}"}

    async def request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        # An API crash comes back as its 500 answer, so the console shows a Chinese error page, not a traceback.
        transport = httpx.ASGITransport(app=self.app, raise_app_exceptions=False,
                                        **({"client": self.client} if self.client else {}))
        async with httpx.AsyncClient(transport=transport, base_url="http://console.internal",
                                     timeout=TIMEOUT) as client:
            return await client.request(method, path, headers=self._headers(), **kwargs)

    async def call(self, method: str, path: str, **kwargs: Any) -> Any:
        """The JSON answer of a successful call; ApiFailure (in Chinese) otherwise."""
        response = await self.request(method, path, **kwargs)
        if response.status_code >= 400:
            raise ApiFailure(problem_of(response))
        if not response.content:
            return None
        return response.json()

    async def get(self, path: str, **params: Any) -> Any:
        return await self.call("GET", path, params={k: v for k, v in params.items() if v is not None})

    async def post(self, path: str, json: Any = None, **kwargs: Any) -> Any:
        return await self.call("POST", path, json=json, **kwargs)

    async def put(self, path: str, json: Any = None) -> Any:
        return await self.call("PUT", path, json=json)

    async def get_or(self, default: Any, path: str, **params: Any) -> Any:
        """GET, or `default` when the API refuses (for optional parts of a page)."""
        try:
            return await self.get(path, **params)
        except ApiFailure:
            return default


def problem_of(response: httpx.Response) -> Problem:
    try:
        body = response.json()
        detail, code, field = body.get("detail", response.text), body.get("code"), body.get("field")
    except (ValueError, AttributeError):
        detail, code, field = response.text or response.reason_phrase, None, None
    return describe(response.status_code, detail, code=code, field=field)
