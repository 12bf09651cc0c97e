"""The population from age 15: participation by age, commuting and migration (docs/model.md 7.14).

With a scenario's ``[mobility]`` section the region holds every resident aged 15 and over,
inactive people included, as Statistics Korea's Economically Active Population Survey
counts them. Each month (after the labour market, inside the demographics stage):

1. people reaching ``age_max_years`` leave the population;
2. participation follows age: the survey's participation rates by age band, interpolated
   between the bands' midpoints, are held by a synthetic cohort: as people age, those in the
   labour force leave it where participation falls with age (retirement is a participation
   decision, not a hard exit) and the inactive join it where participation rises;
   the discouraged-worker effect scales joining down when the region's unemployment is
   above its starting rate;
3. commuting: residents employed outside the region (status COMMUTING_OUT) lose those jobs
   at the quit rate and unemployed residents find outside jobs at the rate that keeps the
   census share at the start; in-commuters (``lives_outside``) hold the census share of
   the region's jobs, search in its market when they lose a job and stop searching here at
   the outside job-finding rate, while new outside seekers arrive to keep their pool; in a
   national model with ``[[commuting]]`` links (sim/nation/commuting.py) the linked
   commuters' jobs and searches are held by the work region and their lives by the home
   region, so neither region's outside market moves them;
4. migration: residents move out and people move in at the age profile of internal
   migration, and the net outflow rises by a sourced number of migrants per extra
   unemployed resident (relative job prospects; the nation's unemployment rate is taken
   as unchanged at the start rate); in a national model (sim/nation) a share of the
   out-migrants goes to another region of the nation, arriving there the next month, and
   that region's own in-migration is smaller by the share's expected flow at the start;
5. a cohort of 15-year-olds enters the population (inactive) each month.

Every draw has its own stream name (common random numbers); all passes are vectorised.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from sim.region.labour_market import separation_rate_per_month
from sim.region.random_streams import RandomStreams, agent_keys, geometric_months, weighted_choice
from sim.region.state import (
    COMMUTING_OUT,
    EMPLOYED,
    INACTIVE,
    MOVED_OUT,
    NEVER,
    NO_EMPLOYER,
    UNEMPLOYED,
    Workforce,
    linked_rows,
)

if TYPE_CHECKING:
    from sim.inputs.scenario import Mobility, Scenario
    from sim.region.region_state import RegionState

#: Age at which people join the population (Statistics Korea counts the population aged 15 and over).
ENTRY_AGE_YEARS = 15


@dataclass
class MobilityState:
    """What the monthly mobility pass keeps from the start of the run."""

    unemployment_rate_start: float  # residents' unemployment rate at the start
    population_start: int  # residents aged 15+ at the start
    outsider_seekers_start: int  # in-commuters searching in the region's market at the start
    outside_finding_rate_per_month: float  # unemployed residents finding jobs outside the region
    outside_wage_krw: float  # monthly wage of a job outside (the region's mean wage at the start)
    leave_by_age_month: np.ndarray  # participation_hazards tabulated by age in whole months (for speed)
    join_by_age_month: np.ndarray
    band_by_age_month: np.ndarray
    population_by_band_start: np.ndarray  # residents in each age band at the start
    # In a national model (sim/nation): the month's out-migrants (rows; whether each was in the labour force) for
    # the nation to send on, the expected in-migrants a month from linked regions at the start's rates (taken
    # out of the region's own in-migration, which they are part of), and migrants queued to arrive.
    departed_rows: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    departed_in_labour_force: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))
    from_regions_per_month: float = 0.0
    incoming: list[Migrants] = field(default_factory=list)
    # The month's prospects factor of in-migration (1 at the start's unemployment; below 1 when residents'
    # unemployment is higher): a nation scales its linked regions' migrants bound here by it (sim/nation/migration.py).
    in_migration_factor: float = 1.0
    # The share of the in-commuter seekers arriving a month who come from outside the nation's commuting links (1
    # alone; less in a work region of a [[commuting]] link, whose home region sends its own residents instead).
    outsider_arrival_share: float = 1.0


@dataclass(frozen=True)
class Migrants:
    """People moving in from another region of a national model, as they were when they left it."""

    origin: str  # the region they come from (names their keys)
    birth_month: np.ndarray  # on the shared calendar
    occupation: np.ndarray
    skill: np.ndarray
    in_labour_force: np.ndarray  # employed or searching when they left: they search on arrival


#: Thinning (Lewis and Shedler 1979): each resident is a candidate for the month's moving and participation
#: decisions at this rate, with a geometric waiting time kept in ``mobility_month``; a candidate acts with
#: probability hazard / CANDIDATE_RATE_PER_MONTH. Only the month's candidates are drawn (about 4% of people), not
#: everybody, which keeps the pass cheap. Hazards above the rate are capped at it (29% a year per person; the
#: sourced hazards stay below 2% a month, docs/model.md 7.14).
CANDIDATE_RATE_PER_MONTH = 0.04


def next_candidate_months(streams: RandomStreams, keys: np.ndarray, after_month: int) -> np.ndarray:
    """The next month each person (by random key) is a candidate for the mobility decisions (geometric wait)."""
    u = streams.uniform("mobility_candidate", after_month, keys)
    return geometric_months(u, after_month, CANDIDATE_RATE_PER_MONTH, NEVER)


def age_tables(mobility: Mobility) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Leaving and joining hazards and the age band, by age in whole months from 0 to age_max_years."""
    age = np.arange(mobility.age_max_years * 12 + 1) / 12.0
    leave, join = participation_hazards(mobility, age)
    return leave, join, band_index(mobility, age)


def age_months(workforce: Workforce, month: int, rows: np.ndarray, top: int) -> np.ndarray:
    """Ages of ``rows`` in whole months, clipped to [0, top] (an index into the age tables)."""
    return np.clip(month - workforce.birth_month[rows], 0, top)


def band_index(mobility: Mobility, age_years: np.ndarray) -> np.ndarray:
    """Each age's band (index into the ``*_by_age`` lists)."""
    return np.clip(np.searchsorted(np.asarray(mobility.age_bands_years), age_years, side="right") - 1, 0, None)


def _band_bounds(mobility: Mobility) -> tuple[np.ndarray, np.ndarray]:
    lower = np.asarray(mobility.age_bands_years, dtype=float)
    upper = np.append(lower[1:], float(mobility.age_max_years))
    return lower, upper


def participation_at(mobility: Mobility, age_years: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Participation rate at each age and its slope per year (linear between band midpoints)."""
    lower, upper = _band_bounds(mobility)
    mid = (lower + upper) / 2.0
    rate = np.asarray(mobility.participation_rate_by_age, dtype=float)
    level = np.interp(age_years, mid, rate)
    slope_by_segment = np.diff(rate) / np.diff(mid)
    segment = np.searchsorted(mid, age_years, side="right") - 1
    inside = (segment >= 0) & (segment < len(slope_by_segment))
    slope = np.where(inside, slope_by_segment[np.clip(segment, 0, len(slope_by_segment) - 1)], 0.0)
    return level, slope


def participation_hazards(mobility: Mobility, age_years: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Monthly probabilities of leaving (labour force members) and joining (inactive) at each age.

    A synthetic cohort keeps the participation profile p(a): the net flow per year of age is
    p'(a), so the labour force loses -p'(a)/p(a) a year where participation falls and the
    inactive join at p'(a)/(1-p(a)) where it rises.
    """
    level, slope = participation_at(mobility, age_years)
    leave = np.maximum(-slope, 0.0) / np.maximum(level, 1e-6) / 12.0
    join = np.maximum(slope, 0.0) / np.maximum(1.0 - level, 1e-6) / 12.0
    return np.minimum(leave, 1.0), np.minimum(join, 1.0)


def draw_ages(mobility: Mobility, weights: np.ndarray, count: int, generator: np.random.Generator) -> np.ndarray:
    """Ages in years: a band drawn with ``weights``, then uniform within the band."""
    if count == 0:
        return np.zeros(0)
    lower, upper = _band_bounds(mobility)
    band = weighted_choice(generator, len(lower), count, weights / weights.sum())
    width = upper - lower
    return lower[band] + generator.random(count) * width[band]


def residents(workforce: Workforce) -> np.ndarray:
    """Mask of the region's residents aged 15+ (everyone present who does not live outside)."""
    return (workforce.status != MOVED_OUT) & ~workforce.lives_outside


def resident_labour(workforce: Workforce) -> tuple[int, int, int]:
    """Residents employed (in the region or outside), unemployed, and aged 15+ in all."""
    # Counted with comparisons over whole columns (cheap) rather than by gathering the outsiders' rows.
    status, resident = workforce.status, ~workforce.lives_outside
    employed = np.count_nonzero((status == EMPLOYED) & resident) + np.count_nonzero(status == COMMUTING_OUT)
    unemployed = np.count_nonzero((status == UNEMPLOYED) & resident)
    population = np.count_nonzero((status != MOVED_OUT) & resident)
    return int(employed), int(unemployed), int(population)


def leave_region(state: RegionState, ids: np.ndarray) -> None:
    """People leave the population (moving away, ageing out, in-commuters no longer here)."""
    workforce, firms = state.workforce, state.firms
    employed = ids[workforce.status[ids] == EMPLOYED]
    firms.release(workforce.employer[employed], workforce.paid_wage(employed))
    workforce.status[ids] = MOVED_OUT
    _clear_job(workforce, ids)


def _clear_job(workforce: Workforce, ids: np.ndarray) -> None:
    workforce.employer[ids] = NO_EMPLOYER
    workforce.on_leave[ids] = False
    workforce.leave_allowance_krw[ids] = 0.0
    workforce.unemployed_since[ids] = NEVER
    workforce.benefit_end_month[ids] = 0
    workforce.quit_month[ids] = NEVER
    workforce.training_end_month[ids] = NEVER


def _new_people(state: RegionState, origin: str, month: int, age_years: np.ndarray) -> np.ndarray:
    """Rows for people joining the population: ages given, occupations and skills like the entrants'."""
    workforce = state.workforce
    count = len(age_years)
    ids = workforce.grow(count)
    if count == 0:
        return ids
    workforce.key[ids] = agent_keys(origin, month, count)
    generator = state.streams.generator(f"{origin}_traits", month)
    workforce.birth_month[ids] = month - np.round(age_years * 12).astype(np.int32)
    workforce.occupation[ids] = weighted_choice(
        generator, len(state.entrant_occupation_weights), count, state.entrant_occupation_weights
    )
    skills = np.array([1, 2, 3], dtype=np.int8)
    workforce.skill[ids] = weighted_choice(generator, skills, count, state.entrant_skill_weights)
    workforce.entry_month[ids] = month
    workforce.wage[ids] = 0.0
    workforce.status[ids] = INACTIVE
    workforce.mobility_month[ids] = next_candidate_months(state.streams, workforce.key[ids], month)
    return ids


# ------------------------------------------------------------------ build


def populate_residents(state: RegionState) -> None:
    """At the start: in-commuters among the jobs, out-commuters, and the inactive by age.

    The labour force built from the firms' jobs (``build.populate``) becomes the residents'
    labour force less in-commuters plus out-commuters; the population aged 15+ is that labour
    force over the participation rate implied by the age shares and participation by age;
    everybody's age is drawn again from the bands (the labour force with weights
    share x participation, the inactive with share x (1 - participation)).
    """
    config: Scenario = state.config
    mobility = config.mobility
    assert mobility is not None
    workforce, streams = state.workforce, state.streams
    generator = streams.generator("mobility_population")
    share = np.asarray(mobility.population_share_by_age, dtype=float)
    participation = np.asarray(mobility.participation_rate_by_age, dtype=float)

    workforce.left_search[workforce.status == INACTIVE] = True  # build.populate's pool of former job seekers
    employed = np.flatnonzero(workforce.status == EMPLOYED)
    unemployed = np.flatnonzero(workforce.status == UNEMPLOYED)
    s_in = mobility.in_commuter_share_of_jobs
    workforce.lives_outside[employed] = generator.random(len(employed)) < s_in
    workforce.lives_outside[unemployed] = generator.random(len(unemployed)) < s_in
    employed_residents = int(np.count_nonzero(~workforce.lives_outside[employed]))
    outsider_seekers = int(np.count_nonzero(workforce.lives_outside[unemployed]))
    unemployed_residents = len(unemployed) - outsider_seekers

    s_out = mobility.out_commuter_share_of_employed
    commuters_out = round(employed_residents * s_out / (1.0 - s_out))
    out_ids = _new_people(state, "commuter_out_start", 0, np.full(commuters_out, 40.0))
    workforce.status[out_ids] = COMMUTING_OUT
    mean_wage = float(workforce.wage[employed].mean()) if len(employed) else 0.0
    workforce.wage[out_ids] = mean_wage
    workforce.entry_month[out_ids] = 0

    labour_force = employed_residents + commuters_out + unemployed_residents
    rate = float(share @ participation)
    population = round(labour_force / rate) if rate > 0 else labour_force
    already_inactive = int(np.count_nonzero((workforce.status == INACTIVE) & ~workforce.lives_outside))
    inactive = max(population - labour_force - already_inactive, 0)
    in_ids = _new_people(state, "inactive_start", 0, np.full(inactive, 40.0))
    workforce.entry_month[in_ids] = 0

    # Ages: the labour force (in-commuters too) by share x participation, the inactive by share x (1 - p).
    present = np.flatnonzero(workforce.status != MOVED_OUT)
    in_force = present[workforce.status[present] != INACTIVE]
    out_force = present[workforce.status[present] == INACTIVE]
    for rows, weights in ((in_force, share * participation), (out_force, share * (1.0 - participation))):
        age = draw_ages(mobility, weights, len(rows), generator)
        workforce.birth_month[rows] = -np.round(age * 12).astype(np.int32)
    workforce.retire_month[present] = NEVER
    # Tenure cannot start before age 15.
    first_working_month = workforce.birth_month[present] + ENTRY_AGE_YEARS * 12
    workforce.hire_month[present] = np.maximum(workforce.hire_month[present], np.minimum(first_working_month, 0))

    workforce.mobility_month[present] = next_candidate_months(streams, workforce.key[present], 0)
    labour = config.labour_market
    leave_table, join_table, band_table = age_tables(mobility)
    resident_rows = present[~workforce.lives_outside[present]]
    top = len(band_table) - 1
    state.mobility = MobilityState(
        population_by_band_start=np.bincount(
            band_table[age_months(workforce, 0, resident_rows, top)], minlength=len(mobility.age_bands_years)
        ),
        leave_by_age_month=leave_table,
        join_by_age_month=join_table,
        band_by_age_month=band_table,
        unemployment_rate_start=unemployed_residents / max(labour_force, 1),
        population_start=population,
        outsider_seekers_start=outsider_seekers,
        outside_finding_rate_per_month=(
            separation_rate_per_month(labour) * commuters_out / unemployed_residents if unemployed_residents else 0.0
        ),
        outside_wage_krw=mean_wage,
    )


# ------------------------------------------------------------------ monthly


def discouragement(state: RegionState) -> float:
    """Residents' unemployment rate relative to the start, for the discouraged-worker effect (1 at the start)."""
    if state.mobility is None:
        return 1.0
    employed, unemployed, _ = resident_labour(state.workforce)
    rate = unemployed / max(employed + unemployed, 1)
    return rate / state.mobility.unemployment_rate_start if state.mobility.unemployment_rate_start > 0 else 1.0


def _age_out(state: RegionState, month: int) -> int:
    """People reaching ``age_max_years`` leave; return how many of them were residents."""
    workforce = state.workforce
    mobility = state.config.mobility
    last_birth_month = month - mobility.age_max_years * 12
    old = np.flatnonzero((workforce.birth_month <= last_birth_month) & (workforce.status != MOVED_OUT))
    leave_region(state, old)
    return int(np.count_nonzero(~state.workforce.lives_outside[old]))


def _commuting(state: RegionState, month: int) -> None:
    workforce, streams, labour = state.workforce, state.streams, state.config.labour_market
    status = workforce.status
    linked = linked_rows(workforce)
    outside = status == COMMUTING_OUT
    outside_jobs = np.flatnonzero(outside if linked is None else outside & ~linked)
    losing = outside_jobs[
        streams.uniform("commute_out_separation", month, workforce.key[outside_jobs])
        < separation_rate_per_month(labour)
    ]
    seekers = np.flatnonzero(status == UNEMPLOYED)
    away = workforce.lives_outside if linked is None else workforce.lives_outside | linked
    seekers = seekers[~away[seekers]]
    finding = seekers[
        streams.uniform("commute_out_finding", month, workforce.key[seekers])
        < state.mobility.outside_finding_rate_per_month
    ]
    workforce.status[losing] = UNEMPLOYED
    workforce.unemployed_since[losing] = month
    workforce.status[finding] = COMMUTING_OUT
    workforce.unemployed_since[finding] = NEVER
    workforce.benefit_end_month[finding] = 0
    workforce.wage[finding] = state.mobility.outside_wage_krw
    first_since_layoff = finding[
        (workforce.displaced_month[finding] <= month) & (workforce.reemployed_month[finding] == NEVER)
    ]
    workforce.reemployed_month[first_since_layoff] = month

    # In-commuters: those out of work here stop searching here at the outside job-finding rate.
    outsiders = np.flatnonzero(workforce.lives_outside & ((status == UNEMPLOYED) | (status == INACTIVE)))
    stopping = outsiders[
        (workforce.status[outsiders] == INACTIVE)
        | (streams.uniform("commute_in_leave", month, workforce.key[outsiders]) < labour.job_finding_rate_per_month)
    ]
    leave_region(state, stopping)
    arriving = int(
        streams.generator("commute_in_arrivals", month).poisson(
            labour.job_finding_rate_per_month
            * state.mobility.outsider_seekers_start
            * state.mobility.outsider_arrival_share
        )
    )
    mobility = state.config.mobility
    share = np.asarray(mobility.population_share_by_age) * np.asarray(mobility.participation_rate_by_age)
    age = draw_ages(mobility, share, arriving, streams.generator("commute_in_ages", month))
    ids = _new_people(state, "commuter_in", month, age)
    workforce.lives_outside[ids] = True
    workforce.status[ids] = UNEMPLOYED
    workforce.unemployed_since[ids] = month
    state.tally["commuters_in_arrived"] = float(arriving)


def _decisions(state: RegionState, month: int, relative_unemployment: float) -> None:
    """The month's candidates move out, leave or join the labour force; in-migrants arrive.

    Hazards per month: moving out, the band's out-migration rate x the prospects factor; leaving the labour force
    (its members) or joining it (the inactive who did not stop searching), from participation by age, joining
    scaled by the discouraged-worker effect. In-migrants: Poisson around the residents by band (those at the start,
    scaled by the population now) x the in-migration rate x the prospects factor.
    """
    workforce, streams, tables = state.workforce, state.streams, state.mobility
    mobility = state.config.mobility
    out_rate = np.asarray(mobility.out_migration_rate_per_year_by_age) / 12.0
    in_rate = out_rate + np.asarray(mobility.net_migration_rate_per_year_by_age) / 12.0

    employed, unemployed, population = resident_labour(workforce)
    by_band = tables.population_by_band_start * (population / max(tables.population_start, 1))
    base_out, base_in = float(by_band @ out_rate), float(by_band @ in_rate)
    extra_unemployed = unemployed - tables.unemployment_rate_start * (employed + unemployed)
    # Net out-migration per extra unemployed resident (a year), split between more leaving and fewer coming.
    extra_net = mobility.net_out_migrants_per_extra_unemployed_per_year * extra_unemployed / 12.0
    out_factor = max(1.0 + 0.5 * extra_net / base_out, 0.0) if base_out > 0 else 1.0
    in_factor = max(1.0 - 0.5 * extra_net / base_in, 0.0) if base_in > 0 else 1.0
    join_factor = (
        relative_unemployment ** (-mobility.discouraged_worker_elasticity) if relative_unemployment > 0 else 1.0
    )

    # The month's candidates, then those present (a few per cent of the rows: cheaper than masks over all of them).
    due = np.flatnonzero(workforce.mobility_month == month)
    due = due[(workforce.status[due] != MOVED_OUT) & ~workforce.lives_outside[due]]
    keys = workforce.key[due]
    workforce.mobility_month[due] = next_candidate_months(streams, keys, month)
    top = len(tables.band_by_age_month) - 1
    age = age_months(workforce, month, due, top)
    status = workforce.status[due]
    moving_hazard = np.where(workforce.foreign[due], 0.0, out_rate[tables.band_by_age_month[age]] * out_factor)
    in_force = (status == EMPLOYED) | (status == UNEMPLOYED) | (status == COMMUTING_OUT)
    inactive = (status == INACTIVE) & ~workforce.left_search[due]
    participation_hazard = np.where(
        in_force, tables.leave_by_age_month[age], np.where(inactive, tables.join_by_age_month[age] * join_factor, 0.0)
    )
    draw = streams.uniform("mobility_decision", month, keys) * CANDIDATE_RATE_PER_MONTH
    moving = draw < moving_hazard
    changing = ~moving & (draw < moving_hazard + participation_hazard)
    leaving, joining = due[changing & in_force], due[changing & inactive]
    migrants_out = due[moving]
    tables.departed_rows = migrants_out
    tables.departed_in_labour_force = in_force[moving]

    leave_region(state, migrants_out)
    employed_leaving = leaving[workforce.status[leaving] == EMPLOYED]
    state.firms.release(workforce.employer[employed_leaving], workforce.paid_wage(employed_leaving))
    workforce.status[leaving] = INACTIVE
    _clear_job(workforce, leaving)
    workforce.status[joining] = UNEMPLOYED
    workforce.unemployed_since[joining] = month

    generator = streams.generator("migrate_in", month)
    # In a nation, in-migrants from linked regions respond to the same prospects (sim/nation/migration.py), so the
    # part of the in-migration they stand for is taken out before the factor: (base - linked) x factor.
    arriving = int(generator.poisson(max((base_in - tables.from_regions_per_month) * in_factor, 0.0)))
    tables.in_migration_factor = in_factor
    ages = draw_ages(mobility, by_band * in_rate, arriving, generator)
    ids = _new_people(state, "in_migrant", month, ages)
    level, _ = participation_at(mobility, ages)
    searching = ids[generator.random(arriving) < level]
    workforce.status[searching] = UNEMPLOYED
    workforce.unemployed_since[searching] = month
    from_regions = _arrive_from_regions(state, month) if tables.incoming else 0
    state.tally["migrants_out"] = float(len(migrants_out))
    state.tally["migrants_in"] = float(arriving + from_regions)
    state.tally["retirements"] = float(len(leaving))  # participation falls with age only from the late 40s on
    state.tally["joined_labour_force"] = float(len(joining))


def _arrive_from_regions(state: RegionState, month: int) -> int:
    """Migrants sent by other regions of a national model arrive: searching if they were in the labour force."""
    workforce = state.workforce
    total = 0
    for group in state.mobility.incoming:
        count = len(group.birth_month)
        ids = workforce.grow(count)
        if count == 0:
            continue
        workforce.key[ids] = agent_keys(f"migrant_from_{group.origin}", month, count)
        workforce.birth_month[ids] = group.birth_month
        workforce.occupation[ids] = group.occupation
        workforce.skill[ids] = group.skill
        workforce.entry_month[ids] = month
        workforce.wage[ids] = 0.0
        workforce.status[ids] = INACTIVE
        workforce.mobility_month[ids] = next_candidate_months(state.streams, workforce.key[ids], month)
        searching = ids[group.in_labour_force]
        workforce.status[searching] = UNEMPLOYED
        workforce.unemployed_since[searching] = month
        total += count
    state.mobility.incoming = []
    return total


def _cohort(state: RegionState, month: int) -> int:
    """The month's 15-year-olds join the population, outside the labour force."""
    mobility = state.config.mobility
    lower, upper = _band_bounds(mobility)
    monthly = mobility.population_share_by_age[0] / (upper[0] - lower[0]) / 12.0 * state.mobility.population_start
    count = int(state.streams.generator("cohort_count", month).poisson(monthly))
    _new_people(state, "cohort", month, np.full(count, float(ENTRY_AGE_YEARS)))
    return count


def run_mobility(state: RegionState, month: int, relative_unemployment: float) -> int:
    """The month's ageing out, participation, commuting, migration and new cohort; return the cohort size."""
    state.tally["aged_out"] = float(_age_out(state, month))
    _decisions(state, month, relative_unemployment)
    _commuting(state, month)
    return _cohort(state, month)
