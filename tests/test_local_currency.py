"""Local currency vouchers (지역사랑상품권): the money buys the discount, the vouchers move spending home.

KRILA policy brief (2020-12-31): from 2018 the state paid a 10% discount on vouchers issued in
the employment crisis areas; KIPF (Song and Lee 2020): the region's gain is other regions'
loss. scenarios/packages/single_local_currency.toml.
"""

from __future__ import annotations

import pytest

from sim import RegionModel
from sim.inputs.package import load_package


def _package(total_krw: float = 10e9):
    return load_package("single_local_currency").with_total_budget(total_krw)


def test_the_budget_pays_the_discount_and_so_sets_the_vouchers_sold():
    package = _package()
    settings = package.interventions[0]
    table = RegionModel(rng=1, scale=0.1, months=24, package=package).run()
    vouchers = table.local_currency_vouchers_krw[1:]
    cost = table.policy_cost_local_currency[1:]
    assert vouchers.sum() > 0
    # The cost of the month is the discount on the vouchers sold.
    assert cost.to_numpy() == pytest.approx(settings.discount_share * vouchers.to_numpy())
    # Below the cap, a month's budget (10 bn over 60 months, a tenth of it in a 0.1 sample) buys budget/discount.
    monthly = 10e9 * 0.1 / 60
    assert vouchers.max() == pytest.approx(monthly / settings.discount_share)
    # Twice the money, twice the vouchers (the cap does not bind in Gwangju).
    double = RegionModel(rng=1, scale=0.1, months=24, package=_package(20e9)).run()
    assert double.local_currency_vouchers_krw.sum() == pytest.approx(2 * vouchers.sum())


def test_vouchers_move_spending_to_local_services_beyond_the_discount():
    """Local services sell more than the discount could buy: the vouchers move households'
    spending from outside the region to its merchants (the diverted share)."""
    baseline = RegionModel(rng=1, scale=0.1, months=36).run()
    vouchers = RegionModel(rng=1, scale=0.1, months=36, package=_package()).run()
    discount = vouchers.policy_cost_local_currency.sum()
    gain = (vouchers.output_services - baseline.output_services)[1:].sum()
    assert gain > 2 * discount
    sold = vouchers.local_currency_vouchers_krw.sum()
    assert vouchers.local_currency_diverted_krw.sum() == pytest.approx(0.385 * sold)


def test_vouchers_are_capped_at_a_share_of_households_spending():
    """In the small declining county the money would buy more vouchers than households spend
    through them (assumption: at most 5% of their spending)."""
    table = RegionModel("declining_county", rng=1, scale=1.0, months=12, package=_package(200e9)).run()
    vouchers = table.local_currency_vouchers_krw[2:]
    spending = table.household_spending.shift(1)[2:]
    assert (vouchers <= 0.05 * spending * (1 + 1e-9)).all()
    assert vouchers.to_numpy() == pytest.approx(0.05 * spending.to_numpy(), rel=1e-6)  # the cap binds
