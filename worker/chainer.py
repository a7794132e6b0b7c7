"""Keeps the audit chain linked: records commit unlinked with their change, this links them a moment later."""

import asyncio
import logging

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from store import audit

log = logging.getLogger("jointcheck.chainer")

PAUSE_SECONDS = 0.5
ROUND = 5000


async def keep_linking(sessions: async_sessionmaker[AsyncSession], stop: asyncio.Event) -> None:
    """Link pending records until `stop` is set: at once while there is a backlog, else every PAUSE_SECONDS."""
    while not stop.is_set():
        linked = 0
        try:
            async with sessions.begin() as session:
                linked = await audit.link_pending(session, limit=ROUND)
        except Exception:  # noqa: BLE001 - the database may be restarting; the records wait, nothing is lost
            log.exception("linking the audit chain failed; trying again")
        if linked < ROUND:
            try:
                await asyncio.wait_for(stop.wait(), PAUSE_SECONDS)
            except TimeoutError:
                pass
