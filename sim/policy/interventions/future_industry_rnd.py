"""R&D and commercialisation grants for firms of the region's future industries (seed 004).

Seed 004: for the 19 future new industries "support will be provided for planning technology
tasks and technology development to secure core technologies, and growth into main industries
will be promoted through investment and financing linkage". Which sectors of a scenario stand
for its region's future industries is the package's choice (scenarios/national/key_industries.csv
lists them by region: Gwangju's is industrial AI, the scenario's ``growth`` sector).

The mechanism is commercialisation's (``SupportForSales``: each firm supported once, the budget
buying grants at a unit cost per full-scale firm, a rise in sales to buyers outside the region),
with two differences the evaluations ask for: the grant goes into the firm's cash (ledger kind
``grant``: an R&D subsidy pays the firm's own development costs), and the sales rise begins only
``lag_months`` after the grant (development comes before sales). Sizes, in the package file:
the grant per firm is the mean of the SME R&D programmes (12.73 trillion KRW over 73,475 firm-tasks,
2011-2015: 173 million KRW a task; STEPI, 중소기업 R&D 지원의 현황과 성과분석, kbiz 2017); the
effect is STEPI's propensity-score comparison for the Small and Medium Business Administration
(10,831 supported SMEs against 15,313 matched unsupported ones, 2010-2014): sales 39.3% higher
after five years against 24.1% (a level 12.2% above the matched firms'), employment rising from
one year after support (SMBA, Etnews 18 Jan 2016). Being a comparison, it is net of deadweight
(what the firms would have done unfunded); the gross claim is every job at the funded firms.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.inputs.interventions import FutureIndustryRndSettings
from sim.policy.base import SupportForSales, register

if TYPE_CHECKING:
    from sim.policy.desk import PolicyDesk


@register
class FutureIndustryRnd(SupportForSales):
    Settings = FutureIndustryRndSettings
    tracks_jobs = True

    def __init__(self, settings: FutureIndustryRndSettings, ledger, budget_scale: float) -> None:  # noqa: ANN001
        super().__init__(settings, ledger, budget_scale)
        self.settings: FutureIndustryRndSettings = settings

    @classmethod
    def count_columns(cls) -> dict[str, str]:
        return {
            "firms_supported": "firms given an R&D grant this month",
            "support_krw": "R&D grants paid to firms this month, KRW",
            "firms_uplifted": "funded firms whose outside sales are raised at the end of the month",
        }

    def unit_cost_krw(self) -> float:
        return self.settings.grant_per_firm_krw

    def _pay(self, desk: PolicyDesk, firms: np.ndarray, amounts_krw: np.ndarray) -> np.ndarray:
        """A grant into the firm's cash."""
        return desk.pay_firms(self, firms, amounts_krw, "grant")
