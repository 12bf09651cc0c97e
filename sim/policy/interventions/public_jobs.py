"""Direct public job creation (직접일자리사업): temporary public jobs for the region's jobless.

Korea's largest family of job programmes by budget (KDI Policy Forum 261, Kim Yong-seong
2015: 67.3% of active labour-market spending in 2010 went to direct job creation): the state
or the local government hires jobless residents into temporary community jobs (지역공동체일자리,
공공근로, 노인일자리) for a few months at a programme wage. The programme gives points to the
long-term unemployed, the old and the poor; here the jobless who have searched longest are
hired first (ties in random order), from ``min_months_unemployed`` months of search and
``min_age_years`` of age, residents only, each at most once over the run (the limits on
repeated participation).

The unit cost of a job is ``job_months`` months of ``wage_krw_per_month`` plus the employer's
social-insurance contributions (``employer_contribution_rate``) plus an administration share
(``admin_share``); each open month the budget (spread over the months the programme is open)
hires as many as it pays whole jobs for: the money sets the volume. Each month a participant
is paid: the net wage (the scenario's ``households.net_share_of_wages``) goes to the
household as income (a ``public_wage`` row); income tax and contributions go to the funds
(``contributions``); administration is its own row.

Channels: participants are employed (worker status ``PUBLIC_JOB``, counted in ``employed``
and apart in ``employed_public_jobs``); they do not search while in the job (the lock-in);
their pay is household income, spent locally like any other (households.py). When the job
ends they search again and their unemployment spell runs on from before the job: no private
employer counts it as experience (desk.end_public_jobs). The evidence is that later private
employment is weak: the Ministry of Employment and Labor's evaluations report 16.8% of 2018
participants and 20.6% of 2019 participants in private jobs after the programme (MOEL,
재정지원 일자리사업 평가, reported by Hankyung 2019-05-07 and 2020-05-26); Card, Kluve and
Weber (2018) find public employment programmes the least effective ALMP, and KDI Policy
Forum 261 finds direct job creation's medium-term effect on employment negative.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.inputs.interventions import PublicJobsSettings
from sim.policy.base import Intervention, register
from sim.region.state import PUBLIC_JOB, UNEMPLOYED

if TYPE_CHECKING:
    from sim.policy.desk import PolicyDesk


@register
class PublicJobs(Intervention):
    Settings = PublicJobsSettings
    # MOEL's evaluations of the job programmes (재정지원 일자리사업 평가) count participants:
    # each month a participant holds a public job is a job-month claimed; announced, the people hired.
    bridge_units = "workers"
    gross_output = "public_jobs"
    gross_rule = ("months", "participants")
    headcount_rule = ("events", "hired")

    def __init__(self, settings: PublicJobsSettings, ledger, budget_scale: float) -> None:  # noqa: ANN001
        super().__init__(settings, ledger, budget_scale)
        self.settings: PublicJobsSettings = settings
        self.participants = np.zeros(0, dtype=np.int64)  # in a public job now
        self.ends = np.zeros(0, dtype=np.int64)  # month each participant's job ends
        self.job_credit = 0.0  # fractional jobs carried to next month
        self.committed_krw = 0.0  # pay still owed to current participants
        #: Everyone hired, and the month each job ended (NEVER-like -1 while it runs): for evaluations.
        self.hired = np.zeros(0, dtype=np.int64)
        self.hired_month = np.zeros(0, dtype=np.int64)

    @classmethod
    def count_columns(cls) -> dict[str, str]:
        return {
            "hired": "jobless residents hired into public jobs this month",
            "participants": "residents in the programme's public jobs at the end of the policy point",
            "ended": "public jobs that ended this month (participants search again)",
        }

    def monthly_cost_krw(self) -> float:
        """Cost of one public job for a month: wage, the employer's contributions, administration (KRW)."""
        settings = self.settings
        return settings.wage_krw_per_month * (1.0 + settings.employer_contribution_rate) * (1.0 + settings.admin_share)

    def jobs_per_month(self, desk: PolicyDesk) -> float:
        """Whole jobs (of ``job_months`` months) the monthly budget pays for."""
        return self.monthly_budget_krw(desk) / (self.monthly_cost_krw() * self.settings.job_months)

    def check(self, desk: PolicyDesk, source: str, index: int) -> None:
        if self.jobs_per_month(desk) * 12 < 1:
            self.warn(source, index, "the budget pays for fewer than one public job a year at this scale")

    def step(self, desk: PolicyDesk, month: int) -> None:
        workforce = desk.workforce
        # Retirement or moving away ends a job early; jobs that have run their months end now.
        still = workforce.status[self.participants] == PUBLIC_JOB
        ending = still & (self.ends <= month)
        if ending.any():
            desk.end_public_jobs(self.participants[ending])
            self.counts["ended"] = float(ending.sum())
        dropped_months = np.maximum(self.ends[~still] - month, 0)
        self.committed_krw = max(self.committed_krw - float(dropped_months.sum()) * self.monthly_cost_krw(), 0.0)
        keep = still & ~ending
        self.participants, self.ends = self.participants[keep], self.ends[keep]

        if self.open_in(desk, month) and self.budget.exhausted_month is None:
            self.job_credit += self.jobs_per_month(desk)
            jobs = int(self.job_credit)
            self.job_credit -= jobs
            if jobs > 0:
                self._hire(desk, month, jobs)
        self._pay(desk)
        self.counts["participants"] = float(len(self.participants))

    def _hire(self, desk: PolicyDesk, month: int, jobs: int) -> None:
        workforce = desk.workforce
        settings = self.settings
        unemployed = np.flatnonzero(workforce.status == UNEMPLOYED)
        months_unemployed = month - workforce.unemployed_since[unemployed]
        age = (month - workforce.birth_month[unemployed]) / 12.0
        eligible = (
            (months_unemployed >= settings.min_months_unemployed)
            & (age >= settings.min_age_years)
            & ~workforce.lives_outside[unemployed]
            & ~workforce.foreign[unemployed]
        )
        # One job per person over the run: MOEL's 2020 reform of the job programmes limits repeated
        # participation (reported by Hankyung 2019-05-07: 87.6% of one programme's participants
        # were repeaters); without it the longest unemployed would be rehired at once.
        candidates = np.setdiff1d(unemployed[eligible], self.hired, assume_unique=True)
        if len(candidates) == 0:
            return
        draw = desk.streams.uniform(f"{self.name}/order", month, workforce.key[candidates])
        # Longest search first (the programmes' priority for the long-term unemployed), ties at random.
        order = np.lexsort((draw, -(month - workforce.unemployed_since[candidates])))
        job_cost = self.monthly_cost_krw() * settings.job_months
        affordable = int(max(self.budget.remaining_krw - self.committed_krw, 0.0) // job_cost)
        chosen = candidates[order][: min(jobs, affordable)]
        if len(chosen) < min(jobs, len(candidates)):
            self.budget.refuse(month)
        if len(chosen) == 0:
            return
        desk.start_public_jobs(chosen)
        self.committed_krw += job_cost * len(chosen)
        self.participants = np.concatenate([self.participants, chosen])
        self.ends = np.concatenate([self.ends, np.full(len(chosen), month + settings.job_months)])
        self.hired = np.concatenate([self.hired, chosen])
        self.hired_month = np.concatenate([self.hired_month, np.full(len(chosen), month)])
        self.counts["hired"] = float(len(chosen))

    def _pay(self, desk: PolicyDesk) -> None:
        """This month's pay of every participant: net wage to the household, taxes and contributions, administration."""
        count = len(self.participants)
        if count == 0:
            return
        settings = self.settings
        wage = settings.wage_krw_per_month
        net = wage * desk.config.households.net_share_of_wages
        paid = desk.pay_workers(self, self.participants, np.full(count, net), "public_wage")
        workers = self.participants[paid]
        levies = wage - net + wage * settings.employer_contribution_rate
        desk.pay_for_services(self, "funds", workers, np.full(len(workers), levies), "contributions")
        admin = wage * (1.0 + settings.employer_contribution_rate) * settings.admin_share
        desk.pay_for_services(self, "administration", workers, np.full(len(workers), admin), "administration")
        self.committed_krw = max(self.committed_krw - self.monthly_cost_krw() * len(workers), 0.0)
