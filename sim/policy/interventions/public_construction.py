"""Public construction demand (SOC 조기집행): public works bought from the region's firms.

When a region is hit, the state brings forward its spending on social overhead capital
(SOC 조기집행: roads, public buildings, repairs of industrial sites) and pays local builders and
service firms for works it would otherwise have ordered later or elsewhere. Here the budget,
spread over the months the programme is open, buys each month works from the active firms of
``sectors`` (the shipped scenarios have no construction sector: their local-services industry
stands in for construction and its local suppliers; assumption), shared in proportion to the
firms' output at the start. What a payment buys is the payment divided by the firm's price
(``public_works`` rows, the volume at base prices in the counts): the money sets the volume.

The channel is demand: the works are orders added to the firms' next month's orders
(desk.buy_public_works), paid from money the region's own buyers would not have spent (a
central grant), so no other local firm loses them (unlike procurement, desk.buy_from). The
firms produce them with their own workers, capacity and inputs, hire if short, and pay wages
that households spend: the local multiplier is the model's own. Korean estimates of GDP per
KRW of government spending are 0.44 after 2000 at the peak (Bank of Korea, Choi and Son,
reported by Yonhap Infomax), 0.8 for government consumption (Bank of Korea, Han and Ji 2016)
and 0.87-1.9 from the 1998 input-output table (KIET, Kang 2003); a region leaks more of its
spending than the nation.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.inputs.interventions import PublicConstructionSettings
from sim.policy.base import Intervention, register
from sim.region.state import ACTIVE

if TYPE_CHECKING:
    from sim.policy.desk import PolicyDesk


@register
class PublicConstruction(Intervention):
    Settings = PublicConstructionSettings
    # The builders' jobs are its direct effect; it claims none as a flow. Governments announce
    # the jobs of construction spending by the Bank of Korea's employment inducement coefficient:
    # 10.8 jobs per 1 bn KRW of construction demand (2019 input-output table, released 2021-06-21,
    # reported by 대한전문건설신문 2021 and 뉴스웍스 2021-06-21), direct, indirect and induced, nationwide.
    bridge_units = "firms"
    headcount_rule = ("spending", "works_krw")
    announced_jobs_per_bn_krw = 10.8

    def __init__(self, settings: PublicConstructionSettings, ledger, budget_scale: float) -> None:  # noqa: ANN001
        super().__init__(settings, ledger, budget_scale)
        self.settings: PublicConstructionSettings = settings

    @classmethod
    def count_columns(cls) -> dict[str, str]:
        return {
            "works_krw": "public works paid for this month, KRW",
            "works_volume_krw": "public works ordered this month at base prices (payment / price), KRW",
            "firms_building": "firms given public works this month",
        }

    def targets(self, desk: PolicyDesk) -> np.ndarray:
        firms = desk.firms
        return np.flatnonzero(
            np.isin(firms.sector, desk.sector_codes(self.settings.sectors)) & (firms.status == ACTIVE)
        )

    def check(self, desk: PolicyDesk, source: str, index: int) -> None:
        if len(self.targets(desk)) == 0:
            self.warn(source, index, f"no active firm in sectors {self.settings.sectors}")

    def step(self, desk: PolicyDesk, month: int) -> None:
        if not self.open_in(desk, month) or self.budget.exhausted_month is not None:
            return
        spend = min(self.monthly_budget_krw(desk), self.budget.remaining_krw)
        builders = self.targets(desk)
        if spend <= 0 or len(builders) == 0:
            return
        weights = desk.firms.base_output[builders]
        if weights.sum() <= 0:
            return
        amounts = spend * weights / weights.sum()
        paid = desk.pay_for_services(self, "firm", builders, amounts, "public_works")
        volume = amounts[paid] / desk.firms.price[builders[paid]]
        desk.buy_public_works(builders[paid], volume)
        desk.touch_firms(builders[paid])
        self.counts["works_krw"] = float(amounts[paid].sum())
        self.counts["works_volume_krw"] = float(volume.sum())
        self.counts["firms_building"] = float(paid.sum())
