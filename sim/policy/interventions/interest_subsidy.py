"""Interest subsidy for ordinary borrowers: the programme pays part of the interest firms owe their banks.

Modelled on Gyeongju's 2025 working-capital programme (seed 002: 240.4 billion KRW of loans
with interest subsidies for 600+ firms; the city pays 4 points of interest for up to two
years, News1 and Kookmin Ilbo, Feb 2025). Unlike the working-capital loans instrument, it
reaches every eligible borrower, not only firms the banks refuse.

Each month the programme takes on eligible firms with bank debt, in a random order, while
its budget can cover each one's whole commitment: ``subsidy_pp`` points of interest on up to
``loan_per_firm_krw`` of its debt (per full-scale firm) for ``months`` months. It pays the
points each month (a ledger row ``interest_subsidy``) and the firm's interest cost falls by
them, so its unit cost and price fall and it sells more (sim/region/prices.py): the money
buys jobs through the price, with no firm near failure. The budget sets the volume: firms
x loan x points x months.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.inputs.interventions import InterestSubsidySettings
from sim.policy.base import Intervention, register
from sim.region.state import ACTIVE, Column

if TYPE_CHECKING:
    from sim.policy.desk import PolicyDesk


@register
class InterestSubsidy(Intervention):
    Settings = InterestSubsidySettings
    bridge_units = "firms"
    gross_output = "jobs_in_subsidised_firms"
    gross_rule = ("supported_firms", None)
    headcount_rule = ("first_support", None)

    def __init__(self, settings: InterestSubsidySettings, ledger, budget_scale: float) -> None:  # noqa: ANN001
        super().__init__(settings, ledger, budget_scale)
        self.settings: InterestSubsidySettings = settings
        self.committed_krw = 0.0  # subsidy promised to enrolled firms and not yet paid

    @classmethod
    def firm_columns(cls) -> dict[str, Column]:
        owner = "interest_subsidy"
        return {
            "months_left": Column(np.int64, 0, "months of subsidy left", owner),
            "loan_krw": Column(np.float64, 0.0, "bank debt the subsidy covers, KRW", owner),
        }

    @classmethod
    def count_columns(cls) -> dict[str, str]:
        return {
            "firms_enrolled": "borrowers taken on this month",
            "firms_subsidised": "borrowers whose interest the programme paid this month",
            "interest_subsidy_krw": "interest paid for borrowers this month, KRW",
        }

    def check(self, desk: PolicyDesk, source: str, index: int) -> None:
        if not desk.eligible_firms(self.settings.sectors, self.settings.sme_only).any():
            self.warn(source, index, f"no firm in the scenario is eligible (sectors {self.settings.sectors})")

    def step(self, desk: PolicyDesk, month: int) -> None:
        settings = self.settings
        firms = desk.firms
        months_left, loan = desk.own(self, "months_left"), desk.own(self, "loan_krw")
        monthly_share = settings.subsidy_pp / 100.0 / 12.0
        if self.open_in(desk, month):
            candidates = np.flatnonzero(
                desk.eligible_firms(settings.sectors, settings.sme_only)
                & (firms.debt > 0)
                & (months_left == 0)
                & (loan == 0)
            )
            order = np.argsort(desk.streams.uniform(f"{self.name}/enrol", month, firms.key[candidates]), kind="stable")
            candidates = candidates[order]
            covered = np.minimum(firms.debt[candidates], settings.loan_per_firm_krw * firms.size_factor[candidates])
            commitment = covered * monthly_share * settings.months
            room = self.budget.remaining_krw - self.committed_krw
            affordable = np.cumsum(commitment) <= room * (1 + 1e-12)
            if not affordable.all() and len(candidates):
                self.budget.refuse(month)
            enrolled = candidates[affordable]
            loan[enrolled] = covered[affordable]
            months_left[enrolled] = settings.months
            self.committed_krw += float(commitment[affordable].sum())
            self.counts["firms_enrolled"] = float(len(enrolled))
        paying = np.flatnonzero((months_left > 0) & (firms.status == ACTIVE))
        ended = np.flatnonzero((months_left > 0) & (firms.status != ACTIVE))  # failed or closed: nothing more owed
        self.committed_krw -= float((loan[ended] * monthly_share * months_left[ended]).sum())
        months_left[ended] = 0
        if len(paying):
            amounts = np.minimum(loan[paying], firms.debt[paying]) * monthly_share
            paid = desk.subsidise_interest(self, paying, amounts)
            self.committed_krw -= float((loan[paying] * monthly_share)[paid].sum())
            months_left[paying[paid]] -= 1
            months_left[paying[~paid]] = 0
            self.counts["firms_subsidised"] = float(paid.sum())
            self.counts["interest_subsidy_krw"] = float(amounts[paid].sum())
        self.committed_krw = max(self.committed_krw, 0.0)
        done = months_left == 0
        loan[done] = 0.0
