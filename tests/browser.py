"""Debian's headless Chromium for the browser tests (report and dashboard), driven by Playwright.

``.ci/run`` installs ``chromium`` when absent; Playwright never downloads a browser of its own.
Screenshots and PDFs go to ``tests/artifacts/`` (ignored by git).
"""

from __future__ import annotations

import contextlib
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@contextlib.contextmanager
def chromium(playwright: Any, **options: Any) -> Iterator[Any]:
    """A persistent headless Chromium context with a throwaway profile (``options``: viewport, downloads...)."""
    with playwright.sync_playwright() as driver, tempfile.TemporaryDirectory() as profile:
        context = driver.chromium.launch_persistent_context(
            profile, executable_path=CHROMIUM, headless=True, args=FLAGS, **options
        )
        try:
            yield context
        finally:
            context.close()


def offline_page(context: Any) -> tuple[Any, list[str], list[str]]:
    """A new page of ``context`` that may load only ``file:`` and ``data:`` URLs: every other request is aborted
    and listed in ``external``; console errors, page errors and failed requests are listed in ``errors``."""
    external: list[str] = []
    errors: list[str] = []

    def route(request_route: Any) -> None:
        url = request_route.request.url
        if url.startswith(("file:", "data:")):
            request_route.continue_()
        else:
            external.append(url)
            request_route.abort()

    context.route("**/*", route)
    page = context.new_page()
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("requestfailed", lambda request: errors.append(f"failed: {request.url}"))
    return page, external, errors


@contextlib.contextmanager
def offline_report(page_file: Path) -> Iterator[tuple[Any, list[str], list[str]]]:
    """A saved HTML page opened offline in Debian's Chromium (1200 x 900): ``(page, external, errors)`` as
    :func:`offline_page` gives them. Skips the test where Playwright or Chromium is missing."""
    import pytest

    playwright = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).is_file():
        pytest.skip("Chromium is not installed (.ci/run installs Debian's chromium)")
    ARTIFACTS.mkdir(exist_ok=True)
    with chromium(playwright, viewport={"width": 1200, "height": 900}) as context:
        page, external, errors = offline_page(context)
        page.goto(page_file.as_uri(), wait_until="load")
        yield page, external, errors
