"""Turning read-model rows into plain dicts for the API (JSON-ready through FastAPI's encoder)."""

from typing import Any


def row_dict(row: Any) -> dict[str, Any]:
    """Every column of an ORM row, as a plain dict."""
    return {c.key: getattr(row, c.key) for c in row.__table__.columns}
