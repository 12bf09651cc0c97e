"""Validation against published labour-market findings, in the calibrated default scenario.

Each test follows the design of the study it names, with the model's common random
numbers giving every worker a counterfactual of their own: the same seed run with and
without the event (a layoff wave, a training programme) holds the same people with the
same draws, so the difference between the two runs is the event's effect on those people.
The ranges asserted are the studies' findings, not values measured in the model.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
import pytest

from sim import RegionModel
from sim.inputs.package import load_package
from sim.region.labour_market import short_job_workers
from sim.region.state import COMMUTING_OUT, EMPLOYED, IN_TRAINING, INACTIVE, MOVED_OUT, NEVER, UNEMPLOYED

NO_SHOCKS_LABOUR = {"shocks.final_demand": [], "shocks.relocation": [], "shocks.electric_transition": None}

#: Sector codes of the shipped scenarios (chains then industries, as Gwangju declares them).
SECTOR_CODE = {
    name: code for code, name in enumerate(("auto", "appliance", "growth", "other_manufacturing", "services"))
}

# ---------------------------------------------------------------- displaced workers' earnings

#: Workers displaced in the relocation year (model months 1-12, calendar 2021) are followed
#: for five years after their layoff, so the runs last 12 + 60 months.
DISPLACEMENT_MONTHS = (1, 12)
EARNINGS_WINDOW = (25, 60)  # months after the layoff: years 3 to 5
DISPLACEMENT_HORIZON = DISPLACEMENT_MONTHS[1] + EARNINGS_WINDOW[1]
DISPLACEMENT_SEEDS = (1, 2)
DISPLACEMENT_SCALE = 0.5


@dataclass
class DisplacementStudy:
    """Monthly earnings of the appliance chain's starting employees, with and without the relocation.

    ``earnings`` and ``earnings_counterfactual`` are months x workers (KRW per month, zero
    when not employed; row 0 is the start); ``moved_out`` marks months spent outside the
    region; ``layoff_month`` is each worker's first layoff in the run with the relocation
    (``NEVER`` if none); ``retire_month`` the model month each worker retires; ``role`` the
    role of their starting employer (assembler, tier 1, tier 2).
    """

    earnings: np.ndarray
    earnings_counterfactual: np.ndarray
    moved_out: np.ndarray
    layoff_month: np.ndarray
    retire_month: np.ndarray
    role: np.ndarray

    def sample(self) -> np.ndarray:
        """Workers displaced in the relocation year, still of working age and in the region to the end of the window."""
        first, last = DISPLACEMENT_MONTHS
        laid_off = (self.layoff_month >= first) & (self.layoff_month <= last)
        end = np.where(laid_off, self.layoff_month + EARNINGS_WINDOW[1], 0)
        months = np.arange(self.moved_out.shape[0])[:, None]
        left = (self.moved_out & (months <= end[None, :])).any(axis=0)
        return np.flatnonzero(laid_off & (self.retire_month > end) & ~left)

    def window_sums(self, workers: np.ndarray, window: tuple[int, int]) -> tuple[np.ndarray, np.ndarray]:
        """Per worker, earnings summed over ``window`` months after the layoff: with the relocation, without it."""
        offsets = np.arange(window[0], window[1] + 1)
        months = self.layoff_month[workers][:, None] + offsets[None, :]
        columns = np.broadcast_to(workers[:, None], months.shape)
        return (
            self.earnings[months, columns].sum(axis=1),
            self.earnings_counterfactual[months, columns].sum(axis=1),
        )


def displacement_study(seed: int, scale: float, months: int = DISPLACEMENT_HORIZON) -> DisplacementStudy:
    """Run the default scenario with and without the appliance plant's relocation, in lockstep."""
    shocked = RegionModel("gwangju", rng=seed, scale=scale, months=months)
    counterfactual = RegionModel("gwangju", rng=seed, scale=scale, months=months, overrides={"shocks.relocation": []})
    workforce = shocked.workforce
    employer = np.maximum(workforce.employer, 0)
    workers = np.flatnonzero(
        (workforce.status == EMPLOYED) & (shocked.firms.sector[employer] == SECTOR_CODE["appliance"])
    )
    # The starting population is built before any shock, so rows and random keys coincide.
    np.testing.assert_array_equal(workforce.key[workers], counterfactual.workforce.key[workers])
    role = shocked.firms.role[workforce.employer[workers]]
    earnings = np.zeros((months + 1, len(workers)))
    earnings_counterfactual = np.zeros((months + 1, len(workers)))
    moved_out = np.zeros((months + 1, len(workers)), dtype=bool)
    layoff_month = np.full(len(workers), NEVER, dtype=np.int64)
    for month in range(months + 1):
        if month:
            shocked.step()
            counterfactual.step()
        for model, table in ((shocked, earnings), (counterfactual, earnings_counterfactual)):
            status = model.workforce.status[workers]
            working = (status == EMPLOYED) | (status == COMMUTING_OUT)  # a job outside the region counts too
            table[month] = np.where(working, model.workforce.wage[workers], 0.0)
            moved_out[month] |= status == MOVED_OUT
        newly = (shocked.workforce.displaced_month[workers] == month) & (layoff_month == NEVER)
        layoff_month[newly] = month
    return DisplacementStudy(
        earnings,
        earnings_counterfactual,
        moved_out,
        layoff_month,
        shocked.workforce.retire_month[workers].astype(np.int64),
        role,
    )


def earnings_loss(studies: list[DisplacementStudy], window: tuple[int, int] = EARNINGS_WINDOW) -> tuple[float, int]:
    """Pooled loss: 1 - earnings of the displaced / their own earnings without the relocation, and the sample size."""
    actual, counterfactual, count = 0.0, 0.0, 0
    for study in studies:
        workers = study.sample()
        with_shock, without = study.window_sums(workers, window)
        actual += with_shock.sum()
        counterfactual += without.sum()
        count += len(workers)
    return 1.0 - actual / counterfactual, count


@pytest.fixture(scope="module")
def displacement_studies() -> list[DisplacementStudy]:
    return [displacement_study(seed, DISPLACEMENT_SCALE) for seed in DISPLACEMENT_SEEDS]


def test_displaced_workers_lose_at_least_15_percent_of_earnings_years_after_the_layoff(displacement_studies):
    """Displaced workers' earnings stay well below what they would have earned (Jacobson, LaLonde and Sullivan 1993).

    Sources: Jacobson, LaLonde and Sullivan (1993, AER 83(4)), workers displaced in mass
    layoffs earn about 25% less than comparable non-displaced workers five years on; von
    Wachter, Song and Manchester (2009), about 30% at once and still about 20% 15-20 years
    after the 1982 layoffs. Design as theirs: workers of the appliance chain laid off in
    the year of the plant's partial relocation (2021) against the same workers in the same
    world without the relocation (their own counterfactual, by common random numbers),
    earnings counting zero while not employed, summed over years 3-5 after the layoff,
    when both studies find the loss has settled at its persistent level. This test checks
    the lower end of the published range, 15% (the loss is persistent, not a spell of
    unemployment that heals); the next test checks the upper end.
    """
    loss, count = earnings_loss(displacement_studies)
    assert count >= 200
    assert loss >= 0.15


@pytest.mark.xfail(
    strict=True,
    raises=AssertionError,
    reason=(
        "measured loss in years 3-5 after displacement: 0.337 pooled (seeds 1-2, scale 0.5) with the start holding "
        "the steady state's open jobs (its split not re-measured); before, 0.404 (698 workers): 0.09 from"
        " months not employed (employed 0.839 of the months against their twins' 0.926) and 0.34 from pay when "
        "employed (2.86 against 4.34 million KRW a month); 0.398 with the US on-the-job search rate (0.10 and "
        "0.33), 0.421 before fixed-term contracts and moves for reasons other than pay, 0.34 before the job ladder,"
        " which puts the employed in competition with the displaced for jobs. Re-employed workers earn their new "
        "firm's wage level: the appliance assembly plant pays 6.0 million KRW a month against about 3.0 million "
        "where its workers are re-hired, and their twins climb too; Korean turnover (three times the moves) did not"
        " change this. Korean evidence that part of a large firm's premium is its workers' own and moves with them "
        "(Cho 2009: 20-70%; Moon 2019: 44%) brings the loss to 0.28 when pay is split so, but without the person "
        "effect also raising output, low-paying firms that hire former high earners pay more for the same work: "
        "services failures double and the package comparisons' spread across seeds grows 2.5 times "
        "(docs/calibration.md)"
    ),
)
def test_displaced_workers_lose_at_most_30_percent_of_earnings_years_after_the_layoff(displacement_studies):
    """The persistent loss is no larger than the published ~25% (JLS 1993) and ~20-30% (von Wachter et al. 2009).

    Sources and design as in the test above: Jacobson, LaLonde and Sullivan (1993, AER),
    about 25% five years after a mass layoff; von Wachter, Song and Manchester (2009),
    30% at once, about 20% after 15-20 years. Years 3-5 after the layoff should lie
    inside that range, 15-30%; this test checks the upper end. Korean evidence agrees: Lee Sang-ho and
    Lee Ji-eun (KEIS and KLI, 2,248 involuntary job losses over 18 years, via Hankyoreh 2016) find the
    wages of displaced workers over 40 30.8% below their counterfactual at the loss and 25% below four
    years on (under 40: 9.5%, recovered after two years).
    """
    loss, _ = earnings_loss(displacement_studies)
    assert loss <= 0.30


def test_displaced_workers_losses_shrink_over_the_years(displacement_studies):
    """The loss is largest just after the layoff and shrinks, without closing, as the displaced
    find jobs (Jacobson, LaLonde and Sullivan 1993, AER, figure 3: about 40% in the quarters after
    separation, 25% five years on; von Wachter, Song and Manchester 2009: 30% at once, about 20%
    years later). Design as above: the loss in year 1, year 3 and year 5 after the layoff.
    (Measured: 0.68, 0.45, 0.36; seeds 1-2, scale 0.5; 0.63, 0.43, 0.36 with the US on-the-job search rate.)"""
    year_1 = earnings_loss(displacement_studies, (1, 12))[0]
    year_3 = earnings_loss(displacement_studies, (25, 36))[0]
    year_5 = earnings_loss(displacement_studies, (49, 60))[0]
    assert year_1 > year_3 > year_5 > 0.10, (year_1, year_3, year_5)


def _pay_when_employed(studies: list[DisplacementStudy], window: tuple[int, int]) -> float:
    """Mean monthly pay of the displaced in the months of ``window`` (after the layoff) they are employed."""
    paid, months_employed = 0.0, 0
    for study in studies:
        workers = study.sample()
        offsets = np.arange(window[0], window[1] + 1)
        months = study.layoff_month[workers][:, None] + offsets[None, :]
        earnings = study.earnings[months, np.broadcast_to(workers[:, None], months.shape)]
        paid += earnings.sum()
        months_employed += int((earnings > 0).sum())
    return paid / months_employed


def test_displaced_workers_pay_recovers_as_they_climb_back(displacement_studies):
    """Re-employed displaced workers' pay rises in the years after re-employment as they move to
    better jobs and gain experience (Jacobson, LaLonde and Sullivan 1993: earnings recover from
    about 40% below to 25% below their counterfactual in five years, most of it wage growth once
    re-employed). Design as above: mean pay in the months employed, year 2 against year 5.
    (Measured: 2.79 and 2.90 million KRW a month, seeds 1-2, scale 0.5; 2.96 and 3.02 with the US on-the-job
    search rate.)"""
    year_2 = _pay_when_employed(displacement_studies, (13, 24))
    year_5 = _pay_when_employed(displacement_studies, (49, 60))
    assert year_5 > year_2, (year_2, year_5)


# ---------------------------------------------------------------- the job ladder

#: Statistics Korea, job mobility statistics (일자리이동통계): of the registered employed, the share
#: who changed employer between two Decembers, and the share of those movers whose pay did not rise.
KOSTAT_MOVER_RATE = {2019: 0.159, 2020: 0.148, 2022: 0.160}
KOSTAT_MOVERS_NOT_BETTER_PAID = {2019: 1 - 0.675, 2020: 1 - 0.592, 2021: 0.364}


@dataclass
class JobMobility:
    """Workers employed in the region in two successive Decembers: how many changed employer, and
    how many of those movers earn less."""

    employed_both: int
    movers: int
    movers_paid_less: int


@pytest.fixture(scope="module")
def job_mobility() -> JobMobility:
    """Gwangju without shocks, seed 1, scale 0.2: Decembers of model years 1-4 (calendar 2021-2024)."""
    model = RegionModel("gwangju", rng=1, scale=0.2, months=48, overrides=NO_SHOCKS_LABOUR)
    decembers = []
    for month in range(1, 49):
        model.step()
        if month % 12 == 0:
            workforce = model.workforce
            decembers.append((workforce.status == EMPLOYED, workforce.employer.copy(), workforce.wage.copy()))
    employed_both = movers = paid_less = 0
    for (employed, employer, wage), (employed_next, employer_next, wage_next) in itertools.pairwise(decembers):
        people = len(employed)  # rows added later are people who were not there a year before
        both = employed & employed_next[:people]
        moved = both & (employer != employer_next[:people])
        employed_both += int(both.sum())
        movers += int(moved.sum())
        paid_less += int((moved & (wage_next[:people] < wage)).sum())
    return JobMobility(employed_both, movers, paid_less)


@pytest.mark.xfail(
    strict=True,
    reason="measured 0.417 with pensions in households' income (0.418 before them), above the range "
    "(Gwangju without shocks, seed 1, scale 0.2, Decembers 2021-2024; 0.414 "
    "before the start held the steady state's open jobs, 0.42 "
    "with the US on-the-job search rate used before, 0.27 before fixed-term contracts and moves for reasons other "
    "than pay; the Korea Employment Information Service finds 40.4% of insured job switchers paid less in 2022, "
    "just inside the range): 39% of on-the-job searches (Fujita 2012) "
    "and every contract end take any job, drawn at random among the open jobs of a market whose firms' pay levels "
    "are far apart, so a move that is not for pay lands below the old pay more often than not (38% of all "
    "job-to-job moves cut pay); nothing in the choice keeps such a move near the old pay (commuting, hours, "
    "the job itself)",
)
def test_a_third_of_workers_who_change_employer_earn_less(job_mobility):
    """Statistics Korea, job mobility statistics: of the wage earners who changed employer, 32.5%
    did not get a rise in 2019 (67.5% did), 40.8% in 2020 (59.2% did), and 36.4% earned less in
    2021. In the model, movers through unemployment take the job they find, on-the-job movers up the
    ladder move only to better pay, and those who move for other reasons or at the end of a fixed-term
    contract take any job; the share of movers who earn less must lie within the three years' range."""
    share = job_mobility.movers_paid_less / job_mobility.movers
    low, high = min(KOSTAT_MOVERS_NOT_BETTER_PAID.values()), max(KOSTAT_MOVERS_NOT_BETTER_PAID.values())
    assert low <= share <= high, share


@pytest.mark.xfail(
    strict=True,
    reason="with pensions in households' income (branch pensions, docs/model.md 7.10): 16.36% (0.1636) of those "
    "employed in two Decembers changed employer, above 2022's 16.0% (Gwangju without shocks, seed 1, scale 0.2; "
    "15.98% before): pensions' growth adds to services' demand and hiring, and more hires are moves between jobs",
)
def test_about_fifteen_percent_of_workers_change_employer_in_a_year(job_mobility):
    """Statistics Korea, job mobility statistics: 15.9% of the registered employed changed employer
    between the Decembers of 2018 and 2019, 14.8% in 2020 and 16.0% in 2022. The model's share of
    workers employed in two Decembers who work for another firm in the second must lie in that range.
    (Measured: 16.0% (0.1598), with the on-the-job search rate derived from MOEL's voluntary separations, not from
    this figure, and the start holding the steady state's open jobs; 15.6% before, when the vacancy chains of
    job-to-job moves built up over the first two years; 7.7% with the US search rate of 4.3% a month used
    before, 5.5% before fixed-term contracts.)"""
    rate = job_mobility.movers / job_mobility.employed_both
    assert min(KOSTAT_MOVER_RATE.values()) <= rate <= max(KOSTAT_MOVER_RATE.values()), rate


# ---------------------------------------------------------------- separations by route and tenure

#: Ministry of Employment and Labor, establishment labour survey (사업체노동력조사, firms with 1+ workers):
#: voluntary separations (자발적 이직) as a share of workers in a month: September 2020 276,000 of 18.58 million
#: (Aju News 2020-10-29), October 2023 295,000 of 19.97 million (MOEL release 2023-11-29), December 2023
#: 295,000 of 19.82 million, January 2024 338,000 of 19.81 million (MOEL release 2024-02-29).
MOEL_VOLUNTARY_SEPARATIONS_PER_MONTH = {
    "2020-09": 276 / 18_576,
    "2023-10": 295 / 19_969,
    "2023-12": 295 / 19_823,
    "2024-01": 338 / 19_808,
}

#: Korea Labor Institute (Hwang, Jeon and Ko 2004, "고용보험DB를 이용한 피보험자의 직장이동 분석", employment
#: insurance records of firms with 10+ workers): yearly separation rates 1999-2002, all and voluntary.
KLI_SEPARATIONS_PER_YEAR = {1999: (0.283, 0.209), 2000: (0.300, 0.231), 2001: (0.312, 0.232), 2002: (0.239, 0.180)}

#: Statistics Korea, Economically Active Population Survey microdata: of those not working who left a job in the
#: past year, the share who left for involuntary reasons (closure, early retirement or redundancy, temporary or
#: seasonal work ending, no work or slack business; retirement with age and personal reasons are the rest):
#: 2016 38.5%, 2020 55.1%, 2021 47.8% (FKI's analysis, Donga 2022-04-11), 2024 42.9% (1.37 million; Yonhap
#: 2025-02-02).
KOSTAT_INVOLUNTARY_SHARE_OF_LEAVERS = {2016: 0.385, 2020: 0.551, 2021: 0.478, 2024: 0.429}

#: Statistics Korea, supplementary survey of the Economically Active Population Survey (March 2014, via
#: Headline News): mean tenure in the current job of all wage workers 5 years 8 months, of regular workers 7 years
#: 1 month (non-regular 2 years 7 months).
KOSTAT_MEAN_TENURE_YEARS = {"wage workers": 5 + 8 / 12, "regular workers": 7 + 1 / 12}


@dataclass
class Turnover:
    """Separations of the employed by route over months 13-60 (counts), employee-months, and tenure in Decembers.

    Voluntary: moves straight to another job (within or outside the region), quits into unemployment, and
    leaving the region. Involuntary: the ends of fixed-term contracts, layoffs, dismissals, and leaving the labour force
    with age (the statutory retirement age counts as an involuntary leaving in employment insurance).
    """

    employee_months: int
    routes: dict[str, int]
    mean_tenure_years: list[float]

    def rate(self, *routes: str) -> float:
        """Monthly rate of the routes named, a share of the employed."""
        return sum(self.routes[route] for route in routes) / self.employee_months


VOLUNTARY = ("job_to_job", "quit", "moved_out")
INVOLUNTARY = ("contract_end", "short_job_end", "layoff", "dismissal", "left_labour_force")


@pytest.fixture(scope="module")
def turnover() -> Turnover:
    """Gwangju without shocks, seed 1, scale 0.2, 60 months: each employed worker's route out of their job."""
    model = RegionModel("gwangju", rng=1, scale=0.2, months=60, overrides=NO_SHOCKS_LABOUR)
    routes = dict.fromkeys((*VOLUNTARY, *INVOLUNTARY, "short_job_end_unemployed"), 0)
    employee_months, tenure = 0, []
    short_share = model.region.config.labour_market.short_job_worker_share
    for month in range(1, 61):
        workforce = model.workforce
        employed = np.flatnonzero(workforce.status == EMPLOYED)
        employer = workforce.employer[employed].copy()
        quitting = workforce.quit_month[employed] == month
        contract_due = workforce.contract_end_month[employed] == month
        short_due = contract_due & short_job_workers(workforce.key[employed], short_share, model.region.streams)
        model.step()
        workforce = model.workforce
        if month % 12 == 0:
            now = workforce.status == EMPLOYED
            tenure.append(float((month - workforce.hire_month[now]).mean() / 12))
        if month <= 12:
            continue
        status = workforce.status[employed]
        laid_off = workforce.displaced_month[employed] == month
        unemployed = status == UNEMPLOYED
        moved = ((status == EMPLOYED) & (workforce.employer[employed] != employer)) | (status == COMMUTING_OUT)
        employee_months += len(employed)
        dismissals = int(model.region.tally["dismissals"])  # leavers on the quit clock who were dismissed
        routes["quit"] += int(quitting.sum()) - dismissals
        routes["dismissal"] += dismissals
        # A short job's end is involuntary whether or not a job was found in its last month: MOEL's survey counts
        # the end of temporary work so (docs/model.md 7.5; none while short jobs are off, as Gwangju ships).
        routes["job_to_job"] += int((moved & ~quitting & ~short_due).sum())
        routes["layoff"] += int((laid_off & ~quitting).sum())
        routes["contract_end"] += int((unemployed & contract_due & ~short_due & ~laid_off & ~quitting).sum())
        routes["short_job_end"] += int(((unemployed | moved) & short_due & ~laid_off & ~quitting).sum())
        routes["short_job_end_unemployed"] += int((unemployed & short_due & ~laid_off & ~quitting).sum())
        routes["moved_out"] += int((status == MOVED_OUT).sum())
        routes["left_labour_force"] += int(((status == INACTIVE) | (status == IN_TRAINING)).sum())
    return Turnover(employee_months, routes, tenure)


def test_voluntary_separations_are_about_one_and_a_half_percent_of_workers_a_month(turnover):
    """MOEL's establishment labour survey: voluntary separations are 1.48-1.71% of workers a month (September
    2020, October and December 2023, January 2024). The model's voluntary routes (moves straight to another
    job, quits into unemployment, moves out of the region) must add up to that range. The on-the-job search
    rate is derived from the survey's mean (scenarios/gwangju.toml), so this checks that derivation, which
    rests on a measured success rate of search, against the range of the four months.
    (Measured: 1.57%; 1.53% before the start held the steady state's open jobs; 0.77% with the US search rate
    of 4.3% a month used before.)"""
    rate = turnover.rate(*VOLUNTARY)
    low, high = min(MOEL_VOLUNTARY_SEPARATIONS_PER_MONTH.values()), max(MOEL_VOLUNTARY_SEPARATIONS_PER_MONTH.values())
    assert low <= rate <= high, (rate, turnover.routes)


@pytest.mark.xfail(
    strict=True,
    reason="measured 0.86 (0.859; voluntary 1.57% of the employed a month: moves 1.30%, quits 0.11%, leaving the "
    "region 0.16%; involuntary 0.26%: contract ends 0.13%, layoffs 0.025%, leaving the labour force with age "
    "0.10%; Gwangju without shocks, seed 1, scale 0.2, months 13-60; 0.86 too before the start held the steady "
    "state's open jobs; about 0.74 with the US on-the-job search rate used "
    "before, when voluntary separations were half MOEL's): the voluntary rate is now Korea's, but KLI's "
    "involuntary separations are 5.9-8.0% a year, 0.5-0.7% a month, twice the model's: its firms lay off only "
    "when their orders fall (0.02% a month in a steady economy). Dismissals for a worker's own or a firm's "
    "idiosyncratic reasons (docs/model.md 7.5) at the 0.25% a month KLI's ratio implies, quits re-derived to "
    "zero, bring it to 0.753 and 0.755 (seeds 1 and 2), but 17.7% of workers then change employer in a year "
    "(Statistics Korea 14.8-16%: passes now), 79% of separations into non-employment are involuntary (Statistics "
    "Korea 38.5-55%: 41.5% now), vacancies are 2.9% of the employed and spells 5.2 months, so Gwangju ships "
    "without them (scenarios/gwangju.toml): with every job ending at the same hazard whatever its tenure, KLI's "
    "1999-2002 separations (the post-crisis restructuring years) and Statistics Korea's yearly movers cannot "
    "both hold. With the short jobs built and shipped off (docs/model.md 7.5), whose ends MOEL counts as "
    "involuntary, the share falls to 0.35, MOEL's own for all workers (0.34-0.35 in November 2023 and January "
    "2024), far below KLI's",
)
def test_three_quarters_of_separations_are_voluntary(turnover):
    """KLI (Hwang, Jeon and Ko 2004, employment insurance records of firms with 10+ workers, the model's kind of
    employer): voluntary separations were 74-77% of all separations in 1999-2002 (20.9 of 28.3%, 23.1 of 30.0%,
    23.2 of 31.2%, 18.0 of 23.9% a year). The model's voluntary share must lie in that range."""
    voluntary = turnover.rate(*VOLUNTARY)
    share = voluntary / (voluntary + turnover.rate(*INVOLUNTARY))
    shares = [voluntary_rate / total for total, voluntary_rate in KLI_SEPARATIONS_PER_YEAR.values()]
    assert min(shares) <= share <= max(shares), (share, turnover.routes)


def test_two_fifths_to_a_half_of_those_who_leave_a_job_for_no_job_leave_involuntarily(turnover):
    """Statistics Korea's Economically Active Population Survey: 38.5-55.1% of those not working who left a job
    in the past year left for involuntary reasons (2016, 2020, 2021, 2024). The model's involuntary routes out of
    a job into unemployment or out of the labour force (contract ends, layoffs, dismissals) as a share of all
    such routes (with quits and leaving the labour force, which holds retirement with age) must lie in that
    range. Moves to another job and out of the region are not counted: the survey asks the people it finds not
    working in the region. (Measured: 41.5%; with dismissals at the 0.25% a month KLI's records would need,
    79%, or 65% with the quits kept: scenarios/gwangju.toml.)"""
    involuntary = turnover.rate("contract_end", "short_job_end_unemployed", "layoff", "dismissal")
    share = involuntary / (involuntary + turnover.rate("quit", "left_labour_force"))
    shares = KOSTAT_INVOLUNTARY_SHARE_OF_LEAVERS.values()
    assert min(shares) <= share <= max(shares), (share, turnover.routes)


@pytest.mark.xfail(
    strict=True,
    reason="measured 4.65, 4.70, 4.71 years in the Decembers of years 3-5 (4.83, 4.84, 4.81 before the start held "
    "the steady state's open jobs, when moves were fewer in the first two years; 6.4 at month 60 with the US "
    "on-the-job search rate used before, when 7.7% of workers changed employer in a year against Statistics Korea's "
    "15-16%): in the model every job ends at the same hazard whatever its tenure, 1.7% a month, so the mean "
    "tenure tends to about five years; in Korea moves concentrate in new jobs (KLI 2004: the shorter the "
    "tenure, the higher the separation rate; Korea Employment Information Service: about 40% of new hires "
    "stay a year), so a long-tenured core keeps the mean high while as many workers move (with dismissals at "
    "0.25% a month, 4.4 years; with the short jobs built and shipped off, 4.0-4.1 years)",
)
def test_mean_tenure_is_between_all_wage_workers_and_regular_workers(turnover):
    """Statistics Korea (EAPS supplementary survey, March 2014): mean tenure in the current job is 5 years
    8 months for all wage workers and 7 years 1 month for regular workers. The model's employees are regular
    and fixed-term employees of firms (no day labour or part-time work), so their mean tenure must lie
    between the two, in the Decembers of years 3-5 (the start's tenures are drawn, so later years tell)."""
    low, high = KOSTAT_MEAN_TENURE_YEARS["wage workers"], KOSTAT_MEAN_TENURE_YEARS["regular workers"]
    assert all(low <= years <= high for years in turnover.mean_tenure_years[2:]), turnover.mean_tenure_years


# ---------------------------------------------------------------- retraining

#: Trainees who start a course in the first two years are followed for three years.
TRAINING_ENTRY_MONTHS = (1, 24)
TRAINING_HORIZON = 60  # the default scenario's five years
TRAINING_SEED = 1
TRAINING_SCALE = 1.0


@dataclass
class TrainingStudy:
    """Employment of each trainee, month by month from the month they started their first course.

    ``employed`` and ``employed_counterfactual`` are trainees x months since entry (1.0
    employed, 0.0 not, NaN when beyond the run or out of the region in either run): in the
    run with the programme, and the same people in the run without it.
    """

    employed: np.ndarray
    employed_counterfactual: np.ndarray
    course_months: int

    def effect(self, first: int, last: int) -> tuple[float, float, int]:
        """Mean effect on the employment rate in months ``first``-``last`` after entry, its standard error, and n.

        Per trainee: the share of those months employed with the programme minus without it;
        then the mean over trainees (each trainee's difference is a paired comparison).
        """
        difference = self.employed[:, first : last + 1] - self.employed_counterfactual[:, first : last + 1]
        observed = np.isfinite(difference).any(axis=1)
        per_trainee = np.nanmean(difference[observed], axis=1)
        return float(per_trainee.mean()), float(per_trainee.std(ddof=1) / np.sqrt(len(per_trainee))), len(per_trainee)


def training_study(seed: int, scale: float, months: int = TRAINING_HORIZON) -> TrainingStudy:
    """Run the default scenario with and without the single retraining package, in lockstep."""
    package = load_package("single_retraining")
    course_months = package.interventions[0].course_months
    baseline = RegionModel("gwangju", rng=seed, scale=scale, months=months)
    programme = RegionModel("gwangju", rng=seed, scale=scale, months=months, package=package)
    first, last = TRAINING_ENTRY_MONTHS
    trainees = np.zeros(0, dtype=np.int64)
    entry = np.zeros(0, dtype=np.int64)
    followed = []  # per month: (trainee indices, months since entry, employed with, employed without)
    for month in range(1, months + 1):
        baseline.step()
        programme.step()
        workforce = programme.workforce
        if first <= month <= last:
            started = np.flatnonzero(
                (workforce.status == IN_TRAINING) & (workforce.training_end_month == month + course_months)
            )
            started = np.setdiff1d(started, trainees)  # a first course only; later ones are part of the treatment
            trainees = np.concatenate([trainees, started])
            entry = np.concatenate([entry, np.full(len(started), month)])
        status = workforce.status[trainees]
        # The same people by key: arrivals that answer the region's conditions (in-migrants, in-commuters,
        # docs/model.md 7.14) can differ in number between the runs, so rows are matched by key, not position.
        keys, baseline_keys = workforce.key[trainees], baseline.workforce.key
        order = np.argsort(baseline_keys)
        found = np.minimum(np.searchsorted(baseline_keys, keys, sorter=order), len(order) - 1)
        rows = order[found]
        in_baseline = baseline_keys[rows] == keys
        status_counterfactual = np.where(in_baseline, baseline.workforce.status[rows], MOVED_OUT)
        present = (status != MOVED_OUT) & (status_counterfactual != MOVED_OUT)
        followed.append(
            (
                np.flatnonzero(present),
                month - entry[present],
                status[present] == EMPLOYED,
                status_counterfactual[present] == EMPLOYED,
            )
        )
    employed = np.full((len(trainees), months), np.nan)
    employed_counterfactual = np.full((len(trainees), months), np.nan)
    for index, since, with_programme, without in followed:
        employed[index, since] = with_programme
        employed_counterfactual[index, since] = without
    return TrainingStudy(employed, employed_counterfactual, course_months)


@pytest.fixture(scope="module")
def retraining() -> TrainingStudy:
    return training_study(TRAINING_SEED, TRAINING_SCALE)


def test_retraining_locks_trainees_in_first_and_raises_their_employment_two_to_three_years_on(retraining):
    """Training lowers trainees' employment during and just after the course, and raises it 2-3 years on.

    Source: Card, Kluve and Weber (2018, JEEA 16(3)), "What works? A meta analysis of
    recent active labor market program evaluations": average impacts are close to zero in
    the short run and become more positive two to three years after the programme, most
    of all for programmes that build human capital (training). Design: displaced auto and
    appliance workers who start a course of the shipped single retraining package in its
    first two years, against the same people in the same world without the programme
    (months counted from the first course; later courses are part of the treatment);
    employment rates over the months of the course (0-5 after entry), the six months after
    it (6-11) and 24-36 months after entry. Asserted: a lock-in during the course (effect
    below zero), little or a negative effect just after it (at most +3 points), and a
    positive effect 24-36 months on (two standard errors above zero), larger than just
    after the course.
    """
    course = retraining.course_months
    during, _, trainees = retraining.effect(0, course - 1)
    just_after, _, _ = retraining.effect(course, 2 * course - 1)
    later, later_se, followed = retraining.effect(24, 36)
    assert trainees >= 200 and followed >= 200
    assert during < 0.0
    assert just_after <= 0.03
    assert later - 2 * later_se > 0.0
    assert later > just_after


# ---------------------------------------------------------------- matching: a frictional floor


def test_unemployment_keeps_a_frictional_floor_in_a_tight_market():
    """Statistics Korea, Local Area Labour Force Survey: even in counties, where jobs are plenty
    relative to job seekers, unemployment averages 0.9-1.2% (3Q 2011: 1.1%; a later 3Q: 0.9%;
    2023-H2: 1.2%). The declining county (4.7 vacancies per unemployed person at the start)
    must not fall below that over five years without a policy. (Measured: a minimum of 1.45% over
    years 3-5, seed 1, with fixed-term contracts ending; 1.06% before them; before the population from
    age 15, participation and migration were in, 0.36%, when only 0.25% of the employed quit into
    unemployment each month.)"""
    table = RegionModel("declining_county", rng=1, months=60).run()
    assert table.unemployment_rate[24:].min() >= 0.009, table.unemployment_rate[24:].min()


def _completed_spells(scenario: str, seed: int, scale: float, months: int, overrides: dict) -> np.ndarray:
    """Lengths in months of the unemployment spells that end in a job in years 2 onwards."""
    model = RegionModel(scenario, rng=seed, scale=scale, months=months, overrides=overrides)
    spells = []
    for month in range(1, months + 1):
        workforce = model.workforce
        seeking = np.flatnonzero(workforce.status == UNEMPLOYED)
        since = workforce.unemployed_since[seeking].copy()
        model.step()
        found = model.workforce.status[seeking] == EMPLOYED
        if month > 12:
            spells.append(month - since[found])
    return np.concatenate(spells)


@pytest.mark.xfail(
    strict=True,
    reason="measured 5.53 months (Gwangju without shocks, seed 1, scale 0.2, months 13-60; 6.25, median 4, before "
    "the start held the steady state's open jobs, when the spells of the first two years ran longer; 5.8 with the "
    "US on-the-job search rate used before, 5.6 before fixed-term contracts, 5.5 before the job ladder): mu is set "
    "so that the job-finding rate is 1/8 with the vacancies a month of separations would open, but firms post more "
    "(replacements, vacancy chains of on-the-job moves, hoarding margins, openings left unfilled), so about 0.155 "
    "of the unemployed are hired a month in the first six months of a spell. Measured since (seed 1): mu does "
    "not set the job-finding rate, the flow into unemployment does: firms re-post unfilled openings each month, so "
    "a lower mu leaves more jobs open and more people unemployed while the hazard out of unemployment barely "
    "moves (mu 0.59 instead of 1.03: spells 6.2 months, unemployment 4.1% in year 1; mu 0.35: 7.2 months, "
    "unemployment 4.8-5.3%, 11.4% of workers changing employer in a year against 14.8-16%, vacancies 5.8% of "
    "the employed). 0.55% of the employed a month flow into unemployment, 0.30% of them from outside the labour "
    "force (entrants and re-entrants search first), so at 3.4% unemployment about 0.16 leave it a month; eight "
    "months at 3.5% would need the flow at about 0.43%, less than the 0.30% from outside with contract ends' 0.13% "
    "and quits' 0.11%. "
    "Dismissals into unemployment shorten spells (5.1-5.2 months). KLI's 7.7-8 months is the time to "
    "re-employment of job losers, time out of the labour force included; in the Economically Active Population "
    "Survey, unemployment's outflow rate averages 48% a month (Han and Kim 2019, Korean Economic Review 35(1))",
)
def test_time_to_reemployment_is_near_eight_months():
    """KLI (Jung In-soo 2002, via Donga 2002-11-20): the unemployed in Gwangju take 7.7 months
    on average to find a job again (8 months in the Seoul Economic Daily's version of the same
    report). The default region without shocks: the mean completed spell lies within a month
    of that."""
    spells = _completed_spells("gwangju", 1, 0.2, 60, NO_SHOCKS_LABOUR)
    assert 6.7 <= spells.mean() <= 9.0, spells.mean()


def test_the_beveridge_curve_slopes_down():
    """Bank of Korea (Oh Sam-il, BOK Issue Note 2022-08, 'Beveridge curve'): Korea's vacancy rate
    falls as unemployment rises along a downward-sloping Beveridge curve. Three demand levels for
    the region's two chains (70%, 100% and 130% of 2020's output from January 2021, no other
    shocks): in the second year, the higher the unemployment rate, the lower the vacancy rate."""
    points = []
    for level in (0.7, 1.0, 1.3):
        demand = [
            {"chain": "auto", "points": [{"date": "2021-01", "value": 440_000 * level}]},
            {"chain": "appliance", "points": [{"date": "2021-01", "value": 1.0 * level}]},
        ]
        overrides = {**NO_SHOCKS_LABOUR, "shocks.final_demand": demand}
        table = RegionModel(rng=1, scale=0.1, months=24, overrides=overrides).run()
        labour_force = table.employed + table.unemployed
        second_year = slice(13, 25)
        vacancy_rate = (table.vacancies / labour_force)[second_year].mean()
        points.append((table.unemployment_rate[second_year].mean(), vacancy_rate))
    unemployment, vacancies = zip(*sorted(points), strict=True)
    assert unemployment[0] < unemployment[-1]
    assert all(a > b for a, b in itertools.pairwise(vacancies)), points


def _on_the_job_moves(seed: int, scale: float, months: int) -> tuple[np.ndarray, np.ndarray]:
    """Log pay gain and age of every move from one employer straight to another (not through a quit)."""
    model = RegionModel("gwangju", rng=seed, scale=scale, months=months, overrides=NO_SHOCKS_LABOUR)
    gains, ages = [], []
    for month in range(1, months + 1):
        workforce = model.workforce
        staying = (workforce.status == EMPLOYED) & (workforce.quit_month != month)
        wage, employer = workforce.wage.copy(), workforce.employer.copy()
        model.step()
        people = len(staying)
        after = model.workforce
        moved = staying & (after.status[:people] == EMPLOYED) & (after.employer[:people] != employer)
        moved &= after.hire_month[:people] == month
        gains.append(np.log(after.wage[:people][moved] / wage[moved]))
        ages.append(after.age_years(month)[:people][moved])
    return np.concatenate(gains), np.concatenate(ages)


@pytest.mark.xfail(
    strict=True,
    reason="measured 4.4% (mean log pay gain of job-to-job movers under 30, median 7.2%; Gwangju without shocks, "
    "seed 1, scale 0.2, 36 months; 4.8%, median 7.6%, before the start held the steady state's open jobs; 5.1% "
    "with the US on-the-job search rate used before, 23.9% before fixed-term contracts and moves for reasons "
    "other than pay): movers up the ladder gain a lot, as the firms' pay levels are far apart (2.6 to 7.5 "
    "million KRW a month), and movers for other reasons or at a contract's end lose about as much, so the mean "
    "is a small difference of large steps; Oh and Lee's 3.3-4.0% is for voluntary moves only, and the model's "
    "test takes every move from one employer straight to another (stayers' pay does not grow in the model, so "
    "the raw gain is the gain over staying, as Oh and Lee measure it)",
)
def test_young_workers_gain_three_to_four_percent_by_moving_up():
    """Oh and Lee (2022, Korean Journal of Economic Studies 70(3), Youth Panel 2007-2019): a young
    employee with under three years of experience who moves job voluntarily earns 3.3-4.0% more
    an hour. In the model, the mean log pay gain of workers under 30 who move straight from one
    employer to another must lie in that range."""
    gains, ages = _on_the_job_moves(1, 0.2, 36)
    young = gains[ages < 30]
    assert len(young) >= 100
    assert 0.033 <= young.mean() <= 0.040, young.mean()
