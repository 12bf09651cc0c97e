"""Social-economy enterprise grants and public procurement.

Modelled on Gwanak-gu (seed 003): business-development grants of up to 20 million KRW per
social-economy enterprise (brand development, prototypes), and new sales channels
(a market with about 300 million KRW of sales a year; a public-procurement fair).
Social enterprises and cooperatives are small service firms (``firms.social_enterprise``).

Each month the programme gives grants to enterprises that have not had one, in random
order, up to ``grants_per_year``: the grant is cash, and the new products raise the
enterprise's sales by ``sales_uplift`` for ``uplift_months`` months. It also buys
``procurement_krw_per_year`` of goods and services from the active enterprises, shared
equally, as orders they fill the next month.
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

    def __init__(self, settings: SocialEconomySettings, ledger, budget_scale: float) -> None:  # noqa: ANN001
        super().__init__(settings, ledger, budget_scale)
        self.settings: SocialEconomySettings = settings
        self.granted = np.zeros(0, dtype=np.int64)
        self.uplift_ends = np.zeros(0, dtype=np.int64)
        self.grant_credit = 0.0

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
        desk.set_sales_uplift(ended, 0.0)
        if not self.open_in(desk, month):
            return
        enterprises = np.flatnonzero(firms.social_enterprise & (firms.status == ACTIVE))

        self.grant_credit += settings.grants_per_year * self.budget_scale / 12.0
        grants = int(self.grant_credit)
        self.grant_credit -= grants
        candidates = np.setdiff1d(enterprises, self.granted)
        if grants > 0 and len(candidates) and settings.grant_krw > 0:
            order = np.argsort(desk.streams.uniform(f"{self.name}/grant", month, firms.key[candidates]), kind="stable")
            chosen = candidates[order][:grants]
            paid = desk.pay_firms(self, chosen, settings.grant_krw * firms.size_factor[chosen], "grant")
            chosen = chosen[paid]
            desk.set_sales_uplift(chosen, settings.sales_uplift)
            self.granted = np.concatenate([self.granted, chosen])
            self.uplift_ends = np.concatenate([self.uplift_ends, np.full(len(chosen), month + settings.uplift_months)])
            self.counts["grants"] = float(len(chosen))

        monthly = settings.procurement_krw_per_year * self.budget_scale / 12.0
        if monthly > 0 and len(enterprises):
            shares = np.full(len(enterprises), monthly / len(enterprises))
            paid = desk.pay_for_services(self, "firm", enterprises, shares, "procurement")
            desk.buy_from(enterprises[paid], shares[paid])
            self.counts["procurement_krw"] = float(shares[paid].sum())
