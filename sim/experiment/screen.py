"""Morris screening: which uncertainties move a package's jobs saved (``shocksim sensitivity``).

``screen`` samples the uncertain scenario parameters with Morris trajectories (SALib),
runs the baseline and the package at every sample point with the same seed (common random
numbers, so a point's effect is the package's and not the noise of another draw), and
analyses two outcomes: jobs saved at the horizon (package employed minus baseline employed
in the last month) and job-years (the monthly employed difference summed over the months,
divided by 12). Morris (1991); ``mu_star`` as in Campolongo, Cariboni and Saltelli (2007).

The runs are experiments of the shared design (:mod:`sim.experiment.design`) and run on
any executor; with ``out`` each run is saved as it finishes
(:class:`~sim.experiment.store.ExperimentStore`) and ``resume=True`` runs only what is
missing. The figure is in :mod:`sim.viz.screen_figures`.

::

    from sim.experiment.screen import screen

    result = screen("gwangju", "single_loans", trajectories=10, scale=0.05, executor=4, out="results/loans")
    print(result.to_text())

See docs/sensitivity.md.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.errors import InputError
from sim.experiment.design import (
    BASELINE,
    Experiment,
    Outcome,
    Parameter,
    check_parameters,
    design_scenario,
    parameter_values,
    read_parameters,
    run_experiment,
    set_outside_the_file,
)
from sim.experiment.executors import (
    Progress,
    RunExecutor,
    check_experiments_memory,
    perform_unsaved,
    raise_failures,
)
from sim.experiment.store import ExperimentStore, model_code_hash, utc_now
from sim.inputs.package import Package, load_package
from sim.inputs.scenario import Scenario
from sim.inputs.toml_reader import read_toml

KIND = "screening"
CONFIDENCE = 0.95
NUM_RESAMPLES = 1000
OUTPUTS = ("jobs_saved", "job_years")
OUTPUT_LABELS = {"jobs_saved": "jobs saved at the horizon", "job_years": "job-years"}
PACKAGE = "package"
_SOURCE = "<parameters>"


#: The default uncertain parameters with their ranges (the default scenario's value inside each).
DEFAULT_PARAMETERS: tuple[Parameter, ...] = (
    Parameter(
        "labour_market.job_finding_rate_per_month",
        0.09,
        0.16,
        reason="assumption: mean searches of 6-11 months around the KLI panel's 7.7-8 months (calibrated 1/8)",
    ),
    Parameter(
        "labour_market.quit_rate_per_month",
        0.0006,
        0.0015,
        reason="assumption: 0.55-1.4 times the 0.11% derived from steady-state flows, which shift with the other rates",
    ),
    Parameter(
        "labour_market.search_distance_weight",
        1.5,
        4.5,
        reason="assumption (3.0): a market one full distance away 1-22% as reachable as one's own",
    ),
    Parameter(
        "labour_market.wage_loss_per_distance",
        0.15,
        0.45,
        reason="assumption: half to 1.5 times the 30% immediate loss of von Wachter, Song and Manchester (2009)",
    ),
    Parameter(
        "firms.hoarding_margin",
        0.0,
        0.10,
        reason="assumption (0.05): from no labour hoarding to keeping a tenth more workers than orders need",
    ),
    Parameter(
        "firms.max_firing_rate_per_month",
        0.02,
        0.10,
        reason="assumption (0.05): notice and consultation let a firm cut 2-10% of its staff a month",
    ),
    Parameter(
        "firms.expectation_weight",
        0.15,
        0.5,
        reason="assumption (0.30): expectations lag orders by about 1-6 months (mean lag (1 - w) / w)",
    ),
    Parameter(
        "households.local_share_of_spending",
        0.45,
        0.68,
        reason="BOK: Gwangju card data put 55% of spending outside the city (0.45 local); the regional "
        "input-output tables' self-sufficiency runs up to 67.9% (Jeju), average 61.5%",
    ),
    Parameter(
        "firms.risk_spread_at_debt_limit_annual",
        0.005,
        0.03,
        reason="proxy (0.025): KODIT's guarantee fees by credit rating, 0.5-3.0% a year, from the best rating's "
        "price of default risk to the worst's",
    ),
    Parameter(
        "firms.risk_spread_per_loss_month_annual",
        0.0,
        0.005,
        reason="assumption (0.0025): from banks that do not price a loss record to twice the assumed quarter "
        "point a month (3 points after six loss months)",
    ),
)


@dataclass
class ScreeningResult:
    """The result of a Morris screening.

    Attributes:
        table: one row per output and parameter: ``mu``, ``mu_star``, ``mu_star_conf``
            (half-width of the 95% bootstrap interval), ``sigma`` and ``rank`` (1: largest
            ``mu_star``), in jobs (or job-years) per full range of the parameter.
        samples: one row per sample point: the parameter values, ``trajectory``, and both
            outputs (package minus baseline).
        runs: one row per model run: point, arm, seed, employed at the horizon, seconds.
        folder: the results folder, when the screening was saved.
    """

    table: pd.DataFrame
    samples: pd.DataFrame
    runs: pd.DataFrame
    parameters: list[Parameter]
    scenario: Scenario
    package: Package
    trajectories: int
    levels: int
    seed: int
    executor: dict[str, Any] = field(default_factory=dict)
    started: str = ""
    finished: str = ""
    folder: Path | None = None

    def output(self, name: str) -> pd.DataFrame:
        """The rows of one output (``jobs_saved`` or ``job_years``), indexed by parameter."""
        return self.table[self.table["output"] == name].set_index("parameter")

    def header(self) -> str:
        settings = self.scenario.scenario
        lines = [
            f"{settings.name} with package {self.package.name}: {settings.months} months from {settings.start}, "
            f"scale {settings.scale:g}, seed {self.seed}",
            f"Morris screening: {len(self.parameters)} parameters, {self.trajectories} trajectories, "
            f"{self.levels} levels, {len(self.runs)} runs (package and baseline at every point, same seed)",
            "mu*: mean |elementary effect| per full range of the parameter; "
            f"+/-: {CONFIDENCE:.0%} bootstrap half-width; sigma: spread of the effects (interactions, nonlinearity)",
        ]
        if settings.scale != 1.0:
            lines.append("jobs are for the simulated sample (scale below 1)")
        return "\n".join(lines)

    def to_text(self) -> str:
        """The table for the terminal: parameters ranked by mu* for each output."""
        blocks = [self.header()]
        width = max(len(parameter.key) for parameter in self.parameters)
        for name in OUTPUTS:
            rows = self.output(name).sort_values("rank")
            lines = [
                f"{OUTPUT_LABELS[name]} (mean over points {self.samples[name].mean():,.2f})",
                f"  {'rank':>4}  {'parameter':<{width}}  {'mu*':>10}  {'+/-':>9}  {'mu':>10}  {'sigma':>10}",
            ]
            lines += [
                f"  {int(row['rank']):>4}  {key:<{width}}  {row['mu_star']:>10,.2f}  {row['mu_star_conf']:>9,.2f}  "
                f"{row['mu']:>10,.2f}  {row['sigma']:>10,.2f}"
                for key, row in rows.iterrows()
            ]
            blocks.append("\n".join(lines))
        return "\n\n".join(blocks)


# ---------------------------------------------------------------------- parameters
def load_parameters(path: str | Path) -> list[Parameter]:
    """Read ``[[parameters]]`` tables (``key``, ``low``, ``high``, optional ``reason``) from a TOML file."""
    path = Path(path)
    raw = read_toml(path, "parameters", [])
    return read_parameters(raw.get("parameters"), str(path))


def _problem(parameters: Sequence[Parameter]) -> dict[str, Any]:
    return {
        "num_vars": len(parameters),
        "names": [parameter.key for parameter in parameters],
        "bounds": [[parameter.low, parameter.high] for parameter in parameters],
    }


# ---------------------------------------------------------------------- the screening
def screen(
    scenario: Scenario | str | Path | None,
    package: Package | str | Path,
    parameters: Sequence[Parameter] | str | Path | None = None,
    trajectories: int = 10,
    levels: int = 4,
    seed: int = 1,
    scale: float | None = 0.05,
    months: int | None = None,
    executor: RunExecutor | int | str | Any | None = None,
    progress: Callable[[Progress], None] | None = None,
    *,
    out: str | Path | None = None,
    resume: bool = False,
    overrides: dict[str, Any] | None = None,
    figures: Callable[[ScreeningResult, Path], list[Path]] | None = None,
    runner: Callable[[Experiment], Outcome] = run_experiment,
    max_memory: int | None = None,
) -> ScreeningResult:
    """Morris screening of a package's jobs saved and job-years over uncertain parameters.

    Args:
        scenario: scenario file, shipped name or Scenario (None: the default scenario).
        package: the package (file, shipped name or Package).
        parameters: the uncertain parameters, or a TOML file of ``[[parameters]]``
            (default: :data:`DEFAULT_PARAMETERS`).
        trajectories: Morris trajectories; runs = (parameters + 1) x trajectories x 2.
        levels: grid levels of the Morris design (an even number, 4 or more, is usual).
        seed: seeds both the Morris sample and the bootstrap, and is every run's model seed.
        scale: fraction of the population to simulate (None: the scenario's).
        months: months to simulate (None: the scenario's).
        executor: where runs execute (see :func:`sim.experiment.executors.make_executor`).
        progress: called with a :class:`~sim.experiment.executors.Progress` before the first run and after each.
        out: results folder; every run is saved there as it finishes, the tables at the end.
        resume: finish the screening in ``out``, running only the runs not saved there.
        overrides: scenario parameters to override by key path (as ``shocksim run --set``).
        figures: ``figures(result, folder)`` draws the figure into ``out/figures`` and returns
            the paths (e.g. :func:`sim.viz.screen_figures.save_figures`); None draws none.
        runner: the function that runs one experiment (picklable for process and Dask executors).
        max_memory: bytes the runs running at once may need (default 8 GiB); a larger
            estimate is refused before any run and before ``out`` is created (InputError).

    Returns:
        The table, the sample points with their outputs, and the runs.

    Raises:
        InputError: bad arguments; ScenarioError for a bad parameter, scenario or package;
            ResultsFolderError for an existing ``out`` (without ``resume``) or one of another screening.
        RunsFailed: a run failed (the others are saved in ``out``, for ``resume``).
    """
    from SALib.analyze import morris as morris_analyze
    from SALib.sample import morris as morris_sample

    for name, value, least in (("trajectories", trajectories, 2), ("levels", levels, 2)):
        if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < least:
            raise InputError(f"{name}: got {value!r}; allowed: a whole number of at least {least}")
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        raise InputError(f"seed: got {seed!r}; allowed: a non-negative whole number")
    if resume and out is None:
        raise InputError("resume: needs the output folder of the screening to resume (--out)")
    config = design_scenario(scenario, scale=scale, months=months, overrides=overrides)
    spec = load_package(package) if not isinstance(package, Package) else package
    source = _SOURCE
    if parameters is None:
        chosen = list(DEFAULT_PARAMETERS)
    elif isinstance(parameters, str | Path):
        chosen, source = load_parameters(parameters), str(parameters)
    else:
        chosen = list(parameters)
    integers = check_parameters(config, chosen, source)

    problem = _problem(chosen)
    design = morris_sample.sample(problem, int(trajectories), num_levels=int(levels), seed=int(seed))
    points = [parameter_values(chosen, integers, row) for row in design]
    experiments = [
        Experiment(config, spec if arm == PACKAGE else None, int(seed), point, arm=arm, replicate=index)
        for index, point in enumerate(points)
        for arm in (BASELINE, PACKAGE)
    ]

    scenario_source = str(scenario) if isinstance(scenario, str | Path) else None
    # A parameter's range can drive the estimate (the labour force, say): then its file is named.
    set_by = {**dict.fromkeys((p.key for p in chosen), source), **set_outside_the_file(overrides, months)}
    check_experiments_memory(experiments, max_memory, 1, scenario_source, set_by)

    started = utc_now()
    clock = time.perf_counter()
    store: ExperimentStore | None = None
    if out is not None:
        settings = config.scenario
        store = ExperimentStore.open(
            out,
            kind=KIND,
            arms=[BASELINE, PACKAGE],
            identity={
                "package": [spec.name, spec.content_hash()],
                "parameters": [[p.key, p.low, p.high] for p in chosen],
                "trajectories": int(trajectories),
                "levels": int(levels),
                "seed": int(seed),
                "scale": settings.scale,
                "months": settings.months,
                "scenario_name": settings.name,
                "scenario_hash": config.content_hash(),
                "model_code": model_code_hash(),
            },
            contents={
                "method": "morris",
                "scenario": config.to_dict(),
                "overrides": dict(overrides or {}),
                "package": spec.to_dict(),
                "parameters": [vars(parameter) for parameter in chosen],
            },
            resume=resume,
        )
    done, outcomes, where = perform_unsaved(
        experiments,
        store,
        executor,
        runner=runner,
        progress=progress,
        max_memory=max_memory,
        source=scenario_source,
        set_by=set_by,
    )
    raise_failures(outcomes, "screening")
    done.update({(outcome.arm, outcome.replicate): outcome for outcome in outcomes})
    employed = {key: outcome.timeseries["employed"].to_numpy(dtype=float) for key, outcome in done.items()}

    runs = pd.DataFrame(
        [
            {
                "point": e.replicate,
                "arm": e.arm,
                "seed": e.seed,
                "employed_end": employed[(e.arm, e.replicate)][-1],
                "run_seconds": done[(e.arm, e.replicate)].seconds,
            }
            for e in experiments
        ]
    )
    difference = np.array([employed[(PACKAGE, index)] - employed[(BASELINE, index)] for index in range(len(points))])
    outputs = {"jobs_saved": difference[:, -1], "job_years": difference[:, 1:].sum(axis=1) / 12.0}
    samples = pd.DataFrame(points)
    samples.insert(0, "trajectory", np.arange(len(points)) // (len(chosen) + 1))
    samples.insert(0, "point", np.arange(len(points)))
    for name, values in outputs.items():
        samples[name] = values

    rows = []
    for name, values in outputs.items():
        analysis = morris_analyze.analyze(
            problem,
            design,
            values,
            num_resamples=NUM_RESAMPLES,
            conf_level=CONFIDENCE,
            num_levels=int(levels),
            seed=int(seed),
        )
        frame = pd.DataFrame(
            {
                "output": name,
                "parameter": problem["names"],
                "mu": np.asarray(analysis["mu"], dtype=float),
                "mu_star": np.asarray(analysis["mu_star"], dtype=float),
                "mu_star_conf": np.asarray(analysis["mu_star_conf"], dtype=float),
                "sigma": np.asarray(analysis["sigma"], dtype=float),
            }
        )
        frame["rank"] = frame["mu_star"].rank(ascending=False, method="min").astype(int)
        rows.append(frame)
    table = pd.concat(rows, ignore_index=True)
    table["low"] = [parameter.low for _ in OUTPUTS for parameter in chosen]
    table["high"] = [parameter.high for _ in OUTPUTS for parameter in chosen]
    result = ScreeningResult(
        table=table,
        samples=samples,
        runs=runs,
        parameters=chosen,
        scenario=config,
        package=spec,
        trajectories=int(trajectories),
        levels=int(levels),
        seed=int(seed),
        executor=where,
        started=started.isoformat(),
        finished=utc_now().isoformat(),
        folder=store.folder if store else None,
    )
    if store is not None:
        _write_outputs(store, result, len(outcomes), len(done) - len(outcomes), time.perf_counter() - clock, figures)
    return result


def _write_outputs(
    store: ExperimentStore,
    result: ScreeningResult,
    finished: int,
    loaded: int,
    seconds: float,
    figures: Callable[[ScreeningResult, Path], list[Path]] | None,
) -> None:
    """Write the tables, the figure and the completed manifest of a screening."""
    import importlib.metadata

    store.finish(
        {
            "sensitivity.csv": lambda path: result.table.to_csv(path, index=False),
            "samples.csv": lambda path: result.samples.to_csv(path, index=False),
        },
        session={
            "started_at": result.started,
            "finished_at": result.finished,
            "wall_seconds": round(seconds, 3),
            "executor": result.executor,
            "runs_loaded": loaded,
            "runs_finished": finished,
            "command": " ".join(sys.argv),
        },
        status="complete",
        figures=None if figures is None else (lambda folder: figures(result, folder)),
        extra={
            "runs": len(result.runs),
            "confidence": CONFIDENCE,
            "bootstrap_resamples": NUM_RESAMPLES,
            "SALib": importlib.metadata.version("SALib"),
        },
    )
