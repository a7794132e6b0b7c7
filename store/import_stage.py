"""What a staged import row looks like, shared by the reader thread (store.import_batches) and the writer
(store.import_sql): the target directories, and one clean record encoded for the database — a line of
PostgreSQL COPY text, or a parameter dict for SQLite. Pure functions: they run on the reader thread.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from operator import itemgetter
from typing import Any

from sqlalchemy import Table

from store.db import JSON_SERIALIZER
from store.models import InspectionObject, Inspector


@dataclass(frozen=True)
class Target:
    """Where one kind of import lands: table, natural key, stored fields and the defaults of absent columns."""

    table: Table
    key: str
    fields: tuple[str, ...]
    defaults: dict[str, Any]
    owner_column: str
    shared: bool  # may any department update an entry, or only the owner?


JSON_FIELDS = frozenset({"tags", "region_codes", "method_tags", "conflict_usccs"})
TARGETS = {
    "objects": Target(InspectionObject.__table__, "uscc",
                      ("uscc", "name", "address", "legal_representative", "region_code", "industry_code", "kind",
                       "credit_risk_class", "tags", "status", "phone"),
                      {"address": "", "legal_representative": "", "industry_code": "", "tags": [],
                       "status": "active", "phone": None},
                      # The object directory is shared: the first importer owns the entry (phone visibility),
                      # any later import may update it.
                      owner_column="owner_department_code", shared=True),
    "inspectors": Target(Inspector.__table__, "id_card_number",
                         ("id_card_number", "name", "region_codes", "certificate_number", "phone", "kind", "tags",
                          "method_tags", "conflict_usccs", "active"),
                         {"region_codes": [], "certificate_number": "", "phone": None, "tags": [],
                          "method_tags": [], "conflict_usccs": [], "active": True},
                         # A department never updates another department's inspector.
                         owner_column="department_code", shared=False),
}


_json_texts: dict[tuple, str] = {}


def _json_text(value: list[str]) -> str:
    # Tag lists repeat from row to row; serialising each distinct list once is a measurable share of import time.
    key = tuple(value)
    found = _json_texts.get(key)
    if found is None:
        found = JSON_SERIALIZER(value)
        if len(_json_texts) < 4096:
            _json_texts[key] = found
    return found


_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_field(value: Any) -> str:
    if value is None:
        return "\\N"
    if value is True or value is False:
        return "t" if value else "f"
    return str(value).translate(_COPY_ESCAPES)


def row_encoder(target: Target, *, postgres: bool) -> Callable[[int, dict[str, Any]], str | dict]:
    """A function encoding (line, clean record) for the stage: absent columns get defaults, lists JSON text."""
    absent = {name: target.defaults.get(name) for name in target.fields}
    pick = itemgetter(*target.fields)
    json_positions = [i for i, name in enumerate(target.fields) if name in JSON_FIELDS]
    separators = len(target.fields) - 1

    def values(record: dict[str, Any]) -> list:
        fields = list(pick({**absent, **record}))
        for i in json_positions:
            fields[i] = _json_text(fields[i])
        return fields

    def copy_line(line: int, record: dict[str, Any]) -> str:
        fields = values(record)
        text = "\t".join([v if v.__class__ is str else _copy_field(v) for v in fields])
        # Fast path: nothing needs escaping when the only tabs are the separators and nothing else is special.
        if text.count("\t") != separators or "\\" in text or "\n" in text or "\r" in text:
            text = "\t".join([_copy_field(v) for v in fields])
        return f"{line}\t{text}\n"

    def parameters(line: int, record: dict[str, Any]) -> dict:
        return dict(zip(("line", *target.fields), (line, *values(record))))

    return copy_line if postgres else parameters


@dataclass(frozen=True)
class Prepared:
    """A batch made ready for the database off the event loop: COPY bytes, or parameter dicts for SQLite."""

    count: int
    payload: bytes | list[dict]


def prepare(items: list, *, postgres: bool) -> Prepared:
    """A batch of encoded rows, as _load sends it."""
    return Prepared(len(items), "".join(items).encode() if postgres else items)
