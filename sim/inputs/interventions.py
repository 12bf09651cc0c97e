"""Settings of every policy instrument: what a package file may say about each intervention.

One pydantic class per instrument, tagged by its ``type``; the runtime classes that act on
the model are in :mod:`sim.policy.interventions` and take these settings. Sector names are
plain names here; :func:`check_package_names` checks them against the scenario a package is
laid on, naming the sectors the scenario declares, and replaces a sector group (``traded``,
``chains``, ``local_services``) by the scenario's sectors of that kind, so one package fits
regions whose sectors differ.
"""

from __future__ import annotations

from typing import Annotated, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from sim.errors import ScenarioError
from sim.inputs.scenario import (
    SECTOR_GROUPS,
    Name,
    Scenario,
    SectorName,
    YearMonth,
    month_number,
    unknown_name_error,
)


class InterventionSettings(BaseModel):
    """Settings every intervention has. Subclasses add their own and a ``type`` literal.

    ``sector_fields`` names the fields that hold sector names and what they must name:
    any ``sector`` of the scenario, or an ``industry`` (firms outside the chains).
    """

    model_config = ConfigDict(extra="forbid", strict=True, allow_inf_nan=False)
    sector_fields: ClassVar[dict[str, str]] = {}

    name: Name
    label: str = ""
    start: YearMonth
    end: YearMonth
    budget_krw: Annotated[float, Field(ge=0.0)]
    #: Share of the intervention's cost the central government pays; the local government pays
    #: the rest. Leave it out when the source does not say (the cost is then "not stated").
    central_share: Annotated[float, Field(ge=0.0, le=1.0)] | None = None

    @model_validator(mode="after")
    def _dates_in_order(self) -> InterventionSettings:
        if month_number(self.end) < month_number(self.start):
            raise ValueError("end must not come before start")
        return self


class AdministrationSettings(InterventionSettings):
    type: Literal["administration"]


class ExtendedBenefitsSettings(InterventionSettings):
    type: Literal["extended_benefits"]
    extra_months: Annotated[int, Field(gt=0, le=12)]
    benefit_share: Annotated[float, Field(gt=0.0, le=1.0)]


class LocalCurrencySettings(InterventionSettings):
    type: Literal["local_currency"]
    discount_share: Annotated[float, Field(gt=0.0, le=0.5)]
    diverted_share: Annotated[float, Field(ge=0.0, le=1.0)]
    max_share_of_spending: Annotated[float, Field(gt=0.0, le=1.0)]


class ForeignWorkforceSettings(InterventionSettings):
    type: Literal["foreign_workforce"]
    sector_fields: ClassVar[dict[str, str]] = {"sectors": "sector"}
    sectors: list[SectorName] = Field(min_length=1)
    hard_to_fill_only: bool
    min_months_unfilled: Annotated[int, Field(ge=1)]
    visa_months: Annotated[int, Field(gt=0)]
    skill_level: Annotated[int, Field(ge=1, le=3)]
    recruitment_cost_per_worker_krw: Annotated[float, Field(gt=0.0)]


class HiringSubsidySettings(InterventionSettings):
    type: Literal["hiring_subsidy"]
    sector_fields: ClassVar[dict[str, str]] = {"displaced_from": "sector"}
    displaced_from: list[SectorName] = Field(min_length=1)
    max_months_since_layoff: Annotated[int, Field(gt=0)]
    wage_share: Annotated[float, Field(gt=0.0, le=1.0)]
    months: Annotated[int, Field(gt=0)]
    hiring_boost: Annotated[float, Field(ge=0.0)]


class InfrastructureSettings(InterventionSettings):
    type: Literal["infrastructure"]
    sector_fields: ClassVar[dict[str, str]] = {"sectors": "sector"}
    sectors: list[SectorName] = Field(min_length=1)
    complexes: list[Annotated[int, Field(ge=0)]] = Field(default_factory=list)
    annual_saving_per_krw: Annotated[float, Field(ge=0.0, le=1.0)]
    build_months: Annotated[int, Field(gt=0)]


class InvestmentSettings(InterventionSettings):
    type: Literal["investment_attraction"]
    sector_fields: ClassVar[dict[str, str]] = {"sectors": "industry"}
    sectors: list[SectorName] = Field(min_length=1)
    #: Share of incentivised location decisions the incentive changes ("but for" the incentive
    #: the firm would have gone elsewhere), drawn once per run from a triangular law on
    #: [min, max] with its peak at ``mode``. Bartik (2018, Upjohn WP 18-289): plausible range
    #: 2-25%, average 10-15%; the rest (deadweight) would have come anyway. At most 99%: the
    #: pool of mobile projects is then 100 times the firms that come anyway.
    but_for_share_min: Annotated[float, Field(ge=0.0, le=0.99)]
    but_for_share_mode: Annotated[float, Field(ge=0.0, le=0.99)]
    but_for_share_max: Annotated[float, Field(ge=0.0, le=0.99)]
    #: Share of attracted firms that would otherwise have located in another Korean region: their
    #: jobs move between regions, they are not new to the country.
    from_other_regions_share: Annotated[float, Field(ge=0.0, le=1.0)]
    subsidy_per_hire_krw: Annotated[float, Field(ge=0.0)]
    max_subsidy_per_firm_krw: Annotated[float, Field(ge=0.0)]
    min_regular_hires: Annotated[int, Field(ge=0)]
    payment_window_months: Annotated[int, Field(gt=0)]
    logistics_support_per_firm_krw: Annotated[float, Field(ge=0.0)]

    @model_validator(mode="after")
    def _but_for_in_order(self) -> InvestmentSettings:
        if not self.but_for_share_min <= self.but_for_share_mode <= self.but_for_share_max:
            raise ValueError("but_for_share_min <= but_for_share_mode <= but_for_share_max is required")
        return self


class LoanSettings(InterventionSettings):
    type: Literal["working_capital_loans"]
    sector_fields: ClassVar[dict[str, str]] = {"sectors": "sector"}
    sectors: list[SectorName] = Field(min_length=1)
    sme_only: bool
    max_loan_per_firm_krw: Annotated[float, Field(gt=0.0)]
    loan_rate_annual: Annotated[float, Field(ge=0.0, le=1.0)]
    interest_subsidy_pp: Annotated[float, Field(ge=0.0, le=100.0)]
    loan_term_months: Annotated[int, Field(gt=0)]
    cash_buffer_months: Annotated[float, Field(ge=0.0)]
    default_rate_annual: Annotated[float, Field(ge=0.0, lt=1.0)]


class RetentionSettings(InterventionSettings):
    type: Literal["employment_retention"]
    sector_fields: ClassVar[dict[str, str]] = {"sectors": "sector"}
    sectors: list[SectorName] = Field(min_length=1)
    sme_only: bool
    wage_share: Annotated[float, Field(gt=0.0, le=1.0)]
    max_months_per_year: Annotated[int, Field(gt=0, le=12)]
    clawback: bool


class RetrainingSettings(InterventionSettings):
    type: Literal["retraining"]
    sector_fields: ClassVar[dict[str, str]] = {"displaced_from": "sector", "placement_sectors": "sector"}
    displaced_from: list[SectorName] = Field(min_length=1)
    skill_levels: list[Annotated[int, Field(ge=1, le=3)]] = Field(min_length=1)
    min_months_unemployed: Annotated[int, Field(ge=0)]
    course_months: Annotated[int, Field(gt=0)]
    course_fee_krw: Annotated[float, Field(ge=0.0)]
    allowance_krw_per_month: Annotated[float, Field(ge=0.0)]
    take_up_rate: Annotated[float, Field(ge=0.0, le=1.0)]
    completion_rate: Annotated[float, Field(ge=0.0, le=1.0)]
    target_occupations: list[str] = Field(min_length=1)
    skill_upgrade_probability: Annotated[float, Field(ge=0.0, le=1.0)]
    placement_sectors: list[SectorName] = Field(default_factory=list)
    placement_rate_per_month: Annotated[float, Field(ge=0.0, le=1.0)] = 0.0
    placement_window_months: Annotated[int, Field(ge=0)] = 0


class SocialEconomySettings(InterventionSettings):
    type: Literal["social_economy"]
    grant_krw: Annotated[float, Field(gt=0.0)]
    procurement_share: Annotated[float, Field(ge=0.0, le=1.0)]
    sales_uplift: Annotated[float, Field(ge=0.0, le=2.0)]
    uplift_months: Annotated[int, Field(ge=0)]
    outside_buyer_share: Annotated[float, Field(ge=0.0, le=1.0)]


class InterestSubsidySettings(InterventionSettings):
    type: Literal["interest_subsidy"]
    sector_fields: ClassVar[dict[str, str]] = {"sectors": "sector"}
    sectors: list[SectorName] = Field(min_length=1)
    sme_only: bool
    subsidy_pp: Annotated[float, Field(gt=0.0, le=20.0)]
    loan_per_firm_krw: Annotated[float, Field(gt=0.0)]
    months: Annotated[int, Field(gt=0)]


class CreditGuaranteeSettings(InterventionSettings):
    """A public credit guarantee fund (KODIT, KIBO, the regional foundations): see credit_guarantee.py."""

    type: Literal["credit_guarantee"]
    sector_fields: ClassVar[dict[str, str]] = {"sectors": "sector"}
    sectors: list[SectorName] = Field(min_length=1)
    sme_only: bool
    guarantee_ratio: Annotated[float, Field(gt=0.0, le=1.0)]
    cover_per_firm_krw: Annotated[float, Field(gt=0.0)]
    fee_annual: Annotated[float, Field(ge=0.0, le=0.2)]
    months: Annotated[int, Field(gt=0)]
    operation_multiple: Annotated[float, Field(gt=0.0, le=20.0)]
    default_rate_annual: Annotated[float, Field(ge=0.0, lt=1.0)]


class PublicJobsSettings(InterventionSettings):
    """Direct public job creation (직접일자리사업): see public_jobs.py."""

    type: Literal["public_jobs"]
    wage_krw_per_month: Annotated[float, Field(gt=0.0)]
    employer_contribution_rate: Annotated[float, Field(ge=0.0, le=0.5)]
    admin_share: Annotated[float, Field(ge=0.0, le=1.0)]
    job_months: Annotated[int, Field(gt=0, le=24)]
    min_months_unemployed: Annotated[int, Field(ge=0)]
    min_age_years: Annotated[float, Field(ge=15.0, le=100.0)] = 15.0


class EmploymentServicesSettings(InterventionSettings):
    """Intensive counselling and job-search assistance (국민취업지원제도): see employment_services.py."""

    type: Literal["employment_services"]
    service_cost_krw: Annotated[float, Field(ge=0.0)]
    allowance_krw_per_month: Annotated[float, Field(ge=0.0)]
    programme_months: Annotated[int, Field(gt=0, le=24)]
    search_boost: Annotated[float, Field(ge=1.0, le=5.0)]
    min_months_unemployed: Annotated[int, Field(ge=0)]


class ContributionDeferralSettings(InterventionSettings):
    """Deferral of social-insurance contributions and local taxes in a crisis area: see contribution_deferral.py."""

    type: Literal["contribution_deferral"]
    sector_fields: ClassVar[dict[str, str]] = {"sectors": "sector"}
    sectors: list[SectorName] = Field(min_length=1)
    sme_only: bool
    deferred_share_of_wage_bill: Annotated[float, Field(gt=0.0, le=0.5)]
    cash_short_months: Annotated[float, Field(ge=0.0, le=24.0)]
    deferral_months: Annotated[int, Field(gt=0, le=24)]
    repayment_months: Annotated[int, Field(gt=0, le=60)]
    funds_rate_annual: Annotated[float, Field(ge=0.0, le=0.2)]
    default_rate_annual: Annotated[float, Field(ge=0.0, lt=1.0)]


class PublicConstructionSettings(InterventionSettings):
    """Public construction demand (SOC 조기집행) bought from local firms: see public_construction.py."""

    type: Literal["public_construction"]
    sector_fields: ClassVar[dict[str, str]] = {"sectors": "sector"}
    sectors: list[SectorName] = Field(min_length=1)


class VentureFundSettings(InterventionSettings):
    """A public venture or growth fund taking equity stakes in small firms: see venture_fund.py."""

    type: Literal["venture_fund"]
    sector_fields: ClassVar[dict[str, str]] = {"sectors": "sector"}
    sectors: list[SectorName] = Field(min_length=1)
    #: Largest firm (full-scale employees) the fund invests in.
    max_employees: Annotated[int, Field(gt=0)]
    #: Public equity per full-scale firm, KRW.
    investment_per_firm_krw: Annotated[float, Field(gt=0.0)]
    #: Relative rise of an invested firm's sales (from buyers outside the region) for an
    #: investment of ``uplift_reference_krw``, reached ``uplift_ramp_months`` after investing.
    sales_uplift: Annotated[float, Field(ge=0.0, le=1.0)]
    #: The investment that buys ``sales_uplift``; smaller stakes buy a proportional rise, KRW.
    uplift_reference_krw: Annotated[float, Field(gt=0.0)]
    #: Months over which the rise builds up from the month of investment.
    uplift_ramp_months: Annotated[int, Field(gt=0)]


class CommercialisationSettings(InterventionSettings):
    """Commercialisation, certification and marketing support for local SMEs: see commercialisation.py."""

    type: Literal["commercialisation"]
    sector_fields: ClassVar[dict[str, str]] = {"sectors": "sector"}
    sectors: list[SectorName] = Field(min_length=1)
    #: Support per full-scale firm (prototypes, testing and certification, marketing), KRW.
    support_per_firm_krw: Annotated[float, Field(gt=0.0)]
    #: Relative rise of a supported firm's sales, all of it from buyers outside the region.
    sales_uplift: Annotated[float, Field(gt=0.0, le=1.0)]
    #: Months the rise lasts from the month of support.
    uplift_months: Annotated[int, Field(gt=0)]


class GrowthStageSettings(InterventionSettings):
    """Support for firms by growth stage (seed 004: starting, growing, leading): see growth_stage.py.

    The stage says which firms qualify and needs its defining setting: ``starting`` firms founded
    less than ``max_age_months`` ago; ``growing`` firms of at least ``min_employees`` (full-scale, at
    the start) whose employment grew ``min_growth_per_year`` a year or more over at least
    ``min_months_observed`` months; ``leading`` firms with full-scale annual sales of at least
    ``min_annual_sales_krw``.
    """

    type: Literal["growth_stage"]
    sector_fields: ClassVar[dict[str, str]] = {"sectors": "sector"}
    stage: Literal["starting", "growing", "leading"]
    sectors: list[SectorName] = Field(min_length=1)
    sme_only: bool
    #: Grant per full-scale firm, KRW (into the firm's cash).
    support_per_firm_krw: Annotated[float, Field(gt=0.0)]
    #: Relative rise of a supported firm's sales, all from buyers outside the region (0: none).
    sales_uplift: Annotated[float, Field(ge=0.0, le=1.0)]
    #: Months from support until the rise begins.
    lag_months: Annotated[int, Field(ge=0, le=120)] = 0
    #: Months the rise lasts.
    uplift_months: Annotated[int, Field(ge=0, le=240)]
    max_age_months: Annotated[int, Field(gt=0, le=600)] | None = None
    min_employees: Annotated[int, Field(ge=0)] = 0
    min_growth_per_year: Annotated[float, Field(gt=0.0, le=10.0)] | None = None
    min_months_observed: Annotated[int, Field(ge=1, le=120)] = 36
    min_annual_sales_krw: Annotated[float, Field(gt=0.0)] | None = None

    @model_validator(mode="after")
    def _stage_defined(self) -> GrowthStageSettings:
        needed = {"starting": "max_age_months", "growing": "min_growth_per_year", "leading": "min_annual_sales_krw"}
        key = needed[self.stage]
        if getattr(self, key) is None:
            raise ValueError(f"stage {self.stage!r} needs {key}")
        if self.sales_uplift > 0 and self.uplift_months == 0:
            raise ValueError("a sales_uplift above 0 needs uplift_months above 0")
        return self


class FutureIndustryRndSettings(InterventionSettings):
    """R&D and commercialisation grants for firms of future industries (seed 004): see future_industry_rnd.py."""

    type: Literal["future_industry_rnd"]
    sector_fields: ClassVar[dict[str, str]] = {"sectors": "sector"}
    #: The scenario's sectors that stand for the region's future industries (scenarios/national/key_industries.csv).
    sectors: list[SectorName] = Field(min_length=1)
    sme_only: bool
    #: R&D grant per full-scale firm, KRW (into the firm's cash).
    grant_per_firm_krw: Annotated[float, Field(gt=0.0)]
    #: Relative rise of a funded firm's sales, all from buyers outside the region.
    sales_uplift: Annotated[float, Field(ge=0.0, le=1.0)]
    #: Months from the grant until the rise begins (development before sales).
    lag_months: Annotated[int, Field(ge=0, le=120)]
    #: Months the rise lasts.
    uplift_months: Annotated[int, Field(gt=0, le=240)]


#: Settings class of every intervention type, by its ``type`` tag.
SETTINGS: dict[str, type[InterventionSettings]] = {
    cls.model_fields["type"].annotation.__args__[0]: cls for cls in InterventionSettings.__subclasses__()
}


def check_package_names(
    interventions: list[InterventionSettings], scenario: Scenario, source: str
) -> list[InterventionSettings]:
    """The interventions, their sector names checked against the scenario and groups replaced.

    A name the scenario does not declare is a one-line error; each sector group becomes the scenario's
    sectors of that kind (an intervention that names no group is returned as it is).
    """
    resolved = []
    for index, settings in enumerate(interventions):
        update: dict[str, list[str]] = {}
        for field, kind in settings.sector_fields.items():
            allowed = scenario.sector_names if kind == "sector" else tuple(scenario.industries)
            names = getattr(settings, field)
            for position, name in enumerate(names):
                key_path = f"interventions[{index}].{field}[{position}]"
                if name in SECTOR_GROUPS:
                    if not [member for member in scenario.sector_group(name) if member in allowed]:
                        raise ScenarioError(
                            source, key_path, name, f"the group holds no {kind} of the scenario; allowed: {allowed}"
                        )
                elif name not in allowed:
                    raise unknown_name_error(source, key_path, name, kind, allowed, groups=True)
            if any(name in SECTOR_GROUPS for name in names):
                expanded = [member for name in names for member in _members(scenario, name) if member in allowed]
                update[field] = list(dict.fromkeys(expanded))
        resolved.append(settings.model_copy(update=update) if update else settings)
    return resolved


def _members(scenario: Scenario, name: str) -> tuple[str, ...]:
    return scenario.sector_group(name) if name in SECTOR_GROUPS else (name,)
