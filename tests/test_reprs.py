"""Short readable representations for notebooks: scenarios, packages, comparisons."""

from __future__ import annotations

from sim import load_scenario
from sim.inputs.package import load_package


def test_scenario_repr_is_short_and_names_what_matters():
    scenario = load_scenario("gwangju", overrides={"scenario.scale": 0.05})
    text = repr(scenario)
    assert text.splitlines()[0] == "Scenario 'gwangju'"
    assert len(text.splitlines()) <= 12 and len(text) < 1000
    for part in ("Gwangju Metropolitan City", "60 months from 2021-01", "0.05", "760,000", "auto, appliance"):
        assert part in text
    assert "relocation" in text and "final_demand x2" in text
    html = scenario._repr_html_()
    assert html.startswith("<table>") and "Gwangju Metropolitan City" in html


def test_package_repr_lists_interventions_and_budgets():
    text = repr(load_package("gwangju_2021"))
    assert text.splitlines()[0] == "Package 'gwangju_2021'"
    assert "46.60 bn KRW" in text and "auto_retention" in text and "11.65 bn KRW" in text
    assert "<table>" in load_package("single_loans")._repr_html_()
