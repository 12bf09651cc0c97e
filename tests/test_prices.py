"""Cost-side changes act through prices and labour demand (sim/region/prices.py), even when no firm is near failure.

Firms price at a constant markup over unit cost and move a twelfth of the way a month (the
median firm changes its price about once a year: Fabiani et al. 2005; Song, Yie and Park 2020
for Korea); buyers respond with the elasticities in scenarios/gwangju.toml ([markets]): the
Armington elasticity outside the region, less inside a supply chain; labour demand weighs
the wage with the own-wage elasticity of about 0.4 (Lichter, Peichl and Siegloch 2015).
"""

from __future__ import annotations

import numpy as np
import pytest

from sim import RegionModel
from sim.inputs.package import load_package
from sim.region.prices import cost_index, set_prices
from sim.region.state import ACTIVE, TIER1, TIER2

NO_SHOCKS = {"shocks": {}}


TRADED = ("auto", "appliance", "growth", "other_manufacturing")


def _pair(months: int = 24, seed: int = 1, **overrides):
    base = RegionModel(rng=seed, scale=0.2, months=months, overrides=NO_SHOCKS).run()
    changed = RegionModel(rng=seed, scale=0.2, months=months, overrides={**NO_SHOCKS, **overrides}).run()
    return base, changed


def test_a_lower_interest_rate_for_ordinary_borrowers_gives_more_output_and_jobs():
    rate = {"rules.bank_rate": [{"start": "2021-02", "bank_rate_annual": 0.015}]}
    base, cheaper = _pair(**rate)
    assert cheaper.output_manufacturing.iloc[-1] > base.output_manufacturing.iloc[-1]
    assert cheaper.employed.iloc[-1] > base.employed.iloc[-1]
    # No traded firm fails in either world: the channel is the price, not rescue. (Some
    # services firms fail in both worlds after a year of bad draws of demand noise.)
    for world in (base, cheaper):
        assert sum(world[f"firm_failures_{s}"].sum() for s in TRADED) == 0


def test_a_higher_tariff_gives_fewer_jobs_through_the_price():
    tariff = [{"sectors": ["auto"], "start": "2021-03", "rate": 0.25, "phase_in_months": 1}]
    base, taxed = _pair(**{"shocks.tariff": tariff})
    assert taxed.employed_auto.iloc[-1] < base.employed_auto.iloc[-1]
    assert taxed.employed.iloc[-1] < base.employed.iloc[-1]
    # The mechanism: outside buyers pay 25% more, and buy (1.25) ** -2.8 as much of what is exposed.
    model = RegionModel(rng=1, scale=0.2, months=3, overrides={**NO_SHOCKS, "shocks.tariff": tariff})
    model.run()
    firms = model.firms
    suppliers = np.flatnonzero((firms.sector == 0) & np.isin(firms.role, (TIER1, TIER2)))
    factor = model.region.shocks.tariff_price_factor(3, model.config.markets.outside_price_elasticity)
    assert factor[suppliers] == pytest.approx(1.25**-2.8)


def test_a_wage_subsidy_raises_hiring():
    """A hiring subsidy lowers the subsidised firms' unit cost and raises hiring from outside
    employment and employment (seeds 1-4 pooled: one seed alone is a coin toss for an effect this
    small, e.g. seed 4 gave -8 hires before the job ladder and seed 1 -9 employed with it; hires
    from outside employment, since ``hires`` also counts job-to-job moves)."""
    package = load_package("single_hiring_subsidy")
    extra_hires, extra_employed = 0, 0
    for seed in (1, 2, 3, 4):
        base = RegionModel(rng=seed, scale=0.2, months=24).run()
        subsidised = RegionModel(rng=seed, scale=0.2, months=24, package=package).run()
        hires_from_outside = subsidised.hires - subsidised.job_to_job_moves
        extra_hires += hires_from_outside.sum() - (base.hires - base.job_to_job_moves).sum()
        extra_employed += subsidised.employed.iloc[-1] - base.employed.iloc[-1]
    assert extra_hires > 0
    assert extra_employed > 0


def test_a_subsidised_supplier_gains_orders_at_a_rivals_expense():
    # Industrial-site works lower overheads of the auto firms in complex 0 only: their prices
    # fall, and the chain's buyers shift orders to them from their suppliers elsewhere.
    data = load_package("single_infrastructure").to_dict()
    data["interventions"][0].update(sectors=["auto"], complexes=[0], annual_saving_per_krw=1.0, build_months=1)
    base = RegionModel(rng=2, scale=0.2, months=18, overrides=NO_SHOCKS)
    works = RegionModel(rng=2, scale=0.2, months=18, overrides=NO_SHOCKS, package=data)
    base.run()
    works.run()
    # Local entry responds to slack (entry.py), so the twins' later entrants may differ: compare
    # the firms both have (every supplier built at the start among them).
    both = min(works.firms.count, base.firms.count)
    firms = works.firms.view()
    firms = {name: column[:both] for name, column in firms.items()}
    base_status, base_orders, base_price = base.firms.status[:both], base.firms.orders[:both], base.firms.price[:both]
    suppliers = (firms["sector"] == 0) & np.isin(firms["role"], (TIER1, TIER2)) & (firms["status"] == ACTIVE)
    suppliers &= base_status == ACTIVE
    served = suppliers & (firms["complex_id"] == 0)
    rivals = suppliers & (firms["complex_id"] != 0)
    # Rivals' costs are untouched by the works: their prices move only as the labour market moves
    # workers between firms (the job ladder) and banks price a loss-making month (credit.py), by
    # far less than the served firms' fall.
    assert firms["price"][served].max() < 1.0
    smallest_fall = (base_price[served] - firms["price"][served]).min()
    assert np.abs(firms["price"][rivals] - base_price[rivals]).max() < 0.1 * smallest_fall
    ratio = firms["orders"] / np.where(base_orders > 0, base_orders, np.nan)
    assert np.nanmedian(ratio[served]) > 1.0 > np.nanmedian(ratio[rivals])


def test_cost_pass_through_is_a_twelfth_a_month_and_complete_in_the_long_run():
    # Documented in docs/model.md: the price closes 1/12 of its gap to the cost index each
    # month (half-life about 8 months); with a constant markup, long-run pass-through is one.
    model = RegionModel(rng=1, scale=0.05, months=1, overrides=NO_SHOCKS)
    firms, region = model.firms, model.region
    np.testing.assert_array_equal(cost_index(firms), 1.0)
    firms.overhead_discount = 0.5
    target = cost_index(firms)
    expected_drop = (
        firms.fixed_cost_share
        * 0.5
        / (firms.labour_cost_share + firms.input_cost_share + firms.interest_cost_share + firms.fixed_cost_share)
    )
    np.testing.assert_allclose(1.0 - target, expected_drop)
    set_prices(region, 1)
    speed = model.config.markets.price_adjustment_per_month
    np.testing.assert_allclose(1.0 - firms.price, speed * expected_drop)
    for month in range(2, 121):
        set_prices(region, month)
    np.testing.assert_allclose(firms.price, target, rtol=1e-4)  # 120 months: (11/12) ** 120 of the gap is left


def test_an_interest_subsidy_lowers_the_rate_ordinary_borrowers_pay_with_no_firm_near_failure():
    # Gyeongju's programme (seed 002; Kookmin Ilbo and News1, 9 Feb 2025): the city pays 4 points
    # of interest on working-capital loans of ordinary borrowers, not only of firms in distress.
    base = RegionModel(rng=1, scale=0.2, months=24, overrides=NO_SHOCKS)
    subsidised = RegionModel(rng=1, scale=0.2, months=24, overrides=NO_SHOCKS, package="single_interest_subsidy")
    base.run()
    table = subsidised.run()
    firms = subsidised.firms
    enrolled = np.flatnonzero(firms.interest_subsidy_krw > 0)  # subsidised this month
    assert len(enrolled) > 10
    assert table.interest_subsidy_firms_subsidised.iloc[-1] == len(enrolled)
    assert not firms.distressed[enrolled].any() and (firms.cash[enrolled] > 0).all()
    # The rate they pay is lower: 4 points on the debt the subsidy covers.
    paid = firms.interest_subsidy_krw[enrolled] * 12 / firms.debt[enrolled]
    assert np.all(paid > 0) and np.all(paid <= 0.04 + 1e-12)
    longer = enrolled[firms.interest_subsidy__months_left[enrolled] < 22]  # subsidised for two months or more
    assert len(longer) and (firms.price[longer] < 1.0).all()
    # And they sell more than in the world without the subsidy.
    still = base.firms.status[enrolled] == ACTIVE
    assert np.median(firms.orders[enrolled][still] / base.firms.orders[enrolled][still]) > 1.0


def test_the_money_sets_the_volume_of_an_interest_subsidy():
    package = load_package("single_interest_subsidy")
    enrolled = []
    for total in (0.5e9, 1e9):  # far fewer firms than are eligible
        model = RegionModel(rng=3, scale=0.2, months=6, overrides=NO_SHOCKS, package=package.with_total_budget(total))
        enrolled.append(model.run().interest_subsidy_firms_enrolled.sum())
    assert enrolled[1] == pytest.approx(2 * enrolled[0], rel=0.1)


def test_the_gyeongju_package_acts_on_gyeongju_through_interest_costs_and_prices():
    base = RegionModel("gyeongju", rng=1, scale=0.1, months=24)
    package = RegionModel("gyeongju", rng=1, scale=0.1, months=24, package="gyeongju")
    base_table, table = base.run(), package.run()
    assert table.sme_interest_firms_enrolled.sum() > 0
    assert table.policy_spend_sme_interest.sum() > 0
    auto = package.firms.sector == package.config.sector_code("auto")
    assert package.firms.price[auto].min() < 1.0
    assert not table.employed.equals(base_table.employed)


def test_a_minimum_wage_rise_raises_prices_and_lowers_labour_demand_where_it_bites():
    # Own-wage elasticity of labour demand about 0.4 (Lichter, Peichl and Siegloch 2015): a
    # minimum wage above some service wages raises those firms' wage cost per worker, their
    # price (constant markup) and lowers the staff they want. A test value, not Korea's path.
    rule = {"rules.minimum_wage": [{"start": "2021-02", "krw_per_month": 2_600_000}]}
    base, floor = _pair(months=24, seed=2, **rule)
    model = RegionModel(rng=2, scale=0.2, months=24, overrides={**NO_SHOCKS, **rule})
    model.run()
    firms = model.firms
    services = firms.sector == model.config.sector_code("services")
    raised = services & (firms.wage_index > 1.0)
    assert raised.sum() > 50
    assert (firms.price[raised] > 1.0).all()
    assert floor.employed_services.iloc[-1] < base.employed_services.iloc[-1]
