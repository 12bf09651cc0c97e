"""Mesa conventions: rng, agents, DataCollector and batch_run work with RegionModel."""

from __future__ import annotations

import mesa
import numpy as np
import pytest

from sim import RegionModel
from sim.region.agents import Firm


def test_region_model_is_a_mesa_model_with_firm_agents():
    model = RegionModel(rng=1, scale=0.01, months=2)
    assert isinstance(model, mesa.Model)
    firms = model.agents_by_type[Firm]
    assert len(firms) == model.firms.count
    assert isinstance(model.rng, np.random.Generator)
    assert {firm.sector for firm in firms} == {"auto", "appliance", "growth", "other_manufacturing", "services"}


def test_our_scenario_does_not_collide_with_mesas():
    model = RegionModel("gwangju", rng=1, scale=0.01, months=1)
    assert model.config.scenario.name == "gwangju"
    assert isinstance(model.scenario, mesa.experimental.scenarios.Scenario)


def test_datacollector_matches_the_monthly_table():
    model = RegionModel(rng=2, scale=0.01, months=3)
    table = model.run()
    collected = model.datacollector.get_model_vars_dataframe()
    assert len(collected) == len(table) == 4
    np.testing.assert_array_equal(collected["employed"].to_numpy(), table["employed"].to_numpy())
    assert not model.running


def test_mesa_batch_run_drives_the_model():
    results = mesa.batch_run(
        RegionModel,
        parameters={"scale": 0.01, "months": 2},
        rng=[1, 2],
        max_steps=10,
        number_processes=1,
        data_collection_period=-1,
        display_progress=False,
    )
    assert len(results) == 2
    assert all(row["Step"] == 2 for row in results)
    assert results[0]["employed"] != results[1]["employed"] or results[0]["hires"] != results[1]["hires"]


def test_generator_and_negative_seeds():
    a = RegionModel(rng=np.random.default_rng(5), scale=0.01, months=1)
    b = RegionModel(rng=np.random.default_rng(5), scale=0.01, months=1)
    assert a.seed == b.seed
    with pytest.raises(ValueError, match="non-negative"):
        RegionModel(rng=-1, scale=0.01, months=1)


def test_stepping_past_the_planned_horizon_extends_the_table():
    model = RegionModel(rng=1, scale=0.01, months=2)
    model.run()
    assert not model.running
    model.step()
    assert list(model.results().month) == [0, 1, 2, 3]
