"""Direct public job creation (직접일자리사업): the money hires jobless residents into temporary public jobs.

Sources: MOEL's evaluations of the fiscal job programmes (재정지원 일자리사업 평가, reported by
Hankyung 2019-05-07 and 2020-05-26): 16.8% of 2018 and 20.6% of 2019 direct-job participants
were in private jobs after the programme; KDI Policy Forum 261 (Kim Yong-seong 2015): direct job
creation raises employment in the short run, its medium-term effect is negative; Card, Kluve
and Weber (2018): public employment programmes are the least effective ALMP.
scenarios/packages/single_public_jobs.toml.
"""

from __future__ import annotations

import numpy as np
import pytest

from sim import RegionModel
from sim.inputs.package import load_package
from sim.region.state import COMMUTING_OUT, EMPLOYED

SEEDS = (1, 2, 3, 4)


def _package(total_krw: float = 10e9):
    return load_package("single_public_jobs").with_total_budget(total_krw)


def test_the_budget_hires_whole_jobs_at_their_unit_cost():
    package = _package()
    settings = package.interventions[0]
    model = RegionModel(rng=1, scale=0.1, months=24, package=package)
    table = model.run()
    ledger = model.ledger()
    policy = model.desk.policies[0]
    assert table.public_jobs_hired.sum() > 0
    # A participant-month costs the wage, the employer's contributions and the admin share.
    unit = settings.wage_krw_per_month * (1 + settings.employer_contribution_rate) * (1 + settings.admin_share)
    assert policy.monthly_cost_krw() == pytest.approx(unit)
    paid_months = (ledger.kind == "public_wage").sum()
    assert table.policy_cost_public_jobs.sum() == pytest.approx(paid_months * unit)
    assert set(ledger.kind[ledger.intervention == "public_jobs"]) == {"public_wage", "contributions", "administration"}
    # The household gets the net wage (the scenario's net share of wages).
    net = ledger.amount_krw[ledger.kind == "public_wage"]
    assert net.to_numpy() == pytest.approx(settings.wage_krw_per_month * 0.848)
    # 10 bn over 60 months, a tenth in a 0.1 sample, buys whole six-month jobs: 24 months hire about 24/60 of them.
    jobs_bought = 10e9 * 0.1 / (unit * settings.job_months)
    assert table.public_jobs_hired.sum() == pytest.approx(jobs_bought * 24 / 60, abs=1.0)
    # Twice the money, twice the jobs (the long-term jobless are many more than the jobs).
    double = RegionModel(rng=1, scale=0.1, months=24, package=_package(20e9)).run()
    assert double.public_jobs_hired.sum() == pytest.approx(2 * table.public_jobs_hired.sum(), abs=1.0)


def test_participants_count_as_jobs_and_apart():
    baseline = RegionModel(rng=1, scale=0.1, months=24).run()
    table = RegionModel(rng=1, scale=0.1, months=24, package=_package(40e9)).run()
    # Counted at the policy point; a few retire or move away later in the month.
    assert (table.employed_public_jobs <= table.public_jobs_participants).all()
    assert table.employed_public_jobs.sum() >= 0.95 * table.public_jobs_participants.sum()
    assert (baseline.employed_public_jobs == 0).all()
    assert table.employed_public_jobs.max() > 0
    # Employed includes them; residents' employment too; jobs in firms do not.
    firm_jobs = table.employed - table.employed_public_jobs
    gain = (table.employed - baseline.employed)[1:].mean()
    assert gain > 0.5 * table.employed_public_jobs[1:].mean()
    assert (table.residents_employed - baseline.residents_employed)[1:].mean() > 0
    assert abs((firm_jobs - baseline.employed)[1:].mean()) < table.employed_public_jobs[1:].mean()


def measure_later_employment():
    """Each participant's status six months after the job ended, and the same worker's in the baseline twin."""
    package = _package()
    job_months = package.interventions[0].job_months
    in_job, twin_in_job = [], []
    for seed in SEEDS:
        snapshots = {False: {}, True: {}}
        models = {}
        for with_package in (False, True):
            model = RegionModel(rng=seed, scale=0.2, months=60, package=package if with_package else None)
            while model.running:
                model.step()
                snapshots[with_package][model.steps] = model.workforce.status.copy()
            models[with_package] = model
        policy = models[True].desk.policies[0]
        for worker, hired in zip(policy.hired, policy.hired_month, strict=True):
            after = hired + job_months + 6 + 1  # snapshot at the end of the sixth month after the job
            if after not in snapshots[True]:
                continue
            in_job.append(snapshots[True][after][worker] in (EMPLOYED, COMMUTING_OUT))
            twin_in_job.append(snapshots[False][after][worker] in (EMPLOYED, COMMUTING_OUT))
    return np.array(in_job), np.array(twin_in_job)


@pytest.fixture(scope="module")
def later_employment():
    return measure_later_employment()


def test_public_jobs_do_not_raise_later_private_employment(later_employment):
    """KDI Policy Forum 261: direct job creation's medium-term effect on employment is negative;
    CKW (2018): public employment programmes the least effective. Participants do not search
    while in the job (the lock-in), so six months after it they are in private jobs no more
    often than the same workers in the baseline twin (measured, seeds 1-4, scale 0.2: 0.079
    against 0.159 of 492 participants)."""
    in_job, twin = later_employment
    assert len(in_job) >= 200
    assert in_job.mean() < twin.mean()


@pytest.mark.xfail(
    strict=True,
    reason="measured 0.100 (0.079 before the start held the steady state's open jobs) of the participants (seeds "
    "1-4, scale 0.2) against MOEL's 0.168-0.206: "
    "the model's participants are the longest unemployed of the region (four to five years at hire), "
    "whose application success has decayed with their spell, and the spell runs on after the job; "
    "MOEL's participants are mostly over 65 and its rate counts any private job after the programme, "
    "not one held at six months",
)
def test_later_private_employment_matches_moel(later_employment):
    """MOEL: 16.8% (2018) and 20.6% (2019) of direct-job participants in private jobs after the programme."""
    in_job, _ = later_employment
    assert 0.168 <= in_job.mean() <= 0.206
