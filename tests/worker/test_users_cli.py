"""`jointcheck users create`: the first admin of a new installation comes from the command line, and can log in."""

import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import select

from store.models import User
from tests.api.helpers import login, make_department

JOINTCHECK = Path(sys.executable).parent / "jointcheck"


def jointcheck(database_url: str, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "JOINTCHECK_DATABASE_URL": database_url}
    return subprocess.run([str(JOINTCHECK), "users", "create", *args], env=env, capture_output=True, text=True,
                          timeout=120)


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
             (("--username", "c", "--password", "short", "--role", "admin"), "8 characters"),
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
