"""Packages on a nation against the same nation without them: effects by region and for the nation (issue 16).

For each replicate the nation runs twice on the same seed, without packages and with the
arm's packages (each aimed at one region, or at several), so every region's twin shares its
randomness (common random numbers, as in ``compare``). Effects are package minus baseline,
in full-population units: job-years over the run (employment in the region's firms, by
workplace), jobs at the horizon, and residents employed at the horizon (by residence, which
migration moves). The nation's row is computed from the national totals, not by adding the
regions' rows, so that the two can be checked against each other; a region's gain can be set
against the other regions' losses.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from sim.experiment.design import replicate_seed
from sim.experiment.stats import CONFIDENCE, t_interval
from sim.inputs.nation import Nation, load_nation
from sim.nation import NationModel

#: The effects of a nation comparison, per arm, replicate and region (``nation`` for the whole).
EFFECTS = ("job_years", "jobs", "residents_employed")


@dataclass
class NationComparison:
    """Effects of each arm by region and for the nation, seed by seed, and their means with intervals."""

    effects: pd.DataFrame  # arm, replicate, seed, region, and EFFECTS
    summary: pd.DataFrame  # arm, region, metric, mean, ci_low, ci_high, n
    arms: dict[str, dict[str, str]]
    reps: int
    seed: int

    def table(self) -> str:
        """The summary as text: job-years by region and for the nation, mean and interval, per arm."""
        lines = [f"effects against the nation without packages ({self.reps} seeds, {CONFIDENCE:.0%} intervals)"]
        for arm, aimed in self.arms.items():
            lines.append(f"{arm}: " + ", ".join(f"{package} in {region}" for region, package in aimed.items()))
            mine = self.summary[(self.summary["arm"] == arm) & (self.summary["metric"] == "job_years")]
            for row in mine.itertuples(index=False):
                lines.append(
                    f"  {row.region:<22}{row.mean:>+14,.0f} job-years [{row.ci_low:+,.0f}, {row.ci_high:+,.0f}]"
                )
        return "\n".join(lines)


def _effects(package: pd.DataFrame, baseline: pd.DataFrame, scale: float) -> dict[str, float]:
    later = baseline["month"] >= 1
    employed = (package["employed"] - baseline["employed"]).to_numpy(dtype=float)
    if "residents_employed" in package and "residents_employed" in baseline:
        residents = float(package["residents_employed"].iloc[-1] - baseline["residents_employed"].iloc[-1]) / scale
    else:  # a region without a [mobility] section does not count residents apart
        residents = float("nan")
    return {
        "job_years": float(employed[later.to_numpy()].sum()) / 12.0 / scale,
        "jobs": float(employed[-1]) / scale,
        "residents_employed": residents,
    }


@dataclass(frozen=True)
class NationRun:
    """One nation run of a comparison: the nation, a seed, the packages by region (none: the baseline)."""

    nation: Nation
    seed: int
    packages: dict[str, Any]
    workers: int


def run_nation(task: NationRun) -> tuple[dict[str, pd.DataFrame], pd.DataFrame]:
    """Run one nation to its horizon; its regions' monthly tables and the national totals (a picklable task)."""
    model = NationModel(task.nation, rng=task.seed, packages=dict(task.packages), workers=task.workers)
    model.run()
    return model.tables(), model.totals()


def compare_nation(
    nation: Nation | str | Path,
    arms: Mapping[str, Mapping[str, Any]],
    *,
    reps: int = 5,
    seed: int = 1,
    scale: float | None = None,
    months: int | None = None,
    workers: int = 1,
    executor: Any = None,
) -> NationComparison:
    """Run each arm (a mapping region -> package) and the nation without packages over ``reps`` seeds.

    Every replicate runs the baseline nation once and each arm once on the same seed.
    ``executor`` runs the nation runs (as ``compare``'s: None in this process, an int N for N
    local processes, "local" or a Dask address for Dask); ``workers`` processes step each
    nation's regions at once. The results are the same to the bit whichever is used.
    """
    from sim.experiment.executors import make_executor

    overrides = {key: value for key, value in (("scale", scale), ("months", months)) if value is not None}
    nation = load_nation(nation, overrides)
    full_scale = nation.spec.nation.scale
    seeds = [replicate_seed(seed, replicate) for replicate in range(reps)]
    labels = [None, *arms]
    tasks = [
        NationRun(nation, run_seed, dict(arms[arm]) if arm is not None else {}, workers)
        for run_seed in seeds
        for arm in labels
    ]
    run_executor, own = make_executor(executor)
    outcomes: list[Any] = [None] * len(tasks)
    try:
        for completed in run_executor.imap_unordered(run_nation, tasks):
            if completed.error is not None:
                raise RuntimeError(f"a nation run failed: {completed.error}\n{completed.detail or ''}")
            outcomes[completed.index] = completed.value
    finally:
        if own:
            run_executor.close()
    rows = []
    for replicate, run_seed in enumerate(seeds):
        base_regions, base_totals = outcomes[replicate * len(labels)]
        for offset, arm in enumerate(labels[1:], start=1):
            by_region, totals = outcomes[replicate * len(labels) + offset]
            keys = {"arm": arm, "replicate": replicate, "seed": run_seed}
            for region in nation.region_names:
                rows.append({**keys, "region": region, **_effects(by_region[region], base_regions[region], full_scale)})
            rows.append({**keys, "region": "nation", **_effects(totals, base_totals, full_scale)})
    effects = pd.DataFrame(rows)
    summary = []
    for (arm, region), group in effects.groupby(["arm", "region"], sort=False):
        for metric in EFFECTS:
            mean, low, high, _ = t_interval(group[metric].to_numpy())
            summary.append(
                {
                    "arm": arm,
                    "region": region,
                    "metric": metric,
                    "mean": mean,
                    "ci_low": low,
                    "ci_high": high,
                    "n": len(group),
                }
            )
    return NationComparison(
        effects=effects,
        summary=pd.DataFrame(summary),
        arms={arm: {region: str(package) for region, package in packages.items()} for arm, packages in arms.items()},
        reps=reps,
        seed=seed,
    )
