"""What every console handler shares: the page context (session, user, API), rendering, redirects, form checks."""

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import Depends, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.routing import APIRoute
from fastapi.templating import Jinja2Templates
from starlette.datastructures import FormData

from api.console import labels
from api.console.api_client import ApiFailure, ConsoleApi
from api.console.errors import Problem
from api.console.session import (CSRF_FIELD, FLASH_COOKIE, IDLE, ConsoleSession, csrf_ok, keep_alive, push_flash,
                                 read_flash, read_session, write_session)
from domain import lifecycle
from domain.workdays import SHANGHAI
templates = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))


class PageExit(Exception):
    """Leave a handler (or a dependency) with this response: a redirect or an error page."""

    def __init__(self, response: Response) -> None:
        self.response = response


class ConsoleRoute(APIRoute):
    """Turns PageExit into its response, so dependencies can redirect to the login page."""

    def get_route_handler(self) -> Callable:
        original = super().get_route_handler()

        async def handler(request: Request) -> Response:
            try:
                response = await original(request)
            except PageExit as exit_:
                response = exit_.response
            keep_alive(request, response)
            return response

        return handler


@dataclass
class Page:
    request: Request
    session: ConsoleSession
    user: dict | None
    api: ConsoleApi

    @property
    def role(self) -> str | None:
        return self.user["role"] if self.user else None

    @property
    def department(self) -> str | None:
        return self.user.get("department_code") if self.user else None

    async def form(self) -> FormData:
        """The posted form, after its CSRF token was checked (403 page otherwise)."""
        form = await self.request.form()
        if not csrf_ok(self.session, form.get(CSRF_FIELD)):
            raise PageExit(render(self, "error.html", {"problem": Problem(
                403, "表单已失效或来源不明（CSRF 校验未通过）", ["请返回上一页，刷新后重新提交。"], "CSRF token missing or wrong")},
                status=403))
        return form


# Console pages a user whose role requires a second factor may see before enrolling one.
ENROLMENT_PATHS = ("/console/account", "/console/logout")
REVOKED = "revoked"


async def _page(request: Request) -> Page:
    session = read_session(request)
    user = None
    if session.username:
        api = ConsoleApi(request.app, session.username, session.version)
        try:
            user = await api.get("/api/v1/me")
        except ApiFailure:
            session = ConsoleSession(ended=REVOKED)
        else:
            request.state.user = user["username"]  # for the access log (api.observability)
    request.state.console_session = session
    return Page(request, session, user,
                ConsoleApi(request.app, user["username"] if user else None, session.version))


async def _logged_in(page: Annotated[Page, Depends(_page)]) -> Page:
    if page.user is None:
        target = page.request.url.path + (f"?{page.request.url.query}" if page.request.url.query else "")
        response = RedirectResponse(f"/console/login?next={quote(target)}", status_code=303)
        if page.session.ended == IDLE:
            push_flash(page.request, response, "error", "长时间未操作，已自动退出，请重新登录")
        elif page.session.ended == REVOKED:
            push_flash(page.request, response, "error", "登录已失效（密码或动态口令已变更，或账号已停用），请重新登录")
        raise PageExit(response)
    if page.user.get("totp_enrollment_required") and not page.request.url.path.startswith(ENROLMENT_PATHS):
        response = RedirectResponse("/console/account", status_code=303)
        push_flash(page.request, response, "error", "您的角色须启用双因素认证：请先绑定动态口令，再办理其他事项")
        raise PageExit(response)
    return page


AnyPage = Annotated[Page, Depends(_page)]
UserPage = Annotated[Page, Depends(_logged_in)]


def need_role(page: Page, *roles: str) -> None:
    """Hide a page from roles it is not for (the API would refuse them anyway)."""
    if page.role not in roles:
        allowed = "、".join(labels.ROLES[r] for r in roles)
        raise PageExit(render(page, "error.html", {"problem": Problem(
            403, f"无权操作：此页面仅供{allowed}使用", [], f"role {page.role} not in {roles}")}, status=403))


def render(page: Page, template: str, context: dict[str, Any] | None = None, status: int = 200) -> HTMLResponse:
    flashes = read_flash(page.request)
    ctx = {"page": page, "user": page.user, "csrf_token": page.session.csrf, "flashes": flashes, "L": labels,
           "now": datetime.now(SHANGHAI), **(context or {})}
    response = templates.TemplateResponse(page.request, template, ctx, status_code=status)
    if flashes:
        response.delete_cookie(FLASH_COOKIE, path="/")
    if page.session.fresh:
        write_session(page.request, response, page.session)
        page.session.fresh = False
    response.headers["Cache-Control"] = "no-store"
    return response


def error_page(page: Page, failure: ApiFailure) -> HTMLResponse:
    return render(page, "error.html", {"problem": failure.problem}, status=failure.status)


def redirect(page: Page, url: str, *, ok: str | None = None, failure: ApiFailure | None = None) -> RedirectResponse:
    """PRG: go to `url` and show a success message or the Chinese account of a refusal there."""
    response = RedirectResponse(url, status_code=303)
    if ok:
        push_flash(page.request, response, "ok", ok)
    if failure:
        push_flash(page.request, response, "error", failure.problem.text, failure.problem.original)
    return response


# ---- template filters ---------------------------------------------------------------------------------------

def _as_datetime(value: Any) -> datetime | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=timezone.utc)
    try:
        parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def shanghai_time(value: Any, seconds: bool = False) -> str:
    """An instant as Beijing time, e.g. 2026-10-10 00:00."""
    parsed = _as_datetime(value)
    if parsed is None:
        return "—" if value in (None, "") else str(value)
    return parsed.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")


def time_left(value: Any) -> str:
    """What remains until a deadline, in words (or how long ago it passed)."""
    due = _as_datetime(value)
    if due is None:
        return "—"
    seconds = int((due - datetime.now(timezone.utc)).total_seconds())
    sign, seconds = ("已超期 ", -seconds) if seconds < 0 else ("剩余 ", seconds)
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    if days:
        return f"{sign}{days} 天 {hours} 小时"
    if hours:
        return f"{sign}{hours} 小时 {minutes} 分"
    if minutes:
        return f"{sign}{minutes} 分 {secs} 秒"
    return f"{sign}{secs} 秒"


def is_past(value: Any) -> bool:
    parsed = _as_datetime(value)
    return parsed is not None and parsed <= datetime.now(timezone.utc)


def percent(value: Any) -> str:
    return "—" if value is None else f"{float(value):.1f}%"


INSTANT = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:[+-]\d{2}:\d{2}|Z)")


def beijing_times_in(text: Any) -> str:
    """A message with its ISO instants (as the workflows write them) shown as Beijing time."""
    return INSTANT.sub(lambda m: shanghai_time(m.group(0)), str(text or ""))


# The lifecycle vocabulary (final states, what may be entered or opened by hand), as the workflows define it.
templates.env.globals["lifecycle"] = lifecycle
templates.env.filters.update(bj=shanghai_time, time_left=time_left, pct=percent, bj_text=beijing_times_in)
templates.env.tests["past"] = is_past
