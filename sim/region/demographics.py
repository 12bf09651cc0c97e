"""Demographics: retirement, leaving the labour force or the region, returning, and new entrants.

Long unemployment spells push some job seekers out of the labour force or out of the
region; some of those outside the labour force return to search; young people enter; and
everyone retires at the retirement age, so ten-year runs keep a sensible age structure.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from sim.inputs.scenario import Scenario
from sim.region.arrivals import add_entrants
from sim.region.mobility import discouragement, run_mobility
from sim.region.random_streams import RandomStreams
from sim.region.state import EMPLOYED, INACTIVE, MOVED_OUT, NEVER, NO_EMPLOYER, UNEMPLOYED, Workforce

if TYPE_CHECKING:
    from sim.region.region_state import RegionState


@dataclass
class DemographicFlows:
    """Counts of the month's demographic moves."""

    retired: int = 0
    retired_from_jobs: np.ndarray | None = None  # employer ids of employees who retired
    retired_wages: np.ndarray | None = None  # their wages, KRW per month
    to_inactive: int = 0
    moved_out: int = 0
    returned: int = 0
    entrants: int = 0


def retire(workforce: Workforce, month: int) -> DemographicFlows:
    """Everyone who has reached the retirement age leaves the labour force for good."""
    due = np.flatnonzero(workforce.retire_month <= month)
    due = due[(workforce.status[due] != MOVED_OUT) & ~workforce.retired[due]]
    was_employed = due[workforce.status[due] == EMPLOYED]
    flows = DemographicFlows(
        retired=len(due),
        retired_from_jobs=workforce.employer[was_employed].copy(),
        retired_wages=workforce.paid_wage(was_employed),
    )
    workforce.status[due] = INACTIVE
    workforce.on_leave[due] = False
    workforce.leave_allowance_krw[due] = 0.0
    workforce.retired[due] = True
    workforce.employer[due] = NO_EMPLOYER
    workforce.unemployed_since[due] = NEVER
    workforce.benefit_end_month[due] = 0
    workforce.quit_month[due] = NEVER
    return flows


def leave_and_return(
    workforce: Workforce,
    scenario: Scenario,
    month: int,
    streams: RandomStreams,
    flows: DemographicFlows,
    relative_unemployment: float = 1.0,
) -> None:
    """Long-term unemployed leave search or the region; some inactive people return to search.

    ``relative_unemployment`` (residents' unemployment rate over the start's) scales the two
    rates when the scenario has a ``[mobility]`` section (the discouraged-worker effect).
    """
    labour = scenario.labour_market
    mobility = scenario.mobility is not None
    unemployed = np.flatnonzero(workforce.status == UNEMPLOYED)
    spell = month - workforce.unemployed_since[unemployed]
    long_term = unemployed[spell >= labour.long_term_unemployment_months]
    u = streams.uniform("leave", month, workforce.key[long_term])
    exit_rate, reentry_rate = labour.exit_to_inactive_rate_per_month, labour.reentry_rate_per_month
    if mobility:
        # Discouraged workers (docs/model.md 7.14): leaving search rises and returning falls with
        # the residents' unemployment rate relative to the start; migration replaces moving out.
        exit_rate = min(exit_rate * relative_unemployment**scenario.mobility.discouraged_worker_elasticity, 1.0)
        if relative_unemployment > 0:
            reentry_rate = min(
                reentry_rate * relative_unemployment ** (-scenario.mobility.discouraged_worker_elasticity), 1.0
            )
    to_inactive = long_term[u < exit_rate]
    moving = long_term[(u >= exit_rate) & (u < exit_rate + labour.move_out_rate_per_month) & (not mobility)]
    if mobility:
        inactive = np.flatnonzero(workforce.left_search)
        inactive = inactive[workforce.status[inactive] == INACTIVE]
    else:
        inactive = np.flatnonzero((workforce.status == INACTIVE) & ~workforce.retired)
    returning = inactive[streams.uniform("return", month, workforce.key[inactive]) < reentry_rate]

    workforce.status[to_inactive] = INACTIVE
    workforce.left_search[to_inactive] = True
    workforce.left_search[returning] = False
    workforce.status[moving] = MOVED_OUT
    for left in (to_inactive, moving):
        workforce.unemployed_since[left] = NEVER
        workforce.benefit_end_month[left] = 0
    workforce.status[returning] = UNEMPLOYED
    workforce.unemployed_since[returning] = month
    flows.to_inactive = len(to_inactive)
    flows.moved_out = len(moving)
    flows.returned = len(returning)


def end_visas(workforce: Workforce, month: int) -> tuple[np.ndarray, np.ndarray]:
    """Foreign workers whose visas end this month leave the region; return the employers and wages of those employed."""
    leaving = np.flatnonzero(workforce.visa_end_month == month)
    leaving = leaving[workforce.status[leaving] != MOVED_OUT]
    employed = leaving[workforce.employer[leaving] >= 0]
    employers, wages = workforce.employer[employed].copy(), workforce.paid_wage(employed)
    workforce.status[leaving] = MOVED_OUT
    workforce.employer[leaving] = NO_EMPLOYER
    workforce.unemployed_since[leaving] = NEVER
    workforce.quit_month[leaving] = NEVER
    workforce.benefit_end_month[leaving] = 0
    return employers, wages


def entrant_count(scenario: Scenario, initial_labour_force: int, month: int, streams: RandomStreams) -> int:
    """How many young people join the labour force this month (Poisson around the entry rate)."""
    expected = scenario.population.entry_rate_per_month * initial_labour_force
    return int(streams.generator("entrant_count", month).poisson(expected))


def run_demographics(state: RegionState, month: int) -> None:
    """Stage: retirement, visas ending, leaving and returning to the labour force, entrants."""
    workforce, firms = state.workforce, state.firms
    flows = retire(workforce, month)
    firms.release(flows.retired_from_jobs, flows.retired_wages)
    firms.release(*end_visas(workforce, month))
    if state.config.mobility is None:
        leave_and_return(workforce, state.config, month, state.streams, flows)
        entrants = entrant_count(state.config, state.initial_labour_force, month, state.streams)
        add_entrants(state, entrants, month)
    else:
        relative_unemployment = discouragement(state)
        leave_and_return(workforce, state.config, month, state.streams, flows, relative_unemployment)
        entrants = run_mobility(state, month, relative_unemployment)
    state.tally["retirements"] = float(flows.retired)
    state.tally["entrants"] = float(entrants)
