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

from typing import TYPE_CHECKING

import numpy as np

from sim.inputs.interventions import HiringSubsidySettings
from sim.policy.base import Intervention, register
from sim.region.state import EMPLOYED, UNEMPLOYED

if TYPE_CHECKING:
    from sim.policy.desk import PolicyDesk


@register
class HiringSubsidy(Intervention):
    Settings = HiringSubsidySettings
    bridge_units = "workers"
    gross_output = "subsidised_jobs"
    gross_rule = ("months", "subsidised_jobs")
    headcount_rule = ("events", "subsidised_hires")

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

    def _eligible(self, desk: PolicyDesk, workers: np.ndarray, at_month: np.ndarray | int) -> np.ndarray:
        workforce = desk.workforce
        since = np.asarray(at_month) - workforce.displaced_month[workers]
        return (
            np.isin(workforce.displaced_sector[workers], desk.sector_codes(self.settings.displaced_from))
            & (since >= 0)
            & (since <= self.settings.max_months_since_layoff)
        )

    def step(self, desk: PolicyDesk, month: int) -> None:
        workforce = desk.workforce
        settings = self.settings
        boosting = self.open_in(desk, month - 1) and self.budget.exhausted_month is None

        # Last month's hires of eligible workers (made while the boost was on) join the scheme.
        if boosting and self.budget.remaining_krw > 0:
            hires = desk.last_hires
            hired = hires.workers[self._eligible(desk, hires.workers, month - 1)]
            firms = hires.firms[self._eligible(desk, hires.workers, month - 1)]
            self.workers = np.concatenate([self.workers, hired])
            self.employers = np.concatenate([self.employers, firms])
            self.months_left = np.concatenate([self.months_left, np.full(len(hired), settings.months)])
            self.counts["subsidised_hires"] = float(len(hired))
            desk.note_participants(hired)  # the programme's participants, for the gross-to-net bridge

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
            paid = desk.subsidise_wages(self, self.employers, amounts)
            self.months_left[paid] -= 1
            self.months_left[~paid] = 0
            self.counts["subsidised_jobs"] = float(paid.sum())

        # This month's boost for eligible job seekers, while the programme is open and has money.
        if self.open_in(desk, month) and self.budget.remaining_krw > 0 and self.budget.exhausted_month is None:
            unemployed = np.flatnonzero(workforce.status == UNEMPLOYED)
            eligible = unemployed[self._eligible(desk, unemployed, month)]
            desk.boost_search(eligible, 1.0 + settings.hiring_boost)
