"""Reading the first sheet of an XLSX workbook row by row (openpyxl read-only) with the shared-string table kept
on disk.

openpyxl streams the sheet's XML but loads the whole shared-string table into a list first, and in a directory
export nearly every text cell (names, addresses, codes) is a distinct shared string: the table is most of the
file. Here it is spilled to a temporary file while it is parsed, so memory stays flat however large the sheet.
"""

from __future__ import annotations

import array
import os
import struct
import tempfile
from collections.abc import Iterator
from datetime import date, datetime
from functools import lru_cache
from typing import BinaryIO

from store.import_files import FileProblem, Table

_OFFSET = struct.Struct("<QQ")


class SpilledStrings:
    """The shared strings of a workbook as a read-only sequence backed by temporary files (UTF-8 text, offsets)."""

    def __init__(self, texts: Iterator[str]) -> None:
        self._data = tempfile.TemporaryFile()
        self._offsets = tempfile.TemporaryFile()
        position, pending = 0, array.array("Q", [0])
        for text in texts:
            encoded = text.encode("utf-8")
            self._data.write(encoded)
            position += len(encoded)
            pending.append(position)
            if len(pending) >= 65536:
                self._offsets.write(pending.tobytes())
                pending = array.array("Q")
        self._offsets.write(pending.tobytes())
        self._data.flush()
        self._offsets.flush()
        self._count = self._offsets.tell() // 8 - 1
        # Categories (kinds, classes, regions) are looked up over and over; distinct names and codes once each.
        self._lookup = lru_cache(maxsize=1024)(self._read)

    def _read(self, index: int) -> str:
        start, end = _OFFSET.unpack(os.pread(self._offsets.fileno(), 16, index * 8))
        return os.pread(self._data.fileno(), end - start, start).decode("utf-8")

    def __len__(self) -> int:
        return self._count

    def __getitem__(self, index: int) -> str:
        if not 0 <= index < self._count:
            raise IndexError(f"shared string {index} does not exist")
        return self._lookup(index)

    def close(self) -> None:
        self._lookup.cache_clear()
        self._data.close()
        self._offsets.close()


def _shared_string_texts(source: BinaryIO) -> Iterator[str]:
    """The texts of a sharedStrings.xml part, parsed as openpyxl.reader.strings.read_string_table parses them."""
    from openpyxl.cell.text import Text
    from openpyxl.xml.constants import SHEET_MAIN_NS
    from openpyxl.xml.functions import iterparse

    tag = f"{{{SHEET_MAIN_NS}}}si"
    for _, node in iterparse(source):
        if node.tag == tag:
            text = Text.from_tree(node).content.replace("x005F_", "")
            node.clear()
            yield text


def _load_workbook(binary: BinaryIO):
    """openpyxl.load_workbook(read_only=True, data_only=True), with the shared strings spilled to disk."""
    from openpyxl.xml.constants import SHARED_STRINGS
    from openpyxl.reader.excel import ExcelReader

    class Reader(ExcelReader):
        def read_strings(self) -> None:
            part = self.package.find(SHARED_STRINGS)
            if part is not None:
                with self.archive.open(part.PartName[1:]) as source:
                    self.shared_strings = SpilledStrings(_shared_string_texts(source))

    reader = Reader(binary, read_only=True, keep_vba=False, data_only=True, keep_links=False)
    try:
        reader.read()
    except BaseException:
        _close_strings(reader.shared_strings)
        raise
    return reader.wb, reader.shared_strings


def _close_strings(strings) -> None:
    if isinstance(strings, SpilledStrings):
        strings.close()


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def open_xlsx(binary: BinaryIO, sha256: str, size: int) -> Table:
    """The rows of the first sheet as (row number, cells as text); FileProblem 415 when it is not a workbook."""
    try:
        workbook, strings = _load_workbook(binary)
    except Exception as exc:  # noqa: BLE001 - zipfile, XML and openpyxl errors all mean "not a workbook"
        raise FileProblem(415, f"not a readable XLSX workbook ({type(exc).__name__})") from exc
    if not workbook.worksheets:
        workbook.close()
        _close_strings(strings)
        raise FileProblem(415, "not a readable XLSX workbook (it has no worksheet)")
    sheet = workbook.worksheets[0]
    total = sheet.max_row or 0
    done = 0

    def rows() -> Iterator[tuple[int, list[str]]]:
        nonlocal done
        for done, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield done, [_cell(v) for v in values]

    def close() -> None:
        workbook.close()
        _close_strings(strings)

    return Table(rows=rows(), sha256=sha256, size=size, file_type="xlsx",
                 progress=lambda: done / total if total else 0.0, close=close)
