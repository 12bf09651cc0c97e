"""Scenario schema, loading and validation.

A scenario is a TOML file. Its numbers live in the file, each with a comment naming its
source; this module only says what shape and range they must have. A scenario may start
from another with ``inherits = "gwangju"`` (a shipped name or a path relative to the
file) and override any key, so that derived scenarios restate only what differs;
``drop_inherited = ["industries.other_manufacturing.auto_share_of_manufacturing_output"]``
removes inherited keys that do not apply (TOML has no null to override them with).

Every problem is raised as :class:`~sim.errors.ScenarioError` naming the file, the key
path, the bad value and what is allowed.
"""

from __future__ import annotations

import copy
import hashlib
import itertools
import json
import re
import tomllib
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from sim.errors import ScenarioError
from sim.inputs.pydantic_errors import error_from

SCENARIO_DIR = Path(__file__).resolve().parents[2] / "scenarios"
DEFAULT_SCENARIO = "gwangju"

SECTORS = ("auto", "appliance", "growth", "other_manufacturing", "services")
MANUFACTURING_SECTORS = ("auto", "appliance", "growth", "other_manufacturing")
CHAINS = ("auto", "appliance")
PART_TYPES = ("neutral", "combustion", "electric")
GROWTH_BRANCHES = ("ai_software", "aviation_parts", "eco_vehicle_parts")
SHARE_TOLERANCE = 1e-6

_YEAR_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def _check_year_month(text: str) -> str:
    match = _YEAR_MONTH.match(text)
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise ValueError("a month written as YYYY-MM, e.g. 2021-01")
    return text


YearMonth = Annotated[str, AfterValidator(_check_year_month)]
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
    months: PositiveInt
    scale: Annotated[float, Field(gt=0.0, le=1.0)]


class Population(_Section):
    labour_force: PositiveInt
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


class LabourMarket(_Section):
    occupations: list[str] = Field(min_length=1)
    occupation_distance: list[list[Share]]
    job_finding_rate_per_month: Share
    vacancy_duration_months: Positive
    quit_rate_per_month: Share
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
        for row in self.benefit_months_by_tenure_years:
            if len(row) != 2:
                raise ValueError("benefit_months_by_tenure_years rows are [minimum tenure in years, months of benefit]")
        tenures = [row[0] for row in self.benefit_months_by_tenure_years]
        if tenures != sorted(tenures) or tenures[0] != 0:
            raise ValueError("benefit_months_by_tenure_years must start at tenure 0 and rise")
        return self


class FirmBehaviour(_Section):
    sme_max_employees: PositiveInt
    max_hiring_rate_per_month: Share
    max_firing_rate_per_month: Share
    hoarding_margin: Share
    expectation_weight: Annotated[float, Field(gt=0.0, le=1.0)]
    capacity_headroom: NonNegative
    capacity_adjustment_per_month: Share
    bank_rate_annual: Annotated[float, Field(ge=0.0, le=1.0)]
    sme_spread_annual: Annotated[float, Field(ge=0.0, le=1.0)]
    initial_debt_to_annual_sales: NonNegative
    max_debt_to_annual_sales: NonNegative
    loan_term_months: PositiveInt
    initial_cash_months_of_costs: NonNegative
    max_loss_months_for_credit: NonNegativeInt
    productivity_dispersion: NonNegative
    wage_dispersion: NonNegative
    demand_noise_sd: NonNegative
    demand_noise_persistence: Annotated[float, Field(ge=0.0, lt=1.0)]
    industrial_complexes: PositiveInt


class FirmGroup(_Section):
    """Economics and size distribution of one group of firms (a tier or an industry)."""

    employees: NonNegativeInt | None = None
    wage_krw_per_month: Positive
    productivity_krw_per_worker_month: Positive
    input_cost_share: Share
    operating_margin: Annotated[float, Field(ge=-0.5, le=0.5)]
    export_share: Share
    outside_demand_trend_per_year: Annotated[float, Field(ge=-1.0, le=1.0)]
    firm_size_pareto_alpha: Positive
    firm_size_min: PositiveInt
    firm_size_max: PositiveInt

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


class Chain(_Section):
    """A supply chain: assembly plants in the region (possibly none), tier-1 and tier-2 suppliers.

    Without a local assembler (``assemblers = []``, e.g. Gyeongju's parts makers supplying
    carmakers elsewhere) the tier-1 suppliers sell all their output outside the region, so
    their ``export_share`` must be 1; likewise tier-2 suppliers must sell everything outside
    when the chain has no tier-1 firms. A chain may be empty (no assemblers, no employees).
    """

    final_demand_unit: str = Field(min_length=1)
    assemblers: list[Assembler] = Field(default_factory=list)
    tier1: Tier
    tier2: Tier
    part_type_shares: dict[Literal["neutral", "combustion", "electric"], Share] | None = None

    @model_validator(mode="after")
    def _shares(self) -> Chain:
        if self.part_type_shares is not None:
            _sums_to_one(self.part_type_shares, "part_type_shares")
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


class Chains(_Section):
    auto: Chain
    appliance: Chain


class Growth(FirmGroup):
    employees: NonNegativeInt
    branch_shares: dict[Literal["ai_software", "aviation_parts", "eco_vehicle_parts"], Share]

    @model_validator(mode="after")
    def _branches(self) -> Growth:
        _sums_to_one(self.branch_shares, "branch_shares")
        return self


class OtherManufacturing(FirmGroup):
    """Other manufacturing, sized by exactly one of ``employees`` or ``auto_share_of_manufacturing_output``.

    ``auto_share_of_manufacturing_output`` derives its employment so that the auto chain makes
    that share of manufacturing output (Gwangju, seed 000); ``employees`` gives it directly
    (regions where the auto chain is small, absent or sells outside the region).
    """

    auto_share_of_manufacturing_output: Annotated[float, Field(gt=0.0, lt=1.0)] | None = Field(
        default=None, validate_default=True
    )

    @field_validator("auto_share_of_manufacturing_output")
    @classmethod
    def _exactly_one_sizing(cls, value: float | None, info: ValidationInfo) -> float | None:
        # Runs after ``employees`` (declared first); skipped by pydantic if employees was invalid.
        if "employees" not in info.data:
            return value
        has_employees = info.data["employees"] is not None
        if (value is None) == (not has_employees):
            which = "both are given" if has_employees else "neither is given"
            raise ValueError(
                "give exactly one of industries.other_manufacturing.employees (employment directly) and "
                "industries.other_manufacturing.auto_share_of_manufacturing_output (sized from the auto chain); "
                + which
            )
        return value


class Services(FirmGroup):
    local_multiplier: NonNegative
    social_enterprise_share: Share


class Industries(_Section):
    growth: Growth
    other_manufacturing: OtherManufacturing
    services: Services


class SectorWorkforce(_Section):
    occupation_mix: dict[str, Share]
    skill_mix: list[Share] = Field(min_length=3, max_length=3)

    @model_validator(mode="after")
    def _shares(self) -> SectorWorkforce:
        _sums_to_one(self.occupation_mix, "occupation_mix shares")
        _sums_to_one(self.skill_mix, "skill_mix shares")
        return self


class Workforce(_Section):
    auto: SectorWorkforce
    appliance: SectorWorkforce
    growth: SectorWorkforce
    other_manufacturing: SectorWorkforce
    services: SectorWorkforce


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
    chain: Literal["auto", "appliance"]


class LocalDemandPath(_DatedPath):
    """Dated index points (1 = the start) scaling the autonomous part of local services demand."""

    description: str = ""


class Relocation(_Section):
    assembler: str = Field(min_length=1)
    date: YearMonth
    share: Annotated[float, Field(gt=0.0, le=1.0)]
    phase_in_months: PositiveInt


class Tariff(_Section):
    sectors: list[Literal["auto", "appliance", "growth", "other_manufacturing"]] = Field(min_length=1)
    start: YearMonth
    end: YearMonth | None = None
    sales_cut: Share
    phase_in_months: PositiveInt

    @model_validator(mode="after")
    def _in_order(self) -> Tariff:
        if self.end is not None and month_number(self.end) <= month_number(self.start):
            raise ValueError("end must come after start")
        return self


class ElectricTransition(_Section):
    start: YearMonth
    end: YearMonth
    electric_share_start: Share
    electric_share_end: Share

    @model_validator(mode="after")
    def _in_order(self) -> ElectricTransition:
        if month_number(self.end) <= month_number(self.start):
            raise ValueError("end must come after start")
        return self


class Shocks(_Section):
    final_demand: list[FinalDemandPath] = Field(default_factory=list)
    relocation: list[Relocation] = Field(default_factory=list)
    tariff: list[Tariff] = Field(default_factory=list)
    electric_transition: ElectricTransition | None = None
    local_demand: list[LocalDemandPath] = Field(default_factory=list)


class InwardInvestment(_Section):
    """New firms that arrive without any incentive (the baseline that incentives add to)."""

    arrivals_per_year: NonNegative
    sectors: list[Literal["growth", "other_manufacturing", "services"]] = Field(min_length=1)
    firm_size_pareto_alpha: Positive
    firm_size_min: PositiveInt
    firm_size_max: PositiveInt

    @model_validator(mode="after")
    def _sizes(self) -> InwardInvestment:
        if self.firm_size_min > self.firm_size_max:
            raise ValueError("firm_size_min must not exceed firm_size_max")
        return self


class Scenario(_Section):
    """A validated scenario: the whole description of one region and its shocks."""

    scenario: ScenarioInfo
    population: Population
    labour_market: LabourMarket
    firms: FirmBehaviour
    chains: Chains
    industries: Industries
    workforce: Workforce
    investment: InwardInvestment | None = None
    shocks: Shocks = Field(default_factory=Shocks)

    @model_validator(mode="after")
    def _cross_checks(self) -> Scenario:
        occupations = set(self.labour_market.occupations)
        for sector in SECTORS:
            mix = getattr(self.workforce, sector).occupation_mix
            if set(mix) != occupations:
                raise ValueError(
                    f"workforce.{sector}.occupation_mix must name exactly the occupations "
                    f"{sorted(occupations)} (it names {sorted(mix)})"
                )
        assemblers = {a.name: chain for chain in CHAINS for a in getattr(self.chains, chain).assemblers}
        for i, relocation in enumerate(self.shocks.relocation):
            if relocation.assembler not in assemblers:
                allowed = (
                    f"allowed: {sorted(assemblers)}"
                    if assemblers
                    else "the scenario has no assembly plants (chains.*.assemblers are empty), so none can relocate"
                )
                raise ValueError(
                    f"shocks.relocation[{i}].assembler {relocation.assembler!r} is not an assembler of the "
                    f"scenario; {allowed}"
                )
        for i, path in enumerate(self.shocks.final_demand):
            if not getattr(self.chains, path.chain).assemblers:
                raise ValueError(
                    f"shocks.final_demand[{i}]: chain {path.chain!r} has no assemblers in the region, and a "
                    "final-demand path sets their output; for suppliers selling outside the region use "
                    "shocks.tariff or the tiers' outside_demand_trend_per_year"
                )
        if self.chains.auto.part_type_shares is None and self.shocks.electric_transition is not None:
            raise ValueError("shocks.electric_transition needs chains.auto.part_type_shares")
        return self

    @property
    def start_month(self) -> int:
        return month_number(self.scenario.start)

    def to_dict(self) -> dict[str, Any]:
        """The scenario as plain data, ready to write back to TOML or JSON."""
        return self.model_dump(mode="json")

    def content_hash(self) -> str:
        """SHA-256 of the scenario's canonical JSON: equal hashes mean equal scenarios."""
        canonical = json.dumps(self.to_dict(), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(canonical.encode()).hexdigest()


def shipped_scenarios() -> list[str]:
    """Names of the scenarios shipped in ``scenarios/``."""
    return sorted(p.stem for p in SCENARIO_DIR.glob("*.toml"))


def resolve_scenario_path(name_or_path: str | Path) -> Path:
    """A path as given, or a shipped scenario's file for a bare name like ``gwangju``."""
    path = Path(name_or_path)
    if path.suffix == ".toml" or path.parent != Path("."):
        return path
    shipped = SCENARIO_DIR / f"{name_or_path}.toml"
    if shipped.exists():
        return shipped
    return path


def _read_toml(path: Path) -> dict[str, Any]:
    if not path.exists():
        raise ScenarioError(
            str(path),
            "",
            str(path),
            f"no such file; give a scenario file or one of the shipped names {shipped_scenarios()}",
        )
    if path.is_dir():
        raise ScenarioError(str(path), "", str(path), "this is a folder; give a scenario .toml file")
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as error:
        raise ScenarioError(str(path), "", "invalid TOML", f"TOML syntax error: {error}") from None
    except OSError as error:
        raise ScenarioError(str(path), "", str(path), f"cannot read file: {error.strerror}") from None


def deep_merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    """Tables merge key by key; any other value (numbers, lists) replaces the base's."""
    merged = copy.deepcopy(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = deep_merge(merged[key], value)
        else:
            merged[key] = copy.deepcopy(value)
    return merged


def _drop_key(data: dict[str, Any], dotted: str) -> bool:
    """Remove ``a.b.c`` from nested tables; False if it is not there."""
    *tables, last = dotted.split(".")
    node: Any = data
    for part in tables:
        node = node.get(part) if isinstance(node, dict) else None
    if not isinstance(node, dict) or last not in node:
        return False
    del node[last]
    return True


def _load_raw(path: Path, seen: tuple[Path, ...] = ()) -> dict[str, Any]:
    raw = _read_toml(path)
    parent = raw.pop("inherits", None)
    dropped = raw.pop("drop_inherited", [])
    if not isinstance(dropped, list) or not all(isinstance(key, str) for key in dropped):
        raise ScenarioError(
            str(path), "drop_inherited", dropped, "allowed: a list of key paths such as 'shocks.tariff'"
        )
    if parent is None:
        if dropped:
            raise ScenarioError(str(path), "drop_inherited", dropped, "allowed only with inherits")
        return raw
    if not isinstance(parent, str):
        raise ScenarioError(str(path), "inherits", parent, "allowed: a shipped scenario name or a .toml path")
    parent_path = resolve_scenario_path(parent)
    if not parent_path.is_absolute() and not parent_path.exists():
        parent_path = path.parent / parent_path
    parent_path = parent_path.resolve()
    if parent_path in seen or parent_path == path.resolve():
        raise ScenarioError(str(path), "inherits", parent, "a scenario may not inherit from itself")
    inherited = _load_raw(parent_path, (*seen, path.resolve()))
    # Keys of the parent that do not apply here (e.g. a sizing rule replaced by another) are
    # removed before this file's values are laid on.
    for index, key in enumerate(dropped):
        if not _drop_key(inherited, key):
            raise ScenarioError(
                str(path), f"drop_inherited[{index}]", key, f"not a key of the inherited scenario {parent!r}"
            )
    return deep_merge(inherited, raw)


def validate_scenario(raw: dict[str, Any], source: str = "<scenario>") -> Scenario:
    """Validate plain data as a scenario, or raise ScenarioError naming the first problem."""
    try:
        return Scenario.model_validate(raw)
    except ValidationError as error:
        raise error_from(error, source, raw, Scenario) from None


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
        return validate_scenario(apply_overrides(scenario.to_dict(), overrides, "<overrides>"), "<overrides>")
    path = resolve_scenario_path(scenario if scenario is not None else DEFAULT_SCENARIO)
    raw = _load_raw(path)
    source = str(path)
    if overrides:
        raw = apply_overrides(raw, overrides, source)
    return validate_scenario(raw, source)
