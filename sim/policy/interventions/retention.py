"""Employment-retention subsidy: part of the wage of workers a firm keeps instead of laying off.

At the policy point the programme looks at each eligible firm's workforce plan for the
month. A firm about to lay off workers is offered a subsidy of ``wage_share`` of the wage
of each job it keeps instead, for up to ``max_months_per_year`` months in each calendar year
(the Enforcement Decree of the Employment Insurance Act allows retention support for up
to 180 days a year, and again in later years); covered jobs are not cut.
If the firm lays workers off anyway while covered, it repays what it received under that
agreement (clawback) and the agreement ends. Retention buys time: it saves the jobs when
orders come back before the subsidy ends, and only delays the layoffs when they do not.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.inputs.interventions import RetentionSettings
from sim.policy.base import FirmProgramme, register
from sim.region.state import ACTIVE, Column

if TYPE_CHECKING:
    from sim.policy.desk import PolicyDesk


@register
class EmploymentRetention(FirmProgramme):
    Settings = RetentionSettings
    bridge_units = "firms"
    gross_output = "jobs_retained"
    gross_rule = ("months", "jobs_covered")
    headcount_rule = ("peak", "jobs_covered")

    def __init__(self, settings: RetentionSettings, ledger, budget_scale: float) -> None:  # noqa: ANN001
        super().__init__(settings, ledger, budget_scale)
        self.settings: RetentionSettings = settings
        self.year = -1  # calendar year of the last policy point; months_used restart each January

    @classmethod
    def firm_columns(cls) -> dict[str, Column]:
        owner = "employment_retention"
        return {
            "covered": Column(np.int64, 0, "jobs covered by the current agreement", owner),
            "months_used": Column(np.int64, 0, "months of support used this calendar year", owner),
            "received": Column(np.float64, 0.0, "KRW received under the current agreement", owner),
        }

    @classmethod
    def count_columns(cls) -> dict[str, str]:
        return {
            "firms_supported": "firms paid a retention subsidy this month",
            "jobs_covered": "jobs kept with a retention subsidy this month",
            "clawbacks": "firms that laid workers off while covered and repaid this month",
        }

    def step(self, desk: PolicyDesk, month: int) -> None:
        firms = desk.firms
        covered, months_used = desk.own(self, "covered"), desk.own(self, "months_used")
        received = desk.own(self, "received")
        settings = self.settings
        year = (desk.config.start_month + month - 1) // 12
        if year != self.year:
            months_used[:] = 0
            self.year = year

        # Firms that laid workers off (or failed) while covered repay and leave.
        enrolled = np.flatnonzero(covered > 0)
        broke = enrolled[(firms.layoffs_last_month[enrolled] > 0) | (firms.status[enrolled] != ACTIVE)]
        if len(broke) and settings.clawback:
            collected = desk.collect_from_firms(self, broke, received[broke], "clawback")
            self.counts["clawbacks"] = float((collected > 0).sum())
        covered[broke] = 0
        received[broke] = 0.0
        done = months_used >= settings.max_months_per_year
        covered[done] = 0
        received[done] = 0.0

        # New and growing agreements: cover the layoffs each eligible firm plans this month.
        if self.open_in(desk, month):
            planned = desk.planned_layoffs()
            offer = self.eligible(desk) & (planned > 0) & (months_used < settings.max_months_per_year)
            covered[offer] = np.maximum(covered[offer], planned[offer])

        # Pay for this month's covered jobs; only paid jobs are kept.
        paying = np.flatnonzero(covered > 0)
        if len(paying) == 0:
            return
        mean_wage = firms.wage_bill[paying] / np.maximum(firms.employees[paying], 1)
        amounts = covered[paying] * mean_wage * settings.wage_share
        paid = desk.subsidise_wages(self, paying, amounts)
        unpaid = paying[~paid]
        covered[unpaid] = 0
        received[unpaid] = 0.0
        kept = paying[paid]
        desk.shield_jobs(kept, covered[kept])
        received[kept] += amounts[paid]
        months_used[kept] += 1
        self.counts["firms_supported"] = float(len(kept))
        self.counts["jobs_covered"] = float(covered[kept].sum())
