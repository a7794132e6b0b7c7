"""Fresh, migrated databases for tests: copy a migrated SQLite file, or CREATE DATABASE … TEMPLATE on PostgreSQL."""

import os
import shutil
import tempfile
import uuid
from pathlib import Path

import psycopg
from sqlalchemy.engine import make_url

from store import migrate
from store.db import sync_url


class TestDatabases:
    __test__ = False

    def __init__(self, postgres_url: str | None) -> None:
        self._pg = make_url(postgres_url) if postgres_url else None
        self._tmp = Path(tempfile.mkdtemp(prefix="jointcheck-test-"))
        self._prefix = f"jc_{os.getpid()}_{uuid.uuid4().hex[:6]}"
        if self._pg is None:
            self._template = self._tmp / "template.db"
            migrate.upgrade(f"sqlite+aiosqlite:///{self._template}")
            self._seed_calendar(f"sqlite+aiosqlite:///{self._template}")
        else:
            self._template = f"{self._prefix}_template"
            self._admin(f'CREATE DATABASE "{self._template}"')
            url = self._url_for(self._template)
            migrate.upgrade(url)
            self._seed_calendar(url)

    @staticmethod
    def _seed_calendar(url: str) -> None:
        from store.calendar import seed_from_chinese_calendar

        seed_from_chinese_calendar(sync_url(url))

    @property
    def is_postgres(self) -> bool:
        return self._pg is not None

    def _url_for(self, name: str) -> str:
        return self._pg.set(database=name, drivername="postgresql+psycopg").render_as_string(hide_password=False)

    def _admin(self, sql: str) -> None:
        conninfo = self._pg.set(database="postgres", drivername="postgresql")
        with psycopg.connect(conninfo.render_as_string(hide_password=False), autocommit=True) as conn:
            conn.execute(sql)

    def fresh(self) -> str:
        """A new database with every migration applied and the calendar seeded."""
        if self._pg is None:
            path = self._tmp / f"{uuid.uuid4().hex}.db"
            shutil.copyfile(self._template, path)
            return f"sqlite+aiosqlite:///{path}"
        name = f"{self._prefix}_{uuid.uuid4().hex[:10]}"
        self._admin(f'CREATE DATABASE "{name}" TEMPLATE "{self._template}"')
        return self._url_for(name)

    def drop(self, url: str) -> None:
        parsed = make_url(url)
        if self._pg is None:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{parsed.database}{suffix}").unlink(missing_ok=True)
        else:
            self._admin(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)')

    def close(self) -> None:
        if self._pg is not None:
            self._admin(f'DROP DATABASE IF EXISTS "{self._template}" WITH (FORCE)')
        shutil.rmtree(self._tmp, ignore_errors=True)
