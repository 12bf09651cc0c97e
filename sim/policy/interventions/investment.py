"""Investment attraction: incentives for new firms and plants, paid against the hires they make.

Modelled on Gyeongju (seed 002): 236.6 billion KRW of investment from 9 firms created 390+
jobs; a facility subsidy of up to 5 billion KRW per firm on condition of at least 10 new
regular hires; logistics support of up to 30 million KRW per firm.

Firms arrive in the region anyway at the scenario's rate (``[investment]``). Offering the
incentive raises the arrival rate in the chosen sectors so that a share
``deadweight_share`` of the incentivised arrivals would have come without it: Bartik's
reviews of incentives (Upjohn Institute WP 18-289) find that only about 10-15% of
incentivised location decisions are changed by the incentive. Every incentivised firm,
induced or not, is paid: logistics support when it arrives, and the facility subsidy per
regular hire once it has made ``min_regular_hires``, up to the cap, for hires made within
``payment_window_months``. A firm is only offered the incentive while the budget can cover
its full potential subsidy.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.inputs.interventions import InvestmentSettings
from sim.policy.base import Intervention, register
from sim.region.state import ACTIVE

if TYPE_CHECKING:
    from sim.policy.desk import PolicyDesk


@register
class InvestmentAttraction(Intervention):
    Settings = InvestmentSettings
    bridge_units = "firms"
    gross_output = "jobs_in_incentivised_firms"
    gross_rule = ("supported_firms", None)

    def __init__(self, settings: InvestmentSettings, ledger, budget_scale: float) -> None:  # noqa: ANN001
        super().__init__(settings, ledger, budget_scale)
        self.settings: InvestmentSettings = settings
        self.incentivised = np.zeros(0, dtype=np.int64)  # firm ids under the incentive
        self.arrived = np.zeros(0, dtype=np.int64)  # their arrival months
        self.hires_paid = np.zeros(0, dtype=np.int64)  # hires already paid for, per incentivised firm
        self.paid_krw = np.zeros(0)  # facility subsidy paid so far per firm (set to the cap when its window closes)
        self.caps = np.zeros(0)  # most each incentivised firm can receive, KRW
        self.committed_krw = 0.0  # facility subsidy still possibly owed
        self.induced_credit = 0.0

    @classmethod
    def count_columns(cls) -> dict[str, str]:
        return {
            "firms_attracted": "firms that came only because of the incentive this month",
            "firms_incentivised": "arriving firms given the incentive this month (attracted or deadweight)",
            "subsidised_hires": "regular hires paid for by the facility subsidy this month",
        }

    def _facility_cap(self, planned_employees: np.ndarray, size_factor: np.ndarray) -> np.ndarray:
        """The most each firm can receive: per hire for its planned workforce, up to the cap."""
        cap = self.settings.max_subsidy_per_firm_krw * size_factor
        return np.minimum(planned_employees * self.settings.subsidy_per_hire_krw, cap)

    def _baseline_rate(self, desk: PolicyDesk) -> float:
        """Arrivals per year in the incentivised sectors without the incentive."""
        investment = desk.config.investment
        if investment is None:
            return 0.0
        shared = [sector for sector in investment.sectors if sector in self.settings.sectors]
        return investment.arrivals_per_year * len(shared) / len(investment.sectors)

    def check(self, desk: PolicyDesk, source: str, index: int) -> None:
        if self._baseline_rate(desk) <= 0:
            self.warn(
                source,
                index,
                f"the scenario has no inward investment in "
                f"{self.settings.sectors} (its [investment] section), so the incentive attracts nobody",
            )

    def step(self, desk: PolicyDesk, month: int) -> None:
        firms = desk.firms
        settings = self.settings
        open_now = self.open_in(desk, month)
        if open_now:
            # Arrivals of this month: those that came anyway, then those the incentive attracts.
            anyway = np.flatnonzero(
                (firms.entry_month == month) & np.isin(firms.sector, desk.sector_codes(settings.sectors))
            )
            offered = self._offer(desk, month, anyway)
            self.counts["firms_incentivised"] = float(len(offered))
            if len(offered) == len(anyway) and self.budget.exhausted_month is None:
                attracted = self._attract(desk, month)
                self.counts["firms_attracted"] = float(len(attracted))
                self.counts["firms_incentivised"] += float(len(attracted))
        self._pay_for_hires(desk, month)

    def _offer(self, desk: PolicyDesk, month: int, arriving: np.ndarray) -> np.ndarray:
        """Give the incentive to arriving firms while the budget can cover each one's full subsidy."""
        logistics = self.settings.logistics_support_per_firm_krw * desk.firms.size_factor[arriving]
        caps = self._facility_cap(desk.firms.base_employees[arriving], desk.firms.size_factor[arriving])
        affordable = self._affordable(caps + logistics, month)
        taken, caps, logistics = arriving[affordable], caps[affordable], logistics[affordable]
        if len(taken) == 0:
            return taken
        if (logistics > 0).any():
            desk.pay_firms(self, taken, logistics, "grant")
        self.committed_krw += float(caps.sum())
        self.caps = np.concatenate([self.caps, caps])
        self.incentivised = np.concatenate([self.incentivised, taken])
        self.arrived = np.concatenate([self.arrived, np.full(len(taken), month)])
        self.hires_paid = np.concatenate([self.hires_paid, np.zeros(len(taken), dtype=np.int64)])
        self.paid_krw = np.concatenate([self.paid_krw, np.zeros(len(taken))])
        return taken

    def _affordable(self, potential_krw: np.ndarray, month: int) -> np.ndarray:
        """Mask of firms, in order, whose full potential payments the uncommitted budget covers."""
        room = self.budget.remaining_krw - self.committed_krw
        affordable = np.cumsum(potential_krw) <= room * (1 + 1e-12)
        if not affordable.all():
            self.budget.refuse(month)
        return affordable

    def _attract(self, desk: PolicyDesk, month: int) -> np.ndarray:
        """Firms that come only because of the incentive: (1 - d) / d of those that come anyway."""
        investment = desk.config.investment
        baseline = self._baseline_rate(desk)
        if investment is None or baseline <= 0:
            return np.zeros(0, dtype=np.int64)
        d = self.settings.deadweight_share
        generator = desk.streams.generator(f"{self.name}/arrivals", month)
        count = int(generator.poisson(baseline * (1.0 - d) / d / 12.0))
        if count == 0:
            return np.zeros(0, dtype=np.int64)
        shared = [sector for sector in investment.sectors if sector in self.settings.sectors]
        plan = desk.plan_arriving_firms(generator, count, shared)
        # Only firms the incentive can pay for come: the budget is checked before they arrive.
        employees = np.concatenate([planned for _, planned, _ in plan]) if plan else np.zeros(0)
        factors = np.concatenate([factor for _, _, factor in plan]) if plan else np.zeros(0)
        potential = self._facility_cap(employees, factors) + self.settings.logistics_support_per_firm_krw * factors
        affordable = self._affordable(potential, month)
        start = 0
        for index, (sector, planned, factor) in enumerate(plan):
            keep = affordable[start : start + len(planned)]
            plan[index] = (sector, planned[keep], factor[keep])
            start += len(planned)
        attracted = desk.add_planned_firms(plan, "attracted firm", self.name)
        return self._offer(desk, month, attracted)

    def _pay_for_hires(self, desk: PolicyDesk, month: int) -> None:
        """Facility subsidy per regular hire, once a firm has made the minimum number of hires."""
        if len(self.incentivised) == 0:
            return
        firms = desk.firms
        settings = self.settings
        in_window = (month - self.arrived <= settings.payment_window_months) & (
            firms.status[self.incentivised] == ACTIVE
        )
        hires = firms.employees[self.incentivised]
        factor = firms.size_factor[self.incentivised]
        minimum = np.maximum(np.round(settings.min_regular_hires * factor), 1) if settings.min_regular_hires else 0
        due_hires = np.where(in_window & (hires >= minimum), np.maximum(hires - self.hires_paid, 0), 0)
        amount = np.minimum(due_hires * settings.subsidy_per_hire_krw, self.caps - self.paid_krw)
        amount = np.maximum(amount, 0.0)
        paying = amount > 0
        if paying.any():
            paid = desk.pay_firms(self, self.incentivised[paying], amount[paying], "subsidy")
            index = np.flatnonzero(paying)[paid]
            self.paid_krw[index] += amount[index]
            self.hires_paid[index] += due_hires[index]
            self.committed_krw -= float(amount[index].sum())
            self.counts["subsidised_hires"] = float(due_hires[index].sum())
        # Commitments lapse when the window closes or the firm is gone.
        lapsed = ~in_window & (self.paid_krw < self.caps)
        self.committed_krw -= float((self.caps[lapsed] - self.paid_krw[lapsed]).sum())
        self.paid_krw[lapsed] = self.caps[lapsed]  # nothing more is owed
        self.committed_krw = max(self.committed_krw, 0.0)
