"""Engine and session factory; the only place that knows how to reach the database."""

import json
from functools import partial
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine


# Connections kept open per process: enough for the API's concurrent requests and for a worker's concurrent
# (local) activities, so that a busy process reuses connections instead of opening one per transaction; overflow
# covers bursts.
POOL_SIZE = 20
MAX_OVERFLOW = 10

# JSON columns keep Chinese text readable (and searchable with LIKE) instead of \u escapes.
JSON_SERIALIZER = partial(json.dumps, ensure_ascii=False)


def make_engine(database_url: str, *, echo: bool = False) -> AsyncEngine:
    """An async engine; on SQLite every transaction takes the write lock up front so chained writes serialise."""
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite":
        return create_async_engine(url, echo=echo, pool_pre_ping=True, pool_size=POOL_SIZE, max_overflow=MAX_OVERFLOW,
                                   json_serializer=JSON_SERIALIZER)
    if url.database and url.database != ":memory:":
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_async_engine(url, echo=echo, connect_args={"timeout": 60}, json_serializer=JSON_SERIALIZER)

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:
        # Hand transaction control to the "begin" hook below (pysqlite would otherwise BEGIN lazily).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(conn) -> None:
        # A deferred transaction that reads then writes fails under concurrency; IMMEDIATE waits instead.
        conn.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def make_session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Sessions that keep loaded attributes usable after commit."""
    return async_sessionmaker(engine, expire_on_commit=False)


def sync_url(database_url: str) -> str:
    """The same database for synchronous tools (Alembic, bulk import): psycopg is both; sqlite uses pysqlite."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        return url.set(drivername="sqlite").render_as_string(hide_password=False)
    if url.drivername in ("postgresql", "postgresql+asyncpg", "postgresql+psycopg_async"):
        url = url.set(drivername="postgresql+psycopg")
    return url.render_as_string(hide_password=False)
