"""Account security in the console: locks and throttles said in Chinese, the idle logout, sessions ended at once by
a disable or a password reset, and the login's second step."""

import asyncio

from tests.api.accounts import bearer, client_of, code_next, code_now, serve, try_login
from tests.api.helpers import PASSWORD, user_headers
from tests.console.conftest import Browser

IDLE = 4.0  # seconds; the session cookie's clock counts whole seconds


async def test_a_locked_account_is_told_until_when_in_chinese(client, session_factory, browsers):
    await user_headers(client, session_factory, "op1", "dept_operator", "D1")
    browser = browsers()
    for _ in range(4):
        page = await browser.login("op1", "wrong-password")
        assert page.status_code == 401 and "用户名或密码错误" in page.text
    page = await browser.login("op1", "wrong-password")
    assert page.status_code == 423 and "账号已被临时锁定" in page.text and "后再试" in page.text
    assert "联系平台管理员" in page.text


async def test_the_console_counts_failures_against_the_browsers_address(client, session_factory, settings,
                                                                        temporal_client):
    await user_headers(client, session_factory, "op1", "dept_operator", "D1")
    async with serve(settings, temporal_client, login_address_max_failures=2) as app:
        async with client_of(app, "10.1.2.3") as far, client_of(app) as near:
            browser = Browser(far)
            for name in ("alice", "bob"):
                assert (await browser.login(name, "wrong-password")).status_code == 401
            page = await browser.login("op1")
            assert page.status_code == 429 and "登录失败次数过多" in page.text and "秒后再试" in page.text
            # Only that address is slowed, not the server's own (the console calls the API in-process).
            assert (await Browser(near).login("op1")).status_code == 200


async def test_the_console_logs_out_after_the_idle_time_but_api_tokens_live_on(client, session_factory, settings,
                                                                               temporal_client):
    await user_headers(client, session_factory, "op1", "dept_operator", "D1")
    async with serve(settings, temporal_client, console_idle_timeout_seconds=IDLE) as app, client_of(app) as http:
        token = bearer(await try_login(http, "op1", PASSWORD))
        browser = Browser(http)
        await browser.login("op1")
        for _ in range(3):  # each request restarts the idle clock: well past IDLE in all, still logged in
            await asyncio.sleep(IDLE / 4)
            assert (await http.get("/console")).status_code == 200
        await asyncio.sleep(IDLE + 1.5)
        gone = await http.get("/console/tasks")
        assert gone.status_code == 303 and gone.headers["location"].startswith("/console/login")
        login = await http.get(gone.headers["location"])
        assert "长时间未操作，已自动退出" in login.text
        assert (await http.get("/api/v1/me", headers=token)).status_code == 200


async def test_disabling_or_resetting_ends_console_sessions_at_once(client, session_factory, browsers):
    admin = await user_headers(client, session_factory, "root", "admin")
    await user_headers(client, session_factory, "op1", "dept_operator", "D1")
    browser = browsers()
    await browser.login("op1")
    assert (await browser.http.get("/console")).status_code == 200
    await client.post("/api/v1/users/op1/disable", headers=admin)
    ended = await browser.http.get("/console")
    assert ended.status_code == 303
    assert "登录已失效" in (await browser.http.get(ended.headers["location"])).text
    await client.post("/api/v1/users/op1/enable", headers=admin)
    assert (await browser.http.get("/console")).status_code == 303  # enabling does not revive old sessions
    await browser.login("op1")
    assert (await browser.http.get("/console")).status_code == 200
    await client.post("/api/v1/users/op1/reset-password", headers=admin, json={"password": "Reset-By-Admin-9"})
    assert (await browser.http.get("/console")).status_code == 303
    assert (await browser.login("op1")).status_code == 401
    assert (await browser.login("op1", "Reset-By-Admin-9")).status_code == 200


async def test_login_with_a_second_factor_takes_two_steps(client, session_factory, browsers):
    headers = await user_headers(client, session_factory, "ap1", "dept_approver", "D1")
    secret = (await client.post("/api/v1/me/totp", headers=headers)).json()["secret"]
    assert (await client.post("/api/v1/me/totp/confirm", headers=headers, json={"code": code_now(secret)})
            ).status_code == 200
    browser = browsers()
    await browser.get("/console/login")
    first = await browser.post("/console/login", {"username": "ap1", "password": PASSWORD}, follow=False)
    assert first.status_code == 303 and first.headers["location"].startswith("/console/login/second-factor")
    assert (await browser.http.get("/console")).status_code == 303  # the password alone is no session
    step = await browser.get(first.headers["location"])
    assert '<label for="totp_code">动态口令</label>' in step.text
    wrong = await browser.post("/console/login/second-factor", {"totp_code": "000000"})
    assert wrong.status_code == 401 and "动态口令错误" in wrong.text
    done = await browser.post("/console/login/second-factor", {"totp_code": code_next(secret)}, follow=False)
    assert done.status_code == 303 and done.headers["location"] == "/console"
    assert (await browser.http.get("/console")).status_code == 200
