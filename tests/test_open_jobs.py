"""The start holds the steady state's open jobs (docs/model.md 5, 7.6): month 1 looks like month 36.

Firms open a vacancy for every separation and fill it in about a month, so a region in its steady state has a
stock of open jobs: the month's separations times the mean duration of a vacancy (scenarios/gwangju.toml,
``labour_market.turnover_rate_per_month``). Without that stock at the start, the vacancy chains of job-to-job
moves took two years to build up (hires 0.3% of the employed in month 1, 1.8% from month 24).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sim import RegionModel, load_scenario
from sim.region.build import open_job_share, open_jobs_at_start
from sim.region.random_streams import RandomStreams

NO_SHOCKS = {"shocks.final_demand": [], "shocks.relocation": [], "shocks.electric_transition": None}

#: Jobs vacant at the end of the month (빈 일자리: vacant, or to be filled within a month), a share of employees
#: plus vacancies, Ministry of Employment and Labor's establishment labour survey (사업체노동력조사): 1.2% in January
#: 2010, 1.8% in February 2010, 0.9% in January 2011, 1.0% in February 2011 (Aju News 2011-03-03, Korea Economic
#: TV 2011-03-30); 209,000 on average in 2023 among 19.8 million employees, about 1.05% (Hankyoreh via Daum,
#: 2024-01-30).
MOEL_VACANCY_RATE = {"2010-01": 0.012, "2010-02": 0.018, "2011-01": 0.009, "2011-02": 0.010, "2023": 209 / 20_032}


@pytest.fixture(scope="module")
def table() -> pd.DataFrame:
    return RegionModel("gwangju", rng=1, scale=0.2, months=37, overrides=NO_SHOCKS).run()


def test_the_open_jobs_at_the_start_are_the_flow_balances():
    """Stock = inflow x mean duration: s x D of the employed open before month 1's matching, less its quits
    (q), which open their jobs in month 1: (s D - q) / (1 + s D - q) of the jobs. Each job is drawn on its own,
    so the share over many jobs is near it, small firms get open jobs too, and none without turnover."""
    labour = load_scenario("gwangju").labour_market
    carried = labour.turnover_rate_per_month * labour.vacancy_duration_months - labour.quit_rate_per_month
    assert open_job_share(labour) == pytest.approx(carried / (1 + carried))
    jobs = np.array([1] * 100_000 + [5] * 20_000 + [500] * 200)
    open_jobs = open_jobs_at_start(labour, jobs, np.arange(len(jobs), dtype=np.uint64), RandomStreams(1))
    assert (open_jobs <= jobs).all()
    assert open_jobs.sum() / jobs.sum() == pytest.approx(open_job_share(labour), rel=0.05)
    assert open_jobs[:100_000].mean() == pytest.approx(open_job_share(labour), rel=0.1)  # one-worker firms
    none = labour.model_copy(update={"turnover_rate_per_month": 0.0})
    assert not open_jobs_at_start(none, jobs, np.arange(len(jobs), dtype=np.uint64), RandomStreams(1)).any()


def test_firms_post_their_open_jobs_in_month_one():
    """A firm starts short of its jobs by its open jobs: its workforce plan's target is its jobs, so it posts
    them in month 1 (with the month's quits); its costs are set for the firm fully staffed."""
    model = RegionModel("gwangju", rng=1, scale=0.1, months=1, overrides=NO_SHOCKS)
    firms = model.firms
    short = firms.base_employees - firms.employees
    assert (short >= 0).all()
    assert short.sum() / firms.base_employees.sum() == pytest.approx(open_job_share(model.config.labour_market), 0.1)
    np.testing.assert_allclose(firms.output, np.minimum(firms.base_output, firms.employees * firms.productivity))
    model.step()
    assert model.results().vacancies[1] >= short.sum()


@pytest.mark.parametrize("column", ["vacancies", "hires", "job_to_job_moves"])
def test_month_one_looks_like_the_steady_state(table, column):
    """Without shocks the region is in its steady state from the start: the month-1 rate (a share of the
    employed) is within a tenth of its mean in months 25-36 (months vary by a few percent about it).
    (Measured: vacancies 1.94% against 2.02%, hires 1.75% against 1.80%, job-to-job moves 1.22% against 1.27%;
    before the start held the open jobs, 0.29%, 0.28% and 0.21% in month 1.)"""
    rate = table[column] / table.employed
    assert rate[1] == pytest.approx(rate[25:37].mean(), rel=0.1), (rate[1], rate[25:37].mean())


@pytest.mark.xfail(
    strict=True,
    reason="measured 1.87% of jobs open at the ends of months 25-36 (1.80% at the start; Gwangju without shocks, "
    "seed 1, scale 0.2): the stock is the model's flow balance, the separations replaced through vacancies "
    "(1.8% of the employed a month) times about a month open, where Korea's hires, day labour included, are "
    "3-4% of employees a month (MOEL: 439,000 and 470,000 among 13.6 million in February and January 2011) "
    "and fill faster; the Bank of Korea's rate is lower still (0.71% "
    "in 2010-2019, BOK Issue Note 2022-08). The model's vacancies last a month and lapse unfilled, so its "
    "stock has no shorter duration to take",
)
def test_the_stock_of_open_jobs_is_the_surveys_vacancy_rate(table):
    """MOEL's establishment labour survey: jobs vacant at the end of the month were 0.9-1.8% of employees and
    vacancies in January and February of 2010 and 2011, about 1.05% on average in 2023. The model's jobs open at
    the end of a month (the next month's vacancies less its quits, which open during it), as a share of the
    employed and those jobs, averaged over months 25-36, must lie in that range."""
    open_end = (table.vacancies - table.quits).shift(-1)
    share = (open_end / (table.employed + open_end))[25:37].mean()
    assert min(MOEL_VACANCY_RATE.values()) <= share <= max(MOEL_VACANCY_RATE.values()), share
