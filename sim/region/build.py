"""Building a region at the start of a run: its firms, their supply links, its people, their jobs.

What exists and how big it is comes from the scenario's chains and industries, sampled at
the run's scale; every draw comes from its own named random stream, so that building is
reproducible and a policy switched on later does not reshuffle it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.errors import ScenarioError
from sim.inputs.scenario import FirmGroup, LabourMarket, Scenario
from sim.region import credit
from sim.region.households import benefits_paid, disposable_income, pensions_paid, tie_local_demand_to_income
from sim.region.labour_market import (
    MatchingMarket,
    calibrate_matching,
    draw_quit_months,
    draw_search_months,
    draw_short_job_ends,
    draw_waiting_months,
    job_slot_keys,
    leaving_rate_per_month,
    occupation_cdf_by_sector,
    short_job_workers,
)
from sim.region.mobility import populate_residents
from sim.region.powertrain import PartsDemand
from sim.region.random_streams import RandomStreams, weighted_choice
from sim.region.region_state import RegionState
from sim.region.rules import benefit_terms
from sim.region.shocks import ShockSchedule
from sim.region.state import (
    ASSEMBLER,
    EMPLOYED,
    INACTIVE,
    INDEPENDENT,
    NEVER,
    ROLE_NAMES,
    TIER1,
    TIER2,
    UNEMPLOYED,
    FirmTable,
    Workforce,
)
from sim.region.supply_chain import build_supply_network


def draw_firm_sizes(
    generator: np.random.Generator, total: int, alpha: float, size_min: int, size_max: int
) -> np.ndarray:
    """Firm sizes from a Pareto law truncated to [size_min, size_max], adding up to ``total``.

    Firm sizes are heavy-tailed: Axtell (2001, Science) finds a Zipf law (alpha about 1) for
    US firms. The last firm is trimmed so that the sizes sum exactly to ``total``.
    """
    if total <= 0:
        return np.zeros(0, dtype=np.int64)
    sizes: list[np.ndarray] = []
    drawn = 0
    low, high = float(size_min), float(size_max) + 1.0
    while drawn < total:
        batch = max(16, int(2 * (total - drawn) / max(size_min, 1)))
        u = generator.random(batch)
        # Inverse CDF of the Pareto law truncated to [low, high).
        x = low * (1.0 - u * (1.0 - (low / high) ** alpha)) ** (-1.0 / alpha)
        batch_sizes = np.minimum(np.floor(x).astype(np.int64), size_max)
        sizes.append(batch_sizes)
        drawn += int(batch_sizes.sum())
    all_sizes = np.concatenate(sizes)
    cumulative = np.cumsum(all_sizes)
    last = int(np.searchsorted(cumulative, total))
    all_sizes = all_sizes[: last + 1].copy()
    all_sizes[-1] -= int(cumulative[last] - total)
    return all_sizes[all_sizes > 0]


def draw_firm_size_list(
    generator: np.random.Generator, count: int, alpha: float, size_min: int, size_max: int
) -> np.ndarray:
    """``count`` firm sizes from the Pareto law truncated to [size_min, size_max]."""
    return firm_size_quantile(generator.random(count), alpha, size_min, size_max)


def firm_size_quantile(u: np.ndarray, alpha: float, size_min: int, size_max: int) -> np.ndarray:
    """Firm sizes at probabilities ``u`` of the Pareto law truncated to [size_min, size_max] (inverse CDF)."""
    low, high = float(size_min), float(size_max) + 1.0
    x = low * (1.0 - u * (1.0 - (low / high) ** alpha)) ** (-1.0 / alpha)
    return np.minimum(np.floor(x).astype(np.int64), size_max)


#: At reduced scale, firms up to this size are sampled whole rather than shrunk. A small
#: firm's dynamics depend on its size (one quit is a quarter of a 4-person shop; small firms
#: adjust to demand mostly as workers leave), so shrinking a 40-person firm to 4 at scale 0.1
#: would change how the sampled region behaves. Assumption: above about 50 workers a firm's
#: rules act in proportion, so big firms are shrunk instead (a sample of whole big firms
#: would be too lumpy: one tier-1 supplier of 1,500 could be a tenth of the chain).
WHOLE_FIRM_MAX_EMPLOYEES = 50


def scale_sizes(generator: np.random.Generator, sizes: np.ndarray, scale: float) -> np.ndarray:
    """Sample a fraction ``scale`` of the firms' workforce, keeping expected totals; 0 = not sampled.

    A firm whose scaled size is at least ``WHOLE_FIRM_MAX_EMPLOYEES`` shrinks to its scaled
    size, rounded stochastically. A smaller one is sampled whole: it keeps
    ``min(size, WHOLE_FIRM_MAX_EMPLOYEES)`` workers and is included with the probability that
    keeps its expected workforce. So small firms are as small, and behave, as at full scale.
    """
    if scale == 1.0:
        return sizes.copy()
    scaled = sizes * scale
    whole_size = np.minimum(sizes, WHOLE_FIRM_MAX_EMPLOYEES)
    draws = generator.random(len(sizes))
    shrunk = np.floor(scaled) + (draws < scaled - np.floor(scaled))
    sampled_whole = np.where(draws < scaled / np.maximum(whole_size, 1), whole_size, 0)
    return np.where(scaled >= whole_size, shrunk, sampled_whole).astype(np.int64)


@dataclass
class FirmSpec:
    """A group of firms to create: shared economics, one size per firm."""

    sector: str
    role: int
    sizes: np.ndarray
    names: list[str]
    wage: float
    productivity: np.ndarray  # per firm, before dispersion for non-assemblers
    input_cost_share: float
    operating_margin: float
    export_share: float
    branch: np.ndarray | None = None
    size_factor: np.ndarray | None = None  # sampled / full-scale employees (None: 1 for every firm)


def industry_employees(scenario: Scenario) -> dict[str, int]:
    """Full-scale employees of every industry, given, derived from a chain's share, or the rest.

    An industry sized by ``size_by_chain_output_share`` gets the employment that makes its
    chain that share of manufacturing output (the auto chain makes 45% of Gwangju's, seed
    000); the one residual industry takes the rest of the employed labour force.
    """
    chain_output = {
        name: sum(a.final_demand_units_per_year * a.unit_value_krw / 12.0 for a in chain.assemblers)
        + chain.tier1.employees * chain.tier1.productivity_krw_per_worker_month
        + chain.tier2.employees * chain.tier2.productivity_krw_per_worker_month
        for name, chain in scenario.chains.items()
    }
    employees: dict[str, int] = {
        name: industry.employees for name, industry in scenario.industries.items() if industry.employees is not None
    }
    for name, industry in scenario.industries.items():
        sizing = industry.size_by_chain_output_share
        if sizing is None:
            continue
        output = chain_output[sizing.chain] / sizing.share
        for other in scenario.traded_names:
            if other == name:
                continue
            if other in chain_output:
                output -= chain_output[other]
            elif other in employees:
                output -= employees[other] * scenario.industries[other].productivity_krw_per_worker_month
            else:
                raise ScenarioError(
                    f"scenario {scenario.scenario.name!r}",
                    f"industries.{other}.employees",
                    "nothing",
                    f"industries.{name} is sized by a chain's share of manufacturing output, so every other traded "
                    "industry must give its employees",
                )
        if output < 0:
            others = chain_output[sizing.chain] / sizing.share - output  # the other traded industries' output
            raise ScenarioError(
                f"scenario {scenario.scenario.name!r}",
                f"industries.{name}.size_by_chain_output_share.share",
                sizing.share,
                f"allowed: at most {chain_output[sizing.chain] / others:.4g}, the chain's output over the other "
                f"traded industries' given; above it {name} would have negative output "
                f"(or give industries.{name}.employees instead)",
            )
        employees[name] = round(output / industry.productivity_krw_per_worker_month)
    employed_full = round(scenario.population.labour_force * (1.0 - scenario.population.unemployment_rate))
    sized = sum(chain.employees for chain in scenario.chains.values()) + sum(employees.values())
    residual = next(name for name, industry in scenario.industries.items() if industry.is_residual)
    if employed_full - sized <= 0:
        # Blame the unemployment rate when the labour force itself would be large enough.
        rate = scenario.population.labour_force > sized and scenario.population.unemployment_rate > 0
        raise ScenarioError(
            f"scenario {scenario.scenario.name!r}",
            "population.unemployment_rate" if rate else "population.labour_force",
            scenario.population.unemployment_rate if rate else scenario.population.labour_force,
            f"allowed: a value that leaves workers for {residual}: the labour force employs {employed_full:,} people "
            f"but the other sectors alone need {sized:,}; "
            + ("lower the unemployment rate" if rate else "raise the labour force or shrink the industries"),
        )
    employees[residual] = employed_full - sized
    return {name: employees[name] for name in scenario.industries}


def plan_firm_groups(scenario: Scenario, generator: np.random.Generator, scale: float) -> list[FirmSpec]:
    """Decide which firms exist and how big they are, at the given scale.

    Chains first (assembly plants, tier 1, tier 2), then industries, in the order the
    scenario declares them. A chain may have no assembly plant, or no firms at all.
    """
    specs: list[FirmSpec] = []

    def group_spec(sector: str, role: int, group: FirmGroup, total: int, label: str) -> FirmSpec:
        sizes_full = draw_firm_sizes(
            generator, total, group.firm_size_pareto_alpha, group.firm_size_min, group.firm_size_max
        )
        sizes = scale_sizes(generator, sizes_full, scale)
        keep = sizes > 0
        return FirmSpec(
            sector=sector,
            role=role,
            sizes=sizes[keep],
            size_factor=sizes[keep] / sizes_full[keep],
            names=[f"{label} {i + 1}" for i in range(int(keep.sum()))],
            wage=group.wage_krw_per_month,
            productivity=np.full(int(keep.sum()), group.productivity_krw_per_worker_month),
            input_cost_share=group.input_cost_share,
            operating_margin=group.operating_margin,
            export_share=group.export_share,
        )

    for chain_name, chain in scenario.chains.items():
        for assembler in chain.assemblers:
            output = assembler.final_demand_units_per_year * assembler.unit_value_krw / 12.0
            employees = max(1, round(assembler.employees * scale))
            specs.append(
                FirmSpec(
                    sector=chain_name,
                    role=ASSEMBLER,
                    sizes=np.array([employees]),
                    size_factor=np.array([employees / assembler.employees]),
                    names=[assembler.name],
                    wage=assembler.wage_krw_per_month,
                    productivity=np.array([output / assembler.employees]),
                    input_cost_share=assembler.input_cost_share,
                    operating_margin=assembler.operating_margin,
                    export_share=assembler.export_share,
                )
            )
        for role, tier in ((TIER1, chain.tier1), (TIER2, chain.tier2)):
            label = f"{chain_name} {ROLE_NAMES[role]} supplier"
            specs.append(group_spec(chain_name, role, tier, tier.employees, label))

    for name, employees in industry_employees(scenario).items():
        industry = scenario.industries[name]
        spec = group_spec(name, INDEPENDENT, industry, employees, f"{name.replace('_', ' ')} firm")
        if industry.branch_shares:
            probabilities = np.array(list(industry.branch_shares.values()))
            codes = np.arange(len(probabilities), dtype=np.int8)
            spec.branch = generator.choice(codes, size=len(spec.sizes), p=probabilities)
        specs.append(spec)
    return specs


def build_firm_table(specs: list[FirmSpec], scenario: Scenario, generator: np.random.Generator) -> FirmTable:
    """Create the firm rows from the planned groups; finances are settled once workers exist."""
    behaviour = scenario.firms
    names: list[str] = []
    columns: dict[str, list[np.ndarray]] = {
        key: []
        for key in ("sector", "role", "branch", "size", "size_factor", "productivity", "wage", "input", "export")
    }
    margins = []
    for spec in specs:
        n = len(spec.sizes)
        names.extend(spec.names)
        columns["sector"].append(np.full(n, scenario.sector_code(spec.sector), dtype=np.int8))
        columns["role"].append(np.full(n, spec.role, dtype=np.int8))
        columns["branch"].append(spec.branch if spec.branch is not None else np.full(n, -1, dtype=np.int8))
        columns["size"].append(spec.sizes.astype(np.int64))
        columns["size_factor"].append(spec.size_factor if spec.size_factor is not None else np.ones(n))
        if spec.role == ASSEMBLER:
            productivity = spec.productivity
            wage = np.full(n, spec.wage)
        else:
            # More productive firms pay more (labour's share is about the group's), with some
            # independent spread of pay on top.
            sigma_p, sigma_w = behaviour.productivity_dispersion, behaviour.wage_dispersion
            relative_productivity = np.exp(sigma_p * generator.standard_normal(n) - sigma_p**2 / 2)
            productivity = spec.productivity * relative_productivity
            wage = spec.wage * relative_productivity * np.exp(sigma_w * generator.standard_normal(n) - sigma_w**2 / 2)
        columns["productivity"].append(productivity)
        columns["wage"].append(wage)
        columns["input"].append(np.full(n, spec.input_cost_share))
        columns["export"].append(np.full(n, spec.export_share))
        margins.append(np.full(n, spec.operating_margin))
    arrays = {key: np.concatenate(values) for key, values in columns.items()}
    count = len(names)
    size = arrays["size"]
    base_output = size * arrays["productivity"]
    is_sme = size / arrays["size_factor"] <= behaviour.sme_max_employees
    table = FirmTable(capacity=count)
    table.grow(
        count,
        {
            "name": names,
            "sector": arrays["sector"],
            "role": arrays["role"],
            "branch": arrays["branch"],
            "base_employees": size,
            "productivity": arrays["productivity"],
            "wage_level": arrays["wage"],
            "input_cost_share": arrays["input"],
            "export_share": arrays["export"],
            "operating_margin": np.concatenate(margins),
            "base_output": base_output,
            "interest_rate": behaviour.bank_rate_annual + np.where(is_sme, behaviour.sme_spread_annual, 0.0),
            "is_sme": is_sme,
            "capacity": base_output * (1.0 + behaviour.capacity_headroom),
            "debt": base_output * 12.0 * behaviour.initial_debt_to_annual_sales,
            "expected_demand": base_output,
            "annual_sales": base_output * 12.0,
            "employees": size,
            "size_factor": arrays["size_factor"],
            "key": np.arange(count, dtype=np.uint64),
            "orders": base_output,
            "output": base_output,
        },
    )
    # Banks price each firm's starting debt by its risk (credit.py): its price starts at 1 with this rate.
    table.leverage_spread = credit.leverage_spread(table, behaviour)
    table.interest_rate = credit.lending_rate(table, behaviour.bank_rate_annual, behaviour)
    return table


def by_firm_group(table: FirmTable, scenario: Scenario, setting: str) -> np.ndarray:
    """Per firm, a setting of its firm group (``FirmGroup``: a chain's tier or an industry; assembly plants: 0).

    Used for the yearly trends set by group: ``outside_demand_trend_per_year`` (sales outside the region)
    and ``productivity_growth_per_year`` (output per worker).
    """
    values = np.zeros(table.count)
    for name, chain in scenario.chains.items():
        in_chain = table.sector == scenario.sector_code(name)
        values[in_chain & (table.role == TIER1)] = getattr(chain.tier1, setting)
        values[in_chain & (table.role == TIER2)] = getattr(chain.tier2, setting)
    for name, industry in scenario.industries.items():
        values[(table.sector == scenario.sector_code(name)) & (table.role == INDEPENDENT)] = getattr(industry, setting)
    return values


def settle_initial_finances(table: FirmTable, wage_bill: np.ndarray, scenario: Scenario) -> None:
    """Set fixed costs so each firm earns its group's operating margin at the start, and give it cash.

    Fixed costs absorb the firm-level spread of pay and productivity, so no firm starts
    loss-making; losses come only from shocks. They are overheads of the plant: a fixed
    amount per KRW of capacity in use (``overhead_rate``), so they fall when production
    moves abroad or capacity is run down, and rise when a growing firm invests.
    """
    margin = table.operating_margin
    interest = table.debt * table.interest_rate / 12.0
    fixed = table.base_output * (1.0 - table.input_cost_share - margin) - wage_bill - interest
    table.fixed_costs = np.maximum(fixed, 0.0)
    table.overhead_rate = table.fixed_costs / table.capacity
    table.labour_cost_share = wage_bill / table.base_output
    table.interest_cost_share = interest / table.base_output
    table.fixed_cost_share = table.fixed_costs / table.base_output
    table.base_interest_rate = table.interest_rate
    table.wage_bill = wage_bill.copy()
    monthly_costs = wage_bill + table.base_output * table.input_cost_share + table.fixed_costs + interest
    table.cash = monthly_costs * scenario.firms.initial_cash_months_of_costs


def place_firms(table: FirmTable, scenario: Scenario, streams: RandomStreams) -> None:
    """Put traded firms in industrial complexes and mark social enterprises among local services."""
    generator = streams.generator("firm_locations")
    local_codes = [scenario.sector_code(name) for name in scenario.local_services_names]
    traded = ~np.isin(table.sector, local_codes)
    table.complex_id = np.where(traded, generator.integers(0, scenario.firms.industrial_complexes, table.count), -1)
    draw = generator.random(table.count)
    share = np.zeros(len(scenario.sector_names))
    for name in scenario.local_services_names:
        share[scenario.sector_code(name)] = scenario.industries[name].social_enterprise_share
    table.social_enterprise = ~traded & (draw < share[table.sector])


def populate(
    workforce: Workforce,
    scenario: Scenario,
    firm_sector: np.ndarray,
    firm_wage_level: np.ndarray,
    firm_employees: np.ndarray,
    streams: RandomStreams,
) -> None:
    """Create the starting population: employees of every firm, the unemployed, and inactive people.

    Ages are spread evenly over the working ages and tenures are exponential with a mean of
    six years (assumption: close to the average tenure in Korean employer surveys). The
    unemployed have the steady-state spread of spell lengths for the job-finding rate; the
    out-of-labour-force pool that moves in and out of search starts at its steady-state size.
    """
    generator = streams.generator("population")
    labour = scenario.labour_market
    population = scenario.population
    occupation_index = {name: code for code, name in enumerate(labour.occupations)}
    skill_wage = np.array(labour.skill_wage_multiplier)

    employed_total = int(firm_employees.sum())
    ids = workforce.grow(employed_total)
    workforce.key[ids] = ids
    employer = np.repeat(np.arange(len(firm_employees), dtype=np.int32), firm_employees)
    sector = firm_sector[employer]
    workforce.employer[ids] = employer
    workforce.status[ids] = EMPLOYED
    _draw_occupation_and_skill(workforce, scenario, ids, sector, generator, occupation_index)
    _draw_ages(workforce, population, ids, generator)
    age_months = -workforce.birth_month[ids]
    working_months = np.maximum(age_months - population.age_min_years * 12, 1)
    # Mean tenure about six years: Statistics Korea's supplementary survey of the Economically Active Population
    # Survey, wage workers' mean tenure 5 years 8 months (March 2014; regular workers 7 years 1 month).
    tenure = np.minimum(generator.exponential(72.0, employed_total), working_months).astype(np.int32)
    workforce.hire_month[ids] = -tenure
    # Pay varies by skill and person, scaled so that each firm's mean pay is its wage level.
    sigma = scenario.firms.wage_dispersion
    relative = skill_wage[workforce.skill[ids] - 1] * np.exp(sigma * generator.standard_normal(employed_total))
    firm_mean = np.bincount(employer, weights=relative, minlength=len(firm_employees)) / np.maximum(firm_employees, 1)
    workforce.wage[ids] = firm_wage_level[employer] * relative / firm_mean[employer]
    workforce.quit_month[ids] = draw_quit_months(streams, workforce.key[ids], 0, leaving_rate_per_month(labour))
    workforce.search_month[ids] = draw_search_months(
        streams, workforce.key[ids], 0, labour.on_the_job_search_rate_per_month
    )
    _draw_fixed_term_contracts(workforce, labour, ids, streams)
    _draw_short_jobs(workforce, labour, ids, streams)

    # The unemployed: sized from the unemployment rate, with the employed's mix of sectors.
    labour_force = employed_total / (1.0 - population.unemployment_rate)
    unemployed_total = round(labour_force * population.unemployment_rate)
    ids = workforce.grow(unemployed_total)
    workforce.key[ids] = ids
    last_sector = generator.choice(sector, size=unemployed_total) if unemployed_total else np.zeros(0, int)
    _draw_occupation_and_skill(workforce, scenario, ids, last_sector, generator, occupation_index)
    _draw_ages(workforce, population, ids, generator)
    workforce.status[ids] = UNEMPLOYED
    spell = generator.geometric(labour.job_finding_rate_per_month, unemployed_total) - 1
    workforce.unemployed_since[ids] = -spell
    sector_wage = _mean_by_sector(firm_sector, firm_wage_level, firm_employees, len(scenario.sector_names))
    workforce.wage[ids] = sector_wage[last_sector] * skill_wage[workforce.skill[ids] - 1]
    benefit = benefit_terms(scenario, 0)
    eligible = generator.random(unemployed_total) < benefit.eligible_share
    months = benefit.months(np.full(unemployed_total, 36))  # assumption: three years insured
    workforce.benefit_end_month[ids] = np.where(eligible, months - spell, 0)
    workforce.benefit_krw[ids] = np.minimum(workforce.wage[ids] * benefit.replacement_rate, benefit.cap_krw_per_month)

    # Out of the labour force but able to return: the steady state of exits and re-entries.
    long_term_share = (1.0 - labour.job_finding_rate_per_month) ** labour.long_term_unemployment_months
    inactive_total = 0
    if labour.reentry_rate_per_month > 0:
        inactive_total = round(
            unemployed_total * long_term_share * labour.exit_to_inactive_rate_per_month / labour.reentry_rate_per_month
        )
    ids = workforce.grow(inactive_total)
    workforce.key[ids] = ids
    last_sector = generator.choice(sector, size=inactive_total) if inactive_total else np.zeros(0, int)
    _draw_occupation_and_skill(workforce, scenario, ids, last_sector, generator, occupation_index)
    _draw_ages(workforce, population, ids, generator)
    workforce.status[ids] = INACTIVE
    workforce.wage[ids] = sector_wage[last_sector] * skill_wage[workforce.skill[ids] - 1]


def open_job_share(labour: LabourMarket) -> float:
    """The share of a firm's jobs open at the start: the steady-state stock of vacancies the month's flows imply.

    Each month firms open one vacancy for every separation (``turnover_rate_per_month`` of the employed, by
    every route) and a vacancy stays open ``vacancy_duration_months`` on average, so the open jobs are
    s x D of the employed before matching (stock = inflow x mean duration). The month's quits come first in
    its labour market (labour_market.run_labour_market): they open their jobs during month 1, so the start
    carries s x D - q of the employed, q = ``quit_rate_per_month`` + ``dismissal_rate_per_month`` (both leave
    on the worker's own clock, labour_market.leaving_rate_per_month); as a share of jobs (employed + open),
    g / (1 + g). Zero when the turnover is not given.
    """
    carried = max(labour.turnover_rate_per_month * labour.vacancy_duration_months - leaving_rate_per_month(labour), 0.0)
    return carried / (1.0 + carried)


def open_jobs_at_start(
    labour: LabourMarket, jobs: np.ndarray, firm_key: np.ndarray, streams: RandomStreams
) -> np.ndarray:
    """Per firm, how many of its ``jobs`` start open (unfilled): each job independently, ``open_job_share``.

    One draw per job (stream ``"open_jobs"``, keyed by firm and slot as vacancies are), so small firms get
    open jobs as often as large ones in expectation. The firm's workforce plan posts them in month 1
    (production.workforce_plans: its target is its jobs), with the month's quits.
    """
    share = open_job_share(labour)
    if share <= 0.0 or len(jobs) == 0:
        return np.zeros(len(jobs), dtype=np.int64)
    firm, keys = job_slot_keys(jobs, firm_key)
    is_open = streams.uniform("open_jobs", 0, keys) < share
    return np.bincount(firm[is_open], minlength=len(jobs)).astype(np.int64)


def contract_hazard_per_month(labour: LabourMarket) -> float:
    """The monthly hazard x of a job ending before its contract's limit, implied by the scenario's fixed-term shares.

    The hire share h is derived (scenarios/gwangju.toml) from the stock share s, the conversion share c and
    the share S = e^(-L x) of jobs that last the contract's L months: h = s / ((1 - S)(1 - s) + s (1 - S c)).
    Solved for S: S = (1 - s / h) / (1 - s + s c), so the starting contracts use the same x as the derivation.
    Zero when the shares give no S in (0, 1).
    """
    s, h, c = labour.fixed_term_share_of_employees, labour.fixed_term_share_of_hires, labour.fixed_term_conversion_share
    if h <= 0.0 or s <= 0.0:
        return 0.0
    survive = (1.0 - s / h) / (1.0 - s + s * c)
    if not 0.0 < survive < 1.0:
        return 0.0
    return float(-np.log(survive) / labour.fixed_term_contract_months)


def _draw_fixed_term_contracts(
    workforce: Workforce, labour: LabourMarket, ids: np.ndarray, streams: RandomStreams
) -> None:
    """Put the survey's share of the starting employees on fixed-term contracts, part way through.

    A share ``fixed_term_share_of_employees`` (streams ``"fixed_term_start"``, ``"contract_left"``) holds
    contracts whose months already served follow the steady state: contracts start at a constant rate and
    end early at the monthly hazard x of a job ending otherwise, so a contract has served a months with
    density proportional to e^(-x a) over the ``fixed_term_contract_months`` (``contract_hazard_per_month``;
    uniform when x is zero). Their hire month is the contract's start, so tenure and contract agree.
    """
    share = labour.fixed_term_share_of_employees
    if share <= 0.0 or len(ids) == 0:
        return
    length = labour.fixed_term_contract_months
    keys = workforce.key[ids]
    fixed = streams.uniform("fixed_term_start", 0, keys) < share
    u = streams.uniform("contract_left", 0, keys)
    hazard = contract_hazard_per_month(labour)
    # Inverse of the truncated exponential: served = -ln(1 - u (1 - e^(-x L))) / x, in [0, L).
    served = -np.log1p(-u * -np.expm1(-hazard * length)) / hazard if hazard > 0.0 else u * length
    months_left = length - np.floor(served).astype(np.int32)
    months_left = np.clip(months_left, 1, length)
    workforce.contract_end_month[ids] = np.where(fixed, months_left, NEVER)
    workforce.hire_month[ids] = np.where(fixed, months_left - length, workforce.hire_month[ids])


def _draw_short_jobs(workforce: Workforce, labour: LabourMarket, ids: np.ndarray, streams: RandomStreams) -> None:
    """Put the starting employees who are short-job workers (``short_job_workers``) in short jobs, part way through.

    A short job ends at a constant monthly hazard 1 / ``short_job_months``, so in the steady state both the
    months it has run and the months it has left are geometric with that mean (stream ``"short_job_served"``
    for the first, ``"short_job_end"`` for the second); a fixed-term contract drawn before is replaced.
    """
    short = short_job_workers(workforce.key[ids], labour.short_job_worker_share, streams)
    if not short.any():
        return
    rows, keys = ids[short], workforce.key[ids[short]]
    workforce.contract_end_month[rows] = draw_short_job_ends(streams, keys, 0, labour.short_job_months)
    served = draw_waiting_months(streams, "short_job_served", keys, 0, 1.0 / labour.short_job_months) - 1
    workforce.hire_month[rows] = -served


def _draw_occupation_and_skill(
    workforce: Workforce,
    scenario: Scenario,
    ids: np.ndarray,
    sector: np.ndarray,
    generator: np.random.Generator,
    occupation_index: dict[str, int],
) -> None:
    for code, name in enumerate(scenario.sector_names):
        rows = ids[sector == code]
        if len(rows) == 0:
            continue
        mix = scenario.workforce[name]
        codes = np.array([occupation_index[o] for o in mix.occupation_mix], dtype=np.int8)
        workforce.occupation[rows] = weighted_choice(generator, codes, len(rows), list(mix.occupation_mix.values()))
        workforce.skill[rows] = weighted_choice(generator, np.array([1, 2, 3], dtype=np.int8), len(rows), mix.skill_mix)


def _draw_ages(workforce: Workforce, population, ids: np.ndarray, generator: np.random.Generator) -> None:  # noqa: ANN001
    age_years = generator.uniform(population.age_min_years, population.age_max_years, len(ids))
    workforce.birth_month[ids] = -np.round(age_years * 12).astype(np.int32)
    workforce.retire_month[ids] = workforce.birth_month[ids] + round(population.retirement_age_years * 12)


def _mean_by_sector(
    firm_sector: np.ndarray, firm_wage: np.ndarray, firm_employees: np.ndarray, sectors: int
) -> np.ndarray:
    weights = np.bincount(firm_sector, weights=firm_employees, minlength=sectors)
    totals = np.bincount(firm_sector, weights=firm_wage * firm_employees, minlength=sectors)
    return np.divide(totals, weights, out=np.full(sectors, totals.sum() / max(weights.sum(), 1)), where=weights > 0)


def build_region(config: Scenario, streams: RandomStreams, scale: float, months: int) -> RegionState:
    """The region at the start of a run: firms, supply links, people in jobs, matching, local demand."""
    firm_generator = streams.generator("firms")
    specs = plan_firm_groups(config, firm_generator, scale)
    firms = build_firm_table(specs, config, firm_generator)
    firms.staffing_threshold = streams.uniform("staffing_threshold", 0, firms.key)
    network = build_supply_network(firms, config, streams.generator("network"))
    firms.outside_trend_per_year = by_firm_group(firms, config, "outside_demand_trend_per_year")
    firms.productivity_growth_per_year = by_firm_group(firms, config, "productivity_growth_per_year")

    initial_people = int(firms.base_employees.sum() / (1.0 - config.population.unemployment_rate) * 1.1)
    capacity = initial_people + int(config.population.entry_rate_per_month * initial_people * months * 1.3)
    if config.mobility is not None:  # the inactive too, and a run's migrants and cohorts (mobility.py)
        participation = float(
            np.dot(config.mobility.population_share_by_age, config.mobility.participation_rate_by_age)
        )
        capacity = int(initial_people / max(participation, 0.05) * (1.0 + 0.03 * months / 12.0))
    workforce = Workforce(capacity)
    open_jobs = open_jobs_at_start(config.labour_market, firms.base_employees, firms.key, streams)
    populate(workforce, config, firms.sector, firms.wage_level, firms.base_employees - open_jobs, streams)
    employed = workforce.status == EMPLOYED
    employer = workforce.employer[employed]
    firms.employees = np.bincount(employer, minlength=firms.count)
    firms.payroll = np.bincount(employer, weights=workforce.wage[employed], minlength=firms.count)
    # Costs are set for the firm fully staffed (its open jobs paid at its wage level, the mean pay of its
    # employees), so a firm earns its group's margin at its base output, as without open jobs.
    settle_initial_finances(firms, firms.payroll + open_jobs * firms.wage_level, config)
    firms.wage_bill = firms.payroll
    # What its employees can make, as production.produce limits it (the open jobs make nothing).
    firms.output = np.minimum(firms.base_output, firms.employees * firms.productivity)
    place_firms(firms, config, streams)

    occupations = len(config.labour_market.occupations)
    employed_count = max(int(employed.sum()), 1)
    state = RegionState(
        config=config,
        scale=scale,
        months=months,
        streams=streams,
        firms=firms,
        workforce=workforce,
        network=network,
        shocks=ShockSchedule(config, firms),
        matching=MatchingMarket.from_scenario(config),
        occupation_cdf=occupation_cdf_by_sector(config),
        entrant_occupation_weights=np.bincount(workforce.occupation[employed], minlength=occupations) / employed_count,
        entrant_skill_weights=np.bincount(workforce.skill[employed] - 1, minlength=3) / employed_count,
        initial_labour_force=int(np.isin(workforce.status, (EMPLOYED, UNEMPLOYED)).sum()),
        parts_demand=PartsDemand(config, firms),
    )
    if config.mobility is not None:
        populate_residents(state)
    calibrate_matching(state)
    state.start_month_tally()
    local = state.local
    local.wage_income_krw = float(firms.wage_bill.sum())
    local.benefit_income_krw = benefits_paid(workforce, 0)
    local.pension_income_krw = pensions_paid(state, 0)
    local.income_krw = disposable_income(state, 0)
    tie_local_demand_to_income(state)
    if local.autonomous_demand_krw < 0:
        raise ScenarioError(
            f"scenario {config.scenario.name!r}",
            "households.local_share_of_spending",
            config.households.local_share_of_spending,
            f"households' local spending at the start ({local.spending_coefficient * local.income_krw:,.0f} KRW a "
            f"month) with firms' purchases of local services ({local.business_purchases_krw:,.0f}) exceeds the local "
            f"services industries' sales ({firms.base_local_sales.sum():,.0f}); allowed: a lower local share or "
            "propensity to consume, or larger local services industries",
        )
    return state
