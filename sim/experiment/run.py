"""Run one scenario once and save its results folder."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sim.experiment.store import check_new_folder, default_run_folder, environment, utc_now, write_run
from sim.inputs.scenario import Scenario
from sim.model import RegionModel


def run_and_save(
    scenario: Scenario | str | Path | None,
    *,
    seed: int,
    months: int | None = None,
    scale: float | None = None,
    out: Path | None = None,
    results_root: Path = Path("results"),
    overrides: dict[str, Any] | None = None,
    packages: list[str | Path] | None = None,
    on_month: Callable[[int, int], None] | None = None,
    max_memory: int | None = None,
) -> tuple[RegionModel, Path]:
    """Build the model, run every month, write the run folder; return the model and folder.

    ``on_month(done, total)`` is called after each month (for progress bars). The output
    folder is checked before the run starts, so a clash fails fast and costs nothing.
    ``overrides`` (key paths, as ``--set``) are recorded in the manifest as given, beside
    the scenario in full. A run whose estimated memory exceeds ``max_memory`` bytes (default
    8 GiB) is refused before it is built.
    """
    started = utc_now()
    if out is not None:
        check_new_folder(out)
    model = RegionModel(
        scenario,
        rng=seed,
        months=months,
        scale=scale,
        overrides=overrides,
        package=packages or None,
        max_memory=max_memory,
    )
    folder = out if out is not None else default_run_folder(results_root, model.config.scenario.name, seed, started)
    check_new_folder(folder)
    clock = time.perf_counter()
    while model.running:
        model.step()
        if on_month is not None:
            on_month(model.steps, model.months)
    wall_seconds = time.perf_counter() - clock
    manifest = {
        "kind": "run",
        "scenario_name": model.config.scenario.name,
        "scenario_source": str(scenario) if isinstance(scenario, str | Path) else "<object or default>",
        "scenario_hash": model.config.content_hash(),
        "scenario": model.config.to_dict(),
        "overrides": dict(overrides or {}),
        "package_sources": [str(p) for p in packages or []],
        "package": model.package.to_dict() if model.package else None,
        "package_hash": model.package.content_hash() if model.package else None,
        "seed": seed,
        "months": model.months,
        "scale": model.scale,
        "start": model.config.scenario.start,
        "started_at": started.isoformat(),
        "finished_at": utc_now().isoformat(),
        "run_seconds": round(wall_seconds, 3),
        "command": " ".join(sys.argv),
        "environment": environment(),
    }
    write_run(folder, model.results(), model.ledger(), manifest)
    return model, folder
