"""Browser tests: Debian's Chromium driven by Playwright against a real uvicorn server and a real worker."""

import asyncio
import re
from pathlib import Path
from collections.abc import AsyncIterator

import pytest

from tests.api.helpers import PASSWORD
from tests.browser.server import CHROMIUM, DESKTOP, LiveServer, launch_chromium

BROWSER_TESTS = str(Path(__file__).parent)


def pytest_collection_modifyitems(config, items) -> None:
    """Without Debian's Chromium the browser tests are skipped, saying why (no browser is ever downloaded)."""
    if CHROMIUM.exists():
        return
    skip = pytest.mark.skip(reason=f"{CHROMIUM} is missing: apt-get install chromium to run the browser tests")
    for item in items:
        if str(item.path).startswith(BROWSER_TESTS):
            item.add_marker(skip)


@pytest.fixture(scope="session")
async def chromium():
    from playwright.async_api import async_playwright

    playwright = await async_playwright().start()
    browser = await launch_chromium(playwright)
    yield browser
    await browser.close()
    await playwright.stop()


@pytest.fixture
async def live_server(app, worker) -> AsyncIterator[str]:
    """The test's app (its database, Temporal, task queue and settings) behind a real HTTP server, with a worker."""
    async with LiveServer(app) as base_url:
        yield base_url


@pytest.fixture
async def new_page(chromium, live_server):
    """new_page(username=None, viewport=DESKTOP) → a page in its own browser context, logged in when asked."""
    contexts = []

    async def make(username: str | None = None, viewport: dict = DESKTOP):
        context = await chromium.new_context(base_url=live_server, viewport=viewport, locale="zh-CN")
        context.set_default_timeout(20_000)
        contexts.append(context)
        page = await context.new_page()
        if username:
            await login(page, username)
        return page

    yield make
    for context in contexts:
        await context.close()


async def login(page, username: str, password: str = PASSWORD) -> None:
    await page.goto("/console/login")
    await page.get_by_label("用户名").fill(username)
    await page.get_by_label("密码").fill(password)
    await page.get_by_role("button", name="登录").click()
    await page.wait_for_url(re.compile(r".*/console$"))


async def reload_until(page, url: str, selector: str, *, timeout: float = 30.0) -> None:
    """Reload `url` until `selector` is on the page (the workflow moves on in its own time)."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        await page.goto(url)
        if await page.locator(selector).count():
            return
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"{selector} did not appear on {url} within {timeout}s")
        await asyncio.sleep(0.5)


UNLABELLED_FIELDS = """() => [...document.querySelectorAll('input, select, textarea')]
  .filter(el => el.type !== 'hidden' && !(el.labels && el.labels.length) && !el.getAttribute('aria-label')
                && !el.getAttribute('aria-labelledby'))
  .map(el => el.outerHTML.slice(0, 120))"""
OVERFLOW = "() => document.documentElement.scrollWidth - window.innerWidth"


async def assert_readable(page) -> None:
    """Every visible form field has a label, and the page needs no sideways scrolling at this width."""
    assert await page.evaluate(UNLABELLED_FIELDS) == [], f"fields without a label on {page.url}"
    overflow = await page.evaluate(OVERFLOW)
    assert overflow <= 0, f"{page.url} is {overflow}px wider than the {page.viewport_size['width']}px window"


async def tab_to(page, text: str, *, presses: int = 60) -> None:
    """Reach the control whose text (or label) is `text` with the Tab key alone: it is keyboard-usable."""
    for _ in range(presses):
        await page.keyboard.press("Tab")
        focused = await page.evaluate(
            "() => { const el = document.activeElement; return el ? (el.innerText || el.value || "
            "el.getAttribute('aria-label') || '').trim() : ''; }")
        if focused == text:
            return
    raise AssertionError(f"'{text}' cannot be reached with the Tab key on {page.url}")
