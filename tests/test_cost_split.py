"""Who pays: each intervention's cost split between central and local government (issue 12, item 3).

A package states ``central_share`` per intervention where its source says who pays (seed 000:
a Ministry of Employment and Labor programme, 72% national money; seed 001: ministries'
programmes); the rest of a stated intervention's cost is the local government's, and
unstated costs are counted apart.
"""

from __future__ import annotations

import pytest

from sim import RegionModel
from sim.experiment.stats import run_measures
from sim.inputs.package import combine_packages, load_package


def test_the_split_adds_up_to_the_cost_and_follows_each_interventions_share():
    retention = load_package("single_retention").to_dict()  # paid from the Employment Insurance fund
    retention["interventions"][0]["central_share"] = 0.25
    unstated = load_package("single_retraining")  # states no payer
    package = combine_packages([load_package(retention), unstated])
    model = RegionModel(rng=1, scale=0.05, months=24, package=package)
    table = model.run()
    retention_cost = table.policy_cost_retention.sum()
    assert retention_cost > 0 and table.policy_cost_retraining.sum() > 0
    assert table.policy_cost_central.sum() == pytest.approx(0.25 * retention_cost)
    assert table.policy_cost_local.sum() == pytest.approx(0.75 * retention_cost)
    measures = run_measures(table, model.config)
    assert measures["cost_unstated_krw"] == pytest.approx(table.policy_cost_retraining[1:].sum())
    parts = measures["cost_central_krw"] + measures["cost_local_krw"] + measures["cost_unstated_krw"]
    assert parts == pytest.approx(measures["cost_krw"])


def test_gwangjus_package_is_mostly_national_money():
    """Seed 000 is a Ministry of Employment and Labor programme the city runs: in its second year
    7.0 of its 9.7 bn KRW were national money (Gwangju, 14 Apr 2022), so 72% of every line's cost
    is central and the rest the city's."""
    table = RegionModel(rng=1, scale=0.05, months=24, package="gwangju_2021").run()
    assert table.policy_cost.sum() > 0
    assert table.policy_cost_central.sum() == pytest.approx(0.72 * table.policy_cost.sum())
    assert table.policy_cost_local.sum() == pytest.approx(0.28 * table.policy_cost.sum())


def test_a_baseline_run_pays_nothing_at_either_level():
    table = RegionModel(rng=1, scale=0.05, months=6).run()
    assert table.policy_cost_central.sum() == table.policy_cost_local.sum() == 0.0
