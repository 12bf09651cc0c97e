"""Social-economy sales channels and procurement move demand; only buyers outside the region add to it.

Issue 12 measured that a 20 million KRW grant bought 167 million KRW of sales, added on top of
local demand, so social economy ranked first. Sales won by new products are taken from other
local firms unless the buyer is outside the region (``outside_buyer_share``, an assumption
stated in the packages), and preferential procurement diverts public purchases from other
local firms (it changes the seller, not the volume). Evaluations that net out such
displacement find small effects: of the local business-support, finance and other schemes
reviewed by the What Works Centre for Local Economic Growth, only about half showed a
positive employment effect (LSE news, July 2017).
"""

from __future__ import annotations

import copy

import numpy as np
import pytest

from sim import RegionModel
from sim.region import orders
from sim.region.state import ACTIVE


@pytest.fixture(scope="module")
def region():
    # Without firms' idiosyncratic demand noise, so that the local pool is shared exactly.
    model = RegionModel("gwanak", rng=4, scale=0.1, months=6, overrides={"firms.demand_noise_sd": 0.0})
    model.run()
    state = model.region
    codes = [state.config.sector_code(name) for name in state.config.local_services_names]
    services = np.flatnonzero(np.isin(state.firms.sector, codes) & (state.firms.status == ACTIVE))
    chosen = services[:10]
    return state, services, chosen


def _orders_with(state, levers):
    copied = copy.deepcopy(state)
    for column, (firms, value) in levers.items():
        getattr(copied.firms, column)[firms] = value
    orders.place_orders(copied, 7)
    return copied.firms.orders


def test_new_products_sold_locally_take_sales_from_other_local_firms(region):
    state, services, chosen = region
    before = _orders_with(state, {})
    after = _orders_with(state, {"demand_uplift": (chosen, 0.2)})
    others = np.setdiff1d(services, chosen)
    assert after[chosen].sum() > before[chosen].sum() * 1.15
    assert after[others].sum() < before[others].sum()
    assert after[services].sum() == pytest.approx(before[services].sum(), rel=1e-12)


def test_sales_to_buyers_outside_the_region_are_new_demand(region):
    state, services, chosen = region
    before = _orders_with(state, {})
    after = _orders_with(state, {"outside_uplift": (chosen, 0.2)})
    others = np.setdiff1d(services, chosen)
    np.testing.assert_allclose(after[chosen], before[chosen] * 1.2, rtol=1e-12)
    np.testing.assert_allclose(after[others], before[others], rtol=1e-12)


def test_procurement_diverts_public_purchases_from_other_local_firms(region):
    state, services, chosen = region
    before = _orders_with(state, {})
    bought = 0.05 * before[services].sum() / len(chosen)
    after = _orders_with(state, {"policy_demand": (chosen, bought)})
    others = np.setdiff1d(services, chosen)
    assert after[services].sum() == pytest.approx(before[services].sum(), rel=1e-9)
    assert after[chosen].sum() > before[chosen].sum() + 0.9 * bought * len(chosen)
    assert before[others].sum() - after[others].sum() > 0.9 * bought * len(chosen)
