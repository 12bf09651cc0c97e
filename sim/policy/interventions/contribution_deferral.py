"""Deferral of social-insurance contributions and local taxes for firms in a designated crisis area.

An area designated an employment crisis area (고용위기지역, Employment Insurance Act; six areas
in April 2018, MOEL) or an industrial crisis response area (산업위기대응특별지역) lets its firms
pay their four social-insurance contributions (4대보험료 납부유예) and local taxes
(지방세 징수유예) later. Here an eligible firm (active, of the chosen sectors, an SME if asked)
whose cash at the policy point covers less than ``cash_short_months`` months of its wages and
overheads does not pay this month's contributions and payroll-linked local taxes,
``deferred_share_of_wage_bill`` of its wage bill, for up to ``deferral_months`` months; what it
deferred it repays in equal instalments over ``repayment_months`` months from the month after
its last deferral, at no interest. The channel is the firm's cash alone: the deferred amount
stays in its cash this month (paid by the desk as a repayable ``deferral``), which keeps a
firm whose cash would otherwise run out alive; orders, prices and wages are untouched.

Money: the deferrals count against the budget at face value (the budget caps the volume
deferred), like loans. Their cost is valued as a loan's subsidy cost: the interest the funds
forgo each month on what is still owed, at ``funds_rate_annual`` (``interest_forgone`` rows),
the deferrals written off when a firm fails owing them, and, in the last month of the run, a
provision for the expected loss on what is still owed, at the higher of the programme's own
default rate so far and ``default_rate_annual``, with nothing recovered. Instalments a firm
cannot pay stay owed (no interest on arrears: assumption).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.inputs.interventions import ContributionDeferralSettings
from sim.policy.base import FirmProgramme, register
from sim.region.state import ACTIVE, Column

if TYPE_CHECKING:
    from sim.policy.desk import PolicyDesk


@register
class ContributionDeferral(FirmProgramme):
    Settings = ContributionDeferralSettings
    # Like every firm programme here: the jobs at the firms it let defer, from their first deferral.
    bridge_units = "firms"
    gross_output = "jobs_in_deferring_firms"
    gross_rule = ("supported_firms", None)
    headcount_rule = ("first_support", None)

    def __init__(self, settings: ContributionDeferralSettings, ledger, budget_scale: float) -> None:  # noqa: ANN001
        super().__init__(settings, ledger, budget_scale)
        self.settings: ContributionDeferralSettings = settings
        self.defaults = 0
        self.debtor_months = 0

    @classmethod
    def firm_columns(cls) -> dict[str, Column]:
        return {
            "balance": Column(
                np.float64, 0.0, "deferred contributions and taxes still owed, KRW", owner="contribution_deferral"
            ),
            "months_deferred": Column(
                np.int32, 0, "months of contributions the firm has deferred", owner="contribution_deferral"
            ),
            "last_deferral": Column(
                np.int32, -1, "month of the firm's last deferral (-1: none)", owner="contribution_deferral"
            ),
            "instalments_left": Column(np.int32, 0, "instalments still to pay", owner="contribution_deferral"),
        }

    @classmethod
    def count_columns(cls) -> dict[str, str]:
        return {
            "firms_deferring": "firms that deferred this month's contributions and taxes",
            "deferred_krw": "contributions and taxes deferred this month, KRW",
            "owed_krw": "deferred contributions and taxes still owed at the end of the month, KRW",
            "repaid_krw": "instalments repaid this month, KRW",
            "interest_forgone_krw": "interest the funds forgo this month on what is owed, KRW",
            "defaults": "firms that failed owing deferred contributions this month",
            "defaults_krw": "deferred contributions written off this month, KRW",
            "provision_krw": "expected loss on deferrals still owed, provisioned in the last month, KRW",
        }

    def step(self, desk: PolicyDesk, month: int) -> None:
        firms = desk.firms
        settings = self.settings
        balance = desk.own(self, "balance")
        months_deferred = desk.own(self, "months_deferred")
        last_deferral = desk.own(self, "last_deferral")
        instalments_left = desk.own(self, "instalments_left")
        owing = np.flatnonzero(balance > 0)

        # Firms that failed owing deferrals: written off.
        gone = owing[firms.status[owing] != ACTIVE]
        if len(gone):
            self.counts["defaults"] = float(len(gone))
            self.counts["defaults_krw"] = desk.write_off(self, gone, balance[gone])
            balance[gone] = 0.0
            instalments_left[gone] = 0
            self.defaults += len(gone)
        owing = owing[firms.status[owing] == ACTIVE]
        self.debtor_months += len(owing)

        # Instalments from firms whose deferral has ended (none deferred last month).
        repaying = owing[last_deferral[owing] < month - 1]
        if len(repaying):
            due = balance[repaying] / np.maximum(instalments_left[repaying], 1)
            collected = desk.collect_from_firms(self, repaying, due, "repayment")
            balance[repaying] = np.maximum(balance[repaying] - collected, 0.0)
            instalments_left[repaying] = np.maximum(instalments_left[repaying] - 1, 1)
            self.counts["repaid_krw"] = float(collected.sum())

        # The interest the funds forgo on what is owed (zero-interest deferral).
        owing = np.flatnonzero(balance > 0)
        if len(owing) and settings.funds_rate_annual > 0:
            interest = balance[owing] * settings.funds_rate_annual / 12.0
            self.counts["interest_forgone_krw"] = desk.write_off(self, owing, interest, "interest_forgone")

        # New deferrals by eligible firms short of cash, while the programme is open.
        if self.open_in(desk, month) and self.budget.exhausted_month is None:
            monthly_costs = firms.wage_bill + firms.fixed_costs
            short = np.flatnonzero(
                self.eligible(desk)
                & (firms.cash < settings.cash_short_months * monthly_costs)
                & (months_deferred < settings.deferral_months)
                & (firms.wage_bill > 0)
            )
            amounts = settings.deferred_share_of_wage_bill * firms.wage_bill[short]
            paid = desk.pay_firms(self, short, amounts, "deferral", repayable=True)
            deferring = short[paid]
            balance[deferring] += amounts[paid]
            months_deferred[deferring] += 1
            last_deferral[deferring] = month
            instalments_left[deferring] = settings.repayment_months
            self.counts["firms_deferring"] = float(len(deferring))
            self.counts["deferred_krw"] = float(amounts[paid].sum())
        self.counts["owed_krw"] = float(balance.sum())
        if month == desk.config.scenario.months:
            self.provision(desk, balance, instalments_left)

    def default_rate_annual(self) -> float:
        """The annual default rate the provision uses: the programme's own so far, or the stated one if higher."""
        observed = 1.0 - (1.0 - self.defaults / self.debtor_months) ** 12 if self.debtor_months else 0.0
        return max(observed, self.settings.default_rate_annual)

    def provision(self, desk: PolicyDesk, balance: np.ndarray, instalments_left: np.ndarray) -> None:
        """Provision the expected loss on deferrals still owed at the horizon (cost only)."""
        owing = np.flatnonzero(balance > 0)
        if len(owing) == 0:
            return
        survive_a_year = 1.0 - self.default_rate_annual()
        default_chance = 1.0 - survive_a_year ** (np.maximum(instalments_left[owing], 1) / 12.0)
        self.counts["provision_krw"] = desk.write_off(self, owing, balance[owing] * default_chance, "provision")
