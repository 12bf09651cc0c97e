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
from sim.nation import investment, migration, trade
from sim.records import INT, columns_for

_SEED_BITS = 62


def region_seed(seed: int, region: str) -> int:
    """The seed of one region's model: a mix of the nation's seed and the region's name."""
    state = np.random.SeedSequence([int(seed), zlib.crc32(region.encode())]).generate_state(2, dtype=np.uint32)
    return int((int(state[0]) << 32 | int(state[1])) % (1 << _SEED_BITS))


class NationModel:
    """Regions of a nation file run together (issue 16).

    ``packages`` maps region names to packages (a shipped name, a path or a Package) and
    replaces the nation file's; ``scale`` and ``months`` override the file's. ``max_memory``:
    the bytes the regions' estimated memory may need together (None: 8 GiB; False: no check).
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
    ) -> None:
        overrides = {key: value for key, value in (("scale", scale), ("months", months)) if value is not None}
        if isinstance(nation, Nation):
            if overrides:
                nation = load_nation(nation.source, overrides)
        else:
            nation = load_nation(nation, overrides)
        self.nation = nation
        self.seed = seed_from(rng)
        self.months = nation.spec.nation.months
        unknown = sorted(set(packages or {}) - set(nation.region_names))
        if unknown:
            raise ValueError(f"packages name regions not in {nation.source}: {unknown}; regions: {nation.region_names}")
        chosen = {name: (packages or {}).get(name, nation.package_of(name)) for name in nation.region_names}
        if max_memory is not False:
            self._check_memory(chosen, max_memory)
        self.regions: dict[str, RegionModel] = {}
        for name in nation.region_names:
            self.regions[name] = RegionModel(
                nation.scenarios[name], rng=region_seed(self.seed, name), package=chosen[name], max_memory=False
            )
        self._base = {name: trade.assembly_base_krw(model.region) for name, model in self.regions.items()}
        for index, link in enumerate(nation.spec.trade):
            if self._base[link.buyer] <= 0:
                raise ScenarioError(
                    nation.source, f"trade[{index}].buyer", link.buyer, "allowed: a region with an assembly plant"
                )
        for link in nation.spec.migration:
            expected = migration.expected_out_migrants_per_month(self.regions[link.origin].region)
            self.regions[link.destination].region.mobility.from_regions_per_month += (
                link.share_of_out_migrants * expected
            )
        self._flows: list[dict[str, Any]] = []
        self._firm_moves: list[dict[str, Any]] = []
        self.steps = 0

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
        """One month in every region, in the nation file's order, then the links that act next month."""
        for model in self.regions.values():
            model.step()
        self.steps += 1
        self._trade()
        self._migrate()
        for name, model in self.regions.items():
            self._firm_moves.extend(
                investment.move_firms(name, model, self.regions, self.nation.spec.investment, self.steps)
            )

    def _trade(self) -> None:
        """Each seller's sales to the other regions next month, from their assembly plants' output this month."""
        links = self.nation.spec.trade
        if not links:
            return
        index = {}
        for name, model in self.regions.items():
            base = self._base[name]
            index[name] = trade.assembly_output_krw(model.region) / base if base > 0 else 1.0
        sectors = {name: model.config.sector_names for name, model in self.regions.items()}
        for name, multiplier in trade.sales_multipliers(links, sectors, index).items():
            if any(link.seller == name for link in links):
                self.regions[name].region.sales_to_regions = multiplier

    def _migrate(self) -> None:
        """This month's out-migrants bound for another region of the nation, queued to arrive there next month."""
        links = self.nation.spec.migration
        for name, model in self.regions.items():
            if not any(link.origin == name for link in links):
                continue
            for destination, group in migration.send(name, model.region, links, self.steps).items():
                self.regions[destination].region.mobility.incoming.append(group)
                self._flows.append(
                    {
                        "month": self.steps,
                        "origin": name,
                        "destination": destination,
                        "migrants": len(group.birth_month),
                        "in_labour_force": int(group.in_labour_force.sum()),
                    }
                )

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

    def results(self) -> pd.DataFrame:
        """The regions' monthly tables, one after another, with a ``region`` column first (sample units)."""
        tables = []
        for name, model in self.regions.items():
            table = model.results()
            table.insert(0, "region", name)
            tables.append(table)
        return pd.concat(tables, ignore_index=True)

    def totals(self) -> pd.DataFrame:
        """The nation's monthly totals: counts and money flows summed over regions; rates from the sums.

        Summed: whole-number columns (people, jobs, firms, events) and money columns (KRW); not
        summed: means and rates, except the unemployment rate and the 15+ employment rate, which
        are recomputed from their sums. Columns a region lacks count as zero.
        """
        tables = [model.results() for model in self.regions.values()]
        additive = sorted(set().union(*(self._additive(model) for model in self.regions.values())))
        keys = ["month", "date"]
        summed = {
            column: sum(table[column].to_numpy() if column in table else np.zeros(len(table)) for table in tables)
            for column in additive
            if column not in keys
        }
        if {"unemployed", "labour_force"} <= set(summed):
            force = summed["labour_force"]
            summed["unemployment_rate"] = np.where(force > 0, summed["unemployed"] / np.maximum(force, 1), np.nan)
        if {"residents_employed", "population_15plus"} <= set(summed):
            people = summed["population_15plus"]
            summed["employment_rate_15plus"] = np.where(
                people > 0, summed["residents_employed"] / np.maximum(people, 1), np.nan
            )
        return pd.concat([tables[0][keys].reset_index(drop=True), pd.DataFrame(summed)], axis=1)

    @staticmethod
    def _additive(model: RegionModel) -> list[str]:
        columns = {**columns_for(model.config), **model.desk.columns()}
        return [
            name
            for name, column in columns.items()
            if column.dtype == INT
            or ("KRW" in column.unit and not name.startswith("mean_") and " / " not in column.unit)
        ]
