"""Applying the Alembic migrations programmatically (CLI, dev launcher, tests)."""

from pathlib import Path

from alembic import command
from alembic.config import Config

from store.db import sync_url

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def alembic_config(database_url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("sqlalchemy.url", sync_url(database_url).replace("%", "%%"))
    return cfg


def upgrade(database_url: str, revision: str = "head") -> None:
    """Bring the database to `revision` (synchronous: runs before any event loop work)."""
    command.upgrade(alembic_config(database_url), revision)
