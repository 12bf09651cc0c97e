"""Calibration by the method of simulated moments: fit scenario parameters to target moments.

A targets file (TOML, e.g. ``scenarios/targets/gwangju.toml``) names the moments to match,
each with a target and a weight, the parameters to fit, each with bounds and a start, and
how to simulate: the population ``scale``, the ``months`` to run and the ``seeds``. The
objective is ``sum_k weight_k * ((simulated_k - target_k) / target_k) ** 2``, with each
simulated moment the mean over the seeds. The seeds are the same in every evaluation
(common random numbers), so the objective is a deterministic function of the parameters
and differences between parameter values are not drowned in sampling noise.

Parameters are key paths into the scenario data (:mod:`sim.inputs.keypath`), with list
indices where needed, e.g. ``labour_market.quit_rate_per_month`` or
``shocks.relocation[0].share``. Each evaluation's runs (one per seed) are experiments of the
shared design (:mod:`sim.experiment.design`) and run on any executor: a process pool or a
Dask cluster gives the same fit as this process, bit for bit.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.errors import ResultsFolderError, ScenarioError
from sim.experiment.design import (
    Experiment,
    Parameter,
    check_parameters,
    design_scenario,
    parameter_values,
    read_parameters,
)
from sim.experiment.executors import RunExecutor, make_executor, perform_experiments, raise_failures
from sim.inputs.keypath import format_key_path, get_path, parse_key_path, set_path
from sim.inputs.scenario import Scenario, load_scenario, resolve_scenario_path, validate_scenario
from sim.inputs.toml_reader import read_toml, shipped_names
from sim.records import columns_for

FIRST_YEAR = 12
DEFAULT_MAX_EVALUATIONS = 60
TARGETS_DIR = Path(__file__).resolve().parent.parent.parent / "scenarios" / "targets"


# ----------------------------------------------------------------- moments


def _first_year(table: pd.DataFrame, column: str) -> np.ndarray:
    return table[column].to_numpy(dtype=float)[1 : FIRST_YEAR + 1]


def _auto_share(table: pd.DataFrame, scale: float) -> float:
    return float(np.mean(_first_year(table, "output_auto") / _first_year(table, "output_manufacturing")))


def _appliance_layoffs(table: pd.DataFrame, scale: float) -> float:
    return float(_first_year(table, "layoffs_appliance").sum() / scale)


def _unemployment_rate(table: pd.DataFrame, scale: float) -> float:
    return float(np.mean(_first_year(table, "unemployment_rate")))


def _job_finding_rate(table: pd.DataFrame, scale: float) -> float:
    hires = table["hires"].to_numpy(dtype=float)[1:]
    unemployed_before = table["unemployed"].to_numpy(dtype=float)[:-1]
    return float(np.mean(hires / np.maximum(unemployed_before, 1.0)))


def _months_to_reemployment(table: pd.DataFrame, scale: float) -> float:
    rate = _job_finding_rate(table, scale)
    return 1.0 / rate if rate > 0 else math.inf


MOMENTS: dict[str, Callable[[pd.DataFrame, float], float]] = {
    "auto_share_of_manufacturing_output": _auto_share,
    "appliance_layoffs_first_year": _appliance_layoffs,
    "unemployment_rate": _unemployment_rate,
    "job_finding_rate_per_month": _job_finding_rate,
    "months_to_reemployment": _months_to_reemployment,
}
#: Monthly-table columns a moment reads that only some scenarios have (named after their chains).
MOMENT_COLUMNS: dict[str, tuple[str, ...]] = {
    "auto_share_of_manufacturing_output": ("output_auto",),
    "appliance_layoffs_first_year": ("layoffs_appliance",),
}
"""Moments computed from a run's monthly table (row 0 is the start state) and its scale.

- ``auto_share_of_manufacturing_output``: mean over months 1-12 of output_auto / output_manufacturing.
- ``appliance_layoffs_first_year``: layoffs_appliance summed over months 1-12, divided by the scale.
- ``unemployment_rate``: mean over months 1-12.
- ``job_finding_rate_per_month``: mean over all simulated months t of hires(t) / unemployed(t-1).
- ``months_to_reemployment``: 1 / job_finding_rate_per_month.
"""


# ----------------------------------------------------------------- targets file


@dataclass(frozen=True)
class Moment:
    """A target moment: its name (a key of :data:`MOMENTS`), target value and weight."""

    name: str
    target: float
    weight: float = 1.0


@dataclass(frozen=True)
class CalibrationTargets:
    """A parsed targets file: moments to match, parameters to fit and how to simulate."""

    moments: tuple[Moment, ...]
    parameters: tuple[Parameter, ...]
    seeds: tuple[int, ...] = (1,)
    scale: float | None = None
    months: int = FIRST_YEAR
    source: str = "<targets>"


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _require(table: dict[str, Any], key: str, where: str, source: str) -> Any:
    if key in table:
        return table[key]
    raise ScenarioError(source, f"{where}.{key}" if where else key, None, "missing; this key is required")


def load_targets(path: str | Path, scenario: Scenario | None = None) -> CalibrationTargets:
    """Read and check a targets file; a bad entry raises ScenarioError naming the file and key path.

    With ``scenario`` given, every parameter is checked against it (a number at that key
    path, bounds in order and accepted by the scenario, start within them).
    """
    path = Path(path)
    if not path.exists() and path.parent == Path(".") and (TARGETS_DIR / f"{path.stem}.toml").exists():
        path = TARGETS_DIR / f"{path.stem}.toml"
    source = str(path)
    if not path.is_file():
        raise ScenarioError(source, "", source, "no such targets file")
    raw = read_toml(path, "targets", shipped_names(TARGETS_DIR))
    allowed = {"scale", "seeds", "months", "moments", "parameters"}
    for key in raw:
        if key not in allowed:
            raise ScenarioError(source, key, raw[key], f"unknown key; allowed: {sorted(allowed)}")

    scale = raw.get("scale")
    if scale is not None and not (_number(scale) and 0.0 < scale <= 1.0):
        raise ScenarioError(source, "scale", scale, "allowed: a number in (0, 1]")
    seeds = raw.get("seeds", [1])
    if not (
        isinstance(seeds, list) and seeds and all(isinstance(s, int) and not isinstance(s, bool) for s in seeds)
    ) or any(s < 0 for s in seeds):
        raise ScenarioError(source, "seeds", seeds, "allowed: a non-empty list of non-negative whole numbers")
    months = raw.get("months", FIRST_YEAR)
    if not isinstance(months, int) or isinstance(months, bool) or months < FIRST_YEAR:
        raise ScenarioError(source, "months", months, f"allowed: a whole number >= {FIRST_YEAR} (first-year moments)")

    moments = _load_moments(raw, source)
    parameters = read_parameters(raw.get("parameters"), source, start_at_midpoint=True)
    if scenario is not None:
        check_parameters(scenario, parameters, source)
        check_moments(scenario, moments, source)
    return CalibrationTargets(
        moments=tuple(moments),
        parameters=tuple(parameters),
        seeds=tuple(seeds),
        scale=float(scale) if scale is not None else None,
        months=months,
        source=source,
    )


def _load_moments(raw: dict[str, Any], source: str) -> list[Moment]:
    entries = raw.get("moments")
    if not isinstance(entries, list) or not entries or not all(isinstance(e, dict) for e in entries):
        raise ScenarioError(source, "moments", entries, "allowed: one or more [[moments]] tables")
    moments: list[Moment] = []
    for i, entry in enumerate(entries):
        where = f"moments[{i}]"
        for key in entry:
            if key not in {"name", "target", "weight"}:
                raise ScenarioError(source, f"{where}.{key}", entry[key], "unknown key; allowed: name, target, weight")
        name = _require(entry, "name", where, source)
        if name not in MOMENTS:
            raise ScenarioError(source, f"{where}.name", name, f"unknown moment; allowed: {sorted(MOMENTS)}")
        if any(m.name == name for m in moments):
            raise ScenarioError(source, f"{where}.name", name, "this moment is listed twice")
        target = _require(entry, "target", where, source)
        if not _number(target) or target == 0:
            raise ScenarioError(source, f"{where}.target", target, "allowed: a non-zero number (errors are relative)")
        weight = entry.get("weight", 1.0)
        if not _number(weight) or weight < 0:
            raise ScenarioError(source, f"{where}.weight", weight, "allowed: a number >= 0")
        moments.append(Moment(name, float(target), float(weight)))
    return moments


def check_moments(scenario: Scenario, moments: list[Moment], source: str) -> None:
    """Every moment must be computable from the scenario's monthly table (its chains are named)."""
    columns = columns_for(scenario)
    for index, moment in enumerate(moments):
        missing = [column for column in MOMENT_COLUMNS.get(moment.name, ()) if column not in columns]
        if missing:
            raise ScenarioError(
                source,
                f"moments[{index}].name",
                moment.name,
                f"needs the monthly-table columns {missing}, which scenario {scenario.scenario.name!r} does not have "
                f"(its chains: {list(scenario.chain_names)})",
            )


# ----------------------------------------------------------------- evaluation


@dataclass(frozen=True)
class MomentFit:
    """One moment: its target, the simulated value (mean over seeds) and the errors."""

    name: str
    target: float
    simulated: float
    weight: float = 1.0

    @property
    def error(self) -> float:
        return self.simulated - self.target

    @property
    def relative_error(self) -> float:
        return self.error / self.target


@dataclass(frozen=True)
class Evaluation:
    """The objective and the moments at one set of parameter values."""

    values: dict[str, float]
    objective: float
    fit: tuple[MomentFit, ...]


def _base_scenario(scenario: str | Path | Scenario) -> tuple[Scenario, Path | None]:
    if isinstance(scenario, Scenario):
        return scenario, None
    path = resolve_scenario_path(scenario)
    return load_scenario(path), path.resolve()


def scenario_with(base: Scenario, values: dict[str, float], source: str = "<calibration>") -> Scenario:
    """``base`` with the parameter values set (key paths may index lists; whole numbers rounded); validated."""
    data = base.to_dict()
    for key, value in values.items():
        current = get_path(data, key, source)
        if isinstance(current, int) and not isinstance(current, bool):
            value = round(value)  # noqa: PLW2901 - whole-number parameters stay whole
        data = set_path(data, key, value, source)
    return validate_scenario(data, source)


class _Evaluator:
    """Evaluates parameter points: one experiment per seed, many points in one batch on the executor."""

    def __init__(
        self,
        base: Scenario,
        targets: CalibrationTargets,
        executor: RunExecutor,
        *,
        max_memory: int | None = None,
        source: str | None = None,
    ) -> None:
        self.targets = targets
        self.parameters = targets.parameters
        self.integers = check_parameters(base, self.parameters, targets.source)
        self.config = design_scenario(base, scale=targets.scale, months=targets.months)
        self.executor = executor
        self.max_memory = max_memory
        self.source = source
        # A parameter's range can drive the memory estimate: then the targets file is named.
        self.set_by = {p.key: targets.source for p in self.parameters}

    def clean(self, values: dict[str, float]) -> dict[str, float]:
        """Values as set in the scenario (whole-number parameters rounded), as floats for reporting."""
        row = [values[p.key] for p in self.parameters]
        return {key: float(value) for key, value in parameter_values(self.parameters, self.integers, row).items()}

    def evaluate(self, points: Sequence[dict[str, float]]) -> list[Evaluation]:
        """Simulate every seed at every point (in one batch) and score the moments of each point."""
        seeds = self.targets.seeds
        experiments = [
            Experiment(scenario_with(self.config, values, self.targets.source), None, seed, replicate=index)
            for values in points
            for index, seed in enumerate(seeds)
        ]
        outcomes, _ = perform_experiments(
            experiments, self.executor, max_memory=self.max_memory, source=self.source, set_by=self.set_by
        )
        raise_failures(outcomes, "calibration")
        scale = self.config.scenario.scale
        evaluations = []
        for number, values in enumerate(points):
            tables = [outcome.timeseries for outcome in outcomes[number * len(seeds) : (number + 1) * len(seeds)]]
            fit = tuple(
                MomentFit(m.name, m.target, float(np.mean([MOMENTS[m.name](t, scale) for t in tables])), m.weight)
                for m in self.targets.moments
            )
            objective = float(sum(f.weight * f.relative_error**2 for f in fit))
            evaluations.append(Evaluation(dict(values), objective if math.isfinite(objective) else math.inf, fit))
        return evaluations


def evaluate(
    scenario: str | Path | Scenario,
    targets: CalibrationTargets | str | Path,
    values: dict[str, float] | None = None,
    *,
    executor: RunExecutor | int | str | Any | None = None,
    max_memory: int | None = None,
) -> Evaluation:
    """Simulate every seed at ``values`` (default: each parameter's start) and score the moments.

    Runs estimated to need more than ``max_memory`` bytes (default 8 GiB) at once are refused (InputError).
    """
    base, path = _base_scenario(scenario)
    if not isinstance(targets, CalibrationTargets):
        targets = load_targets(targets, base)
    if values is None:
        values = {p.key: p.start for p in targets.parameters}
    runner, owned = make_executor(executor)
    try:
        evaluator = _Evaluator(base, targets, runner, max_memory=max_memory, source=str(path) if path else None)
        return evaluator.evaluate([evaluator.clean(values)])[0]
    finally:
        if owned:
            runner.close()


# ----------------------------------------------------------------- calibration


@dataclass
class CalibrationResult:
    """What :func:`calibrate` found: fitted values, the fit before and after, and the fitted scenario."""

    start: Evaluation
    best: Evaluation
    evaluations: int
    scenario: Scenario
    targets: CalibrationTargets
    scenario_path: Path | None
    method: str
    message: str
    executor: dict[str, Any] = field(default_factory=dict)
    finished: datetime = field(default_factory=lambda: datetime.now(UTC))

    @property
    def values(self) -> dict[str, float]:
        return self.best.values

    @property
    def fit(self) -> tuple[MomentFit, ...]:
        return self.best.fit

    @property
    def objective(self) -> float:
        return self.best.objective


def calibrate(
    scenario: str | Path | Scenario,
    targets: CalibrationTargets | str | Path,
    *,
    method: str = "Nelder-Mead",
    max_evaluations: int = DEFAULT_MAX_EVALUATIONS,
    progress: Callable[[int, Evaluation, Evaluation], None] | None = None,
    executor: RunExecutor | int | str | Any | None = None,
    max_memory: int | None = None,
) -> CalibrationResult:
    """Fit the targets' parameters to their moments by the method of simulated moments.

    The optimiser works on the parameters rescaled to [0, 1] (each between its ``low`` and
    ``high``), with those bounds. The default, Nelder-Mead, is derivative-free: the objective
    is piecewise constant in places (layoffs and hires are whole numbers of people, and firms
    cut staff only past a threshold), so gradients from finite differences are zero or
    meaningless and L-BFGS-B would stop at the start. The initial simplex takes steps of a
    quarter of each parameter's range, so the first moves are large enough to leave a flat
    step; its points are evaluated in one batch, so an executor with several workers runs
    them side by side. ``"Powell"`` (also bounded and derivative-free) can be chosen instead.

    Args:
        scenario: A shipped scenario name, a scenario file or a Scenario.
        targets: A targets file (see ``scenarios/targets/gwangju.toml``) or parsed targets.
        method: ``"Nelder-Mead"`` or ``"Powell"`` (any bounded method of scipy.optimize.minimize).
        max_evaluations: At most this many objective evaluations (each runs every seed once).
        progress: Called after each new evaluation with the count, that evaluation and the best so far.
        executor: Where the runs execute (see :func:`sim.experiment.executors.make_executor`);
            the fit does not depend on it.
        max_memory: bytes the runs running at once may need (default 8 GiB); an evaluation
            whose runs are estimated to need more is refused before it runs (InputError).

    Returns:
        The best parameter values seen (never worse than the start), the fit and the fitted scenario.
    """
    from scipy.optimize import minimize

    base, path = _base_scenario(scenario)
    if not isinstance(targets, CalibrationTargets):
        targets = load_targets(targets, base)
    parameters = targets.parameters
    low = np.array([p.low for p in parameters])
    span = np.array([p.high - p.low for p in parameters])
    runner, owned = make_executor(executor)
    try:
        evaluator = _Evaluator(base, targets, runner, max_memory=max_memory, source=str(path) if path else None)
        cache: dict[tuple[float, ...], Evaluation] = {}
        state: dict[str, Evaluation] = {}

        def values_at(unit: np.ndarray) -> dict[str, float]:
            clipped = np.clip(unit, 0.0, 1.0)
            return evaluator.clean({p.key: float(low[i] + span[i] * clipped[i]) for i, p in enumerate(parameters)})

        def evaluate_at(*units: np.ndarray) -> list[Evaluation]:
            points = [values_at(unit) for unit in units]
            keys = [tuple(values[p.key] for p in parameters) for values in points]
            new = list(dict.fromkeys(key for key in keys if key not in cache))
            fresh = evaluator.evaluate([dict(zip((p.key for p in parameters), key, strict=True)) for key in new])
            for key, result in zip(new, fresh, strict=True):
                cache[key] = result
                if "best" not in state or result.objective < state["best"].objective:
                    state["best"] = result
                if progress is not None:
                    progress(len(cache), result, state["best"])
            return [cache[key] for key in keys]

        x0 = np.array([(p.start - p.low) / (p.high - p.low) for p in parameters])
        options: dict[str, Any] = {"maxfev": max(max_evaluations - 1, 1)}
        if method == "Nelder-Mead":
            simplex = [x0]
            for i in range(len(parameters)):
                vertex = x0.copy()
                vertex[i] = x0[i] + 0.25 if x0[i] + 0.25 <= 1.0 else x0[i] - 0.25
                simplex.append(vertex)
            options.update(initial_simplex=np.array(simplex), xatol=1e-3, fatol=1e-9)
            start = evaluate_at(*simplex)[0]  # the simplex in one batch; the optimiser finds it cached
        else:
            start = evaluate_at(x0)[0]
        outcome = minimize(
            lambda unit: evaluate_at(unit)[0].objective,
            x0,
            method=method,
            bounds=[(0.0, 1.0)] * len(parameters),
            options=options,
        )
        where = runner.describe()
    finally:
        if owned:
            runner.close()
    best = state["best"]
    return CalibrationResult(
        start=start,
        best=best,
        evaluations=len(cache),
        scenario=scenario_with(base, best.values, targets.source),
        targets=targets,
        scenario_path=path,
        method=method,
        message=str(outcome.message),
        executor=where,
    )


# ----------------------------------------------------------------- reporting and writing


def format_fit_table(fit: tuple[MomentFit, ...] | list[MomentFit], objective: float | None = None) -> str:
    """The fit as a text table: moment, target, simulated, error, relative error."""
    rows = [("moment", "target", "simulated", "error", "rel. error")]
    rows += [
        (f.name, f"{f.target:.6g}", f"{f.simulated:.6g}", f"{f.error:+.4g}", f"{f.relative_error:+.1%}") for f in fit
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(5)]
    lines = [
        "  ".join(cell.ljust(widths[i]) if i == 0 else cell.rjust(widths[i]) for i, cell in enumerate(row))
        for row in rows
    ]
    if objective is not None:
        lines.append(f"objective (weighted sum of squared relative errors): {objective:.6g}")
    return "\n".join(lines)


def _toml_key(key: str) -> str:
    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else json.dumps(key, ensure_ascii=False)


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{_toml_key(k)} = {_toml_value(v)}" for k, v in value.items() if v is not None) + " }"
    raise TypeError(f"cannot write {type(value).__name__} to TOML")


def _toml_tables(data: dict[str, Any], prefix: str = "") -> list[str]:
    lines: list[str] = []
    scalars = {k: v for k, v in data.items() if not isinstance(v, dict) and v is not None}
    if scalars and prefix:
        lines.append(f"\n[{prefix}]")
    lines += [f"{_toml_key(k)} = {_toml_value(v)}" for k, v in scalars.items()]
    for key, value in data.items():
        if isinstance(value, dict):
            lines += _toml_tables(value, f"{prefix}.{_toml_key(key)}" if prefix else _toml_key(key))
    return lines


def fitted_overrides(result: CalibrationResult) -> dict[str, Any]:
    """The nested tables a fitted scenario file sets: each fitted key, or a whole list it indexes."""
    data = result.scenario.to_dict()
    nested: dict[str, Any] = {}
    for key in result.values:
        steps = parse_key_path(key)
        first_index = next((i for i, s in enumerate(steps) if isinstance(s, int)), len(steps))
        table_path = [str(s) for s in steps[: max(first_index, 1)]]
        value = get_path(data, format_key_path(table_path))  # a scalar, or the whole list the key indexes
        node = nested
        for step in table_path[:-1]:
            node = node.setdefault(step, {})
        node[table_path[-1]] = value
    return nested


def write_fitted_scenario(path: str | Path, result: CalibrationResult) -> Path:
    """Write a scenario file that inherits the calibrated one and sets the fitted values.

    Refuses (ResultsFolderError) to overwrite an existing file. The header records when the
    fit was made, against which targets file, and the fit table.
    """
    path = Path(path)
    if path.exists():
        raise ResultsFolderError(f"{path}: file exists already; choose another --out or move it away")
    if result.scenario_path is None:
        raise ResultsFolderError(f"{path}: cannot write a fitted scenario for a scenario not loaded from a file")
    targets = result.targets
    header = [
        f"# Fitted by `shocksim calibrate` on {result.finished:%Y-%m-%d %H:%M:%S} UTC",
        f"# against the targets in {Path(targets.source).resolve()}",
        f"# ({result.method}, {result.evaluations} evaluations; seeds {list(targets.seeds)}, "
        f"scale {targets.scale if targets.scale is not None else result.scenario.scenario.scale}, "
        f"{targets.months} months; {result.message})",
        "#",
        "# Fit at the start:",
        *(f"#   {line}" for line in format_fit_table(result.start.fit, result.start.objective).splitlines()),
        "#",
        "# Fit at the fitted values:",
        *(f"#   {line}" for line in format_fit_table(result.fit, result.objective).splitlines()),
        "#",
        "# Fitted values (start -> fitted):",
        *(f"#   {key}: {result.start.values[key]:.6g} -> {value:.6g}" for key, value in result.values.items()),
        "",
        f"inherits = {_toml_value(str(result.scenario_path))}",
    ]
    body = _toml_tables(fitted_overrides(result))
    text = "\n".join(header + body) + "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with path.open("x") as handle:
            handle.write(text)
    except FileExistsError:
        raise ResultsFolderError(f"{path}: file exists already; choose another --out or move it away") from None
    return path
