"""Compare intervention packages: which saves or creates the most jobs for the money, and how sure we are.

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
    result.plot_jobs_saved()

With ``out`` every finished run is saved as it finishes (``runs/<arm>/rep-NNNN/``), and
``resume=True`` runs only what is missing; a folder of another comparison is refused. The
statistics are in :mod:`sim.experiment.compare_stats`; the executors in
:mod:`sim.experiment.executors`.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import re
import shutil
import sys
import time
import traceback
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from sim.errors import InputError, ResultsFolderError
from sim.experiment import compare_stats
from sim.experiment.compare_stats import BASELINE, CONFIDENCE
from sim.experiment.executors import RunExecutor, make_executor
from sim.experiment.results_io import environment, new_folder, read_run, sha256_of, utc_now, write_run
from sim.inputs.package import Package, load_package, shipped_packages, validate_package
from sim.inputs.scenario import Scenario, load_scenario, validate_scenario
from sim.model import RegionModel

if TYPE_CHECKING:
    from matplotlib.figure import Figure

COMPARISON_FORMAT = 1
MANIFEST = "manifest.json"
RUNS_DIR = "runs"
FIGURES = ("employment", "jobs_saved", "cost_per_job", "sectors")
_SIM_DIR = Path(__file__).resolve().parent.parent
#: Code that shapes a run's numbers; a resumed comparison must be made by the same code.
_MODEL_CODE = ("inputs", "model.py", "records.py", "region", "policy")


class RunFailedWarning(RuntimeWarning):
    """Some runs of a comparison failed; the others finished and were summarised."""


# ---------------------------------------------------------------------- one run
@dataclass(frozen=True, eq=False)
class RunTask:
    """One run of a comparison: an arm (``baseline`` or a package) and a replicate with its seed."""

    package: str
    replicate: int
    seed: int
    scenario: Scenario
    spec: Package | None


@dataclass(eq=False)
class RunOutcome:
    """What one run gave: its monthly table and ledger, or the error that stopped it."""

    package: str
    replicate: int
    seed: int
    timeseries: pd.DataFrame | None = None
    ledger: pd.DataFrame | None = None
    seconds: float = 0.0
    error: str | None = None
    detail: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None and self.timeseries is not None


def run_task(task: RunTask) -> RunOutcome:
    """Run one arm for one seed; a model error comes back as a failed outcome, not an exception."""
    clock = time.perf_counter()
    try:
        model = RegionModel(task.scenario, rng=task.seed, package=task.spec)
        table = model.run()
        ledger = model.ledger()
    except Exception as error:
        return RunOutcome(
            task.package,
            task.replicate,
            task.seed,
            seconds=time.perf_counter() - clock,
            error=f"{type(error).__name__}: {' '.join(str(error).split())}",
            detail=traceback.format_exc(),
        )
    return RunOutcome(task.package, task.replicate, task.seed, table, ledger, time.perf_counter() - clock)


def replicate_seed(base_seed: int, replicate: int) -> int:
    """The seed of replicate ``replicate``: a function of the base seed and the index only.

    numpy's SeedSequence spawning (``SeedSequence(base).spawn(n)[replicate]``), so that
    comparisons with nearby base seeds do not share runs. A 63-bit integer that
    ``shocksim run --seed`` accepts, to rerun one run alone.
    """
    sequence = np.random.SeedSequence(entropy=int(base_seed), spawn_key=(int(replicate),))
    return int(sequence.generate_state(1, np.uint64)[0] >> np.uint64(1))


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
    seeds: list[int] = field(init=False)

    def __post_init__(self) -> None:
        self.seeds = [replicate_seed(self.seed, replicate) for replicate in range(self.reps)]

    @property
    def arms(self) -> list[str]:
        return [BASELINE, *(package.name for package in self.packages)]

    def spec(self, arm: str) -> Package | None:
        return None if arm == BASELINE else self.packages[self.arms.index(arm) - 1]

    def tasks(self) -> list[RunTask]:
        """Every run, replicate by replicate (a seed's arms finish close together)."""
        return [
            RunTask(arm, replicate, self.seeds[replicate], self.scenario, self.spec(arm))
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

    def arm_folder(self, arm: str) -> str:
        index = self.arms.index(arm)
        return f"{index:02d}-{re.sub(r'[^A-Za-z0-9_.-]+', '_', arm)[:40]}"


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
    all_overrides = dict(overrides or {})
    if scale is not None:
        all_overrides["scenario.scale"] = float(scale)
    if months is not None:
        all_overrides["scenario.months"] = int(months)
    config = load_scenario(scenario, all_overrides or None)

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
        config, loaded, sources, int(reps), int(seed), None if equal_budget is None else float(equal_budget)
    )


def model_code_hash() -> str:
    """SHA-256 of the model's source (scenario schema, model, economy, policies)."""
    digest = hashlib.sha256()
    for name in _MODEL_CODE:
        path = _SIM_DIR / name
        files = sorted(path.rglob("*.py")) if path.is_dir() else [path]
        for file in files:
            digest.update(file.relative_to(_SIM_DIR).as_posix().encode())
            digest.update(file.read_bytes())
    return digest.hexdigest()


# ---------------------------------------------------------------------- progress
@dataclass(frozen=True)
class Progress:
    """Where a comparison stands: runs done (saved before or finished now), failed, left, time left."""

    done: int
    total: int
    failed: int
    elapsed_seconds: float
    remaining_seconds: float | None
    last: RunOutcome | None = None

    @property
    def left(self) -> int:
        return self.total - self.done


class ProgressBar:
    """A tqdm bar on stderr: runs done and left, time left; failed runs are printed as they fail."""

    def __init__(self, disable: bool = False) -> None:
        self.disable = disable
        self._bar = None

    def __call__(self, progress: Progress) -> None:
        from tqdm import tqdm

        if self._bar is None:
            self._bar = tqdm(
                total=progress.total,
                initial=progress.done,
                unit="run",
                desc="comparing",
                file=sys.stderr,
                disable=self.disable,
                bar_format="{desc}: {bar} {n_fmt}/{total_fmt} runs done{postfix} [{elapsed} elapsed, {remaining} left]",
            )
            self._bar.set_postfix_str(f"{progress.left} left", refresh=False)
            self._bar.refresh()
            return
        last = progress.last
        if last is not None and not last.ok:
            self._bar.write(f"run failed: {describe_run(last)}: {last.error}", file=sys.stderr)
        failed = f", {progress.failed} failed" if progress.failed else ""
        self._bar.set_postfix_str(f"{progress.left} left{failed}", refresh=False)
        self._bar.update(1)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()


def describe_run(outcome: RunOutcome | RunTask) -> str:
    return f"package {outcome.package}, seed {outcome.seed} (replicate {outcome.replicate})"


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
        return compare_stats.complete_replicates(self.measures, self.arms)

    def metric(self, name: str) -> pd.DataFrame:
        """The summary rows of one metric, indexed by package."""
        return self.summary[self.summary["metric"] == name].set_index("package")

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
            lines.append("jobs and money are for the simulated sample (scale below 1); money per job is not")
        return "\n".join(lines)

    def table(self) -> str:
        """The summary as text for the terminal: key metrics, packages side by side."""
        return self.header() + "\n\n" + compare_stats.format_table(self.summary, list(self.packages))

    def plot_employment(self) -> Figure:
        """Employment of each arm (mean, 5-95% of seeds) and jobs against the baseline twin (mean, 90% CI)."""
        from sim.viz import compare_figures

        return compare_figures.employment(self)

    def plot_jobs_saved(self) -> Figure:
        """Jobs at the horizon and job-years of each package, with 90% intervals."""
        from sim.viz import compare_figures

        return compare_figures.jobs_saved(self)

    def plot_cost_per_job(self) -> Figure:
        """Expected cost per job-year and per job at the horizon, with 90% Fieller intervals."""
        from sim.viz import compare_figures

        return compare_figures.cost_per_job(self)

    def plot_sectors(self) -> Figure:
        """Jobs at the horizon by component (direct, indirect, induced, other) and by sector."""
        from sim.viz import compare_figures

        return compare_figures.sectors(self)

    def save_figures(self, folder: Path) -> list[Path]:
        """Write every figure as a PNG into ``folder`` (atomically); return the paths."""
        folder.mkdir(parents=True, exist_ok=True)
        paths = []
        for name in FIGURES:
            figure = getattr(self, f"plot_{name}")()
            path = folder / f"{name}.png"
            _write_atomic(path, lambda partial, figure=figure: figure.savefig(partial, dpi=120, format="png"))
            paths.append(path)
        return paths


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
    figures: bool = True,
    runner: Callable[[RunTask], RunOutcome] = run_task,
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
        figures: write the PNG figures into ``out``.
        runner: the function that runs one task (picklable for process and Dask executors).

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
    folder = Path(out) if out is not None else None
    if resume and folder is None:
        raise InputError("resume: needs the output folder of the comparison to resume (--out)")
    started = utc_now()
    done: dict[tuple[str, int], RunOutcome] = {}
    if folder is not None:
        done = open_folder(folder, plan, resume)
    tasks = plan.tasks()
    pending = [task for task in tasks if (task.package, task.replicate) not in done]
    failures: list[RunOutcome] = []

    report: Callable[[Progress], None] | None
    own_report = progress is True
    report = ProgressBar() if progress is True else (progress or None)
    run_executor, own_executor = make_executor(executor)
    clock = time.perf_counter()
    finished_now = 0

    def tell(last: RunOutcome | None) -> None:
        if report is None:
            return
        elapsed = time.perf_counter() - clock
        done_total = len(done) + len(failures)
        left = len(tasks) - done_total
        remaining = elapsed / finished_now * left if finished_now else None
        report(Progress(done_total, len(tasks), len(failures), elapsed, remaining, last))

    try:
        tell(None)
        for completed in run_executor.imap_unordered(runner, pending):
            task = pending[completed.index]
            outcome = completed.value
            if completed.error is not None or not isinstance(outcome, RunOutcome):
                error = completed.error or f"runner returned {type(outcome).__name__}, not a RunOutcome"
                outcome = RunOutcome(task.package, task.replicate, task.seed, error=error, detail=completed.detail)
            finished_now += 1
            if outcome.ok:
                if folder is not None:
                    save_run(folder, plan, outcome)
                done[(outcome.package, outcome.replicate)] = outcome
            else:
                failures.append(outcome)
            tell(outcome)
        executor_info = run_executor.describe()
    finally:
        if own_executor:
            run_executor.close()
        if own_report and hasattr(report, "close"):
            report.close()

    result = assemble(plan, done, failures, folder)
    if failures:
        warnings.warn(
            f"{len(failures)} of {len(tasks)} runs failed (the others finished): "
            + "; ".join(f"{describe_run(f)}: {f.error}" for f in failures[:5])
            + ("; ..." if len(failures) > 5 else ""),
            RunFailedWarning,
            stacklevel=2,
        )
    if folder is not None:
        session = {
            "started_at": started.isoformat(),
            "finished_at": utc_now().isoformat(),
            "wall_seconds": round(time.perf_counter() - clock, 3),
            "executor": executor_info,
            "runs_loaded": len(tasks) - len(pending),
            "runs_finished": finished_now - len(failures),
            "runs_failed": len(failures),
            "command": " ".join(sys.argv),
        }
        write_outputs(folder, result, session, figures=figures)
    return result


def assemble(
    plan: ComparisonPlan,
    done: dict[tuple[str, int], RunOutcome],
    failures: list[RunOutcome],
    folder: Path | None = None,
) -> Comparison:
    """Stack the finished runs in plan order and compute the statistics (order of finishing is irrelevant)."""
    keys = [(arm, replicate) for arm in plan.arms for replicate in range(plan.reps) if (arm, replicate) in done]
    tables, ledgers, measures = [], [], []
    for arm, replicate in keys:
        outcome = done[(arm, replicate)]
        labels = {"package": arm, "replicate": replicate, "seed": outcome.seed}
        tables.append(_labelled(outcome.timeseries, labels))
        ledgers.append(_labelled(outcome.ledger, labels))
        measures.append({**labels, **compare_stats.run_measures(outcome.timeseries)})
    runs = pd.concat(tables, ignore_index=True) if tables else pd.DataFrame(columns=compare_stats.KEYS)
    ledger = pd.concat(ledgers, ignore_index=True) if ledgers else pd.DataFrame(columns=compare_stats.KEYS)
    measure_frame = pd.DataFrame(measures, columns=None if measures else compare_stats.KEYS)
    effects = compare_stats.effects_frame(measure_frame, plan.arms) if measures else pd.DataFrame()
    summary = compare_stats.summarise(measure_frame, effects, plan.arms) if measures else _empty_summary()
    failed = pd.DataFrame(
        [
            {"package": f.package, "replicate": f.replicate, "seed": f.seed, "error": f.error, "detail": f.detail}
            for f in sorted(failures, key=lambda f: (plan.arms.index(f.package), f.replicate))
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


def _labelled(frame: pd.DataFrame, labels: dict[str, Any]) -> pd.DataFrame:
    frame = frame.copy()
    for position, (name, value) in enumerate(labels.items()):
        frame.insert(position, name, value)
    frame["replicate"] = frame["replicate"].astype(np.int64)
    frame["seed"] = frame["seed"].astype(np.int64)
    return frame


def _empty_summary() -> pd.DataFrame:
    return pd.DataFrame(columns=list(compare_stats.SUMMARY_COLUMNS))


# ---------------------------------------------------------------------- the results folder
def open_folder(folder: Path, plan: ComparisonPlan, resume: bool) -> dict[tuple[str, int], RunOutcome]:
    """Create a new comparison folder, or check and load one to resume; return the runs saved in it."""
    if not folder.exists():
        _create_folder(folder, plan)
        return {}
    if not resume:
        raise ResultsFolderError(
            f"{folder}: results folder exists already; choose another --out, or --resume to finish the comparison in it"
        )
    manifest_path = folder / MANIFEST
    if not folder.is_dir() or not manifest_path.is_file():
        raise ResultsFolderError(f"{folder}: not a comparison folder (no {MANIFEST}); choose another --out")
    try:
        manifest = json.loads(manifest_path.read_text())
    except json.JSONDecodeError as error:
        raise ResultsFolderError(f"{manifest_path}: corrupt manifest ({error.msg} at line {error.lineno})") from None
    if manifest.get("kind") != "comparison":
        raise ResultsFolderError(f"{folder}: holds a {manifest.get('kind', 'different')} result, not a comparison")
    reason = identity_difference(manifest.get("identity", {}), plan.identity())
    if reason:
        raise ResultsFolderError(
            f"{folder}: holds another comparison ({reason}); refusing to mix results: choose another --out"
        )
    return load_saved_runs(folder, plan)


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


def _create_folder(folder: Path, plan: ComparisonPlan) -> None:
    """Create the folder with its manifest in one rename, so it never exists without one."""
    with new_folder(folder) as partial:
        (partial / RUNS_DIR).mkdir()
        manifest = {
            "kind": "comparison",
            "manifest_format": COMPARISON_FORMAT,
            "status": "running",
            "identity": plan.identity(),
            "created_at": utc_now().isoformat(),
            "scenario": plan.scenario.to_dict(),
            "packages": [
                {
                    "name": package.name,
                    "source": source,
                    "hash": package.content_hash(),
                    "total_budget_krw": package.total_budget_krw,
                    "folder": plan.arm_folder(package.name),
                    "package": package.to_dict(),
                }
                for package, source in zip(plan.packages, plan.sources, strict=True)
            ],
            "seeds": plan.seeds,
            "sessions": [],
            "environment": environment(),
        }
        (partial / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")


def run_folder(folder: Path, plan: ComparisonPlan, arm: str, replicate: int) -> Path:
    return folder / RUNS_DIR / plan.arm_folder(arm) / f"rep-{replicate:04d}"


def save_run(folder: Path, plan: ComparisonPlan, outcome: RunOutcome) -> Path:
    """Save one finished run (atomically: it appears whole or not at all)."""
    spec = plan.spec(outcome.package)
    manifest = {
        "kind": "comparison_run",
        "package": outcome.package,
        "package_hash": spec.content_hash() if spec else None,
        "replicate": outcome.replicate,
        "seed": outcome.seed,
        "scenario_hash": plan.scenario.content_hash(),
        "run_seconds": round(outcome.seconds, 3),
        "finished_at": utc_now().isoformat(),
    }
    return write_run(
        run_folder(folder, plan, outcome.package, outcome.replicate), outcome.timeseries, outcome.ledger, manifest
    )


def load_saved_runs(folder: Path, plan: ComparisonPlan) -> dict[tuple[str, int], RunOutcome]:
    """The runs saved in a comparison folder, checked against the plan; stale partial writes are removed."""
    saved: dict[tuple[str, int], RunOutcome] = {}
    for arm in plan.arms:
        arm_dir = folder / RUNS_DIR / plan.arm_folder(arm)
        if not arm_dir.is_dir():
            continue
        for partial in arm_dir.glob(".rep-*.partial-*"):  # a run interrupted while being written
            shutil.rmtree(partial, ignore_errors=True)
        spec = plan.spec(arm)
        for replicate in range(plan.reps):
            path = run_folder(folder, plan, arm, replicate)
            if not path.is_dir():
                continue
            run = read_run(path)
            info = run["manifest"]
            expected = {
                "package": arm,
                "replicate": replicate,
                "seed": plan.seeds[replicate],
                "package_hash": spec.content_hash() if spec else None,
                "scenario_hash": plan.scenario.content_hash(),
            }
            wrong = [key for key, value in expected.items() if info.get(key) != value]
            if wrong:
                raise ResultsFolderError(
                    f"{path}: run does not belong to this comparison ({', '.join(wrong)} differ); "
                    "refusing to mix results"
                )
            saved[(arm, replicate)] = RunOutcome(
                arm, replicate, plan.seeds[replicate], run["timeseries"], run["ledger"], float(info["run_seconds"])
            )
    return saved


def write_outputs(folder: Path, result: Comparison, session: dict[str, Any], *, figures: bool = True) -> None:
    """Write the summary, tables, ledgers, figures and the final manifest (each file atomically)."""
    files: list[Path] = []
    for name, frame in (("summary.csv", result.summary), ("effects.csv", result.effects)):
        _write_atomic(folder / name, lambda partial, frame=frame: frame.to_csv(partial, index=False))
        files.append(folder / name)
    for name, frame in (("replications.parquet", result.runs), ("ledgers.parquet", result.ledgers)):
        _write_atomic(folder / name, lambda partial, frame=frame: frame.to_parquet(partial, index=False))
        files.append(folder / name)
    if figures and not result.summary.empty:
        files.extend(result.save_figures(folder / "figures"))
    manifest_path = folder / MANIFEST
    manifest = json.loads(manifest_path.read_text())
    manifest["status"] = "complete" if result.complete else "incomplete"
    manifest["sessions"] = [*manifest.get("sessions", []), session]
    manifest["runs"] = {
        "planned": result.reps * len(result.arms),
        "finished": len(result.measures),
        "failed": len(result.failures),
        "replicates_in_summary": result.replicates_used,
    }
    manifest["failures"] = result.failures.drop(columns=["detail"]).to_dict(orient="records")
    manifest["statistics"] = {
        "effects": "package run minus the baseline run of the same seed (common random numbers)",
        "interval": f"{CONFIDENCE:.0%} two-sided Student t-interval across seeds (mean ± t·s/√n, ddof 1)",
        "money_per_job": f"ratio of mean money to mean jobs, {CONFIDENCE:.0%} Fieller interval",
        "shares": f"share of seeds with more job-years, {CONFIDENCE:.0%} Clopper-Pearson interval",
    }
    manifest["files"] = {path.relative_to(folder).as_posix(): sha256_of(path) for path in files}
    _write_atomic(
        manifest_path, lambda partial: partial.write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    )


def load_comparison(folder: str | Path) -> Comparison:
    """Read a comparison folder back (for notebooks): its runs, recomputed statistics, no new runs."""
    folder = Path(folder)
    manifest_path = folder / MANIFEST
    if not manifest_path.is_file():
        raise ResultsFolderError(f"{folder}: not a comparison folder (no {MANIFEST})")
    manifest = json.loads(manifest_path.read_text())
    if manifest.get("kind") != "comparison":
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
    )
    failures = [
        RunOutcome(f["package"], int(f["replicate"]), int(f["seed"]), error=f["error"])
        for f in manifest.get("failures", [])
    ]
    return assemble(plan, load_saved_runs(folder, plan), failures, folder)


def _write_atomic(path: Path, write: Callable[[Path], Any]) -> None:
    """Write through a temporary name in the same folder, then rename over ``path``."""
    partial = path.parent / f".{path.name}.partial-{os.getpid()}"
    try:
        write(partial)
        os.replace(partial, path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
