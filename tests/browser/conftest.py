"""Browser journeys: Playwright (sync API) driving Debian's Chromium against ``live_server``.

No browser is ever downloaded: when /usr/bin/chromium is missing, every test in this directory
is skipped and the run ends with one line saying so.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Protocol

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

# Playwright's sync API keeps an asyncio loop on the test thread; Django refuses ORM calls
# there unless told the code is really synchronous (it is: one greenlet, one thread).
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SKIP_LINE = f"SKIP browser tests: {CHROMIUM} not found (apt-get install chromium)"
HERE = Path(__file__).parent
TIMEOUT_MS = 10_000

_skipped: list[str] = []


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    skip = pytest.mark.skip(reason=SKIP_LINE)
    for item in items:
        if HERE in item.path.parents:
            item.add_marker(pytest.mark.browser)
            if not CHROMIUM.exists():
                item.add_marker(skip)
                _skipped.append(item.nodeid)


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if _skipped:
        terminalreporter.write_line(SKIP_LINE, yellow=True, bold=True)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


class PageMaker(Protocol):
    def __call__(self, **context_options: Any) -> Page: ...


@pytest.fixture
def new_page(browser: Browser, live_server: Any) -> Iterator[PageMaker]:
    """Factory for fresh pages on the live server; every context it opened is closed after."""
    contexts = []

    def make(**context_options: Any) -> Page:
        context = browser.new_context(base_url=live_server.url, **context_options)
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page: PageMaker) -> Page:
    """A fresh desktop-sized page in its own context (no cookies shared between tests)."""
    return new_page(viewport={"width": 1200, "height": 800})
