"""Extended unemployment benefits: more months of job-seeking benefit for the region's laid-off.

Korea's Employment Insurance Act lets the Minister extend job-seeking benefits when
unemployment rises sharply, and an area designated an employment crisis area (Gunsan, Geoje,
Tongyeong and three others in April 2018, MOEL) gets its laid-off workers' benefits extended:
``extra_months`` more months at ``benefit_share`` of their benefit (the Act's special extended
benefit: up to 60 days at 70% of the daily benefit; see docs/policies.md for what was and was
not found in the stored sources). Each month the programme pays, from its budget, every
laid-off worker still unemployed whose regular benefit ended within the last ``extra_months``
months, while the money lasts: the money sets how many months are paid.

The channel is income: the payments join households' disposable income and their spending
(households.py), so local services sell more. Longer benefits also lengthen job search
(Schmieder, von Wachter and Bender 2012 find 0.1-0.2 months more non-employment per extra
month of benefit in Germany); the model's search does not respond to benefits, so the
employment effect here is the demand channel alone, an upper bound.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.inputs.interventions import ExtendedBenefitsSettings
from sim.policy.base import Intervention, register
from sim.region.state import NEVER, UNEMPLOYED

if TYPE_CHECKING:
    from sim.policy.desk import PolicyDesk


@register
class ExtendedBenefits(Intervention):
    Settings = ExtendedBenefitsSettings
    bridge_units = "workers"
    gross_output = None
    gross_rule = None

    def __init__(self, settings: ExtendedBenefitsSettings, ledger, budget_scale: float) -> None:  # noqa: ANN001
        super().__init__(settings, ledger, budget_scale)
        self.settings: ExtendedBenefitsSettings = settings

    @classmethod
    def count_columns(cls) -> dict[str, str]:
        return {"recipients": "laid-off workers paid an extended benefit this month"}

    def step(self, desk: PolicyDesk, month: int) -> None:
        if not self.open_in(desk, month) or self.budget.exhausted_month is not None:
            return
        workforce = desk.workforce
        ended = workforce.benefit_end_month
        # Benefit is paid while month < benefit_end_month; the extension covers the months after.
        eligible = (
            (workforce.status == UNEMPLOYED)
            & (workforce.displaced_month != NEVER)
            & (workforce.benefit_krw > 0)
            & (ended > 0)
            & (ended <= month)
            & (month < ended + self.settings.extra_months)
            & (ended >= self.first_month(desk))
        )
        workers = np.flatnonzero(eligible)
        if len(workers) == 0:
            return
        amounts = workforce.benefit_krw[workers] * self.settings.benefit_share
        paid = desk.pay_workers(self, workers, amounts, "allowance")
        self.counts["recipients"] = float(paid.sum())
