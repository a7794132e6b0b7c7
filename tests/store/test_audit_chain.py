"""The audit chain under concurrent writers: every link holds however the writes interleave (SPEC §7)."""

import asyncio

import pytest

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


async def test_records_commit_unlinked_and_are_linked_in_commit_order(session_factory):
    if session_factory.kw["bind"].dialect.name != "postgresql":
        pytest.skip("SQLite has one writer at a time: its transactions cannot interleave")
    async with session_factory() as late, session_factory() as early:
        first = await audit.append(late, actor=audit.SYSTEM, action="test.order", target="test:late")
        await audit.append(early, actor=audit.SYSTEM, action="test.order", target="test:early")
        await early.commit()  # commits first although its id is higher: the writers did not wait for each other
        assert await audit.link_all(session_factory) == 1
        await late.commit()
        assert first.seq is None and first.hash is None
    assert await audit.link_all(session_factory) == 1
    async with session_factory() as session:
        rows = (await session.execute(select(AuditRecord).where(AuditRecord.action == "test.order")
                                      .order_by(AuditRecord.seq))).scalars().all()
        assert [r.target for r in rows] == ["test:early", "test:late"]
        assert rows[1].prev_hash == rows[0].hash
        assert (await audit.verify_chain(session)).ok


async def test_the_worker_chainer_links_what_is_written(session_factory):
    from worker.chainer import keep_linking

    stop = asyncio.Event()
    chainer = asyncio.create_task(keep_linking(session_factory, stop))
    async with session_factory() as session:
        await audit.append(session, actor=audit.SYSTEM, action="test.chainer", target="test:1")
        await session.commit()
    for _ in range(50):
        async with session_factory() as session:
            linked = (await session.execute(select(AuditRecord.seq).where(AuditRecord.action == "test.chainer")))
            if linked.scalar() is not None:
                break
        await asyncio.sleep(0.1)
    else:
        raise AssertionError("the chainer did not link the record within 5 s")
    stop.set()
    await asyncio.wait_for(chainer, 5)
