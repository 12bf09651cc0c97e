"""Run a nation file once and write its results folder: every region's monthly table and the national totals."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

from sim.errors import InputError
from sim.experiment.nation_compare import NationComparison, compare_nation
from sim.experiment.run import run_months
from sim.experiment.store import check_new_folder, default_run_folder, environment, new_folder, sha256_of, utc_now
from sim.nation import NationModel
from sim.nation.model import region_seed

#: ``--package all=PACKAGE``: the package in every region of the nation.
ALL_REGIONS = "all"

#: Files of a nation run's folder.
NATION_FILES = ("regions.csv", "regions.parquet", "totals.csv", "flows.csv", "summary.txt", "manifest.json")


def format_nation_summary(nation: NationModel, folder: Path | None = None) -> str:
    """Employment at the start and at the horizon, by region and for the nation (full-population units)."""
    scale = nation.nation.spec.nation.scale
    table = nation.results()
    totals = nation.totals()
    last = int(table["month"].max())
    lines = [
        f"nation {nation.nation.name}: {len(nation.nation.region_names)} regions, {nation.months} months, "
        f"seed {nation.seed}, scale {scale:g}",
        f"{'region':<24}{'employed at start':>20}{'at the horizon':>18}{'change':>12}",
    ]

    def row(name: str, frame: pd.DataFrame) -> str:
        start = float(frame.loc[frame["month"] == 0, "employed"].iloc[0]) / scale
        end = float(frame.loc[frame["month"] == last, "employed"].iloc[0]) / scale
        return f"{name:<24}{start:>20,.0f}{end:>18,.0f}{end - start:>+12,.0f}"

    for name in nation.nation.region_names:
        lines.append(row(name, table[table["region"] == name]))
    lines.append(row("nation", totals))
    commuters = nation.commuters()
    if not commuters.empty:
        lines.append(
            f"{'commuters (home -> work)':<32}{'at start':>12}{'at the horizon':>16}{'hired':>10}{'jobs lost':>11}"
        )
        for (home, work), link in commuters.groupby(["home", "work"], sort=False):
            start, end = (float(link.loc[link["month"] == m, "commuters"].iloc[0]) / scale for m in (0, last))
            hired, lost = float(link["hired"].sum()) / scale, float(link["jobs_lost"].sum()) / scale
            lines.append(f"{f'{home} -> {work}':<32}{start:>12,.0f}{end:>16,.0f}{hired:>10,.0f}{lost:>11,.0f}")
    if folder is not None:
        lines.append(f"results: {folder}")
    return "\n".join(lines)


def run_nation_and_save(
    nation_file: str | Path,
    *,
    seed: int,
    scale: float | None = None,
    months: int | None = None,
    out: Path | None = None,
    results_root: Path = Path("results"),
    on_month: Callable[[int, int], None] | None = None,
    max_memory: int | None = None,
    workers: int = 1,
) -> tuple[NationModel, Path]:
    """Build the nation, run every month, write its folder atomically; return the model and the folder."""
    started = utc_now()
    if out is not None:
        check_new_folder(out)
    nation = NationModel(nation_file, rng=seed, scale=scale, months=months, max_memory=max_memory, workers=workers)
    folder = out if out is not None else default_run_folder(results_root, nation.nation.name, seed, started)
    check_new_folder(folder)
    wall_seconds = run_months(nation, on_month)
    regions, totals = nation.results(), nation.totals()
    manifest = {
        "kind": "nation",
        "nation_name": nation.nation.name,
        "nation_source": str(nation_file),
        "nation": nation.nation.spec.model_dump(),
        "seed": seed,
        "region_seeds": {name: region_seed(nation.seed, name) for name in nation.nation.region_names},
        "scenario_hashes": {name: nation.nation.scenarios[name].content_hash() for name in nation.nation.region_names},
        "months": nation.months,
        "scale": nation.nation.spec.nation.scale,
        "started_at": started.isoformat(),
        "finished_at": utc_now().isoformat(),
        "run_seconds": round(wall_seconds, 3),
        "command": " ".join(sys.argv),
        "environment": environment(),
    }
    with new_folder(folder) as partial:
        regions.to_csv(partial / "regions.csv", index=False)
        regions.to_parquet(partial / "regions.parquet", index=False)
        totals.to_csv(partial / "totals.csv", index=False)
        nation.flows().to_csv(partial / "flows.csv", index=False)
        written = [name for name in NATION_FILES if name != "manifest.json"]
        if nation.nation.spec.performance is not None:  # seed 004's performance rule: each review, by region
            nation.reviews().to_csv(partial / "reviews.csv", index=False)
            written.append("reviews.csv")
        if nation.nation.spec.commuting:
            nation.commuters().to_csv(partial / "commuters.csv", index=False)
            written.append("commuters.csv")
        (partial / "summary.txt").write_text(format_nation_summary(nation, folder) + "\n")
        files = {name: sha256_of(partial / name) for name in written}
        (partial / "manifest.json").write_text(json.dumps({**manifest, "files": files}, indent=2) + "\n")
    return nation, folder


def compare_and_save(
    nation_file: str | Path,
    aimed: dict[str, str],
    *,
    reps: int,
    seed: int,
    scale: float | None = None,
    months: int | None = None,
    out: Path | None = None,
    results_root: Path = Path("results"),
    figures: Callable[[NationComparison, Path], list[Path]] | None = None,
    workers: int = 1,
    executor: Any = None,
) -> tuple[NationComparison, Path]:
    """Compare the nation with its packages against it without any; write the folder.

    The compared packages are the nation file's, with ``aimed`` (region -> package) replacing
    or adding to them; the baseline has none. Nothing to compare (no package in the file and
    none aimed) is an input error.
    """
    from sim.inputs.nation import load_nation

    started = utc_now()
    if out is not None:
        check_new_folder(out)
    overrides = {key: value for key, value in (("scale", scale), ("months", months)) if value is not None}
    nation = load_nation(nation_file, overrides)
    if ALL_REGIONS in aimed:  # one package in every region, unless a region is given its own
        aimed = {**dict.fromkeys(nation.region_names, aimed[ALL_REGIONS]), **aimed}
        del aimed[ALL_REGIONS]
    unknown = sorted(set(aimed) - set(nation.region_names))
    if unknown:
        allowed = f"one of the regions {nation.region_names} or {ALL_REGIONS!r}"
        raise InputError(f"--package: got region {unknown[0]!r}; allowed: {allowed}")
    written = {name: nation.package_of(name) for name in nation.region_names}
    aimed = {**{name: package for name, package in written.items() if package is not None}, **aimed}
    if not aimed:
        raise InputError(
            f"--package: got none, and {nation.source} gives no region a package; allowed: REGION=PACKAGE "
            "or all=PACKAGE, or a nation file whose regions name packages"
        )
    folder = out if out is not None else default_run_folder(results_root, f"{nation.name}-compare", seed, started)
    check_new_folder(folder)
    comparison = compare_nation(nation, {"package": aimed}, reps=reps, seed=seed, workers=workers, executor=executor)
    manifest = {
        "kind": "nation_comparison",
        "nation_name": nation.name,
        "nation_source": str(nation_file),
        "nation": nation.spec.model_dump(),
        "packages": aimed,
        "reps": reps,
        "seed": seed,
        "started_at": started.isoformat(),
        "finished_at": utc_now().isoformat(),
        "command": " ".join(sys.argv),
        "environment": environment(),
    }
    with new_folder(folder) as partial:
        comparison.effects.to_csv(partial / "effects.csv", index=False)
        comparison.summary.to_csv(partial / "summary.csv", index=False)
        (partial / "summary.txt").write_text(comparison.table() + "\n")
        names = ["effects.csv", "summary.csv", "summary.txt"]
        if figures is not None:
            names += [str(path.relative_to(partial)) for path in figures(comparison, partial)]
        files = {name: sha256_of(partial / name) for name in names}
        (partial / "manifest.json").write_text(json.dumps({**manifest, "files": files}, indent=2) + "\n")
    return comparison, folder
