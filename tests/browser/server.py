"""A real HTTP server for the app on a free 127.0.0.1 port, in this process's event loop, and Chromium settings.

Used by the browser tests and by scripts/screenshots.py.
"""

import asyncio
import contextlib
import socket
from pathlib import Path

import uvicorn

CHROMIUM = Path("/usr/bin/chromium")
# Debian's Chromium, never a downloaded browser: no network chatter, no sandbox (CI runs as root).
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
DESKTOP = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class _Server(uvicorn.Server):
    @contextlib.contextmanager
    def capture_signals(self):
        # Leave Ctrl-C to the test runner (or the script) that owns this process.
        yield


class LiveServer:
    """`async with LiveServer(app) as base_url:` serves an app whose lifespan the caller already entered."""

    def __init__(self, app, port: int | None = None) -> None:
        self.port = port or free_port()
        self.server = _Server(uvicorn.Config(app, host="127.0.0.1", port=self.port, lifespan="off",
                                             log_level="warning", access_log=False))
        self.task: asyncio.Task | None = None

    async def __aenter__(self) -> str:
        self.task = asyncio.create_task(self.server.serve())
        for _ in range(200):
            if self.server.started:
                return f"http://127.0.0.1:{self.port}"
            if self.task.done():
                self.task.result()
            await asyncio.sleep(0.05)
        raise RuntimeError("the test server did not start")

    async def __aexit__(self, *exc) -> None:
        self.server.should_exit = True
        if self.task is not None:
            await self.task


async def launch_chromium(playwright):
    return await playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
