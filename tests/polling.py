"""Waiting in tests for what workflows do on their own time (timers fire on the server's clock, not ours)."""

import asyncio


async def eventually(probe, *, timeout: float = 30.0, interval: float = 0.2):
    """Poll until probe() returns something truthy; answers it, or fails after `timeout` seconds."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        value = await probe()
        if value:
            return value
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"condition not met within {timeout}s")
        await asyncio.sleep(interval)
