"""More money, more effect: mean job-years rise with the budget at 1x, 2x and 4x (issue 12).

Each single-instrument package at 10, 20 and 40 bn KRW on Gwangju (seeds 1-8, scale 0.05,
the whole horizon), against the same seeds' baseline. Where the extra money is not spent
(no more eligible firms or workers: the economy's own diminishing returns) the effect may
stay level; where it is spent, the mean job-years must rise. Misses are strict xfails with
the measured values (full-population job-years, seeds 1-8). With four seeds the spread between
seeds was as large as several instruments' effects, and which of them passed moved with every
change to the model; eight seeds halve the variance of the means.
"""

from __future__ import annotations

import numpy as np
import pytest

from sim import RegionModel
from sim.inputs.package import load_package

SEEDS = range(1, 9)
SCALE = 0.05


def _run(package, seed):
    table = RegionModel("gwangju", rng=seed, scale=SCALE, package=package).run()
    spend = float(table["policy_spend"].sum()) if "policy_spend" in table else 0.0
    return table["employed"].to_numpy(dtype=float), spend


@pytest.fixture(scope="module")
def baseline():
    return {seed: _run(None, seed)[0] for seed in SEEDS}


def _response(name, baseline):
    job_years, spending = [], []
    for multiple in (1, 2, 4):
        package = load_package(name).with_total_budget(10e9 * multiple)
        runs = [_run(package, seed) for seed in SEEDS]
        job_years.append(
            np.mean(
                [
                    (employed - baseline[seed])[1:].sum() / 12 / SCALE
                    for (employed, _), seed in zip(runs, SEEDS, strict=True)
                ]
            )
        )
        spending.append(np.mean([spend for _, spend in runs]))
    return job_years, spending


# Measured with every mechanism of the session in (mean full-population job-years at 1x, 2x, 4x;
# seeds 1-8, scale 0.05): retention 580, 909, 1049; loans 95, 161, 161; hiring subsidy 120, 196,
# 205; retraining 94, 135, 165; infrastructure 9, 50, 99; interest subsidy 314, 333, 463 pass.
# Public jobs 495, 752, 1661 and public construction 236, 252, 481 pass; contribution deferral
# stays at 120 (0.09 bn of the sample spent at every budget: only cash-short SMEs defer, and the
# money beyond their needs is not spent).
# Commercialisation support 548, 763, 1575 with 0.47, 0.98, 1.97 bn of the sample spent passes (outside
# sales of supported manufacturing SMEs 5.7% higher for two years; eligible firms are not used up at 40 bn).
# Investment attraction passes since the budget buys expected firms at any scale: 0, 133, 134 with
# 0.22, 0.71, 1.37 bn of the sample spent. It rests on very few firms: at scale 0.05 the eight
# seeds expect about 0.6, 1.2 and 1.8 sampled attracted firms in all (Gwangju's pool of mobile
# projects, 6 a year arriving anyway, is used up at about 30 bn); the draws share each month's
# random number, so a firm attracted at one budget is attracted at a larger one too.
@pytest.mark.parametrize(
    "name",
    [
        "single_retention",
        "single_loans",
        "single_hiring_subsidy",
        pytest.param(
            "single_retraining",
            marks=pytest.mark.xfail(
                strict=True,
                reason="measured 40, 150, -100 (0.32, 0.48, 0.58 bn of the sample spent; 94, 135, 165 before the "
                "job ladder): the effect is small against the spread across seeds (standard deviation about 400 "
                "job-years), which the job ladder widened: trainees placed in growth firms set off chains of moves",
            ),
        ),
        "single_infrastructure",
        "single_interest_subsidy",
        "single_social_economy",
        "single_public_jobs",
        "single_contribution_deferral",
        "single_public_construction",
        "single_commercialisation",
        pytest.param(
            "single_employment_services",
            marks=pytest.mark.xfail(
                strict=True,
                reason="measured 62, 55, 145 with 0.38, 0.78, 1.55 bn of the sample spent: the money enrols twice "
                "and four times the participants, but a search boost mostly moves vacancies from other seekers to "
                "participants (substitution), so the net effect is small beside the spread between seeds",
            ),
        ),
        "single_investment",
        pytest.param(
            "single_venture_fund",
            marks=pytest.mark.xfail(
                strict=True,
                reason="measured 0, 0, -2 with 0.48, 0.98, 1.99 bn of the sample spent: equity is modelled as cash "
                "no bank rations, which saves jobs only where a small firm would otherwise run out of cash, and "
                "on Gwangju's shocks the stakes (24 M KRW each) rarely land there; the growth Korea Fund of Funds "
                "investees show (Kim and Song: sales +30%) is not modelled (tests/test_venture_fund.py shows the "
                "channel in a credit squeeze)",
            ),
        ),
        pytest.param(
            "single_credit_guarantee",
            marks=pytest.mark.xfail(
                strict=True,
                reason="measured 18, 3, -5 with almost nothing spent: a guarantee's spending is only its payouts "
                "(and fees), so more money raises the cover it may give, not what it spends; this test does not "
                "fit the instrument",
            ),
        ),
    ],
)
def test_mean_job_years_rise_with_the_budget_where_the_money_is_spent(name, baseline):
    job_years, spending = _response(name, baseline)
    assert spending[0] > 0
    for low, high, spent_low, spent_high in zip(job_years, job_years[1:], spending, spending[1:], strict=False):
        if spent_high > spent_low * 1.05:  # the extra money was spent: it must buy more job-years
            assert high > low, (job_years, spending)
        else:  # not spent (nothing more to buy): the effect stays where it was
            assert high == pytest.approx(low, rel=0.05), (job_years, spending)
