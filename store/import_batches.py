"""The reader side of bulk import, run on a worker thread: rows of the file become validated, staged batches.

Repeated keys are spotted with a fixed-size Bloom filter so memory does not grow with the file; a row it flags
is only a suspect, held back and settled exactly by the writer (store.import_sql) against the keys written.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime, timezone

from domain.import_rows import Layout, clean_inspector, clean_object, map_header
from domain.masterdata import FieldError
from domain.workdays import local_date
from store.import_files import UNDECODABLE, FileProblem, RowProblem, Table
from store.import_stage import TARGETS, Prepared

# Office spreadsheets often carry a title row or two above the header.
HEADER_SEARCH_ROWS = 5


def find_header(layout: Layout, rows: Iterator[tuple[int, list[str]]]) -> dict[str, int]:
    """Field positions from the first row naming the key column (or the first row, to report what is missing)."""
    first_error: FieldError | None = None
    non_blank = (r for r in rows if "".join(r[1]).strip())
    for _, (_line, cells) in zip(range(HEADER_SEARCH_ROWS), non_blank):
        try:
            return map_header(layout, cells)
        except FieldError as exc:
            first_error = first_error or exc
    if first_error is None:
        raise FileProblem(422, "the file has no header row")
    raise FileProblem(422, first_error.reason, field=first_error.field)


class SeenKeys:
    """Keys met so far in one file, as a Bloom filter: no false negatives, rare false positives, fixed memory."""

    def __init__(self, file_size: int) -> None:
        # About four bits per byte of file, at most 2**27 bits (16 MiB): ~1e-5 false positives at 1M CSV rows.
        bits = 1 << max(16, min(27, (file_size * 4).bit_length()))
        self.mask = bits - 1
        self.bits = bytearray(bits >> 3)

    def add(self, key: str) -> bool:
        """Remember the key; True when it may have been met before."""
        # Three bit positions from one 64-bit hash (21-bit shifts, overlapping windows): cheap and good enough.
        # Unrolled: this runs once per imported row.
        digest, bits, mask = hash(key), self.bits, self.mask
        first, second, third = digest & mask, (digest >> 21) & mask, (digest >> 42) & mask
        byte1, byte2, byte3 = first >> 3, second >> 3, third >> 3
        bit1, bit2, bit3 = 1 << (first & 7), 1 << (second & 7), 1 << (third & 7)
        seen = bool(bits[byte1] & bit1 and bits[byte2] & bit2 and bits[byte3] & bit3)
        bits[byte1] |= bit1
        bits[byte2] |= bit2
        bits[byte3] |= bit3
        return seen


def _unreadable_cell(raw: dict[str, str]) -> None:
    for field, value in raw.items():
        if "\x00" in value:
            raise FieldError(field, "contains a NUL character")
        if UNDECODABLE in value:
            raise FieldError(field, "contains bytes that are neither UTF-8 nor GBK text")


class Batches:
    """Each call to next() reads up to batch_size rows: (prepared new keys, suspected repeats, rejected rows)."""

    def __init__(self, layout: Layout, table: Table, positions: dict[str, int], batch_size: int,
                 encode: Callable[[int, dict], str | dict], prepare: Callable[[list], Prepared]) -> None:
        self.table, self.batch_size, self.encode, self.prepare = table, batch_size, encode, prepare
        self.positions = tuple(positions.items())
        self.width = max(positions.values()) + 1
        self.key = TARGETS[layout.kind].key
        self.seen = SeenKeys(table.size)
        # Only a GB18030 decode can meet unknown bytes (UTF-8 was checked strictly while the file was scanned).
        self.check_decoding = table.encoding == "gb18030"
        today = local_date(datetime.now(timezone.utc))  # ID numbers are checked against the date in Beijing
        self.clean: Callable[[dict[str, str]], dict] = (
            clean_object if layout.kind == "objects" else lambda raw: clean_inspector(raw, today=today))
        self.rows_read = 0

    def next(self) -> tuple[Prepared, list[tuple], list[dict]] | None:
        """The next batch; suspects are (line, key, encoded row) so the writer can settle and still write them."""
        fresh: list = []
        suspects: list[tuple] = []
        rejected: list[dict] = []
        positions, width, key = self.positions, self.width, self.key
        for line, cells in self.table.rows:
            if isinstance(cells, RowProblem):
                rejected.append({"line": line, "field": "row", "reason": f"unreadable CSV row: {cells}"})
                continue
            if len(cells) < width:
                cells += [""] * (width - len(cells))
            joined = "".join(cells)
            if not joined.strip():
                continue
            self.rows_read += 1
            raw = {field: cells[i] for field, i in positions}
            try:
                if "\x00" in joined or (self.check_decoding and UNDECODABLE in joined):
                    _unreadable_cell(raw)
                record = self.clean(raw)
            except FieldError as exc:
                rejected.append({"line": line, "field": exc.field, "reason": exc.reason})
            else:
                if self.seen.add(record[key]):
                    suspects.append((line, record[key], self.encode(line, record)))
                else:
                    fresh.append(self.encode(line, record))
            if len(fresh) + len(suspects) + len(rejected) >= self.batch_size:
                break
        if not (fresh or suspects or rejected):
            return None
        return self.prepare(fresh), suspects, rejected
