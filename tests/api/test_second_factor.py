"""The second factor (TOTP): enrolment confirmed by a code, login with and without the code, the two-step login,
codes good once, required per role by a setting and for admin and office in production, sealed in the database."""

from pydantic import SecretStr
from sqlalchemy import select, update

from store.models import User
from tests.api.accounts import audit_actions, bearer, client_of, code_next, code_now, serve, try_login
from tests.api.helpers import PASSWORD, user_headers


async def _enrol(client, headers) -> tuple[str, dict[str, str]]:
    """Enrol a second factor; answers the secret and the fresh token the confirmation gives."""
    started = await client.post("/api/v1/me/totp", headers=headers)
    assert started.status_code == 201, started.text
    enrolment = started.json()
    assert enrolment["otpauth_uri"].startswith("otpauth://totp/jointcheck:")
    assert enrolment["qr_svg_data_uri"].startswith("data:image/svg+xml")
    confirmed = await client.post("/api/v1/me/totp/confirm", headers=headers,
                                  json={"code": code_now(enrolment["secret"])})
    assert confirmed.status_code == 200, confirmed.text
    return enrolment["secret"], bearer(confirmed)


async def test_enrolment_takes_effect_only_with_a_right_code(client, session_factory):
    headers = await user_headers(client, session_factory, "ap1", "dept_approver", "D1")
    assert (await client.post("/api/v1/me/totp/confirm", headers=headers, json={"code": "123456"})).json()[
        "code"] == "totp_not_started"
    secret = (await client.post("/api/v1/me/totp", headers=headers)).json()["secret"]
    wrong = str((int(code_now(secret)) + 1) % 1_000_000).zfill(6)
    refused = await client.post("/api/v1/me/totp/confirm", headers=headers, json={"code": wrong})
    assert refused.status_code == 422 and refused.json()["code"] == "totp_wrong"
    assert (await client.get("/api/v1/me", headers=headers)).json()["totp_enabled"] is False
    assert (await try_login(client, "ap1", PASSWORD)).status_code == 200  # still password only
    confirmed = await client.post("/api/v1/me/totp/confirm", headers=headers, json={"code": code_now(secret)})
    assert confirmed.status_code == 200
    assert (await client.get("/api/v1/me", headers=headers)).status_code == 401  # opened without the factor
    assert (await client.get("/api/v1/me", headers=bearer(confirmed))).json()["totp_enabled"] is True
    again = await client.post("/api/v1/me/totp", headers=bearer(confirmed))
    assert again.status_code == 409 and again.json()["code"] == "totp_already_enabled"
    actions = [a for a, _ in await audit_actions(session_factory, "user:ap1")]
    assert actions.count("user.totp_enrollment_started") == 1 and "user.totp_enrolled" in actions


async def test_login_asks_for_the_code_and_takes_it_once(client, session_factory):
    headers = await user_headers(client, session_factory, "ap1", "dept_approver", "D1")
    secret, _ = await _enrol(client, headers)
    asked = await try_login(client, "ap1", PASSWORD)
    assert asked.status_code == 401 and asked.json()["code"] == "totp_required"
    assert "access_token" not in asked.json()
    challenge = asked.json()["params"]["challenge"]
    # The challenge proves the password only: it is no bearer token.
    assert (await client.get("/api/v1/me", headers={"Authorization": f"Bearer {challenge}"})).status_code == 401
    wrong = await client.post("/api/v1/auth/second-factor", data={"challenge": challenge, "totp_code": "000000"})
    assert wrong.status_code == 401 and wrong.json()["code"] == "totp_wrong"
    code = code_next(secret)
    second = await client.post("/api/v1/auth/second-factor", data={"challenge": challenge, "totp_code": code})
    assert (await client.get("/api/v1/me", headers=bearer(second))).json()["username"] == "ap1"
    replayed = await try_login(client, "ap1", PASSWORD, totp_code=code)
    assert replayed.status_code == 401 and replayed.json()["code"] == "totp_wrong"
    forged = await client.post("/api/v1/auth/second-factor", data={"challenge": "x.y.z", "totp_code": code})
    assert forged.status_code == 401 and forged.json()["code"] == "challenge_invalid"
    reasons = [c.get("reason") for a, c in await audit_actions(session_factory, "user:ap1") if a == "auth.login_failed"]
    assert reasons == ["bad_totp", "totp_replayed"]
    logins = [c for a, c in await audit_actions(session_factory, "user:ap1") if a == "auth.login"]
    assert logins[-1]["second_factor"] is True


async def test_wrong_codes_lock_the_account_like_wrong_passwords(client, session_factory):
    headers = await user_headers(client, session_factory, "ap1", "dept_approver", "D1")
    await _enrol(client, headers)
    statuses = [(await try_login(client, "ap1", PASSWORD, totp_code="000000")).status_code for _ in range(5)]
    assert statuses == [401, 401, 401, 401, 423]


async def test_an_admin_reset_removes_the_factor_and_ends_its_sessions(client, session_factory):
    admin = await user_headers(client, session_factory, "root", "admin")
    headers = await user_headers(client, session_factory, "ap1", "dept_approver", "D1")
    secret, fresh = await _enrol(client, headers)
    reset = await client.post("/api/v1/users/ap1/reset-totp", headers=admin)
    assert reset.status_code == 200 and reset.json()["totp_enabled"] is False
    assert (await client.get("/api/v1/me", headers=fresh)).status_code == 401
    assert (await try_login(client, "ap1", PASSWORD)).status_code == 200  # password only again
    assert "user.reset_totp" in [a for a, _ in await audit_actions(session_factory, "user:ap1")]


async def test_the_secret_is_sealed_to_its_account(client, session_factory, settings, temporal_client):
    first = await user_headers(client, session_factory, "ap1", "dept_approver", "D1")
    second = await user_headers(client, session_factory, "ap2", "dept_approver", "D1")
    secret, _ = await _enrol(client, first)
    await _enrol(client, second)
    async with session_factory() as session:
        stored = (await session.execute(select(User.totp_secret).where(User.username == "ap1"))).scalar_one()
        assert secret not in stored and stored.startswith("s1.")
        # Whoever can write the database copies ap1's sealed secret (whose codes they know) onto ap2.
        await session.execute(update(User).where(User.username == "ap2").values(totp_secret=stored))
        await session.commit()
    moved = await try_login(client, "ap2", PASSWORD, totp_code=code_now(secret))
    assert moved.status_code == 401 and moved.json()["code"] == "totp_unreadable"
    async with serve(settings, temporal_client, totp_key=SecretStr("another-sealing-key-0123456789")) as app, \
            client_of(app) as other_key:
        unreadable = await try_login(other_key, "ap1", PASSWORD, totp_code=code_now(secret))
        assert unreadable.status_code == 401 and unreadable.json()["code"] == "totp_unreadable"
    assert (await try_login(client, "ap1", PASSWORD, totp_code=code_next(secret))).status_code == 200


async def test_a_role_required_by_setting_may_only_enrol_until_it_has_the_factor(client, session_factory, settings,
                                                                                temporal_client):
    await user_headers(client, session_factory, "ap1", "dept_approver", "D1")
    await user_headers(client, session_factory, "op1", "dept_operator", "D1")
    async with serve(settings, temporal_client, totp_required_roles=["dept_approver"]) as app, client_of(app) as http:
        approver = bearer(await try_login(http, "ap1", PASSWORD))
        me = (await http.get("/api/v1/me", headers=approver)).json()
        assert me["totp_required"] is True and me["totp_enrollment_required"] is True
        gated = await http.get("/api/v1/departments", headers=approver)
        assert gated.status_code == 403 and gated.json()["code"] == "totp_enrollment_required"
        _, enrolled = await _enrol(http, approver)
        assert (await http.get("/api/v1/departments", headers=enrolled)).status_code == 200
        operator = bearer(await try_login(http, "op1", PASSWORD))
        assert (await http.get("/api/v1/departments", headers=operator)).status_code == 200


async def test_in_production_admin_and_office_need_the_factor(client, session_factory, settings, temporal_client):
    for name, role, dept in (("root", "admin", None), ("office", "office", None), ("op1", "dept_operator", "D1")):
        await user_headers(client, session_factory, name, role, dept)
    async with serve(settings, temporal_client, env="prod") as app, client_of(app) as http:
        for name in ("root", "office"):
            token = bearer(await try_login(http, name, PASSWORD))
            assert (await http.get("/api/v1/me", headers=token)).json()["totp_enrollment_required"] is True
            assert (await http.get("/api/v1/departments", headers=token)).json()["code"] == "totp_enrollment_required"
        operator = bearer(await try_login(http, "op1", PASSWORD))
        assert (await http.get("/api/v1/me", headers=operator)).json()["totp_required"] is False
        assert (await http.get("/api/v1/departments", headers=operator)).status_code == 200
        root = bearer(await try_login(http, "root", PASSWORD))
        secret, enrolled = await _enrol(http, root)
        assert (await http.get("/api/v1/users", headers=enrolled)).status_code == 200
        assert (await try_login(http, "root", PASSWORD)).json()["code"] == "totp_required"
        assert (await try_login(http, "root", PASSWORD, totp_code=code_next(secret))).status_code == 200
    # The same accounts outside production need no second factor.
    assert (await client.get("/api/v1/departments", headers=bearer(await try_login(client, "office", PASSWORD)))
            ).status_code == 200
