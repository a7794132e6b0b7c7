"""`jointcheck users …`: the first admin of a new installation comes from the command line, and can log in; the
account tools (list, disable, enable, reset-password, reset-totp) work there too."""

import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import select

from store.models import AuditRecord, User
from tests.api.accounts import audit_actions, bearer, code_now, try_login
from tests.api.helpers import PASSWORD, login, make_department, user_headers

JOINTCHECK = Path(sys.executable).parent / "jointcheck"


def users(database_url: str, *args: str) -> subprocess.CompletedProcess:
    """`jointcheck users …` against the test's database."""
    env = {**os.environ, "JOINTCHECK_DATABASE_URL": database_url}
    return subprocess.run([str(JOINTCHECK), "users", *args], env=env, capture_output=True, text=True, timeout=120)


def jointcheck(database_url: str, *args: str) -> subprocess.CompletedProcess:
    return users(database_url, "create", *args)


async def test_first_admin_and_department_accounts_from_the_command_line(client, session_factory, database_url):
    made = jointcheck(database_url, "--username", "root", "--password", "first-admin-2026", "--role", "admin")
    assert made.returncode == 0, made.stderr
    assert "root" in made.stdout
    admin = await login(client, "root", "first-admin-2026")
    me = (await client.get("/api/v1/me", headers=admin)).json()
    assert (me["username"], me["role"], me["department_code"]) == ("root", "admin", None)
    async with session_factory() as session:
        stored = (await session.execute(select(User.password_hash).where(User.username == "root"))).scalar_one()
    assert stored.startswith("$argon2") and "first-admin-2026" not in stored

    await make_department(session_factory, "SCJG")
    operator = jointcheck(database_url, "--username", "scjg_op", "--password", "operator-2026",
                          "--role", "dept_operator", "--department", "SCJG")
    assert operator.returncode == 0, operator.stderr
    me = (await client.get("/api/v1/me", headers=await login(client, "scjg_op", "operator-2026"))).json()
    assert (me["role"], me["department_code"]) == ("dept_operator", "SCJG")


async def test_refusals_name_the_problem_and_create_nothing(client, session_factory, database_url):
    await make_department(session_factory, "SCJG")
    cases = [(("--username", "a", "--password", "long-enough-1", "--role", "dept_operator"), "--department"),
             (("--username", "b", "--password", "long-enough-1", "--role", "office", "--department", "SCJG"),
              "not allowed"),
             (("--username", "c", "--password", "Short-1", "--role", "admin"), "password must have at least 12"),
             (("--username", "c", "--password", "only-lower-case", "--role", "admin"), "password must mix at least 3"),
             (("--username", "d", "--password", "long-enough-1", "--role", "dept_approver", "--department", "NOPE"),
              "NOPE")]
    for args, words in cases:
        done = jointcheck(database_url, *args)
        assert done.returncode == 2 and words in done.stderr, (args, done.stderr)
    assert jointcheck(database_url, "--username", "root", "--password", "long-enough-1", "--role", "admin"
                      ).returncode == 0
    again = jointcheck(database_url, "--username", "root", "--password", "long-enough-2", "--role", "admin")
    assert again.returncode == 2 and "already exists" in again.stderr
    async with session_factory() as session:
        names = (await session.execute(select(User.username))).scalars().all()
    assert names == ["root"]
    await login(client, "root", "long-enough-1")


async def test_list_disable_enable_and_resets_from_the_command_line(client, session_factory, database_url):
    """The way back in when no admin can log in: every change ends the account's sessions, as the API does."""
    token = await user_headers(client, session_factory, "ap1", "dept_approver", "D1")
    secret = (await client.post("/api/v1/me/totp", headers=token)).json()["secret"]
    token = bearer(await client.post("/api/v1/me/totp/confirm", headers=token, json={"code": code_now(secret)}))
    for _ in range(5):
        await try_login(client, "ap1", PASSWORD, totp_code="000000")
    listed = users(database_url, "list")
    assert listed.returncode == 0, listed.stderr
    line = next(row for row in listed.stdout.splitlines() if row.startswith("ap1 "))
    assert "dept_approver" in line and "locked until" in line and line.endswith("on")

    assert users(database_url, "disable", "ap1").returncode == 0
    assert (await client.get("/api/v1/me", headers=token)).status_code == 401
    assert "disabled" in next(r for r in users(database_url, "list").stdout.splitlines() if r.startswith("ap1 "))
    assert users(database_url, "enable", "ap1").returncode == 0
    assert users(database_url, "reset-totp", "ap1").returncode == 0
    assert (await try_login(client, "ap1", PASSWORD)).status_code == 200  # unlocked, password only

    weak = users(database_url, "reset-password", "ap1", "--password", "weakweakweak")
    assert weak.returncode == 2 and "password must mix at least 3" in weak.stderr
    assert users(database_url, "reset-password", "ap1", "--password", "From-The-Shell-1").returncode == 0
    assert (await try_login(client, "ap1", PASSWORD)).status_code == 401
    assert (await try_login(client, "ap1", "From-The-Shell-1")).status_code == 200
    missing = users(database_url, "disable", "ghost")
    assert missing.returncode == 2 and "ghost" in missing.stderr

    by_cli = [(action, change) for action, change in await audit_actions(session_factory, "user:ap1")
              if action in ("user.disable", "user.enable", "user.reset_totp", "user.reset_password")]
    assert [action for action, _ in by_cli] == ["user.disable", "user.enable", "user.reset_totp",
                                                "user.reset_password"]
    async with session_factory() as session:
        actors = (await session.execute(select(AuditRecord.actor).where(AuditRecord.action == "user.disable"))
                  ).scalars().all()
    assert actors and all(a.startswith("cli:") for a in actors)
