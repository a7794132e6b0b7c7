"""The object scope of a task as SQL: the one place that turns an ObjectScope into a WHERE clause, for the draw, the
live population count and the directory list alike."""

import asyncio
import re
import struct
from collections.abc import AsyncIterator, Sequence

from sqlalchemy import Boolean, ColumnElement, and_, func, literal, or_, select, text
from sqlalchemy.dialects.postgresql import aggregate_order_by
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import FunctionElement

from domain.records import ObjectScope
from store.models import InspectionObject, Item


class json_list_has(FunctionElement):  # noqa: N801 - used like the SQL function it stands for
    """`json_list_has(column, value)`: whether a JSON list column holds the string `value` as one of its elements.

    Exact: the value is compared as a whole element, never as a pattern (`%`, `_` and quotes are plain characters);
    PostgreSQL tests JSONB containment, SQLite looks through json_each."""

    type = Boolean()
    inherit_cache = True
    name = "json_list_has"


@compiles(json_list_has, "postgresql")
def _json_list_has_postgresql(element, compiler, **kw) -> str:
    column, value = (compiler.process(clause, **kw) for clause in element.clauses)
    return f"(CAST({column} AS JSONB) @> jsonb_build_array(CAST({value} AS TEXT)))"


@compiles(json_list_has, "sqlite")
def _json_list_has_sqlite(element, compiler, **kw) -> str:
    column, value = (compiler.process(clause, **kw) for clause in element.clauses)
    return (f"EXISTS (SELECT 1 FROM json_each({column}) AS element "
            f"WHERE element.type = 'text' AND element.value = {value})")


def scope_conditions(scope: ObjectScope, *, status: str | None = "active") -> list[ColumnElement[bool]]:
    """Objects matching every non-empty filter of the scope (any of its values), in the given status (None: any)."""
    o = InspectionObject
    conditions: list[ColumnElement[bool]] = [] if status is None else [o.status == status]
    if scope.region_codes:
        conditions.append(o.region_code.in_(scope.region_codes))
    if scope.industry_codes:
        conditions.append(o.industry_code.in_(scope.industry_codes))
    if scope.kinds:
        conditions.append(o.kind.in_(scope.kinds))
    if scope.credit_risk_classes:
        conditions.append(o.credit_risk_class.in_(scope.credit_risk_classes))
    if scope.tags:
        conditions.append(or_(*[json_list_has(o.tags, tag) for tag in scope.tags]))
    return conditions


# Below this many ids between the scope's smallest and largest, one query beats two connections' set-up.
PARALLEL_FROM = 100_000
PARTS = 4
_SNAPSHOT_ID = re.compile(r"[0-9A-F]+-[0-9A-F]+(-[0-9]+)?")
_INT_ARRAY_TYPES = {23: 4, 20: 8}  # int4, int8 → bytes per element


async def ascending_id_parts(session: AsyncSession, scope: ObjectScope, classes: Sequence[str] | None,
                             whole_stratum: str) -> AsyncIterator[tuple[int, list[tuple[str, bytes]]]]:
    """PostgreSQL: the eligible ids as (part number, [(stratum, ids as u64 big-endian)]), parts as they arrive.

    A stratum is a credit-risk class, or `whole_stratum`. A part holds one sorted array per stratum
    (`array_agg(id ORDER BY id)`: ascending by the SQL's own guarantee, strictly so because id is the primary key)
    over one slice of the ids, or of the table's pages; part n is meant to hold smaller ids than part n + 1, and
    the caller checks that at the joins. One value per stratum instead of a row per object (a million rows would
    cost a second); two server processes read the slices on one shared snapshot (PostgreSQL 15 cannot aggregate
    arrays in parallel), while the caller takes in the parts already received.
    """
    o = InspectionObject
    conditions = scope_conditions(scope)
    if classes is not None:
        conditions.append(o.credit_risk_class.in_(classes))
    ids = func.array_send(func.array_agg(aggregate_order_by(o.id, o.id)))
    if classes is None:
        aggregate = select(literal(whole_stratum), ids).where(*conditions)
    else:
        aggregate = select(o.credit_risk_class, ids).where(*conditions).group_by(o.credit_risk_class)
    low, high = (await session.execute(select(func.min(o.id), func.max(o.id)).where(*conditions))).one()
    if low is None:
        return
    parts = PARTS if high - low >= PARALLEL_FROM else 1
    if parts == 1 or scope.region_codes:
        # The scope index (status, region_code, id) reads a slice of ids directly, already in id order.
        bounds = [low + (high + 1 - low) * n // parts for n in range(parts + 1)]
        statements = [aggregate.where(o.id >= a, o.id < b) for a, b in zip(bounds, bounds[1:])]
    else:
        # No region: the whole table is read, so each part reads a slice of its pages (a TID range scan, as
        # cheap per row as a sequential scan). Rows are inserted in id order, so the slices are in practice too;
        # the caller checks the joins and sorts when rows moved.
        pages = int((await session.execute(text("SELECT pg_relation_size('inspection_objects') / "
                                                "current_setting('block_size')::int"))).scalar_one())
        bounds = [f"'({pages * n // parts},0)'::tid" for n in range(1, parts)]
        slices = [f"ctid < {bounds[0]}", *(f"ctid >= {a} AND ctid < {b}" for a, b in zip(bounds, bounds[1:])),
                  f"ctid >= {bounds[-1]}"]
        statements = [aggregate.where(text(f"inspection_objects.{condition}")) for condition in slices]
    # The aggregate sorts in memory what the index did not already hand over in order: ~32 bytes an id.
    work_mem = min(max(32 * (high + 1 - low) // parts // 1024, 4096), 1024 * 1024)
    if parts == 1:
        rows = await _binary_rows(await session.connection(), statements[0], work_mem)
        yield 0, [(stratum, _u64_big_endian(data)) for stratum, data in rows]
        return
    async for number, rows in _on_one_snapshot(session, statements, work_mem):
        yield number, [(stratum, _u64_big_endian(data)) for stratum, data in rows]


def _u64_big_endian(data: bytes | None) -> bytes | bytearray:
    """PostgreSQL's binary int4[]/int8[] (array_send) of non-negative ids → the ids as u64 big-endian."""
    if not data:
        return b""
    dimensions, has_nulls, element_type = struct.unpack_from(">iiI", data)
    width = _INT_ARRAY_TYPES.get(element_type)
    if dimensions != 1 or has_nulls or width is None:
        raise ValueError("object ids: expected a one-dimensional integer array without nulls")
    (count,) = struct.unpack_from(">i", data, 12)
    if len(data) != 20 + count * (4 + width) or (count and data[24] & 0x80):
        raise ValueError("object ids: malformed array, or a negative id")
    # Each element is a 4-byte length then `width` value bytes: move the value bytes into 8-byte slots.
    packed = bytearray(8 * count)
    for byte in range(width):
        packed[8 - width + byte::8] = data[24 + byte::4 + width]
    return packed


async def _on_one_snapshot(session: AsyncSession, statements: list,
                           work_mem: int) -> AsyncIterator[tuple[int, list]]:
    """Run the statements on two connections sharing one snapshot; yield (index, rows) as each one completes."""
    engine = session.bind
    done: asyncio.Queue = asyncio.Queue()
    pending = iter(enumerate(statements))

    async def reader(connection: AsyncConnection) -> None:
        # Sends its next statement before the caller looks at the rows it just queued.
        for index, statement in pending:
            done.put_nowait((index, await _binary_rows(connection, statement, work_mem)))

    async with engine.connect() as first, engine.connect() as second:
        for connection in (first, second):
            await connection.execution_options(isolation_level="REPEATABLE READ")
        snapshot = (await first.execute(text("SELECT pg_export_snapshot()"))).scalar_one()
        if not _SNAPSHOT_ID.fullmatch(snapshot):
            raise RuntimeError(f"unexpected snapshot id {snapshot!r}")
        await second.execute(text(f"SET TRANSACTION SNAPSHOT '{snapshot}'"))
        readers = asyncio.gather(reader(first), reader(second))
        try:
            for _ in statements:
                getter = asyncio.ensure_future(done.get())
                await asyncio.wait([getter, readers], return_when=asyncio.FIRST_COMPLETED)
                if not getter.done():  # the readers are done: all went well, or one failed
                    if readers.exception() is not None:
                        getter.cancel()
                        raise readers.exception()
                    await getter
                yield getter.result()
        finally:
            if not readers.done():
                readers.cancel()
            await asyncio.gather(readers, return_exceptions=True)


async def _binary_rows(connection: AsyncConnection, statement, work_mem: int) -> list[tuple]:
    """The statement's rows in binary format (as text, 4 MB of ids would travel as 8 MB of hex)."""
    compiled = statement.compile(dialect=connection.dialect, compile_kwargs={"render_postcompile": True})
    driver = (await connection.get_raw_connection()).driver_connection
    async with driver.cursor(binary=True) as cursor:
        await cursor.execute("SELECT set_config('work_mem', %s, true)", [f"{work_mem}kB"])
        await cursor.execute(str(compiled), compiled.params)
        return await cursor.fetchall()


async def population_counts(session: AsyncSession, scope: ObjectScope) -> dict[str, int]:
    """Eligible objects per credit-risk class (the live count the console shows while a task is drafted)."""
    o = InspectionObject
    rows = await session.execute(select(o.credit_risk_class, func.count()).where(and_(*scope_conditions(scope)))
                                 .group_by(o.credit_risk_class))
    return {cls: n for cls, n in rows.all()}


async def current_items(session: AsyncSession, department_code: str, codes: list[str]) -> dict[str, Item]:
    """The current versions of the given item codes that belong to the department."""
    rows = await session.execute(select(Item).where(Item.code.in_(codes), Item.is_current.is_(True),
                                                    Item.department_code == department_code))
    return {item.code: item for item in rows.scalars()}
