"""A floor comparison for the benchmark: the same worker flows, one Python object per worker.

What it is: a minimal labour market with three monthly flows, written twice for the same
population and the same rates:

* ``ObjectFlowModel``: the Mesa idiom of one ``mesa.Agent`` per worker (employed or
  unemployed, with an employer ``Firm`` agent), stepped in random order with
  ``model.agents_by_type[Worker].shuffle_do("step")``;
* ``ArrayFlowModel``: the same flows on numpy arrays (one row per worker), as shocksim
  keeps its workforce.

Each month every firm posts vacancies (its target headcount minus its employees); then each
worker who was employed at the start of its turn quits with the scenario's quit rate
(``labour_market.quit_rate_per_month``) or else is laid off at a fixed rate
(``LAYOFF_RATE_PER_MONTH``, an assumption of this benchmark); each worker who was
unemployed finds a job with the scenario's job-finding rate
(``labour_market.job_finding_rate_per_month``) and takes one of the month's vacancies, in
random order, while any are left. A worker moves at most once a month.

What it is not: shocksim's model. There are no skills, occupations, wages, spells,
benefits, retirements, entrants, firms' output or finance, shocks or policies. It measures
how fast each way of storing workers can carry out the cheapest part of the monthly work,
so it is a floor: a full model written object-per-worker would be slower than
``ObjectFlowModel``. The two versions use different random number generators (stdlib
``random`` through Mesa, numpy's ``Generator``), so they agree in distribution (the
flows they report are close), not draw by draw.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import mesa
import numpy as np

#: Monthly layoff probability of an employed worker who does not quit. Assumption of this
#: benchmark (a round figure of the order of separations in shocksim's scenarios); it sets
#: how much work the hiring step gets, not the speed of a single draw.
LAYOFF_RATE_PER_MONTH = 0.005
#: Share of workers unemployed at the start.
INITIAL_UNEMPLOYMENT = 0.05
#: Workers per firm at the start (firm sizes are equal; the benchmark is about workers).
WORKERS_PER_FIRM = 50


@dataclass
class FlowResult:
    """What one run of either version did: size, time and the flows it produced."""

    workers: int
    months: int
    build_s: float
    simulate_s: float
    quits: int
    layoffs: int
    hires: int
    unemployed_end: int

    @property
    def agent_months(self) -> int:
        """Workers times months stepped."""
        return self.workers * self.months

    @property
    def rate(self) -> float:
        """Agent-months per second of simulation time (build excluded)."""
        return self.agent_months / self.simulate_s


class Firm(mesa.Agent):
    """An employer with a fixed target headcount; it posts the gap as vacancies."""

    def __init__(self, model: ObjectFlowModel, target: int) -> None:
        super().__init__(model)
        self.target = target
        self.employees = 0

    def post_vacancies(self) -> None:
        """Add one vacancy slot to the model's list for each missing employee."""
        self.model.vacancies.extend([self] * max(self.target - self.employees, 0))


class Worker(mesa.Agent):
    """One worker: employed or not, and the firm that employs them (None if unemployed)."""

    def __init__(self, model: ObjectFlowModel, employer: Firm | None) -> None:
        super().__init__(model)
        self.employer = employer
        self.employed = employer is not None
        if employer is not None:
            employer.employees += 1

    def step(self) -> None:
        """This worker's month: a separation if employed, a job search if not."""
        model = self.model
        if self.employed:
            draw = self.random.random()
            if draw < model.quit_rate:
                model.quits += 1
            elif draw < model.quit_rate + model.layoff_rate:
                model.layoffs += 1
            else:
                return
            self.employer.employees -= 1
            self.employer = None
            self.employed = False
        elif self.random.random() < model.job_finding_rate and model.vacancies:
            firm = model.vacancies.pop()
            firm.employees += 1
            self.employer = firm
            self.employed = True
            model.hires += 1


class ObjectFlowModel(mesa.Model):
    """Workers and firms as Mesa agents; one ``step`` is one month of quits, layoffs and hires."""

    def __init__(
        self,
        workers: int,
        *,
        quit_rate: float,
        job_finding_rate: float,
        layoff_rate: float = LAYOFF_RATE_PER_MONTH,
        rng: int = 1,
    ) -> None:
        super().__init__(rng=rng)
        self.quit_rate = quit_rate
        self.job_finding_rate = job_finding_rate
        self.layoff_rate = layoff_rate
        self.quits = self.layoffs = self.hires = 0
        self.vacancies: list[Firm] = []
        firm_count = max(workers // WORKERS_PER_FIRM, 1)
        employed = workers - round(workers * INITIAL_UNEMPLOYMENT)
        firms = [Firm(self, target=workers // firm_count) for _ in range(firm_count)]
        for index in range(workers):
            Worker(self, firms[index % firm_count] if index < employed else None)

    def step(self) -> None:
        """One month: firms post vacancies (shuffled), then workers act in random order."""
        self.vacancies = []
        self.agents_by_type[Firm].do("post_vacancies")
        self.random.shuffle(self.vacancies)
        self.agents_by_type[Worker].shuffle_do("step")

    def unemployed(self) -> int:
        """Workers unemployed now."""
        return sum(not worker.employed for worker in self.agents_by_type[Worker])


class ArrayFlowModel:
    """The same flows on numpy arrays: ``employer[i]`` is worker i's firm, -1 if unemployed."""

    def __init__(
        self,
        workers: int,
        *,
        quit_rate: float,
        job_finding_rate: float,
        layoff_rate: float = LAYOFF_RATE_PER_MONTH,
        rng: int = 1,
    ) -> None:
        self.rng = np.random.default_rng(rng)
        self.quit_rate = quit_rate
        self.job_finding_rate = job_finding_rate
        self.layoff_rate = layoff_rate
        self.quits = self.layoffs = self.hires = 0
        self.firm_count = max(workers // WORKERS_PER_FIRM, 1)
        employed = workers - round(workers * INITIAL_UNEMPLOYMENT)
        self.employer = np.full(workers, -1, dtype=np.int32)
        self.employer[:employed] = np.arange(employed) % self.firm_count
        self.target = np.full(self.firm_count, workers // self.firm_count, dtype=np.int64)
        self.employees = np.bincount(self.employer[:employed], minlength=self.firm_count)

    def step(self) -> None:
        """One month; all masks are taken from the state at the start of the month."""
        employer, rng = self.employer, self.rng
        vacancies = np.repeat(np.arange(self.firm_count), np.maximum(self.target - self.employees, 0))
        rng.shuffle(vacancies)
        employed = employer >= 0
        draw = rng.random(employer.size)
        quits = employed & (draw < self.quit_rate)
        layoffs = employed & ~quits & (draw < self.quit_rate + self.layoff_rate)
        leaving = np.flatnonzero(quits | layoffs)
        self.employees -= np.bincount(employer[leaving], minlength=self.firm_count)
        employer[leaving] = -1
        # Job finders among those unemployed at the start, in random order, while vacancies last.
        finders = np.flatnonzero(~employed & (draw < self.job_finding_rate))
        rng.shuffle(finders)
        hired = finders[: vacancies.size]
        employer[hired] = vacancies[: hired.size]
        self.employees += np.bincount(vacancies[: hired.size], minlength=self.firm_count)
        self.quits += int(quits.sum())
        self.layoffs += int(layoffs.sum())
        self.hires += hired.size

    def unemployed(self) -> int:
        """Workers unemployed now."""
        return int((self.employer < 0).sum())


def run_flows(kind: type[ObjectFlowModel | ArrayFlowModel], workers: int, months: int, **rates: float) -> FlowResult:
    """Build one version, step it ``months`` times, and report its timings and flows."""
    start = time.perf_counter()
    model = kind(workers, **rates)
    built = time.perf_counter()
    for _ in range(months):
        model.step()
    done = time.perf_counter()
    return FlowResult(
        workers=workers,
        months=months,
        build_s=built - start,
        simulate_s=done - built,
        quits=model.quits,
        layoffs=model.layoffs,
        hires=model.hires,
        unemployed_end=model.unemployed(),
    )
