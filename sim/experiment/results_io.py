"""Writing and reading one run's results folder.

A run folder holds ``timeseries.parquet`` and ``timeseries.csv`` (the monthly table),
``ledger.parquet`` (policy payments) and ``manifest.json`` (what was run, with which seed
and code, when, and checksums of the files). Folders are written under a temporary name
and renamed when complete, so a folder with the final name is never half-written, and an
existing folder is never overwritten.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from sim.errors import ResultsFolderError

RUN_FILES = ("timeseries.parquet", "timeseries.csv", "ledger.parquet", "manifest.json")
MANIFEST_FORMAT = 1


def default_run_folder(results_root: Path, scenario_name: str, seed: int, when: datetime) -> Path:
    """``results/<scenario>-seed<N>-<UTC time>``: a new name for every run."""
    return results_root / f"{scenario_name}-seed{seed}-{when.strftime('%Y%m%d-%H%M%S')}"


def check_new_folder(folder: Path) -> None:
    """Refuse a results folder that exists already, so nothing is overwritten."""
    if folder.exists():
        raise ResultsFolderError(f"{folder}: results folder exists already; choose another --out or move it away")


@contextmanager
def new_folder(folder: Path) -> Iterator[Path]:
    """Build a results folder under a temporary sibling name; rename it into place when complete.

    Yields the temporary folder to write into. An existing ``folder`` is refused, before and
    after the writing; on any error the temporary folder is removed, so a folder with the
    final name is never half-written.
    """
    check_new_folder(folder)
    folder.parent.mkdir(parents=True, exist_ok=True)
    partial = folder.parent / f".{folder.name}.partial-{os.getpid()}"
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir()
    try:
        yield partial
        check_new_folder(folder)
        partial.rename(folder)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise


def write_run(folder: Path, timeseries: pd.DataFrame, ledger: pd.DataFrame, manifest: dict[str, Any]) -> Path:
    """Write a complete run folder atomically and return its path."""
    with new_folder(folder) as partial:
        timeseries.to_parquet(partial / "timeseries.parquet", index=False)
        timeseries.to_csv(partial / "timeseries.csv", index=False)
        ledger.to_parquet(partial / "ledger.parquet", index=False)
        manifest = {
            **manifest,
            "manifest_format": MANIFEST_FORMAT,
            "files": {name: sha256_of(partial / name) for name in RUN_FILES if name != "manifest.json"},
        }
        (partial / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    return folder


def read_run(folder: str | Path) -> dict[str, Any]:
    """Read a run folder back: ``{"timeseries", "ledger", "manifest"}``; refuse a corrupt one."""
    folder = Path(folder)
    if not folder.is_dir():
        raise ResultsFolderError(f"{folder}: no such results folder")
    missing = [name for name in RUN_FILES if not (folder / name).is_file()]
    if missing:
        raise ResultsFolderError(f"{folder}: not a complete run folder; missing {', '.join(missing)}")
    try:
        manifest = json.loads((folder / "manifest.json").read_text())
    except json.JSONDecodeError as error:
        raise ResultsFolderError(
            f"{folder / 'manifest.json'}: corrupt manifest ({error.msg} at line {error.lineno})"
        ) from None
    for name, digest in manifest.get("files", {}).items():
        if sha256_of(folder / name) != digest:
            raise ResultsFolderError(
                f"{folder / name}: file does not match the checksum in manifest.json (changed or corrupt)"
            )
    return {
        "timeseries": pd.read_parquet(folder / "timeseries.parquet"),
        "ledger": pd.read_parquet(folder / "ledger.parquet"),
        "manifest": manifest,
    }


def environment() -> dict[str, str]:
    """Versions of the interpreter and the libraries that shape results."""
    import mesa
    import numpy
    import scipy

    from sim import __version__

    return {
        "shocksim": __version__,
        "python": platform.python_version(),
        "mesa": mesa.__version__,
        "numpy": numpy.__version__,
        "scipy": scipy.__version__,
        "pandas": pd.__version__,
        "platform": platform.platform(),
    }


def utc_now() -> datetime:
    return datetime.now(UTC)


def sha256_of(path: Path) -> str:
    """Hex SHA-256 of a file's bytes, read in blocks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
