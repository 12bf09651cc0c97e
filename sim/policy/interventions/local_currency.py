"""Local currency (지역사랑상품권): discounted vouchers households can spend only at local merchants.

The region sells vouchers at a discount of ``discount_share`` and the budget pays the
discount, so the money sets the volume: each month's budget (spread over the months the
programme is open) buys ``budget / discount_share`` of vouchers, at most
``max_share_of_spending`` of households' spending. National support began in 2018 with the
employment crisis areas: the state paid a 10% discount on Gunsan's and Geoje's vouchers
(Korea Research Institute for Local Administration, policy brief of 2020-12-31, Yeo Hyo-seong).

Two channels, both through households (docs/model.md 7.10):

- the discount is household income, spent like any other;
- the vouchers must be spent locally, so of the spending they carry, ``diverted_share`` moves
  from outside the region to its local services; the rest would have been spent locally
  anyway. Households' total spending does not change: the region gains what other regions
  lose (the Korea Institute of Public Finance, Song and Lee 2020, found no national gain).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim.inputs.interventions import LocalCurrencySettings
from sim.policy.base import Intervention, register

if TYPE_CHECKING:
    from sim.policy.desk import PolicyDesk


@register
class LocalCurrency(Intervention):
    Settings = LocalCurrencySettings
    # No unit of its own; announced by the Bank of Korea's employment inducement coefficient of
    # services, 12.5 jobs per 1 bn KRW of final demand (2019 input-output table, released
    # 2021-06-21, reported by 이투데이 and 뉴스웍스 2021-06-21), on the vouchers issued.
    headcount_rule = ("spending", "vouchers_krw")
    announced_jobs_per_bn_krw = 12.5

    def __init__(self, settings: LocalCurrencySettings, ledger, budget_scale: float) -> None:  # noqa: ANN001
        super().__init__(settings, ledger, budget_scale)
        self.settings: LocalCurrencySettings = settings

    @classmethod
    def count_columns(cls) -> dict[str, str]:
        return {
            "vouchers_krw": "vouchers households bought this month, KRW",
            "diverted_krw": "spending the vouchers moved from outside the region to local services this month, KRW",
        }

    def step(self, desk: PolicyDesk, month: int) -> None:
        settings = self.settings
        if not self.open_in(desk, month) or self.budget.exhausted_month is not None:
            return
        affordable = min(self.monthly_budget_krw(desk), self.budget.remaining_krw) / settings.discount_share
        vouchers = min(affordable, settings.max_share_of_spending * desk.household_spending_krw)
        if vouchers <= 0 or not desk.pay_households(self, vouchers * settings.discount_share, "discount"):
            return
        diverted = settings.diverted_share * vouchers
        desk.divert_spending_to_local(diverted)
        self.counts["vouchers_krw"] = vouchers
        self.counts["diverted_krw"] = diverted
