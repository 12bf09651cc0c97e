"""The month's orders: final demand, supplier orders through the network, sales outside, local demand.

- Assembly plants sell to final buyers: their base sales follow the final-demand paths,
  tariffs on their exported share and any production moved abroad (shocks.py).
- Suppliers receive orders from last month's output of their buyers in the region (one
  month per tier, supply_chain.py); parts ordered by assembly plants follow the electric
  transition.
- Sales outside the region follow each firm's trend, tariffs, the electric transition,
  sector paths and the firm's own persistent demand noise; in a national model
  (sim/nation), the part sold to other regions' assembly plants follows their output.
- A plant whose closure has stopped production gets no orders (its capacity factor is 0).
- Local services share the region's household demand: an autonomous part (scaled by
  local-demand shocks and its trend, ``markets.autonomous_local_demand_trend_per_year``) plus
  last month's local income times the spending coefficient, plus traded firms' purchases per
  KRW of their sales outside the chains, a policy's outside uplift included (households.py).
- Each independent firm (the industries' firms: not assembly plants or chain suppliers, whose
  orders follow their buyers) may have its own persistent share of its market, a log random walk
  ``firms.demand_weight`` whose yearly volatility falls with size and age
  (``markets.firm_growth_*``; ``move_demand_weights``). The weights are renormalised within each
  industry so that they move orders between firms and never change an industry's total.
- Policy levers move demand more than they add to it: ``demand_uplift`` raises a firm's
  weight in local household demand (new products sold to local buyers, taken from other
  local firms); ``outside_uplift`` adds sales to buyers outside the region; and
  ``policy_demand`` (procurement) is public purchasing diverted from the other local-services
  firms, whose local demand falls by as much; ``public_demand`` (public works paid from money
  the region's buyers would not otherwise have spent: central grants for construction) is
  added to the firms' orders, at base prices.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.region import prices
from sim.region.state import ACTIVE, ASSEMBLER, INDEPENDENT, is_one_of

if TYPE_CHECKING:
    from sim.region.region_state import RegionState


def place_orders(state: RegionState, month: int) -> None:
    """Stage: set ``firms.orders``, ``firms.capacity_factor`` and ``firms.relocated_share`` for the month."""
    firms, network, shocks = state.firms, state.network, state.shocks
    behaviour = state.config.firms
    relocated = shocks.relocated_share(month)
    capacity_factor = 1.0 - relocated
    if state.config.shocks.closure:
        capacity_factor = np.where(shocks.production_stopped(month), 0.0, capacity_factor)
    shock = state.streams.normal("demand_noise", month, firms.key)
    rho = behaviour.demand_noise_persistence
    firms.demand_noise = rho * firms.demand_noise + behaviour.demand_noise_sd * np.sqrt(1 - rho**2) * shock
    noise = np.exp(firms.demand_noise)
    weight = move_demand_weights(state, month)

    final = (
        firms.base_final_demand
        * shocks.final_demand_multiplier(month)
        * shocks.assembler_tariff_multiplier(month)
        * capacity_factor
    )
    markets = state.config.markets
    rate_tariffs = any(tariff.rate is not None for tariff in state.config.shocks.tariff)
    if rate_tariffs:
        tariff_factor = shocks.tariff_price_factor(month, markets.outside_price_elasticity)
        final = final * np.where(firms.role == ASSEMBLER, tariff_factor, 1.0)
    price = firms.price
    priced = not (price == 1.0).all()  # prices move only when costs do (prices.py)
    # Parts orders placed by assembly plants follow the electric transition; orders further
    # up the chain follow their buyers' output, which already reflects it. Buyers shift their
    # orders between their suppliers by price.
    parts = state.parts_demand.multiplier(shocks.electric_share(month))
    last_output = firms.output
    assembler_output = np.where(firms.role == ASSEMBLER, last_output, 0.0)
    if priced:
        coefficients = network.input_coefficients
        weights = prices.price_weights(coefficients, price, markets.chain_price_elasticity)
        supplier_orders = prices.orders_at_prices(coefficients, assembler_output, *weights) * parts
        supplier_orders += prices.orders_at_prices(coefficients, last_output - assembler_output, *weights)
    else:
        supplier_orders = network.orders(assembler_output) * parts + network.orders(last_output - assembler_output)
    trend = (1.0 + firms.outside_trend_per_year) ** (month / 12.0)
    outside = firms.base_outside_sales * trend * shocks.export_multiplier(month) * noise * parts
    if weight is not None:  # firms' own demand paths (markets.firm_growth_sd_per_year > 0)
        outside = outside * weight
    if rate_tariffs:
        outside = outside * np.where(firms.role == ASSEMBLER, 1.0, tariff_factor)
    if priced:
        outside = outside * prices.relative_demand(price, markets.outside_price_elasticity)
    if state.config.shocks.sector_path:
        outside = outside * shocks.sector_path_multiplier(month)
    if state.sales_to_regions is not None:  # set by a national model only
        outside = outside * state.sales_to_regions[firms.sector]
    demand = final + supplier_orders + outside

    local = state.local
    local_codes = [state.config.sector_code(name) for name in state.config.local_services_names]
    active = firms.status == ACTIVE
    local_sector = is_one_of(firms.sector, local_codes)
    services = local_sector & active
    # A local-demand shock scales only the autonomous part; households' part follows their smoothed income,
    # firms' part the region's traded sales outside its chains. A policy's sales uplift (``outside_uplift``,
    # below) is sales to buyers outside the region too, so it buys local services like any other (docs/model.md
    # 7.10; before issue 11's induced-effect fix it did not, and a package's manufacturers grew without it).
    traded_sales = final + outside
    if firms.outside_uplift.any():  # policy levers only; skipped in a baseline run
        traded_sales = traded_sales + demand * firms.outside_uplift
    local.business_purchases_krw = state.config.markets.local_services_per_krw_traded_sales * float(
        traded_sales[~local_sector & active].sum()
    )
    autonomous = local.autonomous_demand_krw * shocks.local_demand_index(month)
    trend = state.config.markets.autonomous_local_demand_trend_per_year
    if trend:
        autonomous *= (1.0 + trend) ** (month / 12.0)
    local_total = (
        autonomous
        + local.spending_coefficient * local.smoothed_income_krw
        + local.business_purchases_krw
        + local.diverted_spending_krw
    )
    base_local = np.where(services, firms.base_local_sales, 0.0)
    if weight is not None:  # a firm's own share of local demand, renormalised in ``share`` below
        base_local = base_local * weight
    if priced:
        base_local = base_local * prices.relative_demand(price, markets.local_price_elasticity)
    if firms.outside_uplift.any():  # policy levers only; skipped in a baseline run
        unlifted_local = np.maximum(local_total, 0.0) * base_local / max(base_local.sum(), 1e-9) * noise
        demand = demand + (demand + unlifted_local) * firms.outside_uplift
    weight = base_local * (1.0 + firms.demand_uplift)
    share = weight / max(weight.sum(), 1e-9)
    diverted = float(firms.policy_demand.sum())
    demand = demand + np.maximum(local_total - diverted, 0.0) * share * noise + firms.policy_demand
    if firms.public_demand.any():  # policy lever only; skipped in a baseline run
        demand = demand + firms.public_demand
    firms.orders = np.where(firms.status == ACTIVE, demand, 0.0)
    firms.capacity_factor = capacity_factor
    firms.relocated_share = relocated


#: Full-scale employees of the firm the yearly volatility ``markets.firm_growth_sd_per_year`` is given for.
_REFERENCE_EMPLOYEES = 10.0


def move_demand_weights(state: RegionState, month: int) -> np.ndarray | None:
    """Step each active independent firm's log demand weight; return exp(weight) per firm (1 for others).

    A log random walk (Gibrat's law of proportionate effect in the mean) with yearly standard
    deviation ``sd x (full-scale employees / 10) ** -size_elasticity x age factor``: volatility
    falls with size (Riccaboni et al. 2008) and with age, from ``firm_growth_young_multiplier``
    at birth to 1 after ``firm_growth_young_years`` (firms present at the start count as mature).
    Draws are keyed by (seed, month, firm key), so twins of one seed share them. The weights are
    then shifted within each industry so that the base-sales-weighted mean of exp(weight) is 1:
    orders move between the industry's firms, and its total is unchanged. None when switched off.
    """
    markets = state.config.markets
    sd = markets.firm_growth_sd_per_year
    if not sd:
        return None
    firms = state.firms
    ids = np.flatnonzero((firms.status == ACTIVE) & (firms.role == INDEPENDENT))
    weight = np.ones(firms.count)
    if len(ids) == 0:
        return weight
    full_scale = np.maximum(firms.employees[ids] / firms.size_factor[ids], 1.0)
    sigma = sd * (full_scale / _REFERENCE_EMPLOYEES) ** -markets.firm_growth_size_elasticity
    young_years = markets.firm_growth_young_years
    if young_years > 0:
        entered = firms.entry_month[ids]
        age_years = np.where(entered > 0, (month - entered) / 12.0, young_years)
        youth = np.clip(1.0 - age_years / young_years, 0.0, 1.0)
        sigma = sigma * (1.0 + (markets.firm_growth_young_multiplier - 1.0) * youth)
    shock = state.streams.normal("firm_growth", month, firms.key[ids])
    log_weight = firms.demand_weight[ids] + sigma / np.sqrt(12.0) * shock
    base = firms.base_outside_sales[ids] + firms.base_local_sales[ids]
    code = firms.sector[ids].astype(np.int64)
    sectors = len(state.sectors)
    total = np.bincount(code, weights=base, minlength=sectors)
    weighted = np.bincount(code, weights=base * np.exp(log_weight), minlength=sectors)
    mean = np.divide(weighted, total, out=np.ones(sectors), where=(total > 0) & (weighted > 0))
    log_weight -= np.log(mean)[code]
    # The shock moves the firm's scale, not only its orders: its plant follows its share of the market
    # (Gibrat's law is about firms' size; a firm winning customers takes on space and machines, one losing
    # them gives them up; assumption: at once, as orders move), and fixed costs follow the plant (production.py).
    firms.capacity[ids] *= np.exp(log_weight - firms.demand_weight[ids])
    firms.demand_weight[ids] = log_weight
    weight[ids] = np.exp(log_weight)
    return weight
