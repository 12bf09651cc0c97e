"""Social-economy enterprise grants and public procurement.

Modelled on Gwanak-gu (seed 003): business-development grants of up to 20 million KRW per
social-economy enterprise (brand development, prototypes), and new sales channels
(a market with about 300 million KRW of sales a year; a public-procurement fair).
Social enterprises and cooperatives are small service firms (``firms.social_enterprise``).

The budget, spread over the months the programme is open, is split: ``procurement_share`` of
it buys goods and services from the active enterprises each month, shared equally, as
orders they fill the next month, diverted from what public bodies would have bought
from other local firms (preferential procurement changes the seller, not the volume); the
rest pays grants of ``grant_krw`` to enterprises that
have not had one, in random order, as many as the money so far pays for (grant money left
when every enterprise has had one stays unspent): the grant is cash, and the new
products raise the enterprise's sales by ``sales_uplift`` for ``uplift_months`` months, a
share ``outside_buyer_share`` of it from buyers outside the region and the rest taken from
other local firms (issue 12: a grant that adds sales on top of local demand creates demand
from nowhere).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.inputs.interventions import SocialEconomySettings
from sim.policy.base import Intervention, register
from sim.region.state import ACTIVE

if TYPE_CHECKING:
    from sim.policy.desk import PolicyDesk


@register
class SocialEconomy(Intervention):
    Settings = SocialEconomySettings
    bridge_units = "firms"
    gross_output = "jobs_in_supported_enterprises"
    gross_rule = ("supported_firms", None)
    headcount_rule = ("first_support", None)

    def __init__(self, settings: SocialEconomySettings, ledger, budget_scale: float) -> None:  # noqa: ANN001
        super().__init__(settings, ledger, budget_scale)
        self.settings: SocialEconomySettings = settings
        self.granted = np.zeros(0, dtype=np.int64)
        self.uplift_ends = np.zeros(0, dtype=np.int64)
        self.grant_credit_krw = 0.0  # grant money not yet paid out

    @classmethod
    def count_columns(cls) -> dict[str, str]:
        return {
            "grants": "social enterprises given a grant this month",
            "procurement_krw": "orders placed with social enterprises this month, KRW",
        }

    def check(self, desk: PolicyDesk, source: str, index: int) -> None:
        if not desk.firms.social_enterprise.any():
            self.warn(
                source,
                index,
                "the scenario has no social enterprises (social_enterprise_share of its local_services industries)",
            )

    def step(self, desk: PolicyDesk, month: int) -> None:
        firms = desk.firms
        settings = self.settings
        # Sales uplifts that have run their course end.
        ended = self.granted[self.uplift_ends <= month]
        desk.set_sales_uplift(ended, 0.0, 0.0)
        if not self.open_in(desk, month):
            return
        enterprises = np.flatnonzero(firms.social_enterprise & (firms.status == ACTIVE))

        monthly = self.monthly_budget_krw(desk)
        self.grant_credit_krw += monthly * (1.0 - settings.procurement_share)
        candidates = np.setdiff1d(enterprises, self.granted)
        if len(candidates):
            order = np.argsort(desk.streams.uniform(f"{self.name}/grant", month, firms.key[candidates]), kind="stable")
            candidates = candidates[order]
            amounts = settings.grant_krw * firms.size_factor[candidates]
            affordable = np.cumsum(amounts) <= self.grant_credit_krw
            chosen, amounts = candidates[affordable], amounts[affordable]
            if len(chosen):
                paid = desk.pay_firms(self, chosen, amounts, "grant")
                chosen = chosen[paid]
                self.grant_credit_krw -= float(amounts[paid].sum())
                desk.set_sales_uplift(chosen, settings.sales_uplift, settings.outside_buyer_share)
                self.granted = np.concatenate([self.granted, chosen])
                self.uplift_ends = np.concatenate(
                    [self.uplift_ends, np.full(len(chosen), month + settings.uplift_months)]
                )
                self.counts["grants"] = float(len(chosen))

        purchases = monthly * settings.procurement_share
        if purchases > 0 and len(enterprises):
            shares = np.full(len(enterprises), purchases / len(enterprises))
            paid = desk.pay_for_services(self, "firm", enterprises, shares, "procurement")
            desk.buy_from(enterprises[paid], shares[paid])
            self.counts["procurement_krw"] = float(shares[paid].sum())
