"""The version of shocksim and, when the code runs from a git checkout, the commit it was made from.

Both go into ``shocksim --version``, every manifest's ``environment`` and the HTML report.
The commit is read with ``git`` from the source tree that holds this package; it is
``None`` when the package is installed without its git history or git is missing.
"""

from __future__ import annotations

import functools
import subprocess
from pathlib import Path

_SOURCE_ROOT = Path(__file__).resolve().parent.parent


def version() -> str:
    """The installed distribution's version (``0.0.0+unknown`` when running from an uninstalled tree)."""
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as distribution_version

    try:
        return distribution_version("shocksim")
    except PackageNotFoundError:
        return "0.0.0+unknown"


@functools.cache
def git_commit() -> str | None:
    """The commit checked out where this code lives; None when unknown (no git checkout, no git).

    The full hash, with ``+dirty`` appended when tracked files under ``sim/`` or
    ``scenarios/`` differ from it.
    """
    if not (_SOURCE_ROOT / ".git").exists():
        return None
    try:
        head = subprocess.run(
            ["git", "-C", str(_SOURCE_ROOT), "rev-parse", "HEAD"],
            capture_output=True,
            text=True,
            timeout=5,
            check=True,
        ).stdout.strip()
        changed = subprocess.run(
            ["git", "-C", str(_SOURCE_ROOT), "status", "--porcelain", "--untracked-files=no", "--", "sim", "scenarios"],
            capture_output=True,
            text=True,
            timeout=5,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    if not head:
        return None
    return f"{head}+dirty" if changed else head


def describe() -> str:
    """``shocksim 0.1.0 (commit 1a2b3c4d5e6f)``, or without the commit when it is unknown."""
    commit = git_commit()
    if commit is None:
        return f"shocksim {version()}"
    short = commit[:12] + ("+dirty" if commit.endswith("+dirty") else "")
    return f"shocksim {version()} (commit {short})"
