"""The labour market: separations, layoffs, vacancies and the matching of job seekers to jobs.

Matching follows the occupational-mobility idea of del Rio-Chanona et al. (2021): a job
seeker applies in the occupation market where jobs are open, preferring markets close to
their own occupation; an application's chance falls with the occupational distance and
with the length of the unemployment spell. Within each occupation market hires follow the
bounded matching function of den Haan, Ramey and Watson (2000),
``hires = mu * A * V / (A**i + V**i)**(1/i)`` with curvature ``i`` =
``labour_market.matching_curvature`` (1.27), so hires never exceed either side and a seeker's
chance of a job approaches ``mu`` however many vacancies there are: unemployment keeps a
frictional floor in a tight market. ``mu`` is set at the start so that the job-finding rate
equals the scenario's.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from sim.inputs.scenario import LabourMarket, Scenario
from sim.region import production
from sim.region.random_streams import RandomStreams, geometric_months
from sim.region.rules import BenefitTerms, benefit_terms, minimum_wage
from sim.region.state import EMPLOYED, NEVER, NO_EMPLOYER, UNEMPLOYED, Workforce, linked_rows

if TYPE_CHECKING:
    from sim.region.region_state import RegionState


def leaving_rate_per_month(labour: LabourMarket) -> float:
    """Monthly rate of the worker's own leaving clock (``quit_month``): quits and dismissals together.

    Both are constant hazards from the hire, so one geometric waiting time at their sum is drawn at each
    hire, and when it comes a share ``dismissal_rate_per_month`` / (sum) of the leavers are dismissed
    (``dismissed``), the others quit (competing risks of constant hazards).
    """
    return labour.quit_rate_per_month + labour.dismissal_rate_per_month


def draw_dismissed(keys: np.ndarray, month: int, labour: LabourMarket, streams: RandomStreams) -> np.ndarray:
    """Which of this month's leavers (by random key) are dismissed rather than quit (stream ``"dismissal"``).

    No draw is made when dismissals are off: every leaver quits.
    """
    if labour.dismissal_rate_per_month <= 0.0 or len(keys) == 0:
        return np.zeros(len(keys), dtype=bool)
    return streams.uniform("dismissal", month, keys) < labour.dismissal_rate_per_month / leaving_rate_per_month(labour)


def separation_rate_per_month(labour: LabourMarket) -> float:
    """Share of the employed who separate into unemployment a month in the steady state.

    Quits and dismissals, and fixed-term contracts that end unconverted (``fixed_term_share_of_employees`` x
    (1 - ``fixed_term_conversion_share``) / ``fixed_term_contract_months``) with no job found in
    their last month (1 - ``job_finding_rate_per_month``); exits before the limit are ignored.
    For the outside labour market of out-commuters (mobility.py), built like the region's.
    """
    contract_ends = (
        labour.fixed_term_share_of_employees
        * (1.0 - labour.fixed_term_conversion_share)
        / labour.fixed_term_contract_months
        * (1.0 - labour.job_finding_rate_per_month)
    )
    return leaving_rate_per_month(labour) + contract_ends


def draw_waiting_months(
    streams: RandomStreams, purpose: str, keys: np.ndarray, after_month: int, rate_per_month: float
) -> np.ndarray:
    """The month each worker (by random key) next meets an event of a monthly rate (geometric waiting time)."""
    if rate_per_month <= 0.0:
        return np.full(len(keys), NEVER, dtype=np.int32)
    return geometric_months(streams.uniform(purpose, after_month, keys), after_month, rate_per_month, NEVER)


def draw_quit_months(streams: RandomStreams, keys: np.ndarray, after_month: int, quit_rate: float) -> np.ndarray:
    """The month each worker (by random key) will quit, if nothing else happens first (geometric waiting time)."""
    return draw_waiting_months(streams, "quit", keys, after_month, quit_rate)


def draw_search_months(streams: RandomStreams, keys: np.ndarray, after_month: int, search_rate: float) -> np.ndarray:
    """The next month each employed worker (by random key) looks for a better job while employed."""
    return draw_waiting_months(streams, "on_the_job_search", keys, after_month, search_rate)


def draw_contract_ends(
    streams: RandomStreams, keys: np.ndarray, hire_month: int, fixed_term_share: float, contract_months: int
) -> np.ndarray:
    """The month each new hire's fixed-term contract ends (``NEVER`` for the open-ended ones).

    A share ``fixed_term_share`` of hires (stream ``"fixed_term"``) are on fixed-term contracts that run
    to the two-year limit of the Act on the Protection of Fixed-term and Part-time Workers (art. 4):
    renewals before it are not modelled apart, and a worker may quit, move or be laid off first.
    """
    if fixed_term_share <= 0.0:
        return np.full(len(keys), NEVER, dtype=np.int32)
    fixed = streams.uniform("fixed_term", hire_month, keys) < fixed_term_share
    return np.where(fixed, hire_month + contract_months, NEVER).astype(np.int32)


def short_job_workers(keys: np.ndarray, share: float, streams: RandomStreams) -> np.ndarray:
    """Which people (by random key) work in short jobs: day labour and temporary work of under a year (7.5).

    A share ``short_job_worker_share`` of people (stream ``"short_job_worker"``, fixed for a person: month 0)
    take only short jobs and cycle through them (assumption: the segment is kept apart; no Korean rate of moves
    from day labour or temporary work into regular jobs was used; docs/calibration.md, "Short jobs").
    """
    if share <= 0.0 or len(keys) == 0:
        return np.zeros(len(keys), dtype=bool)
    return streams.uniform("short_job_worker", 0, keys) < share


def draw_short_job_ends(streams: RandomStreams, keys: np.ndarray, after_month: int, months: float) -> np.ndarray:
    """The month each short job (by its holder's random key) ends: a geometric wait of mean ``months``."""
    return draw_waiting_months(streams, "short_job_end", keys, after_month, 1.0 / months)


@dataclass
class Vacancies:
    """The open jobs of one month: one entry per vacancy."""

    firm: np.ndarray  # int64 firm id
    occupation: np.ndarray  # int8 occupation code
    key: np.ndarray  # uint64 random key of the (firm, slot)

    @property
    def count(self) -> int:
        return len(self.firm)


def separate(
    workforce: Workforce,
    workers: np.ndarray,
    month: int,
    *,
    laid_off: bool,
    firm_sector: np.ndarray,
    benefit: BenefitTerms,
    streams: RandomStreams,
    contract_ended: bool = False,
    dismissed: bool = False,
) -> None:
    """Move employed workers into unemployment; laid-off workers may draw unemployment benefit.

    Korean employment insurance pays those who lose their job involuntarily (not those who
    quit), for a number of months set by their insured tenure, at a share of the former
    wage up to a cap (``benefit``: the rules in force this month, see rules.py). The end of a
    fixed-term contract (``contract_ended``) is involuntary too (Employment Insurance Act,
    art. 58: only a voluntary leaving or dismissal for serious fault bars benefit), so those
    workers draw benefit rights like the laid-off, but are not recorded as displaced; so do the
    ``dismissed`` (dismissals for managerial reasons and recommended resignations are involuntary; the
    benefit's eligible share stands for those dismissed for serious fault, among others).
    """
    if len(workers) == 0:
        return
    workforce.status[workers] = UNEMPLOYED
    workforce.unemployed_since[workers] = month
    workforce.quit_month[workers] = NEVER
    workforce.contract_end_month[workers] = NEVER
    workforce.on_leave[workers] = False
    workforce.leave_allowance_krw[workers] = 0.0
    if laid_off:
        employer = workforce.employer[workers]
        workforce.displaced_sector[workers] = firm_sector[employer]
        workforce.displaced_month[workers] = month
        workforce.reemployed_month[workers] = NEVER
        workforce.pre_displacement_wage[workers] = workforce.wage[workers]
    if laid_off or contract_ended or dismissed:
        eligible = streams.uniform("benefit", month, workforce.key[workers]) < benefit.eligible_share
        months = benefit.months(month - workforce.hire_month[workers])
        # Paid from the month of the layoff: ``months`` payments.
        workforce.benefit_end_month[workers] = np.where(eligible, month + months, 0)
        workforce.benefit_krw[workers] = np.minimum(
            workforce.wage[workers] * benefit.replacement_rate, benefit.cap_krw_per_month
        )
    else:
        workforce.benefit_end_month[workers] = 0
    workforce.employer[workers] = NO_EMPLOYER


def choose_layoffs(workforce: Workforce, cuts: np.ndarray, month: int, streams: RandomStreams) -> np.ndarray:
    """Pick ``cuts[f]`` employees of each firm ``f`` at random; return their ids (in increasing order)."""
    if not cuts.any():
        return np.zeros(0, dtype=np.int64)
    # Only the employed have an employer; the extra zero catches NO_EMPLOYER (-1).
    cutting = np.append(cuts, 0) > 0
    candidates = np.flatnonzero(cutting[_as_index(workforce.employer)])
    if len(candidates) == 0:
        return candidates
    candidate_employer = workforce.employer[candidates]
    keys = streams.uniform("layoff", month, workforce.key[candidates])
    order = np.lexsort((keys, candidate_employer))
    sorted_employer = candidate_employer[order]
    first_of_firm = np.searchsorted(sorted_employer, sorted_employer, side="left")
    rank = np.arange(len(order)) - first_of_firm
    return np.sort(candidates[order][rank < cuts[sorted_employer]])


def employees_of(workforce: Workforce, firms: np.ndarray) -> np.ndarray:
    """Ids of the workers employed by a mask of firms (in increasing order)."""
    return np.flatnonzero(np.append(firms, False)[_as_index(workforce.employer)])


def _as_index(ids: np.ndarray) -> np.ndarray:
    """``ids`` as numpy's index type (no copy when they are already, as the employer column is).

    Gathering a million int32 ids through it is faster (1.2 against 1.9 ms).
    """
    return ids.astype(np.intp, copy=False)


def job_slot_keys(jobs: np.ndarray, firm_key: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """One row per job of each firm (``jobs`` per firm): the firm's index and a random key of (firm, slot).

    The key depends on the firm's key and the slot's number within the firm only, so a firm's n-th
    opening draws the same numbers whatever other firms do.
    """
    firms = np.flatnonzero(jobs > 0)
    counts = jobs[firms]
    firm = np.repeat(firms, counts)
    starts = np.repeat(np.cumsum(counts) - counts, counts)
    slot = np.arange(len(firm)) - starts
    keys = firm_key[firm].astype(np.uint64) * np.uint64(1_048_576) + slot.astype(np.uint64)
    return firm, keys


def post_vacancies(
    openings: np.ndarray,
    firm_sector: np.ndarray,
    firm_key: np.ndarray,
    occupation_cdf: np.ndarray,
    month: int,
    streams: RandomStreams,
) -> Vacancies:
    """Expand per-firm openings into individual vacancies, each with an occupation.

    A vacancy's occupation is drawn from its sector's occupation mix, keyed by (firm, slot)
    so the same opening gets the same occupation whatever other firms do.
    """
    firm, keys = job_slot_keys(openings, firm_key)
    u = streams.uniform("vacancy_occupation", month, keys)
    # The number of entries of the sector's cumulative mix at or below the draw, counted one column at a time (a
    # gather from the small sectors x occupations table per vacancy, not a vacancies x occupations table).
    sector = firm_sector[firm]
    n_occupations = occupation_cdf.shape[1]
    occupation = np.zeros(len(firm), dtype=np.int8 if n_occupations <= 127 else np.int64)
    for column in range(n_occupations):
        occupation += u >= occupation_cdf[:, column].take(sector)
    return Vacancies(firm=firm, occupation=np.minimum(occupation, n_occupations - 1).astype(np.int8), key=keys)


@dataclass
class MatchingMarket:
    """Fixed parameters of matching, derived from the scenario at the start of a run."""

    distance: np.ndarray  # occupations x occupations, 0 (same) to 1 (far)
    search_distance_weight: float
    wage_loss_per_distance: float
    skill_wage: np.ndarray  # index skill - 1
    skill_search: np.ndarray  # index skill - 1
    long_term_months: int
    long_term_decay: float
    curvature: float  # i of den Haan, Ramey and Watson (2000)
    on_the_job_search_rate: float  # share of the employed who look for a better job in a month
    efficiency: float = 1.0  # mu, calibrated by calibrate_efficiency
    fixed_term_share_of_hires: float = 0.0  # share of hires on fixed-term contracts
    contract_months: int = 24  # months from hire to the end of a fixed-term contract
    non_pay_search_share: float = 0.0  # share of on-the-job searches that take a job whatever it pays
    short_job_worker_share: float = 0.0  # share of people who take only short jobs (short_job_workers)
    short_job_months: float = 3.0  # mean length of a short job, months
    short_job_search_multiplier: float = 1.0  # how much more readily short-job workers' applications succeed

    @classmethod
    def from_scenario(cls, scenario: Scenario) -> MatchingMarket:
        labour = scenario.labour_market
        return cls(
            distance=np.array(labour.occupation_distance),
            search_distance_weight=labour.search_distance_weight,
            wage_loss_per_distance=labour.wage_loss_per_distance,
            skill_wage=np.array(labour.skill_wage_multiplier),
            skill_search=np.array(labour.skill_search_multiplier),
            long_term_months=labour.long_term_unemployment_months,
            long_term_decay=labour.long_term_search_decay_per_month,
            curvature=labour.matching_curvature,
            on_the_job_search_rate=labour.on_the_job_search_rate_per_month,
            fixed_term_share_of_hires=labour.fixed_term_share_of_hires,
            contract_months=labour.fixed_term_contract_months,
            non_pay_search_share=labour.non_pay_search_share,
            short_job_worker_share=labour.short_job_worker_share,
            short_job_months=labour.short_job_months,
            short_job_search_multiplier=labour.short_job_search_multiplier,
        )

    def unit_matches(self, applicants: np.ndarray | float, vacancies: np.ndarray | float) -> np.ndarray | float:
        """A V / (A^i + V^i)^(1/i): hires at an efficiency of one, below both A and V."""
        i = self.curvature
        total = np.power(np.power(applicants, i) + np.power(vacancies, i), 1.0 / i)
        return np.divide(applicants * vacancies, total, out=np.zeros_like(total), where=total > 0)

    def market_choice_probabilities(self, vacancies_by_occupation: np.ndarray) -> np.ndarray:
        """Row o: the chance that a seeker of occupation o applies in each occupation market."""
        attraction = vacancies_by_occupation[None, :] * np.exp(-self.search_distance_weight * self.distance)
        totals = attraction.sum(axis=1, keepdims=True)
        return np.divide(attraction, totals, out=np.zeros_like(attraction), where=totals > 0)

    def application_weight(
        self, occupation: np.ndarray, market: np.ndarray, skill: np.ndarray, months_unemployed: np.ndarray
    ) -> np.ndarray:
        """Relative success of an application: falls with distance and long spells, rises with skill."""
        return self.weight_of_cells(self.cells(occupation, market, skill), months_unemployed)

    def cells(self, occupation: np.ndarray, market: np.ndarray, skill: np.ndarray) -> np.ndarray:
        """Each seeker's flat index into the (occupation, market, skill) tables of ``weight_of_cells``, ``pay_factor``.

        The factors that depend on those three only are computed once per cell of a small table and
        gathered, instead of once per seeker: each entry is the same operations on the same numbers,
        so the same bits (about 1.5 ms a month less at full scale).
        """
        cell = occupation.astype(np.intp)
        cell *= self.distance.shape[1]
        cell += market
        cell *= len(self.skill_search)
        cell += skill
        cell -= 1
        return cell

    def weight_of_cells(self, cell: np.ndarray, months_unemployed: np.ndarray) -> np.ndarray:
        """``application_weight`` from ``cells``: exp(-w distance) x skill factor x exp(-decay x long spell)."""
        by_cell = np.exp(-self.search_distance_weight * self.distance)[:, :, None] * self.skill_search
        weight = by_cell.ravel().take(cell)
        long_term = np.maximum(months_unemployed - self.long_term_months, 0)
        weight *= np.exp(-self.long_term_decay * long_term)
        return weight

    def pay_factor(self, cell: np.ndarray) -> np.ndarray:
        """Skill wage multiplier x (1 - wage loss per distance x distance) of each of the seekers' ``cells``.

        A job at firm wage level L offers the seeker L times this (``offered_wage``, before the minimum wage).
        """
        by_cell = (1.0 - self.wage_loss_per_distance * self.distance)[:, :, None] * self.skill_wage
        return by_cell.ravel().take(cell)

    def calibrate_efficiency(
        self,
        job_finding_rate: float,
        seekers_occupation: np.ndarray,
        seekers_skill: np.ndarray,
        seekers_months: np.ndarray,
        vacancies_by_occupation: np.ndarray,
    ) -> None:
        """Set mu so that the expected job-finding rate at the start equals the target rate."""
        if len(seekers_occupation) == 0 or vacancies_by_occupation.sum() <= 0:
            return
        choice = self.market_choice_probabilities(vacancies_by_occupation)
        applicants = np.zeros(len(vacancies_by_occupation))
        for market in range(len(vacancies_by_occupation)):
            weight = self.application_weight(
                seekers_occupation, np.full(len(seekers_occupation), market), seekers_skill, seekers_months
            )
            applicants[market] = (choice[seekers_occupation, market] * weight).sum()
        raw_hires = self.unit_matches(applicants, vacancies_by_occupation.astype(float)).sum()
        self.efficiency = job_finding_rate * len(seekers_occupation) / raw_hires


@dataclass
class MatchResult:
    """Who was hired where this month, in which occupation."""

    workers: np.ndarray
    firms: np.ndarray
    occupations: np.ndarray

    @classmethod
    def empty(cls) -> MatchResult:
        return cls(np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, np.int8))


def offered_wage(
    workforce: Workforce,
    workers: np.ndarray,
    firms: np.ndarray,
    occupations: np.ndarray,
    firm_wage_level: np.ndarray,
    market: MatchingMarket,
    minimum_wage_krw: float = 0.0,
) -> np.ndarray:
    """Pay a job offers a worker, KRW per month, at least the minimum wage.

    The firm's wage level times the worker's skill multiplier, less a share for the occupational
    distance moved (skills that do not transfer are not paid for).
    """
    distance = market.distance[workforce.occupation[workers], occupations]
    pay = firm_wage_level[firms] * market.skill_wage[workforce.skill[workers] - 1]
    wage = pay * (1.0 - market.wage_loss_per_distance * distance)
    return np.maximum(wage, minimum_wage_krw) if minimum_wage_krw > 0 else wage


def _place_on_the_job_seekers(
    thresholds: np.ndarray,
    job_levels: np.ndarray,
    choice_draw: np.ndarray,
    max_rounds: int = 8,
    at_or_below: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Give employed applicants (in their order) jobs that pay them more; return (applicant, job) index pairs.

    Each takes a job drawn at random (``choice_draw``) among the free jobs whose wage level is
    above its threshold; where several draw the same job, the first in order gets it and the
    others draw again among the jobs left. Jobs are kept sorted by wage level, so a round costs
    a sort and a search, not a comparison of every applicant with every job.

    ``at_or_below``, when the caller has it: each applicant's number of jobs at or below its
    threshold, the first round's search with every job free (speed only).
    """
    by_level = np.argsort(job_levels, kind="stable")
    sorted_levels = job_levels[by_level]
    free = np.ones(len(job_levels), dtype=bool)
    waiting = np.arange(len(thresholds))
    applicants, jobs = [], []
    for round_number in range(max_rounds):
        left = np.flatnonzero(free)
        if len(waiting) == 0 or len(left) == 0:
            break
        if round_number == 0 and at_or_below is not None:
            lowest = at_or_below  # every job is free: the same search as the caller's
        else:
            lowest = np.searchsorted(sorted_levels[left], thresholds[waiting], side="right")
        has_job = lowest < len(left)
        waiting, lowest = waiting[has_job], lowest[has_job]
        if len(waiting) == 0:
            break
        pick = lowest + np.floor(choice_draw[waiting] * (len(left) - lowest)).astype(np.int64)
        pick = np.minimum(pick, len(left) - 1)
        # The first applicant in order for each job drawn wins it.
        in_order = np.arange(len(waiting))
        first = np.full(len(left), len(waiting), dtype=np.int64)
        np.minimum.at(first, pick, in_order)
        winners = first[pick] == in_order
        taken = left[pick[winners]]
        applicants.append(waiting[winners])
        jobs.append(by_level[taken])
        free[taken] = False
        waiting = waiting[~winners]
    if not applicants:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    return np.concatenate(applicants), np.concatenate(jobs)


#: Bins per distinct value in ``count_at_or_below``, and the most values one bin may hold before it falls
#: back to a binary search (speed only: the counts are exact either way).
_BINS_PER_VALUE = 4
_MAX_BIN_OCCUPANCY = 16


def count_at_or_below(sorted_values: np.ndarray, keys: np.ndarray) -> np.ndarray:
    """How many of ``sorted_values`` are <= each key: ``np.searchsorted(sorted_values, keys, side="right")``.

    The same integers, about three times faster for tens of thousands of keys over a few thousand
    values (the employed applicants' thresholds over a market's wage levels; a binary search
    there is bound by mispredicted branches). The distinct values go into equal-width bins over
    their range, and a key into its bin by the same formula; the formula never decreases, so
    every value in a lower bin is <= the key and every value in a higher bin is above it, and a
    few comparisons inside the key's bin give the exact count.
    """
    n = len(sorted_values)
    if n < 64 or len(keys) < 1024 or np.isnan(keys).any() or not np.isfinite(sorted_values).all():
        return np.searchsorted(sorted_values, keys, side="right")
    new_value = np.empty(n, dtype=bool)
    new_value[0] = True
    np.not_equal(sorted_values[1:], sorted_values[:-1], out=new_value[1:])
    starts = np.flatnonzero(new_value)
    at_or_below = np.append(starts, n)  # [k]: values <= the k-th distinct value (from 1); [0] = 0
    # The distinct values and a NaN after them: NaN <= key is false, so a search never runs past the end.
    distinct = np.append(sorted_values[starts], np.nan)
    low, bins = distinct[0], _BINS_PER_VALUE * len(starts)
    width = (distinct[-2] - low) / bins
    if not width > 0:
        return np.searchsorted(sorted_values, keys, side="right")

    def bin_of(values: np.ndarray) -> np.ndarray:
        position = values - low
        position /= width
        np.clip(position, 0, bins - 1, out=position)  # then truncation is the floor
        return position.astype(np.intp)

    # Each bin's first distinct value: the number of them in lower bins (the bins never decrease along them).
    per_bin = np.bincount(bin_of(distinct[:-1]), minlength=bins)
    first = np.cumsum(per_bin) - per_bin
    occupancy = int(per_bin.max())
    if occupancy > _MAX_BIN_OCCUPANCY:
        return np.searchsorted(sorted_values, keys, side="right")
    # From the first value of the key's bin, step over the values <= key: at most the bin's values, since the
    # next bin's first value is above the key.
    position = first[bin_of(keys)]
    for _ in range(occupancy):
        position += distinct[position] <= keys
    return at_or_below[position]


def _choose_markets(choice_cdf: np.ndarray, occupation: np.ndarray, u: np.ndarray) -> np.ndarray:
    """The occupation market each seeker applies in: the number of entries of its row of ``choice_cdf`` <= ``u``.

    Capped at the last market. Counted one column at a time (a gather from a small table and a
    comparison per seeker) rather than through a seekers x occupations table; the last column
    is not needed, since rows of a cumulative sum never decrease: a draw at or above it is at
    or above every other entry and gets the last market either way.
    """
    n_occupations = choice_cdf.shape[0]
    chosen = np.zeros(len(occupation), dtype=np.int8 if n_occupations <= 127 else np.int64)  # int8: sorted by radix
    for column in range(n_occupations - 1):
        chosen += u >= choice_cdf[:, column].take(occupation)
    return chosen


def match(
    workforce: Workforce,
    seekers: np.ndarray,
    vacancies: Vacancies,
    market: MatchingMarket,
    month: int,
    streams: RandomStreams,
    firm_wage_level: np.ndarray | None = None,
    minimum_wage_krw: float = 0.0,
    takes_any: np.ndarray | None = None,
    seeker_keys: np.ndarray | None = None,
    weight_multiplier: np.ndarray | None = None,
) -> MatchResult:
    """Match job seekers to vacancies for one month; return who was hired where.

    Seekers who are employed (on-the-job search) apply only to jobs that pay more than their
    own (Burdett and Mortensen 1998, with search directed at better jobs): their applications
    count in a market in proportion to the share of its open jobs that would pay them more,
    and a successful one gets such a job. The unemployed take any offer, and so do employed
    seekers marked in ``takes_any`` (one flag per seeker): those whose fixed-term contract ends
    this month and those who move for reasons other than pay (7.6a). ``seeker_keys``: the seekers'
    random keys (``workforce.key[seekers]``), when the caller has them already (speed only).
    ``weight_multiplier``: one factor per seeker on its application's success (short-job workers, 7.5).
    """
    empty = MatchResult.empty()
    if len(seekers) == 0 or vacancies.count == 0:
        return empty
    n_occupations = market.distance.shape[0]
    open_by_occupation = np.bincount(vacancies.occupation, minlength=n_occupations).astype(float)
    choice_cdf = np.cumsum(market.market_choice_probabilities(open_by_occupation), axis=1)
    occupation = workforce.occupation[seekers]
    if seeker_keys is None:
        seeker_keys = workforce.key[seekers]
    u = streams.uniform("search", month, seeker_keys)
    chosen = _choose_markets(choice_cdf, occupation, u)
    since = workforce.unemployed_since[seekers]
    months_unemployed = np.where(since == NEVER, 0, month - since)  # the employed: no spell (and no int32 wrap)
    cell = market.cells(occupation, chosen, workforce.skill[seekers])
    weight = market.weight_of_cells(cell, months_unemployed)
    weight *= workforce.search_boost[seekers]
    if weight_multiplier is not None:
        weight *= weight_multiplier
    success_draw = streams.uniform("match", month, seeker_keys)
    vacancy_draw = streams.uniform("vacancy_order", month, vacancies.key)

    # On-the-job seekers apply only to jobs that would pay them more (directed search): their
    # threshold is the firm wage level above which an offer beats their wage.
    employed = workforce.status[seekers] == EMPLOYED
    searching_on_the_job = bool(employed.any())
    if searching_on_the_job:
        job_level = firm_wage_level[vacancies.firm]
        on_job = np.flatnonzero(employed)
        person = market.pay_factor(cell[on_job])
        current_wage = workforce.wage[seekers[on_job]]
        threshold = np.zeros(len(seekers))
        threshold[on_job] = np.where(current_wage >= minimum_wage_krw, current_wage / person, 0.0)
        if takes_any is not None:
            threshold[takes_any] = 0.0
        jobs_at_or_below = np.zeros(len(seekers), dtype=np.intp)  # set per market for its employed applicants

    hired_workers, hired_firms, hired_occupations = [], [], []
    for occupation_market in range(n_occupations):
        open_jobs = np.flatnonzero(vacancies.occupation == occupation_market)
        applying = np.flatnonzero(chosen == occupation_market)
        if len(open_jobs) == 0 or len(applying) == 0:
            continue
        applying_on_the_job = searching_on_the_job and bool(employed[applying].any())
        market_weight = weight[applying]
        if applying_on_the_job:
            # The share of the market's jobs that pay more, for its employed applicants only (1 for the others).
            effects = np.sort(job_level[open_jobs])
            on_job_here = employed[applying]
            share_better = np.ones(len(applying))
            at_or_below = count_at_or_below(effects, threshold[applying[on_job_here]])
            better = len(open_jobs) - at_or_below
            share_better[on_job_here] = better / len(open_jobs)
            jobs_at_or_below[applying[on_job_here]] = at_or_below
            market_weight = market_weight * share_better
        applicants = market_weight.sum()
        if applicants <= 0:
            continue
        unit = market.unit_matches(np.array([applicants]), np.array([float(len(open_jobs))]))[0]
        hires = min(len(open_jobs), applicants, market.efficiency * unit)
        success = applying[success_draw[applying] < market_weight * hires / applicants]
        if len(success) == 0:
            continue
        take = min(len(success), len(open_jobs))
        order_draw = streams.uniform("match_order", month, seeker_keys[success])  # keyed: the draws of all seekers
        success = success[np.argsort(order_draw, kind="stable")[:take]]
        jobs = open_jobs[np.argsort(vacancy_draw[open_jobs], kind="stable")]
        if applying_on_the_job and employed[success].any():
            movers = success[employed[success]]
            choice_draw = streams.uniform("job_choice", month, seeker_keys[movers])
            mover_index, job_index = _place_on_the_job_seekers(
                threshold[movers],
                job_level[jobs],
                choice_draw,
                at_or_below=jobs_at_or_below[movers],  # the jobs are the market's open jobs, all free yet
            )
            left = np.ones(len(jobs), dtype=bool)
            left[job_index] = False
            jobless = success[~employed[success]]
            free_jobs = jobs[left][: len(jobless)]
            success = np.concatenate([movers[mover_index], jobless[: len(free_jobs)]])
            jobs = np.concatenate([jobs[job_index], free_jobs])
            take = len(success)
            if take == 0:
                continue
        else:
            jobs = jobs[:take]
        hired_workers.append(seekers[success])
        hired_firms.append(vacancies.firm[jobs])
        hired_occupations.append(np.full(take, occupation_market, dtype=np.int8))
    if not hired_workers:
        return empty
    return MatchResult(np.concatenate(hired_workers), np.concatenate(hired_firms), np.concatenate(hired_occupations))


def hire(
    workforce: Workforce,
    result: MatchResult,
    firm_wage_level: np.ndarray,
    market: MatchingMarket,
    month: int,
    quit_rate: float,
    streams: RandomStreams,
    minimum_wage_krw: float = 0.0,
) -> int:
    """Move matched seekers into their new jobs at the pay the job offers them (``offered_wage``).

    Each draws the months of their next quit or dismissal (``quit_rate``: ``leaving_rate_per_month``) and
    of their next search on the job, and a share of them a fixed-term contract's end (``draw_contract_ends``);
    short-job workers (``short_job_workers``) a short job's end instead (``draw_short_job_ends``).
    Returns the number of hires into short jobs.
    """
    workers = result.workers
    if len(workers) == 0:
        return 0
    workforce.wage[workers] = offered_wage(
        workforce, workers, result.firms, result.occupations, firm_wage_level, market, minimum_wage_krw
    )
    first_job_since_layoff = workforce.displaced_month[workers] != NEVER
    first_job_since_layoff &= workforce.reemployed_month[workers] == NEVER
    workforce.reemployed_month[workers[first_job_since_layoff]] = month
    workforce.status[workers] = EMPLOYED
    workforce.employer[workers] = result.firms
    workforce.occupation[workers] = result.occupations
    workforce.hire_month[workers] = month
    workforce.unemployed_since[workers] = NEVER
    workforce.benefit_end_month[workers] = 0
    keys = workforce.key[workers]
    workforce.quit_month[workers] = draw_quit_months(streams, keys, month, quit_rate)
    workforce.search_month[workers] = draw_search_months(streams, keys, month, market.on_the_job_search_rate)
    contract_end = draw_contract_ends(streams, keys, month, market.fixed_term_share_of_hires, market.contract_months)
    short = short_job_workers(keys, market.short_job_worker_share, streams)
    short &= ~workforce.foreign[workers]
    if short.any():
        contract_end[short] = draw_short_job_ends(streams, keys[short], month, market.short_job_months)
    # Foreign workers' stay is set by their visa (visa_end_month), not by a contract here.
    workforce.contract_end_month[workers] = np.where(workforce.foreign[workers], NEVER, contract_end)
    return int(np.count_nonzero(short))


def _rows_where(mask: np.ndarray) -> np.ndarray:
    """``np.flatnonzero(mask)`` of a 1-D bool mask: the same indices, about twice as fast where 4-10% of it is true.

    numpy finds the true entries of a bool array one ``memchr`` call per hit where at most a tenth of
    it is true, and with a branch-free loop over every entry above that (numpy/_core/src/multiarray/
    item_selection.c, ``PyArray_Nonzero``); at 8% of 1.25 M rows the first takes about 1.4 ms and the
    second 0.6 ms. Here the mask is copied with enough true entries after its end to pass a tenth,
    and the indices of those, the last ones found, are dropped (speed only: the indices are the same).
    """
    rows, hits = len(mask), int(np.count_nonzero(mask))
    if rows < 65_536 or hits * 25 < rows or hits * 10 > rows:
        return np.flatnonzero(mask)
    padded = np.empty(rows + (rows - 10 * hits) // 9 + 16, dtype=bool)  # (hits + pad) / (rows + pad) > 0.1
    padded[:rows] = mask
    padded[rows:] = True
    return np.flatnonzero(padded)[:hits]


def on_the_job_seekers(
    workforce: Workforce, month: int, search_rate: float, streams: RandomStreams
) -> tuple[np.ndarray, np.ndarray]:
    """Employed workers looking for a better job this month, and their keys; each draws the next month they will look.

    Workers on unpaid leave wait for recall, and foreign workers placed on a visa are tied to
    their employer (Act on the Employment of Foreign Workers, art. 25: a change of workplace
    only for reasons the Act lists), so neither searches.
    """
    due = _rows_where(workforce.search_month == month)
    keys = workforce.key[due]
    if len(due) == 0:
        return due, keys
    workforce.search_month[due] = draw_search_months(streams, keys, month, search_rate)
    searching = (workforce.status[due] == EMPLOYED) & ~workforce.on_leave[due] & ~workforce.foreign[due]
    return due[searching], keys[searching]


def takes_any_job(keys: np.ndarray, month: int, non_pay_share: float, streams: RandomStreams) -> np.ndarray:
    """Which employed seekers (by random key) look this month for reasons other than pay, and so take any job.

    A share ``non_pay_share`` of on-the-job searches (stream ``"search_reason"``): workers who search
    because they fear losing their job or are unsatisfied with something other than pay (Fujita 2012,
    UK Labour Force Survey), a reallocation shock in the sense of Jolivet, Postel-Vinay and Robin (2006).
    """
    if non_pay_share <= 0.0 or len(keys) == 0:
        return np.zeros(len(keys), dtype=bool)
    return streams.uniform("search_reason", month, keys) < non_pay_share


def contract_ends(
    workforce: Workforce, month: int, conversion_share: float, streams: RandomStreams, short_job_share: float = 0.0
) -> np.ndarray:
    """Employed workers whose fixed-term contract or short job ends this month and is not converted; their ids.

    At the two-year limit a share ``conversion_share`` (stream ``"contract_conversion"``) stay on,
    converted to open-ended contracts (or kept on, which the Act then deems open-ended, art. 4(2));
    the others leave at the end of the month unless they find another job in it. Short jobs
    (``short_job_workers`` of ``short_job_share``) are never converted.
    """
    due = np.flatnonzero(workforce.contract_end_month == month)
    if len(due) == 0:
        return due
    due = due[workforce.status[due] == EMPLOYED]
    kept = streams.uniform("contract_conversion", month, workforce.key[due]) < conversion_share
    if short_job_share > 0.0:
        kept &= ~short_job_workers(workforce.key[due], short_job_share, streams)
    workforce.contract_end_month[due[kept]] = NEVER
    return due[~kept]


def occupation_cdf_by_sector(scenario: Scenario) -> np.ndarray:
    """Cumulative occupation mix of each sector's jobs (sectors x occupations)."""
    occupations = scenario.labour_market.occupations
    cdf = np.zeros((len(scenario.sector_names), len(occupations)))
    for code, name in enumerate(scenario.sector_names):
        mix = scenario.workforce[name].occupation_mix
        cdf[code] = np.cumsum([mix[o] for o in occupations])
    cdf[:, -1] = 1.0
    return cdf


def lay_off(state: RegionState, workers: np.ndarray, month: int) -> None:
    """Lay workers off (with benefit rights) and count the layoffs by firm and sector."""
    if len(workers) == 0:
        return
    firms = state.firms
    employer = state.workforce.employer[workers]
    by_sector = np.bincount(firms.sector[employer], minlength=len(state.sectors))
    state.tally["layoffs"] += len(workers)
    firms.layoffs += np.bincount(employer, minlength=firms.count)
    for code, sector in enumerate(state.sectors):
        state.tally[f"layoffs_{sector}"] += int(by_sector[code])
    firms.release(employer, state.workforce.paid_wage(workers))
    separate(
        state.workforce,
        workers,
        month,
        laid_off=True,
        firm_sector=firms.sector,
        benefit=benefit_terms(state.config, month),
        streams=state.streams,
    )


def place(state: RegionState, workers: np.ndarray, firms: np.ndarray, month: int) -> None:
    """Hire job seekers directly into openings (a programme's placement), in their own occupation."""
    if len(workers) == 0:
        return
    result = MatchResult(workers, firms, state.workforce.occupation[workers].copy())
    labour = state.config.labour_market
    state.tally["short_job_hires"] += hire(
        state.workforce,
        result,
        state.firms.wage_level,
        state.matching,
        month,
        leaving_rate_per_month(labour),
        state.streams,
        minimum_wage(state.config, month),
    )
    state.firms.hire(firms, state.workforce.wage[workers])
    state.tally["hires"] += len(workers)
    state.tally["hired_pay_krw"] += float(state.workforce.wage[workers].sum())


def _is_in_sorted(values: np.ndarray, sorted_ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Whether each of ``values`` is in ``sorted_ids`` (increasing, distinct), and where it would be inserted."""
    position = np.searchsorted(sorted_ids, values)
    if len(sorted_ids) == 0:
        return np.zeros(len(values), dtype=bool), position
    found = sorted_ids[np.minimum(position, len(sorted_ids) - 1)] == values
    found &= position < len(sorted_ids)
    return found, position


def _merge_ending(
    on_the_job: np.ndarray, takes_any: np.ndarray, keys: np.ndarray, ending: np.ndarray, ending_keys: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The on-the-job seekers with the workers whose contract ends added (ids increasing), each of those taking any job.

    Both id arrays are increasing and distinct (``np.flatnonzero`` filtered): the same as
    ``np.unique`` of the two with ``np.isin`` for the flags, by searches in sorted arrays, without sorting.
    ``keys`` and ``ending_keys`` are the two groups' random keys, merged alike (the seekers' keys are
    gathered once, not again for the merged list).
    """
    already, position = _is_in_sorted(ending, on_the_job)
    # The seekers whose contract ends too: where those already among them were found (one search of the few
    # ending workers, not of every seeker).
    ending_too = np.zeros(len(on_the_job), dtype=bool)
    ending_too[position[already]] = True
    new = ~already
    merged = np.insert(on_the_job, position[new], ending[new])
    flags = np.insert(takes_any | ending_too, position[new], True)
    merged_keys = np.insert(keys, position[new], ending_keys[new])
    return merged, flags, merged_keys


def run_labour_market(state: RegionState, month: int) -> None:
    """Stage: quits; expectations and capacity; layoffs and vacancies from workforce plans; matching.

    Firms' expected orders follow this month's orders (``firms.orders``); each firm's
    workforce plan (production.workforce_plans) sets its layoffs and openings; job seekers
    are matched to the openings (``match``) and hired (``hire``).
    """
    workforce, firms = state.workforce, state.firms
    labour = state.config.labour_market
    leaving = np.flatnonzero(workforce.quit_month == month)  # only the employed have a quit month
    firms.release(workforce.employer[leaving], workforce.paid_wage(leaving))
    is_dismissed = draw_dismissed(workforce.key[leaving], month, labour, state.streams)
    quitting, dismissed_now = leaving[~is_dismissed], leaving[is_dismissed]
    benefit = benefit_terms(state.config, month)
    for group, is_dismissal in ((quitting, False), (dismissed_now, True)):
        separate(
            workforce,
            group,
            month,
            laid_off=False,
            firm_sector=firms.sector,
            benefit=benefit,
            streams=state.streams,
            dismissed=is_dismissal,
        )
    state.tally["quits"] = float(len(quitting))
    state.tally["dismissals"] = float(len(dismissed_now))

    production.update_expectations_and_capacity(firms, firms.orders, firms.capacity_factor, state.config.firms)
    cuts, openings = production.workforce_plans(
        firms,
        firms.capacity_factor,
        state.config.firms,
        labour_demand_elasticity=state.config.markets.labour_demand_elasticity,
    )
    short_share = labour.short_job_worker_share
    ending = ending_this_month = contract_ends(
        workforce, month, labour.fixed_term_conversion_share, state.streams, short_share
    )
    if short_share > 0.0:
        state.tally["short_job_ends"] = float(
            np.count_nonzero(short_job_workers(workforce.key[ending], short_share, state.streams))
        )
    lay_off(state, choose_layoffs(workforce, cuts, month, state.streams), month)

    vacancies = post_vacancies(openings, firms.sector, firms.key, state.occupation_cdf, month, state.streams)
    searching = workforce.status == UNEMPLOYED
    linked = linked_rows(workforce)
    if linked is not None:  # a home region's residents searching in a linked work region (sim/nation/commuting.py)
        searching &= ~(linked & ~workforce.lives_outside)
    unemployed = np.flatnonzero(searching)
    on_the_job, on_the_job_keys = on_the_job_seekers(
        workforce, month, state.matching.on_the_job_search_rate, state.streams
    )
    takes_any = takes_any_job(on_the_job_keys, month, state.matching.non_pay_search_share, state.streams)
    if len(ending):
        # Workers whose contract ends look in its last month and take any job (the alternative is none).
        ending = ending[(workforce.status[ending] == EMPLOYED) & ~workforce.on_leave[ending]]
        on_the_job, takes_any, on_the_job_keys = _merge_ending(
            on_the_job, takes_any, on_the_job_keys, ending, workforce.key[ending]
        )
    seekers = np.concatenate([unemployed, on_the_job]) if len(on_the_job) else unemployed
    seeker_keys = np.concatenate([workforce.key[unemployed], on_the_job_keys])
    any_job = np.concatenate([np.zeros(len(unemployed), dtype=bool), takes_any]) if takes_any.any() else None
    floor = minimum_wage(state.config, month)
    boost = None
    if short_share > 0.0 and state.matching.short_job_search_multiplier != 1.0:
        # Short-job workers between jobs: unemployed, or in their short job's last month (not on-the-job search).
        between = short_job_workers(seeker_keys, short_share, state.streams)
        between &= (workforce.status[seekers] == UNEMPLOYED) | np.isin(seekers, ending)
        boost = np.where(between, state.matching.short_job_search_multiplier, 1.0)
    result = match(
        workforce,
        seekers,
        vacancies,
        state.matching,
        month,
        state.streams,
        firms.wage_level,
        floor,
        any_job,
        seeker_keys=seeker_keys,
        weight_multiplier=boost,
    )
    movers = result.workers[workforce.status[result.workers] == EMPLOYED]
    firms.release(workforce.employer[movers], workforce.paid_wage(movers))
    state.tally["job_to_job_moves"] = float(len(movers))
    state.tally["short_job_hires"] += hire(
        workforce, result, firms.wage_level, state.matching, month, leaving_rate_per_month(labour), state.streams, floor
    )
    firms.hire(result.firms, workforce.wage[result.workers])
    state.tally["hired_pay_krw"] += float(workforce.wage[result.workers].sum())
    state.tally["job_to_job_pay_krw"] = float(workforce.wage[movers].sum())
    end_contracts(state, month, ending_this_month)
    filled = np.bincount(result.firms, minlength=firms.count)
    firms.unfilled_months = np.where(openings > filled, firms.unfilled_months + 1, 0)
    state.last_hires = result
    state.tally["vacancies"] = float(vacancies.count)
    state.tally["hires"] += float(len(result.workers))


def end_contracts(state: RegionState, month: int, ending: np.ndarray) -> None:
    """Fixed-term workers whose contract ended this month and who found no other job become unemployed.

    ``ending``: the month's ``contract_ends`` (ids increasing): only they can still have a contract
    ending this month (a layoff or a hire since has reset theirs, and a hire sets a later month), so
    they are checked instead of every worker.
    """
    workforce = state.workforce
    leaving = ending[workforce.contract_end_month[ending] == month]
    leaving = leaving[workforce.status[leaving] == EMPLOYED]
    short = short_job_workers(workforce.key[leaving], state.config.labour_market.short_job_worker_share, state.streams)
    state.tally["contract_ends"] = float(len(leaving) - np.count_nonzero(short))
    state.tally["short_job_ends_unemployed"] = float(np.count_nonzero(short))
    if len(leaving) == 0:
        return
    state.firms.release(workforce.employer[leaving], workforce.paid_wage(leaving))
    separate(
        workforce,
        leaving,
        month,
        laid_off=False,
        firm_sector=state.firms.sector,
        benefit=benefit_terms(state.config, month),
        streams=state.streams,
        contract_ended=True,
    )


def calibrate_matching(state: RegionState) -> None:
    """Choose the matching efficiency so that the starting job-finding rate is the scenario's."""
    workforce = state.workforce
    config = state.config
    labour = config.labour_market
    seekers = np.flatnonzero(workforce.status == UNEMPLOYED)
    employed = np.flatnonzero(workforce.status == EMPLOYED)
    occupations = len(labour.occupations)
    # Contracts ending in the first month and not converted separate too (7.5); short jobs are left out: the
    # job-finding rate is that of job losers (KLI), and short jobs are an added flow of their own.
    due = employed[workforce.contract_end_month[employed] == 1]
    short_due = np.count_nonzero(short_job_workers(workforce.key[due], labour.short_job_worker_share, state.streams))
    monthly_separations = len(employed) * (
        leaving_rate_per_month(labour)
        + 1.0 / (12 * config.population.retirement_age_years - 12 * config.population.age_min_years)
    ) + (len(due) - short_due) * (1.0 - labour.fixed_term_conversion_share)
    occupation_share = np.bincount(workforce.occupation[employed], minlength=occupations) / max(len(employed), 1)
    vacancies = occupation_share * monthly_separations * labour.vacancy_duration_months
    state.matching.calibrate_efficiency(
        labour.job_finding_rate_per_month,
        workforce.occupation[seekers],
        workforce.skill[seekers],
        -workforce.unemployed_since[seekers],
        vacancies,
    )
