"""Investment attraction: incentives for new firms and plants, paid against the hires they make.

Modelled on Gyeongju (seed 002): 236.6 billion KRW of investment from 9 firms created 390+
jobs; a facility subsidy of up to 5 billion KRW per firm on condition of at least 10 new
regular hires; logistics support of up to 30 million KRW per firm.

Money buys volume. Firms arrive in the region anyway at the scenario's rate
(``[investment]``, ``lambda0`` a year in the incentive's sectors). Each month the programme
funds ``n`` incentives (full-population firms, an expected number): its budget spread over
the months it is open, divided by the expected potential subsidy of one firm (the facility
cap for the firm's planned workforce plus logistics support, averaged over the scenario's
size law). A funded incentive changes a location decision with probability ``c``, the
"but for" share, drawn once per run from a triangular law around Bartik's 10-15% (Upjohn
WP 18-289: plausible range 2-25%); otherwise it goes to a firm that would have come anyway
(deadweight). The programme cannot tell the two apart, so of the ``n`` funded firms
``(1 - c) n`` are firms arriving anyway (each arriving firm of the sectors is given the
incentive with probability ``(1 - c) n / (lambda0 / 12)``) and ``c n`` come only because of
it. The pool of mobile projects runs out when every firm arriving anyway is funded:
``n <= lambda0 / 12 / (1 - c)``; money beyond that buys nothing more (the diminishing return).

It works at any scale. The expected number of attracted firms ``c n`` is realised month by
month as its whole part plus a Bernoulli draw on the remainder (from the intervention's own
random stream, so the baseline twin's streams are untouched), and those full-population firms
are sampled at the run's scale like every arriving firm (``scale_sizes``): a sampled firm of
size factor ``f`` stands for ``f / scale`` real firms. The budget is committed per expected
firm, so a draw that brings no firm loses no volume: the next months' draws are unchanged.
The ledger pays the firms actually drawn (the sample's budget caps what a lucky seed pays).

Every incentivised firm is paid: logistics support when it arrives, and the facility subsidy
per regular hire once it has made ``min_regular_hires``, up to the cap, for hires made within
``payment_window_months``. A share ``from_other_regions_share`` of attracted firms would
otherwise have located in another Korean region: their jobs are counted apart
(``jobs_from_other_regions``), as moved, not created, nationally.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from sim.inputs.interventions import InvestmentSettings
from sim.policy.base import Intervention, register
from sim.region.build import firm_size_quantile
from sim.region.state import ACTIVE

if TYPE_CHECKING:
    from sim.policy.desk import PolicyDesk

#: Points of the size law's quantile grid used for the expected subsidy of one firm.
_QUANTILE_POINTS = 4096


@register
class InvestmentAttraction(Intervention):
    Settings = InvestmentSettings
    bridge_units = "firms"
    gross_output = "jobs_in_incentivised_firms"
    gross_rule = ("supported_firms", None)
    headcount_rule = ("first_support", None)
    real_counts = frozenset({"firms_attracted", "expected_firms_attracted", "firms_deadweight", "firms_incentivised"})

    def __init__(self, settings: InvestmentSettings, ledger, budget_scale: float) -> None:  # noqa: ANN001
        super().__init__(settings, ledger, budget_scale)
        self.settings: InvestmentSettings = settings
        self.but_for_share = 0.0  # drawn in start()
        self.unit_cost_krw = 0.0  # expected potential subsidy of one full-population firm
        self.planned_krw = 0.0  # budget committed to expected firms so far (full population)
        self.incentivised = np.zeros(0, dtype=np.int64)  # firm ids under the incentive
        self.arrived = np.zeros(0, dtype=np.int64)  # their arrival months
        self.hires_paid = np.zeros(0, dtype=np.int64)  # hires already paid for, per incentivised firm
        self.paid_krw = np.zeros(0)  # facility subsidy paid so far per firm (set to the cap when its window closes)
        self.caps = np.zeros(0)  # most each incentivised firm can receive, KRW
        self.attracted = np.zeros(0, dtype=np.int64)  # firms that came only because of the incentive
        self.from_elsewhere = np.zeros(0, dtype=bool)  # per attracted firm: would have gone to another region

    @classmethod
    def count_columns(cls) -> dict[str, str]:
        return {
            "firms_attracted": "firms that came only because of the incentive this month (a sampled firm "
            "counts its size factor: divided by the scale, full-population firms)",
            "expected_firms_attracted": "expected firms attracted this month (full-population number times the scale)",
            "firms_deadweight": "firms arriving anyway given the incentive this month (counted as firms_attracted)",
            "firms_incentivised": "firms given the incentive this month, attracted or deadweight (as firms_attracted)",
            "subsidised_hires": "regular hires paid for by the facility subsidy this month",
            "attracted_jobs": "jobs at the active attracted firms",
            "jobs_from_other_regions": "jobs at the active attracted firms that would otherwise have located in "
            "another Korean region (moved, not created, nationally)",
        }

    # ---------------------------------------------------------------- volume
    def _facility_cap(self, planned_employees: np.ndarray, size_factor: np.ndarray) -> np.ndarray:
        """The most each firm can receive: per hire for its planned workforce, up to the cap."""
        cap = self.settings.max_subsidy_per_firm_krw * size_factor
        return np.minimum(planned_employees * self.settings.subsidy_per_hire_krw, cap)

    def _shared_sectors(self, desk: PolicyDesk) -> list[str]:
        investment = desk.config.investment
        return [sector for sector in investment.sectors if sector in self.settings.sectors] if investment else []

    def _baseline_rate(self, desk: PolicyDesk) -> float:
        """Arrivals per year in the incentivised sectors without the incentive (full population)."""
        investment = desk.config.investment
        if investment is None:
            return 0.0
        return investment.arrivals_per_year * len(self._shared_sectors(desk)) / len(investment.sectors)

    def expected_unit_cost_krw(self, desk: PolicyDesk) -> float:
        """Expected potential subsidy of one full-population firm (KRW).

        The facility cap for its planned workforce plus logistics support, averaged over the
        scenario's size law (a quantile grid).
        """
        investment = desk.config.investment
        if investment is None:
            return 0.0
        u = (np.arange(_QUANTILE_POINTS) + 0.5) / _QUANTILE_POINTS
        law = (investment.firm_size_pareto_alpha, investment.firm_size_min, investment.firm_size_max)
        sizes = firm_size_quantile(u, *law)
        caps = self._facility_cap(sizes.astype(float), np.ones(len(sizes)))
        return float(np.mean(caps)) + self.settings.logistics_support_per_firm_krw

    def funded_per_month(self, desk: PolicyDesk) -> float:
        """Incentives the budget funds this month (expected full-population firms), up to the pool.

        The budget spread evenly over the open months buys ``allowance / unit cost`` firms; the
        pool of mobile projects is the firms arriving anyway over ``1 - c`` (all of them funded).
        """
        settings = self.settings
        baseline = self._baseline_rate(desk)
        if settings.budget_krw <= 0 or baseline <= 0:
            return 0.0
        pool = baseline / 12.0 / (1.0 - self.but_for_share)
        if self.unit_cost_krw <= 0:
            return pool
        months = max(self.last_month(desk) - self.first_month(desk) + 1, 1)
        left = max(settings.budget_krw - self.planned_krw, 0.0)
        return min(min(settings.budget_krw / months, left) / self.unit_cost_krw, pool)

    # ---------------------------------------------------------------- hooks
    def check(self, desk: PolicyDesk, source: str, index: int) -> None:
        if self._baseline_rate(desk) <= 0:
            self.warn(
                source,
                index,
                f"the scenario has no inward investment in "
                f"{self.settings.sectors} (its [investment] section), so the incentive attracts nobody",
            )

    def start(self, desk: PolicyDesk) -> None:
        """Draw this run's "but for" share (Bartik, Upjohn WP 18-289) and price one firm."""
        settings = self.settings
        low, mode, high = settings.but_for_share_min, settings.but_for_share_mode, settings.but_for_share_max
        generator = desk.streams.generator(f"{self.name}/but_for", 0)
        self.but_for_share = float(generator.triangular(low, mode, high)) if high > low else low
        self.unit_cost_krw = self.expected_unit_cost_krw(desk)

    def step(self, desk: PolicyDesk, month: int) -> None:
        if self.open_in(desk, month):
            funded = self.funded_per_month(desk)
            if funded > 0:
                self.planned_krw += funded * self.unit_cost_krw
                deadweight = self._fund_arrivals(desk, month, (1.0 - self.but_for_share) * funded)
                attracted = self._attract(desk, month, self.but_for_share * funded)
                self._incentivise(desk, month, np.concatenate([deadweight, attracted]))
                factor = desk.firms.size_factor
                self.counts["firms_deadweight"] = float(factor[deadweight].sum())
                self.counts["firms_attracted"] = float(factor[attracted].sum())
                self.counts["firms_incentivised"] = float(factor[deadweight].sum() + factor[attracted].sum())
                self.counts["expected_firms_attracted"] = self.but_for_share * funded * self.budget_scale
        self._pay_for_hires(desk, month)
        self._count_jobs(desk)

    def _fund_arrivals(self, desk: PolicyDesk, month: int, expected: float) -> np.ndarray:
        """Firms arriving anyway this month that get the incentive: each with ``expected`` / expected arrivals.

        At the policy point this month's new firms are the arrivals stage's (local births come later).
        """
        firms = desk.firms
        anyway = np.flatnonzero(
            (firms.entry_month == month) & np.isin(firms.sector, desk.sector_codes(self._shared_sectors(desk)))
        )
        share = min(expected / (self._baseline_rate(desk) / 12.0), 1.0)
        draws = desk.streams.generator(f"{self.name}/offer", month).random(len(anyway))
        return anyway[draws < share]

    def _attract(self, desk: PolicyDesk, month: int, expected: float) -> np.ndarray:
        """Firms that come only because of the incentive: ``expected`` full-population firms, sampled."""
        generator = desk.streams.generator(f"{self.name}/arrivals", month)
        whole = math.floor(expected)
        count = whole + int(generator.random() < expected - whole)
        if count == 0:
            return np.zeros(0, dtype=np.int64)
        plan = desk.plan_arriving_firms(generator, count, self._shared_sectors(desk))
        attracted = desk.add_planned_firms(plan, "attracted firm", self.name)
        elsewhere = generator.random(len(attracted)) < self.settings.from_other_regions_share
        desk.note_firms_from_other_regions(attracted[elsewhere])
        self.attracted = np.concatenate([self.attracted, attracted])
        self.from_elsewhere = np.concatenate([self.from_elsewhere, elsewhere])
        return attracted

    def _incentivise(self, desk: PolicyDesk, month: int, taken: np.ndarray) -> None:
        """Give the incentive: logistics support now, the facility subsidy per hire later (up to its cap)."""
        if len(taken) == 0:
            return
        factor = desk.firms.size_factor[taken]
        logistics = self.settings.logistics_support_per_firm_krw * factor
        if (logistics > 0).any():
            desk.pay_firms(self, taken, logistics, "grant")
        self.caps = np.concatenate([self.caps, self._facility_cap(desk.firms.base_employees[taken], factor)])
        self.incentivised = np.concatenate([self.incentivised, taken])
        self.arrived = np.concatenate([self.arrived, np.full(len(taken), month)])
        self.hires_paid = np.concatenate([self.hires_paid, np.zeros(len(taken), dtype=np.int64)])
        self.paid_krw = np.concatenate([self.paid_krw, np.zeros(len(taken))])

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
            self.counts["subsidised_hires"] = float(due_hires[index].sum())
        # Nothing more is owed once the window closes or the firm is gone.
        lapsed = ~in_window & (self.paid_krw < self.caps)
        self.paid_krw[lapsed] = self.caps[lapsed]

    def _count_jobs(self, desk: PolicyDesk) -> None:
        """Jobs at the active attracted firms, and those of firms that would have gone to another region."""
        if len(self.attracted) == 0:
            return
        firms = desk.firms
        jobs = np.where(firms.status[self.attracted] == ACTIVE, firms.employees[self.attracted], 0).astype(float)
        self.counts["attracted_jobs"] = float(jobs.sum())
        self.counts["jobs_from_other_regions"] = float(jobs[self.from_elsewhere].sum())
