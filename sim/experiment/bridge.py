"""The gross-to-net bridge: from the jobs a programme would report to the net jobs against the baseline twin.

Programmes report gross outputs (jobs retained, subsidised hires, placements, jobs in the
firms they supported). The model measures net job-years: the package run minus its baseline
twin of the same seed (common random numbers). The bridge splits the difference, seed by seed,
in the additionality terms of the UK evaluation guides (HM Treasury Green Book; the HCA/English
Partnerships Additionality Guide, 4th ed. 2014): deadweight, substitution, displacement and
multiplier (here "induced") effects.

Every run of a comparison keeps who worked where (:class:`sim.records.UnitRecords`): job-months
by (worker key, firm key), and the firms and workers each intervention touched. Both twins name
the same workers and firms by the same stable keys, so the net change in job-months splits
exactly into cells (worker, firm), and the cells into four groups (job-years, sample units):

- **direct**: jobs of the supported units: at firms that a firm programme supported
  (``bridge_units = "firms"``) or held by participants of a worker programme
  (``bridge_units = "workers"``), anywhere;
- **substitution**: non-participants' jobs at the firms that hired or took in participants of
  a worker programme (subsidised hires, placements, foreign workers): others' jobs that the
  participants may have taken (negative) or not;
- **displacement**: jobs at unsupported firms of the sectors where supported firms are (for a
  firm programme, any sector: a social enterprise's sales are taken from other local firms; for
  a worker programme, the traded sectors of the firms that took participants in): competitors
  losing orders or staff (negative), or firms of the same chains gaining through the supply
  chain (positive; the sign says which won);
- **induced**: the change at every other firm (local services through household spending,
  other sectors), the multiplier.

Per intervention ``k``: its gross ``G_k`` (job-years, as its report would claim, the rule in its
class's ``gross_rule``), the change ``A_k`` in the direct jobs of its own units, and its
deadweight ``D_k = min(max(G_k - A_k, 0), G_k)``: the part of the claim that the baseline twin
had anyway at those units. The package's ``bridge_residual`` is what the direct change holds
beyond the claims net of deadweight, ``A - sum(G_k - D_k)``: units' gains the programmes do not
claim (positive) or losses beyond their claims (negative), and the overlap of interventions
that support the same units. The identity, exact seed by seed up to float rounding::

    gross - deadweight + bridge_residual + substitution + displacement + induced == job_years

Beside the job-years, each intervention's claim as a headcount, ``gross_headcount`` (jobs, the
rule in its class's ``headcount_rule``): what a programme announces as "N jobs" (jobs covered
at the peak month, people hired or placed, jobs at the supported firms when first supported).
A headcount is not a flow over time, so it stands beside the bridge, not in its identity.

Firms that exist in one twin only (entrants a policy brought, or entries that differ between
twins) are in their cells like any other, with no jobs in the other twin. The spill-over parts
(substitution, displacement, induced) are package-wide: a cell cannot be told apart by
intervention once several act on the same economy.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from sim.inputs.package import Package
from sim.inputs.scenario import Scenario
from sim.policy.base import REGISTRY

#: The spill-over parts and the residual, in the order of the identity.
PARTS = ("substitution", "displacement", "induced", "bridge_residual")


def gross_job_years(
    rule: tuple[str, str | None] | None, name: str, table: pd.DataFrame, units: Mapping[str, np.ndarray], months: int
) -> float:
    """An intervention's gross output in job-years, as its programme report would claim it (sample units).

    ``("months", c)``: column ``<name>_<c>`` is the jobs held that month; its sum is job-months.
    ``("to_horizon", c)``: each event counted in month m claims a job from m to the horizon T
    (T - m + 1 months). ``("supported_firms", None)``: the jobs of the firms it supported from
    each one's first month of support to the horizon. None: no claim.
    """
    if rule is None:
        return 0.0
    kind, column = rule
    if kind == "supported_firms":
        return float(np.sum(units.get(f"supported_months__{name}", np.zeros(0)))) / 12.0
    counts = table[f"{name}_{column}"].to_numpy(dtype=float)[1:]
    if kind == "months":
        return float(counts.sum()) / 12.0
    if kind == "to_horizon":
        month = np.arange(1, len(counts) + 1)
        return float((counts * (months - month + 1)).sum()) / 12.0
    raise ValueError(f"unknown gross rule {rule!r}")


def gross_headcount(
    rule: tuple[str, str | None] | None,
    name: str,
    table: pd.DataFrame,
    units: Mapping[str, np.ndarray],
    jobs_per_bn_krw: float = 0.0,
) -> float:
    """An intervention's gross output as a headcount, the "jobs" its programme would announce (sample units).

    ``("peak", c)``: the largest monthly value of ``<name>_<c>`` (jobs covered at once, as a
    monthly report counts them). ``("events", c)``: ``<name>_<c>`` summed over months 1..T
    (people hired or placed). ``("first_support", None)``: each supported firm's jobs in the
    month it was first supported, summed over the firms. ``("spending", c)``: the KRW of
    ``<name>_<c>`` summed over months 1..T, in bn, times ``jobs_per_bn_krw`` (an employment
    inducement coefficient). None: no claim. NaN when a run's unit
    record predates the headcount (no ``first_jobs__<name>``).
    """
    if rule is None:
        return 0.0
    kind, column = rule
    if kind == "first_support":
        jobs = units.get(f"first_jobs__{name}")
        if jobs is None:
            return float("nan") if f"touched_firms__{name}" in units else 0.0
        return float(np.sum(jobs))
    counts = table[f"{name}_{column}"].to_numpy(dtype=float)[1:]
    if kind == "peak":
        return float(counts.max()) if len(counts) else 0.0
    if kind == "events":
        return float(counts.sum())
    if kind == "spending":
        return float(counts.sum()) / 1e9 * jobs_per_bn_krw
    raise ValueError(f"unknown headcount rule {rule!r}")


def _keys(units: Mapping[str, np.ndarray], name: str) -> np.ndarray:
    return units.get(name, np.zeros(0, dtype=np.uint64))


def bridge(
    package_units: Mapping[str, np.ndarray],
    baseline_units: Mapping[str, np.ndarray],
    package: Package,
    table: pd.DataFrame,
    config: Scenario,
) -> dict[str, float]:
    """The bridge of one package run against its baseline twin, in job-years of the sample.

    Returns ``gross``, ``gross_<output>`` (summed over interventions with that output),
    ``gross__<intervention>``, ``gross_headcount`` and ``gross_headcount__<intervention>`` (the
    same claims as headcounts, jobs: :func:`gross_headcount`; not part of the identity),
    ``deadweight``, ``deadweight__<intervention>``, the parts in
    :data:`PARTS` and ``bridge_net`` (the net change in job-years the cells sum to, equal to the
    comparison's ``job_years``).
    """
    months = config.scenario.months
    workers = np.concatenate([package_units["pair_worker"], baseline_units["pair_worker"]])
    firms = np.concatenate([package_units["pair_firm"], baseline_units["pair_firm"]])
    change = np.concatenate(
        [package_units["pair_months"].astype(np.int64), -baseline_units["pair_months"].astype(np.int64)]
    )

    def job_years(mask: np.ndarray) -> float:
        return float(change[mask].sum()) / 12.0

    result: dict[str, float] = {}
    direct = np.zeros(len(change), dtype=bool)
    hosts = np.zeros(len(change), dtype=bool)  # firms that hired or took in participants
    supported_firms: list[np.ndarray] = []  # of firm programmes: their sectors, any sector, are competitors'
    host_firms: list[np.ndarray] = []  # of worker programmes: their traded sectors only
    claimed = 0.0
    for item in package.interventions:
        cls = REGISTRY[item.type]
        touched_firms = _keys(package_units, f"touched_firms__{item.name}")
        touched_workers = _keys(package_units, f"touched_workers__{item.name}")
        if cls.bridge_units == "firms":
            own = np.isin(firms, touched_firms)
            supported_firms.append(touched_firms)
        elif cls.bridge_units == "workers":
            own = np.isin(workers, touched_workers)
            hosts |= np.isin(firms, touched_firms)
            host_firms.append(touched_firms)
        else:
            own = np.zeros(len(change), dtype=bool)
        direct |= own
        gross = gross_job_years(cls.gross_rule, item.name, table, package_units, months)
        additional = job_years(own)
        deadweight = min(max(gross - additional, 0.0), gross)
        result[f"gross__{item.name}"] = gross
        result[f"gross_headcount__{item.name}"] = gross_headcount(
            cls.headcount_rule, item.name, table, package_units, cls.announced_jobs_per_bn_krw
        )
        result[f"deadweight__{item.name}"] = deadweight
        if cls.gross_output is not None:
            key = f"gross_{cls.gross_output}"
            result[key] = result.get(key, 0.0) + gross
        claimed += gross - deadweight
    result["gross"] = sum(result[f"gross__{item.name}"] for item in package.interventions)
    result["gross_headcount"] = sum(result[f"gross_headcount__{item.name}"] for item in package.interventions)
    result["deadweight"] = sum(result[f"deadweight__{item.name}"] for item in package.interventions)

    substitution = hosts & ~direct
    firm_keys = np.concatenate([package_units["firm_key"], baseline_units["firm_key"]])
    firm_sectors = np.concatenate([package_units["firm_sector"], baseline_units["firm_sector"]])
    traded = np.array([config.sector_code(name) for name in config.traded_names], dtype=np.int64)
    supported = np.concatenate([np.zeros(0, dtype=np.uint64), *supported_firms])
    hosted = np.concatenate([np.zeros(0, dtype=np.uint64), *host_firms])
    supported_sectors = np.union1d(
        firm_sectors[np.isin(firm_keys, supported)],
        np.intersect1d(firm_sectors[np.isin(firm_keys, hosted)], traded),
    )
    sector_keys = firm_keys[np.isin(firm_sectors, supported_sectors)]
    displacement = np.isin(firms, sector_keys) & ~direct & ~substitution
    induced = ~(direct | substitution | displacement)

    result["substitution"] = job_years(substitution)
    result["displacement"] = job_years(displacement)
    result["induced"] = job_years(induced)
    result["bridge_residual"] = job_years(direct) - claimed
    result["bridge_net"] = float(change.sum()) / 12.0
    return result


class PairedBridges:
    """Bridges computed as soon as both twins of a seed have finished, so unit records need not wait.

    A comparison's runs finish in any order. Each package run's bridge needs its own unit record
    and its baseline twin's; kept to the end, every run's record would be in memory at once (at
    full scale about 22 MB a run for Gwangju). Here a package run's record is used as soon as its
    twin has finished and then let go; a baseline's record is let go once every package's run of
    that replicate has its bridge. ``rows`` holds the bridges by (package, replicate).
    """

    def __init__(self, packages: Mapping[str, Package], config: Scenario, baseline: str) -> None:
        self.packages = packages
        self.config = config
        self.baseline = baseline
        self.rows: dict[tuple[str, int], dict[str, float]] = {}
        self._baselines: dict[int, Mapping[str, np.ndarray]] = {}
        self._waiting: dict[int, list[tuple[str, int, Mapping[str, np.ndarray], pd.DataFrame]]] = {}

    @property
    def records_held(self) -> int:
        """Unit records held now: baselines whose packages are not all done, and package runs awaiting their twin."""
        return len(self._baselines) + sum(len(waiting) for waiting in self._waiting.values())

    def add(self, arm: str, replicate: int, seed: int, units: Mapping[str, np.ndarray], table: pd.DataFrame) -> None:
        """Take one finished run's unit record (and monthly table); compute every bridge it completes."""
        if arm == self.baseline:
            self._baselines[replicate] = units
            for waiting in self._waiting.pop(replicate, []):
                self._compute(replicate, *waiting)
        elif replicate in self._baselines:
            self._compute(replicate, arm, seed, units, table)
        else:
            self._waiting.setdefault(replicate, []).append((arm, seed, units, table))
        done = sum(1 for package in self.packages if (package, replicate) in self.rows)
        if done == len(self.packages):
            self._baselines.pop(replicate, None)

    def _compute(
        self, replicate: int, arm: str, seed: int, units: Mapping[str, np.ndarray], table: pd.DataFrame
    ) -> None:
        base = self._baselines[replicate]
        self.rows[(arm, replicate)] = {
            "package": arm,
            "replicate": replicate,
            "seed": seed,
            **bridge(units, base, self.packages[arm], table, self.config),
        }
