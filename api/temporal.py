"""One Temporal client per API process, connected lazily so the API starts even while Temporal is down."""

import asyncio

from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.runtime import Runtime

from config.settings import Settings


async def connect(settings: Settings, runtime: Runtime | None = None) -> Client:
    """A client with the pydantic converter every jointcheck client uses (on `runtime`, else the default one)."""
    return await Client.connect(settings.temporal_address, namespace=settings.temporal_namespace,
                                data_converter=pydantic_data_converter, runtime=runtime)


class TemporalHandle:
    """Holds the client; reconnects on demand after Temporal was unreachable."""

    def __init__(self, settings: Settings, client: Client | None = None) -> None:
        self._settings = settings
        self._client = client
        self._lock = asyncio.Lock()

    async def client(self) -> Client:
        if self._client is None:
            async with self._lock:
                if self._client is None:
                    self._client = await asyncio.wait_for(connect(self._settings), timeout=5)
        return self._client

    async def healthy(self) -> tuple[bool, str]:
        try:
            client = await self.client()
            await asyncio.wait_for(client.service_client.check_health(), timeout=3)
        except Exception as exc:  # noqa: BLE001 - any failure means "not reachable" for health purposes
            return False, type(exc).__name__
        return True, "ok"
