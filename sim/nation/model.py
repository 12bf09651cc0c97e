"""A national model: several regional models run month by month in step, linked by trade between them.

Each region is a :class:`~sim.model.RegionModel` of its own scenario (and package), on the
nation's calendar and scale, with its own seed drawn from the nation's seed and the region's
name (so a region's randomness does not depend on which other regions run beside it). The
order of a region's month is its own (sim/model.py STAGES); between months the nation sets
each region's sales to the other regions from their assembly plants' output (trade.py) and
sends each region's out-migrants bound for another region there (migration.py).
"""

from __future__ import annotations

import zlib
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.errors import InputError, ScenarioError
from sim.inputs.nation import Nation, load_nation
from sim.inputs.package import load_package
from sim.model import DEFAULT_MAX_MEMORY, RegionModel, estimate_memory_bytes, format_bytes, seed_from
from sim.nation import commuting, investment, performance, trade
from sim.nation.hosts import Inbox, Outbox, ProcessHost, RegionHost, RegionInfo, spread

_SEED_BITS = 62

#: The commuters table's columns (``NationModel.commuters``).
COMMUTER_COLUMNS = [
    "month",
    "home",
    "work",
    "commuters",
    "jobs_held",
    "searching",
    "seekers_in_work_region",
    "hired",
    "jobs_lost",
    "started_search",
    "left_home_region",
    "seekers_benefits_krw",
]


def region_seed(seed: int, region: str) -> int:
    """The seed of one region's model: a mix of the nation's seed and the region's name."""
    state = np.random.SeedSequence([int(seed), zlib.crc32(region.encode())]).generate_state(2, dtype=np.uint32)
    return int((int(state[0]) << 32 | int(state[1])) % (1 << _SEED_BITS))


def _hosted(host: Any, by_region: dict[str, Any]) -> dict[str, Any]:
    """The part of a mapping by region name that concerns the regions ``host`` runs."""
    return {name: value for name, value in by_region.items() if name in host.regions}


class NationModel:
    """Regions of a nation file run together (issue 16).

    ``packages`` maps region names to packages (a shipped name, a path or a Package) and
    replaces the nation file's; ``scale`` and ``months`` override the file's. ``max_memory``:
    the bytes the regions' estimated memory may need together (None: 8 GiB; False: no check).
    ``workers``: processes the regions are spread over (1: this process; the results are the
    same to the bit whatever the number, sim/nation/hosts.py). ``unit_records``: keep who worked
    where in each region (:meth:`units`, for a nation comparison's gross-to-net bridge).
    """

    def __init__(
        self,
        nation: Nation | str | Path,
        *,
        rng: Any = None,
        scale: float | None = None,
        months: int | None = None,
        packages: dict[str, Any] | None = None,
        max_memory: int | bool | None = None,
        workers: int = 1,
        unit_records: bool = False,
    ) -> None:
        overrides = {key: value for key, value in (("scale", scale), ("months", months)) if value is not None}
        nation = load_nation(nation, overrides)
        self.nation = nation
        self.seed = seed_from(rng)
        self.months = nation.spec.nation.months
        self.unit_records = unit_records
        self._units: dict[str, dict[str, np.ndarray]] = {}
        unknown = sorted(set(packages or {}) - set(nation.region_names))
        if unknown:
            raise ValueError(f"packages name regions not in {nation.source}: {unknown}; regions: {nation.region_names}")
        chosen = {name: (packages or {}).get(name, nation.package_of(name)) for name in nation.region_names}
        if max_memory is not False:
            self._check_memory(chosen, max_memory)
        seeds = {name: (region_seed(self.seed, name), chosen[name]) for name in nation.region_names}
        self.workers = max(1, min(int(workers), len(seeds)))
        if self.workers == 1:
            self._hosts: list[Any] = [RegionHost(nation, seeds, unit_records)]
            info = self._hosts[0].info()
        else:
            sizes = {name: float(nation.scenarios[name].population.labour_force) for name in nation.region_names}
            self._hosts = [
                ProcessHost(nation, {name: seeds[name] for name in group}, unit_records)
                for group in spread(sizes, self.workers)
            ]
            try:
                for host in self._hosts:
                    host.started()
                info = {}
                for host in self._hosts:
                    host.send("info")
                for host in self._hosts:
                    info.update(host.receive())
            except BaseException:
                self.close()
                raise
        self._info: dict[str, RegionInfo] = {name: info[name] for name in nation.region_names}
        for index, link in enumerate(nation.spec.trade):
            if self._info[link.buyer].assembly_base_krw <= 0:
                self.close()
                raise ScenarioError(
                    nation.source, f"trade[{index}].buyer", link.buyer, "allowed: a region with an assembly plant"
                )
        expected: dict[str, float] = {}
        for link in nation.spec.migration:
            flow = link.share_of_out_migrants * self._info[link.origin].expected_out_migrants_per_month
            expected[link.destination] = expected.get(link.destination, 0.0) + flow
        self._call("expect_migrants", lambda host: (_hosted(host, expected),))
        self._commuters: list[dict[str, Any]] = []
        if nation.spec.commuting:
            try:
                self._start_commuting()
            except BaseException:
                self.close()
                raise
        self._inboxes: dict[str, Inbox] = {}
        self._tables: dict[str, pd.DataFrame] | None = None
        self._flows: list[dict[str, Any]] = []
        self._firm_moves: list[dict[str, Any]] = []
        self._reviews: list[dict[str, Any]] = []
        #: Each worker process's peak resident memory, MB, read when the run ends (workers > 1).
        self.worker_peak_memory_mb: list[float] = []
        self.steps = 0

    def _start_commuting(self) -> None:
        """The [[commuting]] links' commuters at the start, their search rates, and the outside markets less them.

        A link's commuters at the start are its share of the work region's employed in-commuters; the home region
        must have as many out-commuters (for all its links), or a one-line error. The two regions are sampled apart
        (each its own whole firms), so the home's out-commuters and the work regions' in-commuters from it differ by
        sampling error: a shortfall within four standard errors (commuting.sampling_variance and
        out_commuters_variance, upper bounds) is sampling, and the home's links take its out-commuters in
        proportion to their counts, rounded down; a larger one is the error.
        """
        links, source = self.nation.spec.commuting, self.nation.source
        facts: dict[str, commuting.Facts] = self._call("commute_facts", lambda host: ())
        counts: dict[str, list[tuple[int, int]]] = {}
        taken: dict[str, int] = {}
        variance = {home: commuting.out_commuters_variance(facts[home]) for home in {link.home for link in links}}
        for link in links:
            variance[link.home] += commuting.sampling_variance(link, facts[link.work])
        for index, link in enumerate(links):
            count = round(link.share_of_in_commuters * facts[link.work].in_commuters_employed)
            taken[link.home] = taken.get(link.home, 0) + count
            if taken[link.home] > facts[link.home].out_commuters + 4.0 * variance[link.home] ** 0.5:
                raise ScenarioError(
                    source,
                    f"commuting[{index}].share_of_in_commuters",
                    link.share_of_in_commuters,
                    f"allowed: a share whose commuters ({count} of {link.work}'s "
                    f"{facts[link.work].in_commuters_employed} employed in-commuters at the start, sample) "
                    f"{link.home}'s out-commuters can hold "
                    f"({facts[link.home].out_commuters} in all, for all its links, give or take "
                    f"{4.0 * variance[link.home] ** 0.5:.0f} of sampling)",
                )
            counts.setdefault(link.home, []).append((index, count))
        for home, held in counts.items():
            available = facts[home].out_commuters
            if taken[home] > available:  # sampling (above): the links share what the home holds
                counts[home] = [(index, count * available // taken[home]) for index, count in held]
                taken[home] = sum(count for _, count in counts[home])
        people = self._call("commute_tag", lambda host: (_hosted(host, counts),))
        by_work: dict[str, dict[int, commuting.People]] = {}
        for index, link in enumerate(links):
            by_work.setdefault(link.work, {})[index] = people[link.home][index]
        jobs = self._call("commute_pair", lambda host: (_hosted(host, by_work),))
        by_home: dict[str, dict[int, commuting.ToHome]] = {}
        rates: dict[str, list[tuple[int, float]]] = {}
        for index, link in enumerate(links):
            by_home.setdefault(link.home, {})[index] = jobs[link.work][index]
            rate = commuting.search_rate_per_month(link, facts[link.work], facts[link.home])
            rates.setdefault(link.home, []).append((index, rate))
            self._commuters.append(
                {
                    "month": 0,
                    "home": link.home,
                    "work": link.work,
                    "commuters": dict(counts[link.home])[index],
                    "jobs_held": len(jobs[link.work][index].employed),
                    "searching": 0,
                    "seekers_in_work_region": 0,
                    "hired": 0,
                    "jobs_lost": 0,
                    "started_search": 0,
                    "left_home_region": 0,
                    "seekers_benefits_krw": 0.0,
                }
            )
        finding = {home: 1.0 - taken[home] / facts[home].out_commuters for home in taken if facts[home].out_commuters}
        arrival: dict[str, float] = {}
        for link in links:
            arrival[link.work] = arrival.get(link.work, 1.0) - link.share_of_in_commuters
        parts = (by_home, rates, finding, arrival)
        self._call("commute_start", lambda host: tuple(_hosted(host, part) for part in parts))

    @property
    def regions(self) -> dict[str, RegionModel]:
        """The regions' models, when they run in this process (``workers=1``)."""
        if self.workers != 1:
            raise AttributeError("the regions run in worker processes (workers > 1); use results(), totals(), flows()")
        return self._hosts[0].models

    def _call(self, call: str, arguments: Any) -> dict[str, Any]:
        """Call ``call`` on every host (in parallel across worker processes); merge their answers."""
        answers: dict[str, Any] = {}
        if self.workers == 1:
            host = self._hosts[0]
            return getattr(host, call)(*arguments(host)) or {}
        for host in self._hosts:
            host.send(call, *arguments(host))
        for host in self._hosts:
            answers.update(host.receive() or {})
        return answers

    def close(self) -> None:
        """Stop the worker processes, if any (after ``run`` they are stopped already)."""
        for host in getattr(self, "_hosts", []):
            host.close()

    def _check_memory(self, packages: dict[str, Any], limit: int | None) -> None:
        """Refuse, in one line, a nation whose regions' estimated memory together exceeds ``limit`` (default 8 GiB).

        Each region's estimate is sim/model.py's ``estimate_memory_bytes``, which is cautious: a synthetic nation
        of 4.6 million people at scale 0.1 peaked at 1.1 GB (benchmarks/national_run.py).
        """
        limit = DEFAULT_MAX_MEMORY if limit is None else int(limit)
        needs = {}
        for name, package in packages.items():
            loaded = None if package is None else load_package(package)
            needs[name] = estimate_memory_bytes(self.nation.scenarios[name], loaded)[0]
        total = sum(needs.values())
        if total > limit:
            largest = max(needs, key=needs.__getitem__)
            raise InputError(
                f"{self.nation.source}: regions: got {len(needs)} regions needing about {format_bytes(total)} "
                f"together ({largest} the most, {format_bytes(needs[largest])}); allowed: at most "
                f"{format_bytes(limit)} (--max-memory); lower the scale or months, or raise --max-memory"
            )

    @property
    def running(self) -> bool:
        return self.steps < self.months

    def step(self) -> None:
        """One month in every region (across worker processes at once), then the links that act next month."""
        if self._tables is not None:
            raise RuntimeError("the nation has run to its horizon")
        month = self.steps + 1
        inboxes, self._inboxes = self._inboxes, {}
        outboxes = self._call("step", lambda host: (_hosted(host, inboxes), month))
        self.steps = month
        self._route(outboxes)
        if self.steps == self.months:  # the tables are final: read once (from the workers, which then stop)
            self._tables = self._call("results", lambda host: ())
            if self.unit_records:
                self._units = self._call("units", lambda host: ())
            if self.workers != 1:
                self.worker_peak_memory_mb = list(self._call("peak_memory_mb", lambda host: ()).values())
                self.close()

    def _inbox(self, name: str) -> Inbox:
        return self._inboxes.setdefault(name, Inbox())

    def _route(self, outboxes: dict[str, Outbox]) -> None:
        """Next month's inboxes from this month's outboxes, region by region in the nation file's order."""
        spec = self.nation.spec
        if spec.trade:
            index = {name: outboxes[name].assembly_index for name in self.nation.region_names}
            sectors = {name: info.sector_names for name, info in self._info.items()}
            for name, multiplier in trade.sales_multipliers(spec.trade, sectors, index).items():
                if any(link.seller == name for link in spec.trade):
                    self._inbox(name).sales_to_regions = multiplier
        for name in self.nation.region_names:
            for destination, group in outboxes[name].migrants.items():
                self._inbox(destination).migrants.append(group)
                self._flows.append(
                    {
                        "month": self.steps,
                        "origin": name,
                        "destination": destination,
                        "migrants": len(group.birth_month),
                        "in_labour_force": int(group.in_labour_force.sum()),
                    }
                )
        for link in spec.migration:  # relative prospects: each origin learns its destinations' in-migration factors
            factor = outboxes[link.destination].in_migration_factor
            self._inbox(link.origin).prospects[link.destination] = factor
        self._review(outboxes)
        for name in self.nation.region_names:
            for origin, sector in outboxes[name].moved_firms:
                if investment.could_have_gone(self.nation.scenarios[origin], sector):
                    lost = self._inbox(origin).lost_firms
                    lost[sector] = lost.get(sector, 0) + 1
                    self._firm_moves.append(
                        {"month": self.steps, "destination": name, "origin": origin, "sector": sector}
                    )
        if spec.commuting:
            self._route_commuting(outboxes)

    def _review(self, outboxes: dict[str, Outbox]) -> None:
        """Seed 004's performance rule: move the programme's budgets between regions by jobs per bn KRW."""
        rule = self.nation.spec.performance
        reported = {name: outboxes[name].performance for name in self.nation.region_names}
        reported = {name: values for name, values in reported.items() if values is not None}
        if rule is None or len(reported) < 2 or self.steps >= self.months:  # nothing to spend after the horizon
            return
        totals = {name: values[2] for name, values in reported.items()}
        spent = {name: values[1] for name, values in reported.items()}
        scores = {name: performance.jobs_per_bn_krw(values[0], values[1]) for name, values in reported.items()}
        after = performance.reallocate(totals, spent, scores, rule.performance_share)
        for name, (jobs, spent_krw, total_krw) in reported.items():
            self._inbox(name).budget_krw = after[name]
            self._reviews.append(
                {
                    "month": self.steps,
                    "region": name,
                    "jobs": jobs,
                    "spent_krw": spent_krw,
                    "jobs_per_bn_krw": scores[name],
                    "budget_before_krw": total_krw,
                    "budget_after_krw": after[name],
                }
            )

    def reviews(self) -> pd.DataFrame:
        """Each review of the performance rule, by region (sample units).

        Columns: month, region, the programme's jobs added at its supported firms, KRW spent, jobs per
        bn KRW, and its total budget before and after.
        """
        columns = ["month", "region", "jobs", "spent_krw", "jobs_per_bn_krw", "budget_before_krw", "budget_after_krw"]
        return pd.DataFrame(self._reviews, columns=columns)

    def _route_commuting(self, outboxes: dict[str, Outbox]) -> None:
        """Each [[commuting]] link's news to the other end, and its row of the commuters table."""
        for index, link in enumerate(self.nation.spec.commuting):
            to_work, to_home = outboxes[link.home].to_work[index], outboxes[link.work].to_home[index]
            self._inbox(link.work).to_work[index] = to_work
            self._inbox(link.home).to_home[index] = to_home
            self._commuters.append(
                {
                    "month": self.steps,
                    "home": link.home,
                    "work": link.work,
                    "commuters": to_work.commuters,
                    "jobs_held": len(to_home.employed),
                    "searching": to_work.searching,
                    "seekers_in_work_region": len(to_home.seeking),
                    "hired": to_home.hired,
                    "jobs_lost": to_home.jobs_lost,
                    "started_search": len(to_work.seekers.keys),
                    "left_home_region": len(to_work.gone),
                    "seekers_benefits_krw": to_home.seekers_benefits_krw,
                }
            )

    def commuters(self) -> pd.DataFrame:
        """Commuters by [[commuting]] link and month, each person once (sample units).

        Columns: month, home, work; ``commuters``: the home region's residents employed in the work region (end of
        month, the home region's count); ``jobs_held``: the work region's jobs they hold (its count: the same people,
        the home region learning of hires and job losses the next month); ``searching``: the home region's
        unemployed residents searching in the work region; ``seekers_in_work_region``: of them, those the work
        region holds (the rest arrive next month); ``hired``: the link's seekers the work region hired;
        ``started_search``: residents who started a search there; ``left_home_region``: the link's people the home
        region lost (moved out, aged out, left the labour force), whose jobs or searches end the next month;
        ``seekers_benefits_krw``: the unemployment benefits of the seekers the work region holds, in its
        ``benefit_income`` (KRW a month; the home region pays them to its households, and the nation's totals count
        them there only).
        """
        return pd.DataFrame(self._commuters, columns=COMMUTER_COLUMNS)

    def firm_moves(self) -> pd.DataFrame:
        """Firms one region attracted that would have located in another region of the nation, which lost them.

        Columns: month, destination, origin, sector; full-population firms.
        """
        return pd.DataFrame(self._firm_moves, columns=["month", "destination", "origin", "sector"])

    def flows(self) -> pd.DataFrame:
        """Migrants sent between the nation's regions, by the month they left (they arrive the next month).

        Columns: month, origin, destination, migrants, in_labour_force (of them); sample units.
        """
        return pd.DataFrame(self._flows, columns=["month", "origin", "destination", "migrants", "in_labour_force"])

    def run(self) -> pd.DataFrame:
        """Run to the horizon; return every region's monthly table (see :meth:`results`)."""
        while self.running:
            self.step()
        return self.results()

    def tables(self) -> dict[str, pd.DataFrame]:
        """Each region's monthly table by region name (sample units), as far as the nation has run."""
        if self._tables is not None:
            return self._tables
        return self._call("results", lambda host: ())

    def units(self) -> dict[str, dict[str, np.ndarray]]:
        """Each region's unit record by region name, read at the horizon (``unit_records=True``)."""
        if not self.unit_records or self._tables is None:
            raise RuntimeError("unit records are kept with unit_records=True and read when the nation has run")
        return self._units

    def results(self) -> pd.DataFrame:
        """The regions' monthly tables, one after another, with a ``region`` column first (sample units)."""
        by_region = self.tables()
        tables = []
        for name in self.nation.region_names:
            table = by_region[name].copy()
            table.insert(0, "region", name)
            tables.append(table)
        return pd.concat(tables, ignore_index=True)

    def totals(self) -> pd.DataFrame:
        """The nation's monthly totals: counts and money flows summed over regions; rates from the sums.

        Summed: whole-number columns (people, jobs, firms, events) and money columns (KRW); not
        summed: means and rates, except the unemployment rate and the 15+ employment rate, which
        are recomputed from their sums. Columns a region lacks count as zero.
        """
        by_region = self.tables()
        tables = [by_region[name] for name in self.nation.region_names]
        additive = sorted(set().union(*(info.additive_columns for info in self._info.values())))
        keys = ["month", "date"]
        summed = {
            column: sum(table[column].to_numpy() if column in table else np.zeros(len(table)) for table in tables)
            for column in additive
            if column not in keys
        }
        if self.nation.spec.commuting and {"unemployed", "labour_force"} <= set(summed):
            # A linked seeker is an unemployed resident of the home region and a seeker in the work region's market:
            # counted once (the home region's), as commuters() says; so are the benefits the seeker receives.
            seekers = self.commuters().groupby("month")["seekers_in_work_region"].sum()
            counted = seekers.reindex(tables[0]["month"], fill_value=0).to_numpy()
            summed["unemployed"] = summed["unemployed"] - counted
            summed["labour_force"] = summed["labour_force"] - counted
            if "benefit_income" in summed:
                benefits = self.commuters().groupby("month")["seekers_benefits_krw"].sum()
                summed["benefit_income"] = (
                    summed["benefit_income"] - benefits.reindex(tables[0]["month"], fill_value=0.0).to_numpy()
                )
        if {"unemployed", "labour_force"} <= set(summed):
            force = summed["labour_force"]
            summed["unemployment_rate"] = np.where(force > 0, summed["unemployed"] / np.maximum(force, 1), np.nan)
        if {"residents_employed", "population_15plus"} <= set(summed):
            people = summed["population_15plus"]
            summed["employment_rate_15plus"] = np.where(
                people > 0, summed["residents_employed"] / np.maximum(people, 1), np.nan
            )
        return pd.concat([tables[0][keys].reset_index(drop=True), pd.DataFrame(summed)], axis=1)
