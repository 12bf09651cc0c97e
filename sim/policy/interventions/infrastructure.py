"""Industrial-site infrastructure: works in industrial complexes that lower firms' running costs.

Modelled on Gyeongju (seed 002): 3.5 billion KRW resolved more than 120 problems (parking,
roads, access, flooding) in 35 industrial and agro-industrial complexes. The budget is
spent evenly over ``build_months``; from the month the works are finished, firms of the
chosen sectors in the chosen complexes (all complexes if none are named) save
``fixed_cost_reduction`` of their fixed costs, in proportion to the share of the budget
actually spent.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Literal

import numpy as np
from pydantic import Field

from sim.errors import ScenarioError
from sim.policy.base import Intervention, InterventionSettings, register, sector_codes

if TYPE_CHECKING:
    from sim.model import RegionModel

Sector = Literal["auto", "appliance", "growth", "other_manufacturing", "services"]


class InfrastructureSettings(InterventionSettings):
    type: Literal["infrastructure"]
    sectors: list[Sector] = Field(min_length=1)
    complexes: list[Annotated[int, Field(ge=0)]] = Field(default_factory=list)
    fixed_cost_reduction: Annotated[float, Field(ge=0.0, le=0.5)]
    build_months: Annotated[int, Field(gt=0)]


@register
class Infrastructure(Intervention):
    Settings = InfrastructureSettings

    def __init__(self, settings: InfrastructureSettings, ledger, budget_scale: float) -> None:  # noqa: ANN001
        super().__init__(settings, ledger, budget_scale)
        self.settings: InfrastructureSettings = settings
        self.months_built = 0

    @classmethod
    def count_columns(cls) -> dict[str, str]:
        return {"firms_served": "firms whose fixed costs the finished works lower (end of month)"}

    def targets(self, model: RegionModel) -> np.ndarray:
        firms = model.firms
        mask = np.isin(firms.sector, sector_codes(self.settings.sectors))
        if self.settings.complexes:
            mask &= np.isin(firms.complex_id, self.settings.complexes)
        return mask

    def check(self, model: RegionModel, source: str, index: int) -> None:
        available = model.config.firms.industrial_complexes
        for position, complex_id in enumerate(self.settings.complexes):
            if complex_id >= available:
                raise ScenarioError(
                    source,
                    f"interventions[{index}].complexes[{position}]",
                    complex_id,
                    f"allowed: complex numbers 0 to {available - 1} (firms.industrial_complexes)",
                )
        if not self.targets(model).any():
            self.warn(source, index, "no firm in the chosen sectors and complexes")

    def step(self, model: RegionModel, month: int) -> None:
        settings = self.settings
        if self.months_built < settings.build_months and self.open_in(model, month):
            monthly = self.budget.total_krw / settings.build_months
            model.pay_for_services(self, "project", np.array([-1]), np.array([monthly]), "infrastructure")
            self.months_built += 1
        finished = self.months_built >= settings.build_months or month > self.last_month(model)
        if finished and self.budget.spent_krw > 0:
            served = self.targets(model)
            spent_share = min(self.budget.spent_krw / self.budget.total_krw, 1.0)
            model.firms.overhead_discount[served] = settings.fixed_cost_reduction * spent_share
            self.counts["firms_served"] = float(served.sum())
