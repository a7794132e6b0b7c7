"""Log in (password, then the second factor when the account has one) and out of the console, its static files,
and the home page of each role."""

from pathlib import Path
from urllib.parse import quote

from fastapi import APIRouter, HTTPException
from fastapi.responses import FileResponse, RedirectResponse, Response

from api.console import home
from api.console.api_client import ConsoleApi, problem_of
from api.console.errors import Problem
from api.console.pages import AnyPage, ConsoleRoute, Page, UserPage, render, shanghai_time
from api.console.session import SESSION_COOKIE, ConsoleSession, awaiting_second_factor, logged_in, write_session

router = APIRouter(route_class=ConsoleRoute, include_in_schema=False)
STATIC = Path(__file__).parent / "static"
STATIC_TYPES = {".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8", ".svg": "image/svg+xml"}


@router.get("/console/static/{name}")
async def static(name: str) -> FileResponse:
    """The console's own CSS and the vendored htmx (never a CDN)."""
    path = STATIC / name
    if "/" in name or name.startswith(".") or path.suffix not in STATIC_TYPES or not path.is_file():
        raise HTTPException(404)
    return FileResponse(path, media_type=STATIC_TYPES[path.suffix], headers={"Cache-Control": "public, max-age=3600"})


def _safe_next(target: str | None) -> str:
    """Only a path inside the console: never an open redirect."""
    if target and target.startswith("/console") and not target.startswith("//"):
        return target
    return "/console"


@router.get("/console/login")
async def login_page(page: AnyPage, next: str = "/console") -> Response:
    if page.user:
        return RedirectResponse(_safe_next(next), status_code=303)
    return render(page, "login.html", {"next": _safe_next(next), "username": ""})


def _browser(page: Page) -> tuple[str, int] | None:
    """The browser's address, passed on to the API so that its login throttling counts the real caller."""
    client = page.request.client
    return (client.host, client.port) if client else None


def _logged_in_as(page: Page, answer, target: str) -> Response:
    response = RedirectResponse(target, status_code=303)
    write_session(page.request, response, logged_in(page.request, answer.json()["access_token"]))
    return response


@router.post("/console/login")
async def login(page: AnyPage) -> Response:
    """The API checks the password (and counts and audits failures); a second factor is asked for on its own page."""
    form = await page.form()
    username = str(form.get("username", "")).strip()
    target = _safe_next(str(form.get("next", "")))
    answer = await ConsoleApi(page.request.app, None, client=_browser(page)).request(
        "POST", "/api/v1/auth/token", data={"username": username, "password": str(form.get("password", ""))})
    if answer.status_code == 200:
        return _logged_in_as(page, answer, target)
    body = _json(answer)
    if body.get("code") == "totp_required":
        response = RedirectResponse(f"/console/login/second-factor?next={quote(target)}", status_code=303)
        write_session(page.request, response, awaiting_second_factor(body["params"]["challenge"]))
        return response
    return render(page, "login.html", {"problem": _login_problem(answer, body), "username": username,
                                       "next": target}, status=answer.status_code)


@router.get("/console/login/second-factor")
async def second_factor_page(page: AnyPage, next: str = "/console") -> Response:
    if not page.session.challenge:
        return RedirectResponse("/console/login", status_code=303)
    return render(page, "login_second_factor.html", {"next": _safe_next(next)})


@router.post("/console/login/second-factor")
async def second_factor(page: AnyPage) -> Response:
    """The code from the authenticator app, with the challenge the password step left in the session."""
    form = await page.form()
    target = _safe_next(str(form.get("next", "")))
    if not page.session.challenge:
        return RedirectResponse("/console/login", status_code=303)
    answer = await ConsoleApi(page.request.app, None, client=_browser(page)).request(
        "POST", "/api/v1/auth/second-factor",
        data={"challenge": page.session.challenge, "totp_code": str(form.get("totp_code", "")).strip()})
    if answer.status_code == 200:
        return _logged_in_as(page, answer, target)
    body = _json(answer)
    if body.get("code") == "totp_wrong":
        return render(page, "login_second_factor.html", {"problem": _login_problem(answer, body), "next": target},
                      status=answer.status_code)
    page.session = ConsoleSession()  # the challenge is spent (expired, or the account locked): start over
    return render(page, "login.html", {"problem": _login_problem(answer, body), "username": "", "next": target},
                  status=answer.status_code)


def _json(answer) -> dict:
    try:
        body = answer.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def _login_problem(answer, body: dict) -> Problem:
    """What the login page says: a lock names when it ends, a throttle how long to wait."""
    problem = problem_of(answer)
    params = body.get("params") or {}
    if body.get("code") == "account_locked" and params.get("locked_until"):
        problem.lines = [f"请于 {shanghai_time(params['locked_until'], seconds=True)} 后再试；如需提前解锁，请联系平台管理员。"]
    elif body.get("code") == "address_throttled" and params.get("retry_after"):
        problem.lines = [f"请 {params['retry_after']} 秒后再试。"]
    return problem


@router.post("/console/logout")
async def logout(page: AnyPage) -> Response:
    await page.form()
    response = RedirectResponse("/console/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/console")
async def home_page(page: UserPage) -> Response:
    """Each role lands on its own work: inbox, approval queue, or the office dashboard."""
    return await _home_of(page)


async def _home_of(page: Page) -> Response:
    if page.role == "office":
        from api.console.routes_office import dashboard

        return await dashboard(page)
    if page.role == "dept_approver":
        return await home.approver_home(page)
    if page.role == "dept_operator":
        return await home.operator_home(page)
    return await home.admin_home(page)
