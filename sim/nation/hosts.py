"""Where a nation's regions run: in this process, or spread over worker processes that step them in parallel.

A region's month needs nothing from the other regions but what the links deliver between
months, so the regions can step at the same time. A host holds some regions' models; each
month the nation gives every region its inbox (what the links bring it: sales to other
regions, arriving migrants, firms lost to another region's incentive), the host applies it,
steps the region and returns its outbox (its assembly plants' output over their base, the
migrants it sends, the firms it attracted from other regions with their chosen origins). The
nation routes outboxes into next month's inboxes in the nation file's order of regions, so
the results do not depend on how the regions are spread over hosts (tested bit for bit).
Worker processes start from a fork server (spawned where there is none); each builds its own
regions from the nation it is sent, and only the links' small messages and, at the end, the
monthly tables cross between processes.
"""

from __future__ import annotations

import multiprocessing
import resource
import traceback
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from sim.inputs.nation import Nation
from sim.model import RegionModel
from sim.nation import commuting, investment, migration, trade
from sim.records import INT, columns_for
from sim.region.mobility import Migrants


@dataclass
class Inbox:
    """What the links bring a region for its next month."""

    sales_to_regions: np.ndarray | None = None
    migrants: list[Migrants] = field(default_factory=list)
    lost_firms: dict[str, int] = field(default_factory=dict)
    prospects: dict[str, float] = field(default_factory=dict)  # linked destinations' in-migration factors
    budget_krw: float | None = None  # the performance programme's new total budget (sample KRW)
    to_work: dict[int, commuting.ToWork] = field(default_factory=dict)  # by [[commuting]] link: from its home region
    to_home: dict[int, commuting.ToHome] = field(default_factory=dict)  # from its work region


@dataclass
class Outbox:
    """What a region's month gives the links."""

    assembly_index: float
    migrants: dict[str, Migrants]
    moved_firms: list[tuple[str, str]]  # (origin region, sector) of the firms it attracted from other regions
    in_migration_factor: float = 1.0  # this month's prospects factor of in-migration (mobility.py)
    performance: tuple[float, float, float] | None = (
        None  # the performance programme's jobs, spent, total (review months)
    )
    to_work: dict[int, commuting.ToWork] = field(default_factory=dict)  # by link of which it is the home region
    to_home: dict[int, commuting.ToHome] = field(default_factory=dict)  # by link of which it is the work region


@dataclass
class RegionInfo:
    """What the nation needs to know of a region once it is built."""

    assembly_base_krw: float
    expected_out_migrants_per_month: float
    sector_names: tuple[str, ...]
    additive_columns: list[str]


class RegionHost:
    """Some of the nation's regions, built and stepped in this process."""

    def __init__(self, nation: Nation, regions: dict[str, tuple[int, Any]], unit_records: bool = False) -> None:
        """Build the regions this host runs.

        ``regions``: name -> (seed, package); ``unit_records``: keep who worked where in each region
        (``RegionModel(unit_records=True)``, for a nation comparison's bridge).
        """
        self.nation = nation
        self.models = {
            name: RegionModel(
                nation.scenarios[name], rng=seed, package=package, max_memory=False, unit_records=unit_records
            )
            for name, (seed, package) in regions.items()
        }
        self.regions = list(self.models)
        self._base = {name: trade.assembly_base_krw(model.region) for name, model in self.models.items()}
        #: By origin region: its migration destinations' in-migration factors last month (1 until known).
        self._prospects: dict[str, dict[str, float]] = {}
        links = nation.spec.commuting
        #: By region: the [[commuting]] links of which it is the home region (index, search rate a month, set by
        #: ``commute_start``) and those of which it is the work region.
        self._home_links: dict[str, list[tuple[int, float]]] = {name: [] for name in self.models}
        self._work_links = {name: [i for i, link in enumerate(links) if link.work == name] for name in self.models}
        for name, model in self.models.items():
            if any(name in (link.home, link.work) for link in links):
                commuting.register(model.region)

    def info(self) -> dict[str, RegionInfo]:
        info = {}
        for name, model in self.models.items():
            columns = {**columns_for(model.config), **model.desk.columns()}
            additive = [
                column
                for column, spec in columns.items()
                if spec.dtype == INT
                or ("KRW" in spec.unit and not column.startswith("mean_") and " / " not in spec.unit)
            ]
            expected = (
                migration.expected_out_migrants_per_month(model.region) if model.region.mobility is not None else 0.0
            )
            info[name] = RegionInfo(self._base[name], expected, model.config.sector_names, additive)
        return info

    def expect_migrants(self, per_month: dict[str, float]) -> None:
        """Each region's in-migrants a month from the nation's other regions at the start (taken out of its own)."""
        for name, expected in per_month.items():
            self.models[name].region.mobility.from_regions_per_month += expected

    def commute_facts(self) -> dict[str, commuting.Facts]:
        """The commuters at the start of the regions at either end of a [[commuting]] link."""
        return {
            name: commuting.facts(model.region)
            for name, model in self.models.items()
            if any(name in (link.home, link.work) for link in self.nation.spec.commuting)
        }

    def commute_tag(self, counts: dict[str, list[tuple[int, int]]]) -> dict[str, dict[int, commuting.People]]:
        """Home regions: (link, count) of their out-commuters become each link's commuters."""
        return {
            name: {index: commuting.tag_home(self.models[name].region, index, count) for index, count in plan}
            for name, plan in counts.items()
        }

    def commute_pair(self, people: dict[str, dict[int, commuting.People]]) -> dict[str, dict[int, commuting.ToHome]]:
        """Work regions: as many in-commuters' jobs become each link's, held by those people."""
        return {
            name: {index: commuting.pair_work(self.models[name].region, index, group) for index, group in plan.items()}
            for name, plan in people.items()
        }

    def commute_start(
        self,
        jobs: dict[str, dict[int, commuting.ToHome]],
        rates: dict[str, list[tuple[int, float]]],
        finding_scale: dict[str, float],
        arrival_share: dict[str, float],
    ) -> None:
        """Home regions take their commuters' jobs; search rates; the outside markets' flows less the links'."""
        for name, plan in jobs.items():
            for index, news in plan.items():
                commuting.settle_home(self.models[name].region, index, news)
        for name, links in rates.items():
            self._home_links[name] = links
        for name, scale in finding_scale.items():
            self.models[name].region.mobility.outside_finding_rate_per_month *= scale
        for name, share in arrival_share.items():
            self.models[name].region.mobility.outsider_arrival_share = share
            commuting.release_outsider_seekers(self.models[name].region, 1.0 - share)

    def step(self, inboxes: dict[str, Inbox], month: int) -> dict[str, Outbox]:
        """Deliver each region's inbox, step it through ``month``, and return its outbox."""
        spec = self.nation.spec
        outboxes = {}
        for name, model in self.models.items():
            inbox = inboxes.get(name)
            region = model.region
            if inbox is not None:
                if inbox.sales_to_regions is not None:
                    region.sales_to_regions = inbox.sales_to_regions
                if inbox.migrants:
                    region.mobility.incoming.extend(inbox.migrants)
                if inbox.prospects:
                    self._prospects[name] = inbox.prospects
                for sector, count in inbox.lost_firms.items():
                    region.arrivals_lost[sector] = region.arrivals_lost.get(sector, 0) + count
                if inbox.budget_krw is not None:
                    model.desk.set_budget_krw(spec.performance.intervention, inbox.budget_krw)
                for index in sorted(inbox.to_home):
                    commuting.receive_at_home(region, index, inbox.to_home[index], month)
                for index in sorted(inbox.to_work):
                    commuting.receive_at_work(region, index, inbox.to_work[index], month)
            home, work = self._home_links[name], self._work_links[name]
            before = {index: commuting.snapshot(region, index) for index in [i for i, _ in home] + work}
            model.step()
            base = self._base[name]
            sending = any(link.origin == name for link in spec.migration)
            outboxes[name] = Outbox(
                assembly_index=trade.assembly_output_krw(region) / base if base > 0 else 1.0,
                migrants=migration.send(name, region, spec.migration, month, self._prospects.get(name))
                if sending
                else {},
                in_migration_factor=region.mobility.in_migration_factor if region.mobility is not None else 1.0,
                moved_firms=investment.choose_origins(name, model, spec.investment, month),
                performance=_performance(model, spec, month),
                to_work=commuting.send_from_home(region, home, before, month) if home else {},
                to_home=commuting.send_from_work(region, work, before, month) if work else {},
            )
        return outboxes

    def results(self) -> dict[str, pd.DataFrame]:
        return {name: model.results() for name, model in self.models.items()}

    def units(self) -> dict[str, dict[str, np.ndarray] | None]:
        """Each region's unit record (who worked where; None unless the host keeps them)."""
        return {name: model.units() for name, model in self.models.items()}

    def peak_memory_mb(self) -> dict[str, float]:
        """This process's peak resident memory, MB (``ru_maxrss``), under the first of its regions' names."""
        return {next(iter(self.models)): resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}

    def close(self) -> None:
        """Nothing to release in this process."""


def _performance(model: RegionModel, spec: Any, month: int) -> tuple[float, float, float] | None:
    """The performance programme's jobs, spending and budget in a review month, if the region runs it."""
    rule = spec.performance
    if rule is None or month % rule.review_months != 0 or not model.desk.holds_performance(rule.intervention):
        return None
    return model.desk.programme_performance(rule.intervention)


def _serve(connection: Any, nation: Nation, regions: dict[str, tuple[int, Any]], unit_records: bool) -> None:
    """A worker process: build the regions, then answer the nation's calls until told to stop."""
    try:
        host = RegionHost(nation, regions, unit_records)
        connection.send(("ok", None))
    except BaseException as error:
        connection.send(("error", (error, traceback.format_exc())))
        return
    while True:
        call, args = connection.recv()
        if call == "close":
            connection.send(("ok", None))
            return
        try:
            connection.send(("ok", getattr(host, call)(*args)))
        except BaseException as error:
            connection.send(("error", (error, traceback.format_exc())))


class ProcessHost:
    """Some of the nation's regions in a worker process; calls are sent, then their answers collected."""

    def __init__(self, nation: Nation, regions: dict[str, tuple[int, Any]], unit_records: bool = False) -> None:
        # Not fork: the nation's process may run threads (numpy's pools); a fork server that has imported the
        # model once, as the comparison executors use (spawn where there is none).
        methods = multiprocessing.get_all_start_methods()
        context = multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")
        if context.get_start_method() == "forkserver":
            context.set_forkserver_preload(["sim.nation.hosts"])
        self._connection, child = context.Pipe()
        self._process = context.Process(target=_serve, args=(child, nation, regions, unit_records), daemon=True)
        self._process.start()
        child.close()
        self.regions = list(regions)

    def started(self) -> None:
        """Wait until the worker has built its regions (raising what it raised)."""
        self._answer()

    def send(self, call: str, *args: Any) -> None:
        self._connection.send((call, args))

    def _answer(self) -> Any:
        status, value = self._connection.recv()
        if status == "error":
            error, trace = value
            raise error from RuntimeError(f"in a worker process running {self.regions}:\n{trace}")
        return value

    def receive(self) -> Any:
        return self._answer()

    def close(self) -> None:
        if self._process.is_alive():
            try:
                self.send("close")
                self._answer()
            except (EOFError, OSError):
                pass
        self._process.join(timeout=10)
        if self._process.is_alive():
            self._process.kill()


def spread(sizes: dict[str, float], workers: int) -> list[list[str]]:
    """Regions over ``workers`` groups, largest first to the least loaded (by ``sizes``), each in the file's order."""
    groups: list[list[str]] = [[] for _ in range(workers)]
    loads = [0.0] * workers
    for name in sorted(sizes, key=lambda region: -sizes[region]):
        least = loads.index(min(loads))
        groups[least].append(name)
        loads[least] += sizes[name]
    order = list(sizes)
    return [sorted(group, key=order.index) for group in groups if group]


def _additive(column: str, dtype: str, unit: str) -> bool:
    """Whether a monthly column adds up over regions: counts, and money flows and stocks (not means or ratios)."""
    return dtype == INT or ("KRW" in unit and not column.startswith("mean_") and " / " not in unit)
