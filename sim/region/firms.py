"""Firms: column-wise state (one row per firm) and the thin Mesa agent that views a row.

Firms are ``mesa.Agent`` objects so that Mesa's tools see them, but their state lives in
numpy arrays in :class:`FirmTable` and the model updates all firms at once; a Python loop
over tens of thousands of firms each month would dominate the run time.

Money is KRW; flows are KRW per month; rates are per year unless the name says otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import mesa
import numpy as np

from sim.errors import ScenarioError
from sim.inputs.scenario import CHAINS, GROWTH_BRANCHES, PART_TYPES, SECTORS, FirmGroup, Scenario

# Status codes
ACTIVE, CLOSED, RELOCATED = 0, 1, 2
STATUS_NAMES = ("active", "closed", "relocated")

# Roles in a supply chain; firms outside the chains are independent.
ASSEMBLER, TIER1, TIER2, INDEPENDENT = 0, 1, 2, 3
ROLE_NAMES = ("assembler", "tier1", "tier2", "independent")

NO_PART = -1  # part_type of firms that make no car parts
NO_BRANCH = -1  # growth_branch of firms outside the growth industries

SECTOR_CODE = {name: code for code, name in enumerate(SECTORS)}


@dataclass
class FirmTable:
    """State of every firm, one array element per firm (index = firm id)."""

    name: list[str]
    sector: np.ndarray  # int8, index into SECTORS
    role: np.ndarray  # int8, ASSEMBLER/TIER1/TIER2/INDEPENDENT
    part_type: np.ndarray  # int8, index into PART_TYPES or NO_PART
    growth_branch: np.ndarray  # int8, index into GROWTH_BRANCHES or NO_BRANCH
    status: np.ndarray  # int8, ACTIVE/CLOSED/RELOCATED
    base_employees: np.ndarray  # int64, employees at the start
    productivity: np.ndarray  # float64, output KRW per worker-month
    wage_level: (
        np.ndarray
    )  # float64, KRW per month: mean pay at the start; a new hire gets it times skill and distance factors
    input_cost_share: np.ndarray  # float64, purchased inputs per KRW of output
    export_share: np.ndarray  # float64, share of base sales outside the region
    operating_margin: np.ndarray  # float64, profit per KRW of output at the start
    base_output: np.ndarray  # float64, KRW per month at the start
    fixed_costs: np.ndarray  # float64, KRW per month (overheads of the plant as it stands this month)
    overhead_rate: np.ndarray  # float64, fixed costs per KRW of monthly capacity in use
    interest_rate: np.ndarray  # float64, per year
    is_sme: np.ndarray  # bool
    capacity: np.ndarray  # float64, KRW output per month the plant can make
    cash: np.ndarray  # float64, KRW
    debt: np.ndarray  # float64, KRW
    loss_months: np.ndarray  # int32, consecutive months with an operating loss (the credit record)
    expected_demand: np.ndarray  # float64, KRW per month, adaptive expectation of orders
    demand_noise: np.ndarray  # float64, log of the firm's AR(1) demand shock
    annual_sales: np.ndarray  # float64, KRW per year, smoothed (used for the leverage limit)
    employees: np.ndarray  # int64, workers now
    wage_bill: np.ndarray  # float64, KRW per month
    closed_month: np.ndarray  # int32, month the firm closed or left (-1 while active)
    complex_id: np.ndarray  # int32, industrial complex of a manufacturing firm (-1 for services)
    social_enterprise: np.ndarray  # bool, social enterprises and cooperatives (services)
    entry_month: np.ndarray  # int32, 0 for firms present at the start
    # Levers that policies set at the policy point and the later stages of the month read:
    overhead_discount: np.ndarray  # float64, share of fixed costs saved (infrastructure)
    policy_demand: np.ndarray  # float64, KRW per month of orders bought by policy (procurement)
    demand_uplift: np.ndarray  # float64, relative rise of the firm's market sales (e.g. new products)
    retention_covered: np.ndarray  # int64, jobs a retention subsidy pays the firm to keep this month
    unfilled_months: np.ndarray  # int32, consecutive months the firm has had openings it could not fill
    staffing_threshold: np.ndarray  # float64 in [0, 1): see production.workforce_plans
    size_factor: np.ndarray  # float64, employees at the start / the firm's full-scale employees (see scale_sizes)
    key: np.ndarray  # uint64, stable key of the firm's random draws (see random_streams.agent_keys)

    @property
    def count(self) -> int:
        return len(self.sector)

    def append(self, rows: dict[str, np.ndarray | list]) -> np.ndarray:
        """Add firms (e.g. attracted investment); ``rows`` gives every column. Return their ids."""
        first = self.count
        for column in fields(self):
            current = getattr(self, column.name)
            new = rows[column.name]
            if isinstance(current, list):
                current.extend(new)
            else:
                setattr(self, column.name, np.concatenate([current, np.asarray(new, dtype=current.dtype)]))
        return np.arange(first, self.count)


class Firm(mesa.Agent):
    """One firm as a Mesa agent: a named view onto its row of the model's FirmTable."""

    def __init__(self, model: mesa.Model, index: int) -> None:
        super().__init__(model)
        self.index = index

    @property
    def _table(self) -> FirmTable:
        return self.model.firms

    @property
    def name(self) -> str:
        return self._table.name[self.index]

    @property
    def sector(self) -> str:
        return SECTORS[self._table.sector[self.index]]

    @property
    def role(self) -> str:
        return ROLE_NAMES[self._table.role[self.index]]

    @property
    def part_type(self) -> str | None:
        code = self._table.part_type[self.index]
        return None if code == NO_PART else PART_TYPES[code]

    @property
    def status(self) -> str:
        return STATUS_NAMES[self._table.status[self.index]]

    @property
    def employees(self) -> int:
        return int(self._table.employees[self.index])

    @property
    def is_sme(self) -> bool:
        return bool(self._table.is_sme[self.index])

    @property
    def cash_krw(self) -> float:
        return float(self._table.cash[self.index])

    @property
    def debt_krw(self) -> float:
        return float(self._table.debt[self.index])

    def __repr__(self) -> str:
        return (
            f"Firm({self.index}, {self.name!r}, {self.sector}/{self.role}, {self.status}, {self.employees} employees)"
        )


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
    low, high = float(size_min), float(size_max) + 1.0
    u = generator.random(count)
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
    group: FirmGroup | None
    sizes: np.ndarray
    names: list[str]
    wage: float
    productivity: np.ndarray  # per firm, before dispersion for non-assemblers
    input_cost_share: float
    operating_margin: float
    export_share: float
    part_type: np.ndarray | None = None
    growth_branch: np.ndarray | None = None
    chain: str | None = None
    size_factor: np.ndarray | None = None  # sampled / full-scale employees (None: 1 for every firm)


def plan_firm_groups(scenario: Scenario, generator: np.random.Generator, scale: float) -> list[FirmSpec]:
    """Decide which firms exist and how big they are, at the given scale.

    Employment of other manufacturing is given (``industries.other_manufacturing.employees``)
    or derived so that the auto chain makes the stated share of manufacturing output (45%
    in Gwangju, seed 000); services take the rest of the employed labour force. A chain may
    have no assembly plant, or no firms at all.
    """
    specs: list[FirmSpec] = []
    full_outputs: dict[str, float] = {}

    def group_spec(sector: str, role: int, group: FirmGroup, total: int, label: str, chain: str | None) -> FirmSpec:
        sizes_full = draw_firm_sizes(
            generator, total, group.firm_size_pareto_alpha, group.firm_size_min, group.firm_size_max
        )
        sizes = scale_sizes(generator, sizes_full, scale)
        keep = sizes > 0
        names = [f"{label} {i + 1}" for i in range(int(keep.sum()))]
        return FirmSpec(
            sector=sector,
            role=role,
            group=group,
            sizes=sizes[keep],
            size_factor=sizes[keep] / sizes_full[keep],
            names=names,
            wage=group.wage_krw_per_month,
            productivity=np.full(int(keep.sum()), group.productivity_krw_per_worker_month),
            input_cost_share=group.input_cost_share,
            operating_margin=group.operating_margin,
            export_share=group.export_share,
            chain=chain,
        )

    for chain_name in CHAINS:
        chain = getattr(scenario.chains, chain_name)
        chain_output = 0.0
        for assembler in chain.assemblers:
            output = assembler.final_demand_units_per_year * assembler.unit_value_krw / 12.0
            chain_output += output
            employees = max(1, round(assembler.employees * scale))
            specs.append(
                FirmSpec(
                    sector=chain_name,
                    role=ASSEMBLER,
                    group=None,
                    sizes=np.array([employees]),
                    size_factor=np.array([employees / assembler.employees]),
                    names=[assembler.name],
                    wage=assembler.wage_krw_per_month,
                    productivity=np.array([output / assembler.employees]),
                    input_cost_share=assembler.input_cost_share,
                    operating_margin=assembler.operating_margin,
                    export_share=assembler.export_share,
                    chain=chain_name,
                )
            )
        for role, tier in ((TIER1, chain.tier1), (TIER2, chain.tier2)):
            chain_output += tier.employees * tier.productivity_krw_per_worker_month
            label = f"{chain_name} {ROLE_NAMES[role]} supplier"
            specs.append(group_spec(chain_name, role, tier, tier.employees, label, chain_name))
        full_outputs[chain_name] = chain_output

    industries = scenario.industries
    growth = industries.growth
    growth_spec = group_spec("growth", INDEPENDENT, growth, growth.employees, "growth firm", None)
    branch_codes = np.array([GROWTH_BRANCHES.index(b) for b in growth.branch_shares], dtype=np.int8)
    branch_probs = np.array(list(growth.branch_shares.values()))
    growth_spec.growth_branch = generator.choice(branch_codes, size=len(growth_spec.sizes), p=branch_probs)
    specs.append(growth_spec)
    full_outputs["growth"] = growth.employees * growth.productivity_krw_per_worker_month

    other = industries.other_manufacturing
    if other.employees is not None:
        other_employees = other.employees
    else:
        manufacturing_output = full_outputs["auto"] / other.auto_share_of_manufacturing_output
        other_output = manufacturing_output - full_outputs["auto"] - full_outputs["appliance"] - full_outputs["growth"]
        if other_output < 0:
            raise ScenarioError(
                f"scenario {scenario.scenario.name!r}",
                "industries.other_manufacturing.auto_share_of_manufacturing_output",
                other.auto_share_of_manufacturing_output,
                "too low for the auto, appliance and growth firms given: other manufacturing would have negative "
                "output (or give industries.other_manufacturing.employees instead)",
            )
        other_employees = round(other_output / other.productivity_krw_per_worker_month)
    specs.append(group_spec("other_manufacturing", INDEPENDENT, other, other_employees, "manufacturer", None))

    employed_full = round(scenario.population.labour_force * (1.0 - scenario.population.unemployment_rate))
    manufacturing_employees = (
        sum(a.employees for c in CHAINS for a in getattr(scenario.chains, c).assemblers)
        + sum(getattr(scenario.chains, c).tier1.employees + getattr(scenario.chains, c).tier2.employees for c in CHAINS)
        + growth.employees
        + other_employees
    )
    services_employees = employed_full - manufacturing_employees
    if services_employees <= 0:
        raise ScenarioError(
            f"scenario {scenario.scenario.name!r}",
            "population.labour_force",
            scenario.population.labour_force,
            f"employs {employed_full} people but manufacturing alone needs {manufacturing_employees}: "
            "raise the labour force or shrink the industries",
        )
    specs.append(group_spec("services", INDEPENDENT, industries.services, services_employees, "service business", None))
    return specs


def build_firm_table(specs: list[FirmSpec], scenario: Scenario, generator: np.random.Generator) -> FirmTable:
    """Create the firm rows from the planned groups; finances are settled once workers exist."""
    behaviour = scenario.firms
    names: list[str] = []
    columns: dict[str, list[np.ndarray]] = {
        key: []
        for key in (
            "sector",
            "role",
            "part_type",
            "growth_branch",
            "size",
            "size_factor",
            "productivity",
            "wage",
            "input",
            "export",
            "margin",
        )
    }
    for spec in specs:
        n = len(spec.sizes)
        names.extend(spec.names)
        columns["sector"].append(np.full(n, SECTOR_CODE[spec.sector], dtype=np.int8))
        columns["role"].append(np.full(n, spec.role, dtype=np.int8))
        part = spec.part_type if spec.part_type is not None else np.full(n, NO_PART)
        columns["part_type"].append(part.astype(np.int8))
        branch = spec.growth_branch if spec.growth_branch is not None else np.full(n, NO_BRANCH)
        columns["growth_branch"].append(branch.astype(np.int8))
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
        columns["margin"].append(np.full(n, spec.operating_margin))
    arrays = {key: np.concatenate(values) for key, values in columns.items()}
    count = len(names)
    size = arrays["size"]
    base_output = size * arrays["productivity"]
    is_sme = size / arrays["size_factor"] <= behaviour.sme_max_employees
    interest = behaviour.bank_rate_annual + np.where(is_sme, behaviour.sme_spread_annual, 0.0)
    table = FirmTable(
        name=names,
        sector=arrays["sector"],
        role=arrays["role"],
        part_type=arrays["part_type"],
        growth_branch=arrays["growth_branch"],
        status=np.full(count, ACTIVE, dtype=np.int8),
        base_employees=size,
        productivity=arrays["productivity"],
        wage_level=arrays["wage"],
        input_cost_share=arrays["input"],
        export_share=arrays["export"],
        operating_margin=arrays["margin"],
        base_output=base_output,
        fixed_costs=np.zeros(count),
        overhead_rate=np.zeros(count),
        interest_rate=interest,
        is_sme=is_sme,
        capacity=base_output * (1.0 + behaviour.capacity_headroom),
        cash=np.zeros(count),
        debt=base_output * 12.0 * behaviour.initial_debt_to_annual_sales,
        loss_months=np.zeros(count, dtype=np.int32),
        expected_demand=base_output.copy(),
        demand_noise=np.zeros(count),
        annual_sales=base_output * 12.0,
        employees=size.copy(),
        wage_bill=np.zeros(count),
        closed_month=np.full(count, -1, dtype=np.int32),
        complex_id=np.full(count, -1, dtype=np.int32),
        social_enterprise=np.zeros(count, dtype=bool),
        entry_month=np.zeros(count, dtype=np.int32),
        overhead_discount=np.zeros(count),
        policy_demand=np.zeros(count),
        demand_uplift=np.zeros(count),
        retention_covered=np.zeros(count, dtype=np.int64),
        unfilled_months=np.zeros(count, dtype=np.int32),
        staffing_threshold=np.full(count, 0.5),
        size_factor=arrays["size_factor"],
        key=np.arange(count, dtype=np.uint64),
    )
    return table


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
    table.wage_bill = wage_bill.copy()
    monthly_costs = wage_bill + table.base_output * table.input_cost_share + table.fixed_costs + interest
    table.cash = monthly_costs * scenario.firms.initial_cash_months_of_costs
