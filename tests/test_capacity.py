"""Capacity answers the cost of capital (issue 10, item 3).

Chirinko, Fazzari and Meyer (1999, J. Public Economics 74(1)): the user cost elasticity of
capital is about -0.25 on US firm data. A lower bank rate lowers every firm's user cost
(interest rate + depreciation), and firms build towards (user cost ratio) ** -0.25 more
capacity, closing 2% of the gap a month (scenarios/gwangju.toml [firms]).
"""

from __future__ import annotations

import numpy as np

from sim import RegionModel
from sim.region import production
from sim.region.state import ACTIVE

NO_SHOCKS = {"shocks.final_demand": [], "shocks.relocation": [], "shocks.electric_transition": None, "entry": None}


def test_a_lower_bank_rate_builds_capacity_at_the_user_cost_elasticity():
    months = 48
    base = RegionModel(rng=1, scale=0.2, months=months, overrides=NO_SHOCKS)
    cheaper_money = {**NO_SHOCKS, "rules.bank_rate": [{"start": "2021-02", "bank_rate_annual": 0.01}]}
    cheaper = RegionModel(rng=1, scale=0.2, months=months, overrides=cheaper_money)
    base.run()
    cheaper.run()
    behaviour = base.config.firms
    a, b = base.firms, cheaper.firms
    both = (a.status == ACTIVE) & (b.status == ACTIVE) & (a.loss_months == 0) & (b.loss_months == 0)
    ratio = b.capacity[both].sum() / a.capacity[both].sum()
    depreciation = behaviour.depreciation_rate_annual
    user_cost = (b.interest_rate[both] + depreciation) / (a.interest_rate[both] + depreciation)
    long_run = float(np.average(user_cost**behaviour.user_cost_elasticity, weights=a.capacity[both]))
    assert long_run > 1.02  # the rate cut is large enough to matter
    # After 48 months at 2% a month, 1 - 0.98 ** 48 = 62% of the gap is closed.
    assert 1 + 0.5 * (long_run - 1) < ratio < long_run + 0.005, (ratio, long_run)


def test_firms_making_losses_do_not_add_capacity():
    """A firm in its loss months does not invest, however much work it expects (it may shrink)."""
    model = RegionModel(rng=1, scale=0.05, months=1, overrides=NO_SHOCKS)
    firms, behaviour = model.firms, model.config.firms
    before = firms.capacity.copy()
    losing = np.arange(firms.count) % 2 == 0
    firms.loss_months[:] = np.where(losing, 3, 0)
    expecting_more = 3 * firms.expected_demand
    production.update_expectations_and_capacity(firms, expecting_more, np.ones(firms.count), behaviour)
    active = firms.status == ACTIVE
    assert (firms.capacity[active & losing] <= before[active & losing]).all()
    assert (firms.capacity[active & ~losing] > before[active & ~losing]).all()
