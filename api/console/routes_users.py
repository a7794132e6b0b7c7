"""账户管理 (admin): every account with its state; create one, disable or enable it, reset its password or its
second factor. The API decides (and ends the account's sessions); the console says what happened in Chinese."""

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Query
from fastapi.responses import Response

from api.console.api_client import ApiFailure
from api.console.errors import PASSWORD_RULE
from api.console.pages import ConsoleRoute, UserPage, error_page, need_role, redirect, render
from api.console.taskdata import department_names

router = APIRouter(route_class=ConsoleRoute, include_in_schema=False)
HOME = "/console/users"
PAGE_SIZE = 50
# What each action on a row asks the API, and what the flash then says.
ACTIONS = {
    "disable": "已停用账号 {name}：其所有登录立即失效",
    "enable": "已启用账号 {name}（如曾因登录失败被锁定，已一并解锁）",
    "reset-totp": "已重置账号 {name} 的动态口令：其所有登录立即失效，需重新绑定",
}


@router.get(HOME)
async def users_page(page: UserPage, p: Annotated[int, Query(ge=1, le=10_000)] = 1) -> Response:
    need_role(page, "admin")
    try:
        found = await page.api.get("/api/v1/users", limit=PAGE_SIZE, offset=(p - 1) * PAGE_SIZE)
    except ApiFailure as failure:
        return error_page(page, failure)
    total = int(found.get("total", 0))
    return render(page, "users.html", {"found": found, "p": p, "pages": max(1, -(-total // PAGE_SIZE)),
                                       "departments": await department_names(page.api),
                                       "password_rule": PASSWORD_RULE})


@router.post(HOME)
async def create_user(page: UserPage) -> Response:
    need_role(page, "admin")
    form = await page.form()
    body = {"username": str(form.get("username", "")).strip(), "password": str(form.get("password", "")),
            "role": str(form.get("role", "")), "display_name": str(form.get("display_name", "")).strip(),
            "department_code": str(form.get("department_code", "")) or None}
    try:
        await page.api.post("/api/v1/users", json=body)
    except ApiFailure as failure:
        return redirect(page, f"{HOME}#new", failure=failure)
    return redirect(page, HOME, ok=f"已创建账号 {body['username']}")


@router.post(HOME + "/{username}/reset-password")
async def reset_password(page: UserPage, username: str) -> Response:
    need_role(page, "admin")
    form = await page.form()
    try:
        await page.api.post(f"/api/v1/users/{quote(username, safe='')}/reset-password",
                            json={"password": str(form.get("password", ""))})
    except ApiFailure as failure:
        return redirect(page, HOME, failure=failure)
    return redirect(page, HOME, ok=f"已重置账号 {username} 的密码：其所有登录立即失效，请将新密码当面或经安全渠道告知本人")


@router.post(HOME + "/{username}/{action}")
async def account_action(page: UserPage, username: str, action: str) -> Response:
    need_role(page, "admin")
    await page.form()
    if action not in ACTIONS:
        return redirect(page, HOME)
    try:
        await page.api.post(f"/api/v1/users/{quote(username, safe='')}/{action}")
    except ApiFailure as failure:
        return redirect(page, HOME, failure=failure)
    return redirect(page, HOME, ok=ACTIONS[action].format(name=username))
