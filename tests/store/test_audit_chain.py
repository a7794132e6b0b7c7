"""The audit chain under concurrent writers: every link holds however the writes interleave (SPEC §7)."""

import asyncio

from sqlalchemy import func, select

from store import audit
from store.models import AuditRecord


async def test_twenty_concurrent_writers_keep_the_chain_whole(session_factory):
    async def write(n: int) -> None:
        async with session_factory() as session:
            await audit.append(session, actor=audit.Actor(username=f"user{n}", role="office"),
                               action="test.concurrent", target=f"test:{n}", change={"n": n})
            await session.commit()

    await asyncio.gather(*(write(n) for n in range(20)))
    async with session_factory() as session:
        verdict = await audit.verify_chain(session)
        written = (await session.execute(select(func.count()).where(AuditRecord.action == "test.concurrent"))).scalar()
    assert written == 20
    assert verdict.ok, verdict
    assert verdict.records >= 20


async def test_chain_verifies_across_batches(session_factory):
    async with session_factory() as session:
        for n in range(7):
            await audit.append(session, actor=audit.SYSTEM, action="test.batch", target=f"test:{n}")
        await session.commit()
    async with session_factory() as session:
        assert (await audit.verify_chain(session, batch=2)).ok
