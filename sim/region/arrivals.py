"""Firms and people that arrive during a run: the only code that adds rows to the region's tables.

- Inward investment: new firms that come without any incentive, at the scenario's Poisson
  rate (``[investment]``); an investment incentive adds firms through the same functions.
- Entrants: young people entering the labour force as job seekers.
- Foreign workers placed in jobs by a visa programme.

Every new row gets every registered column's default (state.py), then its own values.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.inputs.scenario import FirmGroup
from sim.region.build import draw_firm_size_list, scale_sizes
from sim.region.random_streams import agent_keys
from sim.region.rules import bank_rate, minimum_wage
from sim.region.state import EMPLOYED, INDEPENDENT, UNEMPLOYED

if TYPE_CHECKING:
    from sim.region.region_state import RegionState

#: A planned arrival, per sector with arrivals: (sector, sampled employees, size factor).
ArrivalPlan = list[tuple[str, np.ndarray, np.ndarray]]


def inward_investment(state: RegionState, month: int) -> None:
    """Stage: the month starts (event counts zeroed); new firms come without incentives."""
    state.start_month_tally()
    firms = state.firms
    firms.layoffs_last_month = firms.layoffs
    firms.layoffs = 0
    investment = state.config.investment
    if investment is None or investment.arrivals_per_year <= 0:
        return
    generator = state.streams.generator("investment_arrivals", month)
    count = int(generator.poisson(investment.arrivals_per_year / 12.0))
    if count == 0:
        return
    plan = plan_arriving_firms(state, generator, count, investment.sectors, state.arrivals_lost)
    ids = add_planned_firms(state, plan, month, "new firm", "inward_investment")
    state.tally["firms_arrived"] += len(ids)


def plan_arriving_firms(
    state: RegionState,
    generator: np.random.Generator,
    count: int,
    sectors: list[str],
    lost: dict[str, int] | None = None,
) -> ArrivalPlan:
    """Draw ``count`` firms arriving from outside, each in one of ``sectors`` (equally likely).

    Sizes follow the scenario's ``[investment]`` law and are sampled at the run's scale
    (``scale_sizes``: firms not sampled do not come). Nothing is added yet, so that an
    incentive can first check what it can pay for. ``lost`` (a national model's: firms, by
    sector, that another region of the nation attracted away) removes that many of the drawn
    firms, first drawn first, whether or not they were sampled, and keeps the rest for later
    months; the draws are those of the region alone.
    """
    investment = state.config.investment
    sector_index = generator.choice(len(sectors), size=count)
    sizes = draw_firm_size_list(
        generator, count, investment.firm_size_pareto_alpha, investment.firm_size_min, investment.firm_size_max
    )
    sampled = scale_sizes(generator, sizes, state.scale)
    kept = np.ones(count, dtype=bool)
    for index, sector in enumerate(sectors):
        if lost and lost.get(sector, 0) > 0:
            drawn = np.flatnonzero(sector_index == index)[: lost[sector]]
            kept[drawn] = False
            lost[sector] -= len(drawn)
    plan = []
    for index, sector in enumerate(sectors):
        chosen = (sector_index == index) & (sampled > 0) & kept
        if chosen.any():
            plan.append((sector, sampled[chosen], sampled[chosen] / sizes[chosen]))
    return plan


def add_planned_firms(state: RegionState, plan: ArrivalPlan, month: int, name_prefix: str, origin: str) -> np.ndarray:
    """Add the firms of a :func:`plan_arriving_firms` plan; return their ids."""
    new = [
        add_firms(state, sector, employees, month, name_prefix, origin, factor)
        for sector, employees, factor in plan
        if len(employees)
    ]
    return np.concatenate(new) if new else np.zeros(0, dtype=np.int64)


def add_firms(
    state: RegionState,
    sector: str,
    employees_target: np.ndarray,
    month: int,
    name_prefix: str,
    origin: str,
    size_factor: np.ndarray | None = None,
    group: FirmGroup | None = None,
) -> np.ndarray:
    """New firms (or plants) of an industry that arrive with no staff and hire towards ``employees_target``.

    They take their industry's economics (productivity, pay, costs, export share) and sell
    outside the region (local services firms: locally). Their investors fund a year of
    start-up costs in cash (assumption: a plant is financed through its ramp-up), so a firm
    still hiring is not failed by its first months' losses. ``origin`` names who brings them
    (e.g. an intervention), keeping their random draws apart from the baseline's arrivals.
    ``size_factor`` is each firm's sampled / full-scale size (build.scale_sizes; default 1).
    ``group`` gives the economics when they are not the industry's (a chain's tier, for
    suppliers that enter to take over a failed supplier's orders: entry.py). Returns the new
    firm ids.
    """
    config = state.config
    group = config.industries[sector] if group is None else group
    behaviour = config.firms
    count = len(employees_target)
    firms = state.firms
    target = np.asarray(employees_target)
    # Output per worker has grown since the start like the incumbents' (production.grow_productivity).
    productivity = group.productivity_at(month)
    base_output = np.asarray(employees_target, float) * productivity
    capacity = base_output * (1.0 + behaviour.capacity_headroom)
    wage_bill = np.asarray(employees_target, float) * group.wage_krw_per_month
    fixed = np.maximum(base_output * (1.0 - group.input_cost_share - group.operating_margin) - wage_bill, 0.0)
    size_factor = np.ones(count) if size_factor is None else np.asarray(size_factor, float)
    sme = target / size_factor <= behaviour.sme_max_employees
    cash = (wage_bill + fixed) * (behaviour.initial_cash_months_of_costs + 12.0)
    is_local = sector in config.local_services_names
    start = firms.count
    keys = agent_keys(f"{origin}/{sector}", month, count)
    ids = firms.grow(
        count,
        {
            "name": [f"{name_prefix} {start + i}" for i in range(count)],
            "sector": config.sector_code(sector),
            "role": INDEPENDENT,
            "base_employees": target,
            "productivity": productivity,
            "wage_level": group.wage_krw_per_month,
            "input_cost_share": group.input_cost_share,
            "export_share": group.export_share,
            "operating_margin": group.operating_margin,
            "base_output": base_output,
            "fixed_costs": fixed,
            "overhead_rate": fixed / capacity,
            "interest_rate": bank_rate(config, month) + np.where(sme, behaviour.sme_spread_annual, 0.0),
            "is_sme": sme,
            "capacity": capacity,
            "cash": cash,
            "expected_demand": base_output,
            "annual_sales": base_output * 12.0,
            "entry_month": month,
            "size_factor": size_factor,
            "key": keys,
            "staffing_threshold": state.streams.uniform("staffing_threshold", 0, keys),
            "labour_cost_share": group.wage_krw_per_month / productivity,
            "fixed_cost_share": fixed / base_output,
            "base_interest_rate": bank_rate(config, month) + np.where(sme, behaviour.sme_spread_annual, 0.0),
            "outside_trend_per_year": group.outside_demand_trend_per_year,
            "productivity_growth_per_year": group.productivity_growth_per_year,
            "base_outside_sales": 0.0 if is_local else base_output,
            "base_local_sales": base_output if is_local else 0.0,
            # A new firm's starting cash is the investor's capital, not a flow of this month.
            "flow_cash_before": cash,
            "flow_cash_after": cash,
        },
    )
    state.network.grow_to(firms.count, base_output)
    return ids


def add_entrants(state: RegionState, number: int, month: int) -> np.ndarray:
    """Young people entering the labour force as job seekers this month (no previous wage).

    Their occupations and skills follow the starting workforce's
    (``entrant_occupation_weights``, ``entrant_skill_weights`` for skill levels 1-3).
    """
    workforce = state.workforce
    ids = workforce.grow(number)
    if number == 0:
        return ids
    workforce.key[ids] = agent_keys("entrant", month, number)
    generator = state.streams.generator("entrants", month)
    population = state.config.population
    occupation_weights, skill_weights = state.entrant_occupation_weights, state.entrant_skill_weights
    age_years = generator.uniform(population.entrant_age_min_years, population.entrant_age_max_years, number)
    workforce.birth_month[ids] = month - np.round(age_years * 12).astype(np.int32)
    workforce.retire_month[ids] = workforce.birth_month[ids] + round(population.retirement_age_years * 12)
    workforce.occupation[ids] = generator.choice(len(occupation_weights), size=number, p=occupation_weights)
    workforce.skill[ids] = generator.choice(np.array([1, 2, 3], dtype=np.int8), size=number, p=skill_weights)
    workforce.status[ids] = UNEMPLOYED
    workforce.unemployed_since[ids] = month
    workforce.entry_month[ids] = month
    workforce.wage[ids] = 0.0
    return ids


def add_foreign_workers(state: RegionState, firms: np.ndarray, month: int, visa_months: int, skill: int) -> np.ndarray:
    """Place foreign workers in jobs at ``firms`` (one each) on visas of ``visa_months``; return their ids."""
    workforce = state.workforce
    ids = workforce.grow(len(firms))
    if len(ids) == 0:
        return ids
    workforce.key[ids] = agent_keys("foreign", month, len(ids))
    generator = state.streams.generator("foreign_workers", month)
    sector = state.firms.sector[firms]
    cdf = state.occupation_cdf[sector]
    workforce.occupation[ids] = np.minimum((generator.random(len(ids))[:, None] >= cdf).sum(axis=1), cdf.shape[1] - 1)
    workforce.skill[ids] = skill
    age_years = generator.uniform(25.0, 40.0, len(ids))
    workforce.birth_month[ids] = month - np.round(age_years * 12).astype(np.int32)
    workforce.retire_month[ids] = workforce.birth_month[ids] + round(state.config.population.retirement_age_years * 12)
    workforce.status[ids] = EMPLOYED
    workforce.employer[ids] = firms
    workforce.wage[ids] = np.maximum(
        state.firms.wage_level[firms] * state.matching.skill_wage[skill - 1], minimum_wage(state.config, month)
    )
    workforce.hire_month[ids] = month
    workforce.entry_month[ids] = month
    workforce.foreign[ids] = True
    workforce.visa_end_month[ids] = month + visa_months
    state.firms.hire(firms, workforce.wage[ids])
    state.tally["foreign_entrants"] += len(ids)
    state.tally["hired_pay_krw"] += float(workforce.wage[ids].sum())
    return ids
