"""Log in and out of the console, its static files, and the home page of each role."""

from pathlib import Path

from fastapi import APIRouter, HTTPException
from fastapi.responses import FileResponse, RedirectResponse, Response

from api.console import home
from api.console.api_client import ConsoleApi, problem_of
from api.console.pages import AnyPage, ConsoleRoute, Page, UserPage, render
from api.console.session import SESSION_COOKIE, logged_in, write_session

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


@router.post("/console/login")
async def login(page: AnyPage) -> Response:
    """The API checks the password (and audits the login); the console keeps only the username in its cookie."""
    form = await page.form()
    username = str(form.get("username", "")).strip()
    answer = await ConsoleApi(page.request.app, None).request(
        "POST", "/api/v1/auth/token", data={"username": username, "password": str(form.get("password", ""))})
    if answer.status_code != 200:
        problem = problem_of(answer)
        if answer.status_code == 401:
            problem.headline, problem.lines = "用户名或密码错误，或账号已停用", []
        return render(page, "login.html", {"problem": problem, "username": username,
                                           "next": _safe_next(str(form.get("next", "")))}, status=401)
    response = RedirectResponse(_safe_next(str(form.get("next", ""))), status_code=303)
    write_session(page.request, response, logged_in(username))
    return response


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
