"""Employment services: intensive counselling and job-search assistance for the jobless.

Modelled on Korea's National Employment Support Programme (국민취업지원제도, from 2021; the
Employment Success Package, 취업성공패키지, before it): a counsellor draws up an individual
job-search plan, refers the seeker to vacancies and checks the search each month, for up to
``programme_months`` months; Type I participants receive a job-seeking allowance of
``allowance_krw_per_month`` meanwhile. The unit cost of a participant is ``service_cost_krw``
(paid at enrolment, a ``counselling`` row) plus the allowance for the whole programme (paid
monthly while the participant is still searching): the budget, spread over the months the
programme is open, enrols as many as it pays for.

Enrolment is by lot among the eligible (unemployed residents who have searched at least
``min_months_unemployed`` months and have not been enrolled before): those drawn in a month
are enrolled, and as many of the rest, next in the draw, form that month's comparison group,
as a randomised evaluation would. The channel is search: while enrolled and unemployed, a
participant's applications succeed ``search_boost`` times as often (desk.boost_search, read
by the labour market's matching), taking some jobs other seekers would have had where
vacancies are few. The allowance is household income.

The counts report the monthly re-employment hazard of participants and of the comparison
group (searching this month, hired by the next policy point), so the programme's effect on
the hazard can be read off the monthly table.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.inputs.interventions import EmploymentServicesSettings
from sim.policy.base import Intervention, register
from sim.region.state import COMMUTING_OUT, EMPLOYED, UNEMPLOYED

if TYPE_CHECKING:
    from sim.policy.desk import PolicyDesk


@register
class EmploymentServices(Intervention):
    Settings = EmploymentServicesSettings
    # Counselling programmes report participants who found work (the Employment Success Package's
    # 취업자 수, MOEL): each hire claims a job to the horizon, like retraining's placements.
    bridge_units = "workers"
    gross_output = "participants_into_work"
    gross_rule = ("to_horizon", "participants_hired")
    headcount_rule = ("events", "participants_hired")

    def __init__(self, settings: EmploymentServicesSettings, ledger, budget_scale: float) -> None:  # noqa: ANN001
        super().__init__(settings, ledger, budget_scale)
        self.settings: EmploymentServicesSettings = settings
        self.members = np.zeros(0, dtype=np.int64)  # participants and comparison members
        self.window_end = np.zeros(0, dtype=np.int64)  # month after the member's last programme month
        self.treated = np.zeros(0, dtype=bool)
        self.searching = np.zeros(0, dtype=bool)  # searching in the window at the last policy point
        self.seat_credit = 0.0
        self.committed_krw = 0.0  # allowances still owed to participants searching

    @classmethod
    def count_columns(cls) -> dict[str, str]:
        return {
            "enrolled": "jobless residents enrolled this month",
            "participants_searching": "participants searching in their programme months this month (boosted)",
            "participants_hired": "participants searching last month who were in a job at this policy point",
            "comparison_searching": "comparison-group members (not drawn) searching in the same months",
            "comparison_hired": "comparison-group members searching last month who were in a job at this policy point",
        }

    def unit_cost_krw(self) -> float:
        """Cost of one participant: the services and the allowance for the whole programme (KRW)."""
        settings = self.settings
        return settings.service_cost_krw + settings.allowance_krw_per_month * settings.programme_months

    def seats_per_month(self, desk: PolicyDesk) -> float:
        unit = self.unit_cost_krw()
        return self.monthly_budget_krw(desk) / unit if unit > 0 else 0.0

    def check(self, desk: PolicyDesk, source: str, index: int) -> None:
        if self.seats_per_month(desk) * 12 < 1:
            self.warn(source, index, "the budget pays for fewer than one participant a year at this scale")

    def step(self, desk: PolicyDesk, month: int) -> None:
        workforce = desk.workforce
        settings = self.settings
        # Who of last month's searchers is in a job now (hired by the labour market since).
        status = workforce.status[self.members]
        in_job = (status == EMPLOYED) | (status == COMMUTING_OUT)
        hired = self.searching & in_job
        self.counts["participants_hired"] = float((hired & self.treated).sum())
        self.counts["comparison_hired"] = float((hired & ~self.treated).sum())
        # Participants no longer searching (hired, retired, moved) or out of their window: their
        # remaining allowance is no longer owed.
        leaving = self.treated & self.searching & ((status != UNEMPLOYED) | (self.window_end <= month))
        self.committed_krw = max(
            self.committed_krw
            - settings.allowance_krw_per_month * float(np.maximum(self.window_end[leaving] - month, 0).sum()),
            0.0,
        )

        if self.open_in(desk, month) and self.budget.exhausted_month is None:
            self.seat_credit += self.seats_per_month(desk)
            seats = int(self.seat_credit)
            self.seat_credit -= seats
            if seats > 0:
                self._enrol(desk, month, seats)

        self.searching = (workforce.status[self.members] == UNEMPLOYED) & (month < self.window_end)
        boosted = self.members[self.searching & self.treated]
        if len(boosted):
            desk.boost_search(boosted, settings.search_boost)
            if settings.allowance_krw_per_month > 0:
                amounts = np.full(len(boosted), settings.allowance_krw_per_month)
                paid = desk.pay_workers(self, boosted, amounts, "allowance")
                self.committed_krw = max(self.committed_krw - float(amounts[paid].sum()), 0.0)
        self.counts["participants_searching"] = float(len(boosted))
        self.counts["comparison_searching"] = float((self.searching & ~self.treated).sum())

    def _enrol(self, desk: PolicyDesk, month: int, seats: int) -> None:
        workforce = desk.workforce
        settings = self.settings
        unemployed = np.flatnonzero(workforce.status == UNEMPLOYED)
        eligible = unemployed[
            (month - workforce.unemployed_since[unemployed] >= settings.min_months_unemployed)
            & ~workforce.lives_outside[unemployed]
        ]
        eligible = np.setdiff1d(eligible, self.members, assume_unique=True)
        if len(eligible) == 0:
            return
        order = np.argsort(desk.streams.uniform(f"{self.name}/lot", month, workforce.key[eligible]), kind="stable")
        drawn = eligible[order]
        unit = self.unit_cost_krw()
        affordable = int(max(self.budget.remaining_krw - self.committed_krw, 0.0) // unit) if unit > 0 else seats
        take = min(seats, affordable, len(drawn))
        if take < min(seats, len(drawn)):
            self.budget.refuse(month)
        chosen, comparison = drawn[:take], drawn[take : 2 * take]
        if settings.service_cost_krw > 0 and take:
            paid = desk.pay_for_services(
                self, "worker", chosen, np.full(take, settings.service_cost_krw), "counselling"
            )
            chosen = chosen[paid]
        self.committed_krw += settings.allowance_krw_per_month * settings.programme_months * len(chosen)
        end = month + settings.programme_months
        self.members = np.concatenate([self.members, chosen, comparison])
        self.window_end = np.concatenate([self.window_end, np.full(len(chosen) + len(comparison), end)])
        self.treated = np.concatenate(
            [self.treated, np.ones(len(chosen), dtype=bool), np.zeros(len(comparison), dtype=bool)]
        )
        self.searching = np.concatenate([self.searching, np.zeros(len(chosen) + len(comparison), dtype=bool)])
        self.counts["enrolled"] = float(len(chosen))
