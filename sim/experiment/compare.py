"""Compare policy packages (levers): which saves or creates the most jobs for the money, and how sure we are.

``compare`` runs the baseline (no package) and every package for the same seeds. Replicate
``r`` of every arm uses the same seed, derived from the base seed and ``r`` only (never
from the worker that runs it), and the model draws its randomness by purpose
(:mod:`sim.region.random_streams`), so each package's effect is measured seed by seed
against its own baseline twin (common random numbers). A package with zero budget has
exactly zero effect.

::

    from sim.experiment.compare import compare

    result = compare("gwangju", ["loans.toml", "retraining.toml"], reps=20, scale=0.1, executor=2)
    result.summary          # one row per package and metric: mean, 90% interval, n

With ``out`` every finished run is saved as it finishes (``runs/<arm>/rep-NNNN/``, see
:class:`~sim.experiment.store.ExperimentStore`), and ``resume=True`` runs only what is
missing; a folder of another comparison is refused. The statistics are in
:mod:`sim.experiment.stats`; figures in :mod:`sim.viz.compare_figures` (pass
``figures=sim.viz.compare_figures.save_figures`` to write them into ``out``).
"""

from __future__ import annotations

import json
import math
import sys
import time
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from sim.errors import InputError, ResultsFolderError
from sim.experiment import stats
from sim.experiment.design import (
    BASELINE,
    Experiment,
    Outcome,
    design_scenario,
    replicate_seed,
    run_experiment,
    set_outside_the_file,
)
from sim.experiment.executors import Progress, ProgressBar, RunExecutor, check_experiments_memory, perform_unsaved
from sim.experiment.stats import CONFIDENCE
from sim.experiment.store import MANIFEST, ExperimentStore, model_code_hash, utc_now
from sim.inputs.package import Package, load_package, shipped_packages, validate_package
from sim.inputs.scenario import Scenario, validate_scenario

if TYPE_CHECKING:
    from sim.experiment.bridge import PairedBridges

KIND = "comparison"


class RunFailedWarning(RuntimeWarning):
    """Some runs of a comparison failed; the others finished and were summarised."""


# ---------------------------------------------------------------------- the plan
@dataclass
class ComparisonPlan:
    """What a comparison runs: the scenario, the packages (as run), the seeds."""

    scenario: Scenario
    packages: list[Package]
    sources: list[str]
    reps: int
    seed: int
    equal_budget_krw: float | None = None
    overrides: dict[str, Any] = field(default_factory=dict)
    seeds: list[int] = field(init=False)

    def __post_init__(self) -> None:
        self.seeds = [replicate_seed(self.seed, replicate) for replicate in range(self.reps)]

    @property
    def arms(self) -> list[str]:
        return [BASELINE, *(package.name for package in self.packages)]

    def spec(self, arm: str) -> Package | None:
        return None if arm == BASELINE else self.packages[self.arms.index(arm) - 1]

    def experiments(self) -> list[Experiment]:
        """Every run, replicate by replicate (a seed's arms finish close together)."""
        return [
            Experiment(self.scenario, self.spec(arm), self.seeds[replicate], arm=arm, replicate=replicate, units=True)
            for replicate in range(self.reps)
            for arm in self.arms
        ]

    def identity(self) -> dict[str, Any]:
        """What makes two comparisons the same (and a folder resumable)."""
        settings = self.scenario.scenario
        return {
            "packages": [[package.name, package.content_hash()] for package in self.packages],
            "reps": self.reps,
            "seed": self.seed,
            "scale": settings.scale,
            "months": settings.months,
            "equal_budget_krw": self.equal_budget_krw,
            "scenario_name": settings.name,
            "scenario_hash": self.scenario.content_hash(),
            "model_code": model_code_hash(),
        }

    def contents(self) -> dict[str, Any]:
        """What the manifest records besides the identity: the scenario and packages in full, the seeds."""
        return {
            "scenario": self.scenario.to_dict(),
            "overrides": self.overrides,
            "packages": [
                {
                    "name": package.name,
                    "source": source,
                    "hash": package.content_hash(),
                    "total_budget_krw": package.total_budget_krw,
                    "package": package.to_dict(),
                }
                for package, source in zip(self.packages, self.sources, strict=True)
            ],
            "seeds": self.seeds,
        }


def build_plan(
    scenario: Scenario | str | Path | None = None,
    packages: Sequence[Package | str | Path] | Package | str | Path | None = None,
    *,
    reps: int = 20,
    seed: int = 1,
    scale: float | None = None,
    months: int | None = None,
    equal_budget: float | None = None,
    overrides: dict[str, Any] | None = None,
) -> ComparisonPlan:
    """Validate the inputs of a comparison and fix its runs (nothing is run)."""
    if isinstance(reps, bool) or not isinstance(reps, int | np.integer) or reps < 1:
        raise InputError(f"reps: got {reps!r}; allowed: a positive whole number of seeds")
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        raise InputError(f"seed: got {seed!r}; allowed: a non-negative whole number")
    if equal_budget is not None and (not math.isfinite(float(equal_budget)) or float(equal_budget) < 0):
        raise InputError(f"equal budget: got {equal_budget!r}; allowed: a non-negative amount of KRW")
    config = design_scenario(scenario, scale=scale, months=months, overrides=overrides)

    if packages is None or (isinstance(packages, Sequence) and not isinstance(packages, str) and not packages):
        packages = [name for name in shipped_packages() if load_package(name).written_for(config.scenario.name)]
        if not packages:
            raise InputError(
                f"no shipped package is written for scenario {config.scenario.name!r}: give package files "
                "(--package FILE)"
            )
    items = [packages] if isinstance(packages, str | Path | Package) else list(packages)
    loaded = [load_package(item) for item in items]
    sources = [
        str(item) if isinstance(item, str | Path) else f"<{package.name}>"
        for item, package in zip(items, loaded, strict=True)
    ]
    if equal_budget is not None:
        loaded = [package.with_total_budget(float(equal_budget)) for package in loaded]
    names = [package.name for package in loaded]
    for name in names:
        if name == BASELINE:
            raise InputError(f"package name {BASELINE!r} is reserved for the run without a package; rename the package")
        if names.count(name) > 1:
            raise InputError(
                f"packages {', '.join(sources)}: two packages are named {name!r}; names must differ within a comparison"
            )
    return ComparisonPlan(
        config,
        loaded,
        sources,
        int(reps),
        int(seed),
        None if equal_budget is None else float(equal_budget),
        dict(overrides or {}),
    )


# ---------------------------------------------------------------------- the result
@dataclass
class Comparison:
    """The result of a comparison.

    Attributes:
        summary: one row per package and metric: ``mean``, ``ci_low``, ``ci_high`` (90%),
            ``sd``, ``n`` (seeds), ``unit``, ``interval`` (which interval).
        runs: the monthly tables of every finished run, stacked, with ``package``,
            ``replicate`` and ``seed`` columns (intervention columns are NaN for other arms).
        ledgers: every policy payment of every run, with the same three columns.
        effects: per package and seed, every effect against the baseline twin, and spending.
        measures: per run, the numbers the effects are differences of.
        failures: runs that failed: package, replicate, seed, error, detail.
    """

    summary: pd.DataFrame
    runs: pd.DataFrame
    ledgers: pd.DataFrame
    effects: pd.DataFrame
    measures: pd.DataFrame
    failures: pd.DataFrame
    scenario: Scenario
    packages: dict[str, Package]
    seeds: list[int]
    reps: int
    seed: int
    equal_budget_krw: float | None = None
    folder: Path | None = None

    @property
    def arms(self) -> list[str]:
        return [BASELINE, *self.packages]

    @property
    def scale(self) -> float:
        return self.scenario.scenario.scale

    @property
    def months(self) -> int:
        return self.scenario.scenario.months

    @property
    def complete(self) -> bool:
        """True when every planned run finished."""
        return self.failures.empty

    @property
    def replicates_used(self) -> list[int]:
        """Replicates in the summary: those in which every arm finished."""
        return stats.complete_replicates(self.measures, self.arms)

    def metric(self, name: str) -> pd.DataFrame:
        """The summary rows of one metric, indexed by package."""
        return self.summary[self.summary["metric"] == name].set_index("package")

    def headline(self) -> pd.DataFrame:
        """Jobs, job-years, money and money per job of every package, 90% intervals, full-population units."""
        from sim.experiment.tables import headline

        return headline(self)

    def bridge(self) -> pd.DataFrame:
        """The gross-to-net bridge of every package, job-years, full population, 90% intervals (docs/compare.md)."""
        from sim.experiment.tables import bridge_table

        return bridge_table(self)

    def jobs_by_year(self) -> pd.DataFrame:
        """Jobs saved or created by calendar year (job-years of the year, jobs at its end), full population."""
        from sim.experiment.tables import jobs_by_year

        return jobs_by_year(self)

    def __repr__(self) -> str:
        settings = self.scenario.scenario
        used = len(self.replicates_used)
        lines = [
            f"Comparison of {len(self.packages)} package(s) on {settings.name!r}: {settings.months} months from "
            f"{settings.start}, scale {settings.scale:g}, {used} of {self.reps} seeds complete",
        ]
        if self.equal_budget_krw is not None:
            lines.append(f"  every package rescaled to {self.equal_budget_krw / 1e9:,.3f} bn KRW")
        jobs = self.metric("jobs") if not self.summary.empty else None
        cost = self.metric("cost_per_job_krw") if not self.summary.empty else None
        for name, package in self.packages.items():
            text = f"  {name}: {package.total_budget_krw / 1e9:,.2f} bn KRW"
            if jobs is not None and name in jobs.index:
                row = jobs.loc[name]
                text += (
                    f"; jobs at the horizon {row['mean'] / self.scale:+,.0f} "
                    f"[{row['ci_low'] / self.scale:+,.0f}, {row['ci_high'] / self.scale:+,.0f}]"
                )
            if cost is not None and name in cost.index:
                text += f"; expected cost per job {stats.format_cell(cost.loc[name])} m KRW"
            lines.append(text)
        lines.append(
            f"  (full population; {CONFIDENCE:.0%} intervals across seeds; .headline(), .jobs_by_year(), .summary)"
        )
        if self.folder is not None:
            lines.append(f"  folder: {self.folder}")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        from html import escape

        settings = self.scenario.scenario
        title = (
            f"Comparison on {settings.name}: {settings.months} months from {settings.start}, "
            f"scale {settings.scale:g}, {len(self.replicates_used)} of {self.reps} seeds"
        )
        table = self.headline()
        if table.empty:
            return f"<p><b>{escape(title)}</b>: no complete replicate</p>"
        cells = table.assign(
            value=[_cell(row.mean, row.ci_low, row.ci_high, row.unit) for row in table.itertuples(index=False)],
            what=table["label"] + ", " + table["unit"],
        ).pivot(index="package", columns="what", values="value")
        cells = cells.reindex(
            index=list(self.packages), columns=list(dict.fromkeys(table["label"] + ", " + table["unit"]))
        )
        note = f"full population; mean [{CONFIDENCE:.0%} interval]"
        return f"<p><b>{escape(title)}</b> ({escape(note)})</p>" + cells.to_html(escape=True)

    def header(self) -> str:
        settings = self.scenario.scenario
        used = len(self.replicates_used)
        budget = (
            f"; every package rescaled to {self.equal_budget_krw / 1e9:,.3f} bn KRW"
            if self.equal_budget_krw is not None
            else ""
        )
        lines = [
            f"{settings.name}: {settings.months} months from {settings.start}, scale {settings.scale:g}, "
            f"{used} of {self.reps} seeds complete (base seed {self.seed}){budget}",
            "effects: package run minus the baseline run of the same seed; "
            f"[{CONFIDENCE:.0%} t-interval across seeds; cost per job: Fieller; shares: Clopper-Pearson]",
        ]
        if settings.scale != 1.0:
            lines.append(
                f"jobs, job-years and money for the full population: the simulated sample's divided by the scale "
                f"{settings.scale:g} (summary.csv: mean for the sample, mean_full_population)"
            )
        lines.append(
            "resident jobs: employment less foreign visa holders placed by policy; years of the run end at "
            "months 12, 24, ... (the last at the horizon)"
        )
        return "\n".join(lines)

    def table(self) -> str:
        """The summary as text for the terminal: key metrics in full-population units, packages side by side."""
        from sim.experiment.tables import full_population_summary

        summary = full_population_summary(self.summary, self.scale) if not self.summary.empty else self.summary
        return self.header() + "\n\n" + stats.format_table(summary, list(self.packages))


# ---------------------------------------------------------------------- the comparison
def compare(
    scenario: Scenario | str | Path | None = None,
    packages: Sequence[Package | str | Path] | Package | str | Path | None = None,
    *,
    reps: int = 20,
    seed: int = 1,
    scale: float | None = None,
    months: int | None = None,
    executor: RunExecutor | int | str | Any | None = None,
    out: str | Path | None = None,
    resume: bool = False,
    equal_budget: float | None = None,
    progress: bool | Callable[[Progress], None] | None = None,
    overrides: dict[str, Any] | None = None,
    figures: Callable[[Comparison, Path], list[Path]] | None = None,
    runner: Callable[[Experiment], Outcome] = run_experiment,
    max_memory: int | None = None,
) -> Comparison:
    """Run the baseline and every package for the same ``reps`` seeds and summarise the effects.

    Args:
        scenario: a Scenario, a scenario file, a shipped name, or None for the default.
        packages: package files, shipped names or Package objects; None for every shipped package.
        reps: seeds (replicates); every arm runs every seed.
        seed: base seed; replicate r's seed is derived from it and r alone.
        scale: fraction of the population to simulate (default: the scenario's). Budgets
            are scaled with it.
        months: horizon in months (default: the scenario's).
        executor: None (this process), an int (that many local processes), ``"local"``
            (a Dask LocalCluster), a Dask scheduler address, or an executor object.
        out: results folder; every finished run is saved there as it finishes.
        resume: continue the comparison in ``out``, running only what is missing.
        equal_budget: rescale every package to this total budget (KRW, full population).
        progress: True for a progress bar on stderr, or a callable given a :class:`Progress`.
        overrides: scenario parameters to override by key path (as ``shocksim run --set``).
        figures: ``figures(result, folder)`` draws the figures into ``out/figures`` and returns
            their paths (e.g. :func:`sim.viz.compare_figures.save_figures`); None draws none.
        runner: the function that runs one experiment (picklable for process and Dask executors).
        max_memory: bytes the runs running at once may need (default 8 GiB); a larger
            estimate is refused before any run (InputError).

    Returns:
        A :class:`Comparison`. Runs that failed are in ``.failures`` (and a
        :class:`RunFailedWarning` names them); the summary uses the seeds in which every
        arm finished.

    Raises:
        InputError: bad arguments or files (ScenarioError), or an output folder that
            exists (without ``resume``) or holds another comparison (ResultsFolderError).
    """
    plan = build_plan(
        scenario,
        packages,
        reps=reps,
        seed=seed,
        scale=scale,
        months=months,
        equal_budget=equal_budget,
        overrides=overrides,
    )
    if resume and out is None:
        raise InputError("resume: needs the output folder of the comparison to resume (--out)")
    return run_plan(
        plan,
        executor=executor,
        out=out,
        resume=resume,
        progress=progress,
        figures=figures,
        runner=runner,
        max_memory=max_memory,
        source=str(scenario) if isinstance(scenario, str | Path) else None,
        set_by=set_outside_the_file(overrides, months),
    )


def resume_comparison(
    out: str | Path,
    *,
    executor: RunExecutor | int | str | Any | None = None,
    progress: bool | Callable[[Progress], None] | None = None,
    figures: Callable[[Comparison, Path], list[Path]] | None = None,
    runner: Callable[[Experiment], Outcome] = run_experiment,
    max_memory: int | None = None,
) -> Comparison:
    """Finish the comparison in ``out`` with the options recorded in its manifest (``--out DIR --resume`` alone).

    The scenario (``--set`` overrides, scale and horizon applied) and the packages (as run,
    an equal budget applied) are read back from the manifest, with the seeds and reps, so the
    finished comparison is the one that was started, bit for bit. Only the missing (or
    failed) runs are run.

    Raises:
        ResultsFolderError: ``out`` is not a comparison folder, or its manifest is missing
            (then the comparison's options must be given again to rebuild it), or the model
            code has changed since the folder was made.
    """
    folder = Path(out)
    plan = saved_plan(folder, resuming=True)
    return run_plan(
        plan,
        executor=executor,
        out=folder,
        resume=True,
        progress=progress,
        figures=figures,
        runner=runner,
        max_memory=max_memory,
        source=str(folder / MANIFEST),
    )


def run_plan(
    plan: ComparisonPlan,
    *,
    executor: RunExecutor | int | str | Any | None = None,
    out: str | Path | None = None,
    resume: bool = False,
    progress: bool | Callable[[Progress], None] | None = None,
    figures: Callable[[Comparison, Path], list[Path]] | None = None,
    runner: Callable[[Experiment], Outcome] = run_experiment,
    max_memory: int | None = None,
    source: str | None = None,
    set_by: Mapping[str, str] | None = None,
) -> Comparison:
    """Run (or finish, with ``resume``) the runs of a plan, save them in ``out``, and summarise them.

    A memory refusal names ``source``, or what ``set_by`` says set the key that drives it (``--set``, ``--months``).
    """
    started = utc_now()
    clock = time.perf_counter()
    experiments = plan.experiments()
    store: ExperimentStore | None = None
    check_experiments_memory(experiments, max_memory, 1, source, set_by)
    if out is not None:
        store = ExperimentStore.open(
            out,
            kind=KIND,
            arms=plan.arms,
            identity=plan.identity(),
            contents=plan.contents(),
            resume=resume,
            difference=identity_difference,
            advice=lambda reason: _refusal_advice(reason, out),
        )
    report = ProgressBar("comparing") if progress is True else (progress or None)
    bridges = paired_bridges(plan)
    try:
        done, outcomes, executor_info = perform_unsaved(
            experiments,
            store,
            executor,
            runner=runner,
            progress=report,
            max_memory=max_memory,
            source=source,
            set_by=set_by,
            then=lambda experiment, outcome: feed_bridges(bridges, outcome),
        )
    finally:
        if progress is True:
            report.close()
    failures = [outcome for outcome in outcomes if not outcome.ok]
    done.update({(outcome.arm, outcome.replicate): outcome for outcome in outcomes if outcome.ok})

    result = assemble(plan, done, failures, store.folder if store else None, bridges)
    if failures:
        warnings.warn(
            f"{len(failures)} of {len(experiments)} runs failed (the others finished): "
            + "; ".join(f"{f.describe()}: {f.error}" for f in failures[:5])
            + ("; ..." if len(failures) > 5 else ""),
            RunFailedWarning,
            stacklevel=2,
        )
    if store is not None:
        session = {
            "started_at": started.isoformat(),
            "finished_at": utc_now().isoformat(),
            "wall_seconds": round(time.perf_counter() - clock, 3),
            "executor": executor_info,
            "runs_loaded": len(experiments) - len(outcomes),
            "runs_finished": len(outcomes) - len(failures),
            "runs_failed": len(failures),
            "command": " ".join(sys.argv),
        }
        write_outputs(store, result, session, figures=figures)
    return result


def assemble(
    plan: ComparisonPlan,
    done: dict[tuple[str, int], Outcome],
    failures: list[Outcome],
    folder: Path | None = None,
    bridges: PairedBridges | None = None,
) -> Comparison:
    """Stack the finished runs in plan order and compute the statistics (order of finishing is irrelevant).

    ``bridges``: the bridges computed as the runs finished (:func:`feed_bridges`), if any.
    """
    keys = [(arm, replicate) for arm in plan.arms for replicate in range(plan.reps) if (arm, replicate) in done]
    tables, ledgers, measures = [], [], []
    for arm, replicate in keys:
        outcome = done[(arm, replicate)]
        labels = {"package": arm, "replicate": replicate, "seed": outcome.seed}
        tables.append(_labelled(outcome.timeseries, labels))
        ledgers.append(_labelled(outcome.ledger, labels))
        measures.append({**labels, **stats.run_measures(outcome.timeseries, plan.scenario)})
    runs = pd.concat(tables, ignore_index=True) if tables else pd.DataFrame(columns=stats.KEYS)
    ledger = pd.concat(ledgers, ignore_index=True) if ledgers else pd.DataFrame(columns=stats.KEYS)
    measure_frame = pd.DataFrame(measures, columns=None if measures else stats.KEYS)
    effects = stats.effects_frame(measure_frame, plan.arms, plan.scenario) if measures else pd.DataFrame()
    effects = _with_bridge(effects, plan, done, bridges)
    summary = stats.summarise(measure_frame, effects, plan.arms, plan.scenario) if measures else _empty_summary()
    failed = pd.DataFrame(
        [
            {"package": f.arm, "replicate": f.replicate, "seed": f.seed, "error": f.error, "detail": f.detail}
            for f in sorted(failures, key=lambda f: (plan.arms.index(f.arm), f.replicate))
        ],
        columns=["package", "replicate", "seed", "error", "detail"],
    )
    return Comparison(
        summary=summary,
        runs=runs,
        ledgers=ledger,
        effects=effects,
        measures=measure_frame,
        failures=failed,
        scenario=plan.scenario,
        packages={package.name: package for package in plan.packages},
        seeds=plan.seeds,
        reps=plan.reps,
        seed=plan.seed,
        equal_budget_krw=plan.equal_budget_krw,
        folder=folder,
    )


def paired_bridges(plan: ComparisonPlan) -> PairedBridges:
    """An empty collector of the plan's bridges, to feed runs as they finish (:func:`feed_bridges`)."""
    from sim.experiment.bridge import PairedBridges

    return PairedBridges({package.name: package for package in plan.packages}, plan.scenario, BASELINE)


def feed_bridges(bridges: PairedBridges, outcome: Outcome) -> None:
    """Give a finished run's unit record to the bridges and let go of it (its bridges no longer need it here)."""
    if outcome.ok and outcome.units is not None:
        bridges.add(outcome.arm, outcome.replicate, outcome.seed, outcome.units, outcome.timeseries)
        outcome.units = None


def _with_bridge(
    effects: pd.DataFrame,
    plan: ComparisonPlan,
    done: dict[tuple[str, int], Outcome],
    bridges: PairedBridges | None = None,
) -> pd.DataFrame:
    """The effects with each package run's gross-to-net bridge (sim/experiment/bridge.py) beside them.

    ``bridges`` holds those computed as runs finished; runs in ``done`` that still hold their
    unit records are fed to it here. Only for seeds where both twins kept their unit records
    (runs saved by older code did not).
    """
    if effects.empty:
        return effects
    bridges = bridges if bridges is not None else paired_bridges(plan)
    for outcome in done.values():
        feed_bridges(bridges, outcome)
    keys = set(zip(effects["package"], effects["replicate"], strict=True))
    rows = [row for key, row in bridges.rows.items() if key in keys]
    if not rows:
        return effects
    return effects.merge(pd.DataFrame(rows), on=["package", "replicate", "seed"], how="left")


def _cell(mean: float, low: float, high: float, unit: str) -> str:
    """``mean [low, high]`` for the HTML table: jobs as whole numbers, money with decimals."""
    digits = 0 if unit in ("jobs", "job-years") else 2

    def number(value: float) -> str:
        if math.isnan(value):
            return "n/a"
        if math.isinf(value):
            return "unbounded"
        return f"{value:,.{digits}f}"

    if math.isnan(low) and math.isnan(high):
        return number(mean)
    if math.isinf(low) or math.isinf(high):
        return f"{number(mean)} [unbounded]"
    return f"{number(mean)} [{number(low)}, {number(high)}]"


def _labelled(frame: pd.DataFrame, labels: dict[str, Any]) -> pd.DataFrame:
    frame = frame.copy()
    for position, (name, value) in enumerate(labels.items()):
        frame.insert(position, name, value)
    frame["replicate"] = frame["replicate"].astype(np.int64)
    frame["seed"] = frame["seed"].astype(np.int64)
    return frame


def _empty_summary() -> pd.DataFrame:
    return pd.DataFrame(columns=list(stats.SUMMARY_COLUMNS))


# ---------------------------------------------------------------------- the results folder
def write_outputs(
    store: ExperimentStore,
    result: Comparison,
    session: dict[str, Any],
    *,
    figures: Callable[[Comparison, Path], list[Path]] | None = None,
) -> None:
    """Write the summary, tables, ledgers, figures and the final manifest (each file atomically)."""
    from sim.experiment.tables import summary_file

    outputs: dict[str, Callable[[Path], Any]] = {
        "summary.csv": lambda path: summary_file(result.summary, result.scale).to_csv(path, index=False),
        "effects.csv": lambda path: result.effects.to_csv(path, index=False),
        "replications.parquet": lambda path: result.runs.to_parquet(path, index=False),
        "ledgers.parquet": lambda path: result.ledgers.to_parquet(path, index=False),
    }
    draw = None
    if figures is not None and not result.summary.empty:
        draw = lambda folder: figures(result, folder)  # noqa: E731
    store.finish(
        outputs,
        session=session,
        status="complete" if result.complete else "incomplete",
        figures=draw,
        extra={
            "runs": {
                "planned": result.reps * len(result.arms),
                "finished": len(result.measures),
                "failed": len(result.failures),
                "replicates_in_summary": result.replicates_used,
            },
            "failures": result.failures.drop(columns=["detail"]).to_dict(orient="records"),
            "statistics": {
                "effects": "package run minus the baseline run of the same seed (common random numbers)",
                "interval": f"{CONFIDENCE:.0%} two-sided Student t-interval across seeds (mean ± t·s/√n, ddof 1)",
                "money_per_job": f"ratio of mean money to mean jobs, {CONFIDENCE:.0%} Fieller interval",
                "shares": f"share of seeds with more job-years, {CONFIDENCE:.0%} Clopper-Pearson interval",
            },
        },
    )


def _refusal_advice(reason: str, out: str | Path) -> str:
    """What to do when a folder holds another comparison: finish it as it was started, or use another folder."""
    if "model code" in reason:
        return "a comparison is finished only by the code that started it; choose another --out"
    return f"`shocksim compare --out {out} --resume` alone finishes it with its own options; or choose another --out"


def identity_difference(saved: dict[str, Any], wanted: dict[str, Any]) -> str | None:
    """Why a saved comparison is not this one, in words; None when they are the same.

    Package names first, then the settings, then the contents of the packages as run (an
    equal budget changes those too, so it is named before them), the scenario and the code.
    """
    saved_packages = saved.get("packages", [])
    saved_names = [name for name, _ in saved_packages]
    wanted_names = [name for name, _ in wanted["packages"]]
    if saved_names != wanted_names:
        return f"packages {saved_names}, not {wanted_names}"
    for key, label in (
        ("reps", "reps"),
        ("seed", "base seed"),
        ("scale", "scale"),
        ("months", "months"),
        ("equal_budget_krw", "equal budget (KRW)"),
    ):
        if saved.get(key) != wanted[key]:
            return f"{label} {saved.get(key)}, not {wanted[key]}"
    changed = [
        name for (name, digest), (_, other) in zip(saved_packages, wanted["packages"], strict=True) if digest != other
    ]
    if changed:
        return f"package contents differ: {', '.join(changed)} changed since (hash of the package as run)"
    if saved.get("scenario_hash") != wanted["scenario_hash"]:
        return (
            f"scenario {saved.get('scenario_name')} with hash {str(saved.get('scenario_hash'))[:12]}, "
            f"not {wanted['scenario_name']} with hash {wanted['scenario_hash'][:12]}"
        )
    if saved.get("model_code") != wanted["model_code"]:
        return "made by other model code (sim/ has changed since)"
    return None


def load_comparison(folder: str | Path) -> Comparison:
    """Read a comparison folder back (for notebooks): its runs, recomputed statistics, no new runs."""
    folder = Path(folder)
    plan, manifest = _plan_and_manifest(folder)
    failures = [
        Outcome(f["package"], int(f["replicate"]), int(f["seed"]), error=f["error"])
        for f in manifest.get("failures", [])
    ]
    store = ExperimentStore(folder, KIND, plan.arms)
    return assemble(plan, store.load(plan.experiments()), failures, folder)


def saved_plan(folder: str | Path, *, resuming: bool = False) -> ComparisonPlan:
    """The plan of the comparison saved in ``folder``, read back from its manifest (nothing is run)."""
    return _plan_and_manifest(Path(folder), resuming=resuming)[0]


def _plan_and_manifest(folder: Path, *, resuming: bool = False) -> tuple[ComparisonPlan, dict[str, Any]]:
    manifest_path = folder / MANIFEST
    if resuming and not folder.exists():
        raise ResultsFolderError(
            f"{folder}: no such comparison folder to resume; to start a comparison there, give its options "
            "(SCENARIO, --package, --reps, ...) with --out"
        )
    if not manifest_path.is_file():
        if resuming and (folder / "runs").is_dir():
            raise ResultsFolderError(
                f"{folder}: {MANIFEST} is missing, so the comparison's options are unknown; give them again "
                "(SCENARIO, --package, --reps, --seed, --scale, --months, ...) with --out and --resume to rebuild it"
            )
        raise ResultsFolderError(f"{folder}: not a comparison folder (no {MANIFEST})")
    try:
        manifest = json.loads(manifest_path.read_text())
    except json.JSONDecodeError as error:
        raise ResultsFolderError(f"{manifest_path}: corrupt manifest ({error.msg} at line {error.lineno})") from None
    if manifest.get("kind") != KIND:
        raise ResultsFolderError(f"{folder}: holds a {manifest.get('kind', 'different')} result, not a comparison")
    identity = manifest["identity"]
    scenario = validate_scenario(manifest["scenario"], str(manifest_path))
    packages = [validate_package(entry["package"], str(manifest_path)) for entry in manifest["packages"]]
    plan = ComparisonPlan(
        scenario,
        packages,
        [entry["source"] for entry in manifest["packages"]],
        int(identity["reps"]),
        int(identity["seed"]),
        identity.get("equal_budget_krw"),
        manifest.get("overrides", {}),
    )
    return plan, manifest
