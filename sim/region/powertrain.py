"""The electric shift by parts content: what suppliers of each part type sell, and suppliers converting.

A chain's ``powertrain`` table gives the parts its local suppliers make per vehicle, by part
type (neutral, combustion-only, electric-only), for a combustion and for an electric vehicle,
relative to all the parts of a combustion vehicle. With electric share ``e`` of the chain's
vehicles, parts of type ``k`` are ordered in proportion to
``content_k(e) = (1 - e) * combustion_vehicle[k] + e * electric_vehicle[k]``; Gwangju's
figures (scenarios/gwangju.toml) make parts orders fall as ``e`` rises, since an electric car
needs about a third fewer parts (KAICA 2021).

Tier-1 suppliers are tagged by type in proportion to ``content_k`` at the starting share
(tier-2 suppliers take their largest customer's tag, supply_chain.py). Each type's orders are
a pool shared by the suppliers of that type: when combustion-only suppliers convert to
electric parts, the combustion pool is shared by fewer firms and the electric pool by more,
so conversion moves orders between firms without creating any.

Sources of Gwangju's figures are beside them in scenarios/gwangju.toml.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.inputs.scenario import PART_TYPES, Powertrain, Scenario, month_number
from sim.region.state import ACTIVE, TIER1, TIER2, FirmTable

if TYPE_CHECKING:
    from sim.region.region_state import RegionState

NEUTRAL, COMBUSTION, ELECTRIC = (PART_TYPES.index(name) for name in ("neutral", "combustion", "electric"))


def content(powertrain: Powertrain, electric_share: float) -> np.ndarray:
    """Parts per vehicle by type (neutral, combustion, electric) at an electric share, per combustion vehicle's."""
    combustion, electric = powertrain.combustion_vehicle, powertrain.electric_vehicle
    return np.array(
        [
            (1 - electric_share) * getattr(combustion, name) + electric_share * getattr(electric, name)
            for name in PART_TYPES
        ]
    )


def starting_electric_share(scenario: Scenario) -> float:
    """The electric share in the first model month (0 without an electric transition)."""
    transition = scenario.shocks.electric_transition
    if transition is None:
        return 0.0
    return float(
        np.interp(
            scenario.start_month,
            [month_number(transition.start), month_number(transition.end)],
            [transition.electric_share_start, transition.electric_share_end],
        )
    )


def tag_probabilities(powertrain: Powertrain, scenario: Scenario) -> np.ndarray:
    """Shares of tier-1 suppliers by part type: each type's share of parts at the starting share."""
    parts = content(powertrain, starting_electric_share(scenario))
    return parts / parts.sum()


class PartsDemand:
    """Per firm, the factor on its parts orders from the electric transition and conversions."""

    def __init__(self, scenario: Scenario, firms: FirmTable) -> None:
        self.scenario = scenario
        self._firms = firms
        self._start = starting_electric_share(scenario)
        # Base output of each chain's suppliers by part type: at the start, and now (after conversions).
        self.base_by_type: dict[int, np.ndarray] = {}
        self.now_by_type: dict[int, np.ndarray] = {}
        for name, chain in scenario.chains.items():
            if chain.powertrain is None:
                continue
            code = scenario.sector_code(name)
            suppliers = (firms.sector == code) & np.isin(firms.role, (TIER1, TIER2)) & (firms.part_type >= 0)
            now = np.bincount(firms.part_type[suppliers], weights=firms.base_output[suppliers], minlength=3)
            # A type no sampled supplier makes at the start (electric parts, in a small sample)
            # still has its expected share of the chain's parts orders, which local firms can
            # take by converting; until then the chain buys those parts outside the region.
            start = content(chain.powertrain, self._start)
            expected = start / start.sum() * now.sum()
            self.base_by_type[code] = np.where(now > 0, now, expected)
            self.now_by_type[code] = now

    def multiplier(self, electric_share: float) -> np.ndarray:
        """Per firm: (content now / content at the start) x (its type's starting base / base now)."""
        firms = self._firms
        factor = np.ones(firms.count)
        if self.scenario.shocks.electric_transition is None:
            return factor
        for code, base in self.base_by_type.items():
            powertrain = self.scenario.chains[self.scenario.sector_names[code]].powertrain
            start, now = content(powertrain, self._start), content(powertrain, electric_share)
            by_type = np.divide(now, start, out=np.ones(3), where=start > 0)
            pooled = np.divide(base, self.now_by_type[code], out=np.zeros(3), where=self.now_by_type[code] > 0)
            tagged = (firms.sector == code) & (firms.part_type >= 0)
            factor[tagged] = (by_type * pooled)[firms.part_type[tagged]]
        return factor

    def move(self, firms: np.ndarray, from_type: int, to_type: int) -> None:
        """Firms change part type: their base output moves between the type pools of their chain."""
        table = self._firms
        for code in np.unique(table.sector[firms]):
            mine = firms[table.sector[firms] == code]
            moved = float(table.base_output[mine].sum())
            self.now_by_type[code][from_type] -= moved
            self.now_by_type[code][to_type] += moved


def convert_suppliers(state: RegionState, month: int) -> None:
    """Stage: combustion-only suppliers start converting to electric parts, and conversions finish.

    While the electric transition runs (from its start on), each active combustion-only
    supplier starts converting with the chain's ``conversion_share_per_year`` a year; it pays
    the conversion cost in equal monthly parts (production.py) and makes electric parts when
    the conversion is done.
    """
    transition = state.config.shocks.electric_transition
    if transition is None:
        return
    firms = state.firms
    done = np.flatnonzero(firms.converting_until == month)
    if len(done):
        state.parts_demand.move(done, COMBUSTION, ELECTRIC)
        firms.part_type[done] = ELECTRIC
        firms.converting_until[done] = -1
        firms.conversion_cost_per_month[done] = 0.0
        state.tally["suppliers_converted"] += len(done)
    if state.config.start_month + month - 1 < month_number(transition.start):
        return
    for name, chain in state.config.chains.items():
        powertrain = chain.powertrain
        if powertrain is None or powertrain.conversion_share_per_year <= 0:
            continue
        candidates = np.flatnonzero(
            (firms.sector == state.config.sector_code(name))
            & (firms.part_type == COMBUSTION)
            & (firms.status == ACTIVE)
            & (firms.converting_until < 0)
        )
        monthly = 1.0 - (1.0 - powertrain.conversion_share_per_year) ** (1.0 / 12.0)
        starting = candidates[state.streams.uniform("conversion", month, firms.key[candidates]) < monthly]
        firms.converting_until[starting] = month + powertrain.conversion_months
        firms.conversion_cost_per_month[starting] = (
            powertrain.conversion_cost_krw * firms.size_factor[starting] / powertrain.conversion_months
        )
