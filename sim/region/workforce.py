"""Workers: every person in the region's labour force, held column-wise in numpy arrays.

One row per worker (row index = worker id), as Starsim and Covasim hold people, so that a
month's updates are a few vectorised passes over hundreds of thousands of rows. Months are
model months (1 = the scenario's first month; 0 and below are the past). Wages are KRW per
month.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.inputs.scenario import SECTORS, Scenario
from sim.region.random_streams import RandomStreams, agent_keys

EMPLOYED, UNEMPLOYED, IN_TRAINING, INACTIVE, MOVED_OUT = 0, 1, 2, 3, 4
STATUS_NAMES = ("employed", "unemployed", "in_training", "out_of_labour_force", "moved_out")
NO_EMPLOYER = -1
NO_SECTOR = -1
NEVER = np.iinfo(np.int32).max  # a month that never comes

_COLUMNS: dict[str, tuple[type, object]] = {
    "key": (np.uint64, 0),  # stable key of the worker's random draws (see random_streams.agent_keys)
    "status": (np.int8, MOVED_OUT),
    "employer": (np.int32, NO_EMPLOYER),
    "occupation": (np.int8, 0),
    "skill": (np.int8, 2),  # 1 (low) to 3 (high)
    "birth_month": (np.int32, 0),
    "retire_month": (np.int32, NEVER),
    "wage": (np.float64, 0.0),  # current wage if employed, last wage otherwise
    "hire_month": (np.int32, 0),
    "unemployed_since": (np.int32, NEVER),
    "quit_month": (np.int32, NEVER),
    "benefit_krw": (np.float64, 0.0),  # monthly unemployment benefit
    "benefit_end_month": (np.int32, 0),  # benefit is paid while month < this
    "retired": (np.bool_, False),
    "displaced_sector": (np.int8, NO_SECTOR),  # sector of the firm that last laid the worker off
    "displaced_month": (np.int32, NEVER),
    "pre_displacement_wage": (np.float64, 0.0),
    "entry_month": (np.int32, 0),  # 0 for the starting population
    "training_end_month": (np.int32, NEVER),  # a course ends at the end of this month
    "courses_completed": (np.int8, 0),
    "foreign": (np.bool_, False),  # placed by a foreign-workforce programme
    "visa_end_month": (np.int32, NEVER),  # a foreign worker leaves the region at the end of this month
    "reemployed_month": (np.int32, NEVER),  # first hire after the latest layoff
    "search_boost": (np.float64, 1.0),  # multiplies the success of this month's applications (hiring subsidies)
}


class Workforce:
    """Column arrays for all workers; ``workforce.status`` etc. are views of the live rows."""

    def __init__(self, capacity: int) -> None:
        self.count = 0
        self._data = {name: np.full(capacity, fill, dtype=dtype) for name, (dtype, fill) in _COLUMNS.items()}

    def __getattr__(self, name: str) -> np.ndarray:
        data = self.__dict__.get("_data")
        if data is not None and name in data:
            return data[name][: self.count]
        raise AttributeError(name)

    @property
    def columns(self) -> tuple[str, ...]:
        return tuple(_COLUMNS)

    def add(self, number: int) -> np.ndarray:
        """Append ``number`` fresh rows (status MOVED_OUT until set) and return their ids."""
        needed = self.count + number
        capacity = len(self._data["status"])
        if needed > capacity:
            new_capacity = max(needed, int(capacity * 1.25) + 1024)
            for name, (dtype, fill) in _COLUMNS.items():
                grown = np.full(new_capacity, fill, dtype=dtype)
                grown[: self.count] = self._data[name][: self.count]
                self._data[name] = grown
        ids = np.arange(self.count, needed)
        self.count = needed
        return ids

    def status_counts(self) -> np.ndarray:
        """Number of workers in each status (index = status code)."""
        return np.bincount(self.status, minlength=len(STATUS_NAMES))

    def age_years(self, month: int) -> np.ndarray:
        """Age of every worker at the given model month, in years."""
        return (month - self.birth_month) / 12.0

    def tenure_months(self, month: int) -> np.ndarray:
        """Months with the current employer (meaningful for the employed)."""
        return np.where(self.status == EMPLOYED, month - self.hire_month, 0)

    def months_unemployed(self, month: int) -> np.ndarray:
        """Length of the current unemployment spell in months (zero if not unemployed)."""
        return np.where(self.status == UNEMPLOYED, month - self.unemployed_since, 0)

    def benefit_months_left(self, month: int) -> np.ndarray:
        """Months of unemployment benefit still to be paid after this month (zero if none)."""
        return np.where(self.status == UNEMPLOYED, np.maximum(self.benefit_end_month - month - 1, 0), 0)

    def to_frame(self, month: int) -> pd.DataFrame:
        """The workers as a DataFrame at the given month, with ages, tenures and spells (copies)."""
        frame = pd.DataFrame({name: getattr(self, name).copy() for name in _COLUMNS})
        frame["status"] = pd.Categorical.from_codes(frame["status"], STATUS_NAMES)
        frame["age_years"] = self.age_years(month)
        frame["tenure_months"] = self.tenure_months(month)
        frame["months_unemployed"] = self.months_unemployed(month)
        frame["benefit_months_left"] = self.benefit_months_left(month)
        return frame


def draw_quit_months(streams: RandomStreams, keys: np.ndarray, after_month: int, quit_rate: float) -> np.ndarray:
    """The month each worker (by random key) will quit, if nothing else happens first (geometric waiting time)."""
    if quit_rate <= 0.0:
        return np.full(len(keys), NEVER, dtype=np.int32)
    u = streams.uniform("quit", after_month, keys)
    wait = np.floor(np.log1p(-u) / np.log1p(-quit_rate)).astype(np.int64) + 1
    return np.minimum(after_month + wait, NEVER).astype(np.int32)


def benefit_months(scenario: Scenario, tenure_months: np.ndarray) -> np.ndarray:
    """Months of unemployment benefit for a given tenure (Employment Insurance Act table)."""
    table = np.array(scenario.labour_market.benefit_months_by_tenure_years)
    row = np.searchsorted(table[:, 0] * 12.0, tenure_months, side="right") - 1
    return table[np.maximum(row, 0), 1].astype(np.int32)


def populate(
    workforce: Workforce,
    scenario: Scenario,
    firm_sector: np.ndarray,
    firm_wage_level: np.ndarray,
    firm_employees: np.ndarray,
    streams: RandomStreams,
) -> None:
    """Create the starting population: employees of every firm, the unemployed, and inactive people.

    Ages are spread evenly over the working ages and tenures are exponential with a mean of
    six years (assumption: close to the average tenure in Korean employer surveys). The
    unemployed have the steady-state spread of spell lengths for the job-finding rate; the
    out-of-labour-force pool that moves in and out of search starts at its steady-state size.
    """
    generator = streams.generator("population")
    labour = scenario.labour_market
    population = scenario.population
    occupation_index = {name: code for code, name in enumerate(labour.occupations)}
    skill_wage = np.array(labour.skill_wage_multiplier)

    employed_total = int(firm_employees.sum())
    ids = workforce.add(employed_total)
    workforce.key[ids] = ids
    employer = np.repeat(np.arange(len(firm_employees), dtype=np.int32), firm_employees)
    sector = firm_sector[employer]
    workforce.employer[ids] = employer
    workforce.status[ids] = EMPLOYED
    _draw_occupation_and_skill(workforce, scenario, ids, sector, generator, occupation_index)
    _draw_ages(workforce, population, ids, generator)
    age_months = -workforce.birth_month[ids]
    working_months = np.maximum(age_months - population.age_min_years * 12, 1)
    tenure = np.minimum(generator.exponential(72.0, employed_total), working_months).astype(np.int32)
    workforce.hire_month[ids] = -tenure
    # Pay varies by skill and person, scaled so that each firm's mean pay is its wage level.
    sigma = scenario.firms.wage_dispersion
    relative = skill_wage[workforce.skill[ids] - 1] * np.exp(sigma * generator.standard_normal(employed_total))
    firm_mean = np.bincount(employer, weights=relative, minlength=len(firm_employees)) / np.maximum(firm_employees, 1)
    workforce.wage[ids] = firm_wage_level[employer] * relative / firm_mean[employer]
    workforce.quit_month[ids] = draw_quit_months(streams, workforce.key[ids], 0, labour.quit_rate_per_month)

    # The unemployed: sized from the unemployment rate, with the employed's mix of sectors.
    labour_force = employed_total / (1.0 - population.unemployment_rate)
    unemployed_total = round(labour_force * population.unemployment_rate)
    ids = workforce.add(unemployed_total)
    workforce.key[ids] = ids
    last_sector = generator.choice(sector, size=unemployed_total) if unemployed_total else np.zeros(0, int)
    _draw_occupation_and_skill(workforce, scenario, ids, last_sector, generator, occupation_index)
    _draw_ages(workforce, population, ids, generator)
    workforce.status[ids] = UNEMPLOYED
    spell = generator.geometric(labour.job_finding_rate_per_month, unemployed_total) - 1
    workforce.unemployed_since[ids] = -spell
    sector_wage = _mean_by_sector(firm_sector, firm_wage_level, firm_employees)
    workforce.wage[ids] = sector_wage[last_sector] * skill_wage[workforce.skill[ids] - 1]
    eligible = generator.random(unemployed_total) < labour.benefit_eligible_share
    months = benefit_months(scenario, np.full(unemployed_total, 36))  # assumption: three years insured
    workforce.benefit_end_month[ids] = np.where(eligible, months - spell, 0)
    workforce.benefit_krw[ids] = np.minimum(
        workforce.wage[ids] * labour.benefit_replacement_rate, labour.benefit_cap_krw_per_month
    )

    # Out of the labour force but able to return: the steady state of exits and re-entries.
    long_term_share = (1.0 - labour.job_finding_rate_per_month) ** labour.long_term_unemployment_months
    inactive_total = 0
    if labour.reentry_rate_per_month > 0:
        inactive_total = round(
            unemployed_total * long_term_share * labour.exit_to_inactive_rate_per_month / labour.reentry_rate_per_month
        )
    ids = workforce.add(inactive_total)
    workforce.key[ids] = ids
    last_sector = generator.choice(sector, size=inactive_total) if inactive_total else np.zeros(0, int)
    _draw_occupation_and_skill(workforce, scenario, ids, last_sector, generator, occupation_index)
    _draw_ages(workforce, population, ids, generator)
    workforce.status[ids] = INACTIVE
    workforce.wage[ids] = sector_wage[last_sector] * skill_wage[workforce.skill[ids] - 1]


def add_entrants(
    workforce: Workforce,
    scenario: Scenario,
    number: int,
    month: int,
    streams: RandomStreams,
    occupation_weights: np.ndarray,
    skill_weights: np.ndarray,
) -> np.ndarray:
    """Young people entering the labour force as job seekers this month (no previous wage).

    Their occupations and skills follow the starting workforce's (``occupation_weights``,
    ``skill_weights`` for skill levels 1-3).
    """
    ids = workforce.add(number)
    if number == 0:
        return ids
    workforce.key[ids] = agent_keys("entrant", month, number)
    generator = streams.generator("entrants", month)
    population = scenario.population
    age_years = generator.uniform(population.entrant_age_min_years, population.entrant_age_max_years, number)
    workforce.birth_month[ids] = month - np.round(age_years * 12).astype(np.int32)
    workforce.retire_month[ids] = workforce.birth_month[ids] + round(population.retirement_age_years * 12)
    workforce.occupation[ids] = generator.choice(len(occupation_weights), size=number, p=occupation_weights)
    workforce.skill[ids] = generator.choice(np.array([1, 2, 3], dtype=np.int8), size=number, p=skill_weights)
    workforce.status[ids] = UNEMPLOYED
    workforce.unemployed_since[ids] = month
    workforce.entry_month[ids] = month
    workforce.wage[ids] = 0.0
    return ids


def _draw_occupation_and_skill(
    workforce: Workforce,
    scenario: Scenario,
    ids: np.ndarray,
    sector: np.ndarray,
    generator: np.random.Generator,
    occupation_index: dict[str, int],
) -> None:
    for code, name in enumerate(SECTORS):
        rows = ids[sector == code]
        if len(rows) == 0:
            continue
        mix = getattr(scenario.workforce, name)
        codes = np.array([occupation_index[o] for o in mix.occupation_mix], dtype=np.int8)
        workforce.occupation[rows] = generator.choice(codes, size=len(rows), p=list(mix.occupation_mix.values()))
        workforce.skill[rows] = generator.choice(np.array([1, 2, 3], dtype=np.int8), size=len(rows), p=mix.skill_mix)


def _draw_ages(workforce: Workforce, population, ids: np.ndarray, generator: np.random.Generator) -> None:  # noqa: ANN001
    age_years = generator.uniform(population.age_min_years, population.age_max_years, len(ids))
    workforce.birth_month[ids] = -np.round(age_years * 12).astype(np.int32)
    workforce.retire_month[ids] = workforce.birth_month[ids] + round(population.retirement_age_years * 12)


def _mean_by_sector(firm_sector: np.ndarray, firm_wage: np.ndarray, firm_employees: np.ndarray) -> np.ndarray:
    weights = np.bincount(firm_sector, weights=firm_employees, minlength=len(SECTORS))
    totals = np.bincount(firm_sector, weights=firm_wage * firm_employees, minlength=len(SECTORS))
    return np.divide(
        totals, weights, out=np.full(len(SECTORS), totals.sum() / max(weights.sum(), 1)), where=weights > 0
    )
