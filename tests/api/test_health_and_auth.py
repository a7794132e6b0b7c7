"""Health, login, /me and the admin's account management, with each refusal."""

from api.app import create_app
from tests.api.helpers import PASSWORD, login, user_headers


async def test_healthz_reports_database_and_temporal(client):
    response = await client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "temporal": "ok"}


async def test_healthz_is_503_when_temporal_is_down(settings):
    import httpx

    down = settings.model_copy(update={"temporal_address": "127.0.0.1:1"})
    app = create_app(down)
    async with app.router.lifespan_context(app):
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as http:
            response = await http.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "ok"
    assert response.json()["temporal"].startswith("unreachable")


async def test_healthz_is_503_when_database_is_down(settings, temporal_client):
    import httpx

    down = settings.model_copy(update={"database_url": "postgresql+psycopg://nobody@127.0.0.1:1/none"})
    app = create_app(down, temporal_client=temporal_client)
    async with app.router.lifespan_context(app):
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as http:
            response = await http.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"].startswith("unreachable")


async def test_login_and_me(client, session_factory):
    headers = await user_headers(client, session_factory, "op1", "dept_operator", "D1")
    me = await client.get("/api/v1/me", headers=headers)
    assert me.status_code == 200
    assert me.json()["username"] == "op1" and me.json()["department_code"] == "D1"


async def test_wrong_password_and_missing_token_are_401(client, session_factory):
    await user_headers(client, session_factory, "op2", "office")
    bad = await client.post("/api/v1/auth/token", data={"username": "op2", "password": "nope-nope"})
    assert bad.status_code == 401
    assert (await client.get("/api/v1/me")).status_code == 401
    forged = {"Authorization": "Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJvcDIifQ.x"}
    assert (await client.get("/api/v1/me", headers=forged)).status_code == 401


async def test_admin_creates_departments_and_users_others_cannot(client, session_factory):
    admin = await user_headers(client, session_factory, "root", "admin")
    created = await client.post("/api/v1/departments", headers=admin,
                                json={"code": "SCJG", "name": "市场监管局", "level": "city", "region_code": "430300"})
    assert created.status_code == 201
    dup = await client.post("/api/v1/departments", headers=admin,
                            json={"code": "SCJG", "name": "x", "level": "city", "region_code": "430300"})
    assert dup.status_code == 409
    bad_region = await client.post("/api/v1/departments", headers=admin,
                                   json={"code": "X2", "name": "x", "level": "city", "region_code": "43"})
    assert bad_region.status_code == 422 and "region_code" in str(bad_region.json()["detail"])
    user = await client.post("/api/v1/users", headers=admin, json={
        "username": "scjg_op", "password": PASSWORD, "role": "dept_operator", "department_code": "SCJG"})
    assert user.status_code == 201
    assert (await login(client, "scjg_op"))["Authorization"].startswith("Bearer ")
    no_dept = await client.post("/api/v1/users", headers=admin, json={
        "username": "x_op", "password": PASSWORD, "role": "dept_operator"})
    assert no_dept.status_code == 422 and "department_code" in str(no_dept.json()["detail"])
    operator = await login(client, "scjg_op")
    refused = await client.post("/api/v1/users", headers=operator, json={
        "username": "y", "password": PASSWORD, "role": "admin"})
    assert refused.status_code == 403
    listed = await client.get("/api/v1/departments", headers=operator)
    assert [d["code"] for d in listed.json()] == ["SCJG"]


async def test_an_expired_foreign_outdated_or_challenge_token_is_401(client, session_factory, settings):
    from datetime import timedelta

    from api.security import SECOND_FACTOR, issue_token

    await user_headers(client, session_factory, "op3", "office")
    secret = settings.secret_key.get_secret_value()

    def bearer(**overrides) -> dict[str, str]:
        token, _ = issue_token(**{"username": "op3", "version": 0, "secret": secret, "ttl": timedelta(hours=1),
                                  **overrides})
        return {"Authorization": f"Bearer {token}"}

    assert (await client.get("/api/v1/me", headers=bearer(ttl=timedelta(seconds=-1)))).status_code == 401
    foreign = bearer(secret="another-installation-signing-key-0123456789")
    assert (await client.get("/api/v1/me", headers=foreign)).status_code == 401
    assert (await client.get("/api/v1/me", headers=bearer(purpose=SECOND_FACTOR))).status_code == 401
    outdated = await client.get("/api/v1/me", headers=bearer(version=1))
    assert outdated.status_code == 401 and outdated.json()["code"] == "session_revoked"
    assert (await client.get("/api/v1/me", headers=bearer())).status_code == 200
