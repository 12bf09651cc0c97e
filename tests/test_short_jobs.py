"""Short jobs: day labour and temporary work of under a year (docs/model.md 7.5), and the hire rate they make.

Gwangju ships without them (``short_job_worker_share = 0``; scenarios/gwangju.toml gives why): its hires are
1.83% of employees a month, MOEL's regular hires, against the 4.6-6.2% of all hires the Ministry of Employment
and Labor's establishment labour survey counts. These tests measure the shipped region and the region with the
short jobs at the values the scenario's comments derive (Gwangju without shocks, seed 1, scale 0.2, months
13-36), and check the mechanism: short jobs end without conversion, their ends feed unemployment with benefit
rights, and the month's table counts the new flows.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pytest

from sim import RegionModel
from sim.region.labour_market import short_job_workers
from sim.region.random_streams import RandomStreams
from sim.region.state import EMPLOYED, NEVER, UNEMPLOYED

NO_SHOCKS = {"shocks.final_demand": [], "shocks.relocation": [], "shocks.electric_transition": None}

#: Short jobs at the values scenarios/gwangju.toml derives from MOEL's survey (temporary and daily workers 10.5%
#: of employees, hires of them 2.8% of employees a month, so 3.7 months a job), with the turnover that sets the
#: start's open jobs raised by their ends (1.83% + 2.7%).
WITH_SHORT_JOBS = {
    **NO_SHOCKS,
    "labour_market.short_job_worker_share": 0.114,
    "labour_market.short_job_months": 3.7,
    "labour_market.short_job_search_multiplier": 4.0,
    "labour_market.turnover_rate_per_month": 0.0453,
}

#: MOEL, establishment labour survey (사업체노동력조사, firms with 1+ workers): the hire rate (입직률: hires in the
#: month over employees, 근로자, at the end of the month before) was 4.9% in October 2023, 4.6% in December 2023
#: and 6.2% in January 2024 (MOEL releases of 2023-11-29, 2024-01-31 and 2024-02-29; day labour and temporary
#: work included).
MOEL_HIRE_RATE = {"2023-10": 0.049, "2023-12": 0.046, "2024-01": 0.062}

#: The same releases: hires of temporary and daily workers (임시일용직 채용 and 기타 입직: 564 and 504 thousand;
#: January 2024: 채용 526 thousand, its 기타 입직 not split) and their stock (2,059, 1,930 and 1,900 thousand: from
#: the year-on-year changes, +83 thousand = +4.2%, +76 = +4.1%, +87 = +4.8%), over employees (종사자 less
#: 기타종사자: 18,835, 18,628 and 18,656 thousand).
MOEL_SHORT_HIRES = {"2023-10": 564 / 18_835, "2023-12": 504 / 18_628, "2024-01": 526 / 18_656}
MOEL_SHORT_SHARE = {"2023-10": 2_059 / 18_835, "2023-12": 1_930 / 18_628, "2024-01": 1_900 / 18_656}

#: NABO (2014): 42.7% of the jobless received benefit; the model applies it to short jobs' ends (assumption, as to
#: fixed-term contracts' ends: scenarios/gwangju.toml).
ELIGIBLE_SHARE = 0.427


@dataclass
class HireStudy:
    """Hires over months 13-36 and what became of the short jobs that reached their end in them."""

    hire_rate: float  # hires / employees at the end of the month before
    short_hire_rate: float
    short_share: list[float]  # short-job holders' share of employees, end of months 24 and 36
    short_ends_tallied: int  # the monthly table's short_job_ends
    short_due: int  # short jobs due to end (holder employed at the month's start, not quitting or laid off)
    short_ended: int  # of them: left the job (another employer, a new hire or unemployment)
    into_unemployment: int
    with_benefit_rights: int
    table_short_hires: int  # the monthly table's short_job_hires, months 13-36
    short_hires: int  # the month's tally of them, months 13-36


def _study(overrides: dict) -> HireStudy:
    model = RegionModel("gwangju", rng=1, scale=0.2, months=36, overrides=overrides)
    workforce, share = model.workforce, model.region.config.labour_market.short_job_worker_share
    streams = model.region.streams
    hires = short_hires = employees = ends = due_total = ended = unemployed = benefit = 0
    shares = []
    for month in range(1, 37):
        employed = np.flatnonzero(workforce.status == EMPLOYED)
        due = employed[
            (workforce.contract_end_month[employed] == month)
            & (workforce.quit_month[employed] != month)
            & short_job_workers(workforce.key[employed], share, streams)
        ]
        employer = workforce.employer[due].copy()
        model.step()
        tally = model.region.tally
        if month % 12 == 0 and month >= 24:
            now = np.flatnonzero(workforce.status == EMPLOYED)
            shares.append(float(short_job_workers(workforce.key[now], share, streams).mean()))
        if month <= 12:
            continue
        employees += len(employed)
        hires += int(tally["hires"])
        short_hires += int(tally["short_job_hires"])
        ends += int(tally["short_job_ends"])
        kept = workforce.displaced_month[due] != month
        due, employer = due[kept], employer[kept]
        due_total += len(due)
        # Left the job: no longer employed there, or hired anew (a new short job, perhaps at the same employer).
        left = (workforce.status[due] != EMPLOYED) | (workforce.employer[due] != employer)
        ended += int((left | (workforce.hire_month[due] == month)).sum())
        into = due[(workforce.status[due] == UNEMPLOYED) & (workforce.unemployed_since[due] == month)]
        unemployed += len(into)
        benefit += int((workforce.benefit_end_month[into] > month).sum())
    table = model.results()
    table_hires = int(table.loc[table["month"] > 12, "short_job_hires"].sum())
    return HireStudy(
        hires / employees,
        short_hires / employees,
        shares,
        ends,
        due_total,
        ended,
        unemployed,
        benefit,
        table_hires,
        short_hires,
    )


@pytest.fixture(scope="module")
def shipped() -> HireStudy:
    return _study(NO_SHOCKS)


@pytest.fixture(scope="module")
def with_short_jobs() -> HireStudy:
    return _study(WITH_SHORT_JOBS)


@pytest.mark.xfail(
    strict=True,
    reason="measured 1.81% of employees a month (seed 1, scale 0.2, months 13-36; 1.83% and 1.82% in months 13-60, "
    "seeds 1 and 2, scripts/inflow_measure.py): the "
    "shipped model's hires are MOEL's regular hires (상용직 채용 and 기타 입직, 1.8-2.7% of employees) only; the "
    "short jobs that make the rest (day labour and temporary work, 2.7-3.0% of employees a month) are built but "
    "off (short_job_worker_share = 0): with them 4.65% (passes; 4.69-4.71% in months 13-60, seeds 1-2), but "
    "24.8-25.0% of workers change employer in a year (Statistics Korea 14.8-16%) and 80% of those who leave a job "
    "for no job leave involuntarily (38.5-55.1%); docs/calibration.md, 'Short jobs'",
)
def test_the_hire_rate_is_moels(shipped):
    """MOEL's establishment labour survey: hires are 4.6-6.2% of employees a month (October and December 2023,
    January 2024), day labour and temporary work included. The shipped region's hires over employees at the end
    of the month before, months 13-36, must lie in that range."""
    assert min(MOEL_HIRE_RATE.values()) <= shipped.hire_rate <= max(MOEL_HIRE_RATE.values()), shipped.hire_rate


def test_with_short_jobs_the_hire_rate_is_moels(with_short_jobs):
    """The same survey's 4.6-6.2% a month: with the short jobs at the values scenarios/gwangju.toml derives from
    it (their stock and hires), the region's hire rate must lie in that range, which checks the derivation and
    that the cyclers between jobs find the next one (measured: 4.65%, seed 1, months 13-36; 4.69% and 4.71% in
    months 13-60, seeds 1 and 2; 1.81% without)."""
    rate = with_short_jobs.hire_rate
    assert min(MOEL_HIRE_RATE.values()) <= rate <= max(MOEL_HIRE_RATE.values()), rate


def test_with_short_jobs_their_hires_and_stock_are_moels(with_short_jobs):
    """The same survey: hires of temporary and daily workers are 2.7-3.0% of employees a month, and they hold
    10.2-10.9% of employees' jobs (mean 10.5%). With the short jobs on, the hires into them must lie in the
    first range and their holders' share of employees (Decembers of years 2-3) within a percentage point of
    the mean, as the fixed-term share is held (tests/test_fixed_term.py). (Measured: 2.96% a month; 10.4% and
    10.4%.)"""
    low, high = min(MOEL_SHORT_HIRES.values()), max(MOEL_SHORT_HIRES.values())
    assert low <= with_short_jobs.short_hire_rate <= high, with_short_jobs.short_hire_rate
    mean_share = float(np.mean(list(MOEL_SHORT_SHARE.values())))
    assert all(abs(share - mean_share) <= 0.01 for share in with_short_jobs.short_share), with_short_jobs.short_share


def test_short_jobs_end_unconverted_into_unemployment_with_benefit_rights(with_short_jobs):
    """A short job is never converted (the segment is kept apart: assumption, docs/calibration.md): every holder
    whose short job reaches its end, not quitting or laid off first, leaves it, straight to another job (a new
    hire, at another employer or the same one) or into unemployment; those who go into unemployment have benefit
    rights at the eligible share the model applies to contract ends (NABO 2014: 42.7%), within three standard
    errors. (Measured: 94,246 due, all left; 25,590 into unemployment, 42.0% of them with benefit rights.)"""
    study = with_short_jobs
    assert study.short_due > 1000
    assert study.short_ended == study.short_due
    assert 0 < study.into_unemployment < study.short_due
    share = study.with_benefit_rights / study.into_unemployment
    error = np.sqrt(ELIGIBLE_SHARE * (1 - ELIGIBLE_SHARE) / study.into_unemployment)
    assert abs(share - ELIGIBLE_SHARE) <= 3 * error, share


def test_the_monthly_table_counts_short_jobs_only_when_they_are_on(shipped, with_short_jobs):
    """The table's short_job_hires and short_job_ends count the new flows (so the official hire rate can be
    compared); without short jobs they stay zero and no short job is ever drawn."""
    assert shipped.short_hire_rate == 0.0
    assert shipped.short_ends_tallied == 0 and shipped.short_due == 0
    assert with_short_jobs.table_short_hires == with_short_jobs.short_hires > 0
    assert with_short_jobs.short_ends_tallied >= with_short_jobs.short_due > 0


def test_short_job_workers_are_a_fixed_share_of_people():
    """Membership is drawn once per person (stream "short_job_worker", month 0): the share asked, and none at 0."""
    streams = RandomStreams(7)
    keys = np.arange(200_000, dtype=np.uint64)
    members = short_job_workers(keys, 0.11, streams)
    assert abs(members.mean() - 0.11) < 0.003
    assert np.array_equal(members, short_job_workers(keys, 0.11, streams))
    assert not short_job_workers(keys, 0.0, streams).any()


def test_a_short_job_shorter_than_a_month_is_refused(write_scenario, scenario_error):
    """Bad input: one line naming the file and the key."""
    path = write_scenario("[labour_market]\nshort_job_months = 0.5\n")
    assert "short_job_months" in scenario_error(path)


def test_starting_short_jobs_are_part_way_through():
    """At the start the short-job workers in work hold short jobs whose months served and months left are both
    about short_job_months on average (a constant end hazard: the steady state), not the regular jobs' tenures."""
    model = RegionModel("gwangju", rng=1, scale=0.05, months=1, overrides=WITH_SHORT_JOBS)
    workforce = model.workforce
    employed = np.flatnonzero(workforce.status == EMPLOYED)
    short = employed[short_job_workers(workforce.key[employed], 0.114, model.region.streams)]
    assert len(short) > 500
    assert (workforce.contract_end_month[short] != NEVER).all()
    left = workforce.contract_end_month[short].astype(float)
    served = -workforce.hire_month[short].astype(float)
    assert abs(left.mean() - 3.7) < 0.3, left.mean()
    assert abs(served.mean() + 1 - 3.7) < 0.3, served.mean()
