"""The electric shift by parts content (sim/region/powertrain.py).

An electric car needs about a third fewer parts than a combustion car: 37% of a combustion
car's parts are not needed (KAICA survey, Maeil Business, 5 Dec 2021), and the e-drive the
chain makes instead is 5-10% of an electric car's cost (Global Economic, 4 Aug 2021). So at
constant car output a rising electric share must lower the chain's parts employment; the
Korea Employment Information Service (2023, via Hankyung) projects Korean parts employment
to fall 1.4% a year from 2021 to 2031.
"""

from __future__ import annotations

import numpy as np
import pytest

from sim import RegionModel, load_scenario
from sim.region.powertrain import COMBUSTION, ELECTRIC, content, tag_probabilities
from sim.region.state import TIER1

FLAT_CARS = {"shocks.relocation": [], "shocks.final_demand": []}  # only the electric transition


def _parts_employment(table):
    return table.employed_auto_tier1 + table.employed_auto_tier2


def test_electric_shift_lowers_parts_employment_at_constant_car_output():
    # Content arithmetic: parts per car = 1 - 0.295 e, and e rises from 0.05 to 0.19 by the end
    # of 2025 (0.05 -> 0.33 over 2021-2030): orders -4.2%. KEIS's -1.4% a year over five years
    # is -7%. The range allows both, and sampling at scale 0.2; before this mechanism the
    # transition raised parts employment.
    changes = []
    for seed in (1, 2):
        shifted = RegionModel(rng=seed, scale=0.2, months=60, overrides=FLAT_CARS).run()
        constant = RegionModel(rng=seed, scale=0.2, months=60, overrides={"shocks": {}}).run()
        changes.append(_parts_employment(shifted).iloc[-1] / _parts_employment(constant).iloc[-1] - 1)
    assert -0.12 < np.mean(changes) < -0.01, changes


def test_suppliers_are_tagged_in_proportion_to_their_parts():
    scenario = load_scenario()
    expected = tag_probabilities(scenario.chains["auto"].powertrain, scenario)
    assert expected[COMBUSTION] == pytest.approx(0.95 * 0.37 / (0.95 * 0.37 + 0.63 + 0.05 * 0.075))
    model = RegionModel(rng=1, scale=0.5, months=1)
    firms = model.firms
    tier1 = (firms.role == TIER1) & (firms.sector == 0)
    shares = np.bincount(firms.part_type[tier1], minlength=3) / tier1.sum()
    p = expected[COMBUSTION]
    assert shares[COMBUSTION] == pytest.approx(p, abs=3 * np.sqrt(p * (1 - p) / tier1.sum()))  # binomial, 3 sd


def test_conversion_moves_orders_between_suppliers_without_creating_any():
    model = RegionModel(rng=2, scale=0.2, months=1)
    demand, firms = model.region.parts_demand, model.firms
    code = model.config.sector_code("auto")
    powertrain = model.config.chains["auto"].powertrain
    share = 0.2
    by_type = content(powertrain, share) / content(powertrain, 0.05)

    def pooled_orders() -> float:
        factor = demand.multiplier(share)
        tagged = (firms.sector == code) & (firms.part_type >= 0)
        return float((factor[tagged] * firms.base_output[tagged]).sum())

    def content_orders() -> float:
        # Each part type's orders follow its content; a type no local firm makes is bought outside.
        made = demand.now_by_type[code] > 0
        return float((by_type * demand.base_by_type[code])[made].sum())

    combustion = np.flatnonzero((firms.sector == code) & (firms.part_type == COMBUSTION))
    demand.move(combustion[:1], COMBUSTION, ELECTRIC)  # someone makes electric parts locally
    firms.part_type[combustion[:1]] = ELECTRIC
    before = pooled_orders()
    assert before == pytest.approx(content_orders(), rel=1e-12)
    demand.move(combustion[1:6], COMBUSTION, ELECTRIC)
    firms.part_type[combustion[1:6]] = ELECTRIC
    assert pooled_orders() == pytest.approx(before, rel=1e-12)


def test_converting_suppliers_pay_and_then_make_electric_parts():
    model = RegionModel(
        rng=3, scale=0.2, months=30, overrides={**FLAT_CARS, "chains.auto.powertrain.conversion_share_per_year": 0.5}
    )
    table = model.run()
    firms = model.firms
    assert table.suppliers_converted.sum() > 0
    converted = firms.part_type == ELECTRIC
    assert converted.sum() >= table.suppliers_converted.sum()
    assert (firms.converting_until[converted] == -1).all()
