"""Money sets the volume: each instrument buys seats, placements, grants or savings at its unit cost.

Issue 12 measured that at 40 bn against 10 bn, infrastructure and retraining gave identical
jobs seed by seed, because their volumes (seats a year, the saving) were fixed in the package.
Now a budget spread over the months a programme is open buys, each month, what it pays for.
"""

from __future__ import annotations

import pytest

from sim import RegionModel
from sim.inputs.package import load_package


def _counts(
    name: str, total: float, column: str, scenario: str = "gwangju", months: int = 18, **settings: object
) -> float:
    package = load_package(name).with_total_budget(total).to_dict()
    package["interventions"][0].update(settings)
    table = RegionModel(scenario, rng=3, scale=0.1, months=months, package=package).run()
    return float(table[column].sum())


@pytest.mark.parametrize(
    ("package", "column", "scenario", "months"),
    [
        ("single_retraining", "retraining_trainees_started", "gwangju", 18),
        ("single_social_economy", "social_economy_grants", "gwangju", 60),
        # Any open vacancy, so that the quota the money buys binds rather than the region's demand.
        ("single_foreign_workforce", "foreign_workforce_workers_placed", "declining_county", 18),
    ],
)
def test_twice_the_money_buys_about_twice_the_volume(package, column, scenario, months):
    settings = {"hard_to_fill_only": False} if package == "single_foreign_workforce" else {}
    small = _counts(package, 2e9, column, scenario, months, **settings)
    large = _counts(package, 4e9, column, scenario, months, **settings)
    assert small > 5
    assert large == pytest.approx(2 * small, rel=0.25)


@pytest.mark.xfail(
    strict=True,
    reason="measured 5, 9, 14 placements at 1, 2, 4 bn KRW (declining county, 18 months) since the start holds the "
    "steady state's open jobs (4, 10, 10 before): firms' vacancies are open from month 1 rather than after the "
    "vacancy chains of job-to-job moves build up, so within 18 months more of them have been open three months "
    "and 4 bn still finds vacancies to fill (not analysed further)",
)
def test_placements_stop_growing_when_hard_to_fill_vacancies_run_out():
    """Diminishing returns where the economy gives them (issue 12, item 1): foreign workers fill
    only vacancies open three months or more (seed 001), and the declining county has few, so
    beyond a point more money places no more workers. (Measured: 4, 10, 10 placements at 1, 2, 4 bn KRW,
    declining county, 18 months, since on-the-job search was set from MOEL's voluntary separations; 5, 10, 15
    before, a strict expected failure: more vacancies stayed open three months.)"""
    column = "foreign_workforce_workers_placed"
    counts = [_counts("single_foreign_workforce", total, column, "declining_county", 18) for total in (1e9, 2e9, 4e9)]
    assert counts[0] < counts[1]
    assert counts[2] < 1.5 * counts[1]


def test_grants_stop_when_every_enterprise_has_had_one():
    """The Gwanak scenario has about 160 social-economy enterprises; 10 bn would pay 425 grants.

    Money cannot buy more grants than there are enterprises: the rest stays unspent.
    """
    package = load_package("single_social_economy")
    model = RegionModel("gwanak", rng=3, scale=0.1, months=60, package=package)
    table = model.run()
    enterprises = model.firms.social_enterprise
    assert table["social_economy_grants"].sum() == enterprises.sum()
    ledger = model.ledger()
    grants_paid = ledger.loc[ledger["kind"] == "grant", "amount_krw"].sum()
    full_grants = package.interventions[0].grant_krw * model.firms.size_factor[enterprises].sum()
    assert grants_paid == pytest.approx(full_grants)
    assert grants_paid < 0.85 * package.total_budget_krw * 0.1 / 2  # most of the grant money stays unspent


def test_the_infrastructure_saving_follows_the_money():
    savings = []
    for total in (5e9, 10e9, 20e9):
        model = RegionModel(
            rng=2, scale=0.1, months=26, package=load_package("single_infrastructure").with_total_budget(total)
        )
        model.run()
        savings.append(model.firms.overhead_discount.max())
    assert savings[0] > 0
    assert savings[1] == pytest.approx(2 * savings[0], rel=0.05)
    assert savings[2] == pytest.approx(2 * savings[1], rel=0.05)


def test_retraining_seats_are_what_the_budget_pays_for():
    package = load_package("single_retraining")
    model = RegionModel(rng=1, scale=0.1, months=2, package=package)
    policy = model.policies[0]
    settings = policy.settings
    course = settings.course_fee_krw + settings.allowance_krw_per_month * settings.course_months
    assert policy.seats_per_month(model.desk) == pytest.approx(settings.budget_krw * 0.1 / 60 / course)
