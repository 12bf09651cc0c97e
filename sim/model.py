"""RegionModel: one region's economy, stepped a month at a time (a ``mesa.Model``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import mesa
import numpy as np
import pandas as pd

from sim.errors import ScenarioError
from sim.inputs.package import Package, combine_packages, load_package
from sim.inputs.scenario import CHAINS, PART_TYPES, SECTORS, Scenario, load_scenario
from sim.policy.base import REGISTRY, Intervention
from sim.policy.ledger import Ledger
from sim.records import MonthlyRecords
from sim.region import demographics, labour_market, production
from sim.region.firms import (
    ACTIVE,
    ASSEMBLER,
    CLOSED,
    INDEPENDENT,
    RELOCATED,
    ROLE_NAMES,
    SECTOR_CODE,
    STATUS_NAMES,
    TIER1,
    TIER2,
    Firm,
    FirmTable,
    build_firm_table,
    draw_firm_size_list,
    plan_firm_groups,
    scale_sizes,
    settle_initial_finances,
)
from sim.region.random_streams import RandomStreams, agent_keys
from sim.region.shocks import ShockSchedule
from sim.region.supply_chain import build_supply_network
from sim.region.workforce import (
    EMPLOYED,
    IN_TRAINING,
    INACTIVE,
    MOVED_OUT,
    UNEMPLOYED,
    Workforce,
    add_entrants,
    populate,
)

_MAX_SEED = 2**63

#: Counts of the month's events, reset at the start of each month (columns of the monthly table).
_MONTH_COUNTS = (
    "layoffs",
    "quits",
    "hires",
    "vacancies",
    "firm_failures",
    "retirements",
    "entrants",
    "bad_debt",
    "firms_rescued",
    "firms_arrived",
    "foreign_entrants",
)


def seed_from(rng: Any) -> int:
    """A non-negative integer seed from Mesa-style ``rng`` (int, Generator, SeedSequence or None)."""
    if rng is None:
        return int(np.random.SeedSequence().entropy % _MAX_SEED)
    if isinstance(rng, bool):
        raise TypeError("rng must be an integer seed, a numpy Generator or None, not a bool")
    if isinstance(rng, int | np.integer):
        if rng < 0:
            raise ValueError(f"rng seed must be a non-negative integer, got {rng}")
        return int(rng) % _MAX_SEED
    if isinstance(rng, np.random.Generator):
        return int(rng.integers(_MAX_SEED))
    if isinstance(rng, np.random.SeedSequence):
        return int(rng.generate_state(2, np.uint64)[0] % _MAX_SEED)
    raise TypeError(f"rng must be an integer seed, a numpy Generator or None, got {type(rng).__name__}")


class RegionModel(mesa.Model):
    """A regional economy hit by industrial shocks, in monthly steps.

    Build it from a scenario (a :class:`~sim.inputs.scenario.Scenario`, a TOML path, a shipped
    scenario's name, or ``None`` for the default Gwangju scenario)::

        model = RegionModel("gwangju", rng=42, scale=0.1, months=24)
        table = model.run()

    Keyword overrides set scenario parameters by key path, with ``__`` for the dots:
    ``RegionModel(labour_market__quit_rate_per_month=0.004)``. The validated scenario is
    ``model.config``; ``model.scenario`` is Mesa's own experimental Scenario object.

    ``package`` lays one or more policy packages on the scenario (a Package, a path, a
    shipped package's name, or a list of them); ``None`` is the baseline. Budgets are
    multiplied by ``scale``: a 10% sample gets 10% of the money.

    Firms are ``Firm`` agents (``model.agents``) whose state lives in ``model.firms``
    (a FirmTable of arrays); workers are rows of ``model.workforce``.
    """

    def __init__(
        self,
        scenario: Scenario | str | Path | None = None,
        *,
        rng: Any = None,
        scale: float | None = None,
        months: int | None = None,
        package: Package | str | Path | list[Package | str | Path] | None = None,
        overrides: dict[str, Any] | None = None,
        **parameter_overrides: Any,
    ) -> None:
        all_overrides = {**(overrides or {}), **parameter_overrides}
        if scale is not None:
            all_overrides["scenario.scale"] = float(scale)
        if months is not None:
            all_overrides["scenario.months"] = int(months)
        config = load_scenario(scenario, all_overrides)
        self.seed = seed_from(rng)
        super().__init__(rng=self.seed)
        self.config = config
        self.months = config.scenario.months
        self.scale = config.scenario.scale
        self.streams = RandomStreams(self.seed)
        self.ledger_book = Ledger()
        self.package, self.package_sources = _load_packages(package)
        self.policies: list[Intervention] = [
            REGISTRY[settings.type](settings, self.ledger_book, self.scale)
            for settings in (self.package.interventions if self.package else [])
        ]
        self._build()
        for index, policy in enumerate(self.policies):
            policy.check(self, self.package_sources.get(policy.name, "<package>"), index)

    # ------------------------------------------------------------------ building
    def _build(self) -> None:
        config = self.config
        firm_generator = self.streams.generator("firms")
        specs = plan_firm_groups(config, firm_generator, self.scale)
        self.firms: FirmTable = build_firm_table(specs, config, firm_generator)
        self.firms.staffing_threshold = self.streams.uniform("staffing_threshold", 0, self.firms.key)
        self.network = build_supply_network(self.firms, config, self.streams.generator("network"))
        self.outside_trend_per_year = self._outside_trends()

        initial_people = int(self.firms.base_employees.sum() / (1.0 - config.population.unemployment_rate) * 1.1)
        capacity = initial_people + int(config.population.entry_rate_per_month * initial_people * self.months * 1.3)
        self.workforce = Workforce(capacity)
        populate(
            self.workforce, config, self.firms.sector, self.firms.wage_level, self.firms.base_employees, self.streams
        )
        self._count_employees()
        settle_initial_finances(self.firms, self.firms.wage_bill, config)
        self._place_firms()
        self.firm_agents = [Firm(self, index) for index in range(self.firms.count)]

        self.shocks = ShockSchedule(config, self.firms)
        self.matching = labour_market.MatchingMarket.from_scenario(config)
        self.occupation_cdf = labour_market.occupation_cdf_by_sector(config)
        self._calibrate_matching()
        employed = self.workforce.status == EMPLOYED
        occupations = len(config.labour_market.occupations)
        employed_count = max(int(employed.sum()), 1)
        self.entrant_occupation_weights = (
            np.bincount(self.workforce.occupation[employed], minlength=occupations) / employed_count
        )
        self.entrant_skill_weights = np.bincount(self.workforce.skill[employed] - 1, minlength=3) / employed_count
        self.initial_labour_force = int(np.isin(self.workforce.status, (EMPLOYED, UNEMPLOYED)).sum())

        self.last_output = self.firms.base_output.copy()
        self.last_flows = production.FirmFlows.zeros(self.firms.count)
        self.last_hires = labour_market.MatchResult.empty()
        self.firm_layoffs = np.zeros(self.firms.count, dtype=np.int64)
        self.firm_layoffs_last_month = self.firm_layoffs.copy()
        self.current_demand = self.firms.base_output.copy()
        self.current_capacity_factor = np.ones(self.firms.count)
        self._month_counts: dict[str, float] = {}
        self._policy_month: dict[str, float] = {}
        self.household_transfers = 0.0
        benefits = self._benefits_paid(0)
        self.local_income = float(self.firms.wage_bill.sum()) + benefits
        self._set_local_demand(config.industries.services.local_multiplier)
        if config.shocks.local_demand and self.autonomous_local_demand <= 0:
            raise ScenarioError(
                f"scenario {config.scenario.name!r}",
                "shocks.local_demand",
                f"{len(config.shocks.local_demand)} path(s)",
                "this region's local services demand has no autonomous part to scale (all of it follows local "
                "income, see docs/model.md 7.10): lower industries.services.local_multiplier or drop the shock",
            )

        self.records = MonthlyRecords(self.months, config.start_month, self._policy_columns())
        self.datacollector = mesa.DataCollector(
            model_reporters={name: [self.records.latest, [name]] for name in self.records.columns}
        )
        self._record(0, wage_income=float(self.firms.wage_bill.sum()), benefit_income=benefits)

    def _place_firms(self) -> None:
        """Put manufacturing firms in industrial complexes and mark social enterprises among services."""
        firms = self.firms
        generator = self.streams.generator("firm_locations")
        manufacturing = firms.sector != SECTOR_CODE["services"]
        firms.complex_id = np.where(
            manufacturing, generator.integers(0, self.config.firms.industrial_complexes, firms.count), -1
        ).astype(np.int32)
        draw = generator.random(firms.count)
        share = self.config.industries.services.social_enterprise_share
        firms.social_enterprise = ~manufacturing & (draw < share)

    def _policy_columns(self) -> dict[str, str]:
        columns: dict[str, str] = {}
        for policy in self.policies:
            label = policy.settings.label or policy.name
            columns[f"policy_spend_{policy.name}"] = f"payments of {label}, KRW per month (loans at face value)"
            columns[f"policy_cost_{policy.name}"] = f"expected cost of {label}, KRW per month"
            columns[f"policy_returns_{policy.name}"] = f"repayments and clawbacks to {label}, KRW per month"
            for key, meaning in policy.count_columns().items():
                columns[f"{policy.name}_{key}"] = meaning
        return columns

    def _outside_trends(self) -> np.ndarray:
        """Per firm, the yearly trend of its sales outside the region (by tier or industry)."""
        trend = np.zeros(self.firms.count)
        for chain in CHAINS:
            spec = getattr(self.config.chains, chain)
            in_chain = self.firms.sector == SECTOR_CODE[chain]
            trend[in_chain & (self.firms.role == TIER1)] = spec.tier1.outside_demand_trend_per_year
            trend[in_chain & (self.firms.role == TIER2)] = spec.tier2.outside_demand_trend_per_year
        for sector in ("growth", "other_manufacturing", "services"):
            group = getattr(self.config.industries, sector)
            trend[(self.firms.sector == SECTOR_CODE[sector]) & (self.firms.role == INDEPENDENT)] = (
                group.outside_demand_trend_per_year
            )
        return trend

    def _calibrate_matching(self) -> None:
        """Choose the matching efficiency so the starting job-finding rate is the scenario's."""
        workforce = self.workforce
        labour = self.config.labour_market
        seekers = np.flatnonzero(workforce.status == UNEMPLOYED)
        employed = np.flatnonzero(workforce.status == EMPLOYED)
        occupations = len(labour.occupations)
        monthly_separations = len(employed) * (
            labour.quit_rate_per_month
            + 1.0 / (12 * self.config.population.retirement_age_years - 12 * self.config.population.age_min_years)
        )
        occupation_share = np.bincount(workforce.occupation[employed], minlength=occupations) / max(len(employed), 1)
        vacancies = occupation_share * monthly_separations * labour.vacancy_duration_months
        self.matching.calibrate_efficiency(
            labour.job_finding_rate_per_month,
            workforce.occupation[seekers],
            workforce.skill[seekers],
            -workforce.unemployed_since[seekers],
            vacancies,
        )

    def _set_local_demand(self, local_multiplier: float) -> None:
        """Tie local services demand to local income so that the local multiplier holds.

        Services demand = autonomous + c * (wages + benefits of last month). With services
        output per worker R (jobs follow orders at that rate), services pay w_s and
        manufacturing pay w_m, one manufacturing
        job lost removes c * w_m of demand, and the services jobs lost remove more income
        in turn; the long-run services jobs lost per manufacturing job are
        c * w_m / (R - c * w_s). Solving for c makes that equal ``local_multiplier``
        (1.6, Moretti 2010).
        """
        firms = self.firms
        services = firms.sector == SECTOR_CODE["services"]
        employees = firms.employees.astype(float)
        wage_services = firms.wage_bill[services].sum() / max(employees[services].sum(), 1.0)
        if employees[~services].sum() > 0:
            wage_manufacturing = firms.wage_bill[~services].sum() / employees[~services].sum()
        else:  # a region of services only: a lost job of any kind removes services pay
            wage_manufacturing = wage_services
        sales_per_worker = firms.base_output[services].sum() / max(employees[services].sum(), 1.0)
        m = local_multiplier
        self.local_spending_coefficient = m * sales_per_worker / (wage_manufacturing + m * wage_services)
        self.autonomous_local_demand = (
            self.network.base_local_sales.sum() - self.local_spending_coefficient * self.local_income
        )

    # ------------------------------------------------------------------ one month
    def step(self) -> None:
        """Advance one month, in this fixed order.

        1. shocks: final-demand paths, relocations, tariffs, electric transition, local-demand
           index for the month, and new firms arriving without incentives (the scenario's
           inward investment);
        2. orders: final demand, supplier orders (last month's buyer output through the
           supply network), out-of-region sales, local services demand (autonomous part
           times the local-demand index, plus last month's income times c);
        3. production and finance: output, wages, inputs, fixed costs, interest, repayments,
           bank borrowing; firms that can neither pay nor borrow are in distress;
        4. policies: each intervention's ``step``, the only point where policies act (none
           in a baseline run); they may pay firms and workers, lend, and set the levers the
           later stages read (jobs kept, procurement orders, hiring preference, ...);
        5. failures: firms still short of cash fail and lay off everyone; plants that have
           moved abroad entirely close;
        6. labour market: quits; firms update expected orders and capacity; layoffs and
           vacancies from each firm's workforce plan; matching of job seekers to vacancies;
        7. demographics: retirement, foreign workers whose visas end, leaving the labour
           force or the region, returning, entrants;
        8. records: the month's row of the monthly table.
        """
        month = self.steps
        self._month_counts = dict.fromkeys(
            [*_MONTH_COUNTS, *(f"layoffs_{s}" for s in SECTORS), *(f"firm_failures_{s}" for s in SECTORS)], 0.0
        )
        self.firm_layoffs_last_month = self.firm_layoffs
        self.firm_layoffs = np.zeros(self.firms.count, dtype=np.int64)
        self._inward_investment(month)
        demand, capacity_factor, relocated = self._orders(month)
        self.current_demand, self.current_capacity_factor = demand, capacity_factor
        distressed = self._produce_and_pay(demand, capacity_factor)
        self._apply_policies(month)
        # Firms that policies brought in at the policy point join the rest of the month.
        added = self.firms.count - len(demand)
        if added:
            demand = np.concatenate([demand, self.firms.base_output[-added:]])
            capacity_factor = np.concatenate([capacity_factor, np.ones(added)])
            relocated = np.concatenate([relocated, np.zeros(added)])
            distressed = np.concatenate([distressed, np.zeros(added, dtype=bool)])
        self._settle_failures(month, distressed, relocated)
        self._labour_market(month, demand, capacity_factor)
        self._demographics(month)
        self._record(month, wage_income=float(self.last_flows.wages.sum()), benefit_income=self._benefits_paid(month))
        if month >= self.months:
            self.running = False
            for policy in self.policies:
                if policy.started and not policy.finished:
                    policy.finish(self)
                    policy.finished = True

    def _orders(self, month: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        firms, network, shocks = self.firms, self.network, self.shocks
        behaviour = self.config.firms
        relocated = shocks.relocated_share(month)
        capacity_factor = 1.0 - relocated
        shock = self.streams.normal("demand_noise", month, firms.key)
        rho = behaviour.demand_noise_persistence
        firms.demand_noise = rho * firms.demand_noise + behaviour.demand_noise_sd * np.sqrt(1 - rho**2) * shock
        noise = np.exp(firms.demand_noise)

        final = (
            network.base_final_demand
            * shocks.final_demand_multiplier(month)
            * shocks.assembler_tariff_multiplier(month)
            * capacity_factor
        )
        # Parts orders placed by assembly plants follow the electric transition; orders further
        # up the chain follow their buyers' output, which already reflects it.
        parts = shocks.part_multiplier(month)
        assembler_output = np.where(firms.role == ASSEMBLER, self.last_output, 0.0)
        supplier_orders = network.orders(assembler_output) * parts + network.orders(self.last_output - assembler_output)
        trend = (1.0 + self.outside_trend_per_year) ** (month / 12.0)
        outside = network.base_outside_sales * trend * shocks.export_multiplier(month) * noise * parts
        demand = final + supplier_orders + outside

        services = (firms.sector == SECTOR_CODE["services"]) & (firms.status == ACTIVE)
        # A local-demand shock scales only the autonomous part; the part tied to local income follows it.
        local_total = (
            self.autonomous_local_demand * shocks.local_demand_index(month)
            + self.local_spending_coefficient * self.local_income
        )
        base_local = np.where(services, network.base_local_sales, 0.0)
        share = base_local / max(base_local.sum(), 1e-9)
        demand = demand + np.maximum(local_total, 0.0) * share * noise
        demand = demand * (1.0 + firms.demand_uplift) + firms.policy_demand
        return np.where(firms.status == ACTIVE, demand, 0.0), capacity_factor, relocated

    def _produce_and_pay(self, demand: np.ndarray, capacity_factor: np.ndarray) -> np.ndarray:
        """Produce, settle the accounts, borrow; return the mask of firms in distress."""
        firms = self.firms
        output = production.produce(firms, demand, capacity_factor)
        flows, distressed = production.pay_and_borrow(firms, output, capacity_factor, self.config.firms)
        self.last_output = output
        self.last_flows = flows
        return distressed

    def _apply_policies(self, month: int) -> None:
        """The policy point: clear last month's levers, then let every intervention act."""
        if not self.policies:  # a baseline run has no levers to clear
            return
        firms = self.firms
        firms.retention_covered[:] = 0
        firms.policy_demand[:] = 0.0
        self.workforce.search_boost[:] = 1.0
        self.household_transfers = 0.0
        self._policy_month = dict.fromkeys(self.records.extra_columns, 0.0)
        for policy in self.policies:
            policy.counts = {}
            if month < policy.first_month(self):
                continue
            if not policy.started:
                policy.start(self)
                policy.started = True
            policy.step(self, month)
            for key, value in policy.month_counts().items():
                self._policy_month[f"{policy.name}_{key}"] = value

    def _settle_failures(self, month: int, distressed: np.ndarray, relocated: np.ndarray) -> None:
        """Firms still short of cash after the policy point fail; fully relocated plants close."""
        firms = self.firms
        active = firms.status == ACTIVE
        failed = active & (firms.cash < 0.0)
        self.last_flows.cash_after = firms.cash.copy()
        self._month_counts["bad_debt"] = float(firms.debt[failed].sum())
        firms.debt[failed] = 0.0
        moved_away = (relocated >= 1.0) & active & ~failed
        firms.status[failed] = CLOSED
        firms.status[moved_away] = RELOCATED
        firms.closed_month[failed | moved_away] = month
        self._month_counts["firm_failures"] = float(failed.sum())
        self._month_counts["firms_rescued"] = float((distressed & ~failed).sum())
        for code, sector in enumerate(SECTORS):
            self._month_counts[f"firm_failures_{sector}"] = float((failed & (firms.sector == code)).sum())
        if failed.any() or moved_away.any():
            employed = np.flatnonzero(self.workforce.status == EMPLOYED)
            gone = employed[(failed | moved_away)[self.workforce.employer[employed]]]
            self._lay_off(gone, month)

    def _lay_off(self, workers: np.ndarray, month: int) -> None:
        """Lay workers off (with benefit rights) and count the layoffs by sector."""
        if len(workers) == 0:
            return
        employer = self.workforce.employer[workers]
        by_sector = np.bincount(self.firms.sector[employer], minlength=len(SECTORS))
        self._month_counts["layoffs"] += len(workers)
        self.firm_layoffs += np.bincount(employer, minlength=self.firms.count)
        for code, sector in enumerate(SECTORS):
            self._month_counts[f"layoffs_{sector}"] += int(by_sector[code])
        self.firms.employees -= np.bincount(employer, minlength=self.firms.count)
        labour_market.separate(
            self.workforce,
            workers,
            month,
            laid_off=True,
            firm_sector=self.firms.sector,
            scenario=self.config,
            streams=self.streams,
        )

    def _labour_market(self, month: int, demand: np.ndarray, capacity_factor: np.ndarray) -> None:
        workforce, firms = self.workforce, self.firms
        labour = self.config.labour_market
        employed = np.flatnonzero(workforce.status == EMPLOYED)
        quitting = employed[workforce.quit_month[employed] == month]
        firms.employees -= np.bincount(workforce.employer[quitting], minlength=firms.count)
        labour_market.separate(
            workforce,
            quitting,
            month,
            laid_off=False,
            firm_sector=firms.sector,
            scenario=self.config,
            streams=self.streams,
        )
        self._month_counts["quits"] = float(len(quitting))

        production.update_expectations_and_capacity(firms, demand, capacity_factor, self.config.firms)
        cuts, openings = production.workforce_plans(firms, capacity_factor, self.config.firms)
        employed = employed[workforce.status[employed] == EMPLOYED]
        self._lay_off(labour_market.choose_layoffs(workforce, employed, cuts, month, self.streams), month)

        vacancies = labour_market.post_vacancies(
            openings, firms.sector, firms.key, self.occupation_cdf, month, self.streams
        )
        seekers = np.flatnonzero(workforce.status == UNEMPLOYED)
        result = labour_market.match(workforce, seekers, vacancies, self.matching, month, self.streams)
        labour_market.hire(
            workforce, result, firms.wage_level, self.matching, month, labour.quit_rate_per_month, self.streams
        )
        firms.employees += np.bincount(result.firms, minlength=firms.count)
        filled = np.bincount(result.firms, minlength=firms.count)
        firms.unfilled_months = np.where(openings > filled, firms.unfilled_months + 1, 0).astype(np.int32)
        self.last_hires = result
        self._month_counts["vacancies"] = float(vacancies.count)
        self._month_counts["hires"] += float(len(result.workers))

    def _demographics(self, month: int) -> None:
        workforce = self.workforce
        flows = demographics.retire(workforce, month)
        self.firms.employees -= np.bincount(flows.retired_from_jobs, minlength=self.firms.count)
        visa_ended = demographics.end_visas(workforce, month)
        self.firms.employees -= np.bincount(visa_ended, minlength=self.firms.count)
        demographics.leave_and_return(workforce, self.config, month, self.streams, flows)
        entrants = demographics.entrant_count(self.config, self.initial_labour_force, month, self.streams)
        add_entrants(
            workforce,
            self.config,
            entrants,
            month,
            self.streams,
            self.entrant_occupation_weights,
            self.entrant_skill_weights,
        )
        self._month_counts["retirements"] = float(flows.retired)
        self._month_counts["entrants"] = float(entrants)

    # ------------------------------------------------------------------ records
    def _count_employees(self) -> np.ndarray:
        """Recount employees and wage bills of every firm from the worker arrays; return employed ids."""
        workforce = self.workforce
        employed = np.flatnonzero(workforce.status == EMPLOYED)
        employer = workforce.employer[employed]
        self.firms.employees = np.bincount(employer, minlength=self.firms.count).astype(np.int64)
        self.firms.wage_bill = np.bincount(employer, weights=workforce.wage[employed], minlength=self.firms.count)
        return employed

    def _displaced_outcomes(self, month: int) -> dict[str, float]:
        """Re-employment and earnings of workers laid off during the run (still in the region)."""
        workforce = self.workforce
        displaced = np.flatnonzero(
            (workforce.displaced_month >= 1) & (workforce.displaced_month <= month) & (workforce.status != MOVED_OUT)
        )
        displaced = displaced[~workforce.retired[displaced]]
        since = workforce.displaced_month[displaced]
        mature = displaced[month - since >= 12]
        found = workforce.reemployed_month[mature] - workforce.displaced_month[mature] <= 12
        earnings = np.where(workforce.status[displaced] == EMPLOYED, workforce.wage[displaced], 0.0)
        before = workforce.pre_displacement_wage[displaced]
        ratio = np.divide(earnings, before, out=np.zeros(len(displaced)), where=before > 0)
        return {
            "displaced": len(displaced),
            "displaced_reemployed_12m_rate": float(found.mean()) if len(mature) else 0.0,
            "displaced_earnings_rate": float(ratio.mean()) if len(displaced) else 0.0,
        }

    def _benefits_paid(self, month: int) -> float:
        workforce = self.workforce
        unemployed = np.flatnonzero(workforce.status == UNEMPLOYED)
        receiving = unemployed[workforce.benefit_end_month[unemployed] > month]
        return float(workforce.benefit_krw[receiving].sum())

    def _record(self, month: int, *, wage_income: float, benefit_income: float) -> None:
        firms, workforce = self.firms, self.workforce
        self._count_employees()
        statuses = workforce.status_counts()
        employed, unemployed = int(statuses[EMPLOYED]), int(statuses[UNEMPLOYED])
        labour_force = employed + unemployed
        by_sector = np.bincount(firms.sector, weights=firms.employees, minlength=len(SECTORS))
        output_by_sector = np.bincount(firms.sector, weights=self.last_output, minlength=len(SECTORS))
        unemployed_ids = np.flatnonzero(workforce.status == UNEMPLOYED)
        long_term = int(
            (
                (month - workforce.unemployed_since[unemployed_ids])
                >= self.config.labour_market.long_term_unemployment_months
            ).sum()
        )
        values: dict[str, float] = {
            "month": month,
            "employed": employed,
            "unemployed": unemployed,
            "unemployment_rate": unemployed / labour_force if labour_force else 0.0,
            "labour_force": labour_force,
            "in_training": int(statuses[IN_TRAINING]),
            "out_of_labour_force": int(statuses[INACTIVE]),
            "moved_out": int(statuses[MOVED_OUT]),
            "firms_active": int((firms.status == ACTIVE).sum()),
            "long_term_unemployed": long_term,
            "output_manufacturing": float(output_by_sector[:4].sum()),
            "wage_income": wage_income,
            "benefit_income": benefit_income,
            "mean_wage": float(firms.wage_bill.sum() / employed) if employed else 0.0,
            "borrowing": float(self.last_flows.borrowing.sum()),
            "household_transfers": self.household_transfers,
            "policy_spend": sum(self._policy_month.get(f"policy_spend_{p.name}", 0.0) for p in self.policies),
            "policy_cost": sum(self._policy_month.get(f"policy_cost_{p.name}", 0.0) for p in self.policies),
            "policy_returns": sum(self._policy_month.get(f"policy_returns_{p.name}", 0.0) for p in self.policies),
            "foreign_workers": int(workforce.foreign.sum()),
        }
        for column in self.records.extra_columns:
            values[column] = self._policy_month.get(column, 0.0)
        values.update(self._displaced_outcomes(month))
        for code, sector in enumerate(SECTORS):
            values[f"employed_{sector}"] = int(by_sector[code])
            values[f"output_{sector}"] = float(output_by_sector[code])
        for chain in CHAINS:
            in_chain = firms.sector == SECTOR_CODE[chain]
            for role, label in ((ASSEMBLER, "assembly"), (TIER1, "tier1"), (TIER2, "tier2")):
                values[f"employed_{chain}_{label}"] = int(firms.employees[in_chain & (firms.role == role)].sum())
        for name in _MONTH_COUNTS:
            values[name] = self._month_counts.get(name, 0.0)
        for sector in SECTORS:
            values[f"layoffs_{sector}"] = self._month_counts.get(f"layoffs_{sector}", 0.0)
            values[f"firm_failures_{sector}"] = self._month_counts.get(f"firm_failures_{sector}", 0.0)
        self.records.write(month, values)
        self.local_income = wage_income + benefit_income + self.household_transfers
        self.datacollector.collect(self)

    # ------------------------------------------------------------------ running and results
    def run(self, months: int | None = None) -> pd.DataFrame:
        """Step to the end of the scenario (or ``months`` more months) and return the monthly table."""
        steps = self.months - self.steps if months is None else months
        for _ in range(steps):
            if not self.running:
                break
            self.step()
        return self.results()

    def results(self) -> pd.DataFrame:
        """The monthly table so far: one row per month (row 0 is the start state)."""
        return self.records.to_frame()

    def workers(self) -> pd.DataFrame:
        """Every worker now, one row each (a copy, for notebooks)."""
        return self.workforce.to_frame(self.steps)

    def firm_frame(self) -> pd.DataFrame:
        """Every firm now, one row each (a copy, for notebooks); money in KRW."""
        firms = self.firms
        return pd.DataFrame(
            {
                "name": firms.name,
                "sector": pd.Categorical.from_codes(firms.sector, SECTORS),
                "role": pd.Categorical.from_codes(firms.role, ROLE_NAMES),
                "part_type": [None if p < 0 else PART_TYPES[p] for p in firms.part_type],
                "status": pd.Categorical.from_codes(firms.status, STATUS_NAMES),
                "is_sme": firms.is_sme,
                "employees": firms.employees,
                "base_employees": firms.base_employees,
                "output_krw": self.last_output,
                "capacity_krw": firms.capacity,
                "productivity_krw": firms.productivity,
                "wage_level_krw": firms.wage_level,
                "cash_krw": firms.cash,
                "debt_krw": firms.debt,
                "export_share": firms.export_share,
                "loss_months": firms.loss_months,
            }
        )

    def ledger(self) -> pd.DataFrame:
        """Every policy payment so far, one row each (empty without policies)."""
        return self.ledger_book.to_frame()

    # ------------------------------------------------------------------ the policy interface
    # Interventions change the model only through these methods, at the policy point.
    def _account(self, policy: Intervention, spend: float = 0.0, cost: float = 0.0, returns: float = 0.0) -> None:
        self._policy_month[f"policy_spend_{policy.name}"] += spend
        self._policy_month[f"policy_cost_{policy.name}"] += cost
        self._policy_month[f"policy_returns_{policy.name}"] += returns

    def pay_firms(
        self,
        policy: Intervention,
        firms: np.ndarray,
        amounts_krw: np.ndarray,
        kind: str,
        *,
        repayable: bool = False,
    ) -> np.ndarray:
        """Pay firms from the policy's budget, whole payments in order while money lasts.

        Returns the mask of payments made. Repayable payments (loans) count at face value
        in spending but not in cost; the rest count in both.
        """
        firms = np.asarray(firms, dtype=np.int64)
        amounts = np.asarray(amounts_krw, dtype=float)
        paid = policy.budget.pay(self.steps, "firm", firms, kind, amounts, repayable)
        np.add.at(self.firms.cash, firms[paid], amounts[paid])
        np.add.at(self.last_flows.policy_in, firms[paid], amounts[paid])
        total = float(amounts[paid].sum())
        self._account(policy, spend=total, cost=0.0 if repayable else total)
        return paid

    def collect_from_firms(
        self, policy: Intervention, firms: np.ndarray, amounts_krw: np.ndarray, kind: str
    ) -> np.ndarray:
        """Take repayments or clawbacks from firms, up to the cash each has; return what was collected.

        Collections appear in the ledger as negative amounts (``kind`` "repayment" or
        "clawback"). A clawback also lowers the policy's cost and frees its budget.
        """
        firms = np.asarray(firms, dtype=np.int64)
        due = np.asarray(amounts_krw, dtype=float)
        collected = np.minimum(due, np.maximum(self.firms.cash[firms], 0.0))
        np.subtract.at(self.firms.cash, firms, collected)
        np.add.at(self.last_flows.policy_out, firms, collected)
        taken = collected > 0
        if taken.any():
            self.ledger_book.record_many(self.steps, policy.name, "firm", firms[taken], kind, -collected[taken])
        total = float(collected.sum())
        if kind == "clawback":
            policy.budget.spent_krw -= total
            self._account(policy, cost=-total, returns=total)
        else:
            self._account(policy, returns=total)
        return collected

    def pay_workers(self, policy: Intervention, workers: np.ndarray, amounts_krw: np.ndarray, kind: str) -> np.ndarray:
        """Pay workers (allowances) from the budget; the money joins local household income."""
        workers = np.asarray(workers, dtype=np.int64)
        amounts = np.asarray(amounts_krw, dtype=float)
        paid = policy.budget.pay(self.steps, "worker", workers, kind, amounts)
        total = float(amounts[paid].sum())
        self.household_transfers += total
        self._account(policy, spend=total, cost=total)
        return paid

    def pay_for_services(
        self, policy: Intervention, recipient_kind: str, recipients: np.ndarray, amounts_krw: np.ndarray, kind: str
    ) -> np.ndarray:
        """Pay for services bought by a policy (course fees, infrastructure works, recruitment)."""
        recipients = np.asarray(recipients, dtype=np.int64)
        amounts = np.asarray(amounts_krw, dtype=float)
        paid = policy.budget.pay(self.steps, recipient_kind, recipients, kind, amounts)
        total = float(amounts[paid].sum())
        self._account(policy, spend=total, cost=total)
        return paid

    def _expected_demand_ahead(self) -> np.ndarray:
        """Expected orders as the labour-market stage will update them this month (for looking ahead)."""
        firms = self.firms
        weight = self.config.firms.expectation_weight
        active = firms.status == ACTIVE
        updated = (1 - weight) * firms.expected_demand + weight * self.current_demand
        return np.where(active, updated, firms.expected_demand)

    def planned_layoffs(self) -> np.ndarray:
        """Per firm, the layoffs its workforce plan would make this month with no retention support.

        Looks ahead from the policy point: expectations updated with this month's orders, as
        the labour market stage will update them.
        """
        cuts, _ = production.workforce_plans(
            self.firms,
            self.current_capacity_factor,
            self.config.firms,
            expected_demand=self._expected_demand_ahead(),
            retention_covered=np.zeros(self.firms.count, dtype=np.int64),
        )
        return cuts

    def planned_openings(self) -> np.ndarray:
        """Per firm, the vacancies its workforce plan would post this month (looking ahead as above)."""
        _, openings = production.workforce_plans(
            self.firms, self.current_capacity_factor, self.config.firms, expected_demand=self._expected_demand_ahead()
        )
        return openings

    def place_in_jobs(self, workers: np.ndarray, firms: np.ndarray) -> None:
        """Hire job seekers directly into openings (a programme's placement), in their own occupation."""
        workers = np.asarray(workers, dtype=np.int64)
        firms = np.asarray(firms, dtype=np.int64)
        if len(workers) == 0:
            return
        result = labour_market.MatchResult(workers, firms, self.workforce.occupation[workers].copy())
        labour_market.hire(
            self.workforce,
            result,
            self.firms.wage_level,
            self.matching,
            self.steps,
            self.config.labour_market.quit_rate_per_month,
            self.streams,
        )
        self.firms.employees += np.bincount(firms, minlength=self.firms.count)
        self._month_counts["hires"] += len(workers)

    def add_foreign_workers(self, firms: np.ndarray, month: int, visa_months: int, skill: int) -> np.ndarray:
        """Place foreign workers in jobs at ``firms`` (one each) on visas of ``visa_months``; return their ids."""
        firms = np.asarray(firms, dtype=np.int64)
        workforce = self.workforce
        ids = workforce.add(len(firms))
        if len(ids) == 0:
            return ids
        workforce.key[ids] = agent_keys("foreign", month, len(ids))
        generator = self.streams.generator("foreign_workers", month)
        sector = self.firms.sector[firms]
        cdf = self.occupation_cdf[sector]
        workforce.occupation[ids] = np.minimum(
            (generator.random(len(ids))[:, None] >= cdf).sum(axis=1), cdf.shape[1] - 1
        )
        workforce.skill[ids] = skill
        age_years = generator.uniform(25.0, 40.0, len(ids))
        workforce.birth_month[ids] = month - np.round(age_years * 12).astype(np.int32)
        workforce.retire_month[ids] = workforce.birth_month[ids] + round(
            self.config.population.retirement_age_years * 12
        )
        workforce.status[ids] = EMPLOYED
        workforce.employer[ids] = firms
        workforce.wage[ids] = self.firms.wage_level[firms] * self.matching.skill_wage[skill - 1]
        workforce.hire_month[ids] = month
        workforce.entry_month[ids] = month
        workforce.foreign[ids] = True
        workforce.visa_end_month[ids] = month + visa_months
        self.firms.employees += np.bincount(firms, minlength=self.firms.count)
        self._month_counts["foreign_entrants"] += len(ids)
        return ids

    def _inward_investment(self, month: int) -> None:
        """New firms that come to the region without incentives (scenario ``[investment]``)."""
        investment = self.config.investment
        if investment is None or investment.arrivals_per_year <= 0:
            return
        generator = self.streams.generator("investment_arrivals", month)
        count = int(generator.poisson(investment.arrivals_per_year / 12.0))
        if count == 0:
            return
        plan = self.plan_arriving_firms(generator, count, investment.sectors)
        ids = self.add_planned_firms(plan, month, "new firm", "inward_investment")
        self._month_counts["firms_arrived"] += len(ids)

    def plan_arriving_firms(
        self, generator: np.random.Generator, count: int, sectors: list[str]
    ) -> list[tuple[str, np.ndarray, np.ndarray]]:
        """Draw ``count`` firms arriving from outside, each in one of ``sectors`` (equally likely).

        Sizes follow the scenario's ``[investment]`` law and are sampled at the run's scale
        (``scale_sizes``: firms not sampled do not come). Returns, in the order the firms
        would be added, (sector, sampled employees, size factor) per sector with arrivals;
        nothing is added yet, so an incentive can first check what it can pay for.
        """
        investment = self.config.investment
        sector_index = generator.choice(len(sectors), size=count)
        sizes = draw_firm_size_list(
            generator, count, investment.firm_size_pareto_alpha, investment.firm_size_min, investment.firm_size_max
        )
        sampled = scale_sizes(generator, sizes, self.scale)
        plan = []
        for index, sector in enumerate(sectors):
            chosen = (sector_index == index) & (sampled > 0)
            if chosen.any():
                plan.append((sector, sampled[chosen], sampled[chosen] / sizes[chosen]))
        return plan

    def add_planned_firms(
        self, plan: list[tuple[str, np.ndarray, np.ndarray]], month: int, name_prefix: str, origin: str
    ) -> np.ndarray:
        """Add the firms of a :meth:`plan_arriving_firms` plan; return their ids."""
        new = [
            self.add_firms(sector, employees, month, name_prefix, origin, factor)
            for sector, employees, factor in plan
            if len(employees)
        ]
        return np.concatenate(new) if new else np.zeros(0, dtype=np.int64)

    def add_policy_cost(self, policy: Intervention, cost_krw: float) -> None:
        """Count a cost that is not a payment (e.g. a policy loan written off when a firm fails)."""
        self._account(policy, cost=cost_krw)

    def add_firms(
        self,
        sector: str,
        employees_target: np.ndarray,
        month: int,
        name_prefix: str,
        origin: str,
        size_factor: np.ndarray | None = None,
    ) -> np.ndarray:
        """New firms (or plants) that arrive with no staff and hire towards ``employees_target``.

        They take their sector's economics (productivity, pay, costs, export share) and sell
        outside the region (services firms: locally). Their investors fund a year of
        start-up costs in cash (assumption: a plant is financed through its ramp-up), so a
        firm still hiring is not failed by its first months' losses. ``origin`` names who
        brings them (e.g. an intervention), keeping their random draws apart from the
        baseline's arrivals. ``size_factor`` is each firm's sampled / full-scale size (see
        ``firms.scale_sizes``; default 1). Returns the new firm ids.
        """
        group = getattr(self.config.industries, sector)
        count = len(employees_target)
        firms = self.firms
        code = SECTOR_CODE[sector]
        base_output = np.asarray(employees_target, float) * group.productivity_krw_per_worker_month
        capacity = base_output * (1.0 + self.config.firms.capacity_headroom)
        wage_bill = np.asarray(employees_target, float) * group.wage_krw_per_month
        fixed = np.maximum(base_output * (1.0 - group.input_cost_share - group.operating_margin) - wage_bill, 0.0)
        size_factor = np.ones(count) if size_factor is None else np.asarray(size_factor, float)
        sme = np.asarray(employees_target) / size_factor <= self.config.firms.sme_max_employees
        start = firms.count
        rows = {
            "name": [f"{name_prefix} {start + i}" for i in range(count)],
            "sector": np.full(count, code),
            "role": np.full(count, INDEPENDENT),
            "part_type": np.full(count, -1),
            "growth_branch": np.full(count, -1),
            "status": np.full(count, ACTIVE),
            "base_employees": np.asarray(employees_target),
            "productivity": np.full(count, group.productivity_krw_per_worker_month),
            "wage_level": np.full(count, group.wage_krw_per_month),
            "input_cost_share": np.full(count, group.input_cost_share),
            "export_share": np.full(count, group.export_share),
            "operating_margin": np.full(count, group.operating_margin),
            "base_output": base_output,
            "fixed_costs": fixed,
            "overhead_rate": fixed / capacity,
            "interest_rate": self.config.firms.bank_rate_annual
            + np.where(sme, self.config.firms.sme_spread_annual, 0.0),
            "is_sme": sme,
            "capacity": capacity,
            "cash": (wage_bill + fixed) * (self.config.firms.initial_cash_months_of_costs + 12.0),
            "debt": np.zeros(count),
            "loss_months": np.zeros(count),
            "expected_demand": base_output,
            "demand_noise": np.zeros(count),
            "annual_sales": base_output * 12.0,
            "employees": np.zeros(count),
            "wage_bill": np.zeros(count),
            "closed_month": np.full(count, -1),
            "complex_id": np.full(count, -1),
            "social_enterprise": np.zeros(count, bool),
            "entry_month": np.full(count, month),
            "overhead_discount": np.zeros(count),
            "policy_demand": np.zeros(count),
            "demand_uplift": np.zeros(count),
            "retention_covered": np.zeros(count),
            "unfilled_months": np.zeros(count),
            "size_factor": size_factor,
            "key": agent_keys(f"{origin}/{sector}", month, count),
        }
        rows["staffing_threshold"] = self.streams.uniform("staffing_threshold", 0, rows["key"])
        ids = firms.append(rows)
        self.firm_layoffs = np.concatenate([self.firm_layoffs, np.zeros(count, dtype=np.int64)])
        self.firm_layoffs_last_month = np.concatenate([self.firm_layoffs_last_month, np.zeros(count, dtype=np.int64)])
        self.current_demand = np.concatenate([self.current_demand, np.zeros(count)])
        self.current_capacity_factor = np.concatenate([self.current_capacity_factor, np.ones(count)])
        is_services = sector == "services"
        self.network.extend(
            base_output,
            np.zeros(count) if is_services else base_output,
            base_output if is_services else np.zeros(count),
        )
        trend = group.outside_demand_trend_per_year
        self.outside_trend_per_year = np.concatenate([self.outside_trend_per_year, np.full(count, trend)])
        self.last_output = np.concatenate([self.last_output, np.zeros(count)])
        flows = self.last_flows
        for field_name in flows.__dataclass_fields__:
            setattr(flows, field_name, np.concatenate([getattr(flows, field_name), np.zeros(count)]))
        # A new firm's starting cash is the investor's capital, not a flow of this month.
        flows.cash_before[ids] = firms.cash[ids]
        flows.cash_after[ids] = firms.cash[ids]
        self.firm_agents.extend(Firm(self, int(index)) for index in ids)
        return ids


def _load_packages(
    package: Package | str | Path | list[Package | str | Path] | None,
) -> tuple[Package | None, dict[str, str]]:
    """One combined package (or None) and, per intervention, the file it came from."""
    if package is None:
        return None, {}
    items = package if isinstance(package, list) else [package]
    loaded = [load_package(item) for item in items]
    sources = {}
    for item, pack in zip(items, loaded, strict=True):
        source = str(item) if isinstance(item, str | Path) else pack.name
        for intervention in pack.interventions:
            sources[intervention.name] = source
    try:
        combined = combine_packages(loaded)
    except ScenarioError as error:
        raise ScenarioError(" + ".join(sources.values()), "interventions", error.value, error.allowed) from None
    return combined, sources
