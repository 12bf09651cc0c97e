"""The experiment design shared by compare, calibrate and screen (EMA Workbench's vocabulary).

- **Uncertainties** are scenario parameters we do not know well: a :class:`Parameter` is a
  key path (the grammar of :mod:`sim.inputs.keypath`) with a range; calibration fits them,
  screening ranks them.
- **Levers** are what a policy maker chooses: policy packages (:class:`~sim.inputs.package.Package`),
  with the baseline (no package) as the lever left alone.
- An :class:`Experiment` is one model run: a scenario, a lever, a seed and the values of the
  uncertainties (``overrides``). :func:`run_experiment` turns it into an :class:`Outcome`:
  the monthly table and the ledger, from which every outcome measure (jobs saved,
  calibration moments, Morris outputs) is computed.

Experiments are picklable and carry everything a run needs, so they run the same in this
process, a process pool or a Dask cluster (:mod:`sim.experiment.executors`).
"""

from __future__ import annotations

import math
import time
import traceback
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from sim.errors import ScenarioError
from sim.inputs.keypath import get_path, parse_key_path
from sim.inputs.package import Package
from sim.inputs.scenario import Scenario, load_scenario
from sim.model import RegionModel

#: The arm without a package.
BASELINE = "baseline"


# ---------------------------------------------------------------------- experiments and outcomes
@dataclass(frozen=True, eq=False)
class Experiment:
    """One run: a validated scenario, a package (None: the baseline), a seed and parameter overrides.

    ``arm`` names the lever (the package's name, or ``baseline``) and ``replicate`` the
    run's index within its arm (a seed of a comparison, a sample point of a screening, a
    seed of a calibration point); together they name the run in results folders.
    """

    scenario: Scenario
    package: Package | None
    seed: int
    overrides: Mapping[str, Any] = field(default_factory=dict)
    arm: str = ""
    replicate: int = 0
    units: bool = False  # keep who worked where (RegionModel unit_records), for the gross-to-net bridge

    def __post_init__(self) -> None:
        if not self.arm:
            object.__setattr__(self, "arm", self.package.name if self.package is not None else BASELINE)


@dataclass(eq=False)
class Outcome:
    """What one experiment gave: its monthly table and ledger, or the error that stopped it."""

    arm: str
    replicate: int
    seed: int
    timeseries: pd.DataFrame | None = None
    ledger: pd.DataFrame | None = None
    seconds: float = 0.0
    error: str | None = None
    detail: str | None = None
    units: dict[str, np.ndarray] | None = None  # RegionModel.units(), when the experiment asked for them

    @property
    def ok(self) -> bool:
        return self.error is None and self.timeseries is not None

    def describe(self) -> str:
        """The run in words, for messages: its package, seed and replicate."""
        return f"package {self.arm}, seed {self.seed} (replicate {self.replicate})"

    @classmethod
    def failed(cls, experiment: Experiment, error: str, detail: str | None = None, seconds: float = 0.0) -> Outcome:
        return cls(experiment.arm, experiment.replicate, experiment.seed, seconds=seconds, error=error, detail=detail)


def run_experiment(experiment: Experiment) -> Outcome:
    """Run one experiment to its horizon; a model error comes back as a failed Outcome, not an exception."""
    clock = time.perf_counter()
    try:
        model = RegionModel(
            experiment.scenario,
            rng=experiment.seed,
            package=experiment.package,
            overrides=dict(experiment.overrides) or None,
            max_memory=False,  # checked for the whole design before any run (perform_experiments)
            unit_records=experiment.units,
        )
        table = model.run()
        ledger = model.ledger()
        units = model.units()
    except Exception as error:
        return Outcome.failed(
            experiment,
            f"{type(error).__name__}: {' '.join(str(error).split())}",
            traceback.format_exc(),
            time.perf_counter() - clock,
        )
    return Outcome(
        experiment.arm, experiment.replicate, experiment.seed, table, ledger, time.perf_counter() - clock, units=units
    )


def replicate_seed(base_seed: int, replicate: int) -> int:
    """The seed of replicate ``replicate``: a function of the base seed and the index only.

    numpy's SeedSequence spawning (``SeedSequence(base).spawn(n)[replicate]``), so that
    designs with nearby base seeds do not share runs. A 63-bit integer that
    ``shocksim run --seed`` accepts, to rerun one run alone.
    """
    sequence = np.random.SeedSequence(entropy=int(base_seed), spawn_key=(int(replicate),))
    return int(sequence.generate_state(1, np.uint64)[0] >> np.uint64(1))


def design_scenario(
    scenario: Scenario | str | Any | None,
    *,
    scale: float | None = None,
    months: int | None = None,
    overrides: Mapping[str, Any] | None = None,
) -> Scenario:
    """The validated scenario of a design: ``overrides`` (key paths) and the scale and horizon applied."""
    settings = dict(overrides or {})
    if scale is not None:
        settings["scenario.scale"] = float(scale)
    if months is not None:
        settings["scenario.months"] = int(months)
    return load_scenario(scenario, settings or None)


def set_outside_the_file(overrides: Mapping[str, Any] | None = None, months: int | None = None) -> dict[str, str]:
    """The key paths a design sets outside the scenario file, each with the option that set it (for error lines)."""
    set_by = dict.fromkeys(overrides or {}, "--set")
    if months is not None:
        set_by["scenario.months"] = "--months"
    return set_by


# ---------------------------------------------------------------------- uncertainties
@dataclass(frozen=True)
class Parameter:
    """An uncertain scenario parameter: its key path, range, start (for calibration) and the reason for the range."""

    key: str
    low: float
    high: float
    start: float | None = None
    reason: str = ""


PARAMETER_KEYS = ("key", "low", "high", "start", "reason")


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def read_parameters(entries: Any, source: str, *, start_at_midpoint: bool = False) -> list[Parameter]:
    """Parameters from ``[[parameters]]`` tables (``key``, ``low``, ``high``, optional ``start`` and ``reason``).

    One reader for calibration targets and screening files; a bad entry raises ScenarioError
    naming the file and ``parameters[i].<field>``. With ``start_at_midpoint`` a missing
    ``start`` becomes the middle of the range.
    """
    if not isinstance(entries, list) or not entries or not all(isinstance(entry, dict) for entry in entries):
        raise ScenarioError(source, "parameters", entries, "allowed: one or more [[parameters]] tables")
    parameters: list[Parameter] = []
    for index, entry in enumerate(entries):
        where = f"parameters[{index}]"
        for name in entry:
            if name not in PARAMETER_KEYS:
                raise ScenarioError(
                    source, f"{where}.{name}", entry[name], f"unknown key; allowed: {', '.join(PARAMETER_KEYS)}"
                )
        for name in ("key", "low", "high"):
            if name not in entry:
                raise ScenarioError(source, f"{where}.{name}", None, "missing; this key is required")
        key = entry["key"]
        if not isinstance(key, str):
            raise ScenarioError(source, f"{where}.key", key, "allowed: a key path such as shocks.relocation[0].share")
        try:
            parse_key_path(key, source, key)
        except ScenarioError as error:
            raise ScenarioError(source, f"{where}.key", key, error.allowed) from None
        for name in ("low", "high"):
            if not _number(entry[name]):
                raise ScenarioError(source, f"{where}.{name}", entry[name], "allowed: a number")
        start = entry.get("start")
        if start is None and start_at_midpoint:
            start = (entry["low"] + entry["high"]) / 2
        parameters.append(
            Parameter(
                key,
                float(entry["low"]),
                float(entry["high"]),
                None if start is None else (float(start) if _number(start) else start),
                str(entry.get("reason", "")),
            )
        )
    return parameters


def check_parameters(scenario: Scenario, parameters: Sequence[Parameter], source: str = "<parameters>") -> list[bool]:
    """Check every parameter against the scenario; return which are whole numbers (rounded when run).

    Raises:
        ScenarioError: naming ``parameters[i]``: an unknown or non-numeric key, a key given
            twice, low not below high, a start outside the range, or a bound the scenario
            does not accept.
    """
    if not parameters:
        raise ScenarioError(source, "parameters", [], "allowed: at least one parameter")
    data = scenario.to_dict()
    seen: set[tuple[str | int, ...]] = set()
    integers = []
    for index, parameter in enumerate(parameters):
        where, key = f"parameters[{index}]", parameter.key
        steps = parse_key_path(key, source, key)
        if steps in seen:
            raise ScenarioError(source, f"{where}.key", key, "this parameter is listed twice; allowed: each key once")
        seen.add(steps)
        try:
            current = get_path(data, steps, source)
        except ScenarioError as error:
            raise ScenarioError(source, f"{where}.key", key, f"unknown parameter: {error.allowed}") from None
        if not _number(current):
            raise ScenarioError(source, f"{where}.key", key, "allowed: a key whose value is a single number")
        low, high, start = parameter.low, parameter.high, parameter.start
        if not (_number(low) and _number(high)) or low >= high:
            raise ScenarioError(source, f"{where}.low", low, f"allowed: for {key}, a finite number below high ({high})")
        if start is not None and not (_number(start) and low <= start <= high):
            raise ScenarioError(source, f"{where}.start", start, f"allowed: a number from low ({low}) to high ({high})")
        for name, bound in (("low", parameter.low), ("high", parameter.high)):
            try:  # a whole-number parameter is rounded when run (parameter_values), so check it rounded
                load_scenario(scenario, {key: round(bound) if isinstance(current, int) else bound})
            except ScenarioError as error:
                raise ScenarioError(source, f"{where}.{name}", bound, f"{key}: {error.allowed}") from None
        integers.append(isinstance(current, int))
    return integers


def parameter_values(
    parameters: Sequence[Parameter], integers: Sequence[bool], values: Sequence[float]
) -> dict[str, float | int]:
    """``{key: value}`` as set in the scenario: whole-number parameters rounded."""
    return {
        parameter.key: round(float(value)) if is_int else float(value)
        for parameter, is_int, value in zip(parameters, integers, values, strict=True)
    }
