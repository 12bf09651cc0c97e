"""Exogenous shocks, turned into per-firm demand and capacity multipliers for a month.

- Final demand paths: assembly plants' output follows a piecewise-linear path of units a
  year (e.g. 440,000 cars in 2020 falling to 400,000), flat before the first and after the
  last point.
- Relocation: an assembly plant moves a share of its production abroad, phased in over
  some months; its final demand and capacity shrink by that share, and at a share of one
  the plant is gone.
- Tariffs: a share of the out-of-region sales of chosen sectors is lost while in force.
- Electric transition: the electric share of car output moves linearly between two dates;
  what that does to each supplier's orders is powertrain.py's (parts content per vehicle).
  It acts on orders from local assembly plants and on suppliers' sales outside the region,
  so it also reaches a chain without a local assembler (its tier-1 firms supply carmakers
  elsewhere).
- Local demand: dated index points (1 = the start) scale the autonomous part of local
  services demand, the spending that does not follow the wages and benefits paid in the
  region (e.g. a fall in consumer demand in a recession).
- Sector paths: dated index points (1 = the start) scale a sector's sales outside the
  region (its suppliers' for a chain), e.g. a shipyard's subcontractors losing outside orders.
- Closures: a plant's orders end at its closure's production stop (its staff's fates are
  in closures.py).

A chain without local assembly plants has no final-demand path or relocation (the
scenario schema refuses them); tariffs on its sector cut its suppliers' outside sales.
"""

from __future__ import annotations

import numpy as np

from sim.inputs.scenario import Scenario, month_number
from sim.region.state import ASSEMBLER, TIER1, TIER2, FirmTable


def _ramp(calendar_month: int, start: int, phase_in_months: int) -> float:
    """0 before ``start``, rising linearly to 1 at ``start + phase_in_months - 1``."""
    return float(np.clip((calendar_month - start + 1) / phase_in_months, 0.0, 1.0))


def _path_arrays(points: list) -> tuple[np.ndarray, np.ndarray]:
    """A dated path's months (since year 0) and values, for ``np.interp``."""
    return np.array([month_number(p.date) for p in points], dtype=float), np.array([p.value for p in points])


class ShockSchedule:
    """Answers, for any model month, how shocks change each firm's demand and capacity."""

    def __init__(self, scenario: Scenario, firms: FirmTable) -> None:
        self.scenario = scenario
        self.start_month = scenario.start_month
        shocks = scenario.shocks
        self._paths = {}
        for path in shocks.final_demand:
            months, values = _path_arrays(path.points)
            base = sum(a.final_demand_units_per_year for a in scenario.chains[path.chain].assemblers)
            self._paths[path.chain] = (months, values / base)
        self._assembler_index = {firms.name[i]: i for i in np.flatnonzero(firms.role == ASSEMBLER)}
        self._firms = firms  # read at every call: firms may be added during a run
        self._local_paths = [_path_arrays(path.points) for path in shocks.local_demand]
        self._sector_paths = [
            (scenario.sector_code(path.sector), _path_arrays(path.points)) for path in shocks.sector_path
        ]

    def calendar_month(self, model_month: int) -> int:
        """Months since year 0 of model month ``model_month`` (1 = the scenario's first month)."""
        return self.start_month + model_month - 1

    def final_demand_index(self, chain: str, model_month: int) -> float:
        """Final demand of a chain's assembly plants relative to their base output."""
        if chain not in self._paths:
            return 1.0
        months, values = self._paths[chain]
        return float(np.interp(self.calendar_month(model_month), months, values))

    def local_demand_index(self, model_month: int) -> float:
        """Factor on the autonomous part of local services demand (1 = as at the start).

        Each ``shocks.local_demand`` path is interpolated like a final-demand path (flat
        before its first and after its last point); several paths multiply.
        """
        index = 1.0
        month = self.calendar_month(model_month)
        for months, values in self._local_paths:
            index *= float(np.interp(month, months, values))
        return index

    def relocated_share(self, model_month: int) -> np.ndarray:
        """Per firm, the share of production moved abroad by this month (zero for most firms)."""
        share = np.zeros(self._firms.count)
        for relocation in self.scenario.shocks.relocation:
            index = self._assembler_index.get(relocation.assembler)
            if index is None:  # the plant was not created (cannot happen after validation)
                continue
            ramp = _ramp(self.calendar_month(model_month), month_number(relocation.date), relocation.phase_in_months)
            share[index] += relocation.share * ramp
        return np.minimum(share, 1.0)

    def production_stopped(self, model_month: int) -> np.ndarray:
        """Per firm, True for plants whose closure has stopped production by this month."""
        stopped = np.zeros(self._firms.count, dtype=bool)
        month = self.calendar_month(model_month)
        for closure in self.scenario.shocks.closure:
            index = self._assembler_index.get(closure.plant)
            if index is not None and month >= month_number(closure.production_stop):
                stopped[index] = True
        return stopped

    def sector_path_multiplier(self, model_month: int) -> np.ndarray:
        """Per firm, the factor on its sales outside the region from ``shocks.sector_path`` (1 elsewhere).

        Assembly plants are left to their final-demand paths; several paths of one sector multiply.
        """
        multiplier = np.ones(self._firms.count)
        if not self._sector_paths:
            return multiplier
        month = self.calendar_month(model_month)
        by_sector = np.ones(len(self.scenario.sector_names))
        for code, (months, values) in self._sector_paths:
            by_sector[code] *= float(np.interp(month, months, values))
        factor = by_sector[self._firms.sector]
        return np.where(self._firms.role == ASSEMBLER, 1.0, factor)

    def tariff_cut(self, model_month: int) -> np.ndarray:
        """Per sector, the share of out-of-region sales lost to tariffs this month."""
        cut = np.zeros(len(self.scenario.sector_names))
        month = self.calendar_month(model_month)
        for tariff in self.scenario.shocks.tariff:
            if tariff.end is not None and month >= month_number(tariff.end):
                continue
            if tariff.sales_cut is None:
                continue
            ramp = _ramp(month, month_number(tariff.start), tariff.phase_in_months)
            for sector in tariff.sectors:
                code = self.scenario.sector_code(sector)
                cut[code] = 1.0 - (1.0 - cut[code]) * (1.0 - tariff.sales_cut * ramp)
        return cut

    def tariff_rate(self, model_month: int) -> np.ndarray:
        """Per sector, the ad-valorem tariff on its sales outside the region this month (rate tariffs)."""
        rate = np.zeros(len(self.scenario.sector_names))
        month = self.calendar_month(model_month)
        for tariff in self.scenario.shocks.tariff:
            if tariff.rate is None or (tariff.end is not None and month >= month_number(tariff.end)):
                continue
            ramp = _ramp(month, month_number(tariff.start), tariff.phase_in_months)
            for sector in tariff.sectors:
                rate[self.scenario.sector_code(sector)] += tariff.rate * ramp
        return rate

    def tariff_price_factor(self, model_month: int, elasticity: float) -> np.ndarray:
        """Per firm, the factor on its exposed sales from ad-valorem tariffs: ``(1 + rate) ** -elasticity``.

        A supplier's outside sales are all exposed; an independent firm's and an assembly
        plant's only their exported share (as for ``sales_cut`` tariffs).
        """
        factor = (1.0 + self.tariff_rate(model_month)[self._firms.sector]) ** (-elasticity)
        supplier = (self._firms.role == TIER1) | (self._firms.role == TIER2)
        exported = self._firms.export_share
        return np.where(supplier, factor, 1.0 - exported + exported * factor)

    def electric_share(self, model_month: int) -> float:
        """Electric cars' share of car output this month."""
        transition = self.scenario.shocks.electric_transition
        if transition is None:
            return 0.0
        return float(
            np.interp(
                self.calendar_month(model_month),
                [month_number(transition.start), month_number(transition.end)],
                [transition.electric_share_start, transition.electric_share_end],
            )
        )

    def final_demand_multiplier(self, model_month: int) -> np.ndarray:
        """Per firm, final demand relative to base (assembly plants only; ones elsewhere)."""
        multiplier = np.ones(self._firms.count)
        for chain in self.scenario.chain_names:
            if chain in self._paths:
                plants = (self._firms.role == ASSEMBLER) & (self._firms.sector == self.scenario.sector_code(chain))
                multiplier[plants] = self.final_demand_index(chain, model_month)
        return multiplier

    def export_multiplier(self, model_month: int) -> np.ndarray:
        """Per firm, the tariff factor on its market sales (outside the supply chains).

        A supplier's market sales are its sales outside the region, all exposed. An
        independent firm's market sales include sales inside the region to buyers the model
        does not represent: only the ``export_share`` of them is exposed.
        """
        cut = self.tariff_cut(model_month)[self._firms.sector]
        supplier = (self._firms.role == TIER1) | (self._firms.role == TIER2)
        return np.where(supplier, 1.0 - cut, 1.0 - self._firms.export_share * cut)

    def assembler_tariff_multiplier(self, model_month: int) -> np.ndarray:
        """Per firm, the factor on assemblers' final demand: only the exported part is cut."""
        cut = self.tariff_cut(model_month)[self._firms.sector]
        return np.where(self._firms.role == ASSEMBLER, 1.0 - self._firms.export_share * cut, 1.0)
