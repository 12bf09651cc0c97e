"""Venture and growth funds: a public fund takes equity stakes in small firms, relaxing their credit constraint.

Modelled on Gyeongju (seed 002): a 1.5 billion KRW Local Era Venture Fund and a 1 billion
KRW G-Star North Gyeongsang Potential Fund to nurture 105 local SMEs and venture companies
(about 24 million KRW of public equity per firm).

Equity is money a firm need not repay and that no bank rations. In the model it is cash in
the firm's hands (sim/region/failures.py: a firm fails when its cash is below zero after
production, bank credit and policy money), so an invested firm rides out losses the banks
would no longer finance (sim/region/credit.py: no new lending after
``max_loss_months_for_credit`` loss-making months or above the leverage limit) and borrows
less meanwhile. Korean evidence on what the equity does:

- Kim and Song (지역산업연구 37(4)): firms backed by Korea Fund of Funds (모태펀드)
  sub-funds, difference in differences against KIS-Value firms: sales about 30% higher from
  the investment year to three years on, and 12.8 more employees in the second year.
- SMBA (19 Jun 2017, with KEIS, KVCA and KVIC): 2,838 VC-backed firms of 2012-2016 employed
  106,448 (37.5 each) the year before investment and 137,051 after 5.956 trillion KRW of
  venture investment; employment grew 4.0-19.9% a year against 4.5% for all SMEs (gross:
  selection included).

Two channels. Cash, above. And growth: an invested firm's sales rise, from buyers outside
the region (the desk's sales-uplift lever, as commercialisation's), building up linearly
over ``uplift_ramp_months`` from the month of investment to ``sales_uplift`` times the stake
over ``uplift_reference_krw``, at most ``sales_uplift``: Kim and Song's 30% three years on,
for an investment the size of the average Korean VC round (SMBA 2017: 5.956 trillion KRW in
2,838 firms, 2.1 bn KRW each). Proportional to the money is an assumption (no dose-response
estimate was found); Kim and Song's comparison firms are matched on observables, so some of
the 30% may be venture capitalists picking winners (an upper bound in that respect). A
24-million-KRW stake (Gyeongju's funds) buys a rise of 0.34%. Private money invested
alongside (Korea Fund of Funds: 4.4 KRW of private capital per public KRW, SMBA 2017) is
left out.

Money buys volume: the budget, spread over the months the fund is open (unspent allowance
carries over), buys stakes of ``investment_per_firm_krw`` per full-scale firm (times the
sampled firm's size factor), in eligible firms (active SMEs of ``sectors`` with at most
``max_employees`` full-scale workers, no stake yet): firms that entered during the run
first, youngest first (venture funds invest in young firms), then the rest in a random order
from the fund's own stream. When the eligible firms run out the money buys nothing more.

Cost: a stake is an asset, spent at face value (ledger kind ``equity``, repayable) and
counted in the expected cost only when the firm fails and the stake is written off; stakes
in firms alive at the horizon are kept at face value (assumption: no published loss rate on
Korea Fund of Funds stakes was found; Korean buy-out funds returned 1.22 times their capital,
Bae and Lee 2020, Korean Journal of Financial Studies 49(2), a different asset class).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.inputs.interventions import VentureFundSettings
from sim.policy.base import Intervention, register
from sim.region.state import ACTIVE, Column

if TYPE_CHECKING:
    from sim.policy.desk import PolicyDesk


@register
class VentureFund(Intervention):
    Settings = VentureFundSettings
    # Fund managers report their portfolio firms' employment (the gross figures in the docstring).
    bridge_units = "firms"
    gross_output = "jobs_in_portfolio_firms"
    gross_rule = ("supported_firms", None)
    headcount_rule = ("first_support", None)
    real_counts = frozenset({"sales_uplift_mean"})

    def __init__(self, settings: VentureFundSettings, ledger, budget_scale: float) -> None:  # noqa: ANN001
        super().__init__(settings, ledger, budget_scale)
        self.settings: VentureFundSettings = settings

    @classmethod
    def firm_columns(cls) -> dict[str, Column]:
        return {
            "stake_krw": Column(np.float64, 0.0, "public fund's equity stake in the firm, KRW", "venture_fund"),
            "invested_month": Column(np.int32, -1, "month of the fund's investment (-1: none)", "venture_fund"),
        }

    @classmethod
    def count_columns(cls) -> dict[str, str]:
        return {
            "firms_invested": "firms given equity this month",
            "stakes_held": "firms alive with a stake of the fund at the end of the month",
            "equity_krw": "equity invested this month, KRW",
            "stakes_written_off": "firms with a stake that failed since last month",
            "written_off_krw": "stakes written off this month, KRW",
            "sales_uplift_mean": "mean relative rise of the sales of firms holding a stake at the end of the month",
        }

    def eligible(self, desk: PolicyDesk) -> np.ndarray:
        """Mask of active SMEs of the fund's sectors, at most ``max_employees`` at full scale, with no stake yet."""
        firms = desk.firms
        full_size = firms.base_employees / np.maximum(firms.size_factor, 1e-12)
        small = full_size <= self.settings.max_employees
        return desk.eligible_firms(self.settings.sectors, True) & small & (desk.own(self, "stake_krw") == 0)

    def check(self, desk: PolicyDesk, source: str, index: int) -> None:
        if not self.eligible(desk).any():
            self.warn(
                source,
                index,
                f"no firm in the scenario is eligible (SMEs of {self.settings.sectors} with at most "
                f"{self.settings.max_employees} workers)",
            )

    def step(self, desk: PolicyDesk, month: int) -> None:
        stake = desk.own(self, "stake_krw")
        firms = desk.firms
        held = np.flatnonzero(stake > 0)
        gone = held[firms.status[held] != ACTIVE]
        if len(gone):
            self.counts["stakes_written_off"] = float(len(gone))
            self.counts["written_off_krw"] = desk.write_off(self, gone, stake[gone])
            stake[gone] = 0.0
        if self.open_in(desk, month) and self.budget.total_krw > 0:
            self._invest(desk, month, stake)
        self._grow(desk, month, stake)
        self.counts["stakes_held"] = float(np.count_nonzero(stake > 0))

    def _grow(self, desk: PolicyDesk, month: int, stake: np.ndarray) -> None:
        """Invested firms' sales rise, building up from the month of investment, in proportion to the stake."""
        held = np.flatnonzero(stake > 0)
        if len(held) == 0:
            return
        settings = self.settings
        full_stake = stake[held] / np.maximum(desk.firms.size_factor[held], 1e-12)
        size = np.minimum(full_stake / settings.uplift_reference_krw, 1.0)
        since = month - desk.own(self, "invested_month")[held]
        built = np.minimum(since / settings.uplift_ramp_months, 1.0)
        uplift = settings.sales_uplift * size * built
        desk.set_sales_uplift(held, uplift, 1.0)
        self.counts["sales_uplift_mean"] = float(uplift.mean())

    def _invest(self, desk: PolicyDesk, month: int, stake: np.ndarray) -> None:
        """Buy the stakes this month's allowance (with what earlier months left unspent) pays for."""
        candidates = self.eligible_in_random_order(desk, month)
        if self.allowance_krw(desk, month) <= 0 or len(candidates) == 0:
            return
        firms = desk.firms
        born = firms.entry_month[candidates]
        candidates = candidates[np.argsort(-born, kind="stable")]  # youngest entrants first, the rest at random
        unit_costs = self.settings.investment_per_firm_krw * firms.size_factor[candidates]
        chosen, amounts = self.units_to_buy(desk, month, candidates, unit_costs)
        if len(chosen) == 0:
            return
        paid = desk.pay_firms(self, chosen, amounts, "equity", repayable=True)
        stake[chosen[paid]] = amounts[paid]
        desk.own(self, "invested_month")[chosen[paid]] = month
        self.counts["firms_invested"] = float(np.count_nonzero(paid))
        self.counts["equity_krw"] = float(amounts[paid].sum())
