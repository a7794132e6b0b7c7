"""我的账户 in the console: change one's password (other sessions end, this one stays), enrol a second factor with
its QR code; in production admin and office land here until they have enrolled."""

from tests.api.accounts import client_of, code_next, code_now, secret_on_page, serve
from tests.api.helpers import PASSWORD, user_headers
from tests.console.conftest import Browser

NEW = "Changed-In-Console-3"


async def test_changing_ones_password_keeps_this_session_and_ends_the_others(client, session_factory, browsers):
    await user_headers(client, session_factory, "op1", "dept_operator", "D1")
    here, elsewhere = browsers(), browsers()
    await here.login("op1")
    await elsewhere.login("op1")
    page = await here.get("/console/account")
    assert page.status_code == 200 and "修改密码" in page.text and "至少 12 个字符" in page.text
    for label in ("当前密码", "新密码", "再次输入新密码"):
        assert f">{label}</label>" in page.text
    differ = await here.post("/console/account/password", {"current_password": PASSWORD, "password": NEW,
                                                           "password_again": NEW + "x"})
    assert differ.status_code == 422 and "两次输入的新密码不一致" in differ.text
    weak = await here.post("/console/account/password", {"current_password": PASSWORD, "password": "weak",
                                                         "password_again": "weak"})
    assert weak.status_code == 422 and "密码：至少需要 12 个字符" in weak.text
    wrong = await here.post("/console/account/password", {"current_password": "not-it-at-all", "password": NEW,
                                                          "password_again": NEW})
    assert wrong.status_code == 422 and "当前密码错误" in wrong.text
    done = await here.post("/console/account/password", {"current_password": PASSWORD, "password": NEW,
                                                         "password_again": NEW})
    assert done.status_code == 200 and "密码已修改" in done.text
    assert (await here.http.get("/console")).status_code == 200
    assert (await elsewhere.http.get("/console")).status_code == 303
    assert (await browsers().login("op1", NEW)).status_code == 200


async def test_enrolling_a_second_factor_in_the_console(client, session_factory, browsers):
    await user_headers(client, session_factory, "ap1", "dept_approver", "D1")
    browser = browsers()
    await browser.login("ap1")
    page = await browser.get("/console/account")
    assert "未启用" in page.text and "开始绑定动态口令" in page.text
    shown = await browser.post("/console/account/totp")
    assert shown.status_code == 200 and 'src="data:image/svg+xml' in shown.text and "动态口令绑定二维码" in shown.text
    secret = secret_on_page(shown.text)
    wrong = await browser.post("/console/account/totp/confirm", {"code": "000000"})
    assert wrong.status_code == 422 and "动态口令：动态口令错误" in wrong.text and "确认绑定" in wrong.text
    done = await browser.post("/console/account/totp/confirm", {"code": code_now(secret)})
    assert done.status_code == 200 and "已启用双因素认证" in done.text and '<span class="badge ok">已启用</span>' in done.text
    assert secret not in done.text
    assert (await browser.http.get("/console")).status_code == 200  # this session carries on
    fresh = browsers()
    first = await fresh.login("ap1")
    assert "动态口令验证" in first.text
    assert (await fresh.post("/console/login/second-factor", {"totp_code": code_next(secret)})).status_code == 200


async def test_in_production_admin_lands_on_enrolment_until_done(client, session_factory, settings, temporal_client):
    await user_headers(client, session_factory, "root", "admin")
    async with serve(settings, temporal_client, env="prod") as app, \
            client_of(app, base_url="https://test") as http:  # prod cookies are Secure
        browser = Browser(http)
        landed = await browser.login("root")
        assert landed.status_code == 200 and str(landed.url).endswith("/console/account")
        assert "必须启用" in landed.text and "请先绑定动态口令" in landed.text
        blocked = await http.get("/console/users")
        assert blocked.status_code == 303 and blocked.headers["location"] == "/console/account"
        secret = secret_on_page((await browser.post("/console/account/totp")).text)
        await browser.post("/console/account/totp/confirm", {"code": code_now(secret)})
        assert (await http.get("/console/users")).status_code == 200
