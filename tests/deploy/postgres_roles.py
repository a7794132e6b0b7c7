"""A PostgreSQL database owned by a schema-owner role, with an application role beside it, as production has."""

import os
import uuid
from dataclasses import dataclass

import psycopg
import pytest
from psycopg import sql
from sqlalchemy.engine import make_url

# Passwords with the characters that break a URL pasted together by hand.
OWNER_PASSWORD = "own@r%40pass:/"
APP_PASSWORD = "app@%25pass#?"


@dataclass
class RoleDatabase:
    """One database, its owner role and its application role (all named uniquely for this test)."""

    host: str
    port: int
    name: str
    owner: str
    app: str

    def settings_env(self) -> dict[str, str]:
        """The JOINTCHECK_* variables of a production process: host and credentials given separately."""
        return {"JOINTCHECK_DATABASE_HOST": self.host, "JOINTCHECK_DATABASE_PORT": str(self.port),
                "JOINTCHECK_DATABASE_NAME": self.name, "JOINTCHECK_DATABASE_USER": self.app,
                "JOINTCHECK_DATABASE_PASSWORD": APP_PASSWORD, "JOINTCHECK_OWNER_DATABASE_USER": self.owner,
                "JOINTCHECK_OWNER_DATABASE_PASSWORD": OWNER_PASSWORD}


def superuser_url() -> str:
    url = os.environ.get("JOINTCHECK_TEST_DATABASE_URL")
    if not url:
        pytest.skip("needs PostgreSQL (JOINTCHECK_TEST_DATABASE_URL): SQLite has no roles")
    return url


def _admin(url: str, *statements: sql.Composable) -> None:
    conninfo = make_url(url).set(drivername="postgresql", database="postgres").render_as_string(hide_password=False)
    with psycopg.connect(conninfo, autocommit=True) as conn:
        for statement in statements:
            conn.execute(statement)


def create_role_database() -> RoleDatabase:
    admin_url = superuser_url()
    tag = uuid.uuid4().hex[:8]
    url = make_url(admin_url)
    db = RoleDatabase(host=url.host or "127.0.0.1", port=url.port or 5432, name=f"jc_roles_{tag}",
                      owner=f"jc_owner_{tag}", app=f"jc_app_{tag}")
    owner, app, name = sql.Identifier(db.owner), sql.Identifier(db.app), sql.Identifier(db.name)
    _admin(admin_url,
           sql.SQL("CREATE ROLE {} LOGIN PASSWORD {}").format(owner, sql.Literal(OWNER_PASSWORD)),
           sql.SQL("CREATE ROLE {} LOGIN PASSWORD {}").format(app, sql.Literal(APP_PASSWORD)),
           sql.SQL("CREATE DATABASE {} OWNER {}").format(name, owner),
           sql.SQL("REVOKE ALL ON DATABASE {} FROM PUBLIC").format(name),
           sql.SQL("GRANT CONNECT, TEMPORARY ON DATABASE {} TO {}").format(name, app))
    return db


def drop_role_database(db: RoleDatabase) -> None:
    _admin(superuser_url(),
           sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(db.name)),
           sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(db.app)),
           sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(db.owner)))
