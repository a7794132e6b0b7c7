"""A draw's frozen population (SPEC §5): the eligible ids found once, kept compactly, read back for every redraw.

Storage: one `draw_populations` row per stratum; the ascending ids become their gaps (the first id, then each
difference) packed as unsigned 64-bit little-endian integers and zlib-compressed. Gaps of a dense directory are
tiny, so a million ids take well under a megabyte and decode in tens of milliseconds.
"""

import operator
import sys
import zlib
from array import array
from collections.abc import Sequence
from itertools import accumulate, islice

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain import draw as protocol
from domain.records import ObjectScope
from store.models import InspectionObject
from store.models.tasks import DrawPopulation
from store.scope import ascending_id_parts, scope_conditions


def encode_ids(ids: Sequence[int]) -> bytes:
    """Strictly ascending ids → compressed little-endian u64 gaps; ValueError for ids out of order."""
    gaps = array("Q", ids[:1])
    try:
        gaps.extend(map(operator.sub, islice(ids, 1, None), ids))
    except OverflowError as exc:  # a negative gap
        raise ValueError("population: object ids must be strictly ascending") from exc
    if 0 in gaps[1:]:
        raise ValueError("population: an object id appears twice")
    if sys.byteorder == "big":
        gaps.byteswap()
    return zlib.compress(gaps.tobytes(), 1)


def decode_ids(blob: bytes) -> protocol.AscendingIds:
    """The ascending ids encode_ids packed."""
    gaps = array("Q")
    gaps.frombytes(zlib.decompress(blob))
    if sys.byteorder == "big":
        gaps.byteswap()
    return protocol.AscendingIds(array("Q", accumulate(gaps)))


async def freeze_population(session: AsyncSession, scope: ObjectScope,
                            classes: Sequence[str] | None = None) -> dict[str, protocol.AscendingIds]:
    """Eligible object ids, ascending: one stratum per credit-risk class in `classes`, else the single "all"."""
    keys = [protocol.NON_STRATIFIED] if classes is None else list(classes)
    if session.bind.dialect.name == "postgresql":
        # Each part is ascending by the SQL's ORDER BY over the primary key, so no pass over a million ids here
        # (encode_ids, which makes that pass anyway before anything is kept, refuses ids out of order); only the
        # joins between parts are checked, and the parts merged by a sort if they overlap.
        parts: dict[str, dict[int, protocol.AscendingIds]] = {}
        async for number, rows in ascending_id_parts(session, scope, classes, protocol.NON_STRATIFIED):
            for key, blob in rows:
                parts.setdefault(key, {})[number] = protocol.AscendingIds.from_big_endian(blob, presorted=True)
        found = {key: protocol.AscendingIds.concatenate([by_number[n] for n in sorted(by_number)])
                 for key, by_number in parts.items()}
    else:
        o = InspectionObject
        conditions = scope_conditions(scope)
        if classes is not None:
            conditions.append(o.credit_risk_class.in_(classes))
        grouped: dict[str, list[int]] = {}
        for object_id, cls in await session.execute(select(o.id, o.credit_risk_class).where(*conditions)
                                                    .order_by(o.id)):
            grouped.setdefault(protocol.NON_STRATIFIED if classes is None else cls, []).append(object_id)
        found = {key: protocol.AscendingIds(ids) for key, ids in grouped.items()}
    return {key: found.get(key, protocol.AscendingIds()) for key in keys}


async def frozen_population(session: AsyncSession, task_id: str) -> dict[str, protocol.AscendingIds]:
    """The population stored at the task's first draw."""
    rows = (await session.execute(select(DrawPopulation).where(DrawPopulation.task_id == task_id))).scalars()
    return {row.stratum: decode_ids(row.ids) for row in rows}


def population_rows(task_id: str, strata: dict[str, Sequence[int]]) -> list[DrawPopulation]:
    """The frozen population as one compact row per stratum; ValueError if its ids are not strictly ascending."""
    return [DrawPopulation(task_id=task_id, stratum=key, size=len(ids), ids=encode_ids(ids))
            for key, ids in strata.items()]
