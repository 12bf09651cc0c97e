"""Firm entry that responds to the region's conditions, reuse of closed sites, and supplier takeover.

- **Entry.** Births in each industry follow Statistics Korea's birth rate (기업생멸행정통계:
  births as a share of active firms, ``entry.birth_rate_per_year``), scaled by how local
  conditions have moved since the start: the unemployed in the industry's occupations
  (``unemployment_elasticity``), the industry's wage level (``wage_elasticity``), free sites
  left by closed firms (``free_site_semi_elasticity``) and the industry's operating margin
  (``profit_semi_elasticity``). The model does not close small firms at random: the starting
  firms stand for a population in which most births replace deaths. So the firms that enter
  are the births beyond the death rate (``death_rate_per_year``, the same statistics), times
  the industry's active firms: at the start's conditions the region's firm count grows at the
  national net rate (about 3% a year), and with slack faster. With gross churn (``entry.churn``)
  all births enter and independent firms die at the death rate, the ones with the lowest demand
  weight (failures.py). A new firm has
  ``new_firm_employees`` workers on average (Statistics Korea: 1.6 workers per new
  enterprise). Counts are drawn by the inverse Poisson CDF of one keyed uniform per industry
  and month, so a policy twin facing more slack gets at least the baseline's entrants in the
  same seed (common random numbers).
- **Sites.** A closed or relocated firm leaves a free site. An entrant of the same kind
  (traded firms take industrial sites, local services take shop sites) takes one over with
  probability ``site_reuse_share`` and then has ``site_reuse_cost_saving`` lower fixed costs.
- **Supplier takeover.** When a supplier fails or closes, the share ``supplier_takeover_share``
  of its buyers' local orders (input coefficients) passes to the buyers' surviving suppliers of
  the same part type, ``supplier_takeover_per_month`` of what is left each month, in proportion
  to what they already supply. Survivors meet the extra orders up to their capacity, which
  then grows (production.py). Where a buyer has no surviving supplier of the part, a new
  supplier of the next tier enters for it with the same monthly probability and takes all of it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from sim.inputs.scenario import PART_TYPES, Scenario
from sim.region.arrivals import add_firms
from sim.region.state import (
    ACTIVE,
    ASSEMBLER,
    CLOSED,
    INDEPENDENT,
    RELOCATED,
    TIER1,
    TIER2,
    UNEMPLOYED,
    is_one_of,
)

if TYPE_CHECKING:
    from sim.region.region_state import RegionState

_PART_GROUPS = len(PART_TYPES) + 1  # part types and "no part"
_TINY = 1e-6  # lost coefficients (KRW per KRW of the buyer's output) below this are dropped


@dataclass(frozen=True)
class EntryBaseline:
    """Conditions at the start of a run, per sector: what entry responds to changes in."""

    unemployed: np.ndarray
    mean_wage_krw: np.ndarray
    operating_margin: np.ndarray
    active_firms: np.ndarray


def sector_conditions(state: RegionState) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per sector: unemployed workers in its occupations, mean wage, operating margin, active firms.

    The unemployed of a sector are those of each occupation weighted by the sector's occupation
    mix (the share of its jobs in that occupation); the margin is this month's operating profit
    (sales less wages, inputs and fixed costs) over sales, or the firms' base margin before any
    month has been produced.
    """
    firms, workforce = state.firms, state.workforce
    sectors = len(state.sectors)
    mix = np.diff(state.occupation_cdf, axis=1, prepend=0.0)
    # The unemployed's occupations gathered once and counted (about a third of the time of masking every row
    # once per occupation at full scale).
    seeking = np.flatnonzero(workforce.status == UNEMPLOYED)
    by_occupation = np.bincount(workforce.occupation[seeking], minlength=mix.shape[1])
    unemployed = mix @ by_occupation.astype(float)
    active = firms.status == ACTIVE
    code = firms.sector.astype(np.int64)
    workers = np.bincount(code, weights=np.where(active, firms.employees, 0), minlength=sectors)
    payroll = np.bincount(code, weights=np.where(active, firms.payroll, 0.0), minlength=sectors)
    wage = np.divide(payroll, workers, out=np.zeros(sectors), where=workers > 0)
    revenue = np.where(active, firms.flow_revenue, 0.0)
    sales = np.bincount(code, weights=revenue, minlength=sectors)
    if sales.sum() > 0:
        profit = np.where(active, revenue - firms.flow_wages - firms.flow_inputs - firms.flow_fixed, 0.0)
        margin = np.divide(
            np.bincount(code, weights=profit, minlength=sectors), sales, out=np.zeros(sectors), where=sales > 0
        )
    else:
        weight = np.bincount(code, weights=np.where(active, firms.base_output, 0.0), minlength=sectors)
        base_profit = np.where(active, firms.base_output * firms.operating_margin, 0.0)
        margin = np.divide(
            np.bincount(code, weights=base_profit, minlength=sectors), weight, out=np.zeros(sectors), where=weight > 0
        )
    count = np.bincount(code[active & (firms.role == INDEPENDENT)], minlength=sectors).astype(float)
    return unemployed, wage, margin, count


def record_baseline(state: RegionState) -> None:
    """Keep the start's conditions (called once, before the first month's stages change anything)."""
    if state.entry_baseline is None:
        state.entry_baseline = EntryBaseline(*sector_conditions(state))


def entry_multiplier(
    state: RegionState, conditions: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray] | None = None
) -> np.ndarray:
    """Per sector: how much births exceed their base rate, given conditions now against the start."""
    entry = state.config.entry
    base: EntryBaseline = state.entry_baseline
    unemployed, wage, margin, _count = sector_conditions(state) if conditions is None else conditions
    floor = 0.5  # half an unemployed worker: the ratio needs a positive count
    u_ratio = np.maximum(unemployed, floor) / np.maximum(base.unemployed, floor)
    w_ratio = np.where((wage > 0) & (base.mean_wage_krw > 0), wage / np.maximum(base.mean_wage_krw, 1.0), 1.0)
    free = free_sites_by_kind(state)
    return (
        u_ratio**entry.unemployment_elasticity
        * w_ratio**entry.wage_elasticity
        * (1.0 + entry.free_site_semi_elasticity * free / np.maximum(base.active_firms, 1.0))
        * np.exp(entry.profit_semi_elasticity * (margin - base.operating_margin))
    )


def _site_kind(state: RegionState, sector_codes: np.ndarray) -> np.ndarray:
    """1 for a local-services sector (shop sites), 0 for a traded one (industrial sites)."""
    services = [state.config.sector_code(name) for name in state.config.local_services_names]
    return is_one_of(sector_codes, services).astype(np.int64)


def free_sites(state: RegionState) -> np.ndarray:
    """Ids of closed or relocated firms whose site no entrant has taken, oldest closure first."""
    firms = state.firms
    free = np.flatnonzero(((firms.status == CLOSED) | (firms.status == RELOCATED)) & (firms.site_reused_month < 0))
    return free[np.argsort(firms.closed_month[free], kind="stable")]


def free_sites_by_kind(state: RegionState) -> np.ndarray:
    """Per sector: free sites of its kind (industrial for traded sectors, shop sites for local services)."""
    sites = free_sites(state)
    by_kind = np.bincount(_site_kind(state, state.firms.sector[sites]), minlength=2)
    return by_kind[_site_kind(state, np.arange(len(state.sectors)))].astype(float)


def poisson_inverse(uniform: np.ndarray, mean: np.ndarray) -> np.ndarray:
    """Poisson counts by the inverse CDF of ``uniform``: monotone in ``mean`` for a fixed draw."""
    mean = np.asarray(mean, float)
    counts = np.zeros(len(mean), dtype=np.int64)
    term = np.exp(-mean)
    cdf = term.copy()
    open_ = uniform > cdf
    k = 0
    while open_.any() and k < 10_000:  # a loop over counts (not agents): means are a few a month
        k += 1
        term = term * mean / k
        cdf = cdf + term
        counts[open_] = k
        open_ = open_ & (uniform > cdf)
    return counts


def industry_codes(config: Scenario) -> np.ndarray:
    """Sector codes of the scenario's industries (not its chains), in their order, as int64 for ``np.bincount``."""
    return np.array([config.sector_code(name) for name in config.industries], dtype=np.int64)


def enter_firms(state: RegionState, month: int) -> None:
    """Stage part: new local firms are born in each industry; some take over free sites."""
    entry = state.config.entry
    if entry is None:
        return
    record_baseline(state)
    config = state.config
    codes = industry_codes(config)
    rates = np.array([entry.birth_rate_by_sector.get(name, entry.birth_rate_per_year) for name in config.industries])
    conditions = sector_conditions(state)
    active = conditions[3]
    # Births beyond the deaths the starting population already stands for (see the module docstring);
    # with gross churn all births, as deaths are drawn too (failures.churn_exits).
    deaths = 0.0 if entry.churn else entry.death_rate_per_year
    net_rate = np.maximum(rates * entry_multiplier(state, conditions)[codes] - deaths, 0.0)
    mean = net_rate / 12.0 * active[codes]
    counts = poisson_inverse(state.streams.uniform("firm_entry", month, codes), mean)
    if not counts.any():
        return
    sites = list(free_sites(state))
    site_kind = _site_kind(state, state.firms.sector[np.asarray(sites, dtype=np.int64)]) if sites else np.zeros(0)
    taken = np.zeros(len(sites), dtype=bool)
    for name, code, count in zip(config.industries, codes, counts, strict=True):  # a few industries
        if count == 0:
            continue
        keys = code * 100_000 + np.arange(count, dtype=np.int64)
        size_draws = state.streams.uniform("firm_entry_size", month, keys)
        extra = poisson_inverse(size_draws, np.full(count, entry.new_firm_employees - 1.0))
        ids = add_firms(state, name, 1 + extra, month, "entrant", "firm_entry")
        state.tally["firms_entered"] += len(ids)
        # Entrants take free sites of their kind, oldest first, each with probability site_reuse_share.
        wants = state.streams.uniform("site_reuse", month, keys) < entry.site_reuse_share
        kind = int(_site_kind(state, np.array([code]))[0])
        candidates = np.flatnonzero(~taken & (site_kind == kind)) if sites else np.zeros(0, dtype=np.int64)
        movers = ids[wants][: len(candidates)]
        if len(movers) == 0:
            continue
        chosen = candidates[: len(movers)]
        taken[chosen] = True
        site_ids = np.asarray(sites, dtype=np.int64)[chosen]
        take_over_sites(state, movers, site_ids, month)


def take_over_sites(state: RegionState, entrants: np.ndarray, sites: np.ndarray, month: int) -> None:
    """Entrants move into closed firms' sites: the site's complex, and lower fixed costs (start-up cash too)."""
    firms = state.firms
    saving = state.config.entry.site_reuse_cost_saving
    firms.site_reused_month[sites] = month
    firms.site_of[entrants] = sites
    firms.complex_id[entrants] = firms.complex_id[sites]
    old_fixed = firms.fixed_costs[entrants]
    new_fixed = old_fixed * (1.0 - saving)
    firms.fixed_costs[entrants] = new_fixed
    firms.overhead_rate[entrants] *= 1.0 - saving
    firms.fixed_cost_share[entrants] *= 1.0 - saving
    # The investor funds the same months of start-up costs, now lower (arrivals.add_firms).
    months_funded = state.config.firms.initial_cash_months_of_costs + 12.0
    cash = firms.cash[entrants] - (old_fixed - new_fixed) * months_funded
    firms.cash[entrants] = cash
    firms.flow_cash_before[entrants] = cash
    firms.flow_cash_after[entrants] = cash
    state.tally["sites_reused"] += len(entrants)


def take_over_orders(state: RegionState, month: int) -> None:
    """Stage part: failed suppliers' orders pass to their buyers' surviving suppliers of the same part type.

    The lost orders are kept per (buyer, part type) group, in ``network.lost_groups`` (sorted
    group ids: buyer x (part types + 1) + part type + 1) and ``network.lost_values`` (input
    coefficients not yet taken over).
    """
    entry = state.config.entry
    if entry is None:
        return
    network, firms = state.network, state.firms
    coefficients = network.input_coefficients
    rows = coefficients.shape[0]
    active = firms.status == ACTIVE
    per_row = np.diff(coefficients.indptr)
    groups, pending = network.lost_groups, network.lost_values
    if len(groups) == 0 and not ((per_row > 0) & ~active[:rows]).any():
        return
    supplier = np.repeat(np.arange(rows), per_row)
    buyer = coefficients.indices.astype(np.int64)
    value = coefficients.data.copy()
    group = buyer * _PART_GROUPS + (firms.part_type[supplier].astype(np.int64) + 1)
    gone = ~active[supplier] & (value > 0)
    if gone.any():
        groups, where = np.unique(np.concatenate([groups, group[gone]]), return_inverse=True)
        weights = np.concatenate([pending, entry.supplier_takeover_share * value[gone]])
        pending = np.bincount(where, weights=weights, minlength=len(groups))
        value[gone] = 0.0
    # Orders of buyers that have gone themselves are no one's to take.
    buyer_active = active[groups // _PART_GROUPS]
    groups, pending = groups[buyer_active], pending[buyer_active]
    alive = active[supplier] & (value > 0)
    position = np.minimum(np.searchsorted(groups, group), max(len(groups) - 1, 0))
    matched = alive & (groups[position] == group) if len(groups) else np.zeros_like(alive)
    surviving = np.bincount(position[matched], weights=value[matched], minlength=len(groups))
    moved = np.where(surviving > 0, pending * entry.supplier_takeover_per_month, 0.0)
    factor = 1.0 + np.divide(moved, surviving, out=np.zeros(len(groups)), where=surviving > 0)
    value[matched] *= factor[position[matched]]
    pending = pending - moved
    base = network.base_buyer_output
    state.tally["supplier_orders_taken_over"] += float(moved @ base[groups // _PART_GROUPS])
    new_rows, new_cols, new_values = supplier_entrants(state, month, groups, pending, surviving)
    left = pending >= _TINY
    network.lost_groups, network.lost_values = groups[left], pending[left]
    size = firms.count
    network.input_coefficients = type(coefficients)(
        (
            np.concatenate([value, new_values]),
            (np.concatenate([supplier, new_rows]), np.concatenate([buyer, new_cols])),
        ),
        shape=(size, size),
    ).tocsr()
    network.input_coefficients.eliminate_zeros()


def supplier_entrants(
    state: RegionState, month: int, groups: np.ndarray, pending: np.ndarray, surviving: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """New suppliers for parts whose buyer has no surviving local supplier; their coefficients.

    Each such (buyer, part) draws, with probability ``supplier_takeover_per_month`` a month, a
    new supplier of the next tier (tier 1 for an assembly plant, tier 2 for a tier-1 firm)
    with the chain tier's economics, sized to the lost orders at the buyer's last output. It
    takes over all of them, and a free industrial site with probability ``site_reuse_share``.
    Returns the new (supplier, buyer, coefficient) entries; ``pending`` is zeroed for them.
    """
    entry, firms, config = state.config.entry, state.firms, state.config
    empty = np.zeros(0, dtype=np.int64)
    orphan = np.flatnonzero((pending >= _TINY) & (surviving == 0))
    if len(orphan) == 0:
        return empty, empty, np.zeros(0)
    draws = state.streams.uniform("supplier_entry", month, groups[orphan])
    rows, cols, values = [], [], []
    for index in orphan[draws < entry.supplier_takeover_per_month]:  # (buyer, part) pairs without suppliers: few
        buyer, part = divmod(int(groups[index]), _PART_GROUPS)
        if firms.role[buyer] not in (ASSEMBLER, TIER1):
            continue
        chain = config.sector_names[int(firms.sector[buyer])]
        tier = config.chains[chain].tier1 if firms.role[buyer] == ASSEMBLER else config.chains[chain].tier2
        buyer_output = firms.output[buyer] if firms.output[buyer] > 0 else firms.expected_demand[buyer]
        employees = max(1, round(pending[index] * buyer_output / tier.productivity_at(month)))
        ids = add_firms(state, chain, np.array([employees]), month, "supplier entrant", "supplier_entry", None, tier)
        firms.role[ids] = TIER1 if firms.role[buyer] == ASSEMBLER else TIER2
        firms.part_type[ids] = part - 1
        firms.base_outside_sales[ids] = 0.0  # it sells to the buyer whose supplier failed
        rows.append(ids)
        cols.append(np.full(len(ids), buyer))
        values.append(np.full(len(ids), pending[index]))
        pending[index] = 0.0
        state.tally["firms_entered"] += len(ids)
        sites = free_sites(state)
        sites = sites[_site_kind(state, firms.sector[sites]) == 0]
        wants = state.streams.uniform("supplier_site_reuse", month, groups[index : index + 1])[0]
        if len(sites) and wants < entry.site_reuse_share:
            take_over_sites(state, ids, sites[:1], month)
    if not rows:
        return empty, empty, np.zeros(0)
    return np.concatenate(rows), np.concatenate(cols), np.concatenate(values)


def run_entry(state: RegionState, month: int) -> None:
    """Stage: after failures, failed suppliers' orders move to rivals and new local firms enter."""
    take_over_orders(state, month)
    enter_firms(state, month)
