"""Logging in and out of the console: the same accounts as the API, a signed HttpOnly cookie, CSRF on every form."""

from tests.api.helpers import user_headers


async def test_login_page_is_chinese_with_labelled_fields(browsers):
    page = await browsers().get("/console/login")
    assert page.status_code == 200
    assert 'lang="zh-CN"' in page.text and "登录" in page.text
    assert '<label for="username">用户名</label>' in page.text and '<label for="password">密码</label>' in page.text
    assert "/console/static/htmx.min.js" in page.text


async def test_console_requires_login(browsers):
    response = await browsers().http.get("/console/tasks")
    assert response.status_code == 303
    assert response.headers["location"].startswith("/console/login?next=")


async def test_wrong_password_is_refused_in_chinese(client, session_factory, browsers):
    await user_headers(client, session_factory, "op1", "dept_operator", "D1")
    browser = browsers()
    page = await browser.login("op1", "wrong-password")
    assert page.status_code == 401
    assert "用户名或密码错误" in page.text
    assert (await browser.http.get("/console")).status_code == 303


async def test_login_sets_a_signed_httponly_lax_cookie_and_logout_clears_it(client, session_factory, browsers):
    await user_headers(client, session_factory, "op1", "dept_operator", "D1")
    browser = browsers()
    await browser.get("/console/login")
    response = await browser.post("/console/login", {"username": "op1", "password": "correct-horse-9"}, follow=False)
    assert response.status_code == 303 and response.headers["location"] == "/console"
    cookie = response.headers["set-cookie"]
    assert "jc_session=" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie.replace("Lax", "lax")
    home = await browser.get("/console")
    assert home.status_code == 200 and "工作台" in home.text and "op1" in home.text
    out = await browser.post("/console/logout", follow=False)
    assert out.status_code == 303
    browser.http.cookies.clear()
    assert (await browser.http.get("/console")).status_code == 303


async def test_a_tampered_cookie_is_not_a_session(client, session_factory, browsers):
    await user_headers(client, session_factory, "op1", "dept_operator", "D1")
    browser = browsers()
    await browser.login("op1")
    value = browser.http.cookies.get("jc_session")
    browser.http.cookies.set("jc_session", value[:-2] + ("AA" if not value.endswith("AA") else "BB"))
    assert (await browser.http.get("/console")).status_code == 303


async def test_a_form_without_the_csrf_token_is_refused(client, session_factory, browsers):
    await user_headers(client, session_factory, "op1", "dept_operator", "D1")
    browser = browsers()
    await browser.login("op1")
    forged = await browser.http.post("/console/tasks/T1/acknowledge", data={"accept": "1"})
    assert forged.status_code == 403
    assert "CSRF" in forged.text and "表单已失效" in forged.text
    wrong = await browser.http.post("/console/logout", data={"csrf_token": "not-the-token"})
    assert wrong.status_code == 403


async def test_only_a_console_path_is_a_login_target(client, session_factory, browsers):
    await user_headers(client, session_factory, "op1", "dept_operator", "D1")
    browser = browsers()
    await browser.get("/console/login")
    response = await browser.post("/console/login", {"username": "op1", "password": "correct-horse-9",
                                                     "next": "https://evil.example/"}, follow=False)
    assert response.headers["location"] == "/console"
