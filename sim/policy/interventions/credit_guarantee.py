"""Public credit guarantee: a fund guarantees part of eligible firms' bank loans, so banks lend more and cheaper.

Korea's main channel of SME finance: the Korea Credit Guarantee Fund (KODIT), the Korea
Technology Finance Corporation (KIBO) and the regional credit guarantee foundations. A
guarantee covers ``guarantee_ratio`` of a bank loan (KODIT: 75-85% by group, 85% for most
SMEs; KODIT English site, Credit Guarantee Services) of up to ``cover_per_firm_krw`` (per
full-scale firm). Through the banks (sim/region/credit.py) a guaranteed firm:

- pays a lower rate: the bank's risk spread falls in proportion to the share of the loan
  the fund covers (KODIT data: guaranteed SME loans at 4.40% against 8.40% for unsecured
  credit loans, Do 2019, Korean Management Review 48(1));
- can borrow more: the bank lends the covered loan beyond its own leverage limit (Do 2019:
  guaranteed SMEs borrowed 96% more than their stand-alone capacity);
- pays the fund a fee of ``fee_annual`` on the guaranteed balance (KODIT 0.5-3.0% a year
  by rating; regional foundations 0.5-2.0%, standard about 1.2%), part of its cost of credit
  and so of its price (prices.py).

The budget is the fund's capital, and it buys volume: the fund guarantees up to
``operation_multiple`` times its capital (KODIT's guarantees outstanding over its capital,
9.9 in 2018; the Credit Guarantee Fund Act, art. 25, forbids more than 20). Each month,
while open, it takes on eligible firms with bank debt and a clean enough record (the banks
still lend to them), in a random order, while the guaranteed balance fits; each guarantee
lasts ``months``. When a guaranteed firm fails, the fund pays its bank the guaranteed share
of the loan (a ``guarantee_payout``, spent from the budget).

Cost is valued at subsidy cost, as for loans (the US Federal Credit Reform Act of 1990; the
EU's gross grant equivalent): payouts, plus, in the last month of the run, a provision for
the expected loss on guarantees still standing (the guaranteed balance times the chance of
default over the guarantee's remaining months at the higher of the fund's own default rate
and ``default_rate_annual``), less the fees collected. With no money the fund guarantees
nothing and the run is the baseline's.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.inputs.interventions import CreditGuaranteeSettings
from sim.policy.base import FirmProgramme, register
from sim.region.state import ACTIVE, Column

if TYPE_CHECKING:
    from sim.policy.desk import PolicyDesk


@register
class CreditGuarantee(FirmProgramme):
    Settings = CreditGuaranteeSettings
    bridge_units = "firms"
    gross_output = "jobs_in_guaranteed_firms"
    gross_rule = ("supported_firms", None)
    headcount_rule = ("first_support", None)

    def __init__(self, settings: CreditGuaranteeSettings, ledger, budget_scale: float) -> None:  # noqa: ANN001
        super().__init__(settings, ledger, budget_scale)
        self.settings: CreditGuaranteeSettings = settings
        self.guarantee_months = 0  # guaranteed firm-months at the policy point, for the default rate
        self.defaults = 0

    @classmethod
    def firm_columns(cls) -> dict[str, Column]:
        owner = "credit_guarantee"
        return {
            "months_left": Column(np.int64, 0, "months the firm's guarantee still runs", owner),
            "cover_krw": Column(np.float64, 0.0, "bank loans the guarantee covers, KRW", owner),
            "balance_krw": Column(np.float64, 0.0, "fund's exposure: guaranteed share of covered debt, KRW", owner),
        }

    @classmethod
    def count_columns(cls) -> dict[str, str]:
        return {
            "firms_enrolled": "firms newly guaranteed this month",
            "firms_guaranteed": "firms with a guarantee this month",
            "guarantee_balance_krw": "guaranteed balance (the fund's exposure) at the policy point, KRW",
            "payouts": "guaranteed firms that failed since last month",
            "payouts_krw": "guaranteed share of their loans the fund paid to banks, KRW",
            "fees_krw": "guarantee fees collected this month, KRW",
            "provision_krw": "expected loss on guarantees still standing, provisioned in the last month, KRW",
        }

    def capacity_krw(self) -> float:
        """Guaranteed balance the fund may stand behind: its capital (the budget) times its operation multiple."""
        return self.budget.total_krw * self.settings.operation_multiple

    def step(self, desk: PolicyDesk, month: int) -> None:
        settings = self.settings
        firms = desk.firms
        months_left, cover = desk.own(self, "months_left"), desk.own(self, "cover_krw")
        balance = desk.own(self, "balance_krw")

        # Guaranteed firms that failed since last month: the fund pays their banks its share.
        gone = np.flatnonzero((balance > 0) & (firms.status != ACTIVE))
        if len(gone):
            paid = desk.pay_for_services(self, "bank", gone, balance[gone], "guarantee_payout")
            self.counts["payouts"] = float(len(gone))
            self.counts["payouts_krw"] = float(balance[gone][paid].sum())
            self.defaults += len(gone)
            balance[gone] = cover[gone] = 0.0
            months_left[gone] = 0
            desk.guarantee_loans(gone, np.zeros(len(gone)), 0.0)

        # Guarantees that have run out end.
        ended = np.flatnonzero((months_left == 0) & (cover > 0))
        if len(ended):
            cover[ended] = balance[ended] = 0.0
            desk.guarantee_loans(ended, np.zeros(len(ended)), 0.0)

        # New guarantees while open and the fund's capital allows.
        if self.open_in(desk, month):
            candidates = np.flatnonzero(
                self.eligible(desk)
                & (firms.debt > 0)
                & (cover == 0)
                & (firms.loss_months <= desk.config.firms.max_loss_months_for_credit)
            )
            order = np.argsort(desk.streams.uniform(f"{self.name}/enrol", month, firms.key[candidates]), kind="stable")
            candidates = candidates[order]
            new_cover = settings.cover_per_firm_krw * firms.size_factor[candidates]
            exposure = settings.guarantee_ratio * new_cover
            room = self.capacity_krw() - float((settings.guarantee_ratio * cover).sum())
            fits = np.cumsum(exposure) <= room * (1 + 1e-12)
            if len(candidates) and not fits.all():
                self.budget.refuse(month)
            enrolled = candidates[fits]
            cover[enrolled] = new_cover[fits]
            months_left[enrolled] = settings.months
            desk.guarantee_loans(enrolled, new_cover[fits], settings.guarantee_ratio)
            self.counts["firms_enrolled"] = float(len(enrolled))

        # Standing guarantees: the fund's exposure on this month's debt, and its fee.
        standing = np.flatnonzero((cover > 0) & (firms.status == ACTIVE))
        if len(standing):
            balance[standing] = settings.guarantee_ratio * np.minimum(cover[standing], firms.debt[standing])
            fees = balance[standing] * settings.fee_annual / 12.0
            self.counts["fees_krw"] = float(desk.charge_guarantee_fees(self, standing, fees).sum())
            months_left[standing] -= 1
            self.guarantee_months += len(standing)
        self.counts["firms_guaranteed"] = float(len(standing))
        self.counts["guarantee_balance_krw"] = float(balance.sum())
        if month == desk.config.scenario.months:
            self.provision(desk, balance, months_left)

    def default_rate_annual(self) -> float:
        """The provision's annual default rate: the fund's own so far, or the published one if higher."""
        observed = 1.0 - (1.0 - self.defaults / self.guarantee_months) ** 12 if self.guarantee_months else 0.0
        return max(observed, self.settings.default_rate_annual)

    def provision(self, desk: PolicyDesk, balance: np.ndarray, months_left: np.ndarray) -> None:
        """Provision the expected loss on guarantees still standing at the horizon (cost only)."""
        standing = np.flatnonzero(balance > 0)
        if len(standing) == 0:
            return
        survive_a_year = 1.0 - self.default_rate_annual()
        default_chance = 1.0 - survive_a_year ** (np.maximum(months_left[standing], 1) / 12.0)
        self.counts["provision_krw"] = desk.write_off(self, standing, balance[standing] * default_chance, "provision")
