"""Commuting between regions of a nation: each commuter is one person, held once (issue 16).

A region's model has its own outside labour market (mobility.py): residents employed
outside (status COMMUTING_OUT) and in-commuters who hold its jobs (``lives_outside``). A
``[[commuting]]`` link says which share of the work region's in-commuters live in the home
region. Those commuters are then one person each:

- **The home region holds the person** (a resident: age, migration, participation,
  household income), the **work region holds the job** (an in-commuter row with the
  person's key: employer, wage, layoffs, and the search while looking for work there). Both
  rows carry the link's index in the ``commute_link`` column and the person's key (mixed
  with the link's in the work region, ``job_keys``); neither region's abstract
  outside market moves them (mobility.py, labour_market.py). The nation counts each once:
  population, residents employed and commuters from the home region, jobs from the work
  region (``NationModel.commuters()``; in ``totals()`` the work region's linked seekers are
  not counted again among the unemployed).
- **Start.** n = share x the work region's employed in-commuters: n of them and n of the
  home region's out-commuters (keyed draws) become the link's commuters; the job's row takes
  the person's key and age, the person takes the job's occupation, skill and wage. The home
  region's outside job-finding rate is scaled by its unlinked share of out-commuters (so the
  unlinked stock holds, mobility.py) and the work region's arrivals of outside seekers by 1 -
  the shares of its links.
- **Hiring.** The home region's unemployed residents start a search in the work region at
  p = share x (job-finding rate x in-commuter seekers at the start, the work region's) /
  (the home region's unemployed residents at the start) a month (one keyed uniform each), so
  the link's seekers arrive at the rate its share of the work region's outside seekers had
  (assumption: the link's share of the flows is its share of the stock, which is all the
  census gives; no flows of commuters' hires by origin were found);
  while searching there they are not in the home region's matching. They arrive the next
  month, search in the work region's market, are hired by its firms like any seeker, and
  stop searching there at the job-finding rate (as in-commuters do, mobility.py).
- **Messages, routed between months as migration's** (sim/nation/hosts.py). Work -> home:
  the link's employed (keys, pay), seekers (keys, benefit) and those who left (stopped
  searching). The home region sets them, by key, the next month: employed outside with the
  pay the work region pays (so pay goes home, booked once, in the home region's household
  income; the work region's in-commuters' pay goes home already, households.py), or
  unemployed (a lost job returns the commuter to the home region's unemployed, with the
  benefit the layoff gave). Home -> work: new seekers (key, age, occupation, skill) and the
  keys of those the home region lost (moved out, aged out, left the labour force, placed
  by a policy at home): the work region removes their job or search the next month.

Everything is keyed and applied in the nation file's order, so results do not depend on
how regions are spread over worker processes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.inputs.nation import CommutingLink
from sim.region.build import WHOLE_FIRM_MAX_EMPLOYEES
from sim.region.mobility import leave_region, resident_labour
from sim.region.region_state import RegionState
from sim.region.state import COMMUTE_LINK, COMMUTING_OUT, EMPLOYED, MOVED_OUT, NEVER, UNEMPLOYED, Column, Workforce

_EMPTY_KEYS = np.zeros(0, dtype=np.uint64)
_GOLDEN = 0x9E3779B97F4A7C15


def job_keys(keys: np.ndarray, index: int) -> np.ndarray:
    """The work region's keys of the link's people (and back: the map is its own inverse).

    The person's key in the home region mixed with the link's, so that the job's random draws in the work region
    repeat none of its own residents' (whose keys start from 0 in every region, random_streams.agent_keys).
    """
    return np.asarray(keys, dtype=np.uint64) ^ np.uint64(_GOLDEN * (index + 1) % (1 << 64))


@dataclass
class Facts:
    """A region's commuters at the start, for the links' numbers."""

    in_commuters_employed: int  # in-commuters holding the region's jobs
    outsider_seekers_start: int  # in-commuters searching in its market
    job_finding_rate_per_month: float
    out_commuters: int  # residents employed outside
    unemployed_residents: int
    out_commuter_share: float = 0.0  # the scenario's out_commuter_share_of_employed
    in_commuter_share: float = 0.0  # the scenario's in_commuter_share_of_jobs


@dataclass
class People:
    """Residents of the home region (new seekers, or the link's commuters at the start) for the work region."""

    keys: np.ndarray
    birth_month: np.ndarray
    occupation: np.ndarray
    skill: np.ndarray
    unemployed_since: np.ndarray


@dataclass
class ToWork:
    """Home -> work, one link, one month: new seekers, people the home region lost, and its counts."""

    seekers: People
    gone: np.ndarray  # keys
    commuters: int  # the home region's residents employed in the work region (end of month)
    searching: int  # its residents searching there


@dataclass
class ToHome:
    """Work -> home, one link, one month: the link's jobs (pay), seekers (benefits) and leavers, by key."""

    employed: np.ndarray  # keys
    pay_krw: np.ndarray  # KRW a month each (nothing on unpaid leave)
    seeking: np.ndarray  # keys
    benefit_krw: np.ndarray
    benefit_end_month: np.ndarray
    unemployed_since: np.ndarray
    left: np.ndarray  # keys: no longer searching in the work region
    hired: int  # the link's seekers hired this month
    jobs_lost: int  # the link's jobs that ended this month (layoffs, quits, firms closing)
    seekers_benefits_krw: float  # benefits of its seekers in the work region's benefit_income this month (KRW)
    occupation: np.ndarray  # of the employed: the job's (read at the start)
    skill: np.ndarray


def register(state: RegionState) -> None:
    """Give the region's workers the link column (regions of a nation with [[commuting]] links only)."""
    state.workforce.register(
        COMMUTE_LINK, Column(np.int16, -1, "index of the [[commuting]] link holding the row, -1 if none", "commuting")
    )


def facts(state: RegionState) -> Facts:
    workforce = state.workforce
    status, outside = workforce.status, workforce.lives_outside
    _, unemployed, _ = resident_labour(workforce)
    return Facts(
        in_commuters_employed=int(np.count_nonzero(outside & (status == EMPLOYED))),
        outsider_seekers_start=state.mobility.outsider_seekers_start,
        job_finding_rate_per_month=state.config.labour_market.job_finding_rate_per_month,
        out_commuters=int(np.count_nonzero(status == COMMUTING_OUT)),
        unemployed_residents=unemployed,
        out_commuter_share=state.config.mobility.out_commuter_share_of_employed,
        in_commuter_share=state.config.mobility.in_commuter_share_of_jobs,
    )


def sampling_variance(link: CommutingLink, work: Facts) -> float:
    """Upper bound on the variance of a link's commuters at the start (sample units), from the work region's sample.

    The work region's employed in-commuters C are drawn with probability s_in among its jobs J, which are sampled
    as whole firms of up to WHOLE_FIRM_MAX_EMPLOYEES (the variance of a sampled count of workers is at most that
    many times the count, sim/region/build.py scale_sizes): Var(C) <= C + s_in^2 x 50 J = C (1 + 50 s_in), and the
    link takes share x C.
    """
    share = link.share_of_in_commuters
    return share * share * work.in_commuters_employed * (1.0 + WHOLE_FIRM_MAX_EMPLOYEES * work.in_commuter_share)


def out_commuters_variance(home: Facts) -> float:
    """Upper bound on the variance of the home region's out-commuters at the start.

    They are o / (1 - o) of its residents employed at home, whose firms are sampled whole (as sampling_variance).
    """
    share = home.out_commuter_share
    return share / (1.0 - share) * WHOLE_FIRM_MAX_EMPLOYEES * home.out_commuters if share < 1.0 else 0.0


def search_rate_per_month(link: CommutingLink, work: Facts, home: Facts) -> float:
    """The monthly probability that an unemployed resident of the home region starts a search in the work region."""
    flow = link.share_of_in_commuters * work.job_finding_rate_per_month * work.outsider_seekers_start
    return flow / home.unemployed_residents if home.unemployed_residents else 0.0


def _chosen(state: RegionState, index: int, rows: np.ndarray, count: int) -> np.ndarray:
    """``count`` of ``rows`` by keyed draws (the lowest), in the drawn order."""
    draw = state.streams.uniform("commute_link_start", index, state.workforce.key[rows])
    return rows[np.argsort(draw, kind="stable")[:count]]


def tag_home(state: RegionState, index: int, count: int) -> People:
    """At the start: ``count`` of the home region's out-commuters become the link's commuters."""
    workforce = state.workforce
    free = np.flatnonzero((workforce.status == COMMUTING_OUT) & (workforce.commute_link < 0))
    rows = _chosen(state, index, free, count)
    workforce.commute_link[rows] = index
    return People(
        workforce.key[rows].copy(),
        workforce.birth_month[rows].copy(),
        workforce.occupation[rows].copy(),
        workforce.skill[rows].copy(),
        workforce.unemployed_since[rows].copy(),
    )


def pair_work(state: RegionState, index: int, people: People) -> ToHome:
    """At the start: as many of the work region's in-commuters' jobs become the link's, held by those people."""
    workforce = state.workforce
    free = np.flatnonzero(workforce.lives_outside & (workforce.status == EMPLOYED) & (workforce.commute_link < 0))
    rows = _chosen(state, index, free, len(people.keys))
    workforce.commute_link[rows] = index
    workforce.key[rows] = job_keys(people.keys, index)
    workforce.birth_month[rows] = people.birth_month
    return _to_home(state, index, rows, _EMPTY_KEYS, 0, 0, 0)


def release_outsider_seekers(state: RegionState, linked_share: float) -> int:
    """At the start: the links' share of the work region's in-commuters searching in its market leave it.

    The region's model builds its seekers as its jobs, a share in_commuter_share_of_jobs of them in-commuters
    (mobility.populate_residents); in a nation the linked share of them are the home regions' unemployed residents,
    counted there already. Left in the work region they would be hired as nobody's residents (its outside arrivals
    are scaled by the unlinked share, so they are not replaced) and take the jobs the links' seekers would have:
    those the links stand for go, by keyed draws (stream ``commute_link_start_seekers``), and the links' seekers
    arrive from the home regions at the search rate (search_rate_per_month). Returns how many left.
    """
    workforce = state.workforce
    rows = np.flatnonzero(workforce.lives_outside & (workforce.status == UNEMPLOYED) & (workforce.commute_link < 0))
    draw = state.streams.uniform("commute_link_start_seekers", 0, workforce.key[rows])
    leaving = rows[draw < linked_share]
    leave_region(state, leaving)
    return len(leaving)


def settle_home(state: RegionState, index: int, news: ToHome) -> None:
    """At the start: the link's commuters take their jobs' occupation, skill and pay."""
    workforce = state.workforce
    rows, found = _by_key(workforce, index, news.employed)
    workforce.wage[rows] = news.pay_krw[found]
    workforce.occupation[rows] = news.occupation[found]
    workforce.skill[rows] = news.skill[found]


def _by_key(workforce: Workforce, index: int, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Rows of the link present in the region whose key is in ``keys``, and where each key is in ``keys``."""
    rows = np.flatnonzero((workforce.commute_link == index) & (workforce.status != MOVED_OUT))
    if len(rows) == 0 or len(keys) == 0:
        return rows[:0], np.zeros(0, dtype=np.int64)
    order = np.argsort(keys, kind="stable")
    sorted_keys = keys[order]
    where = np.clip(np.searchsorted(sorted_keys, workforce.key[rows]), 0, len(keys) - 1)
    hit = sorted_keys[where] == workforce.key[rows]
    return rows[hit], order[where[hit]]


def _to_home(
    state: RegionState, index: int, rows: np.ndarray, left: np.ndarray, hired: int, lost: int, month: int
) -> ToHome:
    workforce = state.workforce
    status = workforce.status[rows]
    working, seeking = rows[status == EMPLOYED], rows[status == UNEMPLOYED]
    receiving = seeking[workforce.benefit_end_month[seeking] > month]  # as households.benefits_paid counts them
    return ToHome(
        employed=job_keys(workforce.key[working], index),
        pay_krw=workforce.paid_wage(working),
        seeking=job_keys(workforce.key[seeking], index),
        benefit_krw=workforce.benefit_krw[seeking].copy(),
        benefit_end_month=workforce.benefit_end_month[seeking].copy(),
        unemployed_since=workforce.unemployed_since[seeking].copy(),
        left=left,
        hired=hired,
        jobs_lost=lost,
        seekers_benefits_krw=float(workforce.benefit_krw[receiving].sum()),
        occupation=workforce.occupation[working].copy(),
        skill=workforce.skill[working].copy(),
    )


# ------------------------------------------------------------------ monthly, before the region's month


def receive_at_home(state: RegionState, index: int, news: ToHome, month: int) -> None:
    """The work region's news of last month, by key: employed outside (with its pay), searching there, or back."""
    workforce = state.workforce
    rows, found = _by_key(workforce, index, news.employed)
    starting = rows[workforce.status[rows] == UNEMPLOYED]
    workforce.status[rows] = COMMUTING_OUT
    workforce.wage[rows] = news.pay_krw[found]
    workforce.unemployed_since[starting] = NEVER
    workforce.benefit_end_month[starting] = 0
    first = starting[(workforce.displaced_month[starting] <= month) & (workforce.reemployed_month[starting] == NEVER)]
    workforce.reemployed_month[first] = month

    rows, found = _by_key(workforce, index, news.seeking)
    workforce.status[rows] = UNEMPLOYED
    workforce.unemployed_since[rows] = news.unemployed_since[found]
    workforce.benefit_krw[rows] = news.benefit_krw[found]
    workforce.benefit_end_month[rows] = news.benefit_end_month[found]

    rows, _ = _by_key(workforce, index, news.left)
    back = rows[workforce.status[rows] == COMMUTING_OUT]
    workforce.status[back] = UNEMPLOYED
    workforce.unemployed_since[back] = month
    workforce.commute_link[rows] = -1


def receive_at_work(state: RegionState, index: int, news: ToWork, month: int) -> None:
    """The home region's news of last month: its lost people leave their jobs or searches; new seekers arrive."""
    workforce = state.workforce
    rows, _ = _by_key(workforce, index, job_keys(news.gone, index))
    leave_region(state, rows)
    workforce.commute_link[rows] = -1
    people = news.seekers
    count = len(people.keys)
    if count == 0:
        return
    ids = workforce.grow(count)
    workforce.key[ids] = job_keys(people.keys, index)
    workforce.birth_month[ids] = people.birth_month
    workforce.occupation[ids] = people.occupation
    workforce.skill[ids] = people.skill
    workforce.entry_month[ids] = month
    workforce.wage[ids] = 0.0
    workforce.lives_outside[ids] = True
    workforce.status[ids] = UNEMPLOYED
    workforce.unemployed_since[ids] = people.unemployed_since
    workforce.commute_link[ids] = index


def snapshot(state: RegionState, index: int) -> tuple[np.ndarray, np.ndarray]:
    """The link's rows present in the region and their status (before the month), to see what the month changed."""
    workforce = state.workforce
    rows = np.flatnonzero((workforce.commute_link == index) & (workforce.status != MOVED_OUT))
    return rows, workforce.status[rows].copy()


# ------------------------------------------------------------------ monthly, after the region's month


def send_from_home(
    state: RegionState,
    links: list[tuple[int, float]],
    before: dict[int, tuple[np.ndarray, np.ndarray]],
    month: int,
) -> dict[int, ToWork]:
    """For each link (index, search rate) of which the region is home: its people lost this month and new seekers."""
    workforce = state.workforce
    gone = {}
    for index, _ in links:
        rows, status = before[index]
        changed = rows[workforce.status[rows] != status]
        workforce.commute_link[changed] = -1
        gone[index] = workforce.key[changed].copy()
    free = np.flatnonzero(
        (workforce.status == UNEMPLOYED) & ~workforce.lives_outside & (workforce.commute_link < 0) & ~workforce.foreign
    )
    draw = state.streams.uniform("commute_link_search", month, workforce.key[free])
    choice = np.searchsorted(np.cumsum([rate for _, rate in links]), draw, side="right")
    sent = {}
    for position, (index, _) in enumerate(links):
        rows = free[choice == position]
        workforce.commute_link[rows] = index
        linked = workforce.commute_link == index
        sent[index] = ToWork(
            seekers=People(
                workforce.key[rows].copy(),
                workforce.birth_month[rows].copy(),
                workforce.occupation[rows].copy(),
                workforce.skill[rows].copy(),
                workforce.unemployed_since[rows].copy(),
            ),
            gone=gone[index],
            commuters=int(np.count_nonzero(linked & (workforce.status == COMMUTING_OUT))),
            searching=int(np.count_nonzero(linked & (workforce.status == UNEMPLOYED))),
        )
    return sent


def send_from_work(
    state: RegionState, links: list[int], before: dict[int, tuple[np.ndarray, np.ndarray]], month: int
) -> dict[int, ToHome]:
    """For each link of which the region is the work region: its jobs, seekers and leavers this month."""
    workforce = state.workforce
    news = {}
    for index in links:
        rows, status = before[index]
        now = workforce.status[rows]
        left = rows[now == MOVED_OUT]
        workforce.commute_link[left] = -1
        hired = int(np.count_nonzero((status == UNEMPLOYED) & (now == EMPLOYED)))
        lost = int(np.count_nonzero((status == EMPLOYED) & (now != EMPLOYED)))
        present = np.flatnonzero((workforce.commute_link == index) & (workforce.status != MOVED_OUT))
        news[index] = _to_home(state, index, present, job_keys(workforce.key[left], index), hired, lost, month)
    return news
