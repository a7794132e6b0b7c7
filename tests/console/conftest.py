"""Console tests: one cookie jar per user, talking to the app in-process like a browser without JavaScript."""

import re
from urllib.parse import urlencode
from collections.abc import AsyncIterator

import httpx
import pytest

from tests.api.helpers import PASSWORD

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_of(html: str) -> str:
    match = CSRF.search(html)
    assert match, "the page has no CSRF token"
    return match.group(1)


class Browser:
    """A cookie jar and helpers to get pages and post their forms with the page's CSRF token."""

    def __init__(self, http: httpx.AsyncClient) -> None:
        self.http = http
        self.token = ""

    async def get(self, url: str, **kwargs) -> httpx.Response:
        response = await self.http.get(url, **kwargs)
        if "csrf_token" in response.text:
            self.token = csrf_of(response.text)
        return response

    async def post(self, url: str, data: dict | list | None = None, *, follow: bool = True) -> httpx.Response:
        if not self.token:
            await self.get("/console/login")
        fields = list(data.items()) if isinstance(data, dict) else list(data or [])
        response = await self.http.post(url, content=urlencode([("csrf_token", self.token), *fields]),
                                        headers={"Content-Type": "application/x-www-form-urlencoded"},
                                        follow_redirects=follow)
        if "csrf_token" in response.text:
            self.token = csrf_of(response.text)
        return response

    async def login(self, username: str, password: str = PASSWORD) -> httpx.Response:
        await self.get("/console/login")
        return await self.post("/console/login", {"username": username, "password": password})


@pytest.fixture
async def browsers(app) -> AsyncIterator:
    """browsers() → a new logged-out Browser on the test's app; all are closed at the end."""
    opened: list[httpx.AsyncClient] = []

    def make() -> Browser:
        http = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test")
        opened.append(http)
        return Browser(http)

    yield make
    for http in opened:
        await http.aclose()
