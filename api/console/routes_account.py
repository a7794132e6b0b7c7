"""我的账户: every user changes their own password and enrols a second factor (TOTP) here. A user whose role
requires a second factor lands here until it is enrolled (api.console.pages)."""

from fastapi import APIRouter
from fastapi.responses import RedirectResponse, Response

from api.console.api_client import ApiFailure
from api.console.errors import PASSWORD_RULE
from api.console.pages import ConsoleRoute, Page, UserPage, redirect, render
from api.console.session import push_flash, renewed, write_session

router = APIRouter(route_class=ConsoleRoute, include_in_schema=False)
HOME = "/console/account"


def _page(page: Page, context: dict | None = None, status: int = 200) -> Response:
    return render(page, "account.html", {"password_rule": PASSWORD_RULE, **(context or {})}, status=status)


def _renewed(page: Page, token: dict, ok: str) -> Response:
    """Back to the account page in this session at the new token version; the account's other sessions ended."""
    response = RedirectResponse(HOME, status_code=303)
    write_session(page.request, response, renewed(page.request, page.session, token["access_token"]))
    push_flash(page.request, response, "ok", ok)
    return response


@router.get(HOME)
async def account_page(page: UserPage) -> Response:
    return _page(page)


@router.post(f"{HOME}/password")
async def change_password(page: UserPage) -> Response:
    form = await page.form()
    password = str(form.get("password", ""))
    if password != str(form.get("password_again", "")):
        return _page(page, {"password_problem": "两次输入的新密码不一致"}, status=422)
    try:
        token = await page.api.post("/api/v1/me/password", json={
            "current_password": str(form.get("current_password", "")), "password": password})
    except ApiFailure as failure:
        return _page(page, {"password_problem": failure.problem.text}, status=failure.status)
    return _renewed(page, token, "密码已修改；您在其他设备或浏览器上的登录已全部失效")


@router.post(f"{HOME}/totp")
async def start_totp(page: UserPage) -> Response:
    """A new secret with its QR code, shown once on this answer (never stored in a cookie)."""
    await page.form()
    try:
        enrollment = await page.api.post("/api/v1/me/totp")
    except ApiFailure as failure:
        return redirect(page, HOME, failure=failure)
    return _page(page, {"enrollment": enrollment})


@router.post(f"{HOME}/totp/confirm")
async def confirm_totp(page: UserPage) -> Response:
    form = await page.form()
    try:
        token = await page.api.post("/api/v1/me/totp/confirm", json={"code": str(form.get("code", "")).strip()})
    except ApiFailure as failure:
        return _page(page, {"totp_problem": failure.problem.text, "confirming": True}, status=failure.status)
    return _renewed(page, token, "已启用双因素认证：今后登录时需输入动态口令；其他设备上的登录已全部失效")
