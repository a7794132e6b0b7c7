"""Bulk import of objects and inspectors (SPEC §2 批量导入): one function for the API and the CLI.

The file is read, validated and formatted in batches on a worker thread (store.import_batches) while the
event loop writes an earlier one (store.import_sql), so parsing and database work overlap; at most READ_AHEAD + 1
batches are in memory. The whole import is one transaction with one audit record (counts and the file's
SHA-256): an infrastructure failure leaves nothing half-applied, and bad rows never get that far — each is
rejected with its line number while every good row is written.
Within one file the first occurrence of a key wins; later rows with the same key are rejected, which keeps a
second import of the same file a no-op (created 0, updated 0).
"""

from __future__ import annotations

import asyncio
import sys
import threading
from collections import deque
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import BinaryIO

from sqlalchemy.ext.asyncio import AsyncSession

from domain.import_rows import LAYOUTS
from store import audit
from store.import_batches import Batches, find_header
from store.import_files import FileProblem, open_table
from store.import_sql import StageWriter
from store.import_stage import TARGETS, Prepared

BATCH_SIZE = 10_000
# Batches read and prepared ahead of the one being written: memory stays at a few batches whatever the file.
READ_AHEAD = 3
# Suspected repeats are settled once this many wait, and at the end of the file.
SUSPECT_LIMIT = 5000

__all__ = ["BATCH_SIZE", "FileProblem", "import_file"]

_handoff_lock = threading.Lock()
_handoff_users = 0
_handoff_saved = 0.0


@contextmanager
def _quick_gil_handoff(interval: float = 0.0005):
    """While imports run, let threads take turns every 0.5 ms instead of CPython's 5 ms.

    The event loop drives the database and the reader thread parses; with the default interval each database
    reply waited up to 5 ms for the reader to yield the GIL while PostgreSQL sat idle (measured: 33k -> 58k
    rows/s). The setting is process-wide, so concurrent imports share it and the last one out restores it.
    """
    global _handoff_users, _handoff_saved
    with _handoff_lock:
        if _handoff_users == 0:
            _handoff_saved = sys.getswitchinterval()
            sys.setswitchinterval(min(interval, _handoff_saved))
        _handoff_users += 1
    try:
        yield
    finally:
        with _handoff_lock:
            _handoff_users -= 1
            if _handoff_users == 0:
                sys.setswitchinterval(_handoff_saved)


class _Run:
    """The running totals of one import."""

    def __init__(self, writer: StageWriter, key: str) -> None:
        self.writer, self.key = writer, key
        self.totals = {"created": 0, "updated": 0, "unchanged": 0}
        self.rejected: list[dict] = []
        self.held: list[tuple] = []

    async def write(self, batch: Prepared) -> None:
        if batch.count:
            result = await self.writer.write(batch)
            self.rejected += result.rejected
            for name in self.totals:
                self.totals[name] += getattr(result, name)

    async def settle(self) -> None:
        """Write the held-back rows that are first occurrences; reject the repeats, naming the first line."""
        first = await self.writer.first_lines({row[1] for row in self.held})
        for row in self.held:  # in file order, so a repeat among the held rows finds the earlier one
            first.setdefault(row[1], row[0])
        keep = [row[2] for row in self.held if first[row[1]] == row[0]]
        self.rejected += [{"line": row[0], "field": self.key,
                           "reason": f"duplicate of line {first[row[1]]} in this file; the first occurrence is kept"}
                          for row in self.held if first[row[1]] != row[0]]
        self.held = []
        await self.write(self.writer.prepare(keep))

    async def pump(self, batches: Batches, progress: Callable[[], None]) -> None:
        """Write each batch while one reader thread prepares the next ones, READ_AHEAD batches at most."""
        # A single worker runs the reads one after another, in the order asked; keeping a few queued smooths out
        # the moments when the database or the reader is briefly the slower side.
        reader = ThreadPoolExecutor(max_workers=1, thread_name_prefix="import-reader")
        loop = asyncio.get_running_loop()
        pending = deque(loop.run_in_executor(reader, batches.next) for _ in range(READ_AHEAD))
        try:
            while (batch := await pending.popleft()) is not None:
                pending.append(loop.run_in_executor(reader, batches.next))
                fresh, suspects, bad_rows = batch
                self.rejected += bad_rows
                self.held += suspects
                await self.write(fresh)
                if len(self.held) >= SUSPECT_LIMIT:
                    await self.settle()
                progress()
        finally:
            # Let the reader thread finish before the file is closed under it.
            await asyncio.gather(*pending, return_exceptions=True)
            reader.shutdown()
        if self.held:
            await self.settle()


async def import_file(session: AsyncSession, *, kind: str, binary: BinaryIO, filename: str | None,
                      actor: audit.Actor, department_code: str | None, batch_size: int = BATCH_SIZE,
                      progress: Callable[[float, int], None] | None = None) -> dict:
    """Import a CSV/XLSX file into the object or inspector directory; the caller commits.

    Returns {"accepted", "created", "updated", "unchanged", "rejected": [{"line", "field", "reason"}]};
    raises FileProblem (415/422) before writing anything when the file cannot be read at all.
    `progress(fraction_read, rows_read)` is called after every batch.
    """
    layout = LAYOUTS[kind]
    table = await asyncio.to_thread(open_table, binary, filename)
    try:
        positions = await asyncio.to_thread(find_header, layout, table.rows)
        writer = StageWriter(await session.connection(), TARGETS[kind], present=set(positions),
                             owner=department_code)
        batches = Batches(layout, table, positions, batch_size, writer.encoder(), writer.prepare)
        run = _Run(writer, layout.key)
        await writer.open()
        with _quick_gil_handoff():
            await run.pump(batches, lambda: progress and progress(table.progress(), batches.rows_read))
        await writer.close()
    finally:
        table.close()
    run.rejected.sort(key=lambda r: r["line"])
    report = {"accepted": sum(run.totals.values()), **run.totals, "rejected": run.rejected}
    await audit.append(session, actor=actor, action=f"{kind}.import", target=f"{kind}:import",
                       change={"file": filename, "sha256": table.sha256, "type": table.file_type,
                               "department_code": department_code, "rows": batches.rows_read,
                               **run.totals, "rejected": len(run.rejected)})
    return report
