"""A user changes their own password through the API: the current one is required, the rule applies, and every
other token of the account ends while the answer is a fresh token."""

from tests.api.accounts import audit_actions, bearer, try_login
from tests.api.helpers import PASSWORD, user_headers

NEW = "My-New-Password-7"


async def test_changing_ones_password_needs_the_current_one_and_ends_other_tokens(client, session_factory):
    mine = await user_headers(client, session_factory, "op1", "dept_operator", "D1")
    elsewhere = bearer(await try_login(client, "op1", PASSWORD))
    wrong = await client.post("/api/v1/me/password", headers=mine,
                              json={"current_password": "not-my-password", "password": NEW})
    assert wrong.status_code == 422 and (wrong.json()["code"], wrong.json()["field"]) == (
        "current_password_wrong", "current_password")
    weak = await client.post("/api/v1/me/password", headers=mine,
                             json={"current_password": PASSWORD, "password": "newpassword"})
    assert weak.status_code == 422 and (weak.json()["code"], weak.json()["field"]) == (
        "password_too_short", "password")
    changed = await client.post("/api/v1/me/password", headers=mine,
                                json={"current_password": PASSWORD, "password": NEW})
    assert changed.status_code == 200
    for ended in (mine, elsewhere):
        assert (await client.get("/api/v1/me", headers=ended)).status_code == 401
    me = await client.get("/api/v1/me", headers=bearer(changed))
    assert me.status_code == 200 and me.json()["password_changed_at"]
    assert (await try_login(client, "op1", PASSWORD)).status_code == 401
    bearer(await try_login(client, "op1", NEW))
    actions = [a for a, _ in await audit_actions(session_factory, "user:op1")]
    assert "user.change_password" in actions


async def test_guessing_the_current_password_counts_towards_the_lock(client, session_factory):
    mine = await user_headers(client, session_factory, "op1", "dept_operator", "D1")
    statuses = []
    for attempt in range(5):
        answer = await client.post("/api/v1/me/password", headers=mine,
                                   json={"current_password": f"guess-{attempt}", "password": NEW})
        statuses.append(answer.status_code)
    assert statuses == [422, 422, 422, 422, 423]
    assert (await try_login(client, "op1", PASSWORD)).status_code == 423
