"""The SQL side of bulk import: each batch goes into a temporary staging table (COPY on PostgreSQL, executemany
on SQLite) and one INSERT … SELECT … ON CONFLICT DO UPDATE … WHERE <something differs> moves it into the
directory, so identical rows are not written at all. Every staged key is also appended to an unindexed table of
the file's keys, against which the rows the reader suspects of repeating an earlier key are settled exactly.

Why a staging table: COPY is the fastest way into PostgreSQL, and set-based SQL then does the ownership check
and the upsert in a few statements per batch instead of one per row.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import (JSON, Boolean, Column, Integer, MetaData, Table, Text, and_, cast, delete, func, literal,
                        literal_column, or_, select, text, true)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection

from store.import_stage import JSON_FIELDS, Prepared, Target, prepare, row_encoder
from store.types import UTCDateTime

# SQLAlchemy keeps an INSERT's row count only when asked (async drivers close the cursor early).
COUNTED = {"preserve_rowcount": True}


@dataclass
class BatchResult:
    created: int
    updated: int
    unchanged: int
    rejected: list[dict]


class StageWriter:
    """Writes batches of staged rows into one directory inside the caller's transaction."""

    def __init__(self, conn: AsyncConnection, target: Target, *, present: set[str], owner: str | None) -> None:
        self.conn, self.target, self.owner = conn, target, owner
        self.postgres = conn.dialect.name == "postgresql"
        meta = MetaData()
        options = {"prefixes": ["TEMPORARY"], "postgresql_on_commit": "DROP"}
        self.stage = Table("_import_stage", meta, Column("line", Integer),
                           *[Column(n, Boolean if n == "active" else Text) for n in target.fields], **options)
        # No index: appending stays as cheap as the COPY, and it is read only to settle suspected repeats.
        self.keys = Table("_import_keys", meta, Column("key", Text), Column("line", Integer), **options)
        # Only columns present in the file are updated and compared: a file without addresses keeps the addresses.
        self.updated_fields = [n for n in target.fields if n in present and n != target.key]
        self.upsert = self._upsert_statement()

    async def open(self) -> None:
        await self.close()
        await self.conn.run_sync(self.stage.metadata.create_all)

    async def close(self) -> None:
        for table in (self.stage, self.keys):
            await self.conn.execute(text(f"DROP TABLE IF EXISTS {table.name}"))

    def _json(self, column):
        # PostgreSQL needs text turned into json; SQLite keeps JSON as text (a CAST there would make it a number).
        return cast(column, JSON) if self.postgres else column

    def _upsert_statement(self):
        t, s, target = self.target.table, self.stage, self.target
        now = literal(datetime.now(timezone.utc), UTCDateTime())
        columns = {n: self._json(s.c[n]) if n in JSON_FIELDS else s.c[n] for n in target.fields}
        columns[target.owner_column] = literal(self.owner, Text)
        columns["updated_at"] = now
        insert = (postgresql.insert if self.postgres else sqlite.insert)(t)
        insert = insert.from_select(list(columns), select(*columns.values()).where(true()))
        differs = [cast(t.c[n], Text).is_distinct_from(cast(insert.excluded[n], Text)) if n in JSON_FIELDS
                   else t.c[n].is_distinct_from(insert.excluded[n]) for n in self.updated_fields]
        if not differs:
            return insert.on_conflict_do_nothing(index_elements=[t.c[target.key]])
        condition = or_(*differs)
        if not target.shared:
            condition = and_(t.c[target.owner_column] == insert.excluded[target.owner_column], condition)
        return insert.on_conflict_do_update(index_elements=[t.c[target.key]], where=condition,
                                            set_={**{n: insert.excluded[n] for n in self.updated_fields},
                                                  "updated_at": now})

    def encoder(self) -> Callable[[int, dict[str, Any]], str | dict]:
        """The row encoder for this database (pure; used on the reader thread)."""
        return row_encoder(self.target, postgres=self.postgres)

    def prepare(self, items: list) -> Prepared:
        """A batch of encoded rows, ready for write()."""
        return prepare(items, postgres=self.postgres)

    async def _load(self, batch: Prepared) -> None:
        if self.postgres:
            await self.conn.execute(text(f"TRUNCATE {self.stage.name}"))
            raw = (await self.conn.get_raw_connection()).driver_connection
            names = ", ".join(["line", *self.target.fields])
            async with raw.cursor() as cursor:
                async with cursor.copy(f"COPY {self.stage.name} ({names}) FROM STDIN") as copy:
                    await copy.write(batch.payload)
        else:
            await self.conn.execute(delete(self.stage))
            await self.conn.execute(self.stage.insert(), batch.payload)

    def _note_keys(self):
        return self.keys.insert().from_select(["key", "line"], select(self.stage.c[self.target.key], self.stage.c.line))

    async def first_lines(self, keys: set[str]) -> dict[str, int]:
        """The first line of this file already written for each key (keys not written yet are absent)."""
        found: dict[str, int] = {}
        chunk = sorted(keys)
        for start in range(0, len(chunk), 5000):
            rows = await self.conn.execute(select(self.keys.c.key, func.min(self.keys.c.line))
                                           .where(self.keys.c.key.in_(chunk[start:start + 5000]))
                                           .group_by(self.keys.c.key))
            found.update({key: line for key, line in rows.all()})
        return found

    async def _reject_foreign(self) -> list[dict]:
        """Rows whose key another department owns are rejected and taken out of the stage."""
        s, t, key = self.stage, self.target.table, self.target.key
        found = (await self.conn.execute(select(s.c.line).join(t, t.c[key] == s.c[key])
                                         .where(t.c[self.target.owner_column] != literal(self.owner, Text)))).all()
        if found:
            await self.conn.execute(delete(s).where(s.c.line.in_([r[0] for r in found])))
        return [{"line": r[0], "field": key, "reason": "already registered in another department's directory"}
                for r in found]

    async def _upsert(self) -> tuple[int, int]:
        """(created, updated) by the batch's upsert; identical rows are neither."""
        if self.postgres:
            # One round trip notes the keys and upserts; xmax is 0 only on a freshly inserted row version, so the
            # same statement tells inserts from updates.
            done = self.upsert.returning(literal_column("xmax = 0").label("created")).cte("done")
            created, written = (await self.conn.execute(
                select(func.count().filter(done.c.created), func.count()).select_from(done)
                .add_cte(self._note_keys().cte("noted")))).one()
            return created, written - created
        await self.conn.execute(self._note_keys())
        s, t, key = self.stage, self.target.table, self.target.key
        existing = (await self.conn.execute(
            select(func.count()).select_from(s.join(t, t.c[key] == s.c[key])))).scalar_one()
        staged = (await self.conn.execute(select(func.count()).select_from(s))).scalar_one()
        written = (await self.conn.execute(self.upsert, execution_options=COUNTED)).rowcount
        return staged - existing, written - (staged - existing)

    async def write(self, batch: Prepared) -> BatchResult:
        """Stage a prepared batch (keys new to this file, or settled first occurrences) and upsert it."""
        await self._load(batch)
        rejected = [] if self.target.shared else await self._reject_foreign()
        created, updated = await self._upsert()
        return BatchResult(created=created, updated=updated, unchanged=batch.count - len(rejected) - created - updated,
                           rejected=rejected)
