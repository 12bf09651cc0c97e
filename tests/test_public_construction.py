"""Public construction demand (SOC 조기집행): the money buys works at the firms' prices; the multiplier.

Korean estimates of GDP per KRW of government spending: 0.44 at the peak after 2000 (Bank of
Korea, Choi and Son, reported by Yonhap Infomax), 0.8 for government consumption (Bank of Korea,
Han and Ji 2016, reported by Yonhap 2016-03-08), 0.87-1.9 from the input-output table (KIET, Kang
2003, reported by Financial News 2003-06-23). scenarios/packages/single_public_construction.toml.
"""

from __future__ import annotations

import numpy as np
import pytest

from sim import RegionModel
from sim.inputs.package import load_package


def _package(total_krw: float = 10e9):
    return load_package("single_public_construction").with_total_budget(total_krw)


def test_the_budget_buys_works_at_the_firms_prices():
    table = RegionModel(rng=1, scale=0.1, months=24, package=_package()).run()
    monthly = 10e9 * 0.1 / 60
    assert table.public_construction_works_krw[1:].to_numpy() == pytest.approx(monthly)
    assert table.policy_cost_public_construction.sum() == pytest.approx(table.public_construction_works_krw.sum())
    # The volume is the payment over the price (prices near 1 at the start).
    assert table.public_construction_works_volume_krw.sum() == pytest.approx(
        table.public_construction_works_krw.sum(), rel=0.05
    )
    double = RegionModel(rng=1, scale=0.1, months=24, package=_package(20e9)).run()
    assert double.public_construction_works_krw.sum() == pytest.approx(2 * table.public_construction_works_krw.sum())


def _value_added(package, seed):
    """The region's firms' value added (sales less purchased inputs) summed over the run, KRW."""
    model = RegionModel("gwangju", rng=seed, scale=0.1, months=60, package=package)
    total = 0.0
    while model.running:
        model.step()
        total += float((model.firms.flow_revenue - model.firms.flow_inputs).sum())
    return total, model.results()


def test_local_multiplier_of_public_works_lies_in_the_korean_range():
    """Value added gained per KRW of works, over five years, seeds 1-4 at scale 0.1 (measured mean
    1.827: 3.359, 1.054, 1.658, 1.235 with pensions in households' income, docs/model.md 7.10; 0.408
    before them, a strict expected failure then, and 0.747 before the start held the steady state's open
    jobs; the spread between seeds, from firms that fail in one run and not in its twin, is as large as
    the effect, so four seeds cannot tell these apart). Korean estimates of GDP per KRW of government
    spending span 0.44 (BOK, peak after 2000) to 1.9 (KIET, input-output, upper bound)."""
    multipliers = []
    for seed in (1, 2, 3, 4):
        base, _ = _value_added(None, seed)
        works, table = _value_added(_package(), seed)
        multipliers.append((works - base) / table.policy_spend.sum())
    assert 0.44 <= np.mean(multipliers) <= 1.9, multipliers
