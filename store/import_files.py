"""Reading an uploaded table row by row without holding it in memory: CSV (UTF-8, UTF-8 with BOM, GBK/GB18030)
or XLSX (store.import_xlsx). The file is any seekable binary file: a spooled upload or an opened path."""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import BinaryIO, Callable

CHUNK = 1 << 20
ZIP_MAGIC = b"PK\x03\x04"
OLE2_MAGIC = b"\xd0\xcf\x11\xe0"  # legacy .xls (and .doc): not readable without extra libraries
UNDECODABLE = "\ufffd"


class FileProblem(Exception):
    """The file as a whole cannot be read (wrong type, empty, no header); nothing was imported."""

    def __init__(self, status_code: int, reason: str, field: str = "file") -> None:
        super().__init__(reason)
        self.status_code = status_code
        self.reason = reason
        self.field = field


class RowProblem(str):
    """Stands in for the cells of a row the CSV reader could not split (the reason is the text)."""


@dataclass
class Table:
    """Rows of one file as (line number, cells); `progress` says how far reading got, from 0 to 1."""

    rows: Iterator[tuple[int, list[str]]]
    sha256: str
    size: int
    file_type: str
    progress: Callable[[], float]
    encoding: str | None = None
    close: Callable[[], None] = field(default=lambda: None)


def _scan(binary: BinaryIO) -> tuple[str, int, bool]:
    """One streaming pass: SHA-256 of the bytes, size, and whether the bytes are valid UTF-8."""
    digest, size, utf8 = hashlib.sha256(), 0, True
    decoder = codecs.getincrementaldecoder("utf-8")()
    binary.seek(0)
    while chunk := binary.read(CHUNK):
        digest.update(chunk)
        size += len(chunk)
        if utf8:
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError:
                utf8 = False
    if utf8:
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            utf8 = False
    binary.seek(0)
    return digest.hexdigest(), size, utf8


def open_table(binary: BinaryIO, filename: str | None = None) -> Table:
    """Detect the type and encoding and return the rows; FileProblem (415/422) when the file cannot be read."""
    binary.seek(0)
    head = binary.read(4096)
    if not head:
        raise FileProblem(422, "the file is empty")
    suffix = (filename or "").rsplit(".", 1)[-1].lower() if "." in (filename or "") else ""
    if head.startswith(OLE2_MAGIC) or suffix == "xls":
        raise FileProblem(415, "legacy .xls workbooks are not supported: save the sheet as .xlsx or CSV")
    sha256, size, utf8 = _scan(binary)
    if head.startswith(ZIP_MAGIC):
        from store.import_xlsx import open_xlsx  # imported here: openpyxl is needed for workbooks only

        return open_xlsx(binary, sha256, size)
    if suffix in ("xlsx", "xlsm") or b"\x00" in head:
        raise FileProblem(415, "unsupported file type: upload a CSV (UTF-8 or GBK) or an XLSX workbook")
    # Files from Chinese offices are often GBK: GB18030 is its superset and decodes every GBK file.
    return _csv(binary, sha256, size, "utf-8-sig" if utf8 else "gb18030")


def _csv(binary: BinaryIO, sha256: str, size: int, encoding: str) -> Table:
    # Only GB18030 can meet bytes it does not know; they become U+FFFD and the row holding them is rejected.
    text = io.TextIOWrapper(binary, encoding=encoding, errors="replace", newline="")
    first = text.readline()
    dialect = "excel-tab" if first.count("\t") > first.count(",") else "excel"
    reader = csv.reader(itertools.chain([first], text), dialect)

    def rows() -> Iterator[tuple[int, list[str] | RowProblem]]:
        line = 1
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:  # e.g. a field over the size limit: that row is lost, the reader goes on
                cells = RowProblem(str(exc))
            yield line, cells
            line = reader.line_num + 1

    def close() -> None:
        text.detach()  # leave the caller's file open: it owns it

    return Table(rows=rows(), sha256=sha256, size=size, file_type=f"csv/{encoding}",
                 progress=lambda: binary.tell() / size, close=close, encoding=encoding)
