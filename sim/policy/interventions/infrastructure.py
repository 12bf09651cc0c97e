"""Industrial-site infrastructure: works in industrial complexes that lower firms' running costs.

Modelled on Gyeongju (seed 002): 3.5 billion KRW resolved more than 120 problems (parking,
roads, access, flooding) in 35 industrial and agro-industrial complexes. The budget is
spent evenly over ``build_months``; from the month the works are finished, firms of the
chosen sectors in the chosen complexes (all complexes if none are named) save each year
``annual_saving_per_krw`` KRW of running costs per KRW spent on the works, as a share of
their overheads when the works are done (at most half): the money sets the saving.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.errors import ScenarioError
from sim.inputs.interventions import InfrastructureSettings
from sim.policy.base import Intervention, register
from sim.region.state import ACTIVE

if TYPE_CHECKING:
    from sim.policy.desk import PolicyDesk


@register
class Infrastructure(Intervention):
    Settings = InfrastructureSettings
    bridge_units = "firms"
    gross_output = "jobs_in_served_firms"
    gross_rule = ("supported_firms", None)
    headcount_rule = ("first_support", None)

    def __init__(self, settings: InfrastructureSettings, ledger, budget_scale: float) -> None:  # noqa: ANN001
        super().__init__(settings, ledger, budget_scale)
        self.settings: InfrastructureSettings = settings
        self.months_built = 0
        self.saving_share = 0.0  # share of served firms' overheads the finished works save

    @classmethod
    def count_columns(cls) -> dict[str, str]:
        return {"firms_served": "firms whose fixed costs the finished works lower (end of month)"}

    def targets(self, desk: PolicyDesk) -> np.ndarray:
        firms = desk.firms
        mask = np.isin(firms.sector, desk.sector_codes(self.settings.sectors))
        if self.settings.complexes:
            mask &= np.isin(firms.complex_id, self.settings.complexes)
        return mask

    def check(self, desk: PolicyDesk, source: str, index: int) -> None:
        available = desk.config.firms.industrial_complexes
        for position, complex_id in enumerate(self.settings.complexes):
            if complex_id >= available:
                raise ScenarioError(
                    source,
                    f"interventions[{index}].complexes[{position}]",
                    complex_id,
                    f"allowed: complex numbers 0 to {available - 1} (firms.industrial_complexes)",
                )
        if not self.targets(desk).any():
            self.warn(source, index, "no firm in the chosen sectors and complexes")

    def step(self, desk: PolicyDesk, month: int) -> None:
        settings = self.settings
        if self.months_built < settings.build_months and self.open_in(desk, month):
            monthly = self.budget.total_krw / settings.build_months
            desk.pay_for_services(self, "project", np.array([-1]), np.array([monthly]), "infrastructure")
            self.months_built += 1
        finished = self.months_built >= settings.build_months or month > self.last_month(desk)
        if finished and self.budget.spent_krw > 0:
            served = self.targets(desk) & (desk.firms.status == ACTIVE)
            if not self.saving_share:
                # The works save their served firms ``annual_saving_per_krw`` of their cost a
                # year, as a share of those firms' overheads when they are done (at most half).
                overheads = float(desk.firms.fixed_costs[served].sum()) * 12.0
                saving = self.budget.spent_krw * settings.annual_saving_per_krw
                self.saving_share = min(saving / overheads, 0.5) if overheads > 0 else 0.0
            desk.set_fixed_cost_discount(served, self.saving_share)
            self.counts["firms_served"] = float(served.sum())
