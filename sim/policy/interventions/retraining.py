"""Retraining and job transition: courses that move displaced workers towards growth-industry jobs.

Modelled on Gwangju's "skill-level-based job transitions in growth industries (AI,
aviation, eco-friendly cars)" (seed 000). Each month the programme offers seats to
eligible job seekers (laid off from chosen sectors, of chosen skill levels, unemployed for
at least a minimum time), in random order, as many as its budget pays for (the budget spread
over the months it is open, divided by a course's fee and allowances); each accepts with probability ``take_up_rate``.
Trainees leave job search for ``course_months`` months and receive a monthly allowance;
their unemployment benefit is held over until the course ends. The course fee is paid at
enrolment, and a seat is only offered while the budget can pay the whole course.

At the end a trainee completes with probability ``completion_rate``: the worker's
occupation becomes the target occupation nearest to the old one, and the skill level rises
by one with probability ``skill_upgrade_probability``. Non-completers return to search
unchanged. Programmes that work with employers in the target industries also place
graduates: each month, for ``placement_window_months`` after the course, an unemployed
graduate is placed with probability ``placement_rate_per_month`` in an opening of a firm of
the ``placement_sectors``, while such openings exist (no placement unless these are set).

Because trainees do not search during the course, the short-run effect on employment is
zero or negative, and the gain comes later (Card, Kluve and Weber 2018).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.errors import ScenarioError
from sim.inputs.interventions import RetrainingSettings
from sim.policy.base import Intervention, register
from sim.region.state import IN_TRAINING, UNEMPLOYED

if TYPE_CHECKING:
    from sim.policy.desk import PolicyDesk


@register
class Retraining(Intervention):
    Settings = RetrainingSettings
    bridge_units = "workers"
    gross_output = "placements"
    gross_rule = ("to_horizon", "graduates_placed")
    headcount_rule = ("events", "graduates_placed")

    def __init__(self, settings: RetrainingSettings, ledger, budget_scale: float) -> None:  # noqa: ANN001
        super().__init__(settings, ledger, budget_scale)
        self.settings: RetrainingSettings = settings
        self.trainees = np.zeros(0, dtype=np.int64)  # ids in a course now
        self.seat_credit = 0.0  # fractional seats carried to next month
        self.committed_krw = 0.0  # allowances still owed to current trainees
        self.graduates = np.zeros(0, dtype=np.int64)  # completed a course, may still be placed
        self.graduated = np.zeros(0, dtype=np.int64)  # month each completed

    @classmethod
    def count_columns(cls) -> dict[str, str]:
        return {
            "trainees_started": "workers who started a course this month",
            "trainees_in_course": "workers in a course at the end of the month",
            "trainees_completed": "workers who completed a course this month",
            "trainees_dropped": "workers who left a course without completing it this month",
            "graduates_placed": "course graduates placed in jobs of the placement sectors this month",
        }

    def check(self, desk: PolicyDesk, source: str, index: int) -> None:
        occupations = desk.config.labour_market.occupations
        for position, name in enumerate(self.settings.target_occupations):
            if name not in occupations:
                raise ScenarioError(
                    source,
                    f"interventions[{index}].target_occupations[{position}]",
                    name,
                    f"allowed: the scenario's occupations {occupations}",
                )
        if self.seats_per_month(desk) * 12 < 1:
            self.warn(source, index, "the budget pays for fewer than one seat a year at this scale")

    def seats_per_month(self, desk: PolicyDesk) -> float:
        """Seats the monthly budget pays for: a course's fee plus its allowances (the unit cost)."""
        settings = self.settings
        course_cost = settings.course_fee_krw + settings.allowance_krw_per_month * settings.course_months
        return self.monthly_budget_krw(desk) / course_cost if course_cost > 0 else 0.0

    def _target_for(self, desk: PolicyDesk, occupation: np.ndarray) -> np.ndarray:
        """The target occupation nearest to each worker's current one."""
        occupations = desk.config.labour_market.occupations
        targets = np.array([occupations.index(name) for name in self.settings.target_occupations])
        distance = desk.occupation_distance[np.asarray(occupation)[:, None], targets[None, :]]
        return targets[np.argmin(distance, axis=1)].astype(np.int8)

    def step(self, desk: PolicyDesk, month: int) -> None:
        workforce = desk.workforce
        settings = self.settings
        streams = desk.streams

        # Courses ending this month.
        ending = self.trainees[workforce.training_end_month[self.trainees] <= month]
        still_training = workforce.status[ending] == IN_TRAINING  # retirement may have intervened
        ending = ending[still_training]
        if len(ending):
            completes = (
                streams.uniform(f"{self.name}/complete", month, workforce.key[ending]) < settings.completion_rate
            )
            done = ending[completes]
            upgrade = (
                streams.uniform(f"{self.name}/skill", month, workforce.key[done]) < settings.skill_upgrade_probability
            )
            desk.end_courses(ending, done, self._target_for(desk, workforce.occupation[done]), done[upgrade])
            self.counts["trainees_completed"] = float(len(done))
            self.counts["trainees_dropped"] = float(len(ending) - len(done))
            self.graduates = np.concatenate([self.graduates, done])
            self.graduated = np.concatenate([self.graduated, np.full(len(done), month)])
        self._place_graduates(desk, month)
        self.trainees = self.trainees[workforce.status[self.trainees] == IN_TRAINING]

        # Allowances for those in a course (committed when they enrolled).
        if len(self.trainees) and settings.allowance_krw_per_month > 0:
            amounts = np.full(len(self.trainees), settings.allowance_krw_per_month)
            paid = desk.pay_workers(self, self.trainees, amounts, "allowance")
            self.committed_krw = max(self.committed_krw - float(amounts[paid].sum()), 0.0)

        # New enrolments.
        if self.open_in(desk, month):
            self.seat_credit += self.seats_per_month(desk)
            seats = int(self.seat_credit)
            self.seat_credit -= seats
            started = self._enrol(desk, month, seats) if seats > 0 else 0
            self.counts["trainees_started"] = float(started)
        self.counts["trainees_in_course"] = float(len(self.trainees))

    def _place_graduates(self, desk: PolicyDesk, month: int) -> None:
        """Place unemployed recent graduates in openings of the placement sectors."""
        settings = self.settings
        recent = month - self.graduated <= settings.placement_window_months
        self.graduates, self.graduated = self.graduates[recent], self.graduated[recent]
        if not settings.placement_sectors or settings.placement_rate_per_month <= 0 or len(self.graduates) == 0:
            return
        workforce = desk.workforce
        seeking = self.graduates[workforce.status[self.graduates] == UNEMPLOYED]
        draw = desk.streams.uniform(f"{self.name}/placement", month, workforce.key[seeking])
        seeking = seeking[draw < settings.placement_rate_per_month]
        if len(seeking) == 0:
            return
        firms = desk.firms
        openings = desk.planned_openings()
        in_sectors = np.flatnonzero(
            np.isin(firms.sector, desk.sector_codes(settings.placement_sectors)) & (openings > 0)
        )
        if len(in_sectors) == 0:
            return
        order = np.argsort(
            desk.streams.uniform(f"{self.name}/placement_firms", month, firms.key[in_sectors]), kind="stable"
        )
        slots = np.repeat(in_sectors[order], openings[in_sectors[order]])[: len(seeking)]
        desk.place_in_jobs(seeking[: len(slots)], slots)
        self.counts["graduates_placed"] = float(len(slots))

    def _enrol(self, desk: PolicyDesk, month: int, seats: int) -> int:
        workforce = desk.workforce
        settings = self.settings
        unemployed = np.flatnonzero(workforce.status == UNEMPLOYED)
        eligible = unemployed[
            np.isin(workforce.displaced_sector[unemployed], desk.sector_codes(settings.displaced_from))
            & np.isin(workforce.skill[unemployed], settings.skill_levels)
            & (month - workforce.unemployed_since[unemployed] >= settings.min_months_unemployed)
        ]
        if len(eligible) == 0:
            return 0
        order = np.argsort(desk.streams.uniform(f"{self.name}/offer", month, workforce.key[eligible]), kind="stable")
        offered = eligible[order]
        accepts = desk.streams.uniform(f"{self.name}/take_up", month, workforce.key[offered]) < settings.take_up_rate
        candidates = offered[accepts][:seats]
        course_cost = settings.course_fee_krw + settings.allowance_krw_per_month * settings.course_months
        affordable = int((self.budget.remaining_krw - self.committed_krw) // course_cost) if course_cost > 0 else seats
        candidates = candidates[: max(min(affordable, len(candidates)), 0)]
        if len(candidates) == 0:
            if course_cost > 0 and affordable <= 0 and len(offered[accepts]):
                self.budget.refuse(month)
            return 0
        if settings.course_fee_krw > 0:
            paid = desk.pay_for_services(
                self, "worker", candidates, np.full(len(candidates), settings.course_fee_krw), "course_fee"
            )
            candidates = candidates[paid]
        self.committed_krw += settings.allowance_krw_per_month * settings.course_months * len(candidates)
        desk.start_courses(candidates, settings.course_months)
        self.trainees = np.concatenate([self.trainees, candidates])
        return len(candidates)
