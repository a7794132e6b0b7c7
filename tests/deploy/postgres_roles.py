"""Roles and databases made by the deployment's own deploy/postgres/roles.sql, named uniquely for a test."""

import os
import subprocess
import uuid
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
from psycopg import sql
from sqlalchemy.engine import make_url

ROLES_SQL = Path(__file__).resolve().parents[2] / "deploy" / "postgres" / "roles.sql"
# Passwords with the characters that break a URL pasted together by hand, and a quote for the SQL literal.
OWNER_PASSWORD = "own@r%40pass:/"
APP_PASSWORD = "app@%25pa'ss#?"


@dataclass
class RoleDatabase:
    """jointcheck's database with its owner and app roles, and Temporal's role and databases beside them."""

    host: str
    port: int
    tag: str

    @property
    def names(self) -> dict[str, str]:
        t = self.tag
        return {"owner": f"{t}_owner", "app": f"{t}_app", "temporal": f"{t}_temporal", "database": f"{t}_jc",
                "temporal_db": f"{t}_temporal", "visibility_db": f"{t}_visibility"}

    def settings_env(self) -> dict[str, str]:
        """The JOINTCHECK_* variables of a production process: host and credentials given separately."""
        n = self.names
        return {"JOINTCHECK_DATABASE_HOST": self.host, "JOINTCHECK_DATABASE_PORT": str(self.port),
                "JOINTCHECK_DATABASE_NAME": n["database"], "JOINTCHECK_DATABASE_USER": n["app"],
                "JOINTCHECK_DATABASE_PASSWORD": APP_PASSWORD, "JOINTCHECK_OWNER_DATABASE_USER": n["owner"],
                "JOINTCHECK_OWNER_DATABASE_PASSWORD": OWNER_PASSWORD}


def superuser_url(why: str = "SQLite has no roles") -> str:
    url = os.environ.get("JOINTCHECK_TEST_DATABASE_URL")
    if not url:
        pytest.skip(f"needs PostgreSQL (JOINTCHECK_TEST_DATABASE_URL): {why}")
    return url


def create_role_database() -> RoleDatabase:
    """Run deploy/postgres/roles.sql (twice: the compose job runs it on every start) with unique names."""
    url = make_url(superuser_url())
    db = RoleDatabase(host=url.host or "127.0.0.1", port=url.port or 5432, tag=f"jcr{uuid.uuid4().hex[:8]}")
    variables = {**db.names, "owner_password": OWNER_PASSWORD, "app_password": APP_PASSWORD,
                 "temporal_password": "temporal@%pw"}
    command = ["psql", "--no-psqlrc", "--quiet", "-h", db.host, "-p", str(db.port), "-U", url.username or "postgres",
               "-d", "postgres", "-f", str(ROLES_SQL)]
    for name, value in variables.items():
        command += ["-v", f"{name}={value}"]
    env = {**os.environ, **({"PGPASSWORD": url.password} if url.password else {})}
    for _ in range(2):
        subprocess.run(command, check=True, env=env, capture_output=True, text=True)
    return db


def drop_role_database(db: RoleDatabase) -> None:
    conninfo = make_url(superuser_url()).set(drivername="postgresql", database="postgres")
    n = db.names
    with psycopg.connect(conninfo.render_as_string(hide_password=False), autocommit=True) as conn:
        for database in (n["database"], n["temporal_db"], n["visibility_db"]):
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(database)))
        for role in (n["app"], n["owner"], n["temporal"]):
            conn.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(role)))
