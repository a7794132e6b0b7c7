"""How every jointcheck process reaches Temporal: the API, the worker, the benchmarks."""

from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.runtime import Runtime

from config.settings import Settings


async def connect(settings: Settings, runtime: Runtime | None = None) -> Client:
    """A client with the pydantic converter every jointcheck client uses (on `runtime`, else the default one)."""
    return await Client.connect(settings.temporal_address, namespace=settings.temporal_namespace,
                                data_converter=pydantic_data_converter, runtime=runtime)
