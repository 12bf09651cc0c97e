"""Employment services (국민취업지원제도 Type I): counselling raises participants' re-employment hazard.

Sources: cost per participant from the Employment Success Package's budget (Ministry of Economy
and Finance, korea.kr 2019-06-03: 502.9 bn KRW for 308,000 participants in 2018, 371.0 bn for
227,000 in 2019, 1.63 M KRW each); the Type I allowance, 500,000 KRW a month for six months;
the effect, job placement raising unemployed jobseekers' employment probability by about 10%
(Kim Hyun-sik 2014, propensity-score matching); Card, Kluve and Weber (2018): job-search
assistance has the largest short-run effects of the ALMPs. scenarios/packages/single_employment_services.toml.
"""

from __future__ import annotations

import pytest

from sim import RegionModel
from sim.inputs.package import load_package


def _package(total_krw: float = 10e9):
    return load_package("single_employment_services").with_total_budget(total_krw)


def test_the_budget_enrols_participants_at_their_unit_cost():
    package = _package()
    settings = package.interventions[0]
    model = RegionModel(rng=1, scale=0.1, months=24, package=package)
    table = model.run()
    ledger = model.ledger()
    enrolled = table.employment_services_enrolled.sum()
    assert enrolled > 0
    # Services are paid at enrolment, the allowance each month a participant still searches.
    services = ledger[(ledger.intervention == "employment_services") & (ledger.kind == "counselling")]
    assert len(services) == enrolled
    assert services.amount_krw.to_numpy() == pytest.approx(settings.service_cost_krw)
    unit = settings.service_cost_krw + settings.allowance_krw_per_month * settings.programme_months
    assert enrolled == pytest.approx(10e9 * 0.1 / 60 / unit * 24, abs=1.0)
    # Allowances only to participants searching in their programme months.
    allowances = (ledger.kind == "allowance").sum()
    assert allowances == table.employment_services_participants_searching.sum()
    double = RegionModel(rng=1, scale=0.1, months=24, package=_package(20e9)).run()
    assert double.employment_services_enrolled.sum() == pytest.approx(2 * enrolled, abs=1.0)


def test_participants_reemployment_hazard_rises_by_about_a_tenth():
    """Kim (2014): job placement raised unemployed jobseekers' employment probability by about 10%.

    Participants are drawn by lot among the eligible; the next in the draw form the comparison
    group. The ratio of their monthly re-employment hazards is the programme's effect (measured,
    seeds 1-2, scale 0.2, 200 bn KRW so that the groups are large: 1.060, below the boost of
    1.10 because participants compete with each other and with on-the-job seekers for the same
    vacancies; 1.074 before the job ladder).
    """
    hired = searching = comparison_hired = comparison_searching = 0.0
    for seed in (1, 2):
        table = RegionModel(rng=seed, scale=0.2, months=48, package=_package(200e9)).run()
        hired += table.employment_services_participants_hired.sum()
        searching += table.employment_services_participants_searching.sum()
        comparison_hired += table.employment_services_comparison_hired.sum()
        comparison_searching += table.employment_services_comparison_searching.sum()
    assert searching > 20_000 and comparison_searching > 20_000
    ratio = (hired / searching) / (comparison_hired / comparison_searching)
    assert 1.05 <= ratio <= 1.15, ratio
