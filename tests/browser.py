"""Debian's headless Chromium for the browser tests (report and dashboard), driven by Playwright.

``.ci/run`` installs ``chromium`` when absent; Playwright never downloads a browser of its own.
Screenshots and PDFs go to ``tests/artifacts/`` (ignored by git).
"""

from __future__ import annotations

import shutil
from pathlib import Path

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
