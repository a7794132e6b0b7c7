"""The admin's account management through the API: the password rule on create, the list with each account's
state, disable/enable and password reset ending every token at once, nothing done to one's own account."""

from sqlalchemy import select

from store.models import User
from tests.api.accounts import audit_actions, bearer, try_login
from tests.api.helpers import PASSWORD, user_headers

RULE_CASES = [("Short-1a", "password_too_short"), ("onlylowercaseletters", "password_too_few_kinds"),
              ("Aa1-" * 33, "password_too_long")]


async def test_create_refuses_a_weak_password_naming_the_field_and_the_rule(client, session_factory):
    admin = await user_headers(client, session_factory, "root", "admin")
    for password, rule in RULE_CASES:
        refused = await client.post("/api/v1/users", headers=admin,
                                    json={"username": "weak", "password": password, "role": "office"})
        assert refused.status_code == 422, refused.text
        body = refused.json()
        assert (body["code"], body["field"]) == (rule, "password")
        assert body["params"]["min_length"] == 12 and body["params"]["min_kinds"] == 3
        assert password not in refused.text  # a refused password is never echoed back
    async with session_factory() as session:
        assert (await session.execute(select(User).where(User.username == "weak"))).first() is None
    made = await client.post("/api/v1/users", headers=admin,
                             json={"username": "strong", "password": "Strong-Pass-2026", "role": "office"})
    assert made.status_code == 201 and made.json()["totp_enabled"] is False
    bearer(await try_login(client, "strong", "Strong-Pass-2026"))


async def test_the_list_shows_each_accounts_state_to_the_admin_only(client, session_factory):
    admin = await user_headers(client, session_factory, "root", "admin")
    operator = await user_headers(client, session_factory, "op1", "dept_operator", "D1")
    await user_headers(client, session_factory, "op2", "dept_operator", "D1")
    await client.post("/api/v1/users/op2/disable", headers=admin)
    for _ in range(5):
        await try_login(client, "op1", "wrong-password")
    listed = await client.get("/api/v1/users", headers=admin, params={"limit": 2})
    assert listed.status_code == 200
    page = listed.json()
    assert page["total"] == 3 and page["limit"] == 2 and [u["username"] for u in page["items"]] == ["op1", "op2"]
    op1, op2 = page["items"]
    assert op1["active"] and op1["locked_until"] and not op1["totp_enabled"]
    assert not op2["active"] and op2["locked_until"] is None
    assert "phone" not in op1 and "password_hash" not in op1
    assert (await client.get("/api/v1/users", headers=operator)).status_code == 403


async def test_disable_ends_every_token_at_once_and_enable_does_not_revive_them(client, session_factory):
    admin = await user_headers(client, session_factory, "root", "admin")
    first = await user_headers(client, session_factory, "op1", "dept_operator", "D1")
    second = bearer(await try_login(client, "op1", PASSWORD))
    assert (await client.get("/api/v1/me", headers=first)).status_code == 200
    disabled = await client.post("/api/v1/users/op1/disable", headers=admin)
    assert disabled.status_code == 200
    for token in (first, second):
        assert (await client.get("/api/v1/me", headers=token)).status_code == 401
    assert (await client.post("/api/v1/users/op1/enable", headers=admin)).status_code == 200
    for token in (first, second):
        gone = await client.get("/api/v1/me", headers=token)
        assert gone.status_code == 401 and gone.json()["code"] == "session_revoked"
    assert (await client.get("/api/v1/me", headers=bearer(await try_login(client, "op1", PASSWORD)))).status_code == 200
    assert [a for a, _ in await audit_actions(session_factory, "user:op1") if a.startswith("user.")] == [
        "user.create", "user.disable", "user.enable"]


async def test_enable_lifts_a_login_lock(client, session_factory):
    admin = await user_headers(client, session_factory, "root", "admin")
    await user_headers(client, session_factory, "op1", "dept_operator", "D1")
    for _ in range(5):
        await try_login(client, "op1", "wrong-password")
    assert (await try_login(client, "op1", PASSWORD)).status_code == 423
    await client.post("/api/v1/users/op1/enable", headers=admin)
    assert (await try_login(client, "op1", PASSWORD)).status_code == 200


async def test_a_password_reset_ends_every_token_and_follows_the_rule(client, session_factory):
    admin = await user_headers(client, session_factory, "root", "admin")
    old = await user_headers(client, session_factory, "op1", "dept_operator", "D1")
    weak = await client.post("/api/v1/users/op1/reset-password", headers=admin, json={"password": "weakweakweak"})
    assert weak.status_code == 422 and (weak.json()["code"], weak.json()["field"]) == (
        "password_too_few_kinds", "password")
    assert (await client.get("/api/v1/me", headers=old)).status_code == 200  # nothing changed
    reset = await client.post("/api/v1/users/op1/reset-password", headers=admin, json={"password": "Given-By-Admin-1"})
    assert reset.status_code == 200
    assert (await client.get("/api/v1/me", headers=old)).status_code == 401
    assert (await try_login(client, "op1", PASSWORD)).status_code == 401
    bearer(await try_login(client, "op1", "Given-By-Admin-1"))
    assert "user.reset_password" in [a for a, _ in await audit_actions(session_factory, "user:op1")]


async def test_the_admin_manages_others_only_and_unknown_accounts_are_404(client, session_factory):
    admin = await user_headers(client, session_factory, "root", "admin")
    operator = await user_headers(client, session_factory, "op1", "dept_operator", "D1")
    for action, body in (("disable", None), ("reset-password", {"password": "Another-Pass-2026"}),
                         ("reset-totp", None)):
        own = await client.post(f"/api/v1/users/root/{action}", headers=admin, json=body)
        assert own.status_code == 409 and own.json()["code"] == "not_on_yourself"
        assert (await client.post(f"/api/v1/users/ghost/{action}", headers=admin, json=body)).status_code == 404
        assert (await client.post(f"/api/v1/users/root/{action}", headers=operator, json=body)).status_code == 403
    assert (await client.get("/api/v1/me", headers=admin)).status_code == 200
