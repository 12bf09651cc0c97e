"""Prices: each firm prices at a constant markup over its unit cost, and buyers respond to prices.

A firm's price index starts at 1. Its cost index is its unit cost relative to the start, from
the parts of cost it had then (per unit of base output: labour, inputs, interest, overheads):

    cost = (labour x wage index x (1 - wage subsidy share) + inputs + interest x rate paid / starting rate
            + overheads x (1 - overhead discount)) / (labour + inputs + interest + overheads)

where the rate paid is the firm's lending rate (priced by risk, credit.py) less any interest
subsidy (interest_subsidy.py), plus any guarantee fee (credit_guarantee.py)

so a wage subsidy, a lower interest rate or cheaper overheads lower it, and a minimum-wage
rise (the wage index, rules.py) raises it. Each month the price
closes ``price_adjustment_per_month`` of its gap to the cost index (prices are sticky; with a
constant markup the long-run pass-through of a cost change into the price is one).

Buyers respond to prices in each market with that market's elasticity (orders.py):
outside the region with the Armington elasticity, against rivals abroad at price 1 and
through any ad-valorem tariff; inside a supply chain, a buyer shifts its orders between its
suppliers by their prices relative to its other suppliers' (so a subsidised supplier takes
orders from a rival); local households shift their spending between local-services firms.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from scipy import sparse

from sim.region.state import ACTIVE, FirmTable

if TYPE_CHECKING:
    from sim.region.region_state import RegionState


def cost_index(firms: FirmTable) -> np.ndarray:
    """Each firm's unit cost relative to the start (1 when nothing has changed)."""
    labour = firms.labour_cost_share
    wage_subsidy = np.divide(
        firms.wage_subsidy_krw, firms.wage_bill, out=np.zeros(firms.count), where=firms.wage_bill > 0
    )
    subsidised = np.divide(
        firms.interest_subsidy_krw * 12.0, firms.debt, out=np.zeros(firms.count), where=firms.debt > 0
    )
    # A guarantee fee is part of the cost of guaranteed credit (credit_guarantee.py).
    fees = np.divide(firms.guarantee_fee_krw * 12.0, firms.debt, out=np.zeros(firms.count), where=firms.debt > 0)
    rate = np.divide(
        firms.interest_rate - subsidised + fees,
        firms.base_interest_rate,
        out=np.ones(firms.count),
        where=firms.base_interest_rate > 0,
    )
    cost = (
        labour * firms.wage_index * (1.0 - np.minimum(wage_subsidy, 1.0))
        + firms.input_cost_share
        + firms.interest_cost_share * rate
        + firms.fixed_cost_share * (1.0 - firms.overhead_discount)
    )
    base = labour + firms.input_cost_share + firms.interest_cost_share + firms.fixed_cost_share
    return np.divide(cost, base, out=np.ones(firms.count), where=base > 0)


def set_prices(state: RegionState, month: int) -> None:
    """Stage: prices move part of the way to each firm's cost index (constant markup over unit cost)."""
    firms = state.firms
    target = cost_index(firms)
    if (target == 1.0).all() and (firms.price == 1.0).all():
        return  # nothing has moved any cost: every price stays at 1
    speed = state.config.markets.price_adjustment_per_month
    firms.price = np.where(firms.status == ACTIVE, firms.price + speed * (target - firms.price), firms.price)


def relative_demand(price: np.ndarray, elasticity: float) -> np.ndarray:
    """Demand at a price relative to a rival's price of 1: ``price ** -elasticity``."""
    return price ** (-elasticity)


def supplier_orders(
    coefficients: sparse.csr_matrix, buyer_output: np.ndarray, price: np.ndarray, elasticity: float
) -> np.ndarray:
    """Orders each supplier receives, shifted between a buyer's suppliers by their relative prices.

    A buyer's total orders are unchanged; supplier ``f`` of buyer ``b`` gets its base share
    times ``(p_f ** -e) / mean over b's suppliers of (p ** -e)`` (weighted by the base shares).
    """
    return orders_at_prices(coefficients, buyer_output, *price_weights(coefficients, price, elasticity))


def price_weights(
    coefficients: sparse.csr_matrix, price: np.ndarray, elasticity: float
) -> tuple[np.ndarray, np.ndarray]:
    """Each supplier's price weight ``p ** -e`` and each buyer's mean weight over its suppliers (base shares).

    They depend on prices only, so a month computes them once for all the buyers' outputs it routes.
    """
    weight = relative_demand(price, elasticity)
    reach = coefficients.T @ np.ones(len(price))
    weighted = coefficients.T @ weight
    return weight, np.divide(weighted, reach, out=np.ones(len(price)), where=reach > 0)


def orders_at_prices(
    coefficients: sparse.csr_matrix, buyer_output: np.ndarray, weight: np.ndarray, average: np.ndarray
) -> np.ndarray:
    """``supplier_orders`` given the month's ``price_weights``."""
    scaled_output = np.divide(buyer_output, average, out=np.zeros(len(weight)), where=average > 0)
    return weight * (coefficients @ scaled_output)
