"""Failed logins are audited and throttled (GB/T 22239-2019 §8.1.4.1): a username locks after 5 failures for a
while, an address that fails too often is refused for the rest of its window — across API processes."""

import asyncio
from datetime import datetime

from tests.api.accounts import audit_actions, bearer, client_of, serve, try_login
from tests.api.helpers import PASSWORD, user_headers

LOCKOUT = 6.0  # seconds: long enough for five slow logins in a row, short enough to wait for its end


async def test_five_failures_lock_the_username_until_the_window_ends(client, session_factory, settings,
                                                                     temporal_client):
    await user_headers(client, session_factory, "op1", "dept_operator", "D1")
    async with serve(settings, temporal_client, login_lockout_seconds=LOCKOUT) as app, client_of(app) as http:
        for attempt in range(4):
            wrong = await try_login(http, "op1", f"wrong-password-{attempt}")
            assert wrong.status_code == 401 and wrong.json()["code"] == "bad_credentials"
        fifth = await try_login(http, "op1", "wrong-password-5")
        assert fifth.status_code == 423 and fifth.json()["code"] == "account_locked"
        until = datetime.fromisoformat(fifth.json()["params"]["locked_until"])
        assert 0 < int(fifth.headers["Retry-After"]) <= LOCKOUT + 1
        # Locked means locked: the right password is refused too, saying until when.
        right = await try_login(http, "op1", PASSWORD)
        assert right.status_code == 423 and datetime.fromisoformat(right.json()["params"]["locked_until"]) == until
        assert "locked" in right.json()["detail"]
        await asyncio.sleep(LOCKOUT + 0.5)
        assert (await try_login(http, "op1", PASSWORD)).status_code == 200

    actions = [action for action, _ in await audit_actions(session_factory, "user:op1")]
    assert actions.count("auth.login_failed") == 6 and actions.count("auth.account_locked") == 1
    assert actions[-1] == "auth.login"
    reasons = [change.get("reason") for action, change in await audit_actions(session_factory, "user:op1")
               if action == "auth.login_failed"]
    assert reasons == ["bad_password"] * 5 + ["locked"]


async def test_a_success_starts_the_count_again(client, session_factory):
    await user_headers(client, session_factory, "op1", "dept_operator", "D1")
    for _ in range(4):
        assert (await try_login(client, "op1", "wrong-password")).status_code == 401
    bearer(await try_login(client, "op1", PASSWORD))
    for _ in range(4):
        assert (await try_login(client, "op1", "wrong-password")).status_code == 401
    assert (await try_login(client, "op1", PASSWORD)).status_code == 200


async def test_an_unknown_username_locks_the_same_way(client, session_factory):
    """A lock tells an outsider nothing: names without an account fail and lock exactly like real ones."""
    await user_headers(client, session_factory, "op1", "dept_operator", "D1")
    answers = {}
    for name in ("op1", "nobody"):
        answers[name] = [await try_login(client, name, "wrong-password") for _ in range(6)]
    statuses = {name: [a.status_code for a in found] for name, found in answers.items()}
    assert statuses["op1"] == statuses["nobody"] == [401, 401, 401, 401, 423, 423]
    details = {name: {(a.json()["detail"], a.json()["code"]) for a in found} for name, found in answers.items()}
    assert details["op1"] == details["nobody"]
    reasons = [change["reason"] for action, change in await audit_actions(session_factory, "user:nobody")
               if action == "auth.login_failed"]
    assert reasons == ["unknown_user"] * 5 + ["locked"]


async def test_a_disabled_account_answers_like_a_wrong_password(client, session_factory):
    admin = await user_headers(client, session_factory, "root", "admin")
    await user_headers(client, session_factory, "op1", "dept_operator", "D1")
    assert (await client.post("/api/v1/users/op1/disable", headers=admin)).status_code == 200
    refused = await try_login(client, "op1", PASSWORD)
    assert refused.status_code == 401 and refused.json()["code"] == "bad_credentials"


async def test_an_address_that_fails_too_often_is_refused_for_the_rest_of_its_window(client, session_factory,
                                                                                    settings, temporal_client):
    await user_headers(client, session_factory, "op1", "dept_operator", "D1")
    limits = {"login_address_max_failures": 3, "login_address_window_seconds": 300}
    async with serve(settings, temporal_client, **limits) as first, \
            serve(settings, temporal_client, **limits) as second:
        async with client_of(first, "10.0.0.66") as attacker, client_of(second, "10.0.0.66") as same_address, \
                client_of(second, "10.0.0.7") as colleague:
            for name in ("alice", "bob", "carol"):
                assert (await try_login(attacker, name, "guess-1234567")).status_code == 401
            slowed = await try_login(attacker, "op1", PASSWORD)
            assert slowed.status_code == 429 and slowed.json()["code"] == "address_throttled"
            assert 240 <= int(slowed.headers["Retry-After"]) <= 300
            # The other API process reads the same counters from the database.
            assert (await try_login(same_address, "op1", PASSWORD)).status_code == 429
            assert (await try_login(colleague, "op1", PASSWORD)).status_code == 200
    throttled = await audit_actions(session_factory, "address:10.0.0.66")
    assert [action for action, _ in throttled] == ["auth.address_throttled"]
    failed = await audit_actions(session_factory, "user:alice")
    assert failed == [("auth.login_failed", {"reason": "unknown_user", "address": "10.0.0.66"})]


async def test_an_oversized_or_odd_username_is_refused_not_crashed(client):
    for name in ("x" * 5000, "名字\U0001F600", " "):
        answer = await try_login(client, name, "some-password-1")
        assert answer.status_code == 401 and answer.json()["code"] == "bad_credentials", name
    # A character no database stores is refused before the login is even tried (api.limits).
    answer = await try_login(client, "op\x00one", "some-password-1")
    assert answer.status_code == 422
    assert (answer.json()["code"], answer.json()["field"]) == ("INVALID_CHARACTER", "username")


async def test_concurrent_failures_lock_once(client, session_factory, settings, temporal_client):
    """Two API processes, many simultaneous guesses: the count is not lost and the lock is taken once."""
    await user_headers(client, session_factory, "op1", "dept_operator", "D1")
    async with serve(settings, temporal_client) as first, serve(settings, temporal_client) as second:
        async with client_of(first) as one, client_of(second) as other:
            answers = await asyncio.gather(*[try_login((one, other)[n % 2], "op1", f"guess-{n}-password")
                                             for n in range(8)])
            assert sorted(a.status_code for a in answers).count(423) >= 1
            assert (await try_login(one, "op1", PASSWORD)).status_code == 423
    locks = [a for a, _ in await audit_actions(session_factory, "user:op1") if a == "auth.account_locked"]
    assert locks == ["auth.account_locked"]
