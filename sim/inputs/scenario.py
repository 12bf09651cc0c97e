"""Scenario schema, loading and validation.

A scenario is a TOML file. Its numbers live in the file, each with a comment naming its
source; this module only says what shape and range they must have. Supply chains and
industries are named in the scenario (``[chains.shipbuilding]``, ``[industries.food]``);
those names become the sector names of everything else: workforce mixes, shocks, package
files and the monthly table's columns (``employed_<name>``). Reading files, inheritance and
encodings are :mod:`sim.inputs.toml_reader`'s.

Every problem is raised as :class:`~sim.errors.ScenarioError` naming the file, the key
path, the bad value and what is allowed.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import re
from functools import cached_property
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    model_validator,
)

from sim.errors import ScenarioError
from sim.inputs.limits import FIRST_YEAR, LAST_YEAR, MAX_LABOUR_FORCE, MAX_MONTHS, check_magnitudes
from sim.inputs.pydantic_errors import error_from
from sim.inputs.toml_reader import SHIPPED_DIR, load_with_inherits, resolve_path, shipped_names

SCENARIO_DIR = SHIPPED_DIR
DEFAULT_SCENARIO = "gwangju"

#: Part types of a chain whose parts follow a technology shift (the electric transition).
PART_TYPES = ("neutral", "combustion", "electric")
#: Kinds of industry: ``traded`` firms sell outside the region as well as inside (their
#: output counts as manufacturing output); ``local_services`` firms sell to the region's
#: households, whose spending follows local income.
INDUSTRY_KINDS = ("traded", "local_services")
#: Names a package may give in place of sectors, each standing for the sectors of that kind its
#: scenario declares (so a package fits regions whose sectors differ); no sector may take one.
SECTOR_GROUPS = {
    "traded": "every chain and traded industry: the sectors whose output is the region's manufacturing output",
    "chains": "every supply chain",
    "local_services": "every local-services industry",
}
SHARE_TOLERANCE = 1e-6

_YEAR_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def _check_year_month(text: str) -> str:
    match = _YEAR_MONTH.match(text)
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise ValueError("a month written as YYYY-MM, e.g. 2021-01")
    if not FIRST_YEAR <= int(match.group(1)) <= LAST_YEAR:
        raise ValueError(f"a month from {FIRST_YEAR}-01 to {LAST_YEAR}-12")
    return text


YearMonth = Annotated[str, AfterValidator(_check_year_month)]

_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


def _check_name(text: str) -> str:
    if not _NAME.match(text):
        raise ValueError("a lower-case name of letters, digits and underscores, such as shipbuilding or sme_loans")
    return text


#: A name that becomes part of column names (``employed_<sector>``, ``policy_spend_<intervention>``).
Name = Annotated[str, AfterValidator(_check_name)]
#: A chain's or an industry's name.
SectorName = Name
Share = Annotated[float, Field(ge=0.0, le=1.0)]
Positive = Annotated[float, Field(gt=0.0)]
NonNegative = Annotated[float, Field(ge=0.0)]
PositiveInt = Annotated[int, Field(gt=0)]
NonNegativeInt = Annotated[int, Field(ge=0)]


def month_number(year_month: str) -> int:
    """Months since year 0 for a ``YYYY-MM`` string, so that differences are month counts."""
    year, month = year_month.split("-")
    return int(year) * 12 + int(month) - 1


def year_month(number: int) -> str:
    """Inverse of :func:`month_number`."""
    return f"{number // 12:04d}-{number % 12 + 1:02d}"


def _sums_to_one(values: list[float] | dict[str, float], what: str) -> None:
    items = values.values() if isinstance(values, dict) else values
    total = sum(items)
    if abs(total - 1.0) > SHARE_TOLERANCE:
        raise ValueError(f"{what} must sum to 1 (they sum to {total:.6g})")


class _Section(BaseModel):
    """Every section rejects unknown keys and silent type conversions."""

    model_config = ConfigDict(extra="forbid", strict=True, allow_inf_nan=False)


class ScenarioInfo(_Section):
    name: str = Field(min_length=1)
    description: str = ""
    region: str = Field(min_length=1)
    start: YearMonth
    months: Annotated[int, Field(gt=0, le=MAX_MONTHS)]
    scale: Annotated[float, Field(gt=0.0, le=1.0)]


class Population(_Section):
    labour_force: Annotated[int, Field(gt=0, le=MAX_LABOUR_FORCE)]
    unemployment_rate: Annotated[float, Field(ge=0.0, lt=1.0)]
    age_min_years: Positive
    age_max_years: Positive
    retirement_age_years: Positive
    entrant_age_min_years: Positive
    entrant_age_max_years: Positive
    entry_rate_per_month: Share

    @model_validator(mode="after")
    def _ages_in_order(self) -> Population:
        if not self.age_min_years < self.age_max_years <= self.retirement_age_years:
            raise ValueError("ages must satisfy age_min_years < age_max_years <= retirement_age_years")
        if not self.entrant_age_min_years < self.entrant_age_max_years < self.retirement_age_years:
            raise ValueError("entrant ages must satisfy min < max < retirement_age_years")
        return self


def _check_benefit_table(rows: list[list[float]]) -> None:
    for row in rows:
        if len(row) != 2:
            raise ValueError("benefit months by tenure: rows are [minimum tenure in years, months of benefit]")
    tenures = [row[0] for row in rows]
    if tenures != sorted(tenures) or tenures[0] != 0:
        raise ValueError("benefit months by tenure must start at tenure 0 and rise")


class LabourMarket(_Section):
    occupations: list[str] = Field(min_length=1)
    occupation_distance: list[list[Share]]
    job_finding_rate_per_month: Annotated[float, Field(gt=0.0, le=1.0)]  # 0: nobody could ever be hired
    vacancy_duration_months: Positive
    matching_curvature: Annotated[float, Field(gt=0.0)]
    quit_rate_per_month: Share
    # Dismissals for a worker's own reasons or a firm's idiosyncratic troubles (docs/model.md 7.5); zero: none.
    dismissal_rate_per_month: Share = 0.0
    on_the_job_search_rate_per_month: Share
    search_distance_weight: NonNegative
    wage_loss_per_distance: Share
    skill_wage_multiplier: list[Positive] = Field(min_length=3, max_length=3)
    skill_search_multiplier: list[Positive] = Field(min_length=3, max_length=3)
    long_term_unemployment_months: PositiveInt
    long_term_search_decay_per_month: NonNegative
    exit_to_inactive_rate_per_month: Share
    move_out_rate_per_month: Share
    reentry_rate_per_month: Share
    benefit_eligible_share: Share
    benefit_replacement_rate: Share
    benefit_cap_krw_per_month: Positive
    benefit_months_by_tenure_years: list[list[NonNegative]] = Field(min_length=1)
    # Fixed-term contracts and moves for reasons other than pay (docs/model.md 7.5, 7.6a); zero: none.
    fixed_term_share_of_employees: Share = 0.0
    fixed_term_share_of_hires: Share = 0.0
    fixed_term_contract_months: PositiveInt = 24
    fixed_term_conversion_share: Share = 0.0
    non_pay_search_share: Share = 0.0
    # Every separation of the employed a month (job-to-job moves, quits, contract ends, layoffs, exits); with
    # vacancy_duration_months it sets the jobs open at the start (docs/model.md 5). Zero: none open.
    turnover_rate_per_month: Share = 0.0
    # Short jobs (day labour, temporary work of under a year; docs/model.md 7.5): the share of people who work
    # in them (by person), their mean length in months (a monthly end hazard of 1 / months) and how much more
    # readily those people's applications succeed. Zero share: none.
    short_job_worker_share: Share = 0.0
    short_job_months: Annotated[float, Field(ge=1.0)] = 3.0
    short_job_search_multiplier: Positive = 1.0

    @model_validator(mode="after")
    def _consistent(self) -> LabourMarket:
        n = len(self.occupations)
        if len(set(self.occupations)) != n:
            raise ValueError("occupations must be unique")
        if len(self.occupation_distance) != n or any(len(row) != n for row in self.occupation_distance):
            raise ValueError(f"occupation_distance must be a {n}x{n} matrix, one row and column per occupation")
        for i in range(n):
            if self.occupation_distance[i][i] != 0.0:
                raise ValueError("occupation_distance must have zeros on its diagonal")
            for j in range(n):
                if self.occupation_distance[i][j] != self.occupation_distance[j][i]:
                    raise ValueError("occupation_distance must be symmetric")
        _check_benefit_table(self.benefit_months_by_tenure_years)
        return self


class FirmBehaviour(_Section):
    sme_max_employees: PositiveInt
    max_hiring_rate_per_month: Share
    max_firing_rate_per_month: Share
    hoarding_margin: Share
    expectation_weight: Annotated[float, Field(gt=0.0, le=1.0)]
    capacity_headroom: NonNegative
    capacity_adjustment_per_month: Share
    user_cost_elasticity: Annotated[float, Field(le=0.0)]
    depreciation_rate_annual: Annotated[float, Field(gt=0.0, le=1.0)]
    bank_rate_annual: Annotated[float, Field(ge=0.0, le=1.0)]
    sme_spread_annual: Annotated[float, Field(ge=0.0, le=1.0)]
    initial_debt_to_annual_sales: NonNegative
    max_debt_to_annual_sales: NonNegative
    loan_term_months: PositiveInt
    initial_cash_months_of_costs: NonNegative
    max_loss_months_for_credit: NonNegativeInt
    risk_spread_at_debt_limit_annual: Annotated[float, Field(ge=0.0, le=1.0)]
    risk_spread_per_loss_month_annual: Annotated[float, Field(ge=0.0, le=1.0)]
    debt_maturity_months: PositiveInt
    group_max_loss_months: NonNegativeInt
    productivity_dispersion: NonNegative
    wage_dispersion: NonNegative
    demand_noise_sd: NonNegative
    demand_noise_persistence: Annotated[float, Field(ge=0.0, lt=1.0)]
    industrial_complexes: PositiveInt


class FirmGroup(_Section):
    """Economics and size distribution of one group of firms (a tier or an industry)."""

    wage_krw_per_month: Positive
    productivity_krw_per_worker_month: Positive
    input_cost_share: Share
    operating_margin: Annotated[float, Field(ge=-0.5, le=0.5)]
    export_share: Share
    outside_demand_trend_per_year: Annotated[float, Field(ge=-1.0, le=1.0)]
    #: Yearly growth of output per worker (the production function's productivity, KRW per
    #: worker-month), compounded monthly from the start; 0 keeps it constant. Pay does not follow it
    #: (docs/model.md 7.3b). Set in the Korea nation from the Korea Productivity Center's value added
    #: and workers (scenarios/national/growth_by_industry.csv).
    productivity_growth_per_year: Annotated[float, Field(ge=-0.5, le=0.5)] = 0.0
    firm_size_pareto_alpha: Positive
    firm_size_min: PositiveInt
    firm_size_max: PositiveInt

    def productivity_at(self, month: int) -> float:
        """Output per worker of a firm of this group in ``month`` (KRW per worker-month), its trend applied."""
        return self.productivity_krw_per_worker_month * (1.0 + self.productivity_growth_per_year) ** (month / 12.0)

    @model_validator(mode="after")
    def _costs_fit(self) -> FirmGroup:
        if self.firm_size_min > self.firm_size_max:
            raise ValueError("firm_size_min must not exceed firm_size_max")
        labour_share = self.wage_krw_per_month / self.productivity_krw_per_worker_month
        if labour_share + self.input_cost_share + self.operating_margin > 1.0 + SHARE_TOLERANCE:
            raise ValueError(
                f"wage/productivity ({labour_share:.3f}) + input_cost_share + operating_margin exceeds 1:"
                " no room for fixed costs"
            )
        return self


class Tier(FirmGroup):
    employees: NonNegativeInt
    customers_max: PositiveInt


class Assembler(_Section):
    name: str = Field(min_length=1)
    employees: PositiveInt
    final_demand_units_per_year: Positive
    unit_value_krw: Positive
    wage_krw_per_month: Positive
    input_cost_share: Share
    operating_margin: Annotated[float, Field(ge=-0.5, le=0.5)]
    export_share: Share


class PartsContent(_Section):
    """Parts a chain's local suppliers make for one vehicle, by part type, relative to a combustion vehicle's (= 1)."""

    neutral: NonNegative
    combustion: NonNegative = 0.0
    electric: NonNegative = 0.0


class Powertrain(_Section):
    """How a chain's parts follow the electric transition: content per vehicle and suppliers converting.

    Tier-1 suppliers are tagged neutral, combustion-only or electric-only in proportion to
    the parts each type makes at the transition's starting electric share; orders of each
    type then follow (1 - e) x combustion content + e x electric content as the electric
    share e moves. Each year a share of combustion-only suppliers starts converting to
    electric parts; the conversion takes ``conversion_months`` and costs
    ``conversion_cost_krw`` (per full-scale firm), after which the firm makes electric parts.
    """

    combustion_vehicle: PartsContent
    electric_vehicle: PartsContent
    conversion_share_per_year: Share
    conversion_months: PositiveInt
    conversion_cost_krw: NonNegative

    @model_validator(mode="after")
    def _pure(self) -> Powertrain:
        if self.combustion_vehicle.electric or self.electric_vehicle.combustion:
            raise ValueError("a combustion vehicle has no electric-only parts, an electric vehicle no combustion-only")
        return self


class Chain(_Section):
    """A supply chain: assembly plants in the region (possibly none), tier-1 and tier-2 suppliers.

    Without a local assembler (``assemblers = []``, e.g. Gyeongju's parts makers supplying
    carmakers elsewhere, or battery-cell makers selling to carmakers in other regions) the
    tier-1 suppliers sell all their output outside the region, so their ``export_share`` must
    be 1; likewise tier-2 suppliers must sell everything outside when the chain has no tier-1
    firms. A chain may be empty (no assemblers, no employees). ``powertrain`` says how its
    parts follow the electric transition.
    """

    final_demand_unit: str = Field(min_length=1)
    assemblers: list[Assembler] = Field(default_factory=list)
    tier1: Tier
    tier2: Tier
    powertrain: Powertrain | None = None

    @model_validator(mode="after")
    def _shares(self) -> Chain:
        names = [a.name for a in self.assemblers]
        if len(set(names)) != len(names):
            raise ValueError("assembler names must be unique")
        for tier, buyers, has_buyers in (
            ("tier1", "assemblers", bool(self.assemblers)),
            ("tier2", "tier1 firms", self.tier1.employees > 0),
        ):
            group = getattr(self, tier)
            if not has_buyers and group.employees > 0 and group.export_share < 1.0:
                raise ValueError(
                    f"the chain has no {buyers} in the region, so {tier}.export_share must be 1 "
                    f"({tier} firms sell all their output outside the region); it is {group.export_share:g}"
                )
        return self

    @property
    def employees(self) -> int:
        """Full-scale employees of the chain's assemblers and suppliers."""
        return sum(a.employees for a in self.assemblers) + self.tier1.employees + self.tier2.employees


class ChainOutputShare(_Section):
    """Size an industry so that ``chain`` makes ``share`` of the region's manufacturing output."""

    chain: SectorName
    share: Annotated[float, Field(gt=0.0, lt=1.0)]


class Industry(FirmGroup):
    """An industry outside the supply chains, of a ``kind`` (see ``INDUSTRY_KINDS``).

    Its employment is given (``employees``), or derived so that a chain makes a stated share
    of manufacturing output (``size_by_chain_output_share``, Gwangju: auto makes 45%, seed 000),
    or, for exactly one industry of the scenario giving neither, it takes the rest of the
    employed labour force. ``branch_shares`` splits its firms into named branches (Gwangju's
    growth industries). A ``local_services`` industry sells to the region's households (their
    spending, ``[households]``) and gives the share of its firms that are social enterprises.
    """

    kind: Literal["traded", "local_services"]
    employees: NonNegativeInt | None = None
    size_by_chain_output_share: ChainOutputShare | None = None
    branch_shares: dict[SectorName, Share] | None = None
    social_enterprise_share: Share = 0.0

    @model_validator(mode="before")
    @classmethod
    def _removed_keys(cls, data: Any) -> Any:
        if isinstance(data, dict) and "local_multiplier" in data:
            raise ValueError(
                "local_multiplier was removed: the local multiplier is now derived from household spending, "
                "set in [households] (docs/model.md 7.10)"
            )
        return data

    @model_validator(mode="after")
    def _consistent(self) -> Industry:
        if self.employees is not None and self.size_by_chain_output_share is not None:
            raise ValueError("give at most one of employees and size_by_chain_output_share")
        if self.branch_shares is not None:
            _sums_to_one(self.branch_shares, "branch_shares")
        if self.kind != "local_services" and self.social_enterprise_share:
            raise ValueError("social_enterprise_share is for local_services industries only")
        return self

    @property
    def is_residual(self) -> bool:
        """Whether the industry takes the rest of the employed labour force."""
        return self.employees is None and self.size_by_chain_output_share is None


class SectorWorkforce(_Section):
    occupation_mix: dict[str, Share]
    skill_mix: list[Share] = Field(min_length=3, max_length=3)

    @model_validator(mode="after")
    def _shares(self) -> SectorWorkforce:
        _sums_to_one(self.occupation_mix, "occupation_mix shares")
        _sums_to_one(self.skill_mix, "skill_mix shares")
        return self


class DemandPoint(_Section):
    date: YearMonth
    value: NonNegative


class _DatedPath(_Section):
    """A path of dated points, interpolated linearly between them."""

    points: list[DemandPoint] = Field(min_length=1)

    @model_validator(mode="after")
    def _in_order(self) -> _DatedPath:
        months = [month_number(p.date) for p in self.points]
        if any(b <= a for a, b in itertools.pairwise(months)):
            raise ValueError("points must be in strictly increasing date order")
        return self


class FinalDemandPath(_DatedPath):
    chain: SectorName


class LocalDemandPath(_DatedPath):
    """Dated index points (1 = the start) scaling the autonomous part of local services demand."""

    description: str = ""


class Relocation(_Section):
    assembler: str = Field(min_length=1)
    date: YearMonth
    share: Annotated[float, Field(gt=0.0, le=1.0)]
    phase_in_months: PositiveInt


class Tariff(_Section):
    """A tariff on a sector's sales outside the region: a share of sales lost, or an ad-valorem rate.

    ``sales_cut`` is the share of those sales lost; ``rate`` is an ad-valorem tariff on the
    price outside buyers pay (demand falls with the Armington elasticity, prices.py). Exactly
    one of the two.
    """

    sectors: list[SectorName] = Field(min_length=1)
    start: YearMonth
    end: YearMonth | None = None
    sales_cut: Share | None = None
    rate: NonNegative | None = None
    phase_in_months: PositiveInt

    @model_validator(mode="after")
    def _in_order(self) -> Tariff:
        if self.end is not None and month_number(self.end) <= month_number(self.start):
            raise ValueError("end must come after start")
        if (self.sales_cut is None) == (self.rate is None):
            raise ValueError("give exactly one of sales_cut (share of sales lost) and rate (ad-valorem tariff)")
        return self


class ElectricTransition(_Section):
    """Electric vehicles' share of the output of the chains with a ``powertrain`` table."""

    start: YearMonth
    end: YearMonth
    electric_share_start: Share
    electric_share_end: Share

    @model_validator(mode="after")
    def _in_order(self) -> ElectricTransition:
        if month_number(self.end) <= month_number(self.start):
            raise ValueError("end must come after start")
        return self


class SectorPath(_DatedPath):
    """Dated index points (1 = the start) for a sector's sales outside the region.

    For a chain, its suppliers' outside sales (assembly plants follow ``final_demand``);
    for an industry, its firms' outside sales. E.g. a shipyard's subcontractors losing
    outside orders, or a new industry ramping up.
    """

    sector: SectorName


class Closure(_Section):
    """A plant that closes: announced, production stopped, then closed, with its staff's fates.

    At ``production_stop`` the plant's orders end; of its staff then, ``transferred_share``
    move to the group's plants outside the region, ``unpaid_leave_share`` go on unpaid
    leave (still employed, paid an allowance of ``unpaid_leave_allowance_share`` of their
    wage by employment insurance), ``skeleton_crew_share`` stay at work, and the rest are
    dismissed. At ``closed`` everyone still there is dismissed and the plant closes. Each
    dismissal pays severance of ``severance_months_per_year`` months' wages per year of
    tenure plus ``extra_severance_months``. From ``announced`` the plant hires nobody.
    """

    plant: str = Field(min_length=1)
    announced: YearMonth
    production_stop: YearMonth
    closed: YearMonth
    skeleton_crew_share: Share
    transferred_share: Share
    unpaid_leave_share: Share
    unpaid_leave_allowance_share: Share
    severance_months_per_year: NonNegative
    extra_severance_months: NonNegative

    @model_validator(mode="after")
    def _consistent(self) -> Closure:
        if not month_number(self.announced) <= month_number(self.production_stop) <= month_number(self.closed):
            raise ValueError("dates must satisfy announced <= production_stop <= closed")
        kept = self.skeleton_crew_share + self.transferred_share + self.unpaid_leave_share
        if kept > 1.0 + SHARE_TOLERANCE:
            raise ValueError(
                f"skeleton_crew_share + transferred_share + unpaid_leave_share must not exceed 1 (they sum to {kept:g})"
            )
        return self


class Shocks(_Section):
    final_demand: list[FinalDemandPath] = Field(default_factory=list)
    relocation: list[Relocation] = Field(default_factory=list)
    tariff: list[Tariff] = Field(default_factory=list)
    electric_transition: ElectricTransition | None = None
    local_demand: list[LocalDemandPath] = Field(default_factory=list)
    sector_path: list[SectorPath] = Field(default_factory=list)
    closure: list[Closure] = Field(default_factory=list)


class BenefitRule(_Section):
    """Unemployment benefit from a date on (a reform); keys left out keep the rule in force before."""

    start: YearMonth
    eligible_share: Share | None = None
    replacement_rate: Share | None = None
    cap_krw_per_month: Positive | None = None
    months_by_tenure_years: list[list[NonNegative]] | None = None

    @model_validator(mode="after")
    def _table(self) -> BenefitRule:
        if self.months_by_tenure_years is not None:
            _check_benefit_table(self.months_by_tenure_years)
        return self


class BankRate(_Section):
    """The banks' lending rate from a date on (firms pay it plus their SME spread), per year."""

    start: YearMonth
    bank_rate_annual: Annotated[float, Field(ge=0.0, le=1.0)]


class MinimumWage(_Section):
    """The statutory minimum wage from a date on, per month (hourly rate x 209 hours, the monthly standard)."""

    start: YearMonth
    krw_per_month: Positive


class Rules(_Section):
    """National rules that change on dates: unemployment benefit and the minimum wage."""

    unemployment_benefit: list[BenefitRule] = Field(default_factory=list)
    minimum_wage: list[MinimumWage] = Field(default_factory=list)
    bank_rate: list[BankRate] = Field(default_factory=list)

    @model_validator(mode="after")
    def _in_order(self) -> Rules:
        for name in ("unemployment_benefit", "minimum_wage", "bank_rate"):
            months = [month_number(rule.start) for rule in getattr(self, name)]
            if any(b <= a for a, b in itertools.pairwise(months)):
                raise ValueError(f"{name} entries must be in strictly increasing start order")
        return self


class Markets(_Section):
    """How prices move and how buyers respond to them (sim/region/prices.py)."""

    price_adjustment_per_month: Annotated[float, Field(gt=0.0, le=1.0)]
    outside_price_elasticity: NonNegative
    chain_price_elasticity: NonNegative
    local_price_elasticity: NonNegative
    labour_demand_elasticity: NonNegative
    local_services_per_krw_traded_sales: Share
    #: Yearly trend of the autonomous part of local services demand (visitors, public and other buyers:
    #: docs/model.md 7.10), compounded from the start; 0 keeps it at its start level. The Korea nation sets
    #: it to services' real growth (scenarios/national/growth_by_industry.csv).
    autonomous_local_demand_trend_per_year: Annotated[float, Field(ge=-1.0, le=1.0)] = 0.0
    #: Firms' own demand paths (sim/region/orders.py, docs/model.md 7.13): the yearly standard deviation of
    #: the log random walk of an independent firm's share of its market, for a mature firm of 10 full-scale
    #: employees; 0 (the default) turns the paths off.
    firm_growth_sd_per_year: NonNegative = 0.0
    #: How that volatility falls with size: sd x (employees / 10) ** -elasticity (Gibrat's law fails in
    #: the variance: about 0.2, Riccaboni et al. 2008, PNAS 105(50)).
    firm_growth_size_elasticity: NonNegative = 0.0
    #: A new firm's volatility is this multiple of a mature one's, falling linearly to 1 by
    #: ``firm_growth_young_years`` (young firms' up-or-out dynamics, Haltiwanger, Jarmin and Miranda 2013).
    firm_growth_young_multiplier: Annotated[float, Field(ge=1.0)] = 1.0
    firm_growth_young_years: NonNegative = 0.0


class Fiscal(_Section):
    """What the public purse gains from a job and pays for unemployment (the net fiscal cost of a package)."""

    tax_and_contributions_per_krw_wage: Annotated[float, Field(ge=0.0, lt=1.0)]
    #: The part of those taxes and contributions that goes to the local government (local income
    #: tax); the rest goes to the central government and the social-insurance funds.
    local_share_of_tax_and_contributions: Share


class Households(_Section):
    """How households' income becomes spending on the region's local services (docs/model.md 7.10).

    Disposable income = ``net_share_of_wages`` x wages + benefits, allowances, transfers,
    pensions and severance. Spending follows disposable income smoothed over months (a share
    ``spending_adjustment_per_month`` of the gap closes each month) at the average
    ``propensity_to_consume``; the ``local_share_of_spending`` of it buys the region's local
    services. The local multiplier follows from these; it is not a parameter.
    """

    net_share_of_wages: Annotated[float, Field(gt=0.0, le=1.0)]
    propensity_to_consume: Annotated[float, Field(gt=0.0, le=1.0)]
    spending_adjustment_per_month: Annotated[float, Field(gt=0.0, le=1.0)]
    local_share_of_spending: Share
    #: Pensions (households.pensions_paid): every resident from this age gets the mean pension income of the
    #: region's residents of that age, ``pension_krw_per_person_per_month`` at the start (0: no pensions),
    #: growing by ``pension_real_growth_per_year`` in real terms as pensions mature.
    pension_age_years: Annotated[int, Field(ge=15)] = 65
    pension_krw_per_person_per_month: NonNegative = 0.0
    pension_real_growth_per_year: Annotated[float, Field(gt=-1.0, lt=1.0)] = 0.0


class InwardInvestment(_Section):
    """New firms that arrive without any incentive (the baseline that incentives add to)."""

    arrivals_per_year: NonNegative
    sectors: list[SectorName] = Field(min_length=1)
    firm_size_pareto_alpha: Positive
    firm_size_min: PositiveInt
    firm_size_max: PositiveInt

    @model_validator(mode="after")
    def _sizes(self) -> InwardInvestment:
        if self.firm_size_min > self.firm_size_max:
            raise ValueError("firm_size_min must not exceed firm_size_max")
        return self


class FirmEntry(_Section):
    """New local firms that respond to the region's conditions, reuse of closed sites, supplier takeover.

    See sim/region/entry.py and docs/model.md 7.13.
    """

    birth_rate_per_year: NonNegative
    birth_rate_by_sector: dict[SectorName, NonNegative] = Field(default_factory=dict)
    death_rate_per_year: NonNegative
    new_firm_employees: Annotated[float, Field(ge=1.0)]
    unemployment_elasticity: float
    wage_elasticity: float
    free_site_semi_elasticity: NonNegative
    profit_semi_elasticity: float
    site_reuse_share: Share
    site_reuse_cost_saving: Share
    supplier_takeover_share: Share
    supplier_takeover_per_month: Annotated[float, Field(gt=0.0, le=1.0)]
    #: Gross churn (docs/model.md 7.13): births at ``birth_rate_per_year`` (not only those beyond the death
    #: rate) and deaths at ``death_rate_per_year``, the independent firms with the lowest demand weight
    #: (sim/region/failures.py). False (the default): net entry only, exit only by running out of cash.
    churn: bool = False


class Mobility(_Section):
    """The population from age 15, participation by age, commuting and migration (docs/model.md 7.14).

    Each ``*_by_age`` list has one value per age band; ``age_bands_years`` are the bands' lower
    bounds (the last band runs to ``age_max_years``, where people leave the population).
    """

    age_bands_years: list[Annotated[int, Field(ge=15)]] = Field(min_length=2)
    age_max_years: PositiveInt
    population_share_by_age: list[Share]
    participation_rate_by_age: list[Share]
    out_migration_rate_per_year_by_age: list[Share]
    net_migration_rate_per_year_by_age: list[Annotated[float, Field(ge=-1.0, le=1.0)]]
    net_out_migrants_per_extra_unemployed_per_year: NonNegative
    discouraged_worker_elasticity: NonNegative
    out_commuter_share_of_employed: Annotated[float, Field(ge=0.0, lt=1.0)]
    in_commuter_share_of_jobs: Annotated[float, Field(ge=0.0, lt=1.0)]

    @model_validator(mode="after")
    def _bands_consistent(self) -> Mobility:
        bands = self.age_bands_years
        if bands != sorted(set(bands)) or bands[0] != 15 or bands[-1] >= self.age_max_years:
            raise ValueError("age_bands_years must rise from 15 and stay below age_max_years")
        for name in (
            "population_share_by_age",
            "participation_rate_by_age",
            "out_migration_rate_per_year_by_age",
            "net_migration_rate_per_year_by_age",
        ):
            if len(getattr(self, name)) != len(bands):
                raise ValueError(f"{name} needs one value per age band ({len(bands)})")
        if abs(sum(self.population_share_by_age) - 1.0) > 1e-6:
            raise ValueError("population_share_by_age must add up to 1")
        for out, net in zip(
            self.out_migration_rate_per_year_by_age, self.net_migration_rate_per_year_by_age, strict=True
        ):
            if out + net < 0:
                raise ValueError("net_migration_rate_per_year_by_age is below minus the out-migration rate")
        return self


class Scenario(_Section):
    """A validated scenario: the whole description of one region and its shocks.

    Sectors are the scenario's chains then its industries, in the order the file declares
    them; a firm's sector code is the position of its sector's name in ``sector_names``.
    """

    scenario: ScenarioInfo
    population: Population
    labour_market: LabourMarket
    firms: FirmBehaviour
    markets: Markets
    fiscal: Fiscal
    households: Households
    chains: dict[SectorName, Chain] = Field(default_factory=dict)
    industries: dict[SectorName, Industry] = Field(min_length=1)
    workforce: dict[SectorName, SectorWorkforce]
    investment: InwardInvestment | None = None
    entry: FirmEntry | None = None
    mobility: Mobility | None = None
    shocks: Shocks = Field(default_factory=Shocks)
    rules: Rules = Field(default_factory=Rules)

    def __repr__(self) -> str:
        from sim.inputs.reprs import scenario_repr

        return scenario_repr(self)

    def _repr_html_(self) -> str:
        from sim.inputs.reprs import scenario_html

        return scenario_html(self)

    @property
    def start_month(self) -> int:
        return month_number(self.scenario.start)

    @cached_property
    def sector_names(self) -> tuple[str, ...]:
        """Chains then industries, as declared: index = sector code."""
        return (*self.chains, *self.industries)

    @cached_property
    def chain_names(self) -> tuple[str, ...]:
        return tuple(self.chains)

    @cached_property
    def traded_names(self) -> tuple[str, ...]:
        """Sectors whose output is the region's manufacturing output: every chain and traded industry."""
        return (*self.chains, *(name for name, i in self.industries.items() if i.kind == "traded"))

    @cached_property
    def local_services_names(self) -> tuple[str, ...]:
        return tuple(name for name, industry in self.industries.items() if industry.kind == "local_services")

    def sector_code(self, name: str) -> int:
        return self.sector_names.index(name)

    def sector_group(self, group: str) -> tuple[str, ...]:
        """The sectors a group name of :data:`SECTOR_GROUPS` stands for in this scenario."""
        members = {"traded": self.traded_names, "chains": self.chain_names, "local_services": self.local_services_names}
        return members[group]

    def to_dict(self) -> dict[str, Any]:
        """The scenario as plain data, ready to write back to TOML or JSON."""
        return self.model_dump(mode="json")

    def content_hash(self) -> str:
        """SHA-256 of the scenario's JSON: equal hashes mean equal scenarios.

        Keys keep their order: the order chains and industries are declared in is their
        sector order, which the model's draws follow (so manifests are written unsorted too).
        """
        canonical = json.dumps(self.to_dict(), separators=(",", ":"))
        return hashlib.sha256(canonical.encode()).hexdigest()


def unknown_name_error(
    source: str, key_path: str, value: object, kind: str, allowed: tuple[str, ...], groups: bool = False
) -> ScenarioError:
    """A one-line error for a sector, chain or industry name the scenario does not declare.

    ``groups``: the name is a package's, whose sector fields also take :data:`SECTOR_GROUPS`.
    """
    listed = list(allowed) if allowed else "none"
    kinds = kind[:-1] + "ies" if kind.endswith("y") else kind + "s"
    also = f", or a group: {', '.join(SECTOR_GROUPS)}" if groups else ""
    return ScenarioError(
        source, key_path, value, f"not one of the scenario's {kinds}; allowed: one it declares: {listed}{also}"
    )


def check_names(scenario: Scenario, source: str) -> None:
    """Cross-checks of names between sections, each failure a one-line error with its key path."""
    sectors, chains = scenario.sector_names, scenario.chain_names
    overlap = sorted(set(scenario.chains) & set(scenario.industries))
    if overlap:
        raise ScenarioError(source, "industries", overlap, "names already used by chains; a sector name is unique")
    for sector in sectors:
        if sector in SECTOR_GROUPS:
            kind = "chains" if sector in scenario.chains else "industries"
            raise ScenarioError(
                source, f"{kind}.{sector}", sector, f"a sector may not take a group's name {list(SECTOR_GROUPS)}"
            )
    occupations = set(scenario.labour_market.occupations)
    if list(scenario.workforce) != list(sectors) and set(scenario.workforce) != set(sectors):
        extra = sorted(set(scenario.workforce) - set(sectors))
        missing = sorted(set(sectors) - set(scenario.workforce))
        if extra:
            raise unknown_name_error(source, f"workforce.{extra[0]}", extra[0], "sector", sectors)
        raise ScenarioError(source, "workforce", missing, f"every sector needs its workforce mix; missing: {missing}")
    for sector, mix in scenario.workforce.items():
        if set(mix.occupation_mix) != occupations:
            raise ScenarioError(
                source,
                f"workforce.{sector}.occupation_mix",
                sorted(mix.occupation_mix),
                f"allowed: exactly the occupations of labour_market.occupations, {sorted(occupations)}",
            )
    residual = [name for name, industry in scenario.industries.items() if industry.is_residual]
    if len(residual) != 1:
        raise ScenarioError(
            source,
            "industries",
            residual or "none",
            "allowed: exactly one industry gives neither employees nor size_by_chain_output_share: it takes the "
            "rest of the employed labour force",
        )
    share_sized = [name for name, industry in scenario.industries.items() if industry.size_by_chain_output_share]
    if len(share_sized) > 1:
        raise ScenarioError(
            source, "industries", share_sized, "allowed: at most one industry sized by size_by_chain_output_share"
        )
    for name in share_sized:
        sizing = scenario.industries[name].size_by_chain_output_share
        if sizing.chain not in chains:
            raise unknown_name_error(
                source, f"industries.{name}.size_by_chain_output_share.chain", sizing.chain, "chain", chains
            )
    assemblers = {a.name: chain for chain in chains for a in scenario.chains[chain].assemblers}
    for i, relocation in enumerate(scenario.shocks.relocation):
        if relocation.assembler not in assemblers:
            raise unknown_name_error(
                source, f"shocks.relocation[{i}].assembler", relocation.assembler, "assembly plant", tuple(assemblers)
            )
    for i, path in enumerate(scenario.shocks.final_demand):
        if path.chain not in chains:
            raise unknown_name_error(source, f"shocks.final_demand[{i}].chain", path.chain, "chain", chains)
        if not scenario.chains[path.chain].assemblers:
            raise ScenarioError(
                source,
                f"shocks.final_demand[{i}].chain",
                path.chain,
                "this chain has no assemblers in the region, and a final-demand path sets their output; for "
                "suppliers selling outside the region use shocks.tariff or the tiers' outside_demand_trend_per_year",
            )
    for i, tariff in enumerate(scenario.shocks.tariff):
        for j, sector in enumerate(tariff.sectors):
            if sector not in scenario.traded_names:
                raise unknown_name_error(
                    source, f"shocks.tariff[{i}].sectors[{j}]", sector, "traded sector", scenario.traded_names
                )
    transition = scenario.shocks.electric_transition
    if transition is not None and not any(chain.powertrain for chain in scenario.chains.values()):
        raise ScenarioError(
            source,
            "shocks.electric_transition",
            "this section",
            "needs a chain with a powertrain table (the parts the transition acts on)",
        )
    if transition is not None and transition.electric_share_start <= 0:
        raise ScenarioError(
            source,
            "shocks.electric_transition.electric_share_start",
            transition.electric_share_start,
            "allowed: a share above 0 (electric parts' orders are scaled from the starting share)",
        )
    for i, path in enumerate(scenario.shocks.sector_path):
        if path.sector not in sectors:
            raise unknown_name_error(source, f"shocks.sector_path[{i}].sector", path.sector, "sector", sectors)
    relocating = {relocation.assembler for relocation in scenario.shocks.relocation}
    closing: set[str] = set()
    for i, closure in enumerate(scenario.shocks.closure):
        if closure.plant not in assemblers:
            raise unknown_name_error(
                source, f"shocks.closure[{i}].plant", closure.plant, "assembly plant", tuple(assemblers)
            )
        if closure.plant in closing or closure.plant in relocating:
            raise ScenarioError(
                source,
                f"shocks.closure[{i}].plant",
                closure.plant,
                "this plant has another closure or a relocation already; one plant, one such event",
            )
        closing.add(closure.plant)
    if scenario.investment is not None:
        for j, sector in enumerate(scenario.investment.sectors):
            if sector not in scenario.industries:
                raise unknown_name_error(
                    source, f"investment.sectors[{j}]", sector, "industry", tuple(scenario.industries)
                )
    if scenario.entry is not None:
        for sector in scenario.entry.birth_rate_by_sector:
            if sector not in scenario.industries:
                raise unknown_name_error(
                    source, f"entry.birth_rate_by_sector.{sector}", sector, "industry", tuple(scenario.industries)
                )


def shipped_scenarios() -> list[str]:
    """Names of the scenarios shipped in ``scenarios/``."""
    return shipped_names(SCENARIO_DIR)


def resolve_scenario_path(name_or_path: str | Path) -> Path:
    """A path as given, or a shipped scenario's file for a bare name like ``gwangju``."""
    return resolve_path(name_or_path, SCENARIO_DIR)


def validate_scenario(raw: dict[str, Any], source: str = "<scenario>") -> Scenario:
    """Validate plain data as a scenario, or raise ScenarioError naming the first problem."""
    check_magnitudes(raw, source)
    try:
        scenario = Scenario.model_validate(raw)
    except ValidationError as error:
        raise error_from(error, source, raw, Scenario) from None
    check_names(scenario, source)
    return scenario


def apply_overrides(raw: dict[str, Any], overrides: dict[str, Any], source: str) -> dict[str, Any]:
    """Set key paths (``section.key``, ``section__key``, ``list[0].key``) in plain scenario data.

    The one key-path grammar is :mod:`sim.inputs.keypath`; missing tables on the way are
    created, and validation afterwards rejects any key the schema does not know, naming it.
    """
    from sim.inputs.keypath import apply_overrides as apply_key_paths

    return apply_key_paths(raw, overrides, source)


def load_scenario(scenario: str | Path | Scenario | None = None, overrides: dict[str, Any] | None = None) -> Scenario:
    """Load and validate a scenario from a shipped name, a path, or an existing Scenario.

    ``None`` gives the default scenario (Gwangju). ``overrides`` maps key paths such as
    ``"labour_market.quit_rate_per_month"`` to new values; the result is validated again.
    """
    if isinstance(scenario, Scenario):
        if not overrides:
            return scenario
        return _validate_overridden(apply_overrides(scenario.to_dict(), overrides, OVERRIDES), OVERRIDES, overrides)
    path = resolve_scenario_path(scenario if scenario is not None else DEFAULT_SCENARIO)
    raw = load_with_inherits(path, "scenario", SCENARIO_DIR)
    if overrides:
        raw = apply_overrides(raw, overrides, OVERRIDES)
    return _validate_overridden(raw, str(path), overrides or {})


#: Where errors in values set by key path (``--set``, keyword overrides) are said to come from.
OVERRIDES = "--set"


def _validate_overridden(raw: dict[str, Any], source: str, overrides: dict[str, Any]) -> Scenario:
    """Validate; an error at a key path an override set names ``--set``, not the file."""
    try:
        return validate_scenario(raw, source)
    except ScenarioError as error:
        raise blame_overrides(error, overrides) from None


def blame_overrides(error: ScenarioError, overrides: dict[str, Any]) -> ScenarioError:
    """``error`` naming ``--set`` when its key path is one that an override set (or inside one)."""
    for key in overrides:
        path = key.replace("__", ".")
        if error.key_path == path or error.key_path.startswith((path + ".", path + "[")):
            return ScenarioError(OVERRIDES, error.key_path, error.value, error.allowed)
    return error
