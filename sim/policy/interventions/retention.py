"""Employment-retention subsidy: part of the wage of workers a firm keeps instead of laying off.

At the policy point the programme looks at each eligible firm's workforce plan for the
month. A firm about to lay off workers is offered a subsidy of ``wage_share`` of the wage
of each job it keeps instead, for up to ``max_months`` months; covered jobs are not cut.
If the firm lays workers off anyway while covered, it repays what it received under that
agreement (clawback) and the agreement ends. Retention buys time: it saves the jobs when
orders come back before the subsidy ends, and only delays the layoffs when they do not.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Literal

import numpy as np
from pydantic import Field

from sim.policy.base import Intervention, InterventionSettings, eligible_firms, extend_to, register
from sim.region.firms import ACTIVE

if TYPE_CHECKING:
    from sim.model import RegionModel

Sector = Literal["auto", "appliance", "growth", "other_manufacturing", "services"]


class RetentionSettings(InterventionSettings):
    type: Literal["employment_retention"]
    sectors: list[Sector] = Field(min_length=1)
    sme_only: bool
    wage_share: Annotated[float, Field(gt=0.0, le=1.0)]
    max_months: Annotated[int, Field(gt=0)]
    clawback: bool


@register
class EmploymentRetention(Intervention):
    Settings = RetentionSettings

    def __init__(self, settings: RetentionSettings, ledger, budget_scale: float) -> None:  # noqa: ANN001
        super().__init__(settings, ledger, budget_scale)
        self.settings: RetentionSettings = settings
        self.covered = np.zeros(0, dtype=np.int64)  # jobs covered per firm id
        self.months_used = np.zeros(0, dtype=np.int64)
        self.received = np.zeros(0)  # KRW received under the current agreement

    @classmethod
    def count_columns(cls) -> dict[str, str]:
        return {
            "firms_supported": "firms paid a retention subsidy this month",
            "jobs_covered": "jobs kept with a retention subsidy this month",
            "clawbacks": "firms that laid workers off while covered and repaid this month",
        }

    def eligible(self, model: RegionModel) -> np.ndarray:
        return eligible_firms(model, self.settings.sectors, self.settings.sme_only)

    def check(self, model: RegionModel, source: str, index: int) -> None:
        if not self.eligible(model).any():
            self.warn(source, index, "no firm in the scenario is eligible")

    def step(self, model: RegionModel, month: int) -> None:
        firms = model.firms
        self.covered = extend_to(self.covered, firms.count)
        self.months_used = extend_to(self.months_used, firms.count)
        self.received = extend_to(self.received, firms.count)
        settings = self.settings

        # Firms that laid workers off (or failed) while covered repay and leave.
        enrolled = np.flatnonzero(self.covered > 0)
        broke = enrolled[(model.firm_layoffs_last_month[enrolled] > 0) | (firms.status[enrolled] != ACTIVE)]
        if len(broke) and settings.clawback:
            collected = model.collect_from_firms(self, broke, self.received[broke], "clawback")
            self.counts["clawbacks"] = float((collected > 0).sum())
        self.covered[broke] = 0
        self.received[broke] = 0.0
        done = self.months_used >= settings.max_months
        self.covered[done] = 0
        self.received[done] = 0.0

        # New and growing agreements: cover the layoffs each eligible firm plans this month.
        if self.open_in(model, month):
            planned = model.planned_layoffs()
            offer = self.eligible(model) & (planned > 0) & (self.months_used < settings.max_months)
            self.covered[offer] = np.maximum(self.covered[offer], planned[offer])

        # Pay for this month's covered jobs; only paid jobs are kept.
        paying = np.flatnonzero(self.covered > 0)
        if len(paying) == 0:
            return
        mean_wage = firms.wage_bill[paying] / np.maximum(firms.employees[paying], 1)
        amounts = self.covered[paying] * mean_wage * settings.wage_share
        paid = model.pay_firms(self, paying, amounts, "subsidy")
        unpaid = paying[~paid]
        self.covered[unpaid] = 0
        self.received[unpaid] = 0.0
        kept = paying[paid]
        firms.retention_covered[kept] = self.covered[kept]
        self.received[kept] += amounts[paid]
        self.months_used[kept] += 1
        self.counts["firms_supported"] = float(len(kept))
        self.counts["jobs_covered"] = float(self.covered[kept].sum())
