"""Foreign workforce supply: region-specific visas that fill vacancies local job seekers leave open.

Modelled on the region-specific visa system (seed 001). Each month, as many foreign workers
as the month's budget pays recruitment for (the budget spread over the months the programme
is open, divided by ``recruitment_cost_per_worker_krw``) are placed in firms of the chosen sectors that have
vacancies, one per vacancy, at a recruitment cost to the programme. With
``hard_to_fill_only`` (the usual setting) only vacancies that have stayed unfilled for at
least ``min_months_unfilled`` months qualify, so the workers fill jobs local job seekers
did not take; without it they may take any open job, and can crowd local seekers out.
Foreign workers stay with their employer until their visa ends, then leave the region.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.inputs.interventions import ForeignWorkforceSettings
from sim.policy.base import Intervention, register
from sim.region.state import ACTIVE

if TYPE_CHECKING:
    from sim.policy.desk import PolicyDesk


@register
class ForeignWorkforce(Intervention):
    Settings = ForeignWorkforceSettings
    bridge_units = "workers"
    gross_output = "foreign_workers_placed"
    gross_rule = ("to_horizon", "workers_placed")
    headcount_rule = ("events", "workers_placed")

    def __init__(self, settings: ForeignWorkforceSettings, ledger, budget_scale: float) -> None:  # noqa: ANN001
        super().__init__(settings, ledger, budget_scale)
        self.settings: ForeignWorkforceSettings = settings
        self.quota_credit = 0.0

    @classmethod
    def count_columns(cls) -> dict[str, str]:
        return {"workers_placed": "foreign workers placed in jobs this month"}

    def check(self, desk: PolicyDesk, source: str, index: int) -> None:
        in_sectors = np.isin(desk.firms.sector, desk.sector_codes(self.settings.sectors))
        if not in_sectors.any():
            self.warn(source, index, f"no firm in {self.settings.sectors}")

    def step(self, desk: PolicyDesk, month: int) -> None:
        if not self.open_in(desk, month):
            return
        firms = desk.firms
        settings = self.settings
        self.quota_credit += self.monthly_budget_krw(desk) / settings.recruitment_cost_per_worker_krw
        places = int(self.quota_credit)
        if places == 0:
            return
        openings = desk.planned_openings()
        wanting = (firms.status == ACTIVE) & np.isin(firms.sector, desk.sector_codes(settings.sectors)) & (openings > 0)
        if settings.hard_to_fill_only:
            wanting &= firms.unfilled_months >= settings.min_months_unfilled
        candidates = np.flatnonzero(wanting)
        if len(candidates) == 0:
            return
        order = np.argsort(desk.streams.uniform(f"{self.name}/firms", month, firms.key[candidates]), kind="stable")
        slots = np.repeat(candidates[order], openings[candidates[order]])[:places]
        cost = settings.recruitment_cost_per_worker_krw * np.ones(len(slots))
        paid = desk.pay_for_services(self, "firm", slots, cost, "recruitment")
        slots = slots[paid]
        desk.add_foreign_workers(slots, settings.visa_months, settings.skill_level)
        self.quota_credit -= len(slots)
        self.counts["workers_placed"] = float(len(slots))
