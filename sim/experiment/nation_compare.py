"""Packages on a nation against the same nation without them: effects by region and for the nation (issue 16).

For each replicate the nation runs twice on the same seed, without any package (the nation
file's own packages left out too) and with the arm's packages (each aimed at one region, or at
several; a region the arm does not name keeps the package its nation file gives it), so every
region's twin shares its randomness (common random numbers, as in ``compare``). Effects are package minus baseline,
in full-population units: job-years over the run (employment in the region's firms, by
workplace), jobs at the horizon, and residents employed at the horizon (by residence, which
migration moves). The nation's row is computed from the national totals, not by adding the
regions' rows, so that the two can be checked against each other; a region's gain can be set
against the other regions' losses.

Money is each region's own ledger, as in ``compare`` (sim/experiment/stats.py): what its
packages spent at face value and their expected cost, the unemployment benefits its residents
no longer draw and the taxes and contributions on their extra wages (the region's
``fiscal`` rates), and the net fiscal cost; the nation's money is the regions' sum (each won
is booked once, in the region whose desk paid it). Cost per net job-year is the ratio of
the means with Fieller's interval, by region and for the nation: a package that buys jobs in
one region by taking them from another costs more per job for the nation than for the region.

The gross-to-net bridge (sim/experiment/bridge.py), seed by seed: each region that has a
package in the arm splits its net job-years into the claims of its programmes, their
deadweight, substitution, displacement and induced jobs, as a single-region comparison does
(its own unit records against its twin's). The nation's bridge adds those regions' parts and
one more, ``other_regions``: the net job-years of the regions without a package, which only
the links between regions move (investment that moved, orders across borders, migrants and
commuters). Its identity holds seed by seed::

    gross - deadweight + bridge_residual + substitution + displacement + induced + other_regions == job_years
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.experiment.design import replicate_seed
from sim.experiment.stats import CONFIDENCE, fieller_interval, run_measures, t_interval
from sim.inputs.nation import Nation, load_nation
from sim.inputs.scenario import Scenario
from sim.nation import NationModel

#: The effects of a nation comparison, per arm, replicate and region (``nation`` for the whole).
EFFECTS = ("job_years", "jobs", "residents_employed")

#: The money of a nation comparison (KRW, full population), per arm, replicate and region.
MONEY = ("spend_krw", "cost_krw", "benefits_saved_krw", "taxes_gained_krw", "net_fiscal_cost_krw")

#: The nation's gross-to-net bridge, in the order of its identity (job-years, full population).
BRIDGE = ("gross", "deadweight", "bridge_residual", "substitution", "displacement", "induced", "other_regions")

#: Money per net job-year: (ratio, numerator), the denominator being ``job_years``.
RATIOS = (("cost_per_job_year_krw", "cost_krw"), ("net_fiscal_cost_per_job_year_krw", "net_fiscal_cost_krw"))


@dataclass
class NationComparison:
    """Effects of each arm by region and for the nation, seed by seed, and their means with intervals."""

    effects: pd.DataFrame  # arm, replicate, seed, region, EFFECTS, MONEY and BRIDGE
    summary: pd.DataFrame  # arm, region, metric (EFFECTS, MONEY, BRIDGE, RATIOS), mean, ci_low, ci_high, n
    arms: dict[str, dict[str, str]]
    reps: int
    seed: int

    def metric(self, arm: str, region: str, metric: str) -> float:
        """The mean of one metric for one arm and region (``nation`` for the whole)."""
        rows = self.summary
        chosen = rows[(rows["arm"] == arm) & (rows["region"] == region) & (rows["metric"] == metric)]
        return float(chosen["mean"].iloc[0])

    def table(self) -> str:
        """The summary as text: by region and for the nation, job-years, spending and cost per job-year."""
        lines = [f"effects against the nation without packages ({self.reps} seeds, {CONFIDENCE:.0%} intervals)"]
        for arm, aimed in self.arms.items():
            lines.append(f"{arm}: " + ", ".join(f"{package} in {region}" for region, package in aimed.items()))
            mine = self.summary[self.summary["arm"] == arm].set_index(["region", "metric"])
            for region in dict.fromkeys(mine.index.get_level_values("region")):
                years = mine.loc[(region, "job_years")]
                line = f"  {region:<22}{years['mean']:>+14,.0f} job-years [{years['ci_low']:+,.0f}, "
                line += f"{years['ci_high']:+,.0f}]"
                spent = mine.loc[(region, "spend_krw"), "mean"]
                if spent > 0:
                    ratio = mine.loc[(region, "cost_per_job_year_krw")]
                    line += f"  spent {spent / 1e9:,.1f} bn KRW, cost per job-year {_million(ratio['mean'])}"
                    line += f" [{_million(ratio['ci_low'])}, {_million(ratio['ci_high'])}]"
                lines.append(line)
            if ("nation", "gross") in mine.index:
                part = {metric: mine.loc[("nation", metric), "mean"] for metric in (*BRIDGE, "job_years")}
                part["deadweight"] = -part["deadweight"]
                terms = ", ".join(
                    f"{name.replace('bridge_', '').replace('_', ' ')} {part[name]:+,.0f}" for name in BRIDGE
                )
                lines.append(f"  bridge (nation, job-years): {terms} = net {part['job_years']:+,.0f}")
        return "\n".join(lines)


def _million(krw: float) -> str:
    """KRW as millions for the terminal: 'n/a' without net jobs, 'unbounded' for an open Fieller interval end."""
    if np.isnan(krw):
        return "n/a"
    return "unbounded" if np.isinf(krw) else f"{krw / 1e6:,.1f} m"


def _money(package: pd.DataFrame, baseline: pd.DataFrame, config: Scenario, scale: float) -> dict[str, float]:
    """A region's spending and fiscal offsets against its twin, full-population KRW (as ``compare``'s)."""
    mine, theirs = run_measures(package, config), run_measures(baseline, config)
    benefits_saved = theirs["benefits_krw"] - mine["benefits_krw"]
    rate = config.fiscal.tax_and_contributions_per_krw_wage
    taxes_gained = rate * (mine["wage_income_krw"] - theirs["wage_income_krw"])
    money = {
        "spend_krw": mine["spend_krw"],
        "cost_krw": mine["cost_krw"],
        "benefits_saved_krw": benefits_saved,
        "taxes_gained_krw": taxes_gained,
        "net_fiscal_cost_krw": mine["cost_krw"] - benefits_saved - taxes_gained,
    }
    return {name: value / scale for name, value in money.items()}


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
    units: bool = True


def run_nation(
    task: NationRun,
) -> tuple[dict[str, pd.DataFrame], pd.DataFrame, dict[str, dict[str, np.ndarray]] | None]:
    """One nation run to its horizon (a picklable task).

    Returns its regions' monthly tables, the national totals and, if the task asks, its regions' unit records.
    """
    model = NationModel(
        task.nation, rng=task.seed, packages=dict(task.packages), workers=task.workers, unit_records=task.units
    )
    model.run()
    return model.tables(), model.totals(), model.units() if task.units else None


def _bridges(
    nation: Nation,
    packages: Mapping[str, Any],
    tables: Mapping[str, pd.DataFrame],
    units: Mapping[str, Mapping[str, np.ndarray]],
    base_units: Mapping[str, Mapping[str, np.ndarray]],
    scale: float,
) -> dict[str, dict[str, float]]:
    """The bridge of every region with a package (full-population job-years) and the nation's (:data:`BRIDGE`).

    ``packages``: each region's loaded package, None for none. A region without a package has no
    bridge of its own (nothing to claim): its net job-years are the nation's ``other_regions``.
    """
    from sim.experiment.bridge import bridge

    rows: dict[str, dict[str, float]] = {}
    whole = dict.fromkeys(BRIDGE, 0.0)
    for region in nation.region_names:
        package = packages.get(region)
        if package is None:
            net = float(units[region]["pair_months"].sum() - base_units[region]["pair_months"].sum()) / 12.0
            whole["other_regions"] += net / scale
            continue
        parts = bridge(units[region], base_units[region], package, tables[region], nation.scenarios[region])
        rows[region] = {name: parts.get(name, 0.0) / scale for name in BRIDGE}
        for name in BRIDGE:
            whole[name] += rows[region][name]
    rows["nation"] = whole
    return rows


def _load_arms(nation: Nation, arms: Mapping[str, Mapping[str, Any]]) -> dict[str, dict[str, Any]]:
    """Each arm's package by region, loaded once (a region the arm does not name keeps the file's; None: none).

    Every package is checked against its region's scenario here, before any run, so a package that
    does not exist or names a sector its region lacks is a one-line input error naming the region (a
    run in a worker process would report a failure, not the input error it was).
    """
    from sim.errors import InputError
    from sim.inputs.interventions import check_package_names
    from sim.inputs.package import load_package

    loaded: dict[str, dict[str, Any]] = {}
    for arm, packages in arms.items():
        unknown = sorted(set(packages) - set(nation.region_names))
        if unknown:
            raise InputError(f"packages: got region {unknown[0]!r}; allowed: one of the regions {nation.region_names}")
        loaded[arm] = {}
        for region in nation.region_names:
            chosen = packages.get(region, nation.package_of(region))
            if chosen is None:
                loaded[arm][region] = None
                continue
            try:
                package = load_package(chosen)
                source = str(chosen) if isinstance(chosen, str | Path) else package.name
                check_package_names(package.interventions, nation.scenarios[region], source)
            except InputError as error:
                raise InputError(f"package for region {region!r}: {error}") from None
            loaded[arm][region] = package
    return loaded


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
    bridge: bool = True,
) -> NationComparison:
    """Run each arm (a mapping region -> package) and the nation without packages over ``reps`` seeds.

    A region an arm does not name keeps its nation file's package in that arm; the baseline
    has no package anywhere. ``bridge``: keep every region's unit records and split the net
    job-years into the bridge's parts (:data:`BRIDGE`; the records of a nation run are returned
    with it, a few arrays of each region's workforce's length).

    Every replicate runs the baseline nation once and each arm once on the same seed.
    ``executor`` runs the nation runs (as ``compare``'s: None in this process, an int N for N
    local processes, "local" or a Dask address for Dask); ``workers`` processes step each
    nation's regions at once. The results are the same to the bit whichever is used.
    """
    from sim.experiment.executors import make_executor

    overrides = {key: value for key, value in (("scale", scale), ("months", months)) if value is not None}
    nation = load_nation(nation, overrides)
    full_scale = nation.spec.nation.scale
    aimed = _load_arms(nation, arms)
    seeds = [replicate_seed(seed, replicate) for replicate in range(reps)]
    labels = [None, *arms]
    without = dict.fromkeys(nation.region_names)  # no package anywhere, the file's included
    tasks = [
        NationRun(nation, run_seed, dict(arms[arm]) if arm is not None else without, workers, bridge)
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
        base_regions, base_totals, base_units = outcomes[replicate * len(labels)]
        for offset, arm in enumerate(labels[1:], start=1):
            by_region, totals, units = outcomes[replicate * len(labels) + offset]
            keys = {"arm": arm, "replicate": replicate, "seed": run_seed}
            bridges = _bridges(nation, aimed[arm], by_region, units, base_units, full_scale) if bridge else {}
            nation_money = dict.fromkeys(MONEY, 0.0)
            for region in nation.region_names:
                package, twin = by_region[region], base_regions[region]
                money = _money(package, twin, nation.scenarios[region], full_scale)
                for name in MONEY:
                    nation_money[name] += money[name]
                parts = bridges.get(region, {})
                rows.append({**keys, "region": region, **_effects(package, twin, full_scale), **money, **parts})
            parts = bridges.get("nation", {})
            rows.append(
                {**keys, "region": "nation", **_effects(totals, base_totals, full_scale), **nation_money, **parts}
            )
    effects = pd.DataFrame(rows)
    summary = []
    for (arm, region), group in effects.groupby(["arm", "region"], sort=False):
        keys = {"arm": arm, "region": region}
        for metric in (*EFFECTS, *MONEY, *BRIDGE):
            if metric not in group or group[metric].isna().all():
                continue  # no bridge kept, or a region without a package of its own
            mean, low, high, _ = t_interval(group[metric].to_numpy())
            summary.append({**keys, "metric": metric, "mean": mean, "ci_low": low, "ci_high": high, "n": len(group)})
        for ratio, money in RATIOS:
            mean, low, high = fieller_interval(group[money].to_numpy(), group["job_years"].to_numpy())
            summary.append({**keys, "metric": ratio, "mean": mean, "ci_low": low, "ci_high": high, "n": len(group)})
    return NationComparison(
        effects=effects,
        summary=pd.DataFrame(summary),
        arms={arm: {region: str(package) for region, package in packages.items()} for arm, packages in arms.items()},
        reps=reps,
        seed=seed,
    )
