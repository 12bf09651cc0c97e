"""Morris screening: which uncertain parameters move a package's jobs saved.

``sensitivity`` samples the uncertain scenario parameters with Morris trajectories
(SALib), runs the baseline and the package at every sample point with the same seed
(common random numbers, so a point's effect is the package's and not the noise of
another draw), and analyses two outputs: jobs saved at the horizon (package employed
minus baseline employed in the last month) and job-years (the monthly employed
difference summed over the months, divided by 12). Morris (1991); ``mu_star`` as in
Campolongo, Cariboni and Saltelli (2007).

::

    from sim.experiment.sensitivity import sensitivity, write_sensitivity

    result = sensitivity("gwangju", "single_loans", trajectories=10, scale=0.05, executor=4)
    print(result.to_text())
    write_sensitivity("results/sensitivity-loans", result)

See docs/sensitivity.md.
"""

from __future__ import annotations

import json
import math
import time
import tomllib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from sim.errors import InputError, ScenarioError
from sim.experiment.executors import RunExecutor, make_executor
from sim.experiment.results_io import environment, new_folder, sha256_of, utc_now
from sim.inputs.package import Package, load_package
from sim.inputs.scenario import Scenario, load_scenario
from sim.model import RegionModel

if TYPE_CHECKING:
    from matplotlib.figure import Figure

CONFIDENCE = 0.95
NUM_RESAMPLES = 1000
OUTPUTS = ("jobs_saved", "job_years")
OUTPUT_LABELS = {"jobs_saved": "jobs saved at the horizon", "job_years": "job-years"}
FILES = ("sensitivity.csv", "samples.csv", "sensitivity.png", "manifest.json")
BASELINE = "baseline"
PACKAGE = "package"
_SOURCE = "<parameters>"


@dataclass(frozen=True)
class Parameter:
    """An uncertain scenario parameter: its key path, bounds and why they are what they are."""

    key: str
    low: float
    high: float
    reason: str = ""


#: The default uncertain parameters with their ranges (the default scenario's value inside each).
DEFAULT_PARAMETERS: tuple[Parameter, ...] = (
    Parameter(
        "labour_market.job_finding_rate_per_month",
        0.09,
        0.16,
        "assumption: mean searches of 6-11 months around the KLI panel's 7.7-8 months (calibrated 1/8)",
    ),
    Parameter(
        "labour_market.quit_rate_per_month",
        0.0015,
        0.004,
        "assumption: 0.6-1.6 times the 0.25% derived from steady-state flows, which shift with the other rates",
    ),
    Parameter(
        "labour_market.search_distance_weight",
        1.5,
        4.5,
        "assumption (3.0): a market one full distance away 1-22% as reachable as one's own",
    ),
    Parameter(
        "labour_market.wage_loss_per_distance",
        0.15,
        0.45,
        "assumption: half to 1.5 times the 30% immediate loss of von Wachter, Song and Manchester (2009)",
    ),
    Parameter(
        "firms.hoarding_margin",
        0.0,
        0.10,
        "assumption (0.05): from no labour hoarding to keeping a tenth more workers than orders need",
    ),
    Parameter(
        "firms.max_firing_rate_per_month",
        0.02,
        0.10,
        "assumption (0.05): notice and consultation let a firm cut 2-10% of its staff a month",
    ),
    Parameter(
        "firms.expectation_weight",
        0.15,
        0.5,
        "assumption (0.30): expectations lag orders by about 1-6 months (mean lag (1 - w) / w)",
    ),
    Parameter(
        "industries.services.local_multiplier",
        1.0,
        2.5,
        "Moretti (2010): 1.6 local jobs per manufacturing job, 2.5 per skilled job; 1.0 as a low case",
    ),
)


@dataclass(frozen=True, eq=False)
class SensitivityTask:
    """One run: a sample point, an arm (baseline or the package) and its overrides."""

    point: int
    arm: str
    seed: int
    scenario: Scenario
    overrides: dict[str, Any]
    package: Package | None


def run_point(task: SensitivityTask) -> np.ndarray:
    """Run one arm at one sample point; return employment month by month (row 0 the start)."""
    model = RegionModel(task.scenario, rng=task.seed, overrides=task.overrides, package=task.package)
    return model.run()["employed"].to_numpy(dtype=float)


@dataclass
class SensitivityResult:
    """The result of a Morris screening.

    Attributes:
        table: one row per output and parameter: ``mu``, ``mu_star``, ``mu_star_conf``
            (half-width of the 95% bootstrap interval), ``sigma`` and ``rank`` (1: largest
            ``mu_star``), in jobs (or job-years) per full range of the parameter.
        samples: one row per sample point: the parameter values, ``trajectory``, and both
            outputs (package minus baseline).
        runs: one row per model run: point, arm, seed, employed at the horizon, seconds.
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

    def plot(self) -> Figure:
        """mu* of every parameter with its 95% interval (bars) and sigma (markers), one panel per output."""
        from matplotlib.figure import Figure

        keys = [parameter.key for parameter in self.parameters]
        figure = Figure(figsize=(11, 1.2 + 0.45 * len(keys)), layout="constrained")
        axes = figure.subplots(1, len(OUTPUTS), sharey=True)
        # one order for both panels (by mu* of jobs saved, largest at the top), so rows line up
        order = np.argsort(self.output(OUTPUTS[0]).reindex(keys)["mu_star"].to_numpy(), kind="stable")
        positions = np.arange(len(keys))
        for ax, name in zip(axes, OUTPUTS, strict=True):
            rows = self.output(name).reindex(keys)
            ax.barh(
                positions,
                rows["mu_star"].to_numpy()[order],
                xerr=rows["mu_star_conf"].to_numpy()[order],
                color="tab:blue",
                alpha=0.7,
                capsize=3,
                label="mu* (95% interval)",
            )
            ax.plot(rows["sigma"].to_numpy()[order], positions, "o", color="tab:red", label="sigma")
            ax.set_yticks(positions, [keys[i] for i in order])
            ax.tick_params(axis="y", labelleft=ax is axes[0])
            ax.set_xlabel(f"{OUTPUT_LABELS[name]} per full range")
            ax.set_title(OUTPUT_LABELS[name])
            ax.axvline(0.0, color="grey", linewidth=0.8)
            ax.legend(loc="best", fontsize="small")
        settings = self.scenario.scenario
        figure.suptitle(
            f"Morris screening of {self.package.name} ({settings.name}, scale {settings.scale:g}, "
            f"{self.trajectories} trajectories)"
        )
        return figure


# ---------------------------------------------------------------------- parameters
def load_parameters(path: str | Path) -> list[Parameter]:
    """Read ``[[parameters]]`` tables (``key``, ``low``, ``high``, optional ``reason``) from a TOML file."""
    path = Path(path)
    try:
        with path.open("rb") as handle:
            raw = tomllib.load(handle)
    except FileNotFoundError:
        raise ScenarioError(str(path), "", str(path), "allowed: an existing TOML file of [[parameters]]") from None
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise ScenarioError(str(path), "", str(path), f"allowed: readable TOML ({error})") from None
    items = raw.get("parameters")
    if not isinstance(items, list) or not items:
        raise ScenarioError(str(path), "parameters", items, "allowed: one or more [[parameters]] tables")
    parameters = []
    for index, item in enumerate(items):
        where = f"parameters[{index}]"
        if not isinstance(item, dict) or set(item) - {"key", "low", "high", "reason"}:
            raise ScenarioError(str(path), where, item, "allowed: a table with key, low, high and optionally reason")
        for name in ("key", "low", "high"):
            if name not in item:
                raise ScenarioError(str(path), f"{where}.{name}", None, "allowed: required")
        if not isinstance(item["key"], str):
            raise ScenarioError(str(path), f"{where}.key", item["key"], "allowed: a key path such as firms.x")
        for name in ("low", "high"):
            if isinstance(item[name], bool) or not isinstance(item[name], int | float):
                raise ScenarioError(str(path), f"{where}.{name}", item[name], "allowed: a number")
        parameters.append(Parameter(item["key"], float(item["low"]), float(item["high"]), str(item.get("reason", ""))))
    return parameters


def _lookup(data: dict[str, Any], key: str) -> Any:
    node: Any = data
    for part in key.replace("__", ".").split("."):
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


def check_parameters(scenario: Scenario, parameters: Sequence[Parameter]) -> list[bool]:
    """Check every parameter against the scenario; return which are whole numbers (rounded when run).

    Raises:
        ScenarioError: an unknown or non-numeric key, a repeated key, low >= high, or a bound
            the scenario does not accept.
    """
    if not parameters:
        raise ScenarioError(_SOURCE, "", [], "allowed: at least one parameter")
    raw = scenario.to_dict()
    seen: set[str] = set()
    integers = []
    for parameter in parameters:
        key = parameter.key
        if key in seen:
            raise ScenarioError(_SOURCE, key, key, "allowed: each key once")
        seen.add(key)
        if not (math.isfinite(parameter.low) and math.isfinite(parameter.high)) or parameter.low >= parameter.high:
            raise ScenarioError(
                _SOURCE, key, [parameter.low, parameter.high], "allowed: finite bounds with low below high"
            )
        for bound in (parameter.low, parameter.high):
            load_scenario(scenario, {key: bound})  # unknown keys and values out of range fail here
        current = _lookup(raw, key)
        if isinstance(current, bool) or not isinstance(current, int | float):
            raise ScenarioError(_SOURCE, key, current, "allowed: the key of a single number in the scenario")
        integers.append(isinstance(current, int))
    return integers


def _problem(parameters: Sequence[Parameter]) -> dict[str, Any]:
    return {
        "num_vars": len(parameters),
        "names": [parameter.key for parameter in parameters],
        "bounds": [[parameter.low, parameter.high] for parameter in parameters],
    }


# ---------------------------------------------------------------------- the screening
def sensitivity(
    scenario: Scenario | str | Path | None,
    package: Package | str | Path,
    parameters: Sequence[Parameter] | str | Path | None = None,
    trajectories: int = 10,
    levels: int = 4,
    seed: int = 1,
    scale: float | None = 0.05,
    months: int | None = None,
    executor: RunExecutor | int | str | Any | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> SensitivityResult:
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
        progress: called with (runs done, runs in all) after every run.

    Returns:
        The table, the sample points with their outputs, and the runs.

    Raises:
        InputError: bad arguments; ScenarioError for a bad parameter, scenario or package.
        RuntimeError: a run failed (its point and error are named).
    """
    from SALib.analyze import morris as morris_analyze
    from SALib.sample import morris as morris_sample

    for name, value, least in (("trajectories", trajectories, 2), ("levels", levels, 2)):
        if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < least:
            raise InputError(f"{name}: got {value!r}; allowed: a whole number of at least {least}")
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        raise InputError(f"seed: got {seed!r}; allowed: a non-negative whole number")
    settings: dict[str, Any] = {}
    if scale is not None:
        settings["scenario.scale"] = float(scale)
    if months is not None:
        settings["scenario.months"] = int(months)
    config = load_scenario(scenario, settings or None)
    spec = load_package(package) if not isinstance(package, Package) else package
    if parameters is None:
        chosen = list(DEFAULT_PARAMETERS)
    elif isinstance(parameters, str | Path):
        chosen = load_parameters(parameters)
    else:
        chosen = list(parameters)
    integers = check_parameters(config, chosen)

    problem = _problem(chosen)
    design = morris_sample.sample(problem, int(trajectories), num_levels=int(levels), seed=int(seed))
    points = []
    for row in design:
        point = {}
        for parameter, is_int, value in zip(chosen, integers, row, strict=True):
            point[parameter.key] = round(float(value)) if is_int else float(value)
        points.append(point)
    tasks = [
        SensitivityTask(index, arm, int(seed), config, point, spec if arm == PACKAGE else None)
        for index, point in enumerate(points)
        for arm in (BASELINE, PACKAGE)
    ]

    started = utc_now()
    runner, owned = make_executor(executor)
    where = runner.describe()
    employed: dict[tuple[int, str], np.ndarray] = {}
    seconds: dict[tuple[int, str], float] = {}
    clock = time.perf_counter()
    try:
        for done, completed in enumerate(runner.imap_unordered(run_point, tasks), start=1):
            task = tasks[completed.index]
            if completed.error is not None:
                raise RuntimeError(
                    f"run failed at sample point {task.point} ({task.arm}, {task.overrides}): {completed.error}"
                )
            employed[(task.point, task.arm)] = np.asarray(completed.value, dtype=float)
            seconds[(task.point, task.arm)] = time.perf_counter() - clock
            if progress is not None:
                progress(done, len(tasks))
    finally:
        if owned:
            runner.close()

    runs = pd.DataFrame(
        [
            {
                "point": task.point,
                "arm": task.arm,
                "seed": task.seed,
                "employed_end": employed[(task.point, task.arm)][-1],
                "finished_after_seconds": seconds[(task.point, task.arm)],
            }
            for task in tasks
        ]
    )
    difference = np.array([employed[(index, PACKAGE)] - employed[(index, BASELINE)] for index in range(len(points))])
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
    return SensitivityResult(
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
    )


# ---------------------------------------------------------------------- writing
def write_sensitivity(folder: str | Path, result: SensitivityResult) -> Path:
    """Write ``sensitivity.csv``, ``samples.csv``, ``sensitivity.png`` and ``manifest.json`` to a new folder.

    The folder is written under a temporary sibling name and renamed when complete.

    Raises:
        ResultsFolderError: the folder exists already.
    """
    import importlib.metadata

    folder = Path(folder)
    with new_folder(folder) as partial:
        result.table.to_csv(partial / "sensitivity.csv", index=False)
        result.samples.to_csv(partial / "samples.csv", index=False)
        result.plot().savefig(partial / "sensitivity.png", dpi=120)
        settings = result.scenario.scenario
        manifest = {
            "kind": "sensitivity",
            "method": "morris",
            "scenario": result.scenario.to_dict(),
            "scenario_hash": result.scenario.content_hash(),
            "package": result.package.name,
            "package_hash": result.package.content_hash(),
            "parameters": [vars(parameter) for parameter in result.parameters],
            "trajectories": result.trajectories,
            "levels": result.levels,
            "seed": result.seed,
            "scale": settings.scale,
            "months": settings.months,
            "runs": len(result.runs),
            "confidence": CONFIDENCE,
            "bootstrap_resamples": NUM_RESAMPLES,
            "executor": result.executor,
            "started": result.started,
            "finished": result.finished,
            "environment": {**environment(), "SALib": importlib.metadata.version("SALib")},
            "files": {name: sha256_of(partial / name) for name in FILES if name != "manifest.json"},
        }
        (partial / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    return folder
