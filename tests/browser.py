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
