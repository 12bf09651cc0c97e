"""Working-capital loans with an interest subsidy, for SMEs whose cash runs short.

Modelled on Gyeongju's programme (seed 002: 240.4 billion KRW of working-capital loans,
interest subsidies for 600+ firms). At the policy point an eligible firm (an active SME of
a chosen sector) whose cash is below zero, because the banks refused it credit, borrows
from the loan pool enough to cover the shortfall plus a cash buffer, up to a maximum per
firm. Each month it pays interest at ``loan_rate_annual`` and repays principal over
``loan_term_months``; the programme pays it back ``interest_subsidy_pp`` points of that
interest. Interest a borrower cannot pay is added to what it owes (arrears), not forgiven;
a borrower that fails defaults on what it still owes.

Loans count against the budget at face value (and interest subsidies on top). Their expected
cost is valued as under the US Federal Credit Reform Act of 1990 (the subsidy cost: the
present value of what is lent less what is expected back) or the EU's gross grant
equivalent: the interest subsidies, the loans written off, and, in the last month of the
run, a provision for the expected loss on what is still owed. The provision is the balance
times the chance that the borrower defaults over its remaining term, at the higher of the
programme's own default rate so far and ``default_rate_annual`` (a published rate for
guaranteed SMEs), with nothing recovered, as the model's write-offs recover nothing.
Repayments are not discounted: the loan rate stands in for the government's cost of funds
(assumption; over a run of a few years the difference is small). Loans buy time: they save
firms that are short of cash, not firms whose orders are gone for good (those fail later
and default).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.inputs.interventions import LoanSettings
from sim.policy.base import FirmProgramme, register
from sim.region.state import ACTIVE, Column

if TYPE_CHECKING:
    from sim.policy.desk import PolicyDesk


@register
class WorkingCapitalLoans(FirmProgramme):
    Settings = LoanSettings
    bridge_units = "firms"
    gross_output = "jobs_in_supported_firms"
    gross_rule = ("supported_firms", None)
    headcount_rule = ("first_support", None)

    def __init__(self, settings: LoanSettings, ledger, budget_scale: float) -> None:  # noqa: ANN001
        super().__init__(settings, ledger, budget_scale)
        self.settings: LoanSettings = settings
        self.borrower_months = 0  # months of borrowers owing at the policy point, for the default rate
        self.defaults = 0

    @classmethod
    def firm_columns(cls) -> dict[str, Column]:
        return {
            "balance": Column(np.float64, 0.0, "policy loan owed, KRW", "working_capital_loans"),
            "months_left": Column(np.int64, 0, "months left to repay the policy loan", "working_capital_loans"),
        }

    @classmethod
    def count_columns(cls) -> dict[str, str]:
        return {
            "firms_supported": "firms that received a new policy loan this month",
            "loans_outstanding_krw": "policy loans still owed at the end of the month, KRW",
            "defaults": "borrowers that failed with policy debt this month",
            "defaults_krw": "policy debt written off this month, KRW",
            "interest_subsidy_krw": "interest subsidies paid this month, KRW",
            "arrears_krw": "interest borrowers could not pay this month, added to what they owe, KRW",
            "provision_krw": "expected loss on policy loans still owed, provisioned in the last month, KRW",
        }

    def step(self, desk: PolicyDesk, month: int) -> None:
        firms = desk.firms
        balance, months_left = desk.own(self, "balance"), desk.own(self, "months_left")
        settings = self.settings
        owing = np.flatnonzero(balance > 0)

        # Borrowers that failed since last month default on what they owe.
        gone = owing[firms.status[owing] != ACTIVE]
        if len(gone):
            written_off = desk.write_off(self, gone, balance[gone])
            self.counts["defaults"] = float(len(gone))
            self.counts["defaults_krw"] = written_off
            balance[gone] = 0.0
            months_left[gone] = 0
            self.defaults += len(gone)
        owing = owing[firms.status[owing] == ACTIVE]
        self.borrower_months += len(owing)

        # Interest subsidy, then interest and principal due from each borrower.
        if len(owing):
            interest = balance[owing] * settings.loan_rate_annual / 12.0
            subsidy = balance[owing] * settings.interest_subsidy_pp / 100.0 / 12.0
            paid = desk.pay_firms(self, owing, subsidy, "interest_subsidy")
            self.counts["interest_subsidy_krw"] = float(subsidy[paid].sum())
            principal = balance[owing] / np.maximum(months_left[owing], 1)
            collected = desk.collect_from_firms(self, owing, interest + principal, "repayment")
            principal_repaid = np.clip(collected - interest, 0.0, None)
            arrears = np.clip(interest - collected, 0.0, None)
            balance[owing] = np.maximum(balance[owing] - principal_repaid, 0.0) + arrears
            months_left[owing] = np.maximum(months_left[owing] - 1, 1)
            self.counts["arrears_krw"] = float(arrears.sum())

        # New loans to eligible firms short of cash, while the programme is open.
        if self.open_in(desk, month):
            short = np.flatnonzero(self.eligible(desk) & (firms.cash < 0.0))
            cap = settings.max_loan_per_firm_krw * firms.size_factor[short] - balance[short]
            monthly_costs = firms.wage_bill[short] + firms.fixed_costs[short]
            wanted = -firms.cash[short] + settings.cash_buffer_months * monthly_costs
            amount = np.minimum(wanted, cap)
            # A loan that cannot cover the shortfall would not save the firm: none is made.
            viable = amount >= -firms.cash[short]
            short, amount = short[viable], amount[viable]
            lent = desk.pay_firms(self, short, amount, "loan", repayable=True)
            borrowers = short[lent]
            balance[borrowers] += amount[lent]
            months_left[borrowers] = settings.loan_term_months
            self.counts["firms_supported"] = float(len(borrowers))
        self.counts["loans_outstanding_krw"] = float(balance.sum())
        if month == desk.config.scenario.months:
            self.provision(desk, balance, months_left)

    def default_rate_annual(self) -> float:
        """The annual default rate the provision uses: the programme's own so far, or the published one if higher."""
        observed = 1.0 - (1.0 - self.defaults / self.borrower_months) ** 12 if self.borrower_months else 0.0
        return max(observed, self.settings.default_rate_annual)

    def provision(self, desk: PolicyDesk, balance: np.ndarray, months_left: np.ndarray) -> None:
        """Provision the expected loss on loans still owed at the horizon (cost only, like a write-off)."""
        owing = np.flatnonzero(balance > 0)
        if len(owing) == 0:
            return
        survive_a_year = 1.0 - self.default_rate_annual()
        default_chance = 1.0 - survive_a_year ** (months_left[owing] / 12.0)
        self.counts["provision_krw"] = desk.write_off(self, owing, balance[owing] * default_chance, "provision")
