"""Helpers for the account-security tests: an app with its own settings on the test's database (a second API
process, as far as the database can tell), clients from given addresses, TOTP codes, audit actions."""

import re
import time
from contextlib import asynccontextmanager

import httpx
import pyotp
from sqlalchemy import select

from api.app import create_app
from store.models import AuditRecord


@asynccontextmanager
async def serve(settings, temporal_client, **overrides):
    """The app with these settings changed, on the same database as the test's own app."""
    app = create_app(settings.model_copy(update=overrides), temporal_client=temporal_client)
    async with app.router.lifespan_context(app):
        yield app


@asynccontextmanager
async def client_of(app, address: str = "127.0.0.1", base_url: str = "http://test"):
    """An HTTP client to the app that the app sees as coming from `address`."""
    transport = httpx.ASGITransport(app=app, client=(address, 40000))
    async with httpx.AsyncClient(transport=transport, base_url=base_url) as http:
        yield http


async def try_login(http: httpx.AsyncClient, username: str, password: str, **extra: str) -> httpx.Response:
    return await http.post("/api/v1/auth/token", data={"username": username, "password": password, **extra})


def bearer(answer: httpx.Response) -> dict[str, str]:
    assert answer.status_code == 200, answer.text
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


def code_now(secret: str) -> str:
    return pyotp.TOTP(secret).now()


def code_next(secret: str) -> str:
    """The code of the next time step: still accepted (clock drift), and not yet used."""
    return pyotp.TOTP(secret).at(time.time() + 30)


def secret_on_page(html: str) -> str:
    match = re.search(r'密钥：<span class="mono">([A-Z2-7]+)</span>', html)
    assert match, "the page shows no TOTP secret"
    return match.group(1)


async def audit_actions(session_factory, target: str) -> list[tuple[str, dict]]:
    """(action, change) of every audit record about `target`, oldest first."""
    import json

    async with session_factory() as session:
        rows = await session.execute(select(AuditRecord.action, AuditRecord.change)
                                     .where(AuditRecord.target == target).order_by(AuditRecord.id))
        return [(action, json.loads(change)) for action, change in rows]
