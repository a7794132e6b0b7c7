"""Activity tests run the activity methods directly against a fresh migrated database; no Temporal needed."""

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from config.settings import Settings
from store.db import make_engine, make_session_factory


@pytest.fixture
async def sessions(database_url: str) -> async_sessionmaker[AsyncSession]:
    """A session factory on this test's own database (the activities' only dependency)."""
    engine = make_engine(database_url)
    yield make_session_factory(engine)
    await engine.dispose()


@pytest.fixture
def activity_settings(database_url: str) -> Settings:
    return Settings(env="test", database_url=database_url, secret_key="test-secret-key-for-jointcheck-only")
