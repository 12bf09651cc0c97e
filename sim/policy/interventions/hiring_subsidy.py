"""Hiring subsidy for displaced workers: part of the wage, for some months, to firms that hire them.

Eligible job seekers were laid off from the chosen sectors within the last
``max_months_since_layoff`` months. While the programme has money, their applications
succeed more often (firms prefer a subsidised hire: ``hiring_boost`` is the relative
rise, an assumption to set per programme), and for each one hired the employer receives
``wage_share`` of the wage for ``months`` months while the worker stays. Card, Kluve and
Weber (2018) find private-sector employment subsidies among the programmes with the
larger short-run effects; some subsidised hires would have happened anyway, and the
comparison with the baseline twin shows how many did not.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Literal

import numpy as np
from pydantic import Field

from sim.policy.base import Intervention, InterventionSettings, register, sector_codes
from sim.region.workforce import EMPLOYED, UNEMPLOYED

if TYPE_CHECKING:
    from sim.model import RegionModel

Sector = Literal["auto", "appliance", "growth", "other_manufacturing", "services"]


class HiringSubsidySettings(InterventionSettings):
    type: Literal["hiring_subsidy"]
    displaced_from: list[Sector] = Field(min_length=1)
    max_months_since_layoff: Annotated[int, Field(gt=0)]
    wage_share: Annotated[float, Field(gt=0.0, le=1.0)]
    months: Annotated[int, Field(gt=0)]
    hiring_boost: Annotated[float, Field(ge=0.0)]


@register
class HiringSubsidy(Intervention):
    Settings = HiringSubsidySettings

    def __init__(self, settings: HiringSubsidySettings, ledger, budget_scale: float) -> None:  # noqa: ANN001
        super().__init__(settings, ledger, budget_scale)
        self.settings: HiringSubsidySettings = settings
        self.workers = np.zeros(0, dtype=np.int64)  # subsidised hires
        self.employers = np.zeros(0, dtype=np.int64)
        self.months_left = np.zeros(0, dtype=np.int64)

    @classmethod
    def count_columns(cls) -> dict[str, str]:
        return {
            "subsidised_hires": "displaced workers hired with the subsidy last month",
            "subsidised_jobs": "subsidised jobs paid for this month",
        }

    def _eligible(self, model: RegionModel, workers: np.ndarray, at_month: np.ndarray | int) -> np.ndarray:
        workforce = model.workforce
        since = np.asarray(at_month) - workforce.displaced_month[workers]
        return (
            np.isin(workforce.displaced_sector[workers], sector_codes(self.settings.displaced_from))
            & (since >= 0)
            & (since <= self.settings.max_months_since_layoff)
        )

    def step(self, model: RegionModel, month: int) -> None:
        workforce = model.workforce
        settings = self.settings
        boosting = self.open_in(model, month - 1) and self.budget.exhausted_month is None

        # Last month's hires of eligible workers (made while the boost was on) join the scheme.
        if boosting and self.budget.remaining_krw > 0:
            hires = model.last_hires
            hired = hires.workers[self._eligible(model, hires.workers, month - 1)]
            firms = hires.firms[self._eligible(model, hires.workers, month - 1)]
            self.workers = np.concatenate([self.workers, hired])
            self.employers = np.concatenate([self.employers, firms])
            self.months_left = np.concatenate([self.months_left, np.full(len(hired), settings.months)])
            self.counts["subsidised_hires"] = float(len(hired))

        # Pay for subsidised jobs still held at the same employer.
        staying = (workforce.status[self.workers] == EMPLOYED) & (workforce.employer[self.workers] == self.employers)
        staying &= self.months_left > 0
        self.workers, self.employers, self.months_left = (
            self.workers[staying],
            self.employers[staying],
            self.months_left[staying],
        )
        if len(self.workers):
            amounts = workforce.wage[self.workers] * settings.wage_share
            paid = model.pay_firms(self, self.employers, amounts, "subsidy")
            self.months_left[paid] -= 1
            self.months_left[~paid] = 0
            self.counts["subsidised_jobs"] = float(paid.sum())

        # This month's boost for eligible job seekers, while the programme is open and has money.
        if self.open_in(model, month) and self.budget.remaining_krw > 0 and self.budget.exhausted_month is None:
            unemployed = np.flatnonzero(workforce.status == UNEMPLOYED)
            eligible = unemployed[self._eligible(model, unemployed, month)]
            workforce.search_boost[eligible] = 1.0 + settings.hiring_boost
