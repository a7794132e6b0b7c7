"""账户管理 in the console (admin): the accounts with their state, create one (the password rule in Chinese),
disable and enable, reset a password or a second factor — each ending the account's sessions at once."""

from tests.api.accounts import code_now, try_login
from tests.api.helpers import PASSWORD, make_department, user_headers


async def test_the_admin_manages_accounts_in_chinese(client, session_factory, browsers):
    await make_department(session_factory, "D1", "市场监管局")
    await user_headers(client, session_factory, "root", "admin")
    operator = await user_headers(client, session_factory, "op1", "dept_operator", "D1")
    admin = browsers()
    await admin.login("root")
    page = await admin.get("/console/users")
    assert page.status_code == 200 and "账户管理" in page.text and "市场监管局" in page.text
    assert "本人账号请在“我的账户”中修改" in page.text  # no buttons against oneself
    for label in ("用户名", "姓名", "角色", "初始密码"):
        assert f">{label}</label>" in page.text

    weak = await admin.post("/console/users", {"username": "ap1", "display_name": "审批人甲", "role": "dept_approver",
                                               "department_code": "D1", "password": "weakpassword"})
    assert "字符种类不足" in weak.text
    made = await admin.post("/console/users", {"username": "ap1", "display_name": "审批人甲", "role": "dept_approver",
                                               "department_code": "D1", "password": "Approver-Pass-1"})
    assert "已创建账号 ap1" in made.text and "审批人甲" in made.text
    assert (await try_login(client, "ap1", "Approver-Pass-1")).status_code == 200

    user = browsers()
    await user.login("op1")
    disabled = await admin.post("/console/users/op1/disable")
    assert "已停用账号 op1" in disabled.text and "已停用</span>" in disabled.text
    assert (await user.http.get("/console")).status_code == 303
    assert (await client.get("/api/v1/me", headers=operator)).status_code == 401
    enabled = await admin.post("/console/users/op1/enable")
    assert "已启用账号 op1" in enabled.text

    weak_reset = await admin.post("/console/users/op1/reset-password", {"password": "short"})
    assert "至少需要 12 个字符" in weak_reset.text
    reset = await admin.post("/console/users/op1/reset-password", {"password": "Fresh-Start-2026"})
    assert "已重置账号 op1 的密码" in reset.text
    assert (await try_login(client, "op1", PASSWORD)).status_code == 401
    assert (await try_login(client, "op1", "Fresh-Start-2026")).status_code == 200


async def test_the_admin_resets_a_second_factor_and_unlocks_an_account(client, session_factory, browsers):
    await user_headers(client, session_factory, "root", "admin")
    headers = await user_headers(client, session_factory, "ap1", "dept_approver", "D1")
    secret = (await client.post("/api/v1/me/totp", headers=headers)).json()["secret"]
    await client.post("/api/v1/me/totp/confirm", headers=headers, json={"code": code_now(secret)})
    await user_headers(client, session_factory, "op1", "dept_operator", "D1")
    for _ in range(5):
        await try_login(client, "op1", "wrong-password")
    admin = browsers()
    await admin.login("root")
    page = await admin.get("/console/users")
    assert "锁定至" in page.text and "解锁" in page.text and "重置动态口令" in page.text
    reset = await admin.post("/console/users/ap1/reset-totp")
    assert "已重置账号 ap1 的动态口令" in reset.text
    assert (await try_login(client, "ap1", PASSWORD)).status_code == 200
    unlocked = await admin.post("/console/users/op1/enable")
    assert "锁定至" not in unlocked.text
    assert (await try_login(client, "op1", PASSWORD)).status_code == 200


async def test_other_roles_cannot_see_account_management(client, session_factory, browsers):
    await user_headers(client, session_factory, "office", "office")
    browser = browsers()
    await browser.login("office")
    page = await browser.get("/console/users")
    assert page.status_code == 403 and "平台管理员" in page.text
    refused = await browser.post("/console/users/office/disable")
    assert refused.status_code == 403
