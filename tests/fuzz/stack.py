"""The whole API stack in a thread of its own: the app behind a real HTTP server and a worker, on its own loop.

The fuzz tests are synchronous (Hypothesis drives them), so the server and the worker cannot share the test
runner's event loop: a blocked loop would stall every workflow update the API waits on.
"""

import asyncio
import concurrent.futures
import threading

from api.app import create_app
from config.temporal import connect
from config.settings import Settings
from tests.browser.server import LiveServer
from worker.main import build_worker


class ThreadedStack:
    """`with ThreadedStack(settings) as base_url:` serves the API (and runs a worker) until the block ends."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="fuzz-stack", daemon=True)
        self._base_url: concurrent.futures.Future[str] = concurrent.futures.Future()
        self._stop: asyncio.Event | None = None
        self._running: concurrent.futures.Future | None = None

    def __enter__(self) -> str:
        self._thread.start()
        self._running = asyncio.run_coroutine_threadsafe(self._serve(), self._loop)
        self._running.add_done_callback(self._failed_to_start)
        return self._base_url.result(timeout=120)

    def _failed_to_start(self, running: concurrent.futures.Future) -> None:
        if not self._base_url.done():
            self._base_url.set_exception(running.exception() or RuntimeError("the stack stopped while starting"))

    async def _serve(self) -> None:
        self._stop = asyncio.Event()
        app = create_app(self.settings)
        async with app.router.lifespan_context(app):
            client = await connect(self.settings)
            async with build_worker(client, self.settings, app.state.session_factory):
                async with LiveServer(app) as base_url:
                    self._base_url.set_result(base_url)
                    await self._stop.wait()

    def __exit__(self, *exc) -> None:
        self._loop.call_soon_threadsafe(self._stop.set)
        try:
            self._running.result(timeout=60)
        finally:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(timeout=10)
