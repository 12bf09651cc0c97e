"""The policy desk: the only way an intervention acts on the region.

At the model's policy point the desk clears last month's levers, then lets each
intervention act. An intervention reads the region through read-only views
(``desk.firms``, ``desk.workforce``) and changes it only by asking the desk:

- money: pay firms, workers or suppliers of services, collect repayments and clawbacks,
  write loans off; every won goes through the intervention's budget into the ledger;
- people: start and end training courses and temporary public jobs, place job seekers in
  openings, bring foreign workers, boost this month's job search (a lever);
- firms: shield jobs from this month's layoffs, buy from firms (diverted procurement, or public
  works paid from outside the region), lower fixed costs, raise sales (levers), bring arriving
  firms an incentive has paid for;
- looking ahead: the layoffs and openings firms plan this month.

Its own per-firm state an intervention declares in ``firm_columns`` and writes through
:meth:`PolicyDesk.own`.

The desk also records, per intervention, the first month it acted on each firm (paid, served,
shielded, guaranteed, bought from, brought in, placed a worker with) and each worker (paid,
trained, placed, counted as a participant): the supported units of the gross-to-net bridge
(sim/experiment/bridge.py). Nothing in the region reads these records.
"""

from __future__ import annotations

import numpy as np

from sim.policy.base import Intervention
from sim.policy.ledger import Ledger
from sim.records import INT, REAL, RecordColumn
from sim.region import arrivals, labour_market, production
from sim.region.arrivals import ArrivalPlan
from sim.region.region_state import RegionState
from sim.region.state import ACTIVE, IN_TRAINING, NEVER, PUBLIC_JOB, UNEMPLOYED, ColumnTable

#: Firm and worker columns that are levers reset at every policy point, with their reset values.
MONTHLY_LEVERS = {
    "firms": {
        "retention_covered": 0,
        "policy_demand": 0.0,
        "wage_subsidy_krw": 0.0,
        "interest_subsidy_krw": 0.0,
        "guarantee_fee_krw": 0.0,
        "public_demand": 0.0,
    },
    "workforce": {"search_boost": 1.0},
    "local": {"diverted_spending_krw": 0.0},
}


class ReadOnlyColumns:
    """Read-only views of a column table's live rows: ``view.cash`` cannot be written."""

    def __init__(self, table: ColumnTable) -> None:
        self._table = table

    @property
    def count(self) -> int:
        return self._table.count

    def __getattr__(self, name: str) -> np.ndarray:
        array = getattr(self._table, name).view()
        array.flags.writeable = False
        return array


class PolicyDesk:
    """Acts for the interventions of a run on one region's state; counts their money in the ledger."""

    def __init__(self, state: RegionState, ledger: Ledger, policies: list[Intervention]) -> None:
        self._state = state
        self.ledger = ledger
        self.policies = policies
        self.month = 0
        self.firms = ReadOnlyColumns(state.firms)
        self.workforce = ReadOnlyColumns(state.workforce)
        # Who each intervention touched, for the gross-to-net bridge (sim/experiment/bridge.py):
        # per intervention, the first month it acted on each firm and worker (NEVER: not touched),
        # by row. Recording only: nothing in the region reads these.
        self.first_touch_firms: dict[str, np.ndarray] = {}
        self.first_touch_workers: dict[str, np.ndarray] = {}
        # Firms brought in that would otherwise have located in another Korean region, by sector name,
        # (month, sector) in order (recording only: a national model takes them from that region).
        self.firms_from_other_regions: list[tuple[int, str]] = []
        self._acting: Intervention | None = None
        for policy in policies:
            for column, spec in policy.firm_columns().items():
                state.firms.register(f"{policy.name}__{column}", spec)

    # ---------------------------------------------------------------- what interventions read
    @property
    def config(self):  # noqa: ANN201 - the validated Scenario
        return self._state.config

    @property
    def streams(self):  # noqa: ANN201 - the run's RandomStreams
        return self._state.streams

    @property
    def occupation_distance(self) -> np.ndarray:
        return self._state.matching.distance

    @property
    def household_spending_krw(self) -> float:
        """Households' consumption spending last settled (KRW a month, of the sample)."""
        return self._state.local.spending_krw

    @property
    def last_hires(self) -> labour_market.MatchResult:
        return self._state.last_hires

    def sector_codes(self, names: list[str]) -> np.ndarray:
        """Sector codes of sector names the scenario declares (checked when the package was laid on)."""
        return np.array([self.config.sector_code(name) for name in names], dtype=np.int8)

    def eligible_firms(self, sectors: list[str], sme_only: bool) -> np.ndarray:
        """Mask of active firms of the given sectors (SMEs only if asked)."""
        firms = self._state.firms
        mask = (firms.status == ACTIVE) & np.isin(firms.sector, self.sector_codes(sectors))
        return mask & firms.is_sme if sme_only else mask

    def own(self, policy: Intervention, column: str) -> np.ndarray:
        """The intervention's own per-firm column (declared in its ``firm_columns``), writable."""
        return getattr(self._state.firms, f"{policy.name}__{column}")

    # ---------------------------------------------------------------- the policy point
    def act(self, month: int) -> None:
        """Clear last month's levers, then let every intervention that has opened act."""
        if not self.policies:  # a baseline run has no levers to clear
            return
        state = self._state
        self.month = month
        for table, levers in MONTHLY_LEVERS.items():
            for column, value in levers.items():
                setattr(getattr(state, table), column, value)
        self.ledger.start_month()
        arrived_before = state.firms.count
        for policy in self.policies:
            policy.counts = {}
            if month < policy.first_month(self):
                continue
            self._acting = policy
            if not policy.started:
                policy.start(self)
                policy.started = True
            policy.step(self, month)
        self._acting = None
        state.household_transfers_krw = self.ledger.month_household_income_krw
        # Firms that policies brought in at the policy point join the rest of the month with
        # their planned output as this month's orders.
        state.firms.orders[arrived_before:] = state.firms.base_output[arrived_before:]

    def finish(self) -> None:
        """The end of the run: every intervention that started runs its ``finish``."""
        for policy in self.policies:
            if policy.started and not policy.finished:
                self._acting = policy
                policy.finish(self)
                policy.finished = True
        self._acting = None

    # ---------------------------------------------------------------- a national performance rule (seed 004)
    def _policy(self, name: str) -> Intervention:
        return next(policy for policy in self.policies if policy.name == name)

    def holds_performance(self, name: str) -> bool:
        """Whether the run has an intervention ``name`` that measures its performance (jobs at supported firms)."""
        return any(policy.name == name and hasattr(policy, "jobs_and_spending") for policy in self.policies)

    def programme_performance(self, name: str) -> tuple[float, float, float]:
        """Intervention ``name``'s jobs added at the firms it supported, KRW spent and total budget (sample)."""
        policy = self._policy(name)
        jobs, spent = policy.jobs_and_spending(self)
        return jobs, spent, policy.budget.total_krw

    def set_budget_krw(self, name: str, total_krw: float) -> None:
        """Set intervention ``name``'s total budget (KRW of the sample), between months: a national rule moves it.

        Only the budget changes: what is paid is still paid, and counted, here in the ledger.
        """
        self._policy(name).budget.total_krw = float(total_krw)

    # ---------------------------------------------------------------- who was touched (recording only)
    def _touch(self, book: dict[str, np.ndarray], count: int, ids: np.ndarray) -> None:
        """Record that the acting intervention acted on rows ``ids`` this month (first month kept)."""
        policy = self._acting
        ids = np.asarray(ids, dtype=np.int64)
        if policy is None or len(ids) == 0:
            return
        ids = ids[ids >= 0]
        first = book.get(policy.name)
        if first is None or len(first) < count:
            grown = np.full(count, NEVER, dtype=np.int32)
            if first is not None:
                grown[: len(first)] = first
            first = book[policy.name] = grown
        np.minimum.at(first, ids, np.int32(self.month))

    def touch_firms(self, firms: np.ndarray) -> None:
        """Record the firms the acting intervention supports this month (for the gross-to-net bridge)."""
        self._touch(self.first_touch_firms, self._state.firms.count, firms)

    def note_participants(self, workers: np.ndarray) -> None:
        """Record workers the acting intervention counts as its participants (e.g. subsidised hires); no effect."""
        self._touch(self.first_touch_workers, self._state.workforce.count, workers)

    def note_firms_from_other_regions(self, firms: np.ndarray) -> None:
        """Record firms brought in that would otherwise have located in another Korean region; no effect here."""
        names = self._state.config.sector_names
        self.firms_from_other_regions.extend((self.month, names[code]) for code in self._state.firms.sector[firms])

    # ---------------------------------------------------------------- money
    def pay_firms(
        self, policy: Intervention, firms: np.ndarray, amounts_krw: np.ndarray, kind: str, *, repayable: bool = False
    ) -> np.ndarray:
        """Pay firms from the policy's budget, whole payments in order while money lasts.

        Returns the mask of payments made. Repayable payments (loans) count at face value
        in spending but not in cost; the rest count in both.
        """
        firms = np.asarray(firms, dtype=np.int64)
        amounts = np.asarray(amounts_krw, dtype=float)
        paid = self._pay(policy, "firm", firms, kind, amounts, repayable=repayable)
        table = self._state.firms
        np.add.at(table.cash, firms[paid], amounts[paid])
        np.add.at(table.flow_policy_in, firms[paid], amounts[paid])
        self.touch_firms(firms[paid])
        return paid

    def collect_from_firms(
        self, policy: Intervention, firms: np.ndarray, amounts_krw: np.ndarray, kind: str
    ) -> np.ndarray:
        """Take repayments or clawbacks from firms, up to the cash each has; return what was collected.

        Collections are ledger rows with negative amounts (``kind`` "repayment" or
        "clawback"); a clawback also lowers the policy's cost and frees its budget.
        """
        firms = np.asarray(firms, dtype=np.int64)
        due = np.asarray(amounts_krw, dtype=float)
        table = self._state.firms
        collected = np.minimum(due, np.maximum(table.cash[firms], 0.0))
        np.subtract.at(table.cash, firms, collected)
        np.add.at(table.flow_policy_out, firms, collected)
        self.ledger.collect(self.month, policy.name, firms, kind, collected)
        return collected

    def pay_workers(self, policy: Intervention, workers: np.ndarray, amounts_krw: np.ndarray, kind: str) -> np.ndarray:
        """Pay workers (allowances) from the budget; the money joins local household income."""
        paid = self._pay(policy, "worker", workers, kind, amounts_krw, household_income=True)
        self.note_participants(np.asarray(workers, dtype=np.int64)[paid])
        return paid

    def pay_households(self, policy: Intervention, amount_krw: float, kind: str) -> bool:
        """Pay the region's households as a whole (a discount on vouchers they buy); it joins their income."""
        paid = self._pay(policy, "households", np.array([-1]), kind, np.array([amount_krw]), household_income=True)
        return bool(paid[0])

    def pay_for_services(
        self, policy: Intervention, recipient_kind: str, recipients: np.ndarray, amounts_krw: np.ndarray, kind: str
    ) -> np.ndarray:
        """Pay for services bought by a policy (course fees, infrastructure works, recruitment)."""
        return self._pay(policy, recipient_kind, recipients, kind, amounts_krw)

    def subsidise_wages(self, policy: Intervention, firms: np.ndarray, amounts_krw: np.ndarray) -> np.ndarray:
        """Pay firms part of their wage bill this month (a wage subsidy): cash, and a lower wage cost.

        The subsidy lowers the firm's unit cost, and so its price (prices.py), and the wage
        cost per worker its staffing plan weighs (production.workforce_plans).
        """
        firms = np.asarray(firms, dtype=np.int64)
        amounts = np.asarray(amounts_krw, dtype=float)
        paid = self.pay_firms(policy, firms, amounts, "subsidy")
        np.add.at(self._state.firms.wage_subsidy_krw, firms[paid], amounts[paid])
        return paid

    def subsidise_interest(self, policy: Intervention, firms: np.ndarray, amounts_krw: np.ndarray) -> np.ndarray:
        """Pay part of firms' interest this month (an interest subsidy): cash, and a lower cost of credit.

        The subsidy lowers the interest rate the firm effectively pays, and so its unit cost
        and price (prices.py).
        """
        firms = np.asarray(firms, dtype=np.int64)
        amounts = np.asarray(amounts_krw, dtype=float)
        paid = self.pay_firms(policy, firms, amounts, "interest_subsidy")
        np.add.at(self._state.firms.interest_subsidy_krw, firms[paid], amounts[paid])
        return paid

    def guarantee_loans(self, firms: np.ndarray, cover_krw: np.ndarray, ratio: float) -> None:
        """Lasting lever: public guarantees cover ``ratio`` of the firms' bank loans up to ``cover_krw``.

        The banks then price the covered loans at a lower risk spread and lend the cover
        beyond their own leverage limit (credit.py). A cover of 0 ends a guarantee.
        """
        firms = np.asarray(firms, dtype=np.int64)
        table = self._state.firms
        table.guarantee_cover_krw[firms] = cover_krw
        table.guarantee_ratio[firms] = np.where(np.asarray(cover_krw) > 0, ratio, 0.0)
        self.touch_firms(firms[np.broadcast_to(np.asarray(cover_krw) > 0, firms.shape)])

    def charge_guarantee_fees(self, policy: Intervention, firms: np.ndarray, amounts_krw: np.ndarray) -> np.ndarray:
        """Collect guarantee fees from firms (up to their cash); the fee is part of their cost of credit."""
        firms = np.asarray(firms, dtype=np.int64)
        collected = self.collect_from_firms(policy, firms, amounts_krw, "guarantee_fee")
        np.add.at(self._state.firms.guarantee_fee_krw, firms, collected)
        return collected

    def write_off(
        self, policy: Intervention, firms: np.ndarray, amounts_krw: np.ndarray, kind: str = "write_off"
    ) -> float:
        """Write off loans the failed borrowers will not repay, or provision a loss; return the total.

        ``kind="provision"``: the expected loss on loans still owed at the horizon.
        """
        return self.ledger.write_off(self.month, policy.name, np.asarray(firms, dtype=np.int64), amounts_krw, kind)

    def _pay(
        self,
        policy: Intervention,
        recipient_kind: str,
        recipients: np.ndarray,
        kind: str,
        amounts_krw: np.ndarray,
        *,
        repayable: bool = False,
        household_income: bool = False,
    ) -> np.ndarray:
        """Pay whole amounts in order while the budget lasts; the first refusal marks it exhausted."""
        recipients = np.asarray(recipients, dtype=np.int64)
        amounts = np.asarray(amounts_krw, dtype=float)
        budget = policy.budget
        paid = budget.affordable(amounts) & (amounts > 0)
        if paid.any():
            self.ledger.pay(
                self.month,
                policy.name,
                recipient_kind,
                recipients[paid],
                kind,
                amounts[paid],
                repayable,
                household_income,
            )
        if ((amounts > 0) & ~paid).any():
            budget.refuse(self.month)
        return paid

    # ---------------------------------------------------------------- looking ahead
    def _expected_orders_ahead(self) -> np.ndarray:
        """Expected orders as the labour-market stage will update them this month."""
        firms = self._state.firms
        weight = self.config.firms.expectation_weight
        active = firms.status == ACTIVE
        updated = (1 - weight) * firms.expected_demand + weight * firms.orders
        return np.where(active, updated, firms.expected_demand)

    def _plans(self, retention_covered: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        firms = self._state.firms
        return production.workforce_plans(
            firms,
            firms.capacity_factor,
            self.config.firms,
            expected_demand=self._expected_orders_ahead(),
            retention_covered=retention_covered,
            labour_demand_elasticity=self.config.markets.labour_demand_elasticity,
        )

    def planned_layoffs(self) -> np.ndarray:
        """Per firm, the layoffs its workforce plan would make this month with no retention support."""
        return self._plans(retention_covered=np.zeros(self._state.firms.count, dtype=np.int64))[0]

    def planned_openings(self) -> np.ndarray:
        """Per firm, the vacancies its workforce plan would post this month (looking ahead as above)."""
        return self._plans()[1]

    # ---------------------------------------------------------------- people
    def place_in_jobs(self, workers: np.ndarray, firms: np.ndarray) -> None:
        """Hire job seekers directly into openings (a programme's placement), in their own occupation."""
        labour_market.place(
            self._state, np.asarray(workers, dtype=np.int64), np.asarray(firms, dtype=np.int64), self.month
        )
        self.note_participants(workers)
        self.touch_firms(firms)

    def add_foreign_workers(self, firms: np.ndarray, visa_months: int, skill: int) -> np.ndarray:
        """Place foreign workers in jobs at ``firms`` (one each) on visas; return their ids."""
        added = arrivals.add_foreign_workers(
            self._state, np.asarray(firms, dtype=np.int64), self.month, visa_months, skill
        )
        self.note_participants(added)
        self.touch_firms(firms)
        return added

    def start_courses(self, workers: np.ndarray, course_months: int) -> None:
        """Job seekers start a training course; unemployment benefit is held over for its length."""
        workforce = self._state.workforce
        workforce.status[workers] = IN_TRAINING
        workforce.training_end_month[workers] = self.month + course_months
        receiving = workforce.benefit_end_month[workers] > self.month
        workforce.benefit_end_month[workers[receiving]] += course_months
        self.note_participants(workers)

    def end_courses(
        self, ending: np.ndarray, completed: np.ndarray, new_occupation: np.ndarray, upgraded: np.ndarray
    ) -> None:
        """Courses end: graduates take their new occupation (some a skill level up); all search again."""
        workforce = self._state.workforce
        workforce.occupation[completed] = new_occupation
        workforce.skill[upgraded] = np.minimum(workforce.skill[upgraded] + 1, 3)
        workforce.courses_completed[completed] += 1
        workforce.status[ending] = UNEMPLOYED
        workforce.unemployed_since[ending] = self.month
        workforce.training_end_month[ending] = NEVER

    def start_public_jobs(self, workers: np.ndarray) -> None:
        """Job seekers take a temporary public job: employed (``PUBLIC_JOB``), not searching.

        Their pay comes from the policy (``pay_workers``); no firm employs them. Unemployment
        benefit is not paid while they work (households.py pays the unemployed only).
        """
        self._state.workforce.status[np.asarray(workers, dtype=np.int64)] = PUBLIC_JOB

    def end_public_jobs(self, workers: np.ndarray) -> None:
        """Public jobs end: the participants search again.

        Their unemployment spell runs on from before the job (``unemployed_since`` is kept):
        private employers do not count a temporary public job as work experience (assumption;
        NABO 2015 and KDI Policy Forum 261 find participants' later private employment weak).
        """
        self._state.workforce.status[np.asarray(workers, dtype=np.int64)] = UNEMPLOYED

    def boost_search(self, workers: np.ndarray, boost: float) -> None:
        """Lever for this month: the workers' applications succeed ``boost`` times as often."""
        self._state.workforce.search_boost[workers] = boost

    # ---------------------------------------------------------------- firms
    def shield_jobs(self, firms: np.ndarray, jobs: np.ndarray) -> None:
        """Lever for this month: the firms keep ``jobs`` workers their plans would lay off."""
        self._state.firms.retention_covered[firms] = jobs
        self.touch_firms(firms)

    def buy_from(self, firms: np.ndarray, amounts_krw: np.ndarray) -> None:
        """Lever for this month: public purchases diverted to the firms (paid through ``pay_for_services``).

        They are taken from the local demand other local-services firms would have had
        (orders.py): preferential procurement changes who sells to public bodies, not how much.
        """
        self._state.firms.policy_demand[firms] += amounts_krw
        self.touch_firms(firms)

    def buy_public_works(self, firms: np.ndarray, volume_krw: np.ndarray) -> None:
        """Lever for this month: public works ordered from the firms (paid through ``pay_for_services``).

        ``volume_krw`` is output at base prices (what the payment buys at the firms' prices).
        Unlike ``buy_from``, the money comes from outside the region's own spending (central
        grants for construction), so the orders add to local demand instead of diverting it
        (orders.py reads them next month).
        """
        np.add.at(self._state.firms.public_demand, np.asarray(firms, dtype=np.int64), volume_krw)

    def divert_spending_to_local(self, amount_krw: float) -> None:
        """Lever for this month: households move ``amount_krw`` of their spending home.

        They spend that much more on local services and as much less outside the region; their
        total spending is unchanged (orders.py reads it next month).
        """
        self._state.local.diverted_spending_krw = amount_krw

    def set_fixed_cost_discount(self, firms: np.ndarray, share: float) -> None:
        """Lasting lever: the firms' fixed costs are ``share`` lower (until set again)."""
        self._state.firms.overhead_discount[firms] = share
        if share > 0:
            self.touch_firms(np.flatnonzero(np.asarray(firms)) if np.asarray(firms).dtype == bool else firms)

    def set_sales_uplift(self, firms: np.ndarray, uplift: float | np.ndarray, outside_share: float) -> None:
        """Lasting lever: the firms sell ``uplift`` more (one value, or one per firm; until set again).

        ``outside_share`` of the rise comes from buyers outside the region (new demand); the
        rest is local household demand taken from other local firms (orders.py).
        """
        self._state.firms.demand_uplift[firms] = uplift * (1.0 - outside_share)
        self._state.firms.outside_uplift[firms] = uplift * outside_share
        if np.any(np.asarray(uplift) > 0):
            self.touch_firms(np.flatnonzero(np.asarray(firms)) if np.asarray(firms).dtype == bool else firms)

    def plan_arriving_firms(self, generator: np.random.Generator, count: int, sectors: list[str]) -> ArrivalPlan:
        """Draw firms that could arrive (not added yet: an incentive checks first what it can pay)."""
        return arrivals.plan_arriving_firms(self._state, generator, count, sectors)

    def add_planned_firms(self, plan: ArrivalPlan, name_prefix: str, origin: str) -> np.ndarray:
        """Bring the planned firms to the region; return their ids."""
        added = arrivals.add_planned_firms(self._state, plan, self.month, name_prefix, origin)
        self.touch_firms(added)
        return added

    # ---------------------------------------------------------------- the monthly table
    def columns(self) -> dict[str, RecordColumn]:
        """The monthly table's columns of the interventions: money from the ledger, and their counts."""
        columns: dict[str, RecordColumn] = {}
        for policy in self.policies:
            label = policy.settings.label or policy.name
            columns[f"policy_spend_{policy.name}"] = RecordColumn(
                REAL, f"payments of {label}, KRW per month (loans at face value)"
            )
            columns[f"policy_cost_{policy.name}"] = RecordColumn(REAL, f"expected cost of {label}, KRW per month")
            columns[f"policy_returns_{policy.name}"] = RecordColumn(
                REAL, f"repayments and clawbacks to {label}, KRW per month"
            )
            for key, meaning in policy.count_columns().items():
                dtype = REAL if key.endswith(("_krw", "_rate", "_share")) or key in policy.real_counts else INT
                columns[f"{policy.name}_{key}"] = RecordColumn(dtype, meaning)
        return columns

    def month_values(self) -> dict[str, float]:
        """This month's values of the interventions' columns and the totals over them."""
        values: dict[str, float] = {}
        accounts = [self.ledger.account(policy.name) for policy in self.policies]
        for policy, account in zip(self.policies, accounts, strict=True):
            values[f"policy_spend_{policy.name}"] = account.month_spend_krw
            values[f"policy_cost_{policy.name}"] = account.month_cost_krw
            values[f"policy_returns_{policy.name}"] = account.month_returns_krw
            for key, value in policy.month_counts().items():
                values[f"{policy.name}_{key}"] = value
        values["policy_spend"] = sum(account.month_spend_krw for account in accounts)
        values["policy_cost"] = sum(account.month_cost_krw for account in accounts)
        values["policy_returns"] = sum(account.month_returns_krw for account in accounts)
        # Who pays, where the package says (an intervention's central_share); the rest is not stated.
        shares = [policy.settings.central_share for policy in self.policies]
        values["policy_cost_central"] = sum(
            share * account.month_cost_krw for share, account in zip(shares, accounts, strict=True) if share is not None
        )
        values["policy_cost_local"] = sum(
            (1.0 - share) * account.month_cost_krw
            for share, account in zip(shares, accounts, strict=True)
            if share is not None
        )
        return values
